// defer-in-loop: a defer that releases something, written directly in a loop body.
//
//   for _, name := range names {
//       f, err := os.Open(name)
//       …
//       defer f.Close()          // flagged: every file stays open until the function returns
//   }
//
//   for … { func() { f := open(); defer f.Close(); … }() }   // a func literal: its own defer
//   for … { …; defer mu.Unlock(); return x }                  // the loop ends with this round
//   for … { defer log.Println("done") }                       // not a release: option allDefers
//
// Releases: Close, Unlock, RUnlock, Stop, Done, Rollback, Release, a cancel function, and a
// deferred func literal that calls one of them. By default only loops with no bound on their
// rounds: no way out at all, a range over a channel, an iterator (`for rows.Next()`,
// `hdr, err := tr.Next()` first), or a Lock/defer Unlock of the same mutex every round. A
// loop over a slice of a few names releases at return, often on purpose: option anyLoop.
import type { Node } from 'web-tree-sitter';
import { defineRule, type Handlers } from '../src/engine/types.js';
import { enclosingFunction, isFunction, type FileFacts } from '../src/go/facts.js';
import { closingParen } from '../src/go/leaks.js';
import { forBefore, forBlockOpen, lastRound, loopVars, unboundedLoop } from '../src/go/loops.js';

type MessageIds = 'release' | 'endless' | 'lock' | 'other';
interface Options {
  /** Report releases deferred in any loop, not only loops without a bound (see the docs). */
  anyLoop: boolean;
  /** Also check _test.go files (a test's timers, files and archives live as long as the test). */
  tests: boolean;
  /** Report every defer in a loop, not only those that release something. */
  allDefers: boolean;
}

const RELEASES = new Set(['Close', 'Unlock', 'RUnlock', 'Stop', 'Done', 'Rollback', 'Release']);
const CANCEL = /^(cancel\w*|\w*Cancel)$/;

/**
 * False when the text of a deferred call shows it releases nothing (releaseOf): a call of a
 * plain name or a selector whose last name is none of the releases (`defer os.Remove(p)`),
 * whose call ends the statement. True when unsure (a func literal, a comment, anything else).
 */
function mayRelease(text: string, at: number): boolean {
  const m = /^defer[ \t]+([A-Za-z_]\w*(?:\s*\.\s*[A-Za-z_]\w*)*)\s*\(/.exec(text.slice(at, at + 300));
  if (!m || m[1] === 'func') return true;
  // The deferred call is this one, not a call on its result (`defer a.b(c).Close()`).
  const end = closingParen(text, at + m[0].length - 1, 4096);
  const eol = end < 0 ? -1 : text.indexOf('\n', end);
  if (end < 0 || !/^[ \t]*(?:\r?$|\/\/|;|\})/.test(text.slice(end + 1, eol < 0 ? text.length : eol))) return true;
  const names = m[1]!.split('.').map((n) => n.trim());
  const last = names[names.length - 1]!;
  return (names.length > 1 && RELEASES.has(last)) || CANCEL.test(last);
}

/** The release a deferred call performs (`f.Close`, `cancel`), or undefined. */
function releaseOf(call: Node): string | undefined {
  const fn = call.childForFieldName('function');
  if (!fn) return undefined;
  if (fn.type === 'identifier') return CANCEL.test(fn.text) ? fn.text : undefined;
  if (fn.type === 'selector_expression') {
    const name = fn.childForFieldName('field')?.text ?? '';
    if (RELEASES.has(name) || CANCEL.test(name)) return fn.text.replace(/\s+/g, '');
    return undefined;
  }
  if (fn.type === 'func_literal') {
    // defer func() { _ = f.Close() }()
    for (const c of fn.descendantsOfType('call_expression')) {
      const r = c && c.id !== call.id ? releaseOf(c) : undefined;
      if (r && c && !pairedInside(fn, c, r)) return r;
    }
  }
  return undefined;
}

/**
 * True when the func literal takes what `release` (a call in it) gives back: an Unlock after
 * a Lock of the same mutex in the literal (`defer func() { mu.Lock(); …; mu.Unlock() }()`
 * runs a locked section at return, it holds nothing meanwhile), or a Close of a value the
 * literal declares itself.
 */
function pairedInside(lit: Node, release: Node, what: string): boolean {
  const m = /^(.*)\.(R?)Unlock$/.exec(what);
  const before = lit.text.slice(0, release.startIndex - lit.startIndex).replace(/\s+/g, '');
  if (m) return before.includes(`${m[1]}.${m[2]}Lock()`);
  const root = /^[A-Za-z_]\w*/.exec(what)?.[0];
  for (const d of lit.descendantsOfType(['short_var_declaration', 'var_spec'])) {
    const names = d?.type === 'var_spec' ? d.childrenForFieldName('name') : (d?.childForFieldName('left')?.namedChildren ?? []);
    if (d && d.startIndex < release.startIndex && names.some((n) => n?.text === root)) return true;
  }
  return false;
}


/**
 * The names that hold another value every round: the loop's variables, those declared in
 * its body before `before` from one of them (`store := s` in `for _, s := range stores`),
 * and those the body assigns (`node = next` while walking down a tree).
 */
function perRoundNames(loop: Node, before: number): string[] {
  const names = loopVars(loop);
  const mentions = (n: Node | null) => !!n && names.some((v) => new RegExp(`\\b${v}\\b`).test(n.text));
  for (const d of loop.childForFieldName('body')?.descendantsOfType(['short_var_declaration', 'assignment_statement']) ?? []) {
    if (!d) continue;
    const assigned = d.type === 'assignment_statement' && d.child(1)?.type === '=';
    if (!assigned && (d.startIndex >= before || !mentions(d.childForFieldName('right')))) continue;
    for (const id of d.childForFieldName('left')?.namedChildren ?? []) if (id?.type === 'identifier') names.push(id.text);
  }
  return names;
}

/** `defer mu.Unlock()` after `mu.Lock()` in the same round, on the same mutex every round. */
function relocks(defer: Node, release: string, loop: Node): boolean {
  const m = /^(.*)\.(R?)Unlock$/.exec(release);
  if (!m) return false;
  const recv = m[1]!;
  // A mutex reached through a per-round value is another mutex each round (a chain of
  // parents, a slice of stores all held until return on purpose): nothing locks twice.
  if (perRoundNames(loop, defer.startIndex).some((v) => new RegExp(`\\b${v}\\b`).test(recv))) return false;
  const lock = `${recv}.${m[2]}Lock()`;
  const body = loop.childForFieldName('body');
  return !!body && body.text.slice(0, defer.startIndex - body.startIndex).replace(/\s+/g, '').includes(lock);
}

export default defineRule<MessageIds, Options>({
  meta: {
    id: 'defer-in-loop',
    title: 'Release deferred inside a loop runs only when the function returns',
    severity: 'warning',
    precision: 'high',
    tags: ['resource-leak', 'defer'],
    docs: {
      whatItDoes:
        'Finds defer statements written directly in a loop body (not in a function literal called in the loop) that release something (Close, Unlock, RUnlock, Stop, Done, Rollback, Release, or a cancel function) where the loop has no bound on its rounds: a loop with no way out (the deferred calls never run), a range over a channel (a stream, as in staticcheck SA9001), an iterator loop (for rows.Next(), or a loop that starts with hdr, err := tr.Next()), and an Unlock deferred after a Lock of the same mutex (the next round deadlocks). Releases deferred in other loops (over a slice of a few files, addresses or peers) are often deliberate and are reported only with the option anyLoop; every defer in a loop with allDefers. Silent when the loop cannot go round again after the defer (a return, panic or break follows it).',
      whyIsThisBad:
        'A deferred call runs when the surrounding function returns, not at the end of the loop iteration. Every round adds one more open file, connection, transaction or held lock, and none is released until the loop and the function finish: a long loop runs out of file descriptors or connections, a second Lock on the same mutex deadlocks, and the defer records themselves pile up in memory.',
      example: [
        'package files',
        '',
        'import (',
        '\t"io"',
        '\t"os"',
        ')',
        '',
        'func sizes(names <-chan string) (int64, error) {',
        '\tvar total int64',
        '\tfor name := range names {',
        '\t\tf, err := os.Open(name)',
        '\t\tif err != nil {',
        '\t\t\treturn 0, err',
        '\t\t}',
        '\t\tdefer f.Close()',
        '\t\tn, err := io.Copy(io.Discard, f)',
        '\t\tif err != nil {',
        '\t\t\treturn 0, err',
        '\t\t}',
        '\t\ttotal += n',
        '\t}',
        '\treturn total, nil',
        '}',
        '',
      ].join('\n'),
      useInstead: [
        'package files',
        '',
        'import (',
        '\t"io"',
        '\t"os"',
        ')',
        '',
        'func size(name string) (int64, error) {',
        '\tf, err := os.Open(name)',
        '\tif err != nil {',
        '\t\treturn 0, err',
        '\t}',
        '\tdefer f.Close()',
        '\treturn io.Copy(io.Discard, f)',
        '}',
        '',
        'func sizes(names <-chan string) (int64, error) {',
        '\tvar total int64',
        '\tfor name := range names {',
        '\t\tn, err := size(name)',
        '\t\tif err != nil {',
        '\t\t\treturn 0, err',
        '\t\t}',
        '\t\ttotal += n',
        '\t}',
        '\treturn total, nil',
        '}',
        '',
      ].join('\n'),
    },
    messages: {
      release:
        'defer {{call}}() inside a loop runs only when {{fn}} returns, so what every round opens or holds stays open or held until then; move the loop body into a function, or call {{call}}() at the end of the round',
      endless:
        'defer {{call}}() inside a loop that never ends never runs: what every round opens or holds is never released; call {{call}}() at the end of the round, or move the body into a function',
      lock: 'defer {{call}}() inside a loop keeps {{mu}} locked until {{fn}} returns, so the next round locks it again and deadlocks; unlock at the end of the round, or move the body into a function',
      other: 'defer inside a loop runs only when {{fn}} returns, once per round, all at the end; move the loop body into a function if it should run every round',
    },
    // A defer and a release name as written in a call (either alone is in most files); the
    // option allDefers needs the keyword only.
    triggers: ['Close()', 'Unlock()', 'Stop()', 'Done()', 'Rollback()', 'Release()', 'ancel()'].map((r) => `defer && ${r}`),
    defaultOptions: { anyLoop: false, allDefers: false, tests: false },
  },
  optionTriggers: (o) => (o.allDefers ? ['defer'] : []),
  create(ctx): Handlers {
    const { facts, text } = ctx;
    if (!ctx.options.tests && ctx.filePath.endsWith('_test.go')) return {};
    if (!text.includes('defer')) return {};
    const all = ctx.options.allDefers;
    return {
      source_file(root) {
        const re = /\bdefer\b/g;
        for (let m = re.exec(text); m; m = re.exec(text)) {
          // No loop around it without a `for` written before it in its declaration, and a
          // block of it still open; nothing to report on a call that releases nothing: no
          // parse needed to know.
          if (!facts.declHasWord(m.index, 'for') || !forBefore(facts, m.index) || (!all && !mayRelease(text, m.index)) || !forBlockOpen(facts, m.index)) continue;
          const kw = root.descendantForIndex(m.index, m.index + 5);
          const stmt = kw?.type === 'defer' ? kw.parent : null;
          if (stmt?.type !== 'defer_statement') continue;
          const call = stmt.namedChild(0);
          if (call?.type !== 'call_expression') continue;
          const release = releaseOf(call);
          if (!release && !all) continue;
          // The innermost loop around the defer, in the defer's own function.
          let loop: Node | null = null;
          for (let p = stmt.parent; p && !isFunction(p); p = p.parent) {
            if (p.type === 'for_statement') {
              loop = p;
              break;
            }
          }
          if (!loop || lastRound(facts, stmt, loop)) continue;
          const fn = enclosingFunction(stmt);
          const fnName = fn?.childForFieldName('name')?.text ?? 'the function literal';
          // A deferred func literal spans many lines: point at its `defer` keyword.
          const node = call.childForFieldName('function')?.type === 'func_literal' ? kw! : stmt;
          if (!release) {
            ctx.report({ node, messageId: 'other', data: { fn: fnName } });
            continue;
          }
          // By default only loops whose rounds have no bound (or that deadlock on round two):
          // most loops over a few addresses, peers or volumes release at return on purpose.
          const unbounded = unboundedLoop(facts, loop);
          if (unbounded === 'endless') ctx.report({ node, messageId: 'endless', data: { call: release } });
          else if (relocks(stmt, release, loop)) ctx.report({ node, messageId: 'lock', data: { call: release, mu: release.replace(/\.R?Unlock$/, ''), fn: fnName } });
          else if (ctx.options.anyLoop || unbounded)
            ctx.report({ node, messageId: 'release', data: { call: release, fn: fnName } });
        }
      },
    };
  },
});

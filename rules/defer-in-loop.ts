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
// deferred func literal that calls one of them.
import type { Node } from 'web-tree-sitter';
import { defineRule, type Handlers } from '../src/engine/types.js';
import { enclosingFunction, isFunction, type FileFacts } from '../src/go/facts.js';
import { terminates } from '../src/go/terminators.js';

type MessageIds = 'release' | 'other';
interface Options {
  /** Also check _test.go files (a test's timers, files and archives live as long as the test). */
  tests: boolean;
  /** Report every defer in a loop, not only those that release something. */
  allDefers: boolean;
}

const RELEASES = new Set(['Close', 'Unlock', 'RUnlock', 'Stop', 'Done', 'Rollback', 'Release']);
const CANCEL = /^(cancel\w*|\w*Cancel)$/;

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
      if (r) return r;
    }
  }
  return undefined;
}

const BREAKABLE = /^(for|expression_switch|type_switch|select)_statement$/;

/**
 * True when the statements after `defer` in its block (and in the blocks around it, up to
 * the loop body) always leave the loop: a return, a panic, a break out of this loop. Then
 * the defer runs at most once and releases when the function returns, as it would outside.
 */
function lastRound(facts: FileFacts, defer: Node, loop: Node): boolean {
  const body = loop.childForFieldName('body');
  let cur: Node = defer;
  for (let p = cur.parent; p && cur.id !== body?.id; cur = p, p = p.parent) {
    if (p.type !== 'statement_list') continue;
    let after = false;
    for (const s of p.namedChildren) {
      if (!s) continue;
      if (s.id === cur.id) after = true;
      else if (after && (terminates(facts, s) || (s.type === 'break_statement' && s.namedChildCount === 0 && breaksLoop(p, loop)))) return true;
    }
  }
  return false;
}

/** An unlabeled break in `list` leaves `loop`: no switch, select or inner loop in between. */
function breaksLoop(list: Node, loop: Node): boolean {
  for (let p: Node | null = list; p && p.id !== loop.id; p = p.parent) if (BREAKABLE.test(p.type)) return false;
  return true;
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
        'Finds defer statements written directly in a loop body (not in a function literal called in the loop) that release something: Close, Unlock, RUnlock, Stop, Done, Rollback, Release, or a cancel function. With the option allDefers, every defer in a loop. Silent when the loop cannot go round again after the defer (a return, panic or break follows it).',
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
        'func sizes(names []string) (int64, error) {',
        '\tvar total int64',
        '\tfor _, name := range names {',
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
        'func sizes(names []string) (int64, error) {',
        '\tvar total int64',
        '\tfor _, name := range names {',
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
      other: 'defer inside a loop runs only when {{fn}} returns, once per round, all at the end; move the loop body into a function if it should run every round',
    },
    // The release names as written in a call; the option adds the keyword itself.
    triggers: ['Close()', 'Unlock()', 'Stop()', 'Done()', 'Rollback()', 'Release()', 'ancel()'],
    defaultOptions: { allDefers: false, tests: false },
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
          ctx.report(
            release
              ? { node, messageId: 'release', data: { call: release, fn: fnName } }
              : { node, messageId: 'other', data: { fn: fnName } },
          );
        }
      },
    };
  },
});

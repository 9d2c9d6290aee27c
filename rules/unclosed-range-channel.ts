// A goroutine ranges over a channel that the producer never closes: once the last value
// is sent, the range loop waits forever and the goroutine leaks (seed 002: every worker of
// a load generator stayed blocked on its jobs channel).
//
//	jobs := make(chan Job)
//	for i := 0; i < n; i++ {
//		go func() {
//			for j := range jobs {   // ← reported: never ends
//				run(j)
//			}
//		}()
//	}
//	for _, j := range all {
//		jobs <- j
//	}
//	// no close(jobs)
import type { Node } from 'web-tree-sitter';
import { fieldRanges } from '../src/go/channel-fields.js';
import { baseName, type ChannelField, fieldOfMake, isFirstMake, namedInText, startersOf, stopsGoroutines } from '../src/go/fieldchans.js';
import type { PackageView } from '../src/go/package.js';
import { coreSummary, HOW, type Site } from '../src/go/summary.js';
import { type Channel, type ChanOp, channelFacts, exitFrom, siblingCases, within } from '../src/go/channels.js';
import { enclosingFunction } from '../src/go/facts.js';
import { defineRule } from '../src/engine/types.js';

/** The range body waits on another channel too (`case <-done: return`): it has a way out. */
function hasDoneCase(loop: Node): boolean {
  const body = loop.childForFieldName('body');
  if (!body) return false;
  for (const sel of body.descendantsOfType('select_statement')) {
    if (!sel || enclosingFunction(sel)?.id !== enclosingFunction(loop)?.id) continue;
    for (const c of siblingCases(sel, sel)) {
      if (c.type !== 'communication_case') continue;
      const comm = c.childForFieldName('communication');
      if (comm && comm.type !== 'send_statement' && c.descendantsOfType('return_statement').length) return true;
    }
  }
  return false;
}

function neverClosed(ch: Channel): ChanOp[] {
  if (ch.escapes || ch.ops.some((o) => o.kind === 'close')) return [];
  const sends = ch.ops.filter((o) => o.kind === 'send');
  if (sends.length === 0) return [];
  return ch.ops.filter(
    (o) =>
      o.kind === 'range' &&
      // a sender in another goroutine (a range in the sending goroutine itself would deadlock, not leak)
      sends.some((s) => s.unit.node.id !== o.unit.node.id) &&
      !hasDoneCase(o.node) &&
      // a loop that can return or break ends without the close
      !exitFrom(o.node.childForFieldName('body') ?? o.node, o.node),
  );
}

/**
 * A channel field that the package makes, sends on, and never closes, owned by a type whose
 * Stop (Close…) stops other goroutines of it but not this one: its workers are meant to end,
 * and cannot. Unexported, and never handed out, so every use is in sight.
 */
function fieldNeverClosed(pkg: PackageView, cf: ChannelField): boolean {
  // The cheap parts first: the declaration, the methods' uses, then the package's syntax.
  return (
    cf.bidirectional &&
    rangedOver(pkg, cf.field) &&
    cf.lifecycle.length > 0 &&
    cf.uses.some((u) => u.op === 'range') &&
    cf.uses.some((u) => u.op === 'send') &&
    !cf.uses.some((u) => u.op === 'close' || u.op === 'escape' || u.op === 'return') &&
    stopsGoroutines(pkg, cf) &&
    cf.made.length > 0 &&
    !cf.setOtherwise &&
    !cf.closedSomewhere &&
    !cf.handedOut
  );
}

/**
 * An unexported field (its users are all in the package) that some function of the package
 * ranges over (`for v := range s.jobs`, from the text): all fieldNeverClosed asks of the
 * field's name alone.
 */
function rangedOver(pkg: PackageView, field: string): boolean {
  if (!/^[a-z_]/.test(field)) return false;
  const key = `matches:\\brange[ \\t]+[\\w.]*\\.${field}\\b`;
  // Every name after a dot in what a range ranges over (`range a.b.c`: b and c), once per package.
  if (namedInText(pkg, 'ranged', ranged).has(field)) return pkg.keys(key).length > 0;
  pkg.absent(key);
  return false;
}

function ranged(text: string, out: Set<string>): void {
  // What `/\brange[ \t]+([\w.]+)/g` matches, from a native search of the keyword.
  const word = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
  for (let i = text.indexOf('range'); i >= 0; i = text.indexOf('range', i + 1)) {
    if (i > 0 && word(text.charCodeAt(i - 1))) continue;
    let j = i + 5;
    while (text[j] === ' ' || text[j] === '\t') j++;
    if (j === i + 5) continue;
    let k = j;
    while (k < text.length && (word(text.charCodeAt(k)) || text[k] === '.')) k++;
    if (k === j) continue;
    for (const name of text.slice(j, k).split('.').slice(1)) out.add(name);
    // (The next match starts after this one.)
    i = k - 1;
  }
}

/** The `for … range` loop a summary site names, in the method's syntax. */
function loopAt(pkg: PackageView, method: string, at: Site): Node | undefined {
  const decl = pkg.decl(method);
  return decl?.node
    .descendantsOfType('for_statement')
    .find((l) => !!l && l.startPosition.row + 1 === at.line && l.startPosition.column + 1 === at.column) ?? undefined;
}

/** Programs whose workers are meant to live as long as the process. */
function longLived(fn: Node): boolean {
  const name = fn.childForFieldName('name')?.text;
  return fn.type === 'function_declaration' && (name === 'main' || name === 'init');
}

export default defineRule({
  meta: {
    id: 'unclosed-range-channel',
    title: 'Range over a channel that is never closed',
    severity: 'warning',
    precision: 'high',
    tags: ['goroutine', 'channel', 'memory'],
    docs: {
      whatItDoes:
        'Finds a `for v := range ch` loop, usually in a worker goroutine, over a local channel that the function sends into but never closes (not in the function, its deferred calls, its closures, or the same-file functions it passes the channel to). Across the files of the package, a channel kept in a struct field: a worker method started as a goroutine ranges over `s.jobs`, other methods send on it, and the type has a Stop (or Close, Shutdown…) that does not close it, nor does anything else; reported at the range when the channel is made in the same file, else where it is made. Exported fields, fields given a channel from outside, and types with no way to be stopped (their workers live as long as the process) are left alone.',
      whyIsThisBad:
        'A range loop over a channel only ends when the channel is closed. When the producer is done and never closes it, every worker waits forever: its goroutine, stack and everything it references stay in memory until the process exits.',
      example: `package p

func process(items []string) {
	jobs := make(chan string)
	for i := 0; i < 4; i++ {
		go func() {
			for j := range jobs {
				handle(j)
			}
		}()
	}
	for _, it := range items {
		jobs <- it
	}
}

func handle(string) {}
`,
      useInstead: `package p

func process(items []string) {
	jobs := make(chan string)
	for i := 0; i < 4; i++ {
		go func() {
			for j := range jobs {
				handle(j)
			}
		}()
	}
	for _, it := range items {
		jobs <- it
	}
	close(jobs) // the workers' range loops end after the last job
}

func handle(string) {}
`,
    },
    messages: {
      fieldNotStopped:
        'range over {{field}} never ends: {{stop}} does not close {{field}} and nothing else does, so the goroutine running {{method}} blocks here forever once the sends stop; close({{field}}) in {{stop}}, after the last send',
      fieldNotStoppedElsewhere:
        '{{field}} made here is never closed ({{stop}} does not close it), so the goroutine running {{method}} blocks forever in its range loop ({{where}}) once the sends stop; close it in {{stop}}, after the last send',
      fieldNeverClosed:
        'range over {{field}} never ends: {{name}} (made on line {{line}} and stored in {{field}}) is never closed after the last send, so the goroutine blocks here forever and everything it references leaks; add close({{name}}) in the producer after the last send',
      neverClosed:
        'range over {{name}} never ends: nothing closes {{name}} after the last send, so the goroutine blocks here forever and everything it references leaks; add close({{name}}) in the producer after the last send',
    },
    triggers: ['make(chan'],
    defaultOptions: {},
  },
  create(ctx) {
    const channels = channelFacts(ctx.facts);
    const reported = new Set<number>();
    const report = (loop: Node, name: string, make: Node, field?: string) => {
      if (reported.has(loop.id)) return;
      reported.add(loop.id);
      const range = loop.namedChildren.find((c) => c?.type === 'range_clause') ?? loop;
      ctx.report({
        span: {
          start: { line: loop.startPosition.row + 1, column: loop.startPosition.column + 1 },
          end: { line: range.endPosition.row + 1, column: range.endPosition.column + 1 },
        },
        messageId: field ? 'fieldNeverClosed' : 'neverClosed',
        data: { name, field: field ?? name, line: make.startPosition.row + 1 },
        related: [{ node: make, message: `${name} is made here` }],
      });
    };
    const name = (key: string) => key.slice(key.lastIndexOf('.') + 1);
    // A worker method ranging over a channel field of its type (the package view): reported
    // at the range when this file makes the channel too, else at the make.
    const base = baseName(ctx.filePath);
    // The fields whose makes it reads (the cheap test of a field's name).
    const wanted = (field: string) => rangedOver(ctx.pkg, field);
    const onMake = (t: Node) => {
      const found = fieldOfMake(ctx.pkg, ctx.facts, t, wanted);
      if (!found || !fieldNeverClosed(ctx.pkg, found.cf) || !isFirstMake(ctx.pkg, found.cf, found.make)) return;
      const { make, cf } = found;
      for (const u of cf.uses) {
        if (u.op !== 'range' || u.how & HOW.callee) continue;
        if (!(u.how & HOW.go) && !startersOf(ctx.pkg, u.fn).length) continue;
        const loop = loopAt(ctx.pkg, u.fn, u.at);
        if (!loop || hasDoneCase(loop) || exitFrom(loop.childForFieldName('body') ?? loop, loop)) continue;
        const recv = ctx.pkg.summaryOf(coreSummary, u.fn)?.recv ?? cf.type;
        const data = { field: `${recv}.${cf.field}`, stop: name(cf.lifecycle[0]!), method: name(u.fn), where: `${u.at.file}:${u.at.line}` };
        if (u.at.file === base) {
          if (reported.has(loop.id)) continue;
          reported.add(loop.id);
          const range = loop.namedChildren.find((c) => c?.type === 'range_clause') ?? loop;
          ctx.report({ span: { start: { line: loop.startPosition.row + 1, column: loop.startPosition.column + 1 }, end: { line: range.endPosition.row + 1, column: range.endPosition.column + 1 } }, messageId: 'fieldNotStopped', data, related: [{ node: make, message: `${data.field} is made here` }] });
        } else {
          ctx.report({ node: make, messageId: 'fieldNotStoppedElsewhere', data: { ...data, field: `${cf.type}.${cf.field}` } });
        }
      }
    };
    const check = (fn: Node) => {
      // seed 002: a worker method ranging over a channel field fed by a local channel
      for (const r of fieldRanges(ctx.facts)) {
        if (within(r.make, fn)) report(r.loop, r.name, r.make, r.loop.namedChildren.find((c) => c?.type === 'range_clause')?.childForFieldName('right')?.text);
      }
      if (longLived(fn)) return;
      const f = channels.of(fn);
      if (!f.hasGo) return;
      for (const ch of f.channels) {
        for (const op of neverClosed(ch)) report(op.node, ch.name, ch.make);
      }
    };
    channels.wantFields(wanted);
    // A function without a goroutine only matters as the maker of a field's channel (and one
    // whose makes declare no local channel too: check's own channels are its locals).
    const madeForField = (at: number) => fieldRanges(ctx.facts).some((r) => channels.declHolds(at, r.make));
    return channels.handlers(check, onMake, { fn: (at) => (channels.mayMakeLocal(at) && channels.goWritten(at)) || madeForField(at), each: (at) => channels.mayFillField(at) });
  },
});

// close(ch) on the receiving side while another goroutine may still send: the next send
// panics (seed 003: "the channel must not be closed by consumers"). Also a channel closed
// twice on one path, and a close run by every goroutine a loop starts.
//
//	ch := make(chan T)
//	go func() { for { ch <- next() } }()   // producer
//	v := <-ch
//	close(ch)                               // ← reported: the consumer closes
//
// A `done` channel nobody sends on, closed to broadcast cancellation, is the recommended
// pattern and stays silent.
import type { Node } from 'web-tree-sitter';
import { caseReceiveName, type Channel, type ChanOp, channelFacts, exitFrom, failurePath, loopBetween, signalledBy, onDifferentBranches, pathEnds, siblingCases, thenReturns, within } from '../src/go/channels.js';
import { enclosingFunction, type FileFacts, isFunction, isWordCode } from '../src/go/facts.js';
import { countdown, receivesFromEvery, receivesPerItem, relayedBy, waitsBefore } from '../src/go/senders-done.js';
import { endsAfter, endsBetween, onlyOnPanic } from '../src/go/terminators.js';
import { defineRule } from '../src/engine/types.js';
import { fieldCloses, LIFECYCLE, mayClose } from '../src/go/fieldchans.js';
import type { PackageView } from '../src/go/package.js';
import { lastRound } from '../src/go/loops.js';

type Found = { op: ChanOp; messageId: 'consumerCloses' | 'doubleClose' | 'closeInLoop' | 'closeAfterRange'; related: Node };

/** `case <-ch: return`, or `<-ch` followed by a return: the loop ends after this receive. */
function receiveThenLeaves(r: ChanOp): boolean {
  const stmts = r.selectCase?.namedChildren.find((c) => c?.type === 'statement_list')?.namedChildren ?? [];
  if (stmts[0]?.type === 'return_statement') return true;
  const stmt = r.node.parent?.type === 'expression_statement' ? r.node.parent : null;
  return !!stmt && thenReturns(stmt);
}

/** The close sits under an if/switch/select inside its goroutine: not every goroutine runs it. */
function conditional(op: ChanOp): boolean {
  for (let p = op.node.parent; p && !isFunction(p); p = p.parent) {
    if (['if_statement', 'expression_switch_statement', 'type_switch_statement', 'select_statement'].includes(p.type)) return true;
  }
  return false;
}

/** The close runs in a select case that receives from another channel. */
function signalCase(op: ChanOp, name: string): boolean {
  for (let p = op.node.parent; p && !isFunction(p); p = p.parent) {
    if (p.type === 'communication_case') {
      const from = caseReceiveName(p);
      return from !== undefined && from !== name;
    }
  }
  return false;
}

/** The statement holding `n` (a call) directly in a statement list. */
function statementOf(n: Node): Node {
  return n.parent?.type === 'expression_statement' ? n.parent : n;
}

/**
 * `close(ch); close(ch)` back to back panics on every run: only a test of that panic
 * writes it (a table of functions that must panic), never code that runs unnoticed.
 */
function backToBack(a: Node, b: Node): boolean {
  let next = statementOf(a).nextNamedSibling;
  while (next?.type === 'comment') next = next.nextNamedSibling;
  return next?.id === statementOf(b).id;
}

/** `<-done` is a statement of a list that holds the close after it: every path to the close waited. */
function waitedFirst(recv: Node, close: Node): boolean {
  const stmt = recv.parent?.type === 'expression_statement' ? recv.parent : null;
  const list = stmt?.parent;
  return list?.type === 'statement_list' && stmt!.endIndex <= close.startIndex && within(close, list) && enclosingFunction(recv)?.id === enclosingFunction(close)?.id;
}

/** Closes inside a select case or a sync.Once are guarded against running twice. */
function guarded(op: ChanOp): boolean {
  if (op.once) return true;
  for (let p = op.node.parent; p && p.id !== op.unit.node.id; p = p.parent) {
    if (p.type === 'communication_case' || p.type === 'default_case') return true;
    if (p.type === 'func_literal' || p.type === 'function_declaration') break;
  }
  return false;
}

/** `chan<- T`: a channel this function can only send on and close. */
function sendOnly(t: Node | null | undefined): boolean {
  return t?.type === 'channel_type' && t.child(0)?.type === 'chan' && t.children.some((c) => c?.type === '<-');
}

/** The function directly around `n` when it declares `name` as a `chan<- T` parameter. */
function sendOnlyOwner(n: Node, name: string): Node | null {
  const fn = enclosingFunction(n);
  for (const p of fn?.childForFieldName('parameters')?.namedChildren ?? []) {
    if (p?.type === 'parameter_declaration' && p.childrenForFieldName('name').some((x) => x?.text === name)) return sendOnly(p.childForFieldName('type')) ? fn : null;
  }
  return null;
}

/**
 * The close's path leaves `fn` right after it: a return follows it in its block or in a
 * block around it, with no loop between (a loop may have gone round a go statement first).
 * The return found, or null.
 */
function returnsAfter(close: Node, fn: Node): Node | null {
  for (let s: Node | null = statementOf(close); s && s.id !== fn.id; s = s.parent) {
    if (s.type === 'for_statement') return null;
    if (s.parent?.type !== 'statement_list' && s.parent?.type !== 'block') continue;
    for (let next = s.nextNamedSibling; next; next = next.nextNamedSibling) {
      if (next.type === 'return_statement') return next;
      if (next.descendantsOfType('go_statement').length > 0) return null;
    }
  }
  return null;
}

/**
 * A `chan<- T` parameter makes its function the producer, never the consumer: a close there
 * only races with goroutines this function started that send, and a close on a path that
 * returns before any of those go statements has run races with none (`if bad { close(ch);
 * return }` ahead of `go func() { defer close(ch); ch <- work() }()`).
 */
function producerClosesFirst(c: ChanOp, name: string, theirs: ChanOp[]): boolean {
  const fn = c.deferred ? null : sendOnlyOwner(c.node, name);
  if (!fn) return false;
  const ret = returnsAfter(c.node, fn);
  return theirs.every((s) => {
    const g = s.unit.node;
    if (g.type !== 'go_statement' || !within(g, fn) || enclosingFunction(g)?.id !== fn.id) return false;
    // a loop around both may have started the goroutine on an earlier round
    for (let p = c.node.parent; p && p.id !== fn.id; p = p.parent) if (p.type === 'for_statement' && within(g, p)) return false;
    if (onDifferentBranches(g, c.node)) return true;
    return !!ret && g.startIndex >= ret.endIndex;
  });
}

function analyse(facts: FileFacts, ch: Channel, all: Channel[], inTest: boolean, constant: (n: Node | null) => number | undefined): Found[] {
  const out: Found[] = [];
  if (ch.escapes) return out;
  const closes = ch.ops.filter((o) => o.kind === 'close');
  if (closes.length === 0) return out;
  const sends = ch.ops.filter((o) => o.kind === 'send');
  for (const c of closes) {
    // double close on one path, in one unit; a close in a deferred recover branch only
    // runs on a panic, and one followed by t.Fatal or a return does not reach the next
    const other = closes.find(
      (d) => d !== c && d.unit.node.id === c.unit.node.id && d.pos < c.pos && !guarded(d) && !guarded(c) && !onlyOnPanic(facts, d.node) && !onlyOnPanic(facts, c.node),
    );
    if (other) {
      // A close in a callee is judged where the making function calls it: two calls of one
      // `fail(t, ch, err)` helper on two error branches are two paths, not one.
      const a = other.site ?? other.node;
      const b = c.site ?? c.node;
      const fn = enclosingFunction(b)!;
      const sameFn = enclosingFunction(a)?.id === fn.id;
      if (other.deferred && !c.deferred) {
        out.push({ op: c, messageId: 'doubleClose', related: other.node });
        continue;
      }
      if (
        sameFn &&
        !c.deferred &&
        !other.deferred &&
        !onDifferentBranches(a, b) &&
        !pathEnds(fn, a.endIndex, b.startIndex, facts) &&
        !endsBetween(facts, statementOf(a), statementOf(b)) &&
        !(other.site && endsAfter(facts, other.node)) &&
        !backToBack(a, b)
      ) {
        out.push({ op: c, messageId: 'doubleClose', related: other.node });
        continue;
      }
    }
    // a range loop only ends when the channel is closed: a close after it is a second one
    const ranged = ch.ops.find(
      (r) =>
        r.kind === 'range' &&
        r.unit.node.id === c.unit.node.id &&
        r.node.endIndex <= c.node.startIndex &&
        enclosingFunction(r.node)?.id === enclosingFunction(c.node)?.id &&
        !exitFrom(r.node.childForFieldName('body') ?? r.node, r.node) &&
        !onDifferentBranches(r.node, c.node),
    );
    if (ranged && !c.deferred && !guarded(c)) {
      out.push({ op: c, messageId: 'closeAfterRange', related: ranged.node });
      continue;
    }
    // every goroutine the loop starts closes the same channel
    if (c.unit.kind === 'go' && c.unit.inLoop && !guarded(c) && !c.inLoop && !conditional(c) && !(c.unit.loop && lastRound(facts, c.unit.node, c.unit.loop))) {
      out.push({ op: c, messageId: 'closeInLoop', related: c.unit.loop ?? c.unit.node });
      continue;
    }
    // the consumer closes while another goroutine sends
    const mine = ch.ops.filter((o) => o.unit.node.id === c.unit.node.id);
    if (mine.some((o) => o.kind === 'send')) continue;
    const recvs = mine.filter((o) => o.kind === 'recv' || o.kind === 'range');
    if (recvs.length === 0) continue;
    const theirs = sends.filter((s) => s.unit.node.id !== c.unit.node.id);
    if (theirs.length === 0 || c.once || waitsBefore(c) || countdown(c) || failurePath(c.node.parent?.parent ?? c.node, inTest)) continue;
    if (producerClosesFirst(c, ch.name, theirs)) continue;
    // closing in reaction to a signal on another channel (`case <-done: close(ch)`)
    if (signalCase(c, ch.name)) continue;
    // the senders run on another branch than this close (`if x { go send() } else { close(ch) }`)
    if (theirs.every((s) => s.unit.node.type === 'go_statement' && onDifferentBranches(s.unit.node, c.node))) continue;
    // the closer first heard from every sender on another channel (`<-done`, `case <-done:`)
    const senderUnits = new Set(theirs.map((s) => s.unit.node.id));
    const heard = all.some(
      (o) => o.name !== ch.name && o.ops.some((r) => (r.kind === 'recv' || r.kind === 'range') && r.unit.node.id === c.unit.node.id && (r.pos < c.pos || (r.selectCase && within(c.node, r.selectCase)))),
    );
    if (heard && all.some((o) => o.name !== ch.name && signalledBy(all, o.name, senderUnits) && o.ops.some((r) => (r.kind === 'recv' || r.kind === 'range') && r.unit.node.id === c.unit.node.id))) continue;
    // …or from a relay that closes done once every sender has closed its own channel on the way out
    if (heard && all.some((o) => o.name !== ch.name && o.ops.some((r) => r.kind === 'recv' && r.unit.node.id === c.unit.node.id && !r.select && waitedFirst(r.node, c.node)) && relayedBy(facts, o, theirs))) continue;
    // every value was received before the close: the senders are done
    const finite = !theirs.some((s) => s.inLoop || s.unit.inLoop);
    // A deferred close runs last; a receive in a loop that leaves right after counts once.
    // (a deferred close also runs when a select took another case than the receive)
    const sure = (r: ChanOp) => !c.deferred || !r.select || siblingCases(r.select, r.selectCase!).length === 0;
    const before = recvs.filter((r) => r.kind === 'recv' && (c.deferred || r.pos < c.pos) && (!r.inLoop || receiveThenLeaves(r)) && sure(r)).length;
    if (finite && before >= theirs.length) continue;
    // a counted receive loop took a value from every goroutine started
    if (receivesFromEvery(facts, ch, c, constant)) continue;
    // workers send at most once per item of a queue, and the loop received once per item
    if (receivesPerItem(ch, c, all)) continue;
    if (recvs.some((r) => r.kind === 'range' && r.pos < c.pos && enclosingFunction(r.node)?.id === enclosingFunction(c.node)?.id && !within(c.node, r.node))) continue;
    out.push({ op: c, messageId: 'consumerCloses', related: theirs[0]!.node });
  }
  return out;
}

/** `chan T`, not `<-chan T` or `chan<- T`. */
function bidirectional(t: Node): boolean {
  return !t.children.some((c) => c?.type === '<-');
}

/** Element type text → a send on a channel parameter of that element type, in the whole file (memoized by the caller). */
function typedSenders(root: Node): Map<string, Node> {
  const out = new Map<string, Node>();
  for (const send of root.descendantsOfType('send_statement')) {
    const chan = send?.childForFieldName('channel');
    const fn = chan && enclosingFunction(chan);
    if (!send || chan?.type !== 'identifier' || !fn) continue;
    for (const p of fn.childForFieldName('parameters')?.namedChildren ?? []) {
      const type = p?.childForFieldName('type');
      if (type?.type !== 'channel_type' || !p!.childrenForFieldName('name').some((n) => n?.text === chan.text)) continue;
      const elem = type.childForFieldName('value')?.text;
      if (elem && !out.has(elem)) out.set(elem, send);
    }
  }
  return out;
}

/**
 * A parameter `ch chan T` that the function only receives from and then closes, while
 * another function of the file sends on a `chan T` parameter: the consumer closes.
 */
function paramConsumer(ch: Channel, senders: () => Map<string, Node>): Found[] {
  if (ch.escapes || ch.ops.some((o) => o.kind === 'send')) return [];
  const out: Found[] = [];
  for (const c of ch.ops.filter((o) => o.kind === 'close' && !guarded(o))) {
    if (!ch.ops.some((o) => (o.kind === 'recv' || o.kind === 'range') && o.unit.node.id === c.unit.node.id)) continue;
    const send = senders().get(ch.type.childForFieldName('value')?.text ?? '');
    if (send && !within(send, ch.owner) && !waitsBefore(c)) out.push({ op: c, messageId: 'consumerCloses', related: send });
  }
  return out;
}

/**
 * The text of a method that onMethod looks at: a close of a field of its receiver, or a
 * goroutine started on it (`close(s.`, `go s.`), told before the method is parsed; one whose
 * receiver's name the pattern cannot read plainly (a comment, a line break) is parsed.
 */
const CLOSES_ON_RECEIVER = /^func[ \t]*\([ \t]*(\w+)[ \t*][\s\S]*?(?:close\(\s*\1\.|\bgo\s+\1\.)|^(?!func[ \t]*\([ \t]*\w+[ \t*])/;

/** Spaces and comments, as Go allows them between two tokens. */
const GAP = String.raw`(?:\s|\/\*[\s\S]*?\*\/|\/\/[^\n]*\n)*`;

/**
 * False for the text of a method (CLOSES_ON_RECEIVER's, receiver read plainly) that cannot
 * give onMethod a finding, told before it is parsed. Every finding needs two closes of one
 * field, one of them through a call, or a close in a goroutine in a loop; fieldCloses' closes
 * are `close(…)` calls (the word close) and calls `s.M()` of a method it follows (mayClose),
 * each a selector of the receiver in the text, whatever spaces or comments lie between its
 * tokens. So a finding needs such a call and a second close, or `go` and `for` with a close.
 * (The package's closers are asked for only when the lifecycle names do not settle it.)
 */
function mayCloseTwice(pkg: PackageView, text: string): boolean {
  const recv = /^func[ \t]*\([ \t]*(\w+)[ \t*]/.exec(text)?.[1];
  if (!recv) return true;
  const closeWords = text.match(/\bclose\b/g)?.length ?? 0;
  const loopedGo = /\bgo\b/.test(text) && /\bfor\b/.test(text);
  // With `calls` closing calls: true when a finding may be there (more calls, never less).
  const enough = (calls: number) => (calls > 0 && (calls > 1 || closeWords > 0 || loopedGo)) || (loopedGo && closeWords > 0);
  // (A name's characters: ASCII word characters, and any past ASCII, which in code can only
  // be a name's; the receiver's name must not go on before the match.)
  const called: string[] = [];
  for (const m of text.matchAll(new RegExp(`${recv}${GAP}\\.${GAP}([\\w\\u0080-\\uffff]+)${GAP}\\(`, 'g'))) {
    const before = text.charCodeAt(m.index - 1);
    if (!isWordCode(before) && !(before > 127)) called.push(m[1]!);
  }
  if (!enough(called.length)) return false;
  if (enough(called.filter((name) => LIFECYCLE.has(name)).length)) return true;
  return enough(called.filter((name) => mayClose(pkg, name)).length);
}

export default defineRule({
  meta: {
    id: 'consumer-closes-channel',
    title: 'Channel closed by its consumer or closed twice',
    severity: 'error',
    precision: 'medium',
    tags: ['goroutine', 'channel', 'panic'],
    docs: {
      whatItDoes:
        'Finds `close(ch)` in a goroutine or function body that only receives from `ch` while another goroutine of the same function sends on it, a channel closed twice on one path (including `defer close(ch)` plus an explicit close), and a close run by every goroutine a loop starts. A close is left alone once the receiving side heard from every sender (after `wg.Wait()` or `group.Wait()`, after a receive loop that takes one value per goroutine started, or one per item of a work queue whose workers send at most once per item they take (`for i := 0; i < len(xs); i++ { <-res }` after `for _, x := range xs { queue <- x }`), under an `atomic.AddInt64(&n, -1) == 0` countdown, or after `<-done` where done is closed by a goroutine that first received from every channel of a map or slice `M` once each sender has closed its own `M[k]` with a `defer` on its way out); a path that ends (`t.Fatal`, `log.Fatal`, `os.Exit`, a return) does not reach a second close, and a close in a deferred `recover()` branch only runs on a panic. Across the files of the package, a field of the receiver closed twice through the methods of its type: `s.Stop()` (which closes `s.done` every time it runs) followed by `close(s.done)` on one path, a deferred `s.Stop()` with a close, `go s.Stop()` twice or in a loop. A close under an if, in a select case, after an early return or in a `sync.Once` is a guarded one and does not count. A `close(ch)` in a function whose parameter is `chan<- T` (a producer by its type) on a path that returns before any goroutine it starts to send on `ch` exists is left alone.',
      whyIsThisBad:
        'A send on a closed channel panics, and so does a second close. The producer knows when it is done sending; the consumer does not. Closing from the receiving side races with the senders, and a sender stopped with a panic or left blocked takes its memory with it.',
      example: `package p

func consume(n int) int {
	ch := make(chan int)
	go func() {
		for i := 0; ; i++ {
			ch <- i
		}
	}()
	sum := 0
	for i := 0; i < n; i++ {
		sum += <-ch
	}
	close(ch)
	return sum
}
`,
      useInstead: `package p

func consume(n int) int {
	ch := make(chan int)
	done := make(chan struct{})
	go func() {
		defer close(ch) // the producer closes
		for i := 0; ; i++ {
			select {
			case ch <- i:
			case <-done:
				return
			}
		}
	}()
	sum := 0
	for i := 0; i < n; i++ {
		sum += <-ch
	}
	close(done) // broadcast cancellation: nobody sends on done
	return sum
}
`,
    },
    messages: {
      consumerCloses:
        'close({{name}}) on the receiving side while another goroutine still sends on {{name}} (line {{line}}): that send panics; close {{name}} in the producer (defer close({{name}}) in the sending goroutine) and stop the producer with a done channel or ctx',
      doubleClose:
        '{{name}} is closed a second time on this path (first on line {{line}}): closing a closed channel panics; close {{name}} once, in its producer',
      closeAfterRange:
        'close({{name}}) after the range loop on line {{line}}: that loop only ends once {{name}} is closed, so this second close panics; leave closing {{name}} to its producer',
      fieldDoubleClose:
        '{{name}} is closed twice on this path: {{first}} on line {{line}} closes it, and so does {{second}}; closing a closed channel panics: close {{name}} in one place, or guard the close with sync.Once',
      fieldClosedByGoroutines:
        '{{name}} is closed by two goroutines: {{first}} on line {{line}} and {{second}} both close it, and the second close panics; close {{name}} once (sync.Once), from one goroutine',
      closeInLoop:
        'every goroutine started by the loop on line {{line}} closes {{name}}: the second close panics; close {{name}} once, after wg.Wait() or with sync.Once',
    },
    triggers: ['close('],
    defaultOptions: {},
  },
  create(ctx) {
    const channels = channelFacts(ctx.facts);
    const reported = new Set<number>();
    const inTest = ctx.filePath.endsWith('_test.go');
    const constant = (n: Node | null) => channels.constantInt(n);
    let senders: Map<string, Node> | undefined;
    const check = (fn: Node) => {
      for (const ch of channels.of(fn).channels) {
        for (const f of analyse(ctx.facts, ch, channels.of(fn).channels, inTest, constant)) {
          if (reported.has(f.op.node.id)) continue;
          reported.add(f.op.node.id);
          const rel = f.related;
          ctx.report({
            node: f.op.node,
            messageId: f.messageId,
            data: { name: ch.name, line: rel.startPosition.row + 1 },
            related: [{ node: rel, message: f.messageId === 'consumerCloses' ? `${ch.name} is sent on here` : `${ch.name} is closed here first` }],
          });
        }
      }
    };
    // A `chan T` parameter of a function that only receives and then closes.
    const onParam = (t: Node): void => {
      // From the function index first: most `chan T` types are no parameter of a declared function.
      const decl = enclosingFunction(t);
      const params = decl && (decl.type === 'function_declaration' || decl.type === 'method_declaration') ? decl.childForFieldName('parameters') : null;
      if (!params || !within(t, params)) return;
      const param = t.parent;
      const fn = param?.parent?.parent;
      if (param?.type !== 'parameter_declaration' || !fn || (fn.type !== 'function_declaration' && fn.type !== 'method_declaration')) return;
      if (fn.childForFieldName('parameters')?.id !== param.parent!.id || !bidirectional(t)) return;
      for (const name of param.childrenForFieldName('name')) {
        if (!name) continue;
        const ch = channels.param(fn, name, t);
        const found = [...analyse(ctx.facts, ch, [], inTest, constant), ...paramConsumer(ch, () => (senders ??= typedSenders(ctx.facts.root)))];
        for (const f of found) {
          if (reported.has(f.op.node.id)) continue;
          reported.add(f.op.node.id);
          ctx.report({
            node: f.op.node,
            messageId: f.messageId,
            data: { name: ch.name, line: f.related.startPosition.row + 1 },
            related: [{ node: f.related, message: f.messageId === 'consumerCloses' ? `${ch.name} is sent on here` : `${ch.name} is closed here first` }],
          });
        }
      }
    };
    // Fields of the receiver closed twice through the methods of the type (the package view):
    // `s.Stop(); close(s.done)` with Stop closing s.done, or two goroutines running Stop.
    const onMethod = (fn: Node) => {
      // A close of a receiver field written here, or a goroutine started on the receiver.
      const recvName = fn.childForFieldName('receiver')?.namedChildren.find((p) => p?.type === 'parameter_declaration')?.childForFieldName('name')?.text;
      if (!recvName || !new RegExp(`close\\(\\s*${recvName}\\.|\\bgo\\s+${recvName}\\.`).test(fn.text)) return;
      const closes = fieldCloses(ctx.pkg, ctx.facts, fn);
      const recv = fn.childForFieldName('receiver')?.namedChildren.find((p) => p?.type === 'parameter_declaration')?.childForFieldName('name')?.text ?? '';
      // `for … { go s.Stop() }`: every goroutine the loop starts closes the field.
      for (const c of closes) {
        const loop = c.go ? loopBetween(c.node, fn) : null;
        // `for { …; go s.hold(); return … }` starts one goroutine: the round that starts it is the last.
        if (!loop || reported.has(c.node.id) || lastRound(ctx.facts, c.node, loop)) continue;
        reported.add(c.node.id);
        ctx.report({ node: c.node, messageId: 'closeInLoop', data: { name: `${recv}.${c.field}`, line: loop.startPosition.row + 1 }, related: [{ node: loop, message: 'the goroutines are started in this loop' }] });
      }
      for (let i = 1; i < closes.length; i++) {
        const b = closes[i]!;
        const a = closes.slice(0, i).find((x) => x.field === b.field && (x.via || b.via) && !onDifferentBranches(x.node, b.node));
        if (!a || reported.has(b.node.id)) continue;
        const racing = a.go || b.go;
        // In sequence: the first close runs before the second, on one path (a deferred first
        // one runs last); two goroutines race whatever the order.
        if (!racing && (b.deferred || pathEnds(fn, a.node.endIndex, b.node.startIndex, ctx.facts) || endsBetween(ctx.facts, statementOf(a.node), statementOf(b.node)))) continue;
        reported.add(b.node.id);
        const what = (c: typeof a) => (c.via ? c.node.text.replace(/\s+/g, ' ') : `close(${recv}.${c.field})`);
        ctx.report({
          node: b.node,
          messageId: racing ? 'fieldClosedByGoroutines' : 'fieldDoubleClose',
          data: { name: `${recv}.${b.field}`, first: what(a), second: what(b), line: a.node.startPosition.row + 1 },
          related: [{ node: a.node, message: `${recv}.${b.field} is closed here first` }],
        });
      }
    };
    const closes = (at: number) => channels.reaches(at, ['close']);
    // (check only looks at the local channels of the function.)
    const collect = channels.handlers(check, onParam, { fn: (at) => channels.mayMakeLocal(at) && closes(at), each: (at) => channels.inParams(at) && closes(at) });
    return {
      source_file: () => {
        collect.source_file();
        const text = { test: (t: string) => CLOSES_ON_RECEIVER.test(t) && mayCloseTwice(ctx.pkg, t) };
        for (const d of ctx.facts.declarations(['method_declaration'], text)) onMethod(d);
      },
    };
  },
});

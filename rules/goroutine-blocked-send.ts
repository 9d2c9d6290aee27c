// A goroutine sends on a channel that nobody will receive from any more: it blocks forever
// and keeps its stack and everything it references alive.
//
//	ch := make(chan T)
//	go func() { ch <- work() }()     // ← reported: blocks forever when…
//	select {
//	case v := <-ch:
//	case <-time.After(d):            // …this case leaves without draining ch (timeout)
//	}
//
// Also: a return between the go statement and the receive (early return), goroutines
// started in a loop that each send while the parent receives fewer times (n-cast), and a
// consumer whose range loop returns or breaks while the producer sends with no way out.
// A send is one finding however many goroutine starts reach it (the starts are related
// locations); in a test, a case that fails the test is a way out that leaves the goroutine
// blocked (testFails), unless `failedTests` is off.
import type { Node } from 'web-tree-sitter';
import { awaitsSignal, caseReceiveName, type Channel, type ChanOp, channelFacts, earlierSends, exitFrom, failurePath, loopBetween, signalledBy, onDifferentBranches, sendsBefore, siblingCases, thenReturns, tripCount, within } from '../src/go/channels.js';
import { enclosingFunction, type FileFacts, isFunction, unparenUp } from '../src/go/facts.js';
import { endsProcessAfter, processEnds } from '../src/go/terminators.js';
import { defineRule } from '../src/engine/types.js';
import { onlyRunOnce, runsOncePerProcess } from '../src/go/funcs.js';
import type { PackageView } from '../src/go/package.js';
import { baseName, blockedSends, fieldOfMake, isFirstMake, mayHaveBareSend, unreceivedSends } from '../src/go/fieldchans.js';
import { coreSummary, type Site } from '../src/go/summary.js';

interface Options {
  /**
   * Report goroutines left blocked once a test has failed or timed out (`case
   * <-time.After(d): t.Fatal(…)`): they stay blocked while the other tests run, and
   * goroutine-leak checkers such as goleak report them.
   */
  failedTests: boolean;
}

type MessageIds =
  | 'timeout'
  | 'testFails'
  | 'earlyReturn'
  | 'nCast'
  | 'consumerExit'
  | 'receiverStops'
  | 'neverReceived'
  | 'extraSend'
  | 'overflow'
  | 'dropped'
  | 'afterStop'
  | 'afterStopElsewhere'
  | 'fieldNeverReceived'
  | 'fieldNeverReceivedElsewhere';

type Found = {
  messageId: MessageIds;
  related: Node | null;
  /** sends and receives (extraSend), or sends and the buffer's size (overflow) */
  counts?: [number, number];
  /** overflow: a send of the same goroutine before this one on its path */
  earlier?: Node;
  /** neverReceived, dropped: the buffer that lets every send complete (1 when unbuffered) */
  size?: number;
};

/**
 * The case of a select (other than the one receiving ch) that leaves without draining ch;
 * one where the program goes on normally before one that fails a test.
 */
function leavingCase(facts: FileFacts, recv: ChanOp, senders: Set<number>, all: Channel[], failed: boolean): Node | null {
  const sel = recv.select!;
  const flags = assignedIn(recv.selectCase!);
  let failing: Node | null = null;
  for (const c of siblingCases(sel, recv.selectCase!)) {
    if (processEnds(facts, c) || awaitsSignal(facts, c, recv.unit.node)) continue;
    if (!failed && failurePath(c, true)) continue;
    // `case <-done:` where the sending goroutine itself signals done after its sends
    if (signalledBy(all, caseReceiveName(c), senders, c)) continue;
    // Out of a loop, any other case moves on past the only receive; in a loop it must leave it,
    // and not only once a flag that the receiving case sets says ch was received (a join:
    // `case y = <-b: bDone = true; if aDone { break }`).
    if (recv.inLoop && !exitFrom(c, loopOf(recv.node), (exit) => guardedBy(exit, c, flags))) continue;
    if (!failurePath(c, true)) return c;
    failing ??= c;
  }
  return failing;
}

/**
 * Flags a select case raises: the target of its receive (`case aOk = <-a:`) and variables it
 * sets to true (`aDone = true`). Outside the case they only hold that once it ran.
 */
function assignedIn(c: Node): Set<string> {
  const out = new Set<string>();
  for (const a of c.descendantsOfType(['receive_statement', 'assignment_statement'])) {
    if (!a || enclosingFunction(a)?.id !== enclosingFunction(c)?.id) continue;
    const left = a.childForFieldName('left')?.namedChildren ?? [];
    if (a.type === 'assignment_statement') {
      const right = a.childForFieldName('right')?.namedChildren ?? [];
      if (a.childForFieldName('operator')?.text !== '=' || left.length !== 1 || right[0]?.type !== 'true') continue;
    } else if (!a.children.some((x) => x?.type === '=')) {
      continue; // `case v := <-ch:` declares a variable of the case
    }
    for (const id of left) if (id?.type === 'identifier') out.add(id.text);
  }
  return out;
}

/**
 * `exit` sits, within `c`, under an if whose condition reads one of `flags`, none of which
 * `c` itself assigns or declares (`_, err := os.Stat(p); if err != nil { return }` is its own).
 */
function guardedBy(exit: Node, c: Node, flags: Set<string>): boolean {
  if (!flags.size) return false;
  const own = new Set<string>();
  for (const a of c.descendantsOfType(['assignment_statement', 'short_var_declaration', 'receive_statement', 'var_spec'])) {
    const names = a?.type === 'var_spec' ? a.childrenForFieldName('name') : (a?.childForFieldName('left')?.namedChildren ?? []);
    for (const id of names) if (id?.type === 'identifier') own.add(id.text);
  }
  for (let p = exit.parent; p && p.id !== c.id; p = p.parent) {
    const cond = p.type === 'if_statement' ? p.childForFieldName('condition') : null;
    const ids = cond ? [cond, ...cond.descendantsOfType('identifier')] : [];
    if (ids.some((id) => !!id && flags.has(id.text) && !own.has(id.text))) return true;
  }
  return false;
}

/** The node sits in the body of a select case: an event loop sends when something happens. */
function inSelectCase(n: Node): boolean {
  for (let p = n.parent; p && !isFunction(p); p = p.parent) if (p.type === 'communication_case') return true;
  return false;
}

function loopOf(n: Node): Node | null {
  for (let p = n.parent; p; p = p.parent) {
    if (p.type === 'for_statement') return p;
    if (p.type === 'func_literal' || p.type === 'function_declaration' || p.type === 'method_declaration') return null;
  }
  return null;
}

/** A return of the making function after `goStmt` and before every receive at `firstRecv`. */
function earlyReturn(facts: FileFacts, ch: Channel, goStmt: Node, firstRecv: number, failed: boolean, judged: Node | null): Node | null {
  // A return between the two has its keyword there: without one, no walk.
  if (!/\breturn\b/.test(facts.text.slice(goStmt.endIndex, firstRecv))) return null;
  for (const r of ch.owner.descendantsOfType('return_statement')) {
    if (!r || enclosingFunction(r)?.id !== ch.owner.id || (judged && within(r, judged))) continue;
    if (r.startIndex < goStmt.endIndex || r.endIndex > firstRecv) continue;
    if (onDifferentBranches(goStmt, r) || processEnds(facts, r) || (!failed && failurePath(r, true))) continue;
    return r;
  }
  return null;
}

/**
 * The most values the goroutines can send on one execution: per goroutine, its longest
 * path of sends, times the trip count of the loop that starts it. Infinity when unknown.
 */
function sendCount(facts: FileFacts, sends: ChanOp[], constant: (n: Node | null) => number | undefined): number {
  const perUnit = new Map<number, { unit: ChanOp['unit']; n: number }>();
  for (const s of sends) {
    if (s.inLoop && !thenReturns(s.node)) {
      // a constant loop in a goroutine that is not itself repeated: `for i := 0; i < 4; i++ { ch <- v }`
      const loop = loopOf(s.node);
      const k = loop && !loopOf(loop) && sends.length === 1 && !s.unit.inLoop ? tripCount(loop, constant) : Infinity;
      if (k === Infinity) return Infinity;
      perUnit.set(s.unit.node.id, { unit: s.unit, n: k });
      continue;
    }
    const e = perUnit.get(s.unit.node.id) ?? { unit: s.unit, n: 0 };
    e.n = Math.max(e.n, sendsBefore(s, sends, facts) + 1);
    perUnit.set(s.unit.node.id, e);
  }
  // goroutines started on different branches (`if x { go a() } else { go b() }`) do not add up
  const units = [...perUnit.values()];
  let total = 0;
  for (const u of units) {
    let t = 0;
    for (const v of units) {
      if (u === v || !onDifferentBranches(u.unit.node, v.unit.node)) t += v.n * (v.unit.inLoop ? tripCount(v.unit.loop, constant) : 1);
    }
    total = Math.max(total, t);
  }
  return total;
}

/** The send sits under an if/switch/select inside its loop: how often it runs is unknown. */
function conditionalInLoop(send: Node): boolean {
  for (let p = send.parent; p && p.type !== 'for_statement' && !isFunction(p); p = p.parent) {
    if (p.type === 'if_statement' || p.type === 'expression_switch_statement' || p.type === 'type_switch_statement' || p.type === 'select_statement') return true;
  }
  return false;
}

/**
 * A function that returns the channel its goroutine sends on, called by the file in a
 * way that drops the result (`Go(f)` as a statement, `_ = Go(f)`): the caller that drops it.
 */
function droppingCaller(ch: Channel, root: Node): Node | null {
  const fn = ch.owner;
  if (fn.type !== 'function_declaration') return null;
  const name = fn.childForFieldName('name')?.text;
  const results = fn.childForFieldName('result');
  if (!name || (results?.type === 'parameter_list' && results.namedChildCount !== 1)) return null;
  for (const call of root.descendantsOfType('call_expression')) {
    const f = call?.childForFieldName('function');
    if (!call || f?.type !== 'identifier' || f.text !== name) continue;
    const up = unparenUp(call).parent;
    if (up?.type === 'expression_statement' || up?.type === 'go_statement' || up?.type === 'defer_statement') return call;
  }
  return null;
}

function analyse(facts: FileFacts, ch: Channel, all: Channel[], constant: (n: Node | null) => number | undefined, failed: boolean, inTest: boolean): Map<ChanOp, Found> {
  const out = new Map<ChanOp, Found>();
  if (ch.escapes === 'returned' && ch.capacity.kind !== 'unknown' && !ch.ops.some((o) => o.kind !== 'send')) {
    const cap = ch.capacity.kind === 'constant' ? ch.capacity.n : 0;
    const sends = ch.ops.filter((o) => o.kind === 'send' && o.unit.kind === 'go' && !o.select);
    const count = sendCount(facts, sends, constant);
    // as below: a buffer with an unknown number of sends is perhaps sized for them all
    const caller = sends.length && cap < count && (cap === 0 || count !== Infinity) ? droppingCaller(ch, facts.root) : null;
    if (caller) out.set(sends[0]!, { messageId: 'dropped', related: caller, size: cap === 0 ? 1 : count });
    return out;
  }
  if (ch.escapes || ch.capacity.kind === 'unknown') return out;
  // The receiving side closes ch when it returns (`defer close(ch)`): a sender left over
  // panics on the closed channel rather than blocking forever.
  if (ch.ops.some((o) => o.kind === 'close' && o.unit.kind === 'main' && o.deferred) && !ch.ops.some((x) => x.kind === 'send' && x.unit.kind === 'main')) return out;
  const cap = ch.capacity.kind === 'constant' ? ch.capacity.n : 0;
  const sends = ch.ops.filter((o) => o.kind === 'send');
  const recvs = ch.ops.filter((o) => o.kind === 'recv' || o.kind === 'range');
  const total = sendCount(facts, sends, constant);
  // a buffer with an unknown number of sends: perhaps sized for them all
  if (cap >= total || (cap > 0 && total === Infinity)) return out;
  // A send that can block: not one case of a select that has another way out. With a
  // buffer, the first `cap` sends of a goroutine complete; report the next one, or the
  // send of a loop (it fills any buffer).
  const looping = (s: ChanOp) => s.inLoop && !thenReturns(s.node);
  const blocking = sends.filter(
    (s) => (!s.select || !siblingCases(s.select, s.selectCase!).length) && (cap === 0 || sendsBefore(s, sends, facts) === cap || looping(s)),
  );
  const mainRecvs = recvs.filter((r) => r.unit.kind === 'main');
  const goRecvs = recvs.filter((r) => r.unit.kind === 'go');
  // A buffered channel whose receiver stops: the send that blocks is the one past the buffer,
  // after `cap` sends of the same goroutine on its path (notary's getUsername: `input <- ""`
  // on the error path with no return, then `input <- result`), or a send in a loop. Its
  // message names that, not the buffer the make already has.
  const overflow = (s: ChanOp, related: Node): Found | null =>
    cap === 0 ? null : { messageId: 'overflow', related, counts: [total, cap], earlier: earlierSends(s, sends, facts)[0]?.node };
  for (const s of blocking) {
    const senderIsGo = s.unit.kind === 'go';
    // consumer exits early: the only receive is a range loop that can return or break (one
    // consumer: of several started in a loop, the others keep receiving).
    if (recvs.length === 1 && recvs[0]!.kind === 'range' && recvs[0]!.unit.node.id !== s.unit.node.id && !recvs[0]!.unit.inLoop) {
      const loop = recvs[0]!.node;
      const body = loop.childForFieldName('body');
      const exit = body && exitFrom(body, loop);
      if (exit) {
        out.set(s, { messageId: 'consumerExit', related: exit });
        continue;
      }
    }
    if (recvs.length === 0) {
      out.set(s, { messageId: 'neverReceived', related: ch.make, size: cap === 0 ? 1 : total });
      continue;
    }
    // a sender that loops while the receiver (another goroutine) takes a fixed number of
    // values and stops (seed 003: the consumer returns on an error)
    if (
      s.inLoop &&
      !thenReturns(s.node) &&
      !inSelectCase(s.node) &&
      !conditionalInLoop(s.node) &&
      goRecvs.length > 0 &&
      recvs.every((r) => r.kind === 'recv' && !r.inLoop && !r.unit.inLoop && r.unit.node.id !== s.unit.node.id)
    ) {
      out.set(s, { messageId: 'receiverStops', related: recvs[recvs.length - 1]!.node });
      continue;
    }
    if (!senderIsGo) continue;
    if (goRecvs.length > 0 || mainRecvs.some((r) => r.deferred)) continue;
    // timeout: the only receive is a select case, and a sibling case leaves.
    const onlySelect = mainRecvs.length === 1 && mainRecvs[0]!.kind === 'recv' ? mainRecvs[0]!.select : null;
    if (onlySelect) {
      const leave = leavingCase(facts, mainRecvs[0]!, new Set([s.unit.node.id]), all, failed);
      if (leave) {
        out.set(s, overflow(s, leave) ?? { messageId: inTest && failurePath(leave, true) ? 'testFails' : 'timeout', related: leave });
        continue;
      }
    }
    // early return between the go statement and the first receive.
    const firstRecv = Math.min(...mainRecvs.map((r) => r.pos));
    if (s.unit.node.type === 'go_statement' && within(s.unit.node, ch.owner)) {
      // a return in a sibling case of that select was judged just above, not early
      const r = earlyReturn(facts, ch, s.unit.node, firstRecv, failed, onlySelect);
      if (r) {
        out.set(s, overflow(s, r) ?? { messageId: inTest && failurePath(r, true) ? 'testFails' : 'earlyReturn', related: r });
        continue;
      }
    }
    // more sends than receives: a goroutine that sends twice on one path (a missing
    // return), or several goroutines for fewer receives.
    if (endsProcessAfter(facts, ch.owner, Math.max(...mainRecvs.map((r) => r.pos)))) continue;
    if (total !== Infinity && mainRecvs.every((r) => !r.inLoop && r.kind === 'recv') && total > cap + mainRecvs.length) {
      const units = new Set(sends.map((x) => x.unit.node.id)).size;
      const before = sendsBefore(s, sends, facts);
      if (units > 1 ? before === 0 : before >= cap + mainRecvs.length) {
        out.set(s, { messageId: 'extraSend', related: mainRecvs[mainRecvs.length - 1]?.node ?? ch.make, counts: [total, mainRecvs.length] });
        continue;
      }
    }
    // n-cast: goroutines started in a loop, fewer receives.
    if (s.unit.inLoop && !s.inLoop) {
      const looped = mainRecvs.filter((r) => r.inLoop || r.kind === 'range');
      // Unknown trip count: only the classic single receive (first result wins).
      const few = total === Infinity ? mainRecvs.length === 1 : cap + mainRecvs.length < total;
      if (looped.length === 0 && few) {
        out.set(s, { messageId: 'nCast', related: mainRecvs[mainRecvs.length - 1]!.node });
        continue;
      }
      for (const r of looped) {
        const loop = r.kind === 'range' ? r.node : loopOf(r.node);
        const body = loop?.childForFieldName('body');
        const exit = body && exitFrom(body, loop);
        if (exit) {
          out.set(s, { messageId: 'nCast', related: exit });
          break;
        }
      }
    }
  }
  return out;
}

/**
 * The goroutine that reaches `op` is started once per process: by `func main` (or init) of
 * package main, or by a function that only main runs, once (funcs.ts onlyRunOnce), out of
 * any loop or literal there, on a channel made once. Left blocked, it lives as long as the
 * process, as what main opens does (wireguard's main: the Accept goroutine blocks on
 * `errs <- err` after main's select took another case and main returned). A goroutine
 * started per round of main's accept loop is not one per process.
 *
 *	func main() {
 *		errs := make(chan error)
 *		go func() { errs <- serve() }()     // silent: one goroutine for the process
 *		select { case <-errs: case <-term: }
 *	}
 */
function startedOncePerProcess(facts: FileFacts, pkg: PackageView, ch: Channel, op: ChanOp): boolean {
  if (op.unit.kind !== 'go' || op.unit.inLoop || facts.packageName() !== 'main') return false;
  const owner = ch.owner;
  if (enclosingFunction(op.unit.node)?.id !== owner.id || loopBetween(op.unit.node, owner)) return false;
  if (enclosingFunction(ch.make)?.id !== owner.id || loopBetween(ch.make, owner)) return false;
  // Asked last: onlyRunOnce searches the package's text.
  return runsOncePerProcess(facts, owner) || onlyRunOnce(pkg, facts, owner);
}

/** The send statement at a summary site of this file. */
function sendAt(root: Node, at: Site): Node | undefined {
  const point = { row: at.line - 1, column: at.column - 1 };
  for (let n: Node | null = root.descendantForPosition(point); n && n.startPosition.row === point.row && n.startPosition.column === point.column; n = n.parent) {
    if (n.type === 'send_statement') return n;
  }
  return undefined;
}

export default defineRule<MessageIds, Options>({
  meta: {
    id: 'goroutine-blocked-send',
    title: 'Goroutine blocks forever sending on a channel nobody receives from',
    severity: 'warning',
    precision: 'high',
    tags: ['goroutine', 'channel', 'memory'],
    docs: {
      whatItDoes:
        'Finds a goroutine that sends on a local channel (`ch <- v`) when the function that made the channel can stop receiving first: a `select` case such as `<-time.After(…)` or `<-ctx.Done()` that leaves, a `return` before the receive, fewer receives than goroutines started in a loop (or than sends on one path), a consumer whose `range` loop returns or breaks, or a caller in the file that drops the channel a function returns. Goroutines are function literals started with `go` (or `g.Go`) and same-file functions started with `go f(ch)`; a send reached from several goroutine starts is reported once, with the starts as related locations. With a buffered channel the send reported is the one past the buffer (a goroutine that sends twice on one path into a buffer of one, as after a missing return), and the earlier send of that path is a related location. In tests, a goroutine left blocked once the test fails or times out (`case <-time.After(d): t.Fatal(…)`) is reported too, as goroutine-leak checkers such as goleak do; set `failedTests: false` to leave those alone. Paths that end the process (`os.Exit`, `log.Fatal`, a case waiting for a `signal.Notify` signal) are not leaks. Nor is a goroutine that `func main` of package main (or `init`, or a function only main runs, once) starts once, out of any loop, on a channel made once: it lives as long as the process; one started per round of a loop there (an accept loop) is reported. Across the files of the package, a channel kept in a struct field: every receive is a case of a select, in a goroutine, that stops receiving once Stop (or Close…) signals (a channel field it closes or sends on, or a context it cancels), and a method sends on the field without a select (etcd#6857, kubernetes#25331): after Stop the send blocks forever. Also a field that nothing in the package receives from, sent on (kubernetes#38669). Reported at the send when the channel is made in the same file, else where it is made. Buffered (for the first shape), exported or handed-out fields are left alone, and so is a send under a running flag (`if c.running { c.add <- e }`, or the else of `if !c.running`) with a receiver mutex held, when every send or close of the stop signal clears that flag (`c.running = false`) under the same mutex on its path (before it, or after it in the same block with no return, jump or `panic`/`os.Exit` between), the loop leaves only by its stop case, and the flag is set true only right before the loop is started (a later statement of the same block, with no return or jump between).',
      whyIsThisBad:
        'A send on an unbuffered channel waits for a receiver. When none comes, the goroutine blocks forever: its stack and everything it references stay in memory until the process exits, and profilers only show it in production, as a growing goroutine count.',
      example: `package p

import "time"

func fetch(d time.Duration) (string, bool) {
	ch := make(chan string)
	go func() { ch <- slowLookup() }()
	select {
	case v := <-ch:
		return v, true
	case <-time.After(d):
		return "", false
	}
}

func slowLookup() string { return "" }
`,
      useInstead: `package p

import "time"

func fetch(d time.Duration) (string, bool) {
	ch := make(chan string, 1) // the send always completes, even after the timeout
	go func() { ch <- slowLookup() }()
	select {
	case v := <-ch:
		return v, true
	case <-time.After(d):
		return "", false
	}
}

func slowLookup() string { return "" }
`,
    },
    messages: {
      timeout:
        'goroutine blocks forever sending on {{name}} when the select takes the case on line {{line}} instead (the goroutine and everything it references leak); use make({{type}}, 1) so the send always completes',
      testFails:
        'goroutine stays blocked sending on {{name}} once the test fails on line {{line}}: nobody receives any more, and it stays while the other tests run (goroutine-leak checkers such as goleak report it); use make({{type}}, 1) so the send always completes',
      earlyReturn:
        'goroutine blocks forever sending on {{name}} when the function returns on line {{line}} before receiving (the goroutine and everything it references leak); use make({{type}}, 1) or select on ctx.Done() in the sender',
      nCast:
        'goroutines started in a loop each send on {{name}} but the receiver stops early (line {{line}}), so the rest block forever and leak; buffer {{name}} with the number of senders or select on ctx.Done() in the sender',
      consumerExit:
        'send on {{name}} blocks forever once the range loop stops receiving on line {{line}} (the sending goroutine leaks); select on ctx.Done() or a done channel in the sender, or keep draining {{name}}',
      overflow:
        'send on {{name}} blocks forever once the receiver stops (line {{line}}): up to {{sends}} values are sent on {{name}} and its buffer holds {{cap}} (the goroutine and everything it references leak); send at most {{cap}} time(s) on each path (a missing return after an earlier send?), or use make({{type}}, {{sends}})',
      extraSend:
        'goroutines send on {{name}} up to {{sends}} times but it is received only {{receives}} time(s) (line {{line}}), so a send blocks forever and its goroutine leaks; receive every value, return after the send, or use make({{type}}, {{sends}})',
      receiverStops:
        'send on {{name}} in a loop blocks forever once the goroutine receiving on line {{line}} stops after a fixed number of values (the sender leaks); select on ctx.Done() or a done channel in the sender, or keep draining {{name}}',
      dropped:
        'goroutine blocks forever sending on {{name}}: the call on line {{line}} drops the channel this function returns, so nothing receives from it (the goroutine leaks); receive from the result, or use make({{type}}, {{size}})',
      afterStop:
        'send on {{field}} blocks forever once {{stop}} has run: {{receiver}}, the only receiver of {{field}}, stops receiving on <-{{signal}} ({{signalAt}}), so the sender leaks; send in a select that also has case <-{{signal}}',
      afterStopElsewhere:
        '{{field}} made here: the send in {{sender}} ({{where}}) blocks forever once {{stop}} has run, since {{receiver}}, the only receiver, stops receiving on <-{{signal}} (the sender leaks); send in a select that also has case <-{{signal}}',
      fieldNeverReceived:
        'send on {{field}} blocks forever: nothing in the package receives from {{field}}, so the sender leaks{{once}}; receive from it, or stop sending',
      fieldNeverReceivedElsewhere:
        '{{field}} made here is never received from: the send in {{sender}} ({{where}}) blocks forever{{once}} and its goroutine leaks; receive from it, or stop sending',
      neverReceived:
        'goroutine blocks forever sending on {{name}}, which nothing receives from (made on line {{line}}); receive from {{name}} or use make({{type}}, {{size}})',
    },
    triggers: ['make(chan'],
    defaultOptions: { failedTests: true },
  },
  create(ctx) {
    const channels = channelFacts(ctx.facts);
    // outside _test.go files a failing path is a program's, and t.Fatal is not called there
    const inTest = ctx.filePath.endsWith('_test.go');
    const failed = ctx.options.failedTests !== false || !inTest;
    // One finding per site (the send): a helper's send reached by the goroutines of many
    // callers (`go produce(ch)` in every test) is reported once, with each goroutine start
    // as a related location. Per goroutine and channel, only its first send that can block.
    type Site = { op: ChanOp; ch: Channel; found: Found; starts: Node[] };
    const sites = new Map<number, Site>();
    const seen = new Set<string>();
    const check = (fn: Node) => {
      const f = channels.of(fn);
      if (!f.hasGo) return;
      for (const ch of f.channels) {
        for (const [op, found] of analyse(ctx.facts, ch, f.channels, (n) => channels.constantInt(n), failed, inTest)) {
          if (startedOncePerProcess(ctx.facts, ctx.pkg, ch, op)) continue;
          const key = `${ch.make.id}:${op.unit.node.id}`;
          if (seen.has(key)) continue;
          seen.add(key);
          let site = sites.get(op.node.id);
          if (!site) sites.set(op.node.id, (site = { op, ch, found, starts: [] }));
          if (op.unit.kind === 'go' && !within(op.node, op.unit.node) && !site.starts.some((s) => s.id === op.unit.node.id)) site.starts.push(op.unit.node);
        }
      }
    };
    const report = ({ op, ch, found, starts }: Site) => {
      const rel = found.related ?? ch.make;
      ctx.report({
        node: op.node,
        messageId: found.messageId,
        data: { name: ch.name, line: rel.startPosition.row + 1, type: ch.type.text, sends: found.counts?.[0] ?? 0, receives: found.counts?.[1] ?? 0, cap: found.counts?.[1] ?? 0, size: found.size ?? 1 },
        related: [
          { node: rel, message: found.messageId === 'neverReceived' ? `${ch.name} is made here` : 'the receiver stops here' },
          ...(found.earlier ? [{ node: found.earlier, message: `an earlier send on ${ch.name} on the same path` }] : []),
          ...starts.map((node) => ({ node, message: 'a goroutine that reaches this send is started here' })),
        ],
      });
    };
    // A channel field that the type's select loop stops receiving from once Stop has run (the
    // package view): reported at the send when this file makes the channel too, else at the make.
    const short = (key: string) => key.slice(key.lastIndexOf('.') + 1);
    const base = baseName(ctx.filePath);
    // The fields whose makes it reads (the cheap test of a field's name).
    const wanted = (field: string) => mayHaveBareSend(ctx.pkg, field);
    const onMake = (t: Node) => {
      const found = fieldOfMake(ctx.pkg, ctx.facts, t, wanted);
      if (!found) return;
      const { make, cf } = found;
      const blocked = blockedSends(ctx.pkg, cf);
      const unreceived = unreceivedSends(ctx.pkg, cf);
      if ((!blocked.length && !unreceived.length) || !isFirstMake(ctx.pkg, cf, make)) return;
      for (const b of blocked) {
        const recv = ctx.pkg.summaryOf(coreSummary, b.send.fn)?.recv ?? cf.type;
        const data = { field: `${recv}.${cf.field}`, stop: short(b.stop), receiver: short(b.receiver), signal: `${recv}.${b.signal}`, signalAt: `${b.signalAt.file}:${b.signalAt.line}`, sender: short(b.send.fn), where: `${b.send.at.file}:${b.send.at.line}` };
        const send = b.send.at.file === base ? sendAt(ctx.facts.root, b.send.at) : undefined;
        if (send) {
          ctx.report({ node: send, messageId: 'afterStop', data });
        } else {
          ctx.report({ node: make, messageId: 'afterStopElsewhere', data: { ...data, field: `${cf.type}.${cf.field}` } });
        }
      }
      const once = cf.made.some((m) => m.capacity !== 0) ? ' once the buffer is full' : '';
      for (const u of unreceived) {
        const recv = ctx.pkg.summaryOf(coreSummary, u.fn)?.recv ?? cf.type;
        const send = u.at.file === base ? sendAt(ctx.facts.root, u.at) : undefined;
        if (send) ctx.report({ node: send, messageId: 'fieldNeverReceived', data: { field: `${recv}.${cf.field}`, once } });
        else ctx.report({ node: make, messageId: 'fieldNeverReceivedElsewhere', data: { field: `${cf.type}.${cf.field}`, sender: short(u.fn), where: `${u.at.file}:${u.at.line}`, once } });
      }
    };
    channels.wantFields(wanted);
    // (check only looks at the local channels of a function with a goroutine.)
    const collect = channels.handlers(check, onMake, { fn: (at) => channels.mayMakeLocal(at) && channels.goWritten(at), each: (at) => channels.mayFillField(at) });
    return {
      source_file: () => {
        collect.source_file();
        for (const site of sites.values()) report(site);
      },
    };
  },
});

// Senders that are done: by the time a close runs, the closing side has heard from every
// goroutine that sends on the channel, so the close cannot make a send panic. A Wait
// (sync.WaitGroup, errgroup) before it, a countdown that only the last one out passes, or
// a counted receive loop that takes one value from every goroutine that sends:
//
//	for _, f := range files {              // one goroutine per file…
//		go func(f string) { ch <- open(f) }(f)
//	}
//	for range files { r := <-ch … }        // …one receive per file: same range
//
//	for _, sh := range shards { n++; go func() { resC <- walk(sh) }() }
//	for i := 0; i < n; i++ { <-resC }      // n counts the goroutines started
//
//	go a(); go b()                         // two senders, each sends once
//	for i := 0; i < 2; i++ { <-done }      // a constant trip count
//
// Each sending goroutine must send at most once per run (a send followed by a return, or
// sends on different branches).
import type { Node } from 'web-tree-sitter';
import { type Channel, type ChanOp, loopBetween, onDifferentBranches, sendsBefore, siblingCases, thenReturns, tripCount, within } from './channels.js';
import { BREAK_TARGETS, codeStatements, enclosingFunction, type FileFacts, isFunction, sameScope, unparen } from './facts.js';

type Constant = (n: Node | null) => number | undefined;

/** The expression a `for … range X` loop ranges over, as text; undefined for other loops. */
function rangeOf(loop: Node): string | undefined {
  const rc = loop.namedChildren.find((c) => c?.type === 'range_clause');
  const right = rc?.childForFieldName('right');
  return right ? unparen(right).text : undefined;
}

/** `for i := 0; i < N; i++`: N's text, when the loop counts up from 0 to N. */
function boundOf(loop: Node): string | undefined {
  const clause = loop.namedChildren.find((c) => c?.type === 'for_clause');
  const init = clause?.childForFieldName('initializer');
  const cond = clause?.childForFieldName('condition');
  if (init?.type !== 'short_var_declaration' || init.childForFieldName('right')?.namedChild(0)?.text !== '0') return undefined;
  if (cond?.type !== 'binary_expression' || cond.childForFieldName('operator')?.text !== '<') return undefined;
  return cond.childForFieldName('right')?.text;
}

/** `n++` or `n += 1` among the statements around the go statement (its own block). */
function countedNextTo(goStmt: Node, counter: string): boolean {
  const list = goStmt.parent;
  if (!list) return false;
  return list.namedChildren.some(
    (s) =>
      (s?.type === 'inc_statement' && s.namedChild(0)?.text === counter) ||
      (s?.type === 'assignment_statement' && s.childForFieldName('left')?.text === counter && /^\+=\s*1$/.test(s.text.slice(s.childForFieldName('left')!.text.length).trim())),
  );
}

/** The loop whose every iteration receives once from `ch` (`<-ch` in its body, not in a select with other cases). */
function receiveLoop(recv: ChanOp, closer: ChanOp): Node | null {
  if (recv.kind !== 'recv' || recv.unit.node.id !== closer.unit.node.id) return null;
  if (recv.select && siblingCases(recv.select, recv.selectCase!).length > 0) return null;
  const fn = enclosingFunction(closer.node);
  if (!fn || enclosingFunction(recv.node)?.id !== fn.id) return null;
  const loop = loopBetween(recv.node, fn);
  if (!loop || loopBetween(loop, fn)) return null; // one loop, not nested in another
  // the close comes after the loop (or is deferred), and the receive is not conditional
  if (!closer.deferred && loop.endIndex > closer.node.startIndex) return null;
  for (let p = recv.node.parent; p && p.id !== loop.id; p = p.parent) {
    if (p.type === 'if_statement' || p.type === 'expression_switch_statement' || p.type === 'type_switch_statement' || isFunction(p)) return null;
  }
  // nothing ends the loop early or skips the receive: a continue after it is fine, a
  // return skips the close too (unless the close is deferred)
  const body = loop.childForFieldName('body');
  for (const s of body?.descendantsOfType(['break_statement', 'continue_statement', 'return_statement', 'goto_statement']) ?? []) {
    if (!s || enclosingFunction(s)?.id !== fn.id) continue;
    if (s.type === 'return_statement' && !closer.deferred) continue;
    if (s.type === 'break_statement' && nestedBreakable(s, loop)) continue;
    if (s.type === 'continue_statement' && s.namedChildCount === 0 && s.startIndex > recv.node.endIndex) continue;
    return null;
  }
  return loop;
}

/** A plain break that ends a switch, select or loop nested inside `loop`, not `loop`. */
function nestedBreakable(s: Node, loop: Node): boolean {
  if (s.namedChildCount > 0) return false;
  for (let p = s.parent; p && p.id !== loop.id; p = p.parent) {
    if (p.type === 'for_statement' || p.type === 'expression_switch_statement' || p.type === 'type_switch_statement' || p.type === 'select_statement') return true;
  }
  return false;
}

/**
 * True when the goroutine `closer` runs in has received one value from every other
 * goroutine that sends on `ch` by the time `closer` runs: a counted receive loop matching
 * the goroutines started (see the shapes above), and each sender sends at most once.
 */
export function receivesFromEvery(facts: FileFacts, ch: Channel, closer: ChanOp, constant: Constant): boolean {
  const theirs = ch.ops.filter((o) => o.kind === 'send' && o.unit.node.id !== closer.unit.node.id);
  if (theirs.length === 0) return false;
  for (const s of theirs) {
    if (s.unit.kind !== 'go' || (s.inLoop && !thenReturns(s.node)) || sendsBefore(s, theirs, facts) > 0) return false;
  }
  const units = [...new Map(theirs.map((s) => [s.unit.node.id, s.unit])).values()];
  for (const r of ch.ops) {
    const loop = receiveLoop(r, closer);
    if (!loop) continue;
    if (units.every((u) => !u.inLoop)) {
      if (tripCount(loop, constant) !== Infinity && tripCount(loop, constant) >= units.length) return true;
      continue;
    }
    // one go statement in one starting loop
    const start = units[0]!;
    if (units.length !== 1 || !start.loop || within(loop, start.loop) || within(start.loop, loop)) continue;
    const over = rangeOf(start.loop);
    if (over !== undefined && over === rangeOf(loop)) return true;
    const bound = boundOf(loop);
    if (bound !== undefined && start.node.type === 'go_statement' && countedNextTo(start.node, bound)) return true;
    const n = tripCount(start.loop, constant);
    if (n !== Infinity && tripCount(loop, constant) >= n) return true;
    if (bound !== undefined && bound === boundOf(start.loop)) return true;
  }
  return false;
}

/**
 * A `x.Wait()` call (sync.WaitGroup, errgroup) in the closing unit before the close; for a
 * deferred close, anywhere in the function (the close runs when it returns).
 */
export function waitsBefore(close: ChanOp): boolean {
  const fn = enclosingFunction(close.node);
  if (!fn) return false;
  for (const c of fn.descendantsOfType('call_expression')) {
    if (!c || (!close.deferred && c.startIndex >= close.node.startIndex)) break;
    const f = c.childForFieldName('function');
    if (f?.type === 'selector_expression' && f.childForFieldName('field')?.text === 'Wait') return true;
  }
  return false;
}

/**
 * `if atomic.AddInt64(&left, -1) == 0 { close(ch) }`: the close waits for a count to run
 * out, so the last one out closes after the others are done.
 */
export function countdown(op: ChanOp): boolean {
  for (let p = op.node.parent; p && !isFunction(p); p = p.parent) {
    if (p.type !== 'if_statement') continue;
    const cond = p.childForFieldName('condition');
    const oper = cond?.type === 'binary_expression' ? cond.childForFieldName('operator')?.text : undefined;
    if ((oper === '==' || oper === '<=') && (cond!.childForFieldName('right')?.text === '0' || cond!.childForFieldName('left')?.text === '0')) return true;
  }
  return false;
}

/**
 * Work queue: every goroutine that sends on `ch` is a worker whose loop takes one item from
 * a queue channel per round (`for p := range queue`, or `p, ok := <-queue; if !ok { break }`
 * first in the round) and sends at most once per round; one loop of the closing function
 * fills the queue, at most one item per round of `for _, p := range xs`; and before the close
 * the closer receives once per round of a loop over as many rounds (`for i := 0; i < len(xs);
 * i++ { <-ch }`) that nothing ends early. Sends ≤ items ≤ len(xs) = receives: by the close,
 * every send has completed (snapd's seccomp backend).
 *
 *	for i := 0; i < workers; i++ {
 *		go func() {
 *			for p := range queue { res <- compile(p) }   // one send per item
 *		}()
 *	}
 *	for _, p := range profiles { queue <- p }           // len(profiles) items
 *	close(queue)
 *	for i := 0; i < len(profiles); i++ { <-res }        // one receive per item
 *	close(res)
 */
export function receivesPerItem(ch: Channel, closer: ChanOp, all: Channel[]): boolean {
  const theirs = ch.ops.filter((o) => o.kind === 'send' && o.unit.node.id !== closer.unit.node.id);
  if (theirs.length === 0) return false;
  let queue: Channel | undefined;
  for (const s of theirs) {
    // a send written in the goroutine's literal, in one loop of it (not in a callee)
    const fn = enclosingFunction(s.node);
    if (s.unit.kind !== 'go' || s.site || fn?.type !== 'func_literal' || !within(fn, closer.unit.node)) return false;
    const round = loopBetween(s.node, fn);
    if (!round || loopBetween(round, fn) || round.descendantsOfType('goto_statement').length) return false;
    const q = queueOf(round, all);
    if (!q || (queue && q !== queue)) return false;
    queue = q;
    // at most one send per round: another send of the round before it is on another branch or ends the round
    for (const o of theirs) {
      if (o === s || o.node.startIndex >= s.node.startIndex || !within(o.node, round)) continue;
      if (!onDifferentBranches(o.node, s.node) && !endsRound(o.node, round)) return false;
    }
  }
  if (!queue || queue.escapes || queue === ch) return false;
  // one send on the queue, in one loop run once: of the function that made the queue, or of
  // a goroutine it starts once (not in a callee)
  const fills = queue.ops.filter((o) => o.kind === 'send');
  const fill = fills[0];
  if (fills.length !== 1 || !fill || fill.site || fill.unit.inLoop) return false;
  const fillFn = enclosingFunction(fill.node);
  const runsOnce = fill.unit.kind === 'main' ? fillFn?.id === queue.owner.id : fillFn?.type === 'func_literal' && within(fillFn, fill.unit.node);
  const filler = fillFn && runsOnce ? loopBetween(fill.node, fillFn) : null;
  if (!filler || loopBetween(filler, fillFn!)) return false;
  const over = rangeOf(filler);
  const items = over !== undefined ? `len(${over})` : boundOf(filler);
  if (items === undefined) return false;
  for (const r of ch.ops) {
    const loop = receiveLoop(r, closer);
    if (!loop || within(loop, filler) || within(filler, loop)) continue;
    if ((over !== undefined && rangeOf(loop) === over) || boundOf(loop) === items) return true;
  }
  return false;
}

/**
 * The channel a worker loop takes one item from per round: `for p := range queue`, or a
 * round that starts with `p, ok := <-queue` and `if !ok { break }` (or return).
 */
function queueOf(loop: Node, all: Channel[]): Channel | undefined {
  const ranged = all.find((c) => c.ops.some((o) => o.kind === 'range' && o.node.id === loop.id));
  if (ranged) return ranged;
  if (loop.namedChildren.some((c) => c?.type === 'for_clause' || c?.type === 'range_clause')) return undefined;
  const stmts = codeStatements(loop.childForFieldName('body'));
  const [take, check] = stmts;
  if (take?.type !== 'short_var_declaration' && take?.type !== 'assignment_statement') return undefined;
  const left = take.childForFieldName('left')?.namedChildren ?? [];
  const right = take.childForFieldName('right')?.namedChildren ?? [];
  const recv = right.length === 1 && right[0] ? unparen(right[0]) : null;
  const ok = left.length === 2 ? left[1]?.text : undefined;
  if (recv?.type !== 'unary_expression' || recv.child(0)?.type !== '<-' || !ok || ok === '_') return undefined;
  // `if !ok { break }`: the round goes on only with an item
  const cond = check?.type === 'if_statement' && !check.childForFieldName('initializer') && !check.childForFieldName('alternative') ? check.childForFieldName('condition') : null;
  const neg = cond && unparen(cond);
  if (neg?.type !== 'unary_expression' || neg.child(0)?.type !== '!' || neg.childForFieldName('operand')?.text !== ok) return undefined;
  const body = codeStatements(check!.childForFieldName('consequence'));
  const leave = body.length === 1 ? body[0] : null;
  if (!(leave?.type === 'return_statement' || (leave?.type === 'break_statement' && leave.namedChildCount === 0))) return undefined;
  return all.find((c) => c.ops.some((o) => o.kind === 'recv' && o.node.id === recv.id));
}

/** A send followed by a return, `continue`, or a break that leaves `round` itself: the round ends with it. */
function endsRound(send: Node, round: Node): boolean {
  let next = send.nextNamedSibling;
  while (next?.type === 'comment') next = next.nextNamedSibling;
  if (next?.type === 'return_statement') return true;
  if ((next?.type !== 'continue_statement' && next?.type !== 'break_statement') || next.namedChildCount > 0) return false;
  if (next.type === 'continue_statement') return true;
  let p = next.parent;
  while (p && !BREAK_TARGETS.has(p.type)) p = p.parent;
  return p?.id === round.id;
}


/**
 * A relay of the senders' completions: every goroutine that sends on the channel closes, on
 * its way out, a channel it takes from a map or slice `M` of the function (`c := M[k]; defer
 * close(c)`), and a goroutine started once after them receives from every element of `M`
 * and only then closes (or sends on) `sig`. Receiving from `sig` means every sender has
 * returned (goiardi's dependency walk).
 *
 *	for _, n := range nodes {
 *		go func(n N) { c := seen[n]; defer close(c); if err := f(n); err != nil { errCh <- err } }(n)
 *	}
 *	go func() { defer close(done); for _, c := range seen { <-c } }()
 *	…
 *	<-done          // every sender is done…
 *	close(errCh)    // …so no send can panic
 *
 * `M` is declared in the function and written only there, before the relay starts; the
 * relay's loop does nothing but receive, and it has no return.
 */
export function relayedBy(facts: FileFacts, sig: Channel, senders: ChanOp[]): boolean {
  if (sig.escapes || !senders.length) return false;
  const signals = sig.ops.filter((o) => o.kind === 'send' || o.kind === 'close');
  const relay = signals[0]?.unit;
  if (!relay || relay.kind !== 'go' || relay.inLoop || signals.some((o) => o.unit.node.id !== relay.node.id || o.site)) return false;
  const lit = goLiteral(relay.node);
  const owner = enclosingFunction(relay.node);
  if (!lit || !owner || unitExits(lit)) return false;
  const stmts = codeStatements(lit.childForFieldName('body'));
  const loop = stmts.find((s) => s.type === 'for_statement' && drains(s));
  const rc = loop?.namedChildren.find((c) => c?.type === 'range_clause');
  const m = rc?.childForFieldName('right');
  if (!loop || m?.type !== 'identifier' || !sameScope(facts.resolveName(m.text, m), owner)) return false;
  // The signal is sent after the loop, or closed by a defer of the relay's own body.
  const top = (n: Node) => stmts.find((s) => within(n, s));
  if (!signals.every((o) => (o.deferred ? top(o.node)?.type === 'defer_statement' : (top(o.node)?.startIndex ?? -1) > loop.endIndex && top(o.node)?.id === unparenStmt(o.node).id))) return false;
  if (writtenLate(owner, m.text, relay.node)) return false;
  return senders.every((s) => !s.site && s.unit.kind === 'go' && s.unit.node.endIndex <= relay.node.startIndex && enclosingFunction(s.unit.node)?.id === owner.id && closesOnExit(facts, s, m.text, owner));
}

/** The function literal a `go func(){…}()` statement runs. */
function goLiteral(unit: Node): Node | undefined {
  const call = unit.type === 'go_statement' ? unit.namedChildren.find((c) => c?.type === 'call_expression') : unit;
  const f = call?.childForFieldName('function');
  return f?.type === 'func_literal' ? f : undefined;
}

/** The statement an op's node is, when it stands alone: `close(x)` or `x <- v`. */
function unparenStmt(n: Node): Node {
  return n.parent?.type === 'expression_statement' ? n.parent : n;
}

/** A return, goto or labeled break in the literal itself (not in one nested in it). */
function unitExits(lit: Node): boolean {
  return lit.descendantsOfType(['return_statement', 'goto_statement', 'break_statement']).some((n) => !!n && enclosingFunction(n)?.id === lit.id && (n.type !== 'break_statement' || n.namedChildCount > 0));
}

/** `for _, c := range M { <-c }`: every round receives from the element, and does nothing else. */
function drains(loop: Node): boolean {
  const rc = loop.namedChildren.find((c) => c?.type === 'range_clause');
  const left = rc?.childForFieldName('left')?.namedChildren ?? [];
  const v = left.length === 2 ? left[1] : null;
  const body = codeStatements(loop.childForFieldName('body'));
  if (v?.type !== 'identifier' || v.text === '_' || !body.length) return false;
  return body.every((s) => {
    const e = s.type === 'expression_statement' ? unparen(s.namedChild(0)!) : null;
    return e?.type === 'unary_expression' && e.child(0)?.type === '<-' && unparen(e.childForFieldName('operand')!).text === v.text;
  });
}

/**
 * `M` is written after `start` or inside a function literal of `owner` (`M[k] = …`, `M = …`,
 * `delete(M, k)`, `&M`, or passed on): a channel may join it after the relay ranged over it.
 */
function writtenLate(owner: Node, m: string, start: Node): boolean {
  for (const id of owner.descendantsOfType('identifier')) {
    if (id?.text !== m) continue;
    const late = id.startIndex > start.endIndex || enclosingFunction(id)?.id !== owner.id;
    if (!late) continue;
    const up = id.parent;
    if (up?.type === 'index_expression' && up.childForFieldName('operand')?.id === id.id) {
      // Reading M[k] is fine; writing it is not.
      const list = up.parent;
      if (list?.type === 'expression_list' && list.parent?.type === 'assignment_statement' && list.parent.childForFieldName('left')?.id === list.id) return true;
      continue;
    }
    if (up?.type === 'range_clause' && up.childForFieldName('right')?.id === id.id) continue;
    return true;
  }
  return false;
}

/**
 * The sending goroutine closes `M[k]` on its way out: `defer close(M[k])`, or `defer
 * close(c)` with `c := M[k]` before it the only assignment of c; the defer is a statement of
 * its body that comes before every return and the send.
 */
function closesOnExit(facts: FileFacts, send: ChanOp, m: string, owner: Node): boolean {
  const lit = goLiteral(send.unit.node);
  if (!lit || enclosingFunction(send.node)?.id !== lit.id) return false;
  const fromM = (e: Node | null | undefined) => {
    const u = e && unparen(e);
    const op = u?.type === 'index_expression' ? u.childForFieldName('operand') : null;
    return op?.type === 'identifier' && op.text === m && sameScope(facts.resolveName(m, op), owner);
  };
  const stmts = codeStatements(lit.childForFieldName('body'));
  const first = Math.min(
    send.node.startIndex,
    ...lit.descendantsOfType('return_statement').flatMap((r) => (r && enclosingFunction(r)?.id === lit.id ? [r.startIndex] : [])),
  );
  return stmts.some((s) => {
    if (s.type !== 'defer_statement' || s.endIndex > first) return false;
    const call = s.namedChildren.find((c) => c?.type === 'call_expression');
    const arg = call?.childForFieldName('function')?.text === 'close' ? call.childForFieldName('arguments')?.namedChildren.find((a) => a?.type !== 'comment') : null;
    const x = arg && unparen(arg);
    if (!x) return false;
    if (fromM(x)) return true;
    if (x.type !== 'identifier' || !sameScope(facts.resolveName(x.text, x), lit)) return false;
    // c's one assignment: `c := M[k]` (or `c = M[k]`) before the defer; a `var c` declaration is not followed.
    let def: Node | undefined;
    for (const id of lit.descendantsOfType('identifier')) {
      if (id?.text !== x.text) continue;
      const list = id.parent?.type === 'expression_list' ? id.parent : null;
      const stmt = list?.parent;
      const writes = (stmt?.type === 'short_var_declaration' || stmt?.type === 'assignment_statement') && stmt.childForFieldName('left')?.id === list!.id;
      if (id.parent?.type === 'var_spec' || (id.parent?.type === 'unary_expression' && id.parent.child(0)?.type === '&')) return false;
      if (!writes) continue;
      if (def || list!.namedChildCount !== 1 || stmt!.endIndex > s.startIndex) return false;
      def = stmt!;
    }
    return !!def && fromM(def.childForFieldName('right')?.namedChildren[0]);
  });
}

// blocked-receive: a receive that no send or close can satisfy on some path, so the
// goroutine waiting in it never wakes up.
//
//	ch := make(chan result)
//	go func() {
//		r, err := fetch()
//		if err != nil {
//			return                 ← related: leaves without sending
//		}
//		ch <- r
//	}()
//	r := <-ch                      ← reported: blocks forever on that path
//
// The other direction is the common test leak: a goroutine waits for a signal that the
// function which started it sends or closes later, and the function returns (or the test
// stops at t.Fatal) first.
//
//	stop := make(chan struct{})
//	go func() { <-stop; srv.Close() }()   ← reported
//	if err != nil {
//		t.Fatal(err)                      ← related: the test ends, the goroutine waits on
//	}
//	close(stop)
//
// Also: a channel that nothing sends on or closes (not the function, its goroutines, nor a
// same-package function it is handed to, through the package view), and a receive from a
// nil channel that is never made. A receive in a select with another way out (a second case,
// a default) is not blocked by this; a deferred close settles every path; channels that
// escape where syntax cannot follow stay silent.
import type { Node } from 'web-tree-sitter';
import { defineRule } from '../src/engine/types.js';
import { caseReceiveName, type Channel, type ChanOp, channelFacts, exitFrom, topLevelFunction } from '../src/go/channels.js';
import { enclosingFunction, type FileFacts, unparen, unparenUp } from '../src/go/facts.js';
import { walkFrom } from '../src/go/flow.js';
import { runsOncePerProcess } from '../src/go/funcs.js';
import { terminates } from '../src/go/terminators.js';
import { flowFunction, literalRun, statementOf } from '../src/go/locks.js';
import type { PackageView } from '../src/go/package.js';
import type { DeclKey } from '../src/go/pkgindex.js';
import { coreSummary, effectsOn, type FuncSummary, HOW } from '../src/go/summary.js';

/** The words a goroutine is started with (`go f()`, `g.Go(func…)`). */
const GO_WORDS = ['go', 'Go'];

type MessageIds = 'senderReturns' | 'ownerReturns' | 'ownerReturnsLoop' | 'neverSent' | 'calleeNeverSends' | 'nilChannel' | 'deadSelect';

/** The op is a case of a select with another way out (another case, a default). */
function choosing(op: ChanOp): boolean {
  return !!op.select && op.select.namedChildren.filter((c) => c?.type === 'communication_case' || c?.type === 'default_case').length > 1;
}

/**
 * A goroutine's loop that only ends through this receive: `for { select { case <-stop:
 * return; case <-tick: … } }`. The goroutine runs until something is sent or closed on the
 * channel (it does not block, but it never ends either: the same leak).
 */
function onlyWayOut(op: ChanOp): boolean {
  const sel = op.select;
  const own = op.selectCase;
  if (!sel || !own || op.unit.kind !== 'go') return false;
  let loop: Node | null = sel.parent;
  while (loop && loop.type !== 'for_statement') {
    if (loop.type === 'func_literal' || loop.type === 'function_declaration' || loop.type === 'method_declaration') return false;
    loop = loop.parent;
  }
  const body = loop?.childForFieldName('body');
  if (!loop || !body || loop.namedChildren.some((c) => c !== null && c.id !== body.id && c.type !== 'comment')) return false;
  if (!exitFrom(own, loop)) return false;
  // Every other way out of the loop is this case's.
  const exits = body.descendantsOfType(['return_statement', 'break_statement', 'goto_statement']).filter((x): x is Node => x !== null && enclosingFunction(x)?.id === enclosingFunction(loop!)?.id);
  return exits.every((x) => own.startIndex <= x.startIndex && x.endIndex <= own.endIndex || (x.type === 'break_statement' && !x.namedChildCount && innermostBreakable(x)?.id !== loop!.id));
}

function innermostBreakable(b: Node): Node | null {
  for (let p = b.parent; p; p = p.parent) if (['for_statement', 'expression_switch_statement', 'type_switch_statement', 'select_statement'].includes(p.type)) return p;
  return null;
}

/**
 * `n` (a flow node) holds one of `ops`, or is the header of a loop whose body does: syntax
 * cannot tell how often a loop runs, so a loop that sends is taken to send (`for i := 0; i <
 * n; i++ { go … }` then `for i := 0; i < n; i++ { done <- true }` runs both or neither).
 */
function holds(n: Node, ops: ChanOp[]): boolean {
  const loop = n.parent?.type === 'for_clause' ? n.parent.parent : n.parent?.type === 'for_statement' && n.parent.childForFieldName('body')?.id !== n.id ? n.parent : null;
  // A select with a case that sends or closes may be the one that runs: it counts as doing it.
  const sel = n.parent?.type === 'communication_case' ? n.parent.parent : null;
  const scope = loop?.type === 'for_statement' ? loop : sel ?? n;
  return ops.some((o) => scope.startIndex <= o.node.startIndex && o.node.endIndex <= scope.endIndex);
}

/** The function literal a go statement (or `g.Go(func…)`) starts. */
function startedLiteral(unit: Node): Node | null {
  const call = unit.type === 'go_statement' ? unit.namedChildren.find((c) => c?.type === 'call_expression') : unit;
  const f = call?.type === 'call_expression' ? unparen(call.childForFieldName('function') ?? call) : null;
  if (f?.type === 'func_literal') return f;
  const arg = unit.type === 'call_expression' ? unit.childForFieldName('arguments')?.namedChild(0) : null;
  return arg?.type === 'func_literal' ? arg : null;
}

/**
 * The first exit of `fn` (a goroutine's literal) reached from its entry without passing one
 * of `ops`, nor a node where the goroutine reports on another channel the making function
 * receives from (`errc <- err` beside `done <- v`), nor a select case that waits for a signal
 * from the making function itself (`case <-stop: return` after the receiver is done).
 */
function skippingExits(facts: FileFacts, fn: Node, ops: ChanOp[], others: Channel[]): Node[] {
  const reports = others.flatMap((c) => c.ops.filter((o) => (o.kind === 'send' || o.kind === 'close') && !o.deferred && c.ops.some((r) => (r.kind === 'recv' || r.kind === 'range') && r.unit.kind === 'main')));
  const signals = new Set(others.filter((c) => { const e = c.ops.filter((o) => o.kind === 'send' || o.kind === 'close'); return e.length > 0 && e.every((o) => o.unit.kind === 'main'); }).map((c) => c.name));
  const exits = walkFrom(facts, fn, null, (n) => {
    if (holds(n, ops) || holds(n, reports)) return 'stop';
    if (n.parent?.type === 'communication_case' && n.parent.childForFieldName('communication')?.id === n.id) {
      const name = caseReceiveName(n.parent);
      if (name && signals.has(name)) return 'stop';
    }
    return undefined;
  });
  return exits ?? [];
}

/** The block a statement is written in (tree-sitter-go puts a statement_list between). */
function blockOf(stmt: Node): Node | null {
  const p = stmt.parent;
  return p?.type === 'statement_list' ? p.parent : p;
}

/** A condition as `[text, holds]`, `!x` and `a != b` folded onto `x` and `a == b`. */
function guard(cond: Node): [string, boolean] {
  const c = unparen(cond);
  if (c.type === 'unary_expression' && c.child(0)?.type === '!') {
    const [t, pos] = guard(c.childForFieldName('operand')!);
    return [t, !pos];
  }
  const op = c.type === 'binary_expression' ? c.childForFieldName('operator')?.type : undefined;
  if (op === '==' || op === '!=') return [`${c.childForFieldName('left')!.text}==${c.childForFieldName('right')!.text}`.replace(/\s+/g, ''), op === '=='];
  return [c.text.replace(/\s+/g, ''), true];
}

/** The condition of an `if` without an init statement, made of names and constants only (no call can change between two checks). */
function plainCondition(ifs: Node): Node | null {
  if (ifs.type !== 'if_statement' || ifs.childForFieldName('initializer')) return null;
  const cond = ifs.childForFieldName('condition');
  if (!cond || cond.descendantsOfType(['call_expression', 'unary_expression', 'index_expression']).some((n) => n && (n.type !== 'unary_expression' || n.child(0)?.type !== '!'))) return null;
  return cond;
}

/** Names written (assigned, declared, incremented) inside `scope` between `from` and `to`. */
function written(scope: Node, from: number, to: number): Set<string> {
  const out = new Set<string>();
  for (const n of scope.descendantsOfType(['assignment_statement', 'short_var_declaration', 'var_spec', 'inc_statement', 'dec_statement', 'range_clause'])) {
    if (!n || n.startIndex < from || n.endIndex > to) continue;
    const left = n.childForFieldName('left') ?? n.childForFieldName('name') ?? n.namedChild(0);
    const ids = left ? [left, ...left.descendantsOfType(['identifier', 'selector_expression'])] : [];
    for (const id of ids) if (id && (id.type === 'identifier' || id.type === 'selector_expression')) out.add(id.text.replace(/\s+/g, ''));
  }
  return out;
}

/**
 * The conditions under which the goroutine leaves at `exit` without sending: the `if` whose
 * branch holds a return, or, for the end of the body, the `if` whose branch holds every
 * send and close. Undefined when the exit is not under one plain condition.
 */
function skipCondition(exit: Node, lit: Node, ops: ChanOp[]): { cond: Node; when: boolean } | undefined {
  const body = lit.childForFieldName('body');
  if (exit.type === 'return_statement') {
    const block = blockOf(exit);
    const ifs = block?.parent;
    if (block?.type !== 'block' || ifs?.type !== 'if_statement') return undefined;
    const cond = plainCondition(ifs);
    return cond ? { cond, when: ifs.childForFieldName('consequence')?.id === block.id } : undefined;
  }
  if (exit.parent?.id !== body?.id || exit.type !== '}') return undefined;
  // The end of the body: every send or close is a statement of the one branch of an if of the body.
  const branches = new Set<number>();
  let found: { cond: Node; when: boolean } | undefined;
  for (const o of ops) {
    const stmt = statementOf(o.node, lit);
    const block = stmt && blockOf(stmt);
    const ifs = block?.parent;
    if (block?.type !== 'block' || ifs?.type !== 'if_statement' || blockOf(ifs)?.id !== body?.id || ifs.childForFieldName('alternative')) return undefined;
    const cond = plainCondition(ifs);
    if (!cond) return undefined;
    branches.add(ifs.id);
    found = { cond, when: false };
  }
  return branches.size === 1 ? found : undefined;
}

/**
 * The conditions that hold whenever the making function reaches `recv` after `go`: an `if`
 * around it, or an `if` before it (same block or an enclosing one) whose branch always leaves.
 */
function receiveConditions(facts: FileFacts, recv: Node, go: Node, owner: Node): [string, boolean][] {
  const out: [string, boolean][] = [];
  for (let n: Node | null = recv; n && n.id !== owner.id; n = n.parent) {
    const p = n.parent;
    if (p?.type === 'if_statement' && n.type === 'block') {
      const cond = plainCondition(p);
      if (cond) {
        const [t, pos] = guard(cond);
        out.push([t, p.childForFieldName('consequence')?.id === n.id ? pos : !pos]);
      }
    }
    if (p?.type !== 'statement_list' && p?.type !== 'block') continue;
    for (const s of p.namedChildren) {
      if (!s || s.startIndex >= n.startIndex || s.startIndex < go.endIndex || s.type !== 'if_statement' || s.childForFieldName('alternative')) continue;
      const cond = plainCondition(s);
      const cons = s.childForFieldName('consequence');
      if (!cond || !cons || !terminates(facts, cons)) continue;
      const [t, pos] = guard(cond);
      out.push([t, !pos]);
    }
  }
  return out;
}

/**
 * The goroutine leaves at `exit` only under a condition whose opposite holds wherever the
 * making function receives (`if !async { close(ch) }` … `if !async { <-ch }`; `if err != nil
 * { return }` in the goroutine, `if err != nil { t.Fatal(err) }` before the receive), and
 * neither side writes the condition's names in between: that path never waits.
 */
function receiveExcluded(facts: FileFacts, exit: Node, lit: Node, ops: ChanOp[], recv: ChanOp, owner: Node): boolean {
  const skip = skipCondition(exit, lit, ops);
  const go = ops[0]!.unit.node;
  if (!skip) return false;
  const [text, pos] = guard(skip.cond);
  const holds = skip.when ? pos : !pos;
  const names = skip.cond.descendantsOfType(['identifier', 'selector_expression']).map((n) => n!.text.replace(/\s+/g, ''));
  const changed = new Set([...written(lit, lit.startIndex, lit.endIndex), ...written(owner, go.startIndex, recv.node.startIndex)]);
  if (names.some((n) => changed.has(n))) return false;
  return receiveConditions(facts, recv.node, go, owner).some(([t, p]) => t === text && p !== holds);
}

/**
 * Shape A: every goroutine that sends on or closes `ch` has a path that returns without
 * doing it, while the making function waits in a plain receive. Goroutines that send in a
 * loop (a worker pool feeding a counted receive) are left alone: syntax cannot count.
 */
function senderReturns(facts: FileFacts, ch: Channel, recv: ChanOp, all: Channel[]): Node | undefined {
  // A range ends only at a close; a plain receive at a send or a close.
  const enders = ch.ops.filter((o) => o.kind === 'close' || (o.kind === 'send' && recv.kind === 'recv'));
  if (!enders.length || ch.ops.some((o) => (o.kind === 'send' || o.kind === 'close') && o.unit.kind === 'main') || enders.some((o) => o.deferred || o.inLoop)) return undefined;
  const units = new Map<number, ChanOp[]>();
  for (const o of enders) units.set(o.unit.node.id, [...(units.get(o.unit.node.id) ?? []), o]);
  let first: Node | undefined;
  for (const ops of units.values()) {
    const lit = startedLiteral(ops[0]!.unit.node);
    // The goroutine's own body (a literal); ops inside a callee it runs are not walked.
    if (!lit || ops.some((o) => flowFunction(o.node)?.fn.id !== lit.id)) return undefined;
    const exit = skippingExits(facts, lit, ops, all.filter((c) => c !== ch)).find((x) => !receiveExcluded(facts, x, lit, ops, recv, ch.owner));
    if (!exit) return undefined;
    if (!first || exit.startIndex < first.startIndex) first = exit;
  }
  return recv.unit.kind === 'main' ? first : undefined;
}

/**
 * Shape B: a goroutine waits in a plain receive for the making function, which sends or
 * closes later; a path of the making function from the go statement leaves (returns, or a
 * test stops at t.Fatal) before any of them.
 */
function ownerReturns(facts: FileFacts, ch: Channel, recv: ChanOp, inTest: boolean): Node | undefined {
  const enders = ch.ops.filter((o) => o.kind === 'send' || o.kind === 'close');
  if (!enders.length || enders.some((o) => o.unit.kind !== 'main')) return undefined;
  const go = recv.unit.node;
  if (go.type !== 'go_statement' || flowFunction(go)?.fn.id !== ch.owner.id || runsOncePerProcess(facts, ch.owner)) return undefined;
  const start = statementOf(go, ch.owner);
  if (!start) return undefined;
  // A send before the go statement (a semaphore filled first), a close deferred before it, or a
  // send in a loop around it may be what the goroutine receives.
  if (enders.some((o) => o.node.startIndex < go.startIndex || (o.unit.inLoop && o.inLoop))) return undefined;
  for (let p = go.parent; p && p.id !== ch.owner.id; p = p.parent) if (p.type === 'for_statement' && holds(p, enders)) return undefined;
  const exits = walkFrom(facts, ch.owner, start, (n) => (holds(n, enders) ? 'stop' : undefined), { testStopExits: inTest });
  return exits?.[0];
}

/**
 * Shape C: the only other uses of the channel are calls of same-package functions (any
 * file) that neither send on it, close it, nor pass it further, by their summaries.
 */
function calleesNeverSend(view: PackageView, facts: FileFacts, ch: Channel): { callee: string; recv: Node } | undefined {
  if (ch.escapes !== 'passed to a function this file does not show') return undefined;
  // The uses from the syntax first (the receive, and any use that is no call), the callees'
  // summaries only then: most such channels have no plain receive in the making function.
  let recv: Node | undefined;
  const calls: { call: Node; list: Node; arg: Node }[] = [];
  for (const id of facts.uses(ch.owner, ch.name)) {
    if (id.id === ch.declared.id) continue;
    const up = unparenUp(id);
    const p = up.parent;
    if (p?.type === 'unary_expression' && p.child(0)?.type === '<-') {
      // A plain receive of the making function (not one of a select with a way out).
      const stmt = unparenUp(p).parent;
      const sel = stmt?.type === 'communication_case' || stmt?.parent?.type === 'communication_case' ? (stmt.type === 'communication_case' ? stmt : stmt.parent)!.parent : null;
      if (!recv && flowFunction(p)?.fn.id === ch.owner.id && (!sel || sel.namedChildren.filter((c) => c?.type === 'communication_case' || c?.type === 'default_case').length === 1)) recv = p;
      continue;
    }
    if (p?.type === 'binary_expression') continue;
    if (p?.type === 'argument_list') {
      const call = p.parent!;
      const f = call.childForFieldName('function');
      if (f?.type === 'identifier' && (f.text === 'len' || f.text === 'cap')) continue;
      calls.push({ call, list: p, arg: up });
      continue;
    }
    return undefined;
  }
  if (!recv) return undefined;
  // Every call must reach a function of the package (keys before any summary).
  const args: { key: DeclKey; i: number }[] = [];
  for (const { call, list, arg } of calls) {
    const key = view.calleeKey(call, facts);
    const i = list.namedChildren.filter((a) => a !== null && a.type !== 'comment').findIndex((a) => a!.id === arg.id);
    if (!key || i < 0) return undefined;
    args.push({ key, i });
  }
  // What a callee itself does with the channel (its summary at depth 0) is in its deep
  // summary too: its own send, close or escape settles it before the deep one is made.
  // (At depth 0, a callee's own calls show as escapes through a callee: those may go.)
  const mayDoMore = (s: FuncSummary | undefined, i: number, own: boolean) =>
    !s || s.variadic || effectsOn(s, `$${i}`).some((e) => e.op !== 'recv' && e.op !== 'range' && !(own && e.how & HOW.callee));
  for (const { key, i } of args) if (mayDoMore(view.summaryOf(coreSummary, key, 0), i, true)) return undefined;
  for (const { key, i } of args) if (mayDoMore(view.summaryOf(coreSummary, key), i, false)) return undefined;
  const callee = calls[0]?.call.childForFieldName('function')?.text;
  return callee ? { callee, recv } : undefined;
}

export default defineRule<MessageIds>({
  meta: {
    id: 'blocked-receive',
    title: 'Receive that no send or close can satisfy',
    severity: 'warning',
    precision: 'high',
    tags: ['goroutine', 'channel', 'memory'],
    docs: {
      whatItDoes:
        'Finds a plain channel receive (`<-ch`, `v, ok := <-ch`, `for v := range ch`) that can wait forever: every goroutine that would send on or close the channel has a path that returns first (an error path); the function that would send or close it returns first, or a test stops at `t.Fatal` first, while a goroutine it started waits; nothing sends on or closes the channel at all (including the same-package functions it is handed to); the channel is nil because it is declared and never made; or a `select` with no default waits only on channels nothing sends on or closes. A sender that leaves without sending only under a condition whose opposite guards the receive (`if !async { close(ch) }` in the goroutine, `if !async { <-ch }` in the function; `if err != nil { return }` against an `if err != nil { t.Fatal(err) }` before the receive), neither side writing the condition\'s names in between, does not leave the receive waiting.',
      whyIsThisBad:
        'A receive waits until a value or a close arrives. When the only sender returned on an error path, the receiving goroutine waits forever, with its stack and everything it references: a goroutine leak that grows with every failed request, or a test that hangs (and leaks into the next test) instead of failing.',
      example: `package fetch

func first(get func() (string, error)) string {
	ch := make(chan string)
	go func() {
		v, err := get()
		if err != nil {
			return
		}
		ch <- v
	}()
	return <-ch
}
`,
      useInstead: `package fetch

func first(get func() (string, error)) (string, error) {
	type result struct {
		v   string
		err error
	}
	ch := make(chan result, 1)
	go func() {
		v, err := get()
		ch <- result{v, err} // every path sends
	}()
	r := <-ch
	return r.v, r.err
}
`,
    },
    messages: {
      senderReturns:
        'receive from {{name}} blocks forever when the goroutine that sends on it returns on line {{line}} without sending (this goroutine and everything it references leak); send or close {{name}} on every path of the sender, e.g. defer close({{name}})',
      ownerReturns:
        'goroutine blocks forever receiving from {{name}} when the function {{how}} on line {{line}} before sending on or closing it (the goroutine leaks); defer close({{name}}) before that point, or send on every path',
      ownerReturnsLoop:
        'goroutine never ends: it loops until it receives from {{name}}, and the function {{how}} on line {{line}} before sending on or closing it (the goroutine leaks); defer close({{name}}) before that point, or send on every path',
      neverSent: 'receive from {{name}} blocks forever: nothing sends on or closes {{name}} (made on line {{line}}); send the value, close the channel, or remove the receive',
      calleeNeverSends: 'receive from {{name}} blocks forever: {{callee}}, which is given {{name}}, never sends on or closes it; send or close it in {{callee}}',
      nilChannel: 'receive from {{name}} blocks forever: {{name}} is a nil channel (declared on line {{line}} and never made); initialize it with make',
      deadSelect: 'select blocks forever: none of its cases can fire, because nothing sends on or closes {{names}}; send or close one of them, or add a case that can',
    },
    triggers: ['<- && chan'],
    defaultOptions: {},
  },
  create(ctx) {
    const { facts } = ctx;
    const inTest = ctx.filePath.endsWith('_test.go');
    const channels = channelFacts(facts);
    const reported = new Set<number>();
    const report = (op: ChanOp, messageId: MessageIds, related: Node, data: Record<string, string | number>, relMsg: string) => {
      if (reported.has(op.node.id)) return;
      reported.add(op.node.id);
      ctx.report({ node: op.node.type === 'for_statement' ? (op.node.namedChildren.find((c) => c?.type === 'range_clause') ?? op.node) : op.node, messageId, data, related: [{ node: related, message: relMsg }] });
    };
    const check = (fn: Node) => {
      deadSelects(channels.of(fn).channels);
      for (const ch of channels.of(fn).channels) {
        const recvs = ch.ops.filter((o) => (o.kind === 'recv' || o.kind === 'range') && (!choosing(o) || onlyWayOut(o)) && !o.deferred);
        const line = ch.make.startPosition.row + 1;
        if (!ch.escapes) {
          if (!recvs.length) continue;
          const enders = ch.ops.filter((o) => o.kind === 'send' || o.kind === 'close');
          if (!enders.length) {
            // Receives only: nothing can ever satisfy them (unless another select case or the process ends).
            if (!runsOncePerProcess(facts, ch.owner)) report(recvs[0]!, 'neverSent', ch.make, { name: ch.name, line }, `${ch.name} is made here`);
            continue;
          }
          // `if len(ch) > 0 { <-ch }`: a receive of what is known to be buffered.
          if (new RegExp(`\\blen\\(\\s*${ch.name}\\s*\\)`).test(ch.owner.text)) continue;
          const main = recvs.find((r) => r.unit.kind === 'main');
          const skip = main && senderReturns(facts, ch, main, channels.of(fn).channels);
          if (main && skip) {
            report(main, 'senderReturns', skip, { name: ch.name, line: skip.startPosition.row + 1 }, 'the sending goroutine can return here without sending');
            continue;
          }
          for (const r of recvs.filter((x) => x.unit.kind === 'go')) {
            const exit = ownerReturns(facts, ch, r, inTest);
            if (!exit) continue;
            // One finding per channel: the other goroutines waiting on it leak for the same reason.
            const how = exit.type === 'return_statement' ? 'returns' : exit.type === 'expression_statement' ? 'stops the test' : 'ends';
            // A case of a select with other ways out: the goroutine's loop spins on, it does not block.
            report(r, choosing(r) ? 'ownerReturnsLoop' : 'ownerReturns', exit, { name: ch.name, line: exit.startPosition.row + 1, how }, `the function ${how} here without sending on or closing ${ch.name}`);
            break;
          }
          continue;
        }
        const found = calleesNeverSend(ctx.pkg, facts, ch);
        if (found && !runsOncePerProcess(facts, ch.owner) && !reported.has(found.recv.id)) {
          reported.add(found.recv.id);
          ctx.report({ node: found.recv, messageId: 'calleeNeverSends', data: { name: ch.name, callee: found.callee }, related: [{ node: ch.make, message: `${ch.name} is made here` }] });
        }
      }
    };
    /**
     * A select with no default whose every case receives from a local channel that nothing
     * sends on or closes: none of its cases can ever fire.
     */
    const deadSelects = (all: Channel[]) => {
      const dead = new Set(all.filter((c) => !c.escapes && !c.ops.some((o) => o.kind === 'send' || o.kind === 'close')).map((c) => c.name));
      const seen = new Set<number>();
      for (const ch of all) {
        for (const op of ch.ops) {
          const sel = op.select;
          if (!sel || seen.has(sel.id) || !dead.has(ch.name) || runsOncePerProcess(facts, ch.owner)) continue;
          seen.add(sel.id);
          const cases = sel.namedChildren.filter((c): c is Node => c?.type === 'communication_case' || c?.type === 'default_case');
          const names = cases.map((c) => (c.type === 'communication_case' ? caseReceiveName(c) : undefined));
          if (cases.length < 2 || names.some((n) => n === undefined || !dead.has(n))) continue;
          reported.add(op.node.id);
          ctx.report({
            node: sel.child(0) ?? sel,
            messageId: 'deadSelect',
            data: { names: [...new Set(names)].join(', ') },
            related: [{ node: ch.make, message: `${ch.name} is made here` }],
          });
        }
      }
    };
    // Without a goroutine, only a channel nothing sends on can leave a receive waiting; and
    // check only looks at the local channels of the function.
    const perFunction = channels.handlers(check, undefined, { fn: (at) => channels.mayMakeLocal(at) && (channels.reaches(at, GO_WORDS) || !channels.sendsOnEveryMake(at)) });
    return {
      source_file() {
        perFunction.source_file();
        nilChannels(facts, (recv, decl, name) => {
          if (reported.has(recv.id)) return;
          reported.add(recv.id);
          ctx.report({ node: recv, messageId: 'nilChannel', data: { name, line: decl.startPosition.row + 1 }, related: [{ node: decl, message: `${name} is declared here and never made` }] });
        });
      },
    };
  },
});

/**
 * `var ch chan T` in a function, never assigned, never passed or taken the address of: every
 * plain receive from it blocks forever (one in a select with other cases is the nil-channel
 * idiom that disables a case, and stays silent).
 */
function nilChannels(facts: FileFacts, found: (recv: Node, decl: Node, name: string) => void): void {
  const channels = channelFacts(facts);
  for (const at of channels.hits()) {
    // A `var` spec's type of a function that receives, by the text: no parse for any other.
    const t = channels.mayBeVarType(at) ? channels.typeAt(at) : null;
    if (!t || !topLevelFunction(t)) continue;
    const spec = t.parent;
    if (spec?.type !== 'var_spec' || spec.childForFieldName('type')?.id !== t.id || spec.childForFieldName('value')) continue;
    for (const name of spec.childrenForFieldName('name')) {
      if (!name) continue;
      const where = facts.resolveName(name.text, name);
      if (typeof where !== 'object') continue;
      let ok = true;
      const recvs: Node[] = [];
      for (const id of facts.uses(where, name.text)) {
        if (id.id === name.id) continue;
        const up = unparenUp(id);
        const p = up.parent;
        if (p?.type === 'unary_expression' && p.child(0)?.type === '<-') {
          const cc = p.parent?.type === 'expression_statement' || p.parent?.type === 'expression_list' ? p.parent.parent : p.parent;
          const inCase = cc?.type === 'communication_case' || cc?.type === 'receive_statement';
          if (!inCase) recvs.push(p);
          continue;
        }
        // `ch == nil`, and sends, which block on a nil channel too.
        if (p?.type === 'binary_expression' || (p?.type === 'send_statement' && p.childForFieldName('channel')?.id === up.id)) continue;
        ok = false;
        break;
      }
      if (ok && literalRun(where) !== 'go') for (const r of recvs) found(r, name, name.text);
    }
  }
}

// Sends on a channel field that a "running" flag of the receiver guards, under the mutex the
// type's Stop holds while it signals the receiving loop and clears the flag: once Stop has
// run, the flag is false and no such send happens; while it is true, the loop is receiving.
//
//	func (c *Cron) Remove(id ID) {
//		c.mu.Lock()
//		defer c.mu.Unlock()
//		if c.running {
//			c.remove <- id          // only while run receives
//		} else { … }
//	}
//	func (c *Cron) Stop() {
//		c.mu.Lock()
//		defer c.mu.Unlock()
//		if c.running {
//			c.stop <- struct{}{}    // run returns…
//			c.running = false       // …and the flag says so, under the same lock
//		}
//	}
//	func (c *Cron) Start() { c.mu.Lock(); …; c.running = true; go c.run() }
//
// Read from syntax, conservatively: the flag is set true only right before the loop is
// started (or run: a later statement of the same block, nothing that leaves between), the
// loop leaves only by its stop case, and every send or close of the stop signal has cleared
// the flag under the same lock once it has run.
import type { Node } from 'web-tree-sitter';
import { BREAK_TARGETS, codeStatements, enclosingFunction, type FileFacts, unparen, within } from './facts.js';
import type { PackageView } from './package.js';
import type { DeclKey } from './pkgindex.js';
import { receiverName } from './summary.js';
import { endingCall } from './terminators.js';

/** `recv.F` (parentheses skipped): F. */
function flagOf(e: Node | null | undefined, recv: string): string | undefined {
  const u = e && unparen(e);
  if (u?.type !== 'selector_expression' || u.childForFieldName('operand')?.text !== recv) return undefined;
  return u.childForFieldName('field')?.text;
}

/** The flags that are true whenever `cond` is: `recv.F`, `recv.F && …`. */
function trueFlags(cond: Node | null, recv: string): string[] {
  const u = cond && unparen(cond);
  if (!u) return [];
  if (u.type === 'binary_expression' && u.childForFieldName('operator')?.type === '&&') {
    return [...trueFlags(u.childForFieldName('left'), recv), ...trueFlags(u.childForFieldName('right'), recv)];
  }
  const f = flagOf(u, recv);
  return f ? [f] : [];
}

/** The flags that are true whenever `cond` is false: `!recv.F`, `!recv.F || …`. */
function falseFlags(cond: Node | null, recv: string): string[] {
  const u = cond && unparen(cond);
  if (!u) return [];
  if (u.type === 'binary_expression' && u.childForFieldName('operator')?.type === '||') {
    return [...falseFlags(u.childForFieldName('left'), recv), ...falseFlags(u.childForFieldName('right'), recv)];
  }
  if (u.type !== 'unary_expression' || u.childForFieldName('operator')?.type !== '!') return [];
  const f = flagOf(u.childForFieldName('operand'), recv);
  return f ? [f] : [];
}

/**
 * The receiver's flags that hold wherever `n` runs in method `fn`, each with the `if` that
 * tests it: `n` in the then-branch of `if recv.F`, in the else-branch of `if !recv.F`, or
 * after `if !recv.F { …; return }` in a block around it. None for `n` in a function literal.
 */
function guardsOf(n: Node, fn: Node, recv: string): Map<string, Node> {
  const out = new Map<string, Node>();
  for (let child = n, p = n.parent; p && p.id !== fn.id; child = p, p = p.parent) {
    if (p.type === 'func_literal') return new Map();
    if (p.type === 'if_statement') {
      const cond = p.childForFieldName('condition');
      const flags =
        p.childForFieldName('consequence')?.id === child.id ? trueFlags(cond, recv) : p.childForFieldName('alternative')?.id === child.id ? falseFlags(cond, recv) : [];
      for (const f of flags) out.set(f, p);
    }
    if (p.type !== 'statement_list') continue;
    for (const s of codeStatements(p)) {
      if (s.startIndex >= child.startIndex) break;
      if (s.type !== 'if_statement' || s.childForFieldName('alternative')) continue;
      if (codeStatements(s.childForFieldName('consequence')).at(-1)?.type !== 'return_statement') continue;
      for (const f of falseFlags(s.childForFieldName('condition'), recv)) out.set(f, s);
    }
  }
  return out;
}

/** `x.M.Lock()` (or RLock), a call on a field of `x`: M and the verb. */
function lockCall(call: Node | null | undefined, recv: string): { mutex: string; verb: string } | undefined {
  if (call?.type !== 'call_expression') return undefined;
  const f = call.childForFieldName('function');
  const m = f?.type === 'selector_expression' ? f.childForFieldName('operand') : null;
  if (m?.type !== 'selector_expression' || m.childForFieldName('operand')?.text !== recv) return undefined;
  return { mutex: m.childForFieldName('field')!.text, verb: f!.childForFieldName('field')!.text };
}

/**
 * The receiver's mutex held at `at` in method `fn`: a `recv.M.Lock()` statement of the body
 * before it (`RLock` too when `read`), with no `recv.M.Unlock()` between them outside a defer.
 */
function heldAt(fn: Node, recv: string, at: Node, read: boolean): { mutex: string; lock: Node } | undefined {
  let held: { mutex: string; lock: Node } | undefined;
  for (const s of codeStatements(fn.childForFieldName('body'))) {
    if (s.endIndex > at.startIndex) break;
    const l = s.type === 'expression_statement' ? lockCall(s.namedChild(0), recv) : undefined;
    if (l && (l.verb === 'Lock' || (read && l.verb === 'RLock'))) held = { mutex: l.mutex, lock: s };
  }
  if (!held) return undefined;
  for (const call of fn.descendantsOfType('call_expression')) {
    if (!call || call.startIndex < held.lock.endIndex || call.startIndex > at.startIndex) continue;
    const l = lockCall(call, recv);
    if (l?.mutex === held.mutex && /^R?Unlock$/.test(l.verb) && call.parent?.type !== 'defer_statement') return undefined;
  }
  return held;
}

/** `recv.F = false` (a single assignment): F. */
function clearedFlag(s: Node, recv: string): string | undefined {
  if (s.type !== 'assignment_statement' || s.childForFieldName('operator')?.text !== '=') return undefined;
  const [l, ...more] = s.childForFieldName('left')?.namedChildren ?? [];
  const [r] = s.childForFieldName('right')?.namedChildren ?? [];
  const f = more.length ? undefined : flagOf(l, recv);
  return f && r?.text === 'false' ? f : undefined;
}

/**
 * Statement `s` of method `fn` may leave the statement list it is in: a return, goto,
 * labeled break or continue, a break or continue of a loop, switch or select around it, or
 * a call that ends the path (panic, os.Exit, log.Fatal…: terminators.ts) anywhere in it.
 */
function mayLeave(s: Node, fn: Node, facts: FileFacts): boolean {
  for (const j of s.descendantsOfType(['return_statement', 'goto_statement', 'break_statement', 'continue_statement', 'call_expression'])) {
    if (!j) continue;
    if (j.type === 'call_expression') {
      if (endingCall(facts, j) !== null) return true;
      continue;
    }
    if (enclosingFunction(j)?.id !== fn.id) continue; // leaves a function literal only
    if (j.type === 'return_statement' || j.type === 'goto_statement' || j.namedChildCount) return true;
    const target = (n: Node) => (j.type === 'continue_statement' ? n.type === 'for_statement' : BREAK_TARGETS.has(n.type));
    let p = j.parent;
    while (p && !target(p)) p = p.id === s.id ? null : p.parent;
    if (!p) return true; // its loop, switch or select is around `s`
  }
  return false;
}

/**
 * The statements that run after statement `s` of method `fn` whenever it completes: the
 * later statements of its own statement list, up to the first that may leave it.
 */
function runAfter(s: Node, fn: Node, facts: FileFacts): Node[] {
  if (s.parent?.type !== 'statement_list') return [];
  const out: Node[] = [];
  for (const t of codeStatements(s.parent)) {
    if (t.startIndex <= s.startIndex) continue;
    out.push(t);
    if (mayLeave(t, fn, facts)) break;
  }
  return out;
}

/**
 * The `recv.F = false` statements that have run whenever statement `s` of method `fn` has
 * completed: earlier statements of the statement lists around it (up to the body), and
 * later statements of its own list that no return, jump or ending call comes before: F each.
 */
function clearsAround(s: Node, fn: Node, recv: string, facts: FileFacts): Map<string, Node> {
  const out = new Map<string, Node>();
  for (const t of runAfter(s, fn, facts)) {
    const f = clearedFlag(t, recv);
    if (f && !out.has(f)) out.set(f, t);
  }
  for (let child = s, p = s.parent; p && p.id !== fn.id; child = p, p = p.parent) {
    if (p.type === 'func_literal') return new Map();
    if (p.type !== 'statement_list') continue;
    for (const t of codeStatements(p)) {
      if (t.startIndex >= child.startIndex) break;
      const f = clearedFlag(t, recv);
      if (f) out.set(f, t);
    }
  }
  return out;
}

/**
 * What every send or close of the stop signal `recv.signal` in the package does with it: the
 * flags each has cleared once it has run (clearsAround: `recv.F = false` before it in a
 * statement list around it, or after it in its own with nothing that leaves between), all
 * under one mutex of the receiver held by `Lock`. Undefined when some send or close of a
 * field of that name is elsewhere (a function literal, another value, no lock).
 */
function stopClears(pkg: PackageView, type: string, signal: string): { flags: Set<string>; mutex: string } | undefined {
  let flags: Set<string> | undefined;
  let mutex: string | undefined;
  for (const d of pkg.decls(`mentions:${signal}`)) {
    const sites: { stmt: Node; sel: Node }[] = [];
    for (const n of d.node.descendantsOfType(['send_statement', 'call_expression'])) {
      if (!n) continue;
      const ch =
        n.type === 'send_statement'
          ? n.childForFieldName('channel')
          : n.childForFieldName('function')?.text === 'close'
            ? n.childForFieldName('arguments')?.namedChildren.find((a) => a?.type !== 'comment')
            : null;
      const sel = ch && unparen(ch);
      if (sel?.type !== 'selector_expression' || sel.childForFieldName('field')?.text !== signal) continue;
      // A deferred close or one in a goroutine runs when the lock may be gone.
      if (n.type === 'call_expression' && n.parent?.type !== 'expression_statement') return undefined;
      sites.push({ stmt: n.type === 'send_statement' ? n : n.parent!, sel });
    }
    if (!sites.length) continue;
    const recv = d.recv === type ? receiverName(d.node) : undefined;
    if (!recv) return undefined;
    for (const { stmt: s, sel } of sites) {
      if (sel.childForFieldName('operand')?.text !== recv || enclosingFunction(s)?.id !== d.node.id) return undefined;
      const here = new Set<string>();
      for (const [f, clear] of clearsAround(s, d.node, recv, d.facts)) {
        const [first, last] = clear.startIndex < s.startIndex ? [clear, s] : [s, clear];
        const held = heldAt(d.node, recv, last, false);
        if (held && held.lock.endIndex <= first.startIndex && (mutex ??= held.mutex) === held.mutex) here.add(f);
      }
      flags = flags ? new Set([...flags].filter((f) => here.has(f))) : here;
    }
  }
  return flags?.size && mutex ? { flags, mutex } : undefined;
}

/**
 * Every write of the flag in the package sets it false, or true in a method that then starts
 * (or runs) the receiving method `loop` on the same value: `c.running = true; go c.run()`.
 * The flag is never handed out (`&c.running`) nor set in a literal other than to false.
 */
function setOnlyWithLoop(pkg: PackageView, type: string, flag: string, loop: string): boolean {
  for (const d of pkg.decls(`mentions:${flag}`)) {
    for (const sel of d.node.descendantsOfType('selector_expression')) {
      if (sel?.childForFieldName('field')?.text !== flag) continue;
      const of = pkg.typeOf(sel.childForFieldName('operand')!, d.facts);
      if (of !== undefined && of !== type) continue;
      const up = sel.parent;
      if (up?.type === 'unary_expression' && up.childForFieldName('operator')?.type === '&') return false;
      const list = up?.type === 'expression_list' ? up : null;
      const stmt = list?.parent;
      if (stmt?.type === 'inc_statement' || stmt?.type === 'dec_statement') return false;
      if (stmt?.type !== 'assignment_statement' || stmt.childForFieldName('left')?.id !== list!.id) continue;
      const i = list!.namedChildren.findIndex((c) => c?.id === sel.id);
      const value = stmt.childForFieldName('right')?.namedChildren[i];
      if (list!.namedChildCount !== stmt.childForFieldName('right')?.namedChildCount || (value?.text !== 'false' && value?.text !== 'true')) return false;
      if (value.text === 'false') continue;
      const operand = sel.childForFieldName('operand')!.text;
      const fn = enclosingFunction(stmt);
      const starts =
        !!fn &&
        runAfter(stmt, fn, d.facts).some((t) => {
          const c = t.type === 'go_statement' || t.type === 'expression_statement' ? t.namedChild(0) : null;
          const f = c?.type === 'call_expression' ? c.childForFieldName('function') : null;
          return f?.type === 'selector_expression' && f.childForFieldName('operand')?.text === operand && f.childForFieldName('field')?.text === loop;
        });
      if (!starts) return false;
    }
    for (const kv of d.node.descendantsOfType('keyed_element')) {
      const [k, v] = kv?.namedChildren ?? [];
      if (k?.text === flag && v?.text !== 'false') return false;
    }
  }
  return true;
}

/**
 * Whether the goroutine function `fn` that runs `select` leaves only by the select's stop
 * case: the select is in a `for {}` with no condition that no break leaves, and every return
 * of `fn` is in the stop case (no goto, no labeled break).
 */
export function leavesOnlyBy(fn: Node, select: Node, stopCase: Node): boolean {
  let outer: Node | undefined;
  for (let p = select.parent; p && p.id !== fn.id; p = p.parent) if (p.type === 'for_statement') outer = p;
  if (!outer || outer.namedChildren.some((c) => c && c.type !== 'block' && c.type !== 'comment')) return false;
  for (const n of fn.descendantsOfType(['return_statement', 'break_statement', 'goto_statement'])) {
    if (!n || enclosingFunction(n)?.id !== fn.id) continue;
    if (n.type === 'goto_statement') return false;
    if (n.type === 'return_statement') {
      if (!within(n, stopCase)) return false;
      continue;
    }
    if (n.namedChildCount) return false; // a labeled break
    let p = n.parent;
    while (p && p.id !== fn.id && !BREAK_TARGETS.has(p.type)) p = p.parent;
    if (p?.id === outer.id) return false;
  }
  return true;
}

/**
 * The sends of a channel field (methods and sites) that a running flag keeps from the time
 * after Stop: a predicate over a send in method `sender` at `send`. `receiver` is the method
 * with the receiving loop, `signal` the receiver's channel field Stop signals it on.
 */
export function flagGuard(pkg: PackageView, type: string, receiver: DeclKey, signal: string): ((sender: DeclKey, line: number, column: number) => boolean) | undefined {
  const stop = /^\w+$/.test(signal) ? stopClears(pkg, type, signal) : undefined;
  if (!stop) return undefined;
  const loop = receiver.slice(receiver.lastIndexOf('.') + 1);
  const loopSet = new Map<string, boolean>();
  return (sender, line, column) => {
    const decl = pkg.decl(sender);
    const recv = decl && receiverName(decl.node);
    if (!decl || !recv) return false;
    let send: Node | null = decl.node.descendantForPosition({ row: line - 1, column: column - 1 });
    while (send && send.type !== 'send_statement' && send.id !== decl.node.id) send = send.parent;
    if (send?.type !== 'send_statement' || enclosingFunction(send)?.id !== decl.node.id) return false;
    const held = heldAt(decl.node, recv, send, true);
    if (held?.mutex !== stop.mutex) return false;
    for (const [f, guard] of guardsOf(send, decl.node, recv)) {
      if (!stop.flags.has(f) || guard.startIndex < held.lock.endIndex) continue;
      let ok = loopSet.get(f);
      if (ok === undefined) loopSet.set(f, (ok = setOnlyWithLoop(pkg, type, f, loop)));
      if (ok) return true;
    }
    return false;
  };
}

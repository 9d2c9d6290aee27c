// blocking-under-lock: a goroutine waits (a channel send or receive, wg.Wait) while it holds
// a mutex that every goroutine which could end the wait must take first. Neither can move:
//
//	func (s *Server) Stop() {
//		s.mu.Lock()                ← related: held from here
//		defer s.mu.Unlock()
//		s.stop <- struct{}{}       ← reported: the only receiver of s.stop…
//	}
//	func (s *Server) loop() {
//		for {
//			select {
//			case <-s.stop:
//				return
//			case <-s.tick:
//				s.mu.Lock()        ← …locks s.mu before it gets back to the receive
//				…
//
// What ends the wait: for a receive, every send and close of the channel; for a send, every
// receive (the channel must be unbuffered where the package makes it); for wg.Wait, the
// goroutines that call wg.Done (one that needs the lock is enough). Channels and WaitGroups
// local to a function (the goroutines it starts) and struct fields (every function of the
// package that uses the field, through the package view). A wait in a select with another
// case or a default is not one, nor an operation under a `len(ch)` check. A goroutine that
// locks only before it counts itself (`mu.Lock(); wg.Add(1); mu.Unlock()`) or the waiter's
// own Done does not end the wait under the lock; a lock the other side takes in a setup call
// before the channel (not in a loop) is most often what starts the sender (locks.ts, needsLock).
import type { Node } from 'web-tree-sitter';
import { defineRule } from '../src/engine/types.js';
import { channelFacts, topLevelFunction } from '../src/go/channels.js';
import { definitions } from '../src/go/decls.js';
import { type FileFacts, unparen } from '../src/go/facts.js';
import { channelField } from '../src/go/fieldchans.js';
import { conditional, declaredKind, flowFunction, guardedPair, handedOff, heldText, isAcquire, literalRun, heldRegion, lockFacts, type LockOp, needsLock, statementOf } from '../src/go/locks.js';
import type { PackageView } from '../src/go/package.js';

type MessageIds = 'send' | 'recv' | 'wait' | 'condWait';

interface Wait {
  kind: 'send' | 'recv' | 'wait';
  /** The send statement, the `<-x` expression, the range clause, or the Wait call. */
  node: Node;
  /** The channel or WaitGroup expression. */
  object: Node;
}

/** A channel operation of a select that has another way out (another case, a default) does not block by itself. */
function inChoosingSelect(n: Node): boolean {
  for (let p = n.parent; p; p = p.parent) {
    if (p.type === 'communication_case') {
      const sel = p.parent;
      return (sel?.namedChildren.filter((c) => c?.type === 'communication_case' || c?.type === 'default_case').length ?? 0) > 1;
    }
    if (p.type === 'block' || p.type === 'func_literal' || p.type === 'statement_list') return false;
  }
  return false;
}

/**
 * A channel operation under a condition on the channel's length (`if len(q.ch) > 0 { <-q.ch }`,
 * `for len(q.ch) < cap(q.ch)`): taken under the lock every user of the channel holds, the
 * check says a value or a slot is there, so the operation does not wait.
 */
function lengthChecked(op: Node, channel: Node, fn: Node): boolean {
  const name = channel.text.replace(/\s+/g, '');
  for (let p = op.parent; p && p.id !== fn.id; p = p.parent) {
    const head = p.type === 'for_statement' ? p.namedChildren.find((c) => c !== null && c.id !== p.childForFieldName('body')?.id && c.type !== 'comment') : null;
    const cond = p.type === 'if_statement' ? p.childForFieldName('condition') : head?.type === 'for_clause' ? head.childForFieldName('condition') : head?.type === 'range_clause' ? null : head;
    if (!cond) continue;
    for (const c of cond.descendantsOfType('call_expression')) {
      const f = c?.childForFieldName('function');
      const arg = c?.childForFieldName('arguments')?.namedChild(0);
      if (f?.type === 'identifier' && f.text === 'len' && arg && unparen(arg).text.replace(/\s+/g, '') === name) return true;
    }
  }
  return false;
}

/** The waits inside flow node `n` of `fn`. */
function waitsIn(n: Node, fn: Node): Wait[] {
  const out: Wait[] = [];
  const mine = (x: Node) => flowFunction(x)?.fn.id === fn.id;
  if (n.type === 'send_statement' && !inChoosingSelect(n)) {
    const ch = n.childForFieldName('channel');
    if (ch && !lengthChecked(n, unparen(ch), fn)) out.push({ kind: 'send', node: n, object: unparen(ch) });
  }
  if (n.type === 'range_clause') {
    const right = n.childForFieldName('right');
    if (right) out.push({ kind: 'recv', node: n, object: unparen(right) });
  }
  if (!n.text.includes('<-') && !n.text.includes('Wait')) return out;
  const units = n.type === 'unary_expression' || n.type === 'call_expression' ? [n] : [];
  for (const u of n.descendantsOfType(['unary_expression', 'call_expression'])) if (u) units.push(u);
  for (const u of units) {
    if (!mine(u)) continue;
    if (u.type === 'unary_expression' && u.child(0)?.type === '<-' && !inChoosingSelect(u)) {
      const operand = u.childForFieldName('operand');
      if (operand && !lengthChecked(u, unparen(operand), fn)) out.push({ kind: 'recv', node: u, object: unparen(operand) });
    } else if (u.type === 'call_expression') {
      const f = u.childForFieldName('function');
      if (f?.type === 'selector_expression' && f.childForFieldName('field')?.text === 'Wait' && !u.childForFieldName('arguments')?.namedChildCount) {
        const operand = f.childForFieldName('operand');
        if (operand) out.push({ kind: 'wait', node: u, object: unparen(operand) });
      }
    }
  }
  return out;
}

/** The scope part of a mutex key (`f123` of `f123:s.mu`). */
function scopeOf(m: LockOp): string {
  return m.key.slice(0, m.key.indexOf(':'));
}

/** `sync.WaitGroup` written for a name declared in a function. */
function isWaitGroup(facts: FileFacts, id: Node): Node | undefined {
  if (id.type !== 'identifier') return undefined;
  const where = facts.resolveName(id.text, id);
  if (typeof where !== 'object') return undefined;
  const ok = definitions(facts, where, id.text).some((d) => {
    const t = d.type?.type === 'pointer_type' ? d.type.namedChild(0) : d.type;
    return t?.type === 'qualified_type' && t.text.replace(/\s+/g, '') === 'sync.WaitGroup' && facts.imports().byAlias.get('sync') === 'sync';
  });
  return ok ? where : undefined;
}

/** For a local channel: are there goroutines that end the wait, and do they all need the mutex? */
function localChannel(view: PackageView, facts: FileFacts, w: Wait, m: LockOp): boolean {
  if (w.object.type !== 'identifier') return false;
  const top = topLevelFunction(w.node);
  const ch = top && channelFacts(facts).of(top).channels.find((c) => c.name === w.object.text && c.owner.id === (facts.resolveName(w.object.text, w.object) as Node | undefined)?.id);
  if (!ch || ch.escapes) return false;
  const me = ch.ops.find((o) => o.node.id === w.node.id || (w.node.type === 'range_clause' && o.node.id === w.node.parent?.id));
  if (!me) return false;
  if (w.kind === 'send' && ch.capacity.kind !== 'unbuffered') return false;
  const kinds = w.kind === 'send' ? ['recv', 'range'] : ['send', 'close'];
  const others = ch.ops.filter((o) => kinds.includes(o.kind) && o.unit.node.id !== me.unit.node.id);
  if (!others.length) return false;
  return others.every((o) => {
    // Ops found inside a same-file callee name the mutex by another name: not followed.
    if (!(ch.owner.startIndex <= o.node.startIndex && o.node.endIndex <= ch.owner.endIndex)) return false;
    const f = flowFunction(o.node);
    const stmt = f && statementOf(o.node, f.fn);
    return !!f && !!stmt && needsLock(view, facts, f.fn, stmt, m.text, { rootScope: scopeOf(m), deferred: f.deferred });
  });
}

/**
 * The goroutine `fn` counts itself (`wg.Add(1)` on the same WaitGroup, `wgText`) after every
 * acquire of the mutex in it: it takes the lock before Wait waits for it (the lock orders Add
 * against Wait on purpose), and Wait does not wait for what is not counted yet.
 */
function countsItselfAfterLocking(fn: Node, wgText: string, acquires: LockOp[]): boolean {
  if (!acquires.length) return false;
  const adds = fn.descendantsOfType('call_expression').filter((c): c is Node => c !== null && flowFunction(c)?.fn.id === fn.id && c.childForFieldName('function')?.text.replace(/\s+/g, '') === `${wgText}.Add`);
  return adds.length > 0 && acquires.every((a) => adds.some((c) => a.call.startIndex < c.startIndex));
}

/** For a local WaitGroup: does a goroutine that calls wg.Done take the mutex first? */
function localWaitGroup(facts: FileFacts, w: Wait, m: LockOp): boolean {
  const owner = isWaitGroup(facts, w.object);
  if (!owner) return false;
  const name = w.object.text;
  for (const lit of owner.descendantsOfType('func_literal')) {
    if (!lit || literalRun(lit) !== 'go') continue;
    const dones = lit.descendantsOfType('call_expression').filter((c) => c?.text.replace(/\s+/g, '') === `${name}.Done()` && flowFunction(c)?.fn.id === lit.id);
    if (!dones.length) continue;
    const acquires = lockFacts(facts)
      .of(lit)
      .filter((o) => isAcquire(o.verb) && !o.deferred && o.key === m.key && !conditional(o.call, lit));
    if (countsItselfAfterLocking(lit, name, acquires)) continue;
    if (acquires.some((a) => dones.some((d) => flowFunction(d!)?.deferred || a.call.startIndex < d!.startIndex))) return true;
  }
  return false;
}

/**
 * For a struct field (`s.stop`, `s.wg`) of the package's type T, with the mutex in the same
 * value (`s.mu`, or `s` itself when T embeds it): every function of the package that ends the
 * wait on a value of type T takes that value's mutex first (for wg.Done, one is enough).
 */
function fieldWait(view: PackageView, facts: FileFacts, w: Wait, m: LockOp): boolean {
  if (w.object.type !== 'selector_expression') return false;
  const owner = w.object.childForFieldName('operand');
  const field = w.object.childForFieldName('field')?.text;
  if (!owner || !field) return false;
  const base = owner.text.replace(/\s+/g, '');
  if (m.text !== base && !m.text.startsWith(`${base}.`)) return false;
  const rel = m.text.slice(base.length);
  const type = view.typeOf(owner, facts);
  const decl = type ? view.field(type, field) : undefined;
  if (!type || !decl) return false;
  const isChan = decl.type.type === 'channel_type';
  const written = decl.type.text.replace(/[\s*]+/g, '');
  const isCond = written === 'sync.Cond';
  if (!isChan && !isCond && written !== 'sync.WaitGroup') return false;
  if (isChan && w.kind === 'wait') return false;
  // cond.Wait releases the cond's own lock: only another mutex held around it can deadlock.
  if (isCond && (m.text === `${w.object.text.replace(/\s+/g, '')}.L` || condLocker(view, field, rel) !== 'other')) return false;
  if (isChan && w.kind === 'send') {
    const facts_ = channelField(view, type, field);
    if (!facts_ || facts_.setOtherwise || !facts_.made.length || facts_.made.some((x) => x.capacity !== 0)) return false;
  }
  let enders = 0;
  let needing = 0;
  for (const d of view.mentioning(field)) {
    for (const sel of d.node.descendantsOfType('selector_expression')) {
      if (!sel || sel.childForFieldName('field')?.text !== field || sel.id === w.object.id) continue;
      const y = sel.childForFieldName('operand');
      if (!y || view.typeOf(y, d.facts) !== type) continue;
      const op = endingOp(sel, isCond ? 'signal' : w.kind);
      if (!op) continue;
      const f = flowFunction(op);
      // A Done of the waiting function itself, before its Wait: its own count, not another goroutine.
      if (w.kind === 'wait' && f && f.fn.id === flowFunction(w.node)?.fn.id) continue;
      enders++;
      const stmt = f && statementOf(op, f.fn);
      const text = y.text.replace(/\s+/g, '') + rel;
      if (w.kind === 'wait' && f) {
        const mine = lockFacts(d.facts).of(f.fn).filter((o) => isAcquire(o.verb) && !o.deferred && o.text === text);
        if (countsItselfAfterLocking(f.fn, `${y.text.replace(/\s+/g, '')}.${field}`, mine)) continue;
      }
      if (f && stmt && needsLock(view, d.facts, f.fn, stmt, text, { deferred: f.deferred })) needing++;
    }
  }
  return isChan || isCond ? enders > 0 && needing === enders : needing > 0;
}

/**
 * How the package makes the Cond field: with the mutex `rel` of the same value as its Locker
 * (`sync.NewCond(&s.mu)`: Wait releases it), with another one, or in a way syntax does not show.
 */
function condLocker(view: PackageView, field: string, rel: string): 'same' | 'other' | 'unknown' {
  let found: 'same' | 'other' | 'unknown' = 'unknown';
  for (const d of view.mentioning(field)) {
    for (const call of d.node.descendantsOfType('call_expression')) {
      const f = call?.childForFieldName('function');
      if (!call || f?.type !== 'selector_expression' || f.childForFieldName('field')?.text !== 'NewCond') continue;
      // Only `x.field = sync.NewCond(…)` or `field: sync.NewCond(…)` make this field.
      const up = call.parent?.type === 'expression_list' ? call.parent.parent : call.parent?.type === 'literal_element' ? call.parent.parent : null;
      const target = up?.type === 'assignment_statement' ? up.childForFieldName('left')?.text : up?.type === 'keyed_element' ? up.namedChild(0)?.text : undefined;
      if (!target || !(target === field || target.endsWith(`.${field}`))) continue;
      const arg = call.childForFieldName('arguments')?.namedChildren.find((a) => a?.type !== 'comment');
      const t = arg?.text.replace(/\s+/g, '').replace(/^&/, '') ?? '';
      // `&s.mu` for rel `.mu`; the value itself for an embedded mutex (rel '').
      if (rel ? t.endsWith(rel) : !t.includes('.')) return 'same';
      found = 'other';
    }
  }
  return found;
}

/** The operation on `sel` (a channel, WaitGroup or Cond field) that ends a wait of kind `kind`, if it is one. */
function endingOp(sel: Node, kind: Wait['kind'] | 'signal'): Node | undefined {
  const p = sel.parent;
  if (!p) return undefined;
  if (kind === 'signal') {
    const name = p.type === 'selector_expression' ? p.childForFieldName('field')?.text : undefined;
    const call = p.parent;
    return (name === 'Signal' || name === 'Broadcast') && call?.type === 'call_expression' ? call : undefined;
  }
  if (kind === 'recv') {
    if (p.type === 'send_statement' && p.childForFieldName('channel')?.id === sel.id) return p;
    const call = p.parent;
    if (p.type === 'argument_list' && call?.childForFieldName('function')?.text === 'close') return call;
    return undefined;
  }
  if (kind === 'send') {
    if (p.type === 'unary_expression' && p.child(0)?.type === '<-') return p;
    if (p.type === 'range_clause' && p.childForFieldName('right')?.id === sel.id) return p;
    return undefined;
  }
  const call = p.parent;
  if (p.type === 'selector_expression' && p.childForFieldName('field')?.text === 'Done' && call?.type === 'call_expression') return call;
  return undefined;
}

function isCondField(view: PackageView, facts: FileFacts, object: Node): boolean {
  const owner = object.type === 'selector_expression' ? object.childForFieldName('operand') : null;
  const field = object.childForFieldName('field')?.text;
  const type = owner ? view.typeOf(owner, facts) : undefined;
  const f = type && field ? view.field(type, field) : undefined;
  return !!f && f.type.text.replace(/[\s*]+/g, '') === 'sync.Cond';
}

/** Text that can hold an acquire (the word Lock or RLock) and a wait (`<-`, `Wait(`), in either order. */
const WAITS_AND_LOCKS = /^(?=[^]*?(?:<-|Wait\())(?=[^]*?\bR?Lock\b)/;

export default defineRule<MessageIds>({
  meta: {
    id: 'blocking-under-lock',
    title: 'Channel operation or Wait while holding a lock the other side needs',
    severity: 'warning',
    precision: 'medium',
    tags: ['goroutine', 'deadlock', 'mutex', 'channel'],
    docs: {
      whatItDoes:
        'Finds a channel send or receive, or a `wg.Wait()`, made while holding a mutex, when the goroutines that would end the wait must take the same mutex first: every sender (or closer) of the channel for a receive, every receiver of an unbuffered channel for a send, a goroutine counted by the WaitGroup for `Wait`. The channel or WaitGroup is local to the function (the goroutines it starts) or a field of a struct whose methods use it (any file of the package).',
      whyIsThisBad:
        'The waiting goroutine keeps the lock while it waits, and the goroutine that would wake it waits for the lock: both block forever, and so does everything else that needs the mutex. It usually runs fine until the other goroutine happens to reach its Lock first, so it shows up as a rare hang in production.',
      example: `package worker

import "sync"

type Worker struct {
	mu    sync.Mutex
	stop  chan struct{}
	count int
}

func New() *Worker {
	w := &Worker{stop: make(chan struct{})}
	go w.run()
	return w
}

func (w *Worker) run() {
	for {
		select {
		case <-w.stop:
			return
		default:
			w.mu.Lock()
			w.count++
			w.mu.Unlock()
		}
	}
}

func (w *Worker) Stop() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.stop <- struct{}{}
}
`,
      useInstead: `package worker

import "sync"

type Worker struct {
	mu    sync.Mutex
	stop  chan struct{}
	count int
}

func New() *Worker {
	w := &Worker{stop: make(chan struct{})}
	go w.run()
	return w
}

func (w *Worker) run() {
	for {
		select {
		case <-w.stop:
			return
		default:
			w.mu.Lock()
			w.count++
			w.mu.Unlock()
		}
	}
}

func (w *Worker) Stop() {
	w.stop <- struct{}{} // send without holding w.mu: run can finish its iteration
}
`,
    },
    messages: {
      send: 'send on {{object}} while holding {{mutex}} (locked on line {{line}}), but every receiver of {{object}} locks {{mutex}} first: both goroutines block forever; send after unlocking {{mutex}}',
      recv: 'receive from {{object}} while holding {{mutex}} (locked on line {{line}}), but every sender of {{object}} locks {{mutex}} first: both goroutines block forever; receive after unlocking {{mutex}}',
      wait: '{{object}}.Wait() while holding {{mutex}} (locked on line {{line}}), but a goroutine it waits for locks {{mutex}} before calling Done: both block forever; wait after unlocking {{mutex}}',
      condWait:
        '{{object}}.Wait() while holding {{mutex}} (locked on line {{line}}; Wait releases only the Cond\'s own lock), but every Signal or Broadcast of {{object}} comes after locking {{mutex}}: both block forever; unlock {{mutex}} before waiting',
    },
    triggers: ['.Lock()', '.RLock()'],
    defaultOptions: {},
  },
  create(ctx) {
    const { facts } = ctx;
    const reported = new Set<number>();
    return {
      source_file() {
        const locks = lockFacts(facts);
        // Only a declaration whose text receives, sends or waits, and takes a lock, is searched for its lock calls (and parsed).
        for (const a of facts.declarations(['function_declaration', 'method_declaration', 'var_declaration'], WAITS_AND_LOCKS).flatMap((d) => locks.within(d))) {
          if (!isAcquire(a.verb) || a.deferred || a.indexed) continue;
          // Nothing in the function can wait (a receive, a send, a Wait): nothing to find.
          if (!a.fn.text.includes('<-') && !a.fn.text.includes('Wait(')) continue;
          // Nor in the code the lock can be held over (a send or receive, a range, a Wait): no region to walk.
          const held = heldText(facts, a);
          if (!held.includes('<-') && !held.includes('range') && !held.includes('Wait')) continue;
          if (guardedPair(a, locks.of(a.fn))) continue;
          if (handedOff(ctx.pkg, facts, a.fn, a)) continue;
          // What the file shows first: the package is opened only when something waits there.
          if (!heldRegion(ctx.pkg, facts, a, true).some((n) => waitsIn(n, a.fn).length)) continue;
          // A lock type that is not sync's: its semantics are not known. Asked before the waits'
          // other sides are looked for (a channel field's makes and users in every file of the
          // package), which it settles for every wait of the region.
          if (declaredKind(ctx.pkg, facts, a.operand) === 'other') continue;
          for (const n of heldRegion(ctx.pkg, facts, a)) {
            for (const w of waitsIn(n, a.fn)) {
              if (reported.has(w.node.id)) continue;
              const stuck = w.kind === 'wait' ? localWaitGroup(facts, w, a) || fieldWait(ctx.pkg, facts, w, a) : localChannel(ctx.pkg, facts, w, a) || fieldWait(ctx.pkg, facts, w, a);
              if (!stuck) continue;
              reported.add(w.node.id);
              ctx.report({
                node: w.node.type === 'range_clause' ? w.object : w.node,
                messageId: w.kind === 'wait' && isCondField(ctx.pkg, facts, w.object) ? 'condWait' : w.kind,
                data: { object: w.object.text, mutex: a.text, line: a.call.startPosition.row + 1 },
                related: [{ node: a.call, message: `${a.text} is locked here` }],
              });
            }
          }
        }
      },
    };
  },
});

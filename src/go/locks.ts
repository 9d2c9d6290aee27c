// Mutexes, from syntax: the Lock/RLock/Unlock/RUnlock calls of a file, which mutex each one
// names, which function's flow it belongs to, what a node of that flow does to a mutex
// (releases it, takes it, hands it over, directly or through a same-package callee), and
// the mutex's type when the code writes it down. Plus a summary kind: what a function does
// to the mutexes its caller can name (its receiver's, its parameters', the package's), in
// order, so that a caller knows whether calling it takes a lock it already holds.
//
//	func (s *Store) Put(k string, v V) {      ops: s.mu Lock, s.mu Unlock (deferred)
//		s.mu.Lock()                            held from here…
//		defer s.mu.Unlock()
//		s.evictLocked()                         (a callee: its first op on recv.mu is none)
//		s.flush()                               …to every exit; flush's first op on recv.mu is
//	}                                           an acquire: a double lock through a callee
//
// Mutex identity is the operand's text with the scope its root name is declared in
// (`f123:s.mu`, `pkg:mu`): the same text in the same function names the same mutex unless
// the root is bound again (a range variable) or the text goes through an index or a call
// (`locks[i]`), which the rules treat with care.
import type { Node, Point } from 'web-tree-sitter';
import { baseTypeName, type PackageView, type SummaryKind, type FunctionSyntax } from './package.js';
import { type DeclKey, nameOfKey, wordAt } from './pkgindex.js';
import { enclosingFunction, type FileFacts, memoPer, sameScope, unparen, unparenUp, within } from './facts.js';
import { definitions } from './decls.js';
import { coreSummary, HOW, mapTarget, type Site, targetIn, targetScope, type TargetScope } from './summary.js';
import { callOfName, wordNodes } from './words.js';
import { neverReturns, type Visit, walkFrom } from './flow.js';

export type LockVerb = 'Lock' | 'RLock' | 'Unlock' | 'RUnlock';
const VERBS: LockVerb[] = ['Lock', 'RLock', 'Unlock', 'RUnlock'];

export function isAcquire(v: LockVerb): boolean {
  return v === 'Lock' || v === 'RLock';
}

/** The release that matches an acquire (`Lock` → `Unlock`). */
export function releaseOf(v: LockVerb): LockVerb {
  return v === 'RLock' ? 'RUnlock' : 'Unlock';
}

export interface MutexRef {
  /** Scope of the root name and the operand's text: `f123:s.mu`, `pkg:mu`. */
  key: string;
  /** The root identifier (`s` of `s.mu`). */
  root: Node;
  /** The text goes through an index or a call: equal text may name another mutex. */
  indexed: boolean;
  /** The operand's text, whitespace removed (`s.mu`). */
  text: string;
}

export interface LockOp extends MutexRef {
  /** The call `X.Lock()`. */
  call: Node;
  verb: LockVerb;
  operand: Node;
  /**
   * The function whose flow the call is part of: its innermost function declaration or
   * literal, where literals called in place (`func(){…}()`) and deferred ones count as part
   * of their parent's flow.
   */
  fn: Node;
  /** Runs when `fn` returns: `defer mu.Unlock()`, or inside `defer func(){…}()`. */
  deferred: boolean;
}

/** How a function literal runs relative to the code around it. */
export function literalRun(lit: Node): 'inline' | 'defer' | 'go' | 'other' {
  const up = unparenUp(lit);
  const call = up.parent;
  if (call?.type !== 'call_expression' || call.childForFieldName('function')?.id !== up.id) return 'other';
  const stmt = unparenUp(call).parent;
  return stmt?.type === 'go_statement' ? 'go' : stmt?.type === 'defer_statement' ? 'defer' : 'inline';
}

/** The function whose flow `n` is part of (in-place and deferred literals are transparent), and whether `n` runs deferred. */
export function flowFunction(n: Node): { fn: Node; deferred: boolean } | undefined {
  let deferred = unparenUp(n).parent?.type === 'defer_statement';
  for (let f = enclosingFunction(n); f; f = enclosingFunction(f)) {
    if (f.type !== 'func_literal') return { fn: f, deferred };
    const run = literalRun(f);
    if (run === 'defer') deferred = true;
    else if (run !== 'inline') return { fn: f, deferred };
  }
  return undefined;
}

/** The mutex an operand names (`s.mu`, `mu`, `s` with an embedded mutex, `locks[i]`). */
export function mutexRef(facts: FileFacts, operand: Node): MutexRef | undefined {
  let cur: Node | null = unparen(operand);
  let indexed = false;
  while (cur && cur.type !== 'identifier') {
    if (cur.type === 'selector_expression') cur = cur.childForFieldName('operand');
    else if (cur.type === 'index_expression' || cur.type === 'call_expression') {
      indexed = true;
      cur = cur.childForFieldName(cur.type === 'call_expression' ? 'function' : 'operand');
    } else if (cur.type === 'unary_expression' && (cur.child(0)?.type === '*' || cur.child(0)?.type === '&')) cur = cur.childForFieldName('operand');
    else if (cur.type === 'parenthesized_expression' && cur.namedChildCount === 1) cur = cur.namedChild(0);
    else return undefined;
  }
  if (!cur) return undefined;
  const where = facts.resolveName(cur.text, cur);
  let scope: string;
  if (typeof where === 'object') scope = `f${where.id}`;
  else if (facts.imports().byAlias.has(cur.text)) scope = 'imp';
  else scope = 'pkg';
  const text = unparen(operand).text.replace(/\s+/g, '');
  return { key: `${scope}:${text}`, root: cur, indexed, text };
}

/** The lock operation a call is (`X.Lock()` with no arguments on a value, not a package), or undefined. */
export function lockCallOf(facts: FileFacts, call: Node): LockOp | undefined {
  if (call.type !== 'call_expression') return undefined;
  const f = call.childForFieldName('function');
  if (f?.type !== 'selector_expression') return undefined;
  const verb = f.childForFieldName('field')?.text as LockVerb | undefined;
  if (!verb || !VERBS.includes(verb)) return undefined;
  const args = call.childForFieldName('arguments');
  if (args && args.namedChildren.some((a) => a !== null && a.type !== 'comment')) return undefined;
  const operand = f.childForFieldName('operand');
  if (!operand || facts.qualified(f)) return undefined;
  const ref = mutexRef(facts, operand);
  const where = ref && flowFunction(call);
  if (!ref || !where) return undefined;
  return { ...ref, call, verb, operand, fn: where.fn, deferred: where.deferred };
}

/** Every lock operation of a file, found from the verbs in its text, memoized. */
export class LockFacts {
  private allMemo?: LockOp[];
  private readonly byDecl = new Map<number, LockOp[]>();
  private readonly byFn = new Map<number, LockOp[]>();
  private readonly byCall = new Map<number, LockOp | null>();
  private grouped?: Map<number, LockOp[]>;

  constructor(readonly facts: FileFacts) {}

  all(): LockOp[] {
    this.allMemo ??= this.scan(0, this.facts.text.length);
    return this.allMemo;
  }

  /**
   * The operations of the top-level declaration around `n` (which holds every flow `n` can be
   * part of), in text order: the file's list when it is made, else a search of that
   * declaration alone (no other declaration of the file is parsed for it).
   */
  inDeclarationOf(n: Node): LockOp[] {
    if (this.allMemo) return this.allMemo;
    const top = this.facts.topLevelDeclaration(n);
    if (!top) return this.within(n);
    let list = this.byDecl.get(top.id);
    if (!list) this.byDecl.set(top.id, (list = this.scan(top.startIndex, top.endIndex)));
    return list;
  }

  private scan(from: number, to: number): LockOp[] {
    const out: LockOp[] = [];
    for (const w of wordNodes(this.facts.root, this.facts.text, VERBS, from, to)) {
      if (w.type !== 'field_identifier') continue;
      const call = callOfName(w);
      if (!call) continue;
      const op = this.at(call);
      if (op) out.push(op);
    }
    return out;
  }

  /** The operations inside node `n` (by offsets), in text order; only `n`'s text is searched when the file's list is not made yet. */
  within(n: Node): LockOp[] {
    return this.allMemo ? this.allMemo.filter((o) => n.startIndex <= o.call.startIndex && o.call.endIndex <= n.endIndex) : this.scan(n.startIndex, n.endIndex);
  }

  /** The lock operation a call is (lockCallOf), one object per call whichever search finds it first (rules compare them). */
  at(call: Node): LockOp | undefined {
    let op = this.byCall.get(call.id);
    if (op === undefined) this.byCall.set(call.id, (op = lockCallOf(this.facts, call) ?? null));
    return op ?? undefined;
  }

  /** The operations that are part of `fn`'s flow, in text order. */
  of(fn: Node): LockOp[] {
    let list = this.byFn.get(fn.id);
    // Only fn's text is searched when the file's list is not made yet: a sibling
    // declaration's facts (a summary's local step) cover the whole text of its file.
    if (!list) {
      if (this.allMemo) {
        // The file's list split by function once (a file of hundreds of lock calls asks for each of its functions).
        if (!this.grouped) {
          this.grouped = new Map();
          for (const o of this.allMemo) {
            const l = this.grouped.get(o.fn.id);
            if (l) l.push(o);
            else this.grouped.set(o.fn.id, [o]);
          }
        }
        list = this.grouped.get(fn.id) ?? [];
      } else list = this.scan(fn.startIndex, fn.endIndex).filter((o) => o.fn.id === fn.id);
      this.byFn.set(fn.id, list);
    }
    return list;
  }

  /** The operations inside node `n` (by offsets) that belong to `fn`'s flow. */
  inside(n: Node, fn: Node): LockOp[] {
    // Asked of every node a held region's walk visits: the list is in text order, so the
    // search ends at the first operation past the node.
    const from = n.startIndex;
    const to = n.endIndex;
    const out: LockOp[] = [];
    for (const o of this.of(fn)) {
      const at = o.call.startIndex;
      if (at >= to) break;
      if (from <= at && o.call.endIndex <= to) out.push(o);
    }
    return out;
  }
}

const lockMemo = new WeakMap<FileFacts, LockFacts>();

export function lockFacts(facts: FileFacts): LockFacts {
  let l = lockMemo.get(facts);
  if (!l) lockMemo.set(facts, (l = new LockFacts(facts)));
  return l;
}

/** The calls inside node `n` that belong to `fn`'s flow (not those of goroutines or stored closures it makes). */
export function callsInFlow(n: Node, fn: Node): readonly Node[] {
  // Memoized per tree: the lock rules ask it of the same flow nodes again and again (each
  // held region, each callee-effects question, the summary's local step).
  return flowCalls(n.tree, `${n.id}:${fn.id}`, () => flowCallsOf(n, fn));
}

/** A literal that runs apart from the code around it (a goroutine, a stored or passed closure): its calls are its own flow's. */
const runsApart = (lit: Node) => {
  const run = literalRun(lit);
  return run !== 'inline' && run !== 'defer';
};

function flowCallsOf(n: Node, fn: Node, span?: Span): Node[] {
  // A call is part of fn's flow when every literal between it and fn runs in place or
  // deferred (flowFunction), and fn itself is not such a literal (its calls are its parent's).
  if (fn.type === 'func_literal' && !runsApart(fn)) return [];
  // fn inside n: the calls of fn's own flow.
  if (n.id !== fn.id && n.startIndex <= fn.startIndex && fn.endIndex <= n.endIndex) return flowCallsOf(fn, fn, span);
  for (let p: Node | null = n; p?.id !== fn.id; p = p.parent) {
    if (!p || (p.type === 'func_literal' && runsApart(p))) return [];
  }
  // A call node comes first and then again among its descendants (the answers so far).
  const calls: Node[] = n.type === 'call_expression' ? [n] : [];
  const apart: Node[] = [];
  // With a span, the nodes that overlap it (the calls starting in it, and the literals around them).
  for (const c of span ? n.descendantsOfType(['call_expression', 'func_literal'], span.fromAt, span.toAt) : n.descendantsOfType(['call_expression', 'func_literal'])) {
    if (!c) continue;
    if (c.type === 'call_expression') calls.push(c);
    else if (c.id !== n.id && runsApart(c)) apart.push(c);
  }
  return apart.length ? calls.filter((c) => !apart.some((l) => l.startIndex <= c.startIndex && c.endIndex <= l.endIndex)) : calls;
}

const flowCalls = memoPer<object, Node[]>();

// ---------------------------------------------------------------------------------------
// The lock summary: per function, the first thing it does to each mutex a caller can name.

export type FirstOp = 'acquire' | 'racquire' | 'release';

/** How many calls deep the rules follow locking callees (the callee and the ones it calls): what mayLock finds by name. */
export const LOCK_DEPTH = 1;

export interface LockEffect {
  /** A summary target: `recv.mu`, `recv` (an embedded mutex), `$0`, `var:mu`. */
  target: string;
  op: FirstOp;
  /** Only on some paths (in an if, a case, a loop), or through a callee that does it so. */
  cond: boolean;
  at: Site;
}

export interface LockSummary {
  /** Per target, the first operation on it when the function runs (deferred ones aside). */
  first: LockEffect[];
  /** Targets it releases anywhere (deferred too), itself or through callees. */
  releases: string[];
}

type LockEvent =
  | { pos: number; kind: 'op'; target: string; verb: LockVerb; deferred: boolean; cond: boolean; at: Site }
  | { pos: number; kind: 'call'; callee: DeclKey; recv?: string; args: [number, string][]; deferred: boolean; cond: boolean; at: Site };

const BRANCHES = new Set(['expression_case', 'type_case', 'communication_case', 'default_case', 'for_statement']);

/** `n` runs only on some paths of `fn`: in an if's branch, a case, or a loop body. */
export function conditional(n: Node, fn: Node): boolean {
  let cur = n;
  for (let p = n.parent; p && p.id !== fn.id; cur = p, p = p.parent) {
    if (BRANCHES.has(p.type)) return true;
    if (p.type === 'if_statement' && (p.childForFieldName('consequence')?.id === cur.id || p.childForFieldName('alternative')?.id === cur.id)) return true;
  }
  return false;
}

function siteOf(file: string, n: Node): Site {
  return { file: file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1), line: n.startPosition.row + 1, column: n.startPosition.column + 1 };
}

/** The function's own lock operations on what its caller can name. */
function lockOps(fx: FunctionSyntax, sc: TargetScope): LockEvent[] {
  const fn = fx.decl.node;
  const events: LockEvent[] = [];
  for (const op of lockFacts(fx.decl.facts).of(fn)) {
    const target = targetIn(op.operand, sc);
    if (target) events.push({ pos: op.call.startIndex, kind: 'op', target, verb: op.verb, deferred: op.deferred, cond: conditional(op.call, fn), at: siteOf(fx.decl.file, op.call) });
  }
  return events;
}

/** At depth 0 the calls are not followed: the operations alone (in text order, as lockLocal's). */
function lockLeaf(fx: FunctionSyntax): LockEvent[] {
  return lockOps(fx, targetScope(fx.decl.node, fx.decl.facts, fx.view)).sort((a, b) => a.pos - b.pos);
}

function lockLocal(fx: FunctionSyntax): LockEvent[] {
  const fn = fx.decl.node;
  const facts = fx.decl.facts;
  const sc = targetScope(fn, facts, fx.view);
  const events = lockOps(fx, sc);
  const body = fn.childForFieldName('body');
  if (body && /\w\s*\(/.test(body.text)) {
    for (const call of callsInFlow(body, fn)) {
      // The name first: most calls are of functions that cannot lock (a set lookup). A
      // summary at LOCK_DEPTH (1) sees its callees at depth 0, their own operations alone:
      // only callees that lock or unlock themselves can add anything.
      const name = calleeName(call);
      if (!name || !directLockers(fx.view).has(name)) continue;
      if (isLockCall(facts, call, name)) continue;
      if (unparenUp(call).parent?.type === 'go_statement') continue;
      const f = call.childForFieldName('function');
      const operand = f?.type === 'selector_expression' ? f.childForFieldName('operand') : null;
      const recv = operand ? targetIn(operand, sc) : undefined;
      const args: [number, string][] = [];
      (call.childForFieldName('arguments')?.namedChildren ?? [])
        .filter((a): a is Node => a !== null && a.type !== 'comment')
        .forEach((a, i) => {
          const e = unparen(a);
          const inner = e.type === 'unary_expression' && e.child(0)?.type === '&' ? e.childForFieldName('operand') : e;
          const t = inner && targetIn(inner, sc);
          if (t) args.push([i, t]);
        });
      // Summarized at depth 0: only a callee that names a lock verb adds anything.
      const callee = fx.calleeKey(call);
      if (!callee || !keyMayLock(fx.view, callee, 0)) continue;
      const where = flowFunction(call);
      events.push({
        pos: call.startIndex,
        kind: 'call',
        callee,
        ...(recv ? { recv } : {}),
        args,
        deferred: where?.deferred ?? false,
        cond: conditional(call, fn),
        at: siteOf(fx.decl.file, call),
      });
    }
  }
  return events.sort((a, b) => a.pos - b.pos);
}


/** Keys of the package's functions and methods whose own text locks or unlocks something. */
function lockerKeys(view: PackageView): Set<string> {
  return setOf(
    view.cached('locker-keys', () => {
      // The four lookups in two searches of each text (Lock with RLock, Unlock with RUnlock).
      view.mentionsAhead(VERBS);
      return [...new Set(VERBS.flatMap((v) => view.keys(`mentions:${v}`)))];
    }),
  );
}

/** Names of the package's functions and methods whose own text locks or unlocks something. */
function directLockers(view: PackageView): Set<string> {
  return setOf(view.cached('lockers', () => [...lockerKeys(view)].map(nameOfKey)));
}

/** The names of a cached list as a set, built once per list (asked for at every call of a function). */
function setOf(names: string[]): Set<string> {
  let s = nameSets.get(names);
  if (!s) nameSets.set(names, (s = new Set(names)));
  return s;
}

const nameSets = new WeakMap<string[], Set<string>>();

/**
 * Whether a call of `name` can do anything to a lock within LOCK_DEPTH calls: a function or
 * method of that name locks or unlocks itself, or calls one that does by name. Decided from
 * the texts of the declarations of that name (no parse), once per name and package, so
 * that no other callee is resolved or summarized.
 */
export function mayLock(view: PackageView, name: string): boolean {
  return view.cached(`may-lock:${name}`, () => {
    const direct = directLockers(view);
    return direct.has(name) || (direct.size > 0 && (view.mentionsAny(`func:${name}`, direct) || view.mentionsAny(`methods:${name}`, direct)));
  });
}

const VERB_SET: ReadonlySet<string> = new Set(VERBS);

/**
 * Whether the lock summary of `key` at `depth` (0, or LOCK_DEPTH) can say anything: the text
 * of a declaration of it names a lock verb or (deeper than 0) a function that locks itself.
 * A text search of the declaration instead of its parse and summary: most callees a name
 * leads to do not lock (a `Close` of another type than the one that does).
 */
function keyMayLock(view: PackageView, key: DeclKey, depth: number): boolean {
  return view.cached(`may-lock-key:${depth}:${key}`, () => view.mentionsAny(key, depth === 0 ? VERB_SET : setOf(view.cached('lock-words', () => [...VERBS, ...directLockers(view)]))));
}

/** The lock summary of a function or method of the package, at the depth the rules use; undefined when it cannot say anything. */
export function lockSummaryOf(view: PackageView, key: DeclKey): LockSummary | undefined {
  return keyMayLock(view, key, LOCK_DEPTH) ? view.summaryOf(lockSummary, key, LOCK_DEPTH) : undefined;
}

/** `call`, which calls `name` (calleeName), is a lock operation: only a call of a lock verb can be (lockCallOf), asked without a look at the call. */
function isLockCall(facts: FileFacts, call: Node, name: string): boolean {
  return VERB_SET.has(name) && !!lockFacts(facts).at(call);
}

/** The name a call calls: `f` of `f(…)`, `M` of `x.M(…)`. */
function calleeName(call: Node): string | undefined {
  const f = call.childForFieldName('function');
  return f?.type === 'selector_expression' ? f.childForFieldName('field')?.text : f?.type === 'identifier' ? f.text : undefined;
}

function lockCombine(events: LockEvent[], callee: (key: DeclKey) => LockSummary | undefined): LockSummary {
  const first = new Map<string, LockEffect>();
  const releases = new Set<string>();
  for (const e of events) {
    if (e.kind === 'op') {
      if (!isAcquire(e.verb)) releases.add(e.target);
      // A deferred acquire runs at the end (`defer mu.Lock()` re-takes the caller's lock).
      if (e.deferred && isAcquire(e.verb)) continue;
      if (!first.has(e.target)) first.set(e.target, { target: e.target, op: e.verb === 'Lock' ? 'acquire' : e.verb === 'RLock' ? 'racquire' : 'release', cond: e.cond, at: e.at });
      continue;
    }
    const s = callee(e.callee);
    if (!s) continue;
    const pass = { ...(e.recv ? { recv: e.recv } : {}), args: e.args };
    for (const r of s.releases) {
      const t = mapTarget(r, pass);
      if (t) releases.add(t);
    }
    if (e.deferred) continue;
    for (const f of s.first) {
      const t = mapTarget(f.target, pass);
      if (t && !first.has(t)) first.set(t, { target: t, op: f.op, cond: f.cond || e.cond, at: f.at });
    }
  }
  return {
    first: [...first.values()].sort((a, b) => (a.target < b.target ? -1 : a.target > b.target ? 1 : 0)),
    releases: [...releases].sort(),
  };
}

function lockJoin(a: LockSummary, b: LockSummary): LockSummary {
  const first = new Map(a.first.map((f) => [f.target, f]));
  for (const f of b.first) {
    const known = first.get(f.target);
    // Build-tag variants that disagree: only some of them do it.
    if (!known) first.set(f.target, { ...f, cond: true });
    else if (known.op !== f.op) first.set(f.target, { ...known, cond: true });
  }
  return { first: [...first.values()].sort((x, y) => (x.target < y.target ? -1 : x.target > y.target ? 1 : 0)), releases: [...new Set([...a.releases, ...b.releases])].sort() };
}

/**
 * What a function does first to each mutex its caller can name, and which it releases. Made
 * for LOCK_DEPTH: the local step keeps only the calls a summary at that depth can use.
 */
export const lockSummary: SummaryKind<LockEvent[], LockSummary> = { id: 'locks', local: lockLocal, leaf: lockLeaf, combine: lockCombine, join: lockJoin };

/**
 * The caller's mutex a callee's summary target stands for at a call: `recv.mu` at
 * `s.flush()` is `s.mu`; `$0` at `unlockIt(&s.mu)` is `s.mu`; `var:mu` is the package's mu.
 */
export function callerMutex(facts: FileFacts, call: Node, target: string): MutexRef | undefined {
  const parts = target.split('.');
  const root = parts[0]!;
  const rest = parts.slice(1);
  let base: Node | null | undefined;
  if (root === 'recv') {
    const f = call.childForFieldName('function');
    base = f?.type === 'selector_expression' ? f.childForFieldName('operand') : null;
  } else if (root.startsWith('$')) {
    const args = (call.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => a !== null && a.type !== 'comment');
    base = args[Number(root.slice(1))];
    const e = base && unparen(base);
    if (e?.type === 'unary_expression' && e.child(0)?.type === '&') base = e.childForFieldName('operand');
  } else if (root.startsWith('var:')) {
    const text = [root.slice(4), ...rest].join('.');
    return { key: `pkg:${text}`, root: call, indexed: false, text };
  }
  if (!base) return undefined;
  const ref = mutexRef(facts, base);
  if (!ref) return undefined;
  const text = [ref.text, ...rest].join('.');
  return { ...ref, key: `${ref.key.slice(0, ref.key.indexOf(':'))}:${text}`, text };
}

/** What the same-package calls inside a flow node do to mutex `m`, from their summaries. */
export function calleeEffects(view: PackageView, facts: FileFacts, n: Node, fn: Node, m: MutexRef): readonly CalleeEffect[] {
  // Memoized per file and question: a held region's walk and the rule that looks into it ask
  // the same of each node.
  return effectsMemo(facts, `${n.id}:${fn.id}:${m.key}`, () => calleeEffectsOf(view, facts, n, fn, m));
}

type CalleeEffect = { call: Node; first?: LockEffect; releases: boolean };

const effectsMemo = memoPer<FileFacts, CalleeEffect[]>();

function calleeEffectsOf(view: PackageView, facts: FileFacts, n: Node, fn: Node, m: MutexRef): CalleeEffect[] {
  const out: CalleeEffect[] = [];
  const text = n.text;
  if (!/\w\s*\(/.test(text)) return out;
  // A call reaches a mutex of a function's scope through a receiver or argument that writes its
  // root name (mayReach): a node without that word has none.
  if (!m.key.startsWith('pkg:') && m.text.includes(m.root.text) && wordAt(text, m.root.text) < 0) return out;
  for (const call of callsInFlow(n, fn)) {
    const e = calleeEffectAt(view, facts, call, m);
    if (e) out.push(e);
  }
  return out;
}

/** What the same-package call `call` does to mutex `m` (its first operation on it, whether it releases it), from its callee's summary; null when nothing. */
function calleeEffectAt(view: PackageView, facts: FileFacts, call: Node, m: MutexRef): CalleeEffect | null {
  // Memoized per file, call and mutex: the nodes of several regions, and the test of a whole function (mayAcquireAgain), hold the same calls.
  return effectAtMemo(facts, `${call.id}:${m.key}`, () => calleeEffectOf(view, facts, call, m));
}

const effectAtMemo = memoPer<FileFacts, CalleeEffect | null>();

/**
 * The lock summary of the same-package function `call` calls, when that call can reach the
 * mutex `m` and is not itself a lock operation or a goroutine's start; `alsoIf` is a last test
 * of the callee's name before its summary is made. The package is opened (mayLock) only for
 * calls that pass the tests of the file alone.
 */
function reachingSummary(view: PackageView, facts: FileFacts, call: Node, m: { key: string; text: string }, alsoIf?: (name: string) => boolean): LockSummary | undefined {
  const name = calleeName(call);
  if (!name || !mayReach(call, m) || isLockCall(facts, call, name) || unparenUp(call).parent?.type === 'go_statement' || otherPackage(facts, call) || !mayLock(view, name)) return undefined;
  if (alsoIf && !alsoIf(name)) return undefined;
  const key = view.calleeKey(call, facts);
  return key ? lockSummaryOf(view, key) : undefined;
}

function calleeEffectOf(view: PackageView, facts: FileFacts, call: Node, m: MutexRef): CalleeEffect | null {
  const s = reachingSummary(view, facts, call, m, (name) => mayName(view, call, name, m));
  if (!s) return null;
  // Deferred calls run at the return, after the deferred unlocks registered later.
  const deferred = flowFunction(call)?.deferred ?? false;
  let first: LockEffect | undefined;
  let releases = false;
  for (const f of s.first) if (!first && !deferred && callerMutex(facts, call, f.target)?.key === m.key) first = f;
  for (const r of s.releases) if (!releases && callerMutex(facts, call, r)?.key === m.key) releases = true;
  return first || releases ? { call, ...(first ? { first } : {}), releases } : null;
}

/**
 * Whether the code that runs while `a`'s lock is held can take it again: another acquire of
 * the mutex there, or a same-package call there whose first step on every path is to take it.
 * A test of the text the held region can reach (heldWindow), without walking it: most
 * acquires have neither.
 */
export function mayAcquireAgain(view: PackageView, facts: FileFacts, a: LockOp): boolean {
  const fn = a.fn;
  const ops = lockFacts(facts).of(fn);
  const w = heldWindow(fn, a, ops);
  const inWindow = (n: Node) => w.from <= n.startIndex && n.startIndex < w.to;
  if (ops.some((o) => o.key === a.key && isAcquire(o.verb) && !o.deferred && inWindow(o.call))) return true;
  const body = fn.childForFieldName('body');
  // The window's calls alone are read from the tree (a function's text after its last unlock is often most of it).
  return (
    !!body &&
    flowCallsOf(body, fn, w).some((c) => {
      if (!inWindow(c)) return false;
      const first = calleeEffectAt(view, facts, c, a)?.first;
      return !!first && first.op !== 'release' && !first.cond;
    })
  );
}

/** The text the held region of `a` lies in (heldWindow): the region's nodes are inside it. */
export function heldText(facts: FileFacts, a: LockOp): string {
  const w = heldWindow(a.fn, a, lockFacts(facts).of(a.fn));
  return a.fn.text.slice(w.from - a.fn.startIndex, w.to - a.fn.startIndex);
}

const BREAKABLE = new Set(['expression_switch_statement', 'type_switch_statement', 'select_statement']);

/** A span of a file: offsets, and the rows and columns they are at. */
interface Span {
  from: number;
  to: number;
  fromAt: Point;
  toAt: Point;
}

/**
 * Where the held region of `a` lies: from `a` on, up to the first `mu.Unlock()` statement
 * after it in the same statement list, which every path that stays in the function passes (no
 * goto, and no break that can leave a switch or select around both; in a loop, no break or
 * continue at all between them), or to the function's end. Control comes back before `a`
 * only through a goto, or a loop around it that the region does not end in: then the whole
 * function.
 */
function heldWindow(fn: Node, a: LockOp, ops: LockOp[]): Span {
  const whole: Span = { from: fn.startIndex, to: fn.endIndex, fromAt: fn.startPosition, toAt: fn.endPosition };
  if (wordAt(fn.text, 'goto') >= 0) return whole;
  let breakable = false;
  let looped = false;
  for (let p = a.call.parent; p && p.id !== fn.id; p = p.parent) {
    if (p.type === 'for_statement') looped = true;
    if (BREAKABLE.has(p.type)) breakable = true;
  }
  const rel = releaseInList(fn, a, ops);
  const from = { from: a.call.endIndex, fromAt: a.call.endPosition };
  const between = rel ? textBetween(fn, a, rel) : '';
  // In a loop, only a break or continue between the two can leave the list without the
  // unlock and come back to the acquire (or run on after the loop) with the lock held.
  if (looped) return rel && wordAt(between, 'break') < 0 && wordAt(between, 'continue') < 0 ? { ...from, to: rel.call.startIndex, toAt: rel.call.startPosition } : whole;
  if (rel && !(breakable && wordAt(between, 'break') >= 0)) return { ...from, to: rel.call.startIndex, toAt: rel.call.startPosition };
  return { ...from, to: fn.endIndex, toAt: fn.endPosition };
}

/** The first release of `a`'s mutex after it in the same statement list, a statement of its own (`mu.Unlock()`). */
function releaseInList(fn: Node, a: LockOp, ops: LockOp[]): LockOp | undefined {
  const stmt = statementOf(a.call, fn);
  return stmt && ops.find((o) => o.key === a.key && !isAcquire(o.verb) && !o.deferred && o.call.startIndex > a.call.endIndex && statementOf(o.call, fn)?.parent?.id === stmt.parent?.id && statementOf(o.call, fn)?.type === 'expression_statement');
}

/** The text of `fn` between the end of one call and the start of a later one. */
function textBetween(fn: Node, a: LockOp, b: LockOp): string {
  return fn.text.slice(a.call.endIndex - fn.startIndex, b.call.startIndex - fn.startIndex);
}

/**
 * Every path from `a` reaches the release of the right kind later in the same statement list
 * (`mu.Lock()` … `mu.Unlock()`), and nothing between them can leave the list (no return,
 * break, continue or goto) or release the mutex otherwise: no exit is reached with the lock
 * held and no release of the wrong kind ends the region, which the held region's walk
 * (walkHeld) would find out at the cost of the function's flow graph.
 */
export function releasedInList(facts: FileFacts, a: LockOp): boolean {
  const fn = a.fn;
  const ops = lockFacts(facts).of(fn);
  const rel = releaseInList(fn, a, ops);
  if (!rel || rel.verb !== releaseOf(a.verb) || wordAt(fn.text, 'goto') >= 0) return false;
  if (ops.some((o) => o.key === a.key && o.call.startIndex > a.call.endIndex && o.call.startIndex < rel.call.startIndex)) return false;
  const between = textBetween(fn, a, rel);
  return wordAt(between, 'return') < 0 && wordAt(between, 'break') < 0 && wordAt(between, 'continue') < 0;
}

const FIELD_PATH = /^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*$/;

/**
 * Whether a callee called `name` can name the caller's mutex `m` in its lock summary. A summary
 * target reaches the caller's `s.mu` as `recv.mu` (or `$0.mu`, `var:mu`): its last field is a
 * word of the function that locks or unlocks, the callee or a function of the package that
 * locks itself and that the callee calls by name. Unless the call hands over the mutex itself
 * (`lockIt(&s.mu)`: `$0`), a callee whose text has neither that word nor the name of such a
 * function cannot say anything about `m`: a text search instead of a parse and a summary.
 */
function mayName(view: PackageView, call: Node, name: string, m: MutexRef): boolean {
  if (!FIELD_PATH.test(m.text)) return true;
  const f = call.childForFieldName('function');
  const passed = [f?.type === 'selector_expression' ? f.childForFieldName('operand') : null, ...(call.childForFieldName('arguments')?.namedChildren ?? [])];
  if (passed.some((e) => e && e.type !== 'comment' && e.text.replace(/\s+/g, '').includes(m.text))) return true;
  const word = m.text.slice(m.text.lastIndexOf('.') + 1);
  return view.cached(`may-name:${name}:${word}`, () => {
    const words = setOf(view.cached(`lockers-naming:${word}`, () => [word, ...new Set(view.keys(`mentions:${word}`).filter((k) => lockerKeys(view).has(k)).map(nameOfKey))]));
    return view.mentionsAny(`func:${name}`, words) || view.mentionsAny(`methods:${name}`, words);
  });
}

/** `pkg.F(…)` through an import: no function of the package (calleeKey says so too, after opening the package). */
function otherPackage(facts: FileFacts, call: Node): boolean {
  return !!facts.qualified(call.childForFieldName('function'));
}

/**
 * A callee at `call` can name the caller's value `m` (a mutex, a WaitGroup): `m` is a package
 * variable, or the call's receiver or an argument is `m` or holds it (`s` for `s.mu`). A cheap
 * text test that saves resolving the callee and its summary for every other call.
 */
export function mayReach(call: Node, m: { key: string; text: string }): boolean {
  if (m.key.startsWith('pkg:')) return true;
  const covers = (e: Node | null | undefined) => !!e && coversText(e.text, m.text);
  const f = call.childForFieldName('function');
  if (f?.type === 'selector_expression' && covers(f.childForFieldName('operand'))) return true;
  return (call.childForFieldName('arguments')?.namedChildren ?? []).some((a) => a !== null && a.type !== 'comment' && covers(a));
}

/**
 * `text` with its white space and a leading `&` left out is `target` or a selector prefix of
 * it (`s` or `s.mu` for `s.mu`): compared a character at a time, so that a long argument (a
 * function literal) is not copied to find that its first characters differ.
 */
export function coversText(text: string, target: string): boolean {
  let i = 0;
  let j = 0;
  const n = text.length;
  const skip = () => {
    while (i < n && /\s/.test(text[i]!)) i++;
  };
  skip();
  if (text[i] === '&') {
    i++;
    skip();
  }
  if (i >= n) return false;
  for (; i < n; skip()) {
    if (j >= target.length || text[i] !== target[j]) return false;
    i++;
    j++;
  }
  return j === target.length || target[j] === '.';
}

// ---------------------------------------------------------------------------------------
// Types: what the code writes down about a mutex.

export type MutexType = 'Mutex' | 'RWMutex';

/** `sync.Mutex`, `*sync.RWMutex` (as the file imports sync) → the kind; anything else undefined. */
function syncMutexType(facts: FileFacts, t: Node | null | undefined): MutexType | undefined {
  let cur = t ?? null;
  while (cur && (cur.type === 'pointer_type' || cur.type === 'parenthesized_type')) cur = cur.namedChild(0);
  if (cur?.type !== 'qualified_type') return undefined;
  const pkg = cur.childForFieldName('package')?.text;
  const name = cur.childForFieldName('name')?.text;
  if (!pkg || (name !== 'Mutex' && name !== 'RWMutex')) return undefined;
  return facts.imports().byAlias.get(pkg) === 'sync' ? name : undefined;
}

/** `&sync.Mutex{}`, `sync.RWMutex{}`, `new(sync.Mutex)` → the kind. */
function valueMutexType(facts: FileFacts, v: Node | null | undefined): MutexType | undefined {
  let e = v ? unparen(v) : null;
  if (e?.type === 'unary_expression' && e.child(0)?.type === '&') e = e.childForFieldName('operand');
  if (e?.type === 'composite_literal') return syncMutexType(facts, e.childForFieldName('type'));
  if (e?.type === 'call_expression' && e.childForFieldName('function')?.text === 'new') return syncMutexType(facts, e.childForFieldName('arguments')?.namedChild(0));
  return undefined;
}

/**
 * The sync type of the mutex an operand names, when the code writes it down: a local or
 * parameter declared with it, a package variable, a field of a package struct type (or a
 * struct type that embeds it, for `s.Lock()`). Undefined when syntax does not tell.
 */
export function mutexType(view: PackageView, facts: FileFacts, operand: Node): MutexType | undefined {
  const e = unparen(operand);
  if (e.type === 'identifier') {
    const where = facts.resolveName(e.text, e);
    if (typeof where === 'object') {
      for (const d of definitions(facts, where, e.text)) {
        const t = syncMutexType(facts, d.type) ?? valueMutexType(facts, d.value);
        if (t) return t;
      }
    } else {
      const v = view.variable(e.text);
      const t = v && (syncMutexType(v.facts, v.node.childForFieldName('type')) ?? valueMutexType(v.facts, v.node.childForFieldName('value')?.namedChild(0)));
      if (t) return t;
    }
    return embeddedMutex(view, view.typeOf(e, facts));
  }
  if (e.type === 'selector_expression') {
    const owner = e.childForFieldName('operand');
    const field = e.childForFieldName('field')?.text;
    const type = owner && field ? view.typeOf(owner, facts) : undefined;
    if (!type || !field) return undefined;
    return fieldMutex(view, type, field)?.type;
  }
  return undefined;
}

/**
 * What the package's struct type `type` declares for its field `field`: a sync mutex (named,
 * embedded by its type's name, or a struct that embeds one), another written type, or no
 * such field. Plain data, once per package (every method that locks `s.mu` asks).
 */
function fieldMutex(view: PackageView, type: string, field: string): { type?: MutexType; written: boolean } | undefined {
  return view.cached(`mutex-field:${type}.${field}`, () => {
    const f = view.field(type, field);
    if (f) {
      const inner = baseTypeName(f.type);
      const t = syncMutexType(f.decl.facts, f.type) ?? embeddedIn(f.decl.facts, f.type) ?? embeddedMutex(view, inner && view.has(`type:${inner}`) ? inner : undefined);
      return { ...(t ? { type: t } : {}), written: true };
    }
    // `s.RWMutex.Lock()`: the embedded field named by its type.
    const decl = view.type(type);
    const st = decl?.node.childForFieldName('type');
    for (const fd of st?.type === 'struct_type' ? st.descendantsOfType('field_declaration') : []) {
      const t = fd?.childForFieldName('type');
      if (fd && !fd.childForFieldName('name') && t && t.text.endsWith(`.${field}`)) {
        const m = syncMutexType(decl!.facts, t);
        return { ...(m ? { type: m } : {}), written: true };
      }
    }
    return undefined;
  });
}

/** A struct type of the package that embeds sync.Mutex or sync.RWMutex. */
function embeddedMutex(view: PackageView, type: string | undefined): MutexType | undefined {
  const decl = type ? view.type(type) : undefined;
  return decl ? embeddedIn(decl.facts, decl.node.childForFieldName('type')) : undefined;
}

/** A struct type node (`struct{ sync.RWMutex; … }`) that embeds a sync mutex. */
function embeddedIn(facts: FileFacts, st: Node | null): MutexType | undefined {
  if (st?.type !== 'struct_type') return undefined;
  for (const fd of st.descendantsOfType('field_declaration')) {
    if (!fd || fd.parent?.parent?.id !== st.id || fd.childForFieldName('name')) continue;
    const t = syncMutexType(facts, fd.childForFieldName('type'));
    if (t) return t;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------
// Held regions: the code that runs while a lock taken at one call is held.

/** `n` gives the mutex's root name another value (`for _, s := range shards`, `s = next`): the same text names another mutex after it. */
function rebinds(n: Node, root: string): boolean {
  let names: (Node | null)[] = [];
  if (n.type === 'short_var_declaration' || n.type === 'assignment_statement' || n.type === 'range_clause') names = n.childForFieldName('left')?.namedChildren ?? [];
  else if (n.type === 'var_declaration') names = n.descendantsOfType('var_spec').flatMap((s) => s?.childrenForFieldName('name') ?? []);
  return names.some((x) => x?.type === 'identifier' && x.text === root);
}

/**
 * `x` (or `&x`) is passed to a call inside `n` that is not a lock operation on it: whoever gets
 * it may release it. Same-package callees are left to their summaries.
 */
function passedOn(view: PackageView | undefined, facts: FileFacts, n: Node, fn: Node, m: MutexRef): boolean {
  if (!n.text.includes(m.text)) return false;
  for (const call of callsInFlow(n, fn)) {
    const args = call.childForFieldName('arguments');
    if (!args?.text.replace(/\s+/g, '').includes(m.text)) continue;
    let passed = false;
    for (const a of args.namedChildren) {
      let e = a && unparen(a);
      if (e?.type === 'unary_expression' && e.child(0)?.type === '&') e = e.childForFieldName('operand');
      if (e && e.text.replace(/\s+/g, '') === m.text && mutexRef(facts, e)?.key === m.key) passed = true;
    }
    // Resolved only when it matters: resolving costs a look at the receiver's type.
    if (passed && !view?.calleeKey(call, facts)) return true;
  }
  return false;
}

export interface HeldOptions {
  /** A deferred release (`defer mu.Unlock()`) ends the held region (it runs at the exits the walk reaches anyway). */
  deferredReleases: boolean;
  /** A callee that releases the mutex on some path ends the region; else only one whose first operation is a release. */
  anyCalleeRelease: boolean;
  /** Told of the direct releases that end the region (to check that they match the acquire). */
  released?: (o: LockOp) => void;
  /**
   * Only what the file shows: no same-package callee is resolved (the package is not opened),
   * and a mutex passed to any call is taken as handed on. A first pass: a region that ends on
   * every path this way needs no second look.
   */
  local?: boolean;
}

/**
 * Walks the code that runs after lock operation `op` while its mutex is held: up to a
 * release of the same mutex (a direct one, one by a same-package callee, one handed to a
 * goroutine or to the caller), the root name bound again, the mutex passed to other code, or
 * a call of a function of the package that never returns (after `visit` sees it). At a hand-over
 * of the locked value to a variable the function unlocks (handOvers), the walk goes on under
 * that variable's name. `visit` sees every other node and may stop there. Returns the exits reached with the lock held.
 */
export function walkHeld(view: PackageView, facts: FileFacts, op: LockOp, opts: HeldOptions, visit: (n: Node) => Visit): Node[] | undefined {
  const locks = lockFacts(facts);
  const stmt = statementOf(op.call, op.fn);
  if (!stmt) return undefined;
  const releases = (n: Node) => locks.inside(n, op.fn).filter((o) => o.key === op.key && !isAcquire(o.verb) && (opts.deferredReleases || !o.deferred));
  // `mu.Lock()` right before a statement that releases it (`defer mu.Unlock()`): the walk
  // stops at the first node it visits, which needs no flow graph of the function.
  const next = stmt.type === 'expression_statement' && enclosingFunction(stmt)?.id === op.fn.id ? nextStatement(stmt) : null;
  if (next && (next.type === 'defer_statement' || next.type === 'expression_statement')) {
    const rel = releases(next);
    if (rel.length) {
      for (const o of rel) opts.released?.(o);
      return [];
    }
  }
  // The stops that hold for the mutex `m` names (op's own, or the variable it was handed to).
  const step = (m: LockOp, n: Node): Visit => {
    if (n.text.includes(m.text)) {
      // Released by a goroutine or a closure made here, handed to the caller, or to other code.
      if (locks.inDeclarationOf(n).some((o) => o.key === m.key && !isAcquire(o.verb) && o.fn.id !== op.fn.id && within(o.call, n))) return 'stop';
      if (n.type === 'return_statement' && returnsMutex(n, m)) return 'stop';
      if (passedOn(opts.local ? undefined : view, facts, n, op.fn, m)) return 'stop';
    }
    if (opts.local) return visit(n);
    if (n.type === 'return_statement' && returnsRelease(view, facts, n, m)) return 'stop';
    // `st.Lock(); exitWithError(err)`: a function of the package that never returns ends the
    // path as os.Exit does (the graph knows only the calls that end it by their name).
    const e = n.type === 'expression_statement' ? n.namedChild(0) : null;
    if (e && neverReturns(view, facts, unparen(e))) {
      visit(n);
      return 'stop';
    }
    if (n.type === 'go_statement') {
      // `go s.finish()` where finish releases it: the lock is handed to the goroutine.
      const call = n.namedChildren.find((c) => c?.type === 'call_expression');
      const name = call && calleeName(call);
      const key = call && name && mayReach(call, m) && mayLock(view, name) ? view.calleeKey(call, facts) : undefined;
      const s = key ? lockSummaryOf(view, key) : undefined;
      if (call && s?.releases.some((r) => callerMutex(facts, call, r)?.key === m.key)) return 'stop';
    }
    for (const e of calleeEffects(view, facts, n, op.fn, m)) {
      if (e.first?.op === 'release' || (e.releases && opts.anyCalleeRelease)) return 'stop';
    }
    return visit(n);
  };
  const handed = handOvers(facts, op);
  const more: Node[] = [];
  // From a hand-over on, the lock is held under the variable it went to: followed up to a
  // release of either name, the variable bound again, or a branch that runs only when the
  // variable is nil (it holds a locked value there).
  const follow = (h: HandOver, at: Node) => {
    const v = h.v;
    const vstep = (n: Node): Visit => {
      // The hand-over itself binds v: only a later binding ends the walk.
      if ((n.id !== h.at.id && rebinds(n, v.root.text)) || releases(n).length) return 'stop';
      const rel = locks.inside(n, op.fn).filter((o) => o.key === v.key && !isAcquire(o.verb) && (opts.deferredReleases || !o.deferred));
      if (rel.length) {
        for (const o of rel) opts.released?.(o);
        return 'stop';
      }
      if (onlyWhenNil(facts, n, v, h.at)) return 'stop';
      return step(v, n);
    };
    if (vstep(at) === 'stop') return;
    more.push(...(walkFrom(facts, op.fn, at, vstep) ?? []));
  };
  const exits = walkFrom(facts, op.fn, stmt, (n) => {
    if (rebinds(n, op.root.text)) return 'stop';
    const rel = releases(n);
    if (rel.length) {
      for (const o of rel) opts.released?.(o);
      return 'stop';
    }
    const h = handed.find((h) => h.at.id === n.id || (h.at.type === 'block' && within(n, h.at)));
    if (h) {
      follow(h, n);
      return 'stop';
    }
    return step(op, n);
  });
  if (!exits || !more.length) return exits;
  const byId = new Map([...exits, ...more].map((n) => [n.id, n]));
  return [...byId.values()].sort((a, b) => a.startIndex - b.startIndex);
}

/** Where the lock taken at an operation passes to another variable `v` (a mutex ref of the same text under v's name) the function releases itself. */
interface HandOver {
  /** The assignment `v = x` (a flow node), or the block of `if v, ok = x.(*T); ok { … }` that runs once v holds it. */
  at: Node;
  v: LockOp;
}

const handOverMemo = memoPer<FileFacts, HandOver[]>();

/**
 * The places where the lock taken at `op` is handed to another variable V that the same
 * function unlocks (`V.Unlock()` or `defer V.Unlock()`, RUnlock for an RLock): `V = x`,
 * `V = x.(*T)`, `V = a` where every value of `a` is such an assertion of x (one step), and the
 * block of `if V, ok = x.(*T); ok { … }` (only there does V hold the lock). x is op's root,
 * the same variable.
 *
 *	for _, next := range list {
 *		next.Lock()
 *		if found, ok = next.(*T); ok {   the lock goes to found here…
 *			break
 *		}
 *		next.Unlock()
 *	}
 *	if found == nil { return errNone }   (never with found holding it)
 *	defer found.Unlock()                  …and is released under that name
 *
 * Without a release of V in the function nothing is handed over (a leak stays a leak).
 * A comma-ok assertion outside an if header is not followed (which way ok went is not known).
 */
function handOvers(facts: FileFacts, op: LockOp): HandOver[] {
  return handOverMemo(facts, op.call.id, () => {
    if (op.indexed || !op.text.startsWith(op.root.text)) return [];
    const suffix = op.text.slice(op.root.text.length);
    const scope = op.key.slice(0, op.key.indexOf(':'));
    const rootOf = (x: Node | null | undefined) => {
      const r = x && mutexRef(facts, x);
      return !!r && r.text === op.root.text && r.key.startsWith(`${scope}:`);
    };
    const asserted = (x: Node | null | undefined): Node | null => {
      let e = x ? unparen(x) : null;
      if (e?.type === 'type_assertion_expression') e = e.childForFieldName('operand');
      return e ? unparen(e) : null;
    };
    const want = releaseOf(op.verb);
    const out: HandOver[] = [];
    const seen = new Set<string>();
    for (const r of lockFacts(facts).of(op.fn)) {
      if (r.verb !== want || r.indexed || r.key === op.key || seen.has(r.key) || r.text !== r.root.text + suffix || r.root.text === op.root.text) continue;
      seen.add(r.key);
      const where = facts.resolveName(r.root.text, r.root);
      if (typeof where !== 'object') continue;
      const v: LockOp = { ...r, verb: op.verb, call: op.call, fn: op.fn, deferred: false };
      for (const d of definitions(facts, where, r.root.text)) {
        if (d.node.type !== 'assignment_statement' && d.node.type !== 'short_var_declaration') continue;
        if (within(op.call, d.node) || flowFunction(d.node)?.fn.id !== op.fn.id) continue;
        const right = d.node.childForFieldName('right');
        const values = right?.type === 'expression_list' ? right.namedChildren.filter((c) => c && c.type !== 'comment') : [right];
        const left = d.node.childForFieldName('left')?.namedChildren ?? [];
        if (d.value) {
          // `V = x`, `V = x.(*T)`, or `V = a` with every value of a such an assertion.
          const x = asserted(d.value);
          if (x?.type !== 'identifier') continue;
          let ok = rootOf(x);
          if (!ok && x.text !== r.root.text) {
            const wx = facts.resolveName(x.text, x);
            const defs = typeof wx === 'object' ? definitions(facts, wx, x.text) : [];
            // A comma-ok `a, ok := x.(*T)` only where ok held: `if a, ok := x.(*T); ok { … V = a … }`.
            ok = defs.length > 0 && defs.every((a) => (a.value ? rootOf(asserted(a.value)) : checkedAssertion(a.node, d.node, rootOf)));
          }
          if (ok) out.push({ at: d.node, v });
        } else if (values.length === 1 && left.length === 2 && left[0]?.text === r.root.text) {
          // `if V, ok = x.(*T); ok { … }`.
          const e = values[0] ? unparen(values[0]) : null;
          if (e?.type !== 'type_assertion_expression' || !rootOf(asserted(e))) continue;
          const body = okBody(d.node);
          if (body && !within(op.call, body)) out.push({ at: body, v });
        }
      }
    }
    return out;
  });
}

/**
 * `def` is `a, ok := x.(*T)` (x as `rootOf` wants) in the header of an if whose condition
 * needs ok, and `use` is in that if's body: a holds x there.
 */
function checkedAssertion(def: Node, use: Node, rootOf: (x: Node | null) => boolean): boolean {
  const operand = commaOkValue(def)?.childForFieldName('operand');
  if (!operand || !rootOf(unparen(operand))) return false;
  const body = okBody(def);
  return !!body && within(use, body);
}

/** The body of `if a, ok := …; ok && … { … }` whose header `def` is: where ok held. */
function okBody(def: Node): Node | undefined {
  const ifs = def.parent;
  if (ifs?.type !== 'if_statement' || ifs.childForFieldName('initializer')?.id !== def.id) return undefined;
  const okName = def.childForFieldName('left')?.namedChildren[1]?.text;
  const cond = ifs.childForFieldName('condition');
  const body = ifs.childForFieldName('consequence');
  return okName && cond && body && conjuncts(cond).includes(okName) ? body : undefined;
}

/** `a, ok := x.(*T)`: the assertion a comma-ok definition gets. */
function commaOkValue(d: Node): Node | null {
  let right = d.childForFieldName('right');
  if (right?.type === 'expression_list') right = right.namedChildCount === 1 ? right.namedChild(0) : null;
  const e = right && unparen(right);
  return e?.type === 'type_assertion_expression' ? e : null;
}

/** The operands of a `&&` chain, as text (`ok && n > 0` → ok, n>0). */
function conjuncts(cond: Node): string[] {
  const c = unparen(cond);
  if (c.type === 'binary_expression' && c.childForFieldName('operator')?.text === '&&') return [...conjuncts(c.childForFieldName('left')!), ...conjuncts(c.childForFieldName('right')!)];
  return [c.text.replace(/\s+/g, '')];
}

/** `n` runs only inside `if v == nil { … }` (an if that does not hold the hand-over `at` itself): v holds a locked value, so never there. */
function onlyWhenNil(facts: FileFacts, n: Node, v: MutexRef, at: Node): boolean {
  for (let p: Node | null = n.parent; p; p = p.parent) {
    if (p.type === 'func_literal' || p.type === 'function_declaration' || p.type === 'method_declaration') return false;
    const ifs = p.parent;
    if (p.type !== 'block' || ifs?.type !== 'if_statement' || ifs.childForFieldName('consequence')?.id !== p.id || within(at, ifs)) continue;
    const c = unparen(ifs.childForFieldName('condition')!);
    if (c.type !== 'binary_expression' || c.childForFieldName('operator')?.text !== '==') continue;
    const [l, r] = [c.childForFieldName('left'), c.childForFieldName('right')].map((x) => x && unparen(x));
    const name = l?.type === 'nil' ? r : r?.type === 'nil' ? l : null;
    if (name?.type === 'identifier' && name.text === v.root.text && sameScope(facts.resolveName(name.text, name), facts.resolveName(v.root.text, v.root))) return true;
  }
  return false;
}

/** The statement after `stmt` in its list, comments skipped. */
function nextStatement(stmt: Node): Node | null {
  let n = stmt.nextNamedSibling;
  while (n?.type === 'comment') n = n.nextNamedSibling;
  return n;
}

const regions = memoPer<FileFacts, Node[]>();

/**
 * The nodes that run while the lock taken at `op` is held until an explicit release (a
 * deferred unlock does not end it), in walk order: walkHeld's region, memoized per lock
 * operation because several rules look into it.
 */
export function heldRegion(view: PackageView, facts: FileFacts, op: LockOp, local = false): Node[] {
  return regions(facts, local ? -op.call.id - 1 : op.call.id, () => {
    const list: Node[] = [];
    walkHeld(view, facts, op, { deferredReleases: false, anyCalleeRelease: false, local }, (n) => {
      list.push(n);
      return undefined;
    });
    return list;
  });
}

/** `return mu`, `return &s.mu`, `return s.mu.Unlock`: the caller gets the mutex or its release. */
function returnsMutex(ret: Node, m: MutexRef): boolean {
  const list = ret.namedChildren.find((c) => c?.type === 'expression_list');
  return (list?.namedChildren ?? []).some((e) => {
    const t = e?.text.replace(/\s+/g, '').replace(/^&/, '');
    return t === m.text || t === `${m.text}.Unlock` || t === `${m.text}.RUnlock`;
  });
}

/** `return tx.dc, tx.releaseConn, nil` where releaseConn (a method of the package) releases the mutex: the caller gets the release. */
function returnsRelease(view: PackageView, facts: FileFacts, ret: Node, m: MutexRef): boolean {
  const list = ret.namedChildren.find((c) => c?.type === 'expression_list');
  for (const e of list?.namedChildren ?? []) {
    const v = e && unparen(e);
    if (v?.type !== 'selector_expression') continue;
    const operand = v.childForFieldName('operand');
    const type = operand && view.typeOf(operand, facts);
    const key = type ? `method:${type}.${v.childForFieldName('field')?.text}` : undefined;
    const s = key && view.has(key) ? lockSummaryOf(view, key) : undefined;
    for (const r of s?.releases ?? []) {
      const [root, ...rest] = r.split('.');
      if (root !== 'recv' || !operand) continue;
      const text = [operand.text.replace(/\s+/g, ''), ...rest].join('.');
      if (text === m.text && mutexRef(facts, operand)?.key.split(':')[0] === m.key.split(':')[0]) return true;
    }
  }
  return false;
}


/** The node of `fn`'s flow that holds `n` (the statement a lock call is in). */
export function statementOf(n: Node, fn: Node): Node | undefined {
  let cur: Node | null = n;
  while (cur && cur.id !== fn.id) {
    const p: Node | null = cur.parent;
    if (!p) return undefined;
    if (p.type === 'statement_list' || p.type === 'block') return cur;
    cur = p;
  }
  return undefined;
}

/** Words of an identifier: `lockShardLocked` → lock, shard, locked. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[\s_]+/)
    .map((w) => w.toLowerCase())
    .filter(Boolean);
}

const ACQUIRE_WORDS = new Set(['lock', 'locks', 'locked', 'rlock', 'relock', 'acquire', 'acquires', 'acquired']);

/**
 * The function's name says it takes a lock for its caller or runs with one held (`lock`,
 * `acquireConn`, `RLock`, `flushLocked`); a literal goes by the function it is written in.
 */
export function acquiresByName(fn: Node): boolean {
  for (let f: Node | null = fn; f; f = enclosingFunction(f)) {
    const name = f.childForFieldName('name')?.text ?? boundName(f);
    if (name && words(name).some((w) => ACQUIRE_WORDS.has(w))) return true;
  }
  return false;
}

/** The name a function literal is bound to: `lock := func(…)`, `var lock = func(…)`, `s.lock = func(…)`. */
function boundName(lit: Node): string | undefined {
  if (lit.type !== 'func_literal') return undefined;
  const list = unparenUp(lit).parent;
  if (list?.type !== 'expression_list') return undefined;
  const i = list.namedChildren.findIndex((c) => c?.id === unparenUp(lit).id);
  const decl = list.parent;
  if (decl?.type === 'var_spec') return decl.namedChildren.filter((c) => c?.type === 'identifier')[i]?.text;
  if (decl?.type !== 'short_var_declaration' && decl?.type !== 'assignment_statement') return undefined;
  const left = decl.childForFieldName('left')?.namedChildren[i];
  return left?.type === 'selector_expression' ? left.childForFieldName('field')?.text : left?.text;
}

/**
 * Another function of the package releases a mutex of the same field name (or the same package
 * variable) before it takes it: the lock is handed over between functions, as a transaction
 * holds its database's lock from begin to close (`beginTx` locks `db.rwlock`, `Tx.close`
 * unlocks `tx.db.rwlock`). Syntax cannot pair them: the lock is left to them.
 */
export function releasedElsewhere(view: PackageView, facts: FileFacts, op: LockOp): boolean {
  const pkgVar = op.key.startsWith('pkg:');
  const dot = op.text.lastIndexOf('.');
  if (!pkgVar && dot < 0) return false;
  const field = pkgVar ? op.text : op.text.slice(dot + 1);
  const ownerType = (o: { operand: Node }, f: FileFacts) => {
    const e = unparen(o.operand);
    const owner = e.type === 'selector_expression' ? e.childForFieldName('operand') : null;
    return owner ? view.typeOf(owner, f) : undefined;
  };
  const mine = pkgVar ? undefined : ownerType(op, facts);
  return view.cached(`released-elsewhere:${pkgVar ? op.key : `${mine ?? '?'}.${field}`}`, () =>
    view.mentioning(field).some((d) => {
      if (d.kind !== 'func' && d.kind !== 'method') return false;
      const ops = lockFacts(d.facts)
        .of(d.node)
        .filter((o) => !o.deferred && (pkgVar ? o.key === op.key : o.text.endsWith(`.${field}`)))
        .sort((a, b) => a.call.startIndex - b.call.startIndex);
      // Released first and last: entered with the lock held, and it keeps it released (a
      // `…Locked` helper that drops the lock around slow work takes it back).
      const [first, last] = [ops[0], ops[ops.length - 1]];
      if (!first || !last || isAcquire(first.verb) || isAcquire(last.verb)) return false;
      const theirs = pkgVar ? undefined : ownerType(first, d.facts);
      return !mine || !theirs || mine === theirs;
    }),
  );
}

/** A same-package call in `fn`'s flow releases the mutex `m` on some path (a callee that unlocks for it). */
export function calleeReleases(view: PackageView, facts: FileFacts, fn: Node, m: MutexRef): boolean {
  const body = fn.childForFieldName('body');
  return !!body && calleeEffects(view, facts, body, fn, m).some((e) => e.releases);
}

/** The innermost `if` of `fn` whose then-branch holds `n`, and its condition as text. */
function guardOf(n: Node, fn: Node): { stmt: Node; cond: string } | undefined {
  let cur = n;
  for (let p = n.parent; p && p.id !== fn.id; cur = p, p = p.parent) {
    if (p.type === 'if_statement' && p.childForFieldName('consequence')?.id === cur.id) return { stmt: p, cond: p.childForFieldName('condition')?.text.replace(/\s+/g, '') ?? '' };
  }
  return undefined;
}

/**
 * The lock is taken under a condition that also guards a release of the same mutex in the
 * function (`if doLock { mu.Lock() } … if doLock { mu.Unlock() }`): paths that take one
 * branch and skip the other do not run, and syntax cannot follow the flag.
 */
export function guardedPair(op: LockOp, ops: LockOp[]): boolean {
  const g = guardOf(op.call, op.fn);
  if (!g) return false;
  return ops.some((o) => {
    if (o === op || o.key !== op.key || o.fn.id !== op.fn.id || isAcquire(o.verb)) return false;
    const h = guardOf(o.call, o.fn);
    // Another if with the same condition (one if around both is a critical section of its own).
    return !!h && h.stmt.id !== g.stmt.id && h.cond === g.cond;
  });
}

/**
 * What the code writes down about a mutex's type: a sync mutex (sync.Mutex, sync.RWMutex, a
 * struct embedding one), another written type (an interface such as sync.Locker, a lock type
 * of another package, which may allow what a sync mutex does not), or nothing syntax can see.
 */
export function declaredKind(view: PackageView, facts: FileFacts, operand: Node): 'sync' | 'other' | 'unknown' {
  const ref = mutexRef(facts, operand);
  return ref ? kindMemo(facts, ref.key, () => declaredKindOf(view, facts, operand)) : declaredKindOf(view, facts, operand);
}

const kindMemo = memoPer<FileFacts, 'sync' | 'other' | 'unknown'>();

function declaredKindOf(view: PackageView, facts: FileFacts, operand: Node): 'sync' | 'other' | 'unknown' {
  if (mutexType(view, facts, operand)) return 'sync';
  const e = unparen(operand);
  let written: Node | null | undefined;
  if (e.type === 'identifier') {
    const where = facts.resolveName(e.text, e);
    if (typeof where === 'object') written = definitions(facts, where, e.text).find((d) => d.type)?.type;
    else written = view.variable(e.text)?.node.childForFieldName('type');
  } else if (e.type === 'selector_expression') {
    const owner = e.childForFieldName('operand');
    const field = e.childForFieldName('field')?.text;
    const type = owner && field ? view.typeOf(owner, facts) : undefined;
    return type && field && fieldMutex(view, type, field)?.written ? 'other' : 'unknown';
  }
  return written ? 'other' : 'unknown';
}

/**
 * True when `fn` must take the mutex written `text` (the same root name: a captured variable,
 * or a receiver of the same name) before it gets to `node`: an acquire on every path to it
 * (not in a branch, and before it; any, for a deferred `node`, which runs at the return), a
 * held region around it, or a loop around it whose body takes the mutex, so that the
 * goroutine takes it again before it gets back to `node`.
 *
 *	for {                         // the loop form:
 *		v := <-ch                 //   node
 *		mu.Lock()                 //   taken before the loop gets back to the receive
 *		…
 *		mu.Unlock()
 *	}
 */
export function needsLock(view: PackageView, facts: FileFacts, fn: Node, node: Node, text: string, opts: { rootScope?: string; deferred?: boolean } = {}): boolean {
  const acquires = lockFacts(facts)
    .of(fn)
    .filter((o) => isAcquire(o.verb) && !o.deferred && o.text === text && (opts.rootScope === undefined || o.key.startsWith(`${opts.rootScope}:`)));
  // Calls of the package whose first step is to take it (`s.deletePodStatus(…)` locks s.mu).
  const body = fn.childForFieldName('body');
  const viaCallee: Node[] = [];
  if (body && /\w\s*\(/.test(body.text)) {
    for (const call of callsInFlow(body, fn)) {
      if (flowFunction(call)?.deferred) continue;
      const s = reachingSummary(view, facts, call, { key: opts.rootScope === 'pkg' ? 'pkg:' : '', text });
      if (s?.first.some((f) => f.op !== 'release' && !f.cond && callerMutex(facts, call, f.target)?.text === text)) viaCallee.push(call);
    }
  }
  if (!acquires.length && !viaCallee.length) return false;
  const sites = [...acquires.map((a) => a.call), ...viaCallee];
  // Before the node on every path: the goroutine's own acquire. A same-package call that locks
  // on the way, before the node, is most often the setup that starts the other side
  // (`a.init()` arms the timer that sends): it counts only in a loop that comes back to it.
  if (acquires.some((a) => !conditional(a.call, fn) && a.call.startIndex < node.startIndex)) return true;
  if (opts.deferred && sites.some((c) => !conditional(c, fn))) return true;
  // A deferred node runs after the loops of fn: one that takes the mutex may be where the goroutine waits.
  if (opts.deferred && sites.some((c) => { for (let p = c.parent; p && p.id !== fn.id; p = p.parent) if (p.type === 'for_statement') return true; return false; })) return true;
  for (let p: Node | null = node; p && p.id !== fn.id; p = p.parent) {
    if (p.type !== 'for_statement') continue;
    // A site in the loop from which the goroutine gets back to the node (not one after which it returns).
    for (const c of sites) {
      const stmt = within(c, p) ? statementOf(c, fn) : undefined;
      let back = false;
      if (stmt) {
        walkFrom(facts, fn, stmt, (n) => {
          if (within(node, n) || within(n, node)) {
            back = true;
            return 'stop';
          }
          return undefined;
        });
      }
      if (back) return true;
    }
  }
  return acquires.some((a) => heldRegion(view, facts, a).some((n) => within(node, n)));
}

/**
 * Where `text` spells the mutex (`t`, whitespace removed), whether it is after a `&` or before
 * a `.Unlock`/`.RUnlock` that is not called: the places handedOffIn's pattern can match, found
 * by a substring search (the pattern, which starts with a lookbehind, is tried at every offset).
 */
function mayHandOff(text: string, t: string): boolean {
  for (let at = text.indexOf(t); at >= 0; at = text.indexOf(t, at + 1)) {
    let b = at - 1;
    while (b >= 0 && /\s/.test(text[b]!)) b--;
    if (text[b] === '&') return true;
    RELEASE_VALUE.lastIndex = at + t.length;
    if (RELEASE_VALUE.test(text)) return true;
  }
  return false;
}

const RELEASE_VALUE = /\s*\.\s*R?Unlock\b(?!\s*\()/y;

/**
 * The function hands the mutex itself to other code somewhere: its address (`unlockOnce(&mu)`,
 * `lock = &c.rlock`, `sync.NewCond(&mu)`) or its release as a value (`NotifyStarted:
 * mu.Unlock`). Whoever has it may release it (or lock it again) out of sight: a latch, a
 * hand-over, a condition variable.
 */
export function handedOff(view: PackageView, facts: FileFacts, fn: Node, m: MutexRef): boolean {
  // Memoized per file: the three lock rules ask it of the same acquires.
  return handedMemo(facts, `${fn.id}:${m.key}`, () => handedOffIn(view, facts, fn, m));
}

const handedMemo = memoPer<FileFacts, boolean>();

function handedOffIn(view: PackageView, facts: FileFacts, fn: Node, m: MutexRef): boolean {
  if (!mayHandOff(fn.text, m.text)) return false;
  const t = m.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`&\\s*${t}(?![\\w.])|(?<![\\w.])${t}\\s*\\.\\s*R?Unlock\\b(?!\\s*\\()`, 'g');
  for (let hit = re.exec(fn.text); hit; hit = re.exec(fn.text)) {
    if (!hit[0].startsWith('&')) return true;
    // `&mu` given to a function of the package: its summary says what it does with it.
    const at = fn.startIndex + hit.index;
    let n: Node | null = fn.descendantForIndex(at, at + 1);
    while (n && n.type !== 'unary_expression' && n.id !== fn.id) n = n.parent;
    const call = n?.type === 'unary_expression' ? unparenUp(n).parent?.parent : null;
    const key = call?.type === 'call_expression' && unparenUp(n!).parent?.type === 'argument_list' ? view.calleeKey(call, facts) : undefined;
    if (key && call) {
      // …unless it keeps it: stores it, or captures it in a closure it returns (`unlockOnce(&mu)`).
      const i = (call.childForFieldName('arguments')?.namedChildren ?? []).filter((a) => a !== null && a.type !== 'comment').findIndex((a) => a!.startIndex <= at && at < a!.endIndex);
      const s = view.summaryOf(coreSummary, key);
      const kept = s?.effects.some((e) => (e.target === `$${i}` || e.target.startsWith(`$${i}.`)) && (e.op === 'escape' || (e.how & HOW.closure) !== 0));
      if (s && i >= 0 && !kept) continue;
    }
    return true;
  }
  return false;
}

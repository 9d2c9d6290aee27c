// The core function summary: what a function does to its parameters, its receiver (and their
// fields, two levels deep) and the package's variables, what it calls and starts, and where
// the values it returns come from. Flow-insensitive: "somewhere in the function, on some
// path". Computed by the package view (package.ts) from the function's own syntax plus the
// summaries of the same-package functions it calls.
//
//	func (s *Server) Stop() {                  effects of method:Server.Stop
//		s.mu.Lock()                             recv.mu    .Lock
//		defer s.mu.Unlock()                     recv.mu    .Unlock  (defer)
//		close(s.jobs)                           recv.jobs  close
//		go s.flush(s.out)                       recv.out   send     (go, callee: flush sends on its $0)
//	}                                          starts: method:Server.flush
//
// Targets name what an effect is on:
//   `$0`, `$1`…   parameters by position (`$0.f` a field of one)
//   `recv`        the receiver (`recv.jobs`, `recv.a.b` its fields)
//   `var:name`    a package-level variable (`var:name.f` a field of it)
// Ops:
//   send, recv, range, close     channel operations (`range` is any range: ask the type)
//   call                         the target itself is called (`cancel()`)
//   .Name                        a method called on the target (`.Close`, `.Lock`, `.Wait`)
//                                (`s.cancel()` is `.cancel` on recv, whether cancel is a
//                                method or a field of func type)
//   set                          the target is assigned (`s.jobs = make(chan int)`)
//   return                       the target is returned
//   escape                       it goes where syntax cannot follow: stored, captured by a
//                                literal that is stored, sent, its address taken, passed to
//                                a function outside the package or beyond the depth bound
// How (bits): defer, go (in a goroutine the function starts), closure (in a func literal run
// at an unknown time), callee (through a same-package call), loop (in a loop), once (in a
// sync.Once-style `x.Do(func…)`), cond (in a branch: an if's block, a switch or select case),
// select (a send or receive that is a select case's communication: it may not happen).
// An effect with none of go, closure, once and cond happens whenever the function runs.
import type { Node } from 'web-tree-sitter';
import { stdBorrows } from './borrowers.js';
import { definitions } from './decls.js';
import { type FileFacts, unparen, unparenUp } from './facts.js';
import { namedResults } from './obligations.js';
import type { DeclKey } from './pkgindex.js';
import type { FunctionSyntax, PackageView, SummaryKind } from './package.js';

export const HOW = { defer: 1, go: 2, closure: 4, callee: 8, loop: 16, once: 32, cond: 64, select: 128 } as const;

/** Where something happens: the file's base name, 1-based line and column. */
export interface Site {
  file: string;
  line: number;
  column: number;
}

export interface Effect {
  target: string;
  op: string;
  /** OR of HOW bits. */
  how: number;
  /** The first place it happens (for a callee's effect, inside the callee). */
  at: Site;
}

/** Where a returned value comes from. */
export type Origin =
  | { param: number }
  /** Made from a parameter: a method call on it or a field of it (`return c.Bucket(name)`, `return p.conn`). */
  | { derived: number }
  /** A call of another package's function, by import path: `cloud.google.com/go/storage.NewClient`. */
  | { call: string; result: number }
  | { make: 'chan' | 'map' | 'slice' | 'new' | 'literal' | 'func' };

export interface FuncSummary {
  /** Parameter names by position ('' when unnamed or `_`). */
  params: string[];
  /** The last parameter is variadic (`args ...T`): positions from it on are not one argument each. */
  variadic?: true;
  /** The receiver's name, for a method. */
  recv?: string;
  /** Sorted by target, op, how; one entry per (target, op, how). */
  effects: Effect[];
  /** Same-package functions and methods called directly (not as goroutines), sorted keys. */
  calls: DeclKey[];
  /** Same-package functions and methods started as goroutines, by it or by the functions it calls. */
  starts: DeclKey[];
  /** Per result position, where the returned values may come from. */
  results: Origin[][];
}

/** A call of a same-package function, with what the caller passes in. */
interface Pass {
  callee: DeclKey;
  how: number;
  at: Site;
  /** Argument position → the caller's target it is. */
  args: [number, string][];
  /** Argument position → the target a handle passed there was made from (`rc := c.Bucket(b).Object(o).NewReader(ctx)`). */
  derived?: [number, string][];
  /** For `x.M()`: the target x. */
  recv?: string;
  go: boolean;
}

type LocalOrigin = Origin | { via: DeclKey; result: number | 'same'; args: [number, number][] };

interface CoreLocal {
  params: string[];
  variadic?: true;
  recv?: string;
  effects: Effect[];
  passes: Pass[];
  results: LocalOrigin[][];
}

const MAX_FIELDS = 2;
const BRANCH_TYPES = new Set(['expression_case', 'type_case', 'communication_case', 'default_case']);
const NODE_TYPES = [
  'if_statement',
  ...BRANCH_TYPES,
  'func_literal',
  'for_statement',
  'defer_statement',
  'short_var_declaration',
  'call_expression',
  'send_statement',
  'unary_expression',
  'range_clause',
  'return_statement',
  'assignment_statement',
  'var_spec',
  'literal_value',
];
/** Builtins that neither keep nor act on their arguments. */
const READS = new Set(['len', 'cap', 'print', 'println', 'panic', 'copy', 'delete', 'min', 'max', 'clear', 'complex', 'real', 'imag', 'make', 'new', 'recover']);
const CONVERSIONS = new Set([
  'string', 'bool', 'byte', 'rune', 'error', 'any', 'int', 'int8', 'int16', 'int32', 'int64', 'uint', 'uint8', 'uint16', 'uint32', 'uint64',
  'uintptr', 'float32', 'float64', 'complex64', 'complex128',
]);

function siteOf(file: string, n: Node): Site {
  return { file, line: n.startPosition.row + 1, column: n.startPosition.column + 1 };
}

function baseName(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return path.slice(i + 1);
}

/** `case v := <-ch:` / `case <-ch:`: the receive is the communication of a select case. */
function selectCase(recv: Node): boolean {
  const up = unparenUp(recv);
  const p = up.parent;
  const stmt = p?.type === 'expression_list' ? p.parent : p;
  return (stmt?.type === 'receive_statement' || stmt?.type === 'expression_statement' ? stmt.parent : stmt)?.type === 'communication_case';
}

/** Parameter names of a function by position. */
function paramNames(fn: Node): string[] {
  const out: string[] = [];
  for (const p of fn.childForFieldName('parameters')?.namedChildren ?? []) {
    if (!p || (p.type !== 'parameter_declaration' && p.type !== 'variadic_parameter_declaration')) continue;
    const names = p.childrenForFieldName('name').filter((n): n is Node => n !== null);
    if (!names.length) out.push('');
    for (const n of names) out.push(n.text === '_' ? '' : n.text);
  }
  return out;
}

/** How many results a function's signature declares. */
function resultCount(fn: Node): number {
  const r = fn.childForFieldName('result');
  if (!r) return 0;
  if (r.type !== 'parameter_list') return 1;
  let n = 0;
  for (const p of r.namedChildren) if (p?.type === 'parameter_declaration') n += Math.max(1, p.childrenForFieldName('name').length);
  return n;
}

export function receiverName(fn: Node): string | undefined {
  const p = fn.childForFieldName('receiver')?.namedChildren.find((c) => c?.type === 'parameter_declaration');
  const n = p?.childForFieldName('name')?.text;
  return n && n !== '_' ? n : undefined;
}

/**
 * What a function literal means for the code inside it. `isType` says whether a name is a
 * type of the package (a conversion, not a call).
 */
function literalHow(lit: Node, facts: FileFacts, isType: (name: string) => boolean): number {
  const up = unparenUp(lit);
  const parent = up.parent;
  if (parent?.type === 'call_expression' && parent.childForFieldName('function')?.id === up.id) {
    const stmt = unparenUp(parent).parent;
    return stmt?.type === 'go_statement' ? HOW.go : stmt?.type === 'defer_statement' ? HOW.defer : 0;
  }
  if (parent?.type === 'argument_list') {
    const f = parent.parent?.childForFieldName('function');
    const name = f?.type === 'selector_expression' ? f.childForFieldName('field')?.text : undefined;
    // errgroup.Group.Go and worker pools start it; sync.Once.Do runs it now, once.
    if (name === 'Go') return HOW.go;
    if (name === 'Do' && parent.namedChildCount === 1) return HOW.once;
    // `io.Copy(dst, readerFunc(func(p []byte) (int, error) { … }))`: the standard call runs
    // the literal, through the conversion, before it returns (maybe never).
    const conv = parent.parent;
    const outer = conv && f?.type === 'identifier' && isType(f.text) && parent.namedChildCount === 1 ? unparenUp(conv).parent : null;
    if (outer?.type === 'argument_list' && outer.parent?.type === 'call_expression' && stdBorrows(facts, outer.parent)) return HOW.cond;
  }
  return HOW.closure;
}

/** What names mean inside one function, for `targetIn`. */
export interface TargetScope {
  fn: Node;
  facts: FileFacts;
  view: PackageView;
  /** Parameter and receiver names → `$0`…, `recv`. */
  roots: Map<string, string>;
  /** A local that stands for a target (`jobs := s.jobs`), by name and declaring scope id. */
  alias?(name: string, scope: number): string | undefined;
}

/** The scope of a function declaration or literal: its parameters and receiver as roots. */
export function targetScope(fn: Node, facts: FileFacts, view: PackageView): TargetScope {
  const roots = new Map<string, string>();
  paramNames(fn).forEach((p, i) => p && roots.set(p, `$${i}`));
  const recv = receiverName(fn);
  if (recv) roots.set(recv, 'recv');
  return { fn, facts, view, roots };
}

/**
 * The summary target an expression names inside a function: `$0` (a parameter), `recv`
 * (the receiver), `var:name` (a package-level variable), and fields of those up to two
 * levels (`recv.mu`, `$0.jobs`); undefined for locals, calls and anything else. With `vars`
 * false, package variables are not targets.
 */
export function targetIn(expr: Node, sc: TargetScope, vars = true): string | undefined {
  const e = unparen(expr);
  if (e.type === 'identifier') {
    const name = e.text;
    const where = sc.facts.resolveName(name, e);
    if (typeof where === 'object') {
      const alias = sc.alias?.(name, where.id);
      if (alias) return alias;
      return where.id === sc.fn.id ? sc.roots.get(name) : undefined;
    }
    if (!vars || sc.facts.imports().byAlias.has(name)) return undefined;
    return sc.view.has(`var:${name}`) ? `var:${name}` : undefined;
  }
  if (e.type === 'selector_expression') {
    const operand = e.childForFieldName('operand');
    const field = e.childForFieldName('field')?.text;
    if (!operand || !field || sc.facts.qualified(e)) return undefined;
    const base = targetIn(operand, sc, vars);
    if (!base) return undefined;
    return base.split('.').length - 1 < MAX_FIELDS ? `${base}.${field}` : undefined;
  }
  return undefined;
}

class LocalBuilder {
  readonly fn: Node;
  readonly facts: FileFacts;
  readonly file: string;
  readonly params: string[];
  readonly recv?: string;
  private readonly roots = new Map<string, string>();
  private readonly aliases = new Map<string, { target: string; scope: number }>();
  /** Handles made from a target (`t := c.Topic(x)`): where they go, the target goes. */
  private readonly derived = new Map<string, { target: string; scope: number }>();
  private readonly lits: { node: Node; how: number }[];
  private readonly loops: Node[];
  private readonly defers: Node[];
  /** The blocks of ifs and the cases of switches and selects: code that may not run. */
  private readonly branches: Node[];
  /** Returns inside such branches: what follows them may not run. */
  private readonly guards: Node[];
  readonly effects: Effect[] = [];
  readonly passes: Pass[] = [];
  private scopeMemo?: TargetScope;

  /** The function's nodes of the types coreLocal looks at, in document order (one collection pass). */
  readonly nodes: Node[];

  constructor(
    private readonly fx: FunctionSyntax,
    /** Package variables are targets too (a lookup per name used). */
    private readonly vars = true,
  ) {
    this.fn = fx.decl.node;
    this.facts = fx.decl.facts;
    this.file = baseName(fx.decl.file);
    this.params = paramNames(this.fn);
    this.recv = receiverName(this.fn);
    this.params.forEach((p, i) => p && this.roots.set(p, `$${i}`));
    if (this.recv) this.roots.set(this.recv, 'recv');
    this.nodes = this.fn.descendantsOfType(NODE_TYPES).filter((n): n is Node => n !== null);
    this.lits = this.nodes.filter((n) => n.type === 'func_literal').map((node) => ({ node, how: literalHow(node, this.facts, (t) => fx.view.has(`type:${t}`)) }));
    this.loops = this.nodes.filter((n) => n.type === 'for_statement');
    this.defers = this.nodes.filter((n) => n.type === 'defer_statement');
    this.branches = this.nodes.flatMap((n) => {
      if (n.type !== 'if_statement') return BRANCH_TYPES.has(n.type) ? [n] : [];
      return [n.childForFieldName('consequence'), n.childForFieldName('alternative')].filter((b): b is Node => b !== null);
    });
    this.guards = this.nodes.filter((r) => r.type === 'return_statement' && this.branches.some((b) => b.startIndex <= r.startIndex && r.endIndex <= b.endIndex));
  }

  /** The innermost function (fn or a literal in it) around offset `at`. */
  private scopeAt(at: number): Node {
    let best = this.fn;
    for (const l of this.lits) if (l.node.startIndex <= at && at < l.node.endIndex && l.node.startIndex >= best.startIndex) best = l.node;
    return best;
  }

  /** The HOW bits of code at node `n`: the literals around it, a defer or loop of its own function. */
  howAt(n: Node): number {
    let how = 0;
    for (const l of this.lits) if (l.node.startIndex <= n.startIndex && n.endIndex <= l.node.endIndex) how |= l.how;
    const scope = this.scopeAt(n.startIndex);
    const inScope = (s: Node) =>
      s.id !== n.id && s.startIndex <= n.startIndex && n.endIndex <= s.endIndex && this.scopeAt(s.startIndex).id === scope.id;
    if (this.defers.some(inScope)) how |= HOW.defer;
    if (this.loops.some(inScope)) how |= HOW.loop;
    if (this.branches.some(inScope)) how |= HOW.cond;
    // After `if done { return }`, code runs only on some paths too.
    else if (this.guards.some((r) => r.endIndex <= n.startIndex && this.scopeAt(r.startIndex).id === scope.id && !this.branches.some((b) => b.startIndex <= r.startIndex && r.endIndex <= b.endIndex && b.startIndex <= n.startIndex && n.endIndex <= b.endIndex))) how |= HOW.cond;
    return how;
  }

  /** The target an expression names: `s`, `s.jobs`, `ch`, `mu` (a package variable)… */
  targetOf(expr: Node, vars = true): string | undefined {
    return targetIn(expr, this.scope, vars && this.vars);
  }

  private get scope(): TargetScope {
    return (this.scopeMemo ??= {
      fn: this.fn,
      facts: this.facts,
      view: this.fx.view,
      roots: this.roots,
      alias: (name, scope) => {
        const a = this.aliases.get(name);
        return a && a.scope === scope ? a.target : undefined;
      },
    });
  }

  add(target: string, op: string, how: number, at: Node): void {
    this.effects.push({ target, op, how, at: siteOf(this.file, at) });
  }

  /** `jobs := s.jobs`: uses of `jobs` are uses of recv.jobs. */
  collectAliases(decls: Node[]): void {
    for (const d of decls) {
      const left = d.childForFieldName('left')?.namedChildren ?? [];
      const right = d.childForFieldName('right')?.namedChildren ?? [];
      const scope = this.scopeAt(d.startIndex).id;
      // `c, ok := v.(io.Closer)`: c is v seen through another type (closeq(v) closes v).
      const asserted = left.length === 2 && right.length === 1 ? assertedOperand(right[0]!) : undefined;
      const seen = asserted && left[0]?.type === 'identifier' ? this.targetOf(asserted) : undefined;
      if (seen) {
        this.aliases.set(left[0]!.text, { target: seen, scope });
        continue;
      }
      if (left.length !== right.length) {
        // `t, err := c.Topic(name)`: a handle made from the target.
        const root = right.length === 1 && left[0]?.type === 'identifier' ? this.rootOfCall(right[0]!) : undefined;
        if (root) this.derived.set(left[0]!.text, { target: root, scope });
        continue;
      }
      left.forEach((l, i) => {
        if (l?.type !== 'identifier' || !right[i]) return;
        const t = this.targetOf(assertedOperand(right[i]!) ?? right[i]!);
        if (t) this.aliases.set(l.text, { target: t, scope });
        const root = t ? undefined : this.rootOfCall(right[i]!);
        if (root) this.derived.set(l.text, { target: root, scope });
      });
    }
  }

  /** `c.Topic(name)`, `s.pool.Get().Conn()`: the target a chain of method calls starts at. */
  private rootOfCall(expr: Node): string | undefined {
    let cur = unparen(expr);
    if (cur.type !== 'call_expression') return undefined;
    while (cur.type === 'call_expression' || cur.type === 'selector_expression') {
      const next = cur.type === 'call_expression' ? cur.childForFieldName('function') : cur.childForFieldName('operand');
      if (!next) return undefined;
      cur = unparen(next);
      const t = cur.type === 'selector_expression' || cur.type === 'identifier' ? this.targetOf(cur, false) : undefined;
      if (t) return t;
    }
    return undefined;
  }

  /** The target a local was made from (`t := c.Topic(x)` → c's), when the local is that handle. */
  private derivedRoot(expr: Node): string | undefined {
    const e = unparen(expr);
    if (e.type !== 'identifier') return undefined;
    const d = this.derived.get(e.text);
    if (!d) return undefined;
    const where = this.facts.resolveName(e.text, e);
    return typeof where === 'object' && where.id === d.scope ? d.target : undefined;
  }

  call(call: Node): void {
    const f = call.childForFieldName('function');
    if (!f) return;
    const args = call.childForFieldName('arguments')?.namedChildren.filter((a): a is Node => a !== null && a.type !== 'comment') ?? [];
    const stmt = unparenUp(call).parent;
    const go = stmt?.type === 'go_statement';
    const how = this.howAt(call) | (go ? HOW.go : 0) | (stmt?.type === 'defer_statement' ? HOW.defer : 0);
    if (f.type === 'identifier' && typeof this.facts.resolveName(f.text, call) !== 'object') {
      if (f.text === 'close' && !this.fx.view.has('func:close')) {
        const t = args[0] && this.targetOf(args[0]);
        if (t) this.add(t, 'close', how, call);
        return;
      }
      if (READS.has(f.text) || CONVERSIONS.has(f.text)) return;
      if (f.text === 'append') {
        for (const a of args.slice(1)) this.escape(a, how, call);
        return;
      }
    }
    // Called: `cancel()`, or a method of a target: `s.mu.Lock()`.
    const self = f.type === 'identifier' ? this.targetOf(f, false) : undefined;
    if (self) this.add(self, 'call', how, call);
    let recv: string | undefined;
    if (f.type === 'selector_expression') {
      const operand = f.childForFieldName('operand');
      recv = operand ? this.targetOf(operand) : undefined;
      if (recv) this.add(recv, `.${f.childForFieldName('field')!.text}`, how, call);
    }
    if (f.type === 'parenthesized_expression' || f.type === 'array_type' || f.type === 'slice_type' || f.type === 'qualified_type') return;
    const callee = this.fx.calleeKey(call);
    if (callee) {
      const pass: Pass = { callee, how, at: siteOf(this.file, call), args: [], go };
      if (recv) pass.recv = recv;
      args.forEach((a, i) => {
        // `&s.mu` hands the callee the target itself.
        const e = unparen(a);
        const inner = e.type === 'unary_expression' && e.child(0)?.type === '&' ? e.childForFieldName('operand') : e;
        const t = inner && this.targetOf(inner);
        if (t) pass.args.push([i, t]);
        else {
          // A handle made from a target, handed on: where the callee keeps it, the target
          // goes with it (combine asks the callee's summary).
          const root = inner ? this.derivedRoot(inner) : undefined;
          if (root) (pass.derived ??= []).push([i, root]);
        }
      });
      this.passes.push(pass);
      return;
    }
    for (const a of args) this.escape(a, how, call);
  }

  escape(expr: Node, how: number, at: Node): void {
    const e = unparen(expr);
    if (e.type === 'unary_expression' && e.child(0)?.type === '&') {
      const t = this.targetOf(e.childForFieldName('operand')!);
      if (t) this.add(t, 'escape', how, at);
      return;
    }
    const t = this.targetOf(e) ?? this.derivedRoot(e);
    if (t) this.add(t, 'escape', how, at);
  }

  results(): LocalOrigin[][] {
    const out: LocalOrigin[][] = [];
    const named = namedResults(this.fn);
    const put = (k: number, o: LocalOrigin | undefined) => {
      if (!o) return;
      while (out.length <= k) out.push([]);
      const key = JSON.stringify(o);
      if (!out[k]!.some((x) => JSON.stringify(x) === key)) out[k]!.push(o);
    };
    for (const ret of this.nodes) {
      if (ret.type !== 'return_statement' || this.scopeAt(ret.startIndex).id !== this.fn.id) continue;
      const list = ret.namedChildren.find((c) => c?.type === 'expression_list');
      const exprs = list ? list.namedChildren.filter((n): n is Node => n !== null && n.type !== 'comment') : [];
      if (!exprs.length) {
        named.forEach((n, k) => n && this.originsOfName(n, ret).forEach((o) => put(k, o)));
        continue;
      }
      if (exprs.length === 1 && unparen(exprs[0]!).type === 'call_expression') {
        // `return f(…)` returns all of f's results.
        const o = this.originOf(exprs[0]!, 'same');
        if (o && 'via' in o) {
          put(0, o);
          continue;
        }
        if (o && 'call' in o) {
          for (let k = 0; k < resultCount(this.fn); k++) put(k, { call: o.call, result: k });
          continue;
        }
      }
      exprs.forEach((e, k) => this.originsOf(e, 0).forEach((o) => put(k, o)));
    }
    return out;
  }

  private originsOf(expr: Node, depth: number): LocalOrigin[] {
    const e = unparen(expr);
    if (e.type === 'identifier' && depth < 2) {
      const t = this.targetOf(e);
      if (t && t.startsWith('$') && !t.includes('.')) return [{ param: Number(t.slice(1)) }];
      return this.originsOfName(e.text, e, depth);
    }
    const derived = this.derivedFrom(e);
    if (derived !== undefined) return [{ derived }];
    const o = this.originOf(e, 0);
    return o ? [o] : [];
  }

  /** `p.f`, `p.M(…)`, `p.M(…).N(…)`: the parameter a chain of selectors and calls starts at. */
  private derivedFrom(e: Node): number | undefined {
    let cur = e;
    let steps = 0;
    for (;;) {
      cur = unparen(cur);
      if (cur.type === 'call_expression') cur = cur.childForFieldName('function') ?? cur;
      else if (cur.type === 'selector_expression') cur = cur.childForFieldName('operand') ?? cur;
      else break;
      steps++;
    }
    if (!steps || cur.type !== 'identifier') return undefined;
    const t = this.targetOf(cur, false);
    return t && t.startsWith('$') && !t.includes('.') ? Number(t.slice(1)) : undefined;
  }

  private originsOfName(name: string, at: Node, depth = 0): LocalOrigin[] {
    const where = this.facts.resolveName(name, at);
    if (typeof where !== 'object' || where.id !== this.fn.id) return [];
    const out: LocalOrigin[] = [];
    for (const d of definitions(this.facts, this.fn, name)) {
      if (d.multi) {
        const o = this.originOf(d.multi.call, d.multi.index);
        if (o) out.push(o);
      } else if (d.value) out.push(...this.originsOf(d.value, depth + 1));
    }
    return out;
  }

  private originOf(expr: Node, result: number | 'same'): LocalOrigin | undefined {
    const e = unparen(expr);
    switch (e.type) {
      case 'composite_literal':
        return { make: 'literal' };
      case 'func_literal':
        return { make: 'func' };
      case 'unary_expression':
        return e.child(0)?.type === '&' && unparen(e.childForFieldName('operand')!).type === 'composite_literal' ? { make: 'literal' } : undefined;
      case 'call_expression': {
        const f = e.childForFieldName('function');
        if (f?.type === 'identifier' && typeof this.facts.resolveName(f.text, e) !== 'object') {
          if (f.text === 'make') {
            const t = e.childForFieldName('arguments')?.namedChild(0)?.type;
            return { make: t === 'channel_type' ? 'chan' : t === 'map_type' ? 'map' : 'slice' };
          }
          if (f.text === 'new') return { make: 'new' };
        }
        const callee = this.fx.calleeKey(e);
        if (callee) {
          const args: [number, number][] = [];
          e.childForFieldName('arguments')?.namedChildren.forEach((a, i) => {
            const t = a && this.targetOf(a);
            if (t && t.startsWith('$') && !t.includes('.')) args.push([i, Number(t.slice(1))]);
          });
          return { via: callee, result, args };
        }
        const q = this.facts.qualified(f);
        return q ? { call: `${q.path}.${q.name}`, result: result === 'same' ? 0 : result } : undefined;
      }
      default:
        return undefined;
    }
  }
}

function coreLocal(fx: FunctionSyntax, full = true): CoreLocal {
  const b = new LocalBuilder(fx, full);
  b.collectAliases(b.nodes.filter((n) => n.type === 'short_var_declaration'));
  for (const n of b.nodes) {
    switch (n.type) {
      case 'call_expression':
        b.call(n);
        break;
      case 'send_statement': {
        const ch = n.childForFieldName('channel');
        const t = ch && b.targetOf(ch);
        const how = b.howAt(n) | (n.parent?.type === 'communication_case' ? HOW.select : 0);
        if (t) b.add(t, 'send', how, n);
        const v = n.childForFieldName('value');
        if (v) b.escape(v, how, n);
        break;
      }
      case 'unary_expression': {
        const op = n.child(0)?.type;
        const operand = n.childForFieldName('operand');
        if (!operand) break;
        if (op === '<-') {
          const t = b.targetOf(operand);
          if (t) b.add(t, 'recv', b.howAt(n) | (selectCase(n) ? HOW.select : 0), n);
        } else if (op === '&' && unparenUp(n).parent?.type !== 'argument_list') {
          // `&x` passed to a call is judged with the call's arguments.
          b.escape(n, b.howAt(n), n);
        }
        break;
      }
      case 'range_clause': {
        const right = n.childForFieldName('right');
        const t = right && b.targetOf(right);
        const loop = n.parent ?? n;
        if (t) b.add(t, 'range', b.howAt(loop), loop);
        break;
      }
      case 'return_statement': {
        const list = n.namedChildren.find((c) => c?.type === 'expression_list');
        for (const e of list?.namedChildren ?? []) {
          const t = e && b.targetOf(e);
          if (t) b.add(t, 'return', b.howAt(n), n);
          else if (e) b.escape(e, b.howAt(n), n);
        }
        break;
      }
      case 'assignment_statement':
      case 'short_var_declaration': {
        const how = b.howAt(n);
        const left = n.childForFieldName('left')?.namedChildren ?? [];
        const right = n.childForFieldName('right')?.namedChildren ?? [];
        for (const l of left) {
          const t = l && n.type === 'assignment_statement' ? b.targetOf(l) : undefined;
          if (t) b.add(t, 'set', how, n);
        }
        right.forEach((r, i) => {
          if (!r) return;
          // `x := s.jobs` is an alias (collected above), not an escape.
          if (n.type === 'short_var_declaration' && left.length === right.length && left[i]?.type === 'identifier') return;
          b.escape(r, how, n);
        });
        break;
      }
      case 'var_spec':
        for (const v of n.childForFieldName('value')?.namedChildren ?? []) if (v) b.escape(v, b.howAt(n), n);
        break;
      case 'literal_value':
        for (const el of n.namedChildren) {
          if (!el) continue;
          const v = el.type === 'keyed_element' ? el.namedChild(1) : el.type === 'literal_element' ? el : null;
          const inner = v?.type === 'literal_element' ? v.namedChild(0) : v;
          if (inner) b.escape(inner, b.howAt(n), n);
        }
        break;
    }
  }
  const variadic = b.fn.childForFieldName('parameters')?.namedChildren.some((p) => p?.type === 'variadic_parameter_declaration');
  return {
    params: b.params,
    ...(variadic ? { variadic: true as const } : {}),
    ...(b.recv ? { recv: b.recv } : {}),
    effects: b.effects,
    passes: b.passes,
    results: full ? b.results() : [],
  };
}

/** `$0.x` seen from a caller that passed `recv.jobs` as argument 0 → `recv.jobs.x`. */
export function mapTarget(target: string, pass: { recv?: string; args: [number, string][] }): string | undefined {
  if (target.startsWith('var:')) return target;
  const dot = target.indexOf('.');
  const root = dot < 0 ? target : target.slice(0, dot);
  const rest = dot < 0 ? '' : target.slice(dot);
  let base: string | undefined;
  if (root === 'recv') base = pass.recv;
  else base = pass.args.find(([i]) => `$${i}` === root)?.[1];
  if (!base) return undefined;
  const mapped = base + rest;
  return mapped.split('.').length - 1 <= MAX_FIELDS ? mapped : undefined;
}

function normalize(effects: Effect[]): Effect[] {
  const seen = new Map<string, Effect>();
  for (const e of effects) {
    const k = `${e.target}\0${e.op}\0${e.how}`;
    if (!seen.has(k)) seen.set(k, e);
  }
  return [...seen.values()].sort((a, b) => (a.target < b.target ? -1 : a.target > b.target ? 1 : a.op < b.op ? -1 : a.op > b.op ? 1 : a.how - b.how));
}

/**
 * The callee may keep what its parameter `i` holds beyond the call: stores, returns or sends
 * it, or uses it in a goroutine or a function literal that may run later.
 */
function keepsParam(s: FuncSummary, i: number): boolean {
  if (s.variadic && i >= s.params.length - 1) return true;
  const target = `$${i}`;
  for (const e of s.effects) {
    if (e.target !== target && !e.target.startsWith(`${target}.`)) continue;
    if (e.op === 'escape' || e.op === 'return' || e.op === 'set' || e.op === 'send') return true;
    if (e.how & (HOW.go | HOW.closure)) return true;
  }
  return s.results.some((rs) => rs.some((o) => ('param' in o && o.param === i) || ('derived' in o && o.derived === i)));
}

function combine(local: CoreLocal, callee: (key: DeclKey) => FuncSummary | undefined): FuncSummary {
  const effects = [...local.effects];
  const calls = new Set<DeclKey>();
  const starts = new Set<DeclKey>();
  for (const p of local.passes) {
    // `go s.run()`, and `go func() { s.run() }()`: run is started as a goroutine.
    if (p.go || p.how & HOW.go) starts.add(p.callee);
    else calls.add(p.callee);
    const s = callee(p.callee);
    for (const [i, root] of p.derived ?? []) {
      if (!s || keepsParam(s, i)) effects.push({ target: root, op: 'escape', how: p.how | HOW.callee, at: p.at });
    }
    if (!s) {
      // Beyond the depth bound (or in a cycle's cut): the callee may do anything.
      for (const [, t] of p.args) effects.push({ target: t, op: 'escape', how: p.how | HOW.callee, at: p.at });
      continue;
    }
    for (const e of s.effects) {
      const t = mapTarget(e.target, p);
      if (t) effects.push({ target: t, op: e.op, how: e.how | p.how | HOW.callee, at: e.at });
    }
    for (const k of s.starts) starts.add(k);
  }
  const results: Origin[][] = local.results.map(() => []);
  const put = (k: number, o: Origin) => {
    while (results.length <= k) results.push([]);
    results[k]!.push(o);
  };
  local.results.forEach((list, k) => {
    for (const o of list) {
      if (!('via' in o)) {
        put(k, o);
        continue;
      }
      // `return f()` hands over every result of f; `x, err := f(); return x` one of them.
      const s = callee(o.via);
      const picked: [number, Origin[]][] = o.result === 'same' ? (s?.results ?? []).map((rs, j) => [j, rs]) : [[k, s?.results[o.result] ?? []]];
      for (const [pos, rs] of picked) {
        for (const r of rs) {
          // The callee's parameter is the caller's when the caller passed its own.
          if ('param' in r || 'derived' in r) {
            const i = 'param' in r ? r.param : r.derived;
            const mine = o.args.find(([a]) => a === i);
            if (mine) put(pos, 'param' in r ? { param: mine[1] } : { derived: mine[1] });
          } else put(pos, r);
        }
      }
    }
  });
  return {
    params: local.params,
    ...(local.variadic ? { variadic: true as const } : {}),
    ...(local.recv ? { recv: local.recv } : {}),
    effects: normalize(effects),
    calls: [...calls].sort(),
    starts: [...starts].sort(),
    results: results.map(dedupe),
  };
}

function dedupe(list: Origin[]): Origin[] {
  const seen = new Set<string>();
  return list.filter((o) => {
    const k = JSON.stringify(o);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Build-tag variants of one function: whatever any of them may do. */
function join(a: FuncSummary, b: FuncSummary): FuncSummary {
  return {
    params: a.params,
    ...(a.variadic ? { variadic: true as const } : {}),
    ...(a.recv ? { recv: a.recv } : {}),
    effects: normalize([...a.effects, ...b.effects]),
    calls: [...new Set([...a.calls, ...b.calls])].sort(),
    starts: [...new Set([...a.starts, ...b.starts])].sort(),
    results: Array.from({ length: Math.max(a.results.length, b.results.length) }, (_, k) => dedupe([...(a.results[k] ?? []), ...(b.results[k] ?? [])])),
  };
}

/** The core summary kind. */
export const coreSummary: SummaryKind<CoreLocal, FuncSummary> = { id: 'core', local: coreLocal, combine, join };

/**
 * What a function does in its own body to its parameters and receiver, with no call resolved
 * (every argument passed on is an escape), no package variable and no results: the core
 * summary's effects at a fraction of the cost, for questions about direct operations only
 * (ask it at depth 0).
 */
export const directEffects: SummaryKind<CoreLocal, FuncSummary> = {
  id: 'core-direct',
  local: (fx) => coreLocal({ ...fx, calleeKey: () => undefined }, false),
  combine,
  join,
};

/** Effects that do not happen on every run of the function they are in. */
const MAYBE = HOW.cond | HOW.select | HOW.once | HOW.closure | HOW.go;

interface CloseLocal {
  /** Targets the function's own body closes whenever it runs. */
  closes: string[];
  /** Its calls of same-package functions that run whenever it runs. */
  passes: Pass[];
}

/** The calls of `fx`'s function that `keep` selects, run through the core local step's call handling. */
function closeLocal(fx: FunctionSyntax, keep: (call: Node, b: LocalBuilder) => boolean): CloseLocal {
  const b = new LocalBuilder(fx, false);
  b.collectAliases(b.nodes.filter((n) => n.type === 'short_var_declaration'));
  for (const n of b.nodes) if (n.type === 'call_expression' && keep(n, b)) b.call(n);
  return { closes: b.effects.filter((e) => e.op === 'close' && !(e.how & MAYBE)).map((e) => e.target), passes: b.passes.filter((p) => !(p.how & MAYBE)) };
}

/**
 * The targets a function closes whenever it runs, in its own body or through the calls it
 * makes whenever it runs: the targets of the core summary's close effects with none of the
 * cond, select, once, closure and go bits, without resolving (or following) a call that may
 * not run, and with no package variable as a target (none maps to a parameter or the
 * receiver of a caller). Sorted.
 */
export const unconditionalCloses: SummaryKind<CloseLocal, string[]> = {
  id: 'closes',
  local: (fx) =>
    closeLocal(fx, (call, b) => !(b.howAt(call) & MAYBE) && unparenUp(call).parent?.type !== 'go_statement'),
  // No callee is asked at depth 0: only the builtin's calls matter.
  leaf: (fx) =>
    fx.decl.node.text.includes('close')
      ? closeLocal(fx, (call) => {
          const f = call.childForFieldName('function');
          return f?.type === 'identifier' && f.text === 'close';
        })
      : { closes: [], passes: [] },
  combine: (local, callee) => {
    const out = new Set(local.closes);
    for (const p of local.passes) {
      for (const t of callee(p.callee) ?? []) {
        const mapped = mapTarget(t, p);
        if (mapped) out.add(mapped);
      }
    }
    return [...out].sort();
  },
  join: (a, b) => [...new Set([...a, ...b])].sort(),
};

/** Effects of a summary on one target, optionally one op. */
export function effectsOn(s: FuncSummary | undefined, target: string, op?: string): Effect[] {
  if (!s) return [];
  return s.effects.filter((e) => e.target === target && (op === undefined || e.op === op));
}

/** True when the summary has the op on the target, in any way `how` allows (by default any way). */
export function does(s: FuncSummary | undefined, target: string, op: string, allowed = ~0): boolean {
  return effectsOn(s, target, op).some((e) => (e.how & ~allowed) === 0);
}

/** The target naming parameter `i`. */
export function param(i: number): string {
  return `$${i}`;
}

/** The operand of `x.(T)` (in parentheses or not), else undefined. */
function assertedOperand(e: Node): Node | undefined {
  const u = unparen(e);
  return u.type === 'type_assertion_expression' ? (u.childForFieldName('operand') ?? undefined) : undefined;
}

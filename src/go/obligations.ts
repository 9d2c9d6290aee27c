// Release obligations: "a value made here must be released by a method call in the function
// that owns it, unless it escapes". Shared by the resource rules (unclosed-client, and the
// same shape for bodies, files, tickers…): where a call's result is bound, how a variable is
// settled (released, escaped, or left open), where the `defer x.Close()` fix goes, and the
// same-file flow: helpers that hand a value to their caller, functions that only borrow one.
import type { Node } from 'web-tree-sitter';
import type { TextEdit } from '../engine/types.js';
import { carrierOf, enclosingFunction, isFunction, unparen, unparenUp, type EscapeReason, type FileFacts } from './facts.js';
import { funcsOf, funcValues } from './funcs.js';
import { openExits } from './paths.js';
import { typeName, valueType } from './valuetypes.js';
import { callArgs } from './words.js';

/** Where the value of a call ends up. */
export type Binding =
  /** `x.New(…)` as a statement, or `_, err := x.New(…)`: nobody can release it. */
  | { kind: 'discarded'; stmt: Node; results: number }
  /** `v, err := x.New(…)`, `v, err = …`, `var v, err = …`: the value lives in `ident`. */
  | { kind: 'bound'; ident: Node; stmt: Node; declares: boolean; results: number; errName?: string }
  /** Anything else (an argument, a return, a field, an index, …): syntax can't follow it. */
  | { kind: 'other' };

const ASSIGNS = new Set(['short_var_declaration', 'assignment_statement', 'var_spec']);

function leftOf(stmt: Node): Node[] {
  if (stmt.type === 'var_spec') return stmt.childrenForFieldName('name').filter((n): n is Node => n !== null);
  return stmt.childForFieldName('left')?.namedChildren.filter((n): n is Node => n !== null) ?? [];
}

function rightOf(stmt: Node): Node | null {
  return stmt.childForFieldName(stmt.type === 'var_spec' ? 'value' : 'right');
}

/**
 * Where result number `index` of `call` goes. A call alone on the right binds its results
 * to the names on the left in order (`a, b, err := f()`); among several expressions on the
 * right each is single-valued (`a, b := f(), g()`).
 */
export function bindingOf(call: Node, index = 0): Binding {
  const up = unparenUp(call);
  const parent = up.parent;
  if (!parent) return { kind: 'other' };
  if (parent.type === 'expression_statement') return { kind: 'discarded', stmt: parent, results: 1 };
  if (parent.type !== 'expression_list') return { kind: 'other' };
  const stmt = parent.parent;
  if (!stmt || !ASSIGNS.has(stmt.type) || rightOf(stmt)?.id !== parent.id) return { kind: 'other' };
  if (stmt.type === 'assignment_statement' && stmt.childForFieldName('operator')?.text !== '=') return { kind: 'other' };
  const left = leftOf(stmt);
  const right = parent.namedChildren.filter((n): n is Node => n !== null);
  let pos: number;
  let results: number;
  if (right.length === 1) {
    pos = index;
    results = left.length;
  } else {
    if (index !== 0) return { kind: 'other' };
    pos = right.findIndex((r) => r.id === up.id);
    results = 1;
  }
  const target = left[pos];
  // The statement that holds the declaration: a var_spec sits in a var_declaration.
  const holder = stmt.type === 'var_spec' ? (stmt.parent?.type === 'var_declaration' ? stmt.parent : stmt.parent?.parent ?? stmt) : stmt;
  if (!target) return { kind: 'other' };
  if (target.type === 'blank_identifier' || (target.type === 'identifier' && target.text === '_')) {
    return { kind: 'discarded', stmt: holder, results };
  }
  if (target.type !== 'identifier') return { kind: 'other' };
  const last = results > 1 && right.length === 1 ? left[left.length - 1] : undefined;
  const errName = last?.type === 'identifier' && last.text !== '_' ? last.text : undefined;
  return { kind: 'bound', ident: target, stmt: holder, declares: stmt.type !== 'assignment_statement', results, errName };
}

/**
 * True when `n` sits in a func literal nested in `owner`. Decided by offsets against the
 * owner's func literals (one WASM-side query per owner, memoized): walking `parent`
 * links costs a descent from the root at every step.
 */
function inClosure(facts: FileFacts, owner: Node, n: Node): boolean {
  return facts.within(owner, 'func_literal').some((l) => l.id !== owner.id && l.startIndex <= n.startIndex && n.endIndex <= l.endIndex);
}

/** A use in a closure may name the closure's own variable: is it `owner`'s? */
export function ownersVariable(facts: FileFacts, owner: Node, name: string, use: Node): boolean {
  if (!inClosure(facts, owner, use)) return true;
  const where = facts.resolveName(name, use);
  return typeof where === 'object' && where.id === owner.id;
}

/** True for `_ = v` (and `_, _ = v, w`): Go's way to say "unused", not an escape. */
function blankAssigned(use: Node): boolean {
  const list = unparenUp(use).parent;
  const stmt = list?.parent;
  if (list?.type !== 'expression_list' || stmt?.type !== 'assignment_statement') return false;
  return leftOf(stmt).every((n) => n.text === '_');
}

export type Settlement =
  | { kind: 'released'; at: Node; method: string }
  | { kind: 'escaped'; at: Node; reason: EscapeReason | 'named result' | 'captured by a closure' }
  | { kind: 'open' };

/** Calls that run the func literal they are given before they return. */
const SYNC_RUNNERS = new Set(['Run', 'Do']);

/**
 * True when a func literal may outlive the function it is written in: returned, stored
 * (field, composite literal, package variable), sent, or handed to a call
 * (`http.HandleFunc("/", func(…) { client.… })`). Called on the spot, deferred, kept in a
 * local, or given to `t.Run` / `once.Do`, it does not.
 */
function literalEscapes(lit: Node): boolean {
  const up = unparenUp(lit);
  const p = up.parent;
  if (!p) return false;
  switch (p.type) {
    case 'call_expression':
      return false;
    case 'argument_list': {
      const fn = p.parent?.childForFieldName('function');
      return !(fn?.type === 'selector_expression' && SYNC_RUNNERS.has(fn.childForFieldName('field')?.text ?? ''));
    }
    case 'literal_element':
    case 'keyed_element':
      return !localTable(p);
    case 'return_statement':
    case 'send_statement':
      return true;
    case 'expression_list': {
      const stmt = p.parent;
      if (stmt?.type === 'return_statement') return true;
      if (stmt?.type === 'assignment_statement') return leftOf(stmt).some((l) => l.type !== 'identifier');
      return false;
    }
    default:
      return false;
  }
}

const LITERAL_PARTS = new Set(['literal_element', 'keyed_element', 'literal_value', 'composite_literal', 'unary_expression', 'parenthesized_expression']);

/** A composite literal that is ranged over or kept in a local (a test table), not stored away. */
function localTable(element: Node): boolean {
  let n = element;
  while (n.parent && LITERAL_PARTS.has(n.parent.type)) n = n.parent;
  const p = n.parent;
  if (p?.type === 'range_clause') return true;
  return p?.type === 'expression_list' && (p.parent?.type === 'short_var_declaration' || p.parent?.type === 'range_clause');
}

/** The use sits in a closure (between it and `owner`) that may outlive `owner`. */
export function inEscapingClosure(use: Node, owner: Node): boolean {
  for (let fn = enclosingFunction(use); fn && fn.id !== owner.id; fn = enclosingFunction(fn)) {
    if (fn.type === 'func_literal' && literalEscapes(fn)) return true;
  }
  return false;
}

export interface SettleOptions {
  /** Methods whose call (or method value) releases the value: Close, Stop, … */
  methods: ReadonlySet<string>;
  /** Only uses that start in [from, until) count (a re-assignment ends a value's window). */
  from?: number;
  until?: number;
  /**
   * Uses inside closures count wherever they are: a closure reads the variable when it
   * runs, so `defer func() { c.Close() }()` written before `c = …` closes the new value,
   * whereas `defer c.Close()` binds the value it sees.
   */
  closuresAnywhere?: boolean;
  /** The statement that put the value in the variable: declarations in scopes around a use
   *  that do not hold it (`if c := st.Code(); …`) shadow the variable there. */
  own?: Node;
  /**
   * Says whether a call only borrows its argument number `index` (uses it and gives it
   * back, e.g. a same-file function that neither releases nor keeps its parameter): such a
   * pass is a use, not an escape. Without it every argument is an escape.
   */
  borrows?: (call: Node, index: number) => boolean;
  /** Escapes that do not count (a helper asks whether its client goes anywhere but back). */
  ignore?: ReadonlySet<string>;
  /** The value is this field of the variable (`resp.Body`): see settlements. */
  field?: string;
  /**
   * A named result is followed like any local: its returns are the caller's business (a
   * helper asks what its returns hand over), and its releases count.
   */
  namedToo?: boolean;
}

/** `f(a, c)`, not started with `go`: is `c` lent to a call that only borrows it? */
function lentTo(use: Node, borrows: SettleOptions['borrows']): boolean {
  if (!borrows) return false;
  const arg = unparenUp(use);
  const list = arg.parent;
  const call = list?.parent;
  if (list?.type !== 'argument_list' || call?.type !== 'call_expression') return false;
  if (unparenUp(call).parent?.type === 'go_statement') return false;
  const index = list.namedChildren.findIndex((a) => a?.id === arg.id);
  return index >= 0 && borrows(call, index);
}

/**
 * How the value held by local `name` of `owner` is settled. A release anywhere in the
 * function counts, in closures and deferred funcs too (`defer func() { c.Close() }()`),
 * and so does a method value (`t.Cleanup(c.Close)`); any escape of the variable makes the
 * value someone else's business. The first release or escape met decides.
 */
export function settle(facts: FileFacts, owner: Node, name: string, opts: SettleOptions): Settlement {
  for (const s of settlements(facts, owner, name, opts)) return s;
  return { kind: 'open' };
}

/**
 * Every release and escape of the value held by `name`, in document order (settle takes the
 * first; a path analysis needs them all). With `field`, the value is `name.field` (a
 * response's Body): `name.field.Close()` releases it, and `name.field` handed on escapes
 * like the variable would.
 */
export function* settlements(facts: FileFacts, owner: Node, name: string, opts: SettleOptions, copies = 0): Generator<Exclude<Settlement, { kind: 'open' }>> {
  if (!opts.namedToo && isNamedResult(owner, name)) {
    yield { kind: 'escaped', at: owner, reason: 'named result' };
    return;
  }
  const from = opts.from ?? 0;
  const until = opts.until ?? Number.POSITIVE_INFINITY;
  for (const use of facts.uses(owner, name)) {
    if (use.startIndex < from || use.startIndex >= until) {
      if (!opts.closuresAnywhere || !inClosure(facts, owner, use)) continue;
    }
    // A closure that declares its own `name` talks about another variable.
    if (!ownersVariable(facts, owner, name, use)) continue;
    let up = carrierOf(facts, use);
    let sel = up.parent;
    // With a field, `resp.Body` is the value; `resp.StatusCode` and the like are plain uses.
    const viaField =
      !!opts.field && sel?.type === 'selector_expression' && sel.childForFieldName('operand')?.id === up.id && sel.childForFieldName('field')?.text === opts.field;
    if (viaField) {
      up = carrierOf(facts, sel!);
      sel = up.parent;
    }
    if (sel?.type === 'selector_expression' && sel.childForFieldName('operand')?.id === up.id) {
      const method = sel.childForFieldName('field')?.text ?? '';
      const ofValue = !opts.field || viaField;
      if (ofValue && opts.methods.has(method) && !shadowed(use, owner, opts.own)) {
        yield { kind: 'released', at: sel, method };
        continue;
      }
      // `c.Bucket(name)` in the function's own body is a use; in a closure, see below.
      if (!inClosure(facts, owner, use)) continue;
    }
    if (isDeclaration(up) || blankAssigned(up)) continue;
    const reason = facts.escapeOf(up, owner) ?? (inClosure(facts, owner, use) && inEscapingClosure(use, owner) ? 'captured by a closure' : null);
    if (!reason || opts.ignore?.has(reason) || shadowed(use, owner, opts.own)) continue;
    // `*c` hands on a copy of the value (escapeOf): lent as c would be, and a copy kept in a
    // variable is followed there (`r := *resp; defer r.Body.Close()`, `return &r`).
    const copy = derefCopy(facts, up);
    if (reason === 'passed as an argument' && lentTo(copy ?? up, opts.borrows)) continue;
    if (copy && reason === 'assigned') {
      const held = copyHolder(copy);
      if (held?.target.type === 'identifier') {
        if (held.target.text === '_') continue;
        const holder = ownerOf(facts, held.target.text, held.target);
        if (holder && copies < MAX_COPIES) {
          const from = held.stmt.endIndex;
          yield* settlements(facts, holder, held.target.text, { ...opts, from, until: undefined, own: held.stmt, namedToo: false }, copies + 1);
          continue;
        }
      }
    }
    yield { kind: 'escaped', at: use, reason };
  }
}

/** How many copies (`r := *resp`) settlements follows, one into the next. */
const MAX_COPIES = 3;

/** `*use`, `(*use)`, `T(*use)`: the expression that holds the copy `*use` makes, if any. */
function derefCopy(facts: FileFacts, up: Node): Node | undefined {
  const p = up.parent;
  return p?.type === 'unary_expression' && p.child(0)?.type === '*' ? carrierOf(facts, p) : undefined;
}

/** The statement that assigns `value` (one expression of its right side) and what it is assigned to. */
function copyHolder(value: Node): { stmt: Node; target: Node } | undefined {
  const list = value.parent;
  const stmt = list?.type === 'expression_list' ? list.parent : list;
  if (!stmt || (stmt.type !== 'assignment_statement' && stmt.type !== 'short_var_declaration' && stmt.type !== 'var_spec')) return undefined;
  const right = rightOf(stmt);
  const values = right?.type === 'expression_list' ? right.namedChildren : [right];
  const i = values.findIndex((v) => v?.id === value.id);
  const left = leftOf(stmt);
  const target = i >= 0 && left.length === values.length ? left[i] : undefined;
  return target ? { stmt, target } : undefined;
}

const HEADERS = new Set(['if_statement', 'for_statement', 'expression_switch_statement', 'type_switch_statement']);

/** Does `decl` (a statement, clause or initializer) declare `name`? */
function declares(decl: Node, name: string): boolean {
  let left: (Node | null)[] = [];
  if (decl.type === 'short_var_declaration' || decl.type === 'range_clause') {
    if (decl.type === 'range_clause' && !decl.children.some((c) => c?.type === ':=')) return false;
    left = decl.childForFieldName('left')?.namedChildren ?? [];
  } else if (decl.type === 'var_declaration') {
    left = decl.descendantsOfType('var_spec').flatMap((v) => v?.childrenForFieldName('name') ?? []);
  } else if (decl.type === 'for_clause') {
    const init = decl.childForFieldName('initializer');
    return !!init && declares(init, name);
  }
  return left.some((n) => n?.type === 'identifier' && n.text === name);
}

function contains(outer: Node, inner: Node): boolean {
  return inner.startIndex >= outer.startIndex && inner.endIndex <= outer.endIndex;
}

/**
 * True when `use` reads another variable of the same name: a declaration in a scope around
 * the use (an if/for/switch header, or an earlier statement of an enclosing block) whose
 * scope does not hold `own`, the statement that stored our value. Checked only for the
 * few uses that would settle the value, so it may look around.
 */
function shadowed(use: Node, owner: Node, own: Node | undefined): boolean {
  if (!own) return false;
  const name = use.text;
  for (let n: Node = use; n.parent && n.id !== owner.id; n = n.parent) {
    const p = n.parent;
    // Scopes that hold our statement are the variable's own.
    if (contains(p, own)) continue;
    if (HEADERS.has(p.type)) {
      const init = p.childForFieldName('initializer');
      if (init && init.id !== n.id && declares(init, name)) return true;
      // `switch c := x.(type)`
      const alias = p.childForFieldName('alias');
      if (alias && (alias.type === 'identifier' ? [alias] : alias.namedChildren).some((a) => a?.text === name)) return true;
      const clause = p.namedChildren.find((c) => c?.type === 'for_clause' || c?.type === 'range_clause');
      if (clause && clause.id !== n.id && declares(clause, name)) return true;
    } else if (p.type === 'statement_list') {
      for (const s of p.namedChildren) {
        if (!s || s.startIndex >= n.startIndex) break;
        if (declares(s, name)) return true;
      }
    }
  }
  return false;
}

/** Every `name.M` (M a release method) that reads `owner`'s variable, called or not. */
export function releasesOf(facts: FileFacts, owner: Node, name: string, methods: ReadonlySet<string>): Node[] {
  const out: Node[] = [];
  for (const use of facts.uses(owner, name)) {
    const up = carrierOf(facts, use);
    const sel = up.parent;
    if (sel?.type !== 'selector_expression' || sel.childForFieldName('operand')?.id !== up.id) continue;
    if (!methods.has(sel.childForFieldName('field')?.text ?? '')) continue;
    if (ownersVariable(facts, owner, name, use)) out.push(sel);
  }
  return out;
}

/** True when the value bound from `call` (`c, err := x.New(…)`) is released somewhere in its function. */
export function releasedValue(facts: FileFacts, call: Node, methods: ReadonlySet<string>): boolean {
  const b = bindingOf(call);
  if (b.kind !== 'bound') return false;
  const owner = b.declares ? enclosingFunction(b.ident) : ownerOf(facts, b.ident.text, b.ident);
  return !!owner && releasesOf(facts, owner, b.ident.text, methods).length > 0;
}

/** The identifier is a name being declared or assigned to, not a read of the value. */
export function isDeclaration(id: Node): boolean {
  const p = id.parent;
  if (!p) return false;
  if (p.type === 'var_spec') return p.childrenForFieldName('name').some((n) => n?.id === id.id);
  if (p.type === 'expression_list') {
    const stmt = p.parent;
    return !!stmt && (stmt.type === 'short_var_declaration' || stmt.type === 'assignment_statement') && stmt.childForFieldName('left')?.id === p.id;
  }
  return false;
}

/**
 * True when the function returns something made from the variable in one expression:
 * `return c.Bucket(b).Objects(ctx, nil)`. A lazy iterator or handle may need the value
 * after the function returns, so releasing it there could break the caller.
 */
export function returnsDerived(facts: FileFacts, owner: Node, name: string): boolean {
  for (const use of facts.uses(owner, name)) {
    let top = unparenUp(use);
    for (;;) {
      const p = top.parent;
      if (!p) break;
      const chained =
        (p.type === 'selector_expression' && p.childForFieldName('operand')?.id === top.id) ||
        (p.type === 'call_expression' && p.childForFieldName('function')?.id === top.id) ||
        p.type === 'parenthesized_expression';
      if (!chained) break;
      top = p;
    }
    if (top.id === unparenUp(use).id) continue;
    const p = top.parent;
    if (p?.type === 'return_statement' || (p?.type === 'expression_list' && p.parent?.type === 'return_statement')) {
      if (!inClosure(facts, owner, use)) return true;
    }
  }
  return false;
}

/** `func f() (c *Client, err error)`: a bare return hands the named result to the caller. */
export function isNamedResult(fn: Node, name: string): boolean {
  const result = fn.childForFieldName('result');
  if (result?.type !== 'parameter_list') return false;
  return result.namedChildren.some((p) => p?.childrenForFieldName('name').some((n) => n?.text === name));
}

const LOOPS = new Set(['for_statement']);

/** True when `n` runs once per iteration of a loop of `owner` (not counting nested functions). */
export function inLoop(n: Node, owner: Node): boolean {
  for (let p = n.parent; p && p.id !== owner.id; p = p.parent) {
    if (isFunction(p)) return false;
    if (LOOPS.has(p.type)) return true;
  }
  return false;
}

/**
 * True when `later` runs after `earlier` in sequence: it sits in (or under) a statement
 * that follows `earlier`'s statement in the same statement list. Two assignments in the
 * branches of one if/else or switch are alternatives, not a re-assignment.
 */
export function followsInSequence(earlier: Node, later: Node): boolean {
  const list = earlier.parent;
  if (!list) return false;
  for (let p: Node | null = later; p; p = p.parent) {
    if (p.parent?.id === list.id) return p.startIndex >= earlier.endIndex;
  }
  return false;
}

/** The statement that directly follows `stmt` in its statement list, if any. */
function nextStatement(stmt: Node): Node | undefined {
  const list = stmt.parent;
  if (!list) return undefined;
  const stmts = list.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
  const i = stmts.findIndex((s) => s.id === stmt.id);
  return i >= 0 ? stmts[i + 1] : undefined;
}

/** `if err != nil { … }` (or any `if` whose condition reads `errName`) right after `stmt`. */
export function errorCheckAfter(stmt: Node, errName: string | undefined): Node | undefined {
  if (!errName) return undefined;
  const next = nextStatement(stmt);
  if (next?.type !== 'if_statement' || next.childForFieldName('initializer')) return undefined;
  const cond = next.childForFieldName('condition');
  if (!cond) return undefined;
  const reads = cond.type === 'identifier' ? [cond] : cond.descendantsOfType('identifier');
  return reads.some((id) => id?.text === errName) ? next : undefined;
}

/**
 * The edit that inserts `line` (e.g. `defer c.Close()`) on its own line after the error
 * check that follows `stmt` (or after `stmt` itself), indented like `stmt`. Undefined when
 * `stmt` is not a statement of a block (an `if` or `for` header, a one-line block, …).
 */
export function insertAfterErrorCheck(text: string, stmt: Node, errName: string | undefined, line: string): TextEdit | undefined {
  const list = stmt.parent;
  if (list?.type !== 'statement_list' && list?.type !== 'block') return undefined;
  const after = errorCheckAfter(stmt, errName) ?? stmt;
  const lineStart = text.lastIndexOf('\n', stmt.startIndex - 1) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart, stmt.startIndex))![0];
  // The statement must start its line, and nothing but a comment may follow `after`.
  if (lineStart + indent.length !== stmt.startIndex) return undefined;
  const nl = text.indexOf('\n', after.endIndex);
  const rest = text.slice(after.endIndex, nl < 0 ? text.length : nl);
  if (!/^[ \t]*(\/\/.*)?\r?$/.test(rest)) return undefined;
  const eol = nl > 0 && text[nl - 1] === '\r' ? '\r\n' : '\n';
  if (nl < 0) return { range: [text.length, text.length], text: `${eol}${indent}${line}${eol}` };
  const at = nl + 1;
  return { range: [at, at], text: `${indent}${line}${eol}` };
}

/** The function that owns local `name` as seen from `at`, or null for package/unknown names. */
export function ownerOf(facts: FileFacts, name: string, at: Node): Node | null {
  const where = facts.resolveName(name, at);
  return typeof where === 'object' ? where : null;
}


/** The file's top-level functions by name (not methods), memoized per file. */
export function topLevelFunctions(facts: FileFacts): Map<string, Node> {
  return funcsOf(facts).functions();
}

export interface BorrowOptions {
  /** The value lives in this field of the variable (`resp.Body`): lending the variable lends it. */
  field?: string;
  /** Also follow calls of methods whose name no other function or method of the file has. */
  methods?: boolean;
  /** Calls known to borrow, asked first (the standard library's readers and writers). */
  known?: (call: Node, index: number) => boolean;
  /** Calls of functions the file does not declare: the package view's answer (returns.ts packageBorrows). */
  elsewhere?: (call: Node, index: number) => boolean;
}

/** The same-file function or method a call runs, when syntax can tell. */
export function calleeDecl(facts: FileFacts, call: Node, methods: boolean): Node | undefined {
  const fn = call.childForFieldName('function');
  if (fn?.type === 'identifier') {
    const decl = topLevelFunctions(facts).get(fn.text);
    return decl && facts.resolveName(fn.text, call) === 'package' ? decl : undefined;
  }
  if (!methods || fn?.type !== 'selector_expression' || facts.qualified(fn)) return undefined;
  const decls = funcsOf(facts).byName().get(fn.childForFieldName('field')?.text ?? '');
  // The file's only method of that name, unless the call does not fit its parameters
  // (`sm.Get(r, key)` is not `(*Client) Get(url)`) or the receiver shows another type:
  // `b.initOnce.Do(b.build)` is sync.Once's Do, not the file's `(*Client) Do(req)`.
  const only = decls?.length === 1 && decls[0]!.type === 'method_declaration' ? decls[0] : undefined;
  const decl = only && takes(only, call) ? only : undefined;
  const operand = fn.childForFieldName('operand');
  const shown = decl && operand ? valueType(facts, operand) : undefined;
  if (!decl || !shown) return decl;
  const recv = decl.childForFieldName('receiver')?.namedChildren.find((p) => p?.type === 'parameter_declaration');
  return shown === typeName(facts, recv?.childForFieldName('type') ?? null) ? decl : undefined;
}

/** `call` can be a call of `decl` by its number of arguments (a variadic one or `f(g())` may spread). */
function takes(decl: Node, call: Node): boolean {
  const list = call.childForFieldName('arguments');
  const args = callArgs(call);
  if (list?.children.some((c) => c?.type === '...') || (args.length === 1 && unparen(args[0]!).type === 'call_expression')) return true;
  let n = 0;
  for (const p of decl.childForFieldName('parameters')?.namedChildren ?? []) {
    if (p?.type === 'variadic_parameter_declaration') return args.length >= n;
    if (p?.type === 'parameter_declaration') n += Math.max(1, p.childrenForFieldName('name').length);
  }
  return args.length === n;
}

/**
 * A `borrows` check for settle: a call of a same-file function whose parameter, in that
 * function, is neither released nor escapes (`printTopics(w, client)`) only borrows the
 * argument. Memoized per parameter; a cycle of calls lends nothing. Calls of functions the
 * file does not declare go to `elsewhere` (the package view's answer), when given.
 */
export function borrowCheck(facts: FileFacts, methods: ReadonlySet<string>, opts: BorrowOptions = {}): (call: Node, index: number) => boolean {
  const memo = new Map<string, boolean>();
  const borrows = (call: Node, index: number): boolean => {
    if (opts.known?.(call, index)) return true;
    const args = call.childForFieldName('arguments');
    if (!args || args.children.some((c) => c?.type === '...')) return false;
    const decl = calleeDecl(facts, call, !!opts.methods);
    if (decl) return declBorrows(decl, args, index);
    // `cmdFn(ctx, w, client)` where cmdFn can only be functions of the file: each must borrow.
    const fn = call.childForFieldName('function');
    const values = fn ? funcValues(facts, fn) : undefined;
    if (values) return values.every((d) => declBorrows(d, args, index));
    return opts.elsewhere?.(call, index) ?? false;
  };
  const declBorrows = (decl: Node, args: Node, index: number): boolean => {
    const param = parameterAt(decl, index);
    if (!param) return false;
    // `closeBody(resp)` lends the body with the variable; `drain(resp.Body)` the body itself.
    const arg = args.namedChildren.filter((c) => c?.type !== 'comment')[index];
    const field = opts.field && arg?.type === 'identifier' ? opts.field : undefined;
    const key = `${decl.id}:${param}:${field ?? ''}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    memo.set(key, false);
    const verdict = settle(facts, decl, param, { methods, borrows, field }).kind === 'open';
    memo.set(key, verdict);
    return verdict;
  };
  return borrows;
}

/**
 * True when a `return` of `decl` hands over the value that `start` put in `v` still open:
 * not released on the way (`defer resp.Body.Close()` before `return resp`, as a helper
 * that reads the body and hands back a response with a replaced one does), and not kept
 * elsewhere too (`cache = c; return c`).
 */
export function handsOver(
  facts: FileFacts,
  decl: Node,
  v: string,
  start: Extract<Binding, { kind: 'bound' }>,
  release: Pick<SettleOptions, 'methods' | 'field' | 'borrows'>,
  ends: (call: Node) => boolean,
): boolean {
  // `defer resp.Body.Close()` in a helper whose result is named closes what it returns too.
  const events = [...settlements(facts, decl, v, { ...release, ignore: RETURNED_ONLY, closuresAnywhere: true, namedToo: true })];
  if (events.some((e) => e.kind === 'escaped')) return false;
  const named = namedResults(decl).includes(v);
  const exits = openExits({ owner: decl, start: start.stmt, name: v, settles: events.map((e) => e.at), errName: start.errName, declares: start.declares, ends });
  if (exits === null) return !events.length;
  return exits.exits.some((x) => x.kind === 'return' && returnsName(x.at, v, named));
}

/** A value a helper hands its caller, and the constructor call that made it. */
export interface Made<T> {
  call: Node;
  what: T;
}

/**
 * Same-file helpers that hand their caller a value they made, by result position:
 *
 *	func open(p string) (*os.File, error) { return os.Open(p) }          result 0: os.Open
 *	func get(u string) (*http.Response, error) { r, err := fetch(u); … return r, nil }
 *
 * The value comes from a constructor call inside the helper (`made` says which calls are
 * constructors), directly or through another helper. A helper that releases the value
 * itself (it reads the body, closes it and returns the response with a replaced body, or
 * hands out its own clean-up) or also keeps it hands nothing over. `calls` are the
 * candidate calls of the file (constructors and calls of the file's own functions).
 */
export class Makers<T> {
  private readonly memo = new Map<number, Map<number, Made<T>>>();

  constructor(
    private readonly facts: FileFacts,
    private readonly calls: readonly Node[],
    private readonly made: (call: Node) => T | undefined,
    private readonly release: (what: T) => Pick<SettleOptions, 'methods' | 'field' | 'borrows'>,
    private readonly methods: boolean,
    private readonly ends: (call: Node) => boolean,
    /** A cheap first test on a declaration (its result types): can it hand such a value over at all? */
    private readonly mayHandOver: (decl: Node) => boolean = () => true,
  ) {}

  /** What `decl`'s results carry, by position (empty when it makes nothing it hands over). */
  of(decl: Node): Map<number, Made<T>> {
    const known = this.memo.get(decl.id);
    if (known) return known;
    const out = new Map<number, Made<T>>();
    this.memo.set(decl.id, out); // recursion guard
    if (!this.mayHandOver(decl)) return out;
    const inside = this.calls.filter((c) => c.startIndex >= decl.startIndex && c.endIndex <= decl.endIndex && enclosingFunction(c)?.id === decl.id);
    if (!inside.length) return out;
    const holders = new Map<string, Made<T>>();
    const fromCall = (call: Node): Map<number, Made<T>> => {
      const what = this.made(call);
      if (what !== undefined) return new Map([[0, { call, what }]]);
      const helper = calleeDecl(this.facts, call, this.methods);
      return helper && helper.id !== decl.id ? this.of(helper) : new Map();
    };
    const bindings = new Map<string, Extract<Binding, { kind: 'bound' }>>();
    for (const call of inside) {
      for (const [pos, m] of fromCall(call)) {
        const b = bindingOf(call, pos);
        if (b.kind !== 'bound') continue;
        holders.set(b.ident.text, m);
        bindings.set(b.ident.text, b);
      }
    }
    const returned = returnedNames(decl);
    for (const [v, m] of [...holders]) {
      if (returned.has(v) && !handsOver(this.facts, decl, v, bindings.get(v)!, this.release(m.what), this.ends)) holders.delete(v);
    }
    for (const [pos, m] of returnedPositions(decl, holders, fromCall)) out.set(pos, m);
    return out;
  }
}

const RETURNED_ONLY: ReadonlySet<string> = new Set(['returned']);

/** `return v, nil` (or a bare return of the named result v). */
function returnsName(ret: Node, v: string, named: boolean): boolean {
  const list = ret.namedChildren.find((c) => c?.type === 'expression_list');
  if (!list) return named;
  return list.namedChildren.some((e) => e !== null && unparen(e).type === 'identifier' && unparen(e).text === v);
}

/**
 * The variables `returnedPositions` can take from its holders: those returned as they are
 * (`return c, nil`), and the named results where a bare `return` is written. Whether another
 * variable is handed over need not be asked.
 */
export function returnedNames(fn: Node): Set<string> {
  const out = new Set<string>();
  for (const ret of fn.descendantsOfType('return_statement')) {
    if (!ret || enclosingFunction(ret)?.id !== fn.id) continue;
    const list = ret.namedChildren.find((c) => c?.type === 'expression_list');
    if (!list) {
      for (const n of namedResults(fn)) out.add(n);
      continue;
    }
    for (const e of list.namedChildren) {
      const u = e && unparen(e);
      if (u?.type === 'identifier') out.add(u.text);
    }
  }
  return out;
}

/**
 * A call whose value `returnedPositions` can see: returned as it is (`return f(x)`), or
 * giving one of its first `count` results to a variable of `returned` (returnedNames). What
 * any other call makes is not handed over, whatever it is.
 */
export function reachesReturn(call: Node, count: number, returned: ReadonlySet<string>): boolean {
  const list = unparenUp(call).parent;
  if (list?.type === 'expression_list' && list.parent?.type === 'return_statement') return true;
  for (let i = 0; i < count; i++) {
    const b = bindingOf(call, i);
    if (b.kind === 'bound' && returned.has(b.ident.text)) return true;
  }
  return false;
}

/**
 * What the returns of `fn` hand to its caller, by result position: a variable of `holders`
 * (`return sc, pc, nil`, or a named result with a bare `return`), or what `fromCall` says
 * a returned call carries (`return storage.NewClient(ctx)`, `return otherHelper(ctx)`).
 */
export function returnedPositions<T>(fn: Node, holders: ReadonlyMap<string, T>, fromCall: (call: Node) => ReadonlyMap<number, T>): Map<number, T> {
  const out = new Map<number, T>();
  const named = namedResults(fn);
  for (const ret of fn.descendantsOfType('return_statement')) {
    if (!ret || enclosingFunction(ret)?.id !== fn.id) continue;
    const list = ret.namedChildren.find((c) => c?.type === 'expression_list') ?? null;
    const exprs = list ? list.namedChildren.filter((n): n is Node => n !== null) : [];
    if (!exprs.length) {
      named.forEach((n, k) => {
        const h = holders.get(n);
        if (h !== undefined) out.set(k, h);
      });
      continue;
    }
    exprs.forEach((e0, k) => {
      const e = unparen(e0);
      if (e.type === 'identifier') {
        const h = holders.get(e.text);
        if (h !== undefined) out.set(k, h);
      } else if (e.type === 'call_expression' && exprs.length === 1) {
        for (const [pos, h] of fromCall(e)) out.set(pos, h);
      }
    });
  }
  return out;
}

/** The name of parameter number `index` (not a variadic one), or undefined. */
export function parameterAt(fn: Node, index: number): string | undefined {
  const params = fn.childForFieldName('parameters');
  let i = 0;
  for (const p of params?.namedChildren ?? []) {
    if (p?.type === 'variadic_parameter_declaration') return undefined;
    if (p?.type !== 'parameter_declaration') continue;
    const names = p.childrenForFieldName('name');
    if (!names.length) {
      if (i++ === index) return undefined;
      continue;
    }
    for (const n of names) if (i++ === index) return n?.text === '_' ? undefined : n?.text;
  }
  return undefined;
}

/** Names of a function's named results, by position (`(a, b *T, err error)` → a, b, err). */
export function namedResults(fn: Node): string[] {
  const result = fn.childForFieldName('result');
  if (result?.type !== 'parameter_list') return [];
  const names: string[] = [];
  for (const p of result.namedChildren) {
    if (!p) continue;
    const ns = p.childrenForFieldName('name');
    if (!ns.length) names.push('');
    for (const n of ns) names.push(n?.text ?? '');
  }
  return names;
}


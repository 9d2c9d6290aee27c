// Values made from a variable that keep it in use after the function returns.
//
//   b := client.Bucket(name)          a handle: a method chain on the client
//   return b                          → the caller uses the client through b
//   s.objects = b.Objects(ctx, q)     → stored: the client is in use while s lives
//   return c.Bucket(x).Delete(ctx)    NOT an escape: the function's result is an error
//   attrs, err := b.Attrs(ctx)        NOT a handle: a call with an error result returns data
//
// Such a variable must not be closed when its function returns (a `defer c.Close()` there
// breaks the handle), and syntax cannot say when it is safe to close it: rules stay silent.
import type { Node } from 'web-tree-sitter';
import { carrierOf, enclosingFunction, startedWithGo, unparenUp, type FileFacts } from './facts.js';
import { inEscapingClosure, isDeclaration, namedResults, ownersVariable } from './obligations.js';
import { resultTypes } from './types.js';

export interface DerivedEscape {
  /** The expression that leaves: the returned, stored or sent value. */
  at: Node;
  how: 'returned' | 'stored' | 'sent' | 'captured';
}

/** How many variables made from the value are followed (each is visited once). */
const MAX_VARIABLES = 32;
/** How many wrappers (a composite literal, an append, a call taking it) are climbed from one use. */
const MAX_WRAPS = 8;

const PLAIN = new Set([
  'bool', 'byte', 'complex64', 'complex128', 'error', 'float32', 'float64', 'int', 'int8', 'int16', 'int32', 'int64',
  'rune', 'string', 'uint', 'uint8', 'uint16', 'uint32', 'uint64', 'uintptr',
]);

/** Data that cannot hold a handle: predeclared value types, and slices, arrays and maps of them. */
export function plainType(type: Node | null | undefined): boolean {
  let t = type ?? null;
  while (t?.type === 'parenthesized_type') t = t.namedChild(0);
  if (!t) return false;
  if (t.type === 'type_identifier') return PLAIN.has(t.text);
  if (t.type === 'slice_type' || t.type === 'array_type') return plainType(t.childForFieldName('element'));
  if (t.type === 'map_type') return plainType(t.childForFieldName('key')) && plainType(t.childForFieldName('value'));
  return false;
}

/** `a, err := f()` or `return f()` in a function of several results: the call's values are spread. */
function multiValued(call: Node): boolean {
  const list = call.parent;
  const stmt = list?.parent;
  if (list?.type !== 'expression_list' || list.namedChildCount !== 1 || !stmt) return false;
  if (stmt.type === 'return_statement') {
    const fn = enclosingFunction(stmt);
    return !!fn && resultTypes(fn).length > 1;
  }
  const left = stmt.type === 'var_spec' ? stmt.childrenForFieldName('name') : stmt.childForFieldName('left')?.namedChildren ?? [];
  return left.length > 1 && (stmt.childForFieldName(stmt.type === 'var_spec' ? 'value' : 'right')?.id === list.id);
}

/**
 * A call with several results returns data and an error (`Attrs(ctx)`, `Next()`), unless it
 * opens or makes something (`NewReader(ctx)`, `OpenWriter(…)`): that first result is a handle.
 */
function opensHandle(call: Node): boolean {
  const fn = call.childForFieldName('function');
  const name = fn?.type === 'selector_expression' ? fn.childForFieldName('field')?.text : fn?.text;
  return /^(New|Open)/.test(name ?? '');
}

/** The method chain that starts at `use`: `c` → `c.Bucket(b).Object(o)`; the use itself when there is none. */
function chainTop(facts: FileFacts, use: Node): Node {
  let top = carrierOf(facts, use);
  for (;;) {
    const p = top.parent;
    if (p?.type !== 'selector_expression' || p.childForFieldName('operand')?.id !== top.id) return top;
    const call = p.parent;
    top = call?.type === 'call_expression' && call.childForFieldName('function')?.id === p.id ? carrierOf(facts, call) : carrierOf(facts, p);
  }
}

/** The composite literal (and its `&`) that an element sits in. */
function literalAround(element: Node): Node | null {
  let n: Node = element;
  while (n.parent && (n.parent.type === 'literal_element' || n.parent.type === 'keyed_element' || n.parent.type === 'literal_value')) n = n.parent;
  const lit = n.parent?.type === 'composite_literal' ? n.parent : null;
  if (!lit) return null;
  const up = unparenUp(lit);
  return up.parent?.type === 'unary_expression' && up.parent.child(0)?.type === '&' ? unparenUp(up.parent) : up;
}

/**
 * Where a value made from local `name` of `owner` leaves the function, or null. Made from it:
 * a method chain on it, a variable given such a value, and a value computed from one (a
 * composite literal holding it, an append, a call it is passed to), except the results of a
 * call with several results (data and an error). It leaves when returned (as anything but
 * plain data), stored in a field, a package variable or another function's variable, sent on
 * a channel, or used by a goroutine or a closure that outlives the function. Uses of `name`
 * itself are settle's business; only uses in [from, until) count.
 */
export function derivedEscape(facts: FileFacts, owner: Node, name: string, window: { from?: number; until?: number } = {}): DerivedEscape | null {
  const from = window.from ?? 0;
  const until = window.until ?? Number.POSITIVE_INFINITY;
  // Values followed, each strong (a handle) or weak (what a call with an error result gave:
  // usually data, a handle only when returned as a type that reads like one).
  const strength = new Map([[name, true]]);
  const queue = [name];
  const follow = (v: string, strong: boolean): void => {
    const known = strength.get(v);
    if (known === true || (known === false && !strong) || (known === undefined && strength.size >= MAX_VARIABLES)) return;
    strength.set(v, strong);
    queue.push(v);
  };

  /** Where the value of `value` goes; may queue a local that receives it. */
  const destination = (value: Node, depth: number, strong: boolean): DerivedEscape | null => {
    const p = value.parent;
    if (!p || depth > MAX_WRAPS) return null;
    if (p.type === 'literal_element' || p.type === 'keyed_element') {
      if (p.type === 'keyed_element' && p.namedChild(0)?.id === value.id) return null; // a key
      const lit = literalAround(value);
      return lit ? destination(lit, depth + 1, strong) : null;
    }
    if (p.type === 'send_statement') return strong && p.childForFieldName('value')?.id === value.id ? { at: value, how: 'sent' } : null;
    if (p.type === 'argument_list') {
      const call = p.parent;
      if (call?.type !== 'call_expression') return null;
      if (unparenUp(call).parent?.type === 'go_statement') return strong ? { at: value, how: 'captured' } : null;
      const out = carrierOf(facts, call);
      return destination(out, depth + 1, strong && !(multiValued(out) && !opensHandle(out)));
    }
    if (p.type === 'return_statement') return returned(value, 0, strong);
    if (p.type !== 'expression_list') return null;
    const stmt = p.parent;
    const index = p.namedChildren.findIndex((c) => c?.id === value.id);
    if (stmt?.type === 'return_statement') return returned(value, index, strong);
    if (!stmt || !['short_var_declaration', 'assignment_statement', 'var_spec'].includes(stmt.type)) return null;
    if (stmt.childForFieldName(stmt.type === 'var_spec' ? 'value' : 'right')?.id !== p.id) return null;
    const left = (stmt.type === 'var_spec' ? stmt.childrenForFieldName('name') : stmt.childForFieldName('left')?.namedChildren ?? []).filter(
      (n): n is Node => n !== null,
    );
    let target: Node | undefined;
    if (left.length === p.namedChildCount) target = left[index];
    else if (value.type === 'call_expression') target = left[0];
    if (!target || target.text === '_') return null;
    // `v = …`, and `v.f = …` / `v[k] = …` into a variable the function declared itself: the
    // value goes where v goes. Into a parameter, the receiver or anything outside: stored.
    const declaredBy = target.type === 'identifier' ? facts.resolveName(target.text, target) : null;
    if (typeof declaredBy === 'object' && declaredBy?.id === owner.id) {
      // A named result: a bare `return` hands it to the caller.
      const k = namedResults(owner).indexOf(target.text);
      if (k >= 0) return leaves(resultTypes(owner)[k], strong) ? { at: value, how: 'returned' } : null;
    }
    const root = target.type === 'identifier' ? target : rootOperand(target);
    if (!root || !declaredIn(facts, owner, root, target.type === 'identifier')) return strong ? { at: value, how: 'stored' } : null;
    follow(root.text, strong);
    return null;
  };

  /** A value returned at result `index` (the first, for a spread call): does it leave? */
  const returned = (value: Node, index: number, strong: boolean): DerivedEscape | null => {
    // From a closure the value goes to whoever calls it: inside the function when the closure
    // stays there, and a closure that outlives the function is caught as a capture.
    const fn = enclosingFunction(value);
    if (fn?.id !== owner.id) return null;
    const types = resultTypes(fn);
    if (value.type === 'call_expression' && multiValued(value)) {
      return leaves(types[0], strong && opensHandle(value)) ? { at: value, how: 'returned' } : null;
    }
    return leaves(types[index], strong) ? { at: value, how: 'returned' } : null;
  };

  while (queue.length) {
    const v = queue.shift()!;
    const strong = strength.get(v)!;
    for (const use of facts.uses(owner, v)) {
      if (v === name && (use.startIndex < from || use.startIndex >= until)) continue;
      if (isDeclaration(use) || !ownersVariable(facts, owner, v, use)) continue;
      if (v !== name && strong && (inEscapingClosure(use, owner) || goroutineUse(use, owner))) return { at: use, how: 'captured' };
      const top = chainTop(facts, use);
      if (v === name && top.id === carrierOf(facts, use).id) continue;
      const out = destination(top, 0, strong && !(top.type === 'call_expression' && multiValued(top) && !opensHandle(top)));
      if (out) return out;
    }
  }
  return null;
}

/**
 * Returned as `type`, does the value keep the client in use? A handle does unless the type
 * is plain data; what a call with an error result gave only when the type reads like a
 * handle (`*bigquery.RowIterator`, `*storage.Reader`, `*bigquery.Job`).
 */
function leaves(type: Node | undefined, strong: boolean): boolean {
  if (plainType(type)) return false;
  return strong || handleType(type);
}

const HANDLE_NAME = /(Iterator|Reader|Writer|Handle|Stream|Job|Conn|Session|Transaction|Txn|Ref|Cursor|Rows|Watcher)$/;

/** A type whose name says it is a handle on something else: an iterator, a reader, a job. */
export function handleType(type: Node | null | undefined): boolean {
  let t = type ?? null;
  while (t && (t.type === 'pointer_type' || t.type === 'parenthesized_type')) t = t.namedChild(0);
  const name = t?.type === 'qualified_type' ? t.childForFieldName('name')?.text : t?.type === 'type_identifier' ? t.text : undefined;
  return !!name && HANDLE_NAME.test(name);
}

/** The use sits in a goroutine started inside `owner`. */
function goroutineUse(use: Node, owner: Node): boolean {
  for (let fn = enclosingFunction(use); fn && fn.id !== owner.id; fn = enclosingFunction(fn)) {
    if (fn.type === 'func_literal' && startedWithGo(fn)) return true;
  }
  return false;
}

/** `a.b[c].d` → `a`, for selectors and index expressions. */
function rootOperand(n: Node): Node | null {
  let cur: Node | null = n;
  while (cur && (cur.type === 'selector_expression' || cur.type === 'index_expression')) cur = cur.childForFieldName('operand');
  return cur?.type === 'identifier' ? cur : null;
}

/**
 * `id` names a variable of `owner` or of a function inside it; with `orParam` false, not one
 * of owner's parameters or its receiver (a field set on those outlives the call).
 */
function declaredIn(facts: FileFacts, owner: Node, id: Node, orParam: boolean): boolean {
  const where = facts.resolveName(id.text, id);
  if (typeof where !== 'object' || where.startIndex < owner.startIndex || where.endIndex > owner.endIndex) return false;
  if (orParam || where.id !== owner.id) return true;
  for (const field of ['receiver', 'parameters', 'result'] as const) {
    for (const p of owner.childForFieldName(field)?.namedChildren ?? []) {
      if (p?.childrenForFieldName('name').some((n) => n?.text === id.text)) return false;
    }
  }
  return true;
}

// In-memory buffers, read from syntax: the destinations where a copy accumulates bytes
// rather than streams them on.
//
//   var buf bytes.Buffer            io.Copy(&buf, r)
//   buf := bytes.NewBuffer(nil)     io.Copy(buf, r), buf.ReadFrom(r)
//   buf := new(strings.Builder)     &bytes.Buffer{}, pool.Get().(*bytes.Buffer)
//   func f(buf *bytes.Buffer)
//
// Files, ResponseWriters, hashes, io.Discard and anything unknown are not buffers.
import type { Node } from 'web-tree-sitter';
import { definitionsOf, type Def } from './decls.js';
import { enclosingFunction, type FileFacts, unparen, unparenUp } from './facts.js';

export type BufferType = 'bytes.Buffer' | 'strings.Builder';

function namedType(facts: FileFacts, type: Node | null): { t: BufferType; pointer: boolean } | undefined {
  let t = type;
  let pointer = false;
  while (t && (t.type === 'pointer_type' || t.type === 'parenthesized_type')) {
    if (t.type === 'pointer_type') pointer = true;
    t = t.namedChild(0);
  }
  if (t?.type !== 'qualified_type') return undefined;
  const path = facts.importPath(t.childForFieldName('package')?.text ?? '', t);
  const name = t.childForFieldName('name')?.text;
  if (path === 'bytes' && name === 'Buffer') return { t: 'bytes.Buffer', pointer };
  if (path === 'strings' && name === 'Builder') return { t: 'strings.Builder', pointer };
  return undefined;
}

/** The buffer type an expression creates (`bytes.NewBuffer(…)`, `&bytes.Buffer{}`, …), if any. */
function createdBuffer(facts: FileFacts, expr: Node): BufferType | undefined {
  const e = unparen(expr);
  switch (e.type) {
    case 'call_expression': {
      if (facts.isCallTo(e, 'bytes', ['NewBuffer', 'NewBufferString'])) return 'bytes.Buffer';
      const fn = e.childForFieldName('function');
      if (fn?.type === 'identifier' && fn.text === 'new' && facts.resolveName('new', fn) === 'unknown') {
        const arg = e.childForFieldName('arguments')?.namedChild(0) ?? null;
        return namedType(facts, arg)?.t;
      }
      return undefined;
    }
    case 'unary_expression':
      return createdBuffer(facts, e.childForFieldName('operand') ?? e);
    case 'composite_literal':
      return namedType(facts, e.childForFieldName('type'))?.t;
    case 'type_assertion_expression':
      return namedType(facts, e.childForFieldName('type'))?.t;
    default:
      return undefined;
  }
}

function defBuffer(facts: FileFacts, d: Def): BufferType | undefined {
  return namedType(facts, d.type)?.t ?? (d.value ? createdBuffer(facts, d.value) : undefined);
}

/** The variable's buffer type, when one of its definitions shows it is a buffer. */
export function bufferVariable(facts: FileFacts, id: Node): BufferType | undefined {
  if (id.type !== 'identifier') return undefined;
  for (const d of definitionsOf(facts, id)) {
    const t = defBuffer(facts, d);
    if (t) return t;
  }
  return undefined;
}

/**
 * For a copy destination (`&buf`, `buf`), the buffer variable it names when syntax shows
 * it is an in-memory buffer. A writer variable every definition of which is such a buffer
 * (`var dest io.Writer = &b`) leads to it too.
 */
export function bufferDestination(facts: FileFacts, dst: Node, depth = 0): { name: Node; type: BufferType } | undefined {
  let e = unparen(dst);
  if (e.type === 'unary_expression' && e.childForFieldName('operator')?.type === '&') e = unparen(e.childForFieldName('operand') ?? e);
  if (e.type !== 'identifier') return undefined;
  const type = bufferVariable(facts, e);
  if (type) return { name: e, type };
  if (depth > 0) return undefined;
  const defs = definitionsOf(facts, e);
  let found: { name: Node; type: BufferType } | undefined;
  for (const d of defs) {
    const b = d.value ? bufferDestination(facts, d.value, depth + 1) : undefined;
    if (!b) return undefined;
    found ??= b;
  }
  return found;
}

/** `X.ContentLength`, through `int(…)`/`int64(…)` conversions and parentheses. */
function contentLengthOf(e: Node | null | undefined): Node | undefined {
  let cur = e ? unparen(e) : null;
  while (cur?.type === 'call_expression' && /^u?int(64|32)?$/.test(cur.childForFieldName('function')?.text ?? '')) {
    const arg = cur.childForFieldName('arguments')?.namedChild(0);
    cur = arg ? unparen(arg) : null;
  }
  return cur?.type === 'selector_expression' && cur.childForFieldName('field')?.text === 'ContentLength' ? cur : undefined;
}

/** For `make([]byte, n, X.ContentLength)` (or `make([]byte, X.ContentLength)`): the ContentLength selector. */
export function contentLengthMake(facts: FileFacts, e: Node | null | undefined): Node | undefined {
  const call = e ? unparen(e) : null;
  const fn = call?.type === 'call_expression' ? call.childForFieldName('function') : null;
  if (fn?.type !== 'identifier' || fn.text !== 'make' || facts.resolveName('make', fn) !== 'unknown') return undefined;
  const args = call!.childForFieldName('arguments')?.namedChildren.filter((a): a is Node => a !== null && a.type !== 'comment') ?? [];
  if (args[0]?.type !== 'slice_type') return undefined;
  for (const a of args.slice(1)) {
    const cl = contentLengthOf(a);
    if (cl) return cl;
  }
  return undefined;
}

const MAX_DEPTH = 3;

/** The slice a buffer starts from: `bytes.NewBuffer(x)` → x's ContentLength make, through variables. */
function presizedSlice(facts: FileFacts, e: Node, depth: number): Node | undefined {
  const x = unparen(e);
  const direct = contentLengthMake(facts, x);
  if (direct || depth > MAX_DEPTH || x.type !== 'identifier') return direct;
  for (const d of definitionsOf(facts, x)) {
    const cl = d.value ? presizedSlice(facts, d.value, depth + 1) : undefined;
    if (cl) return cl;
  }
  return undefined;
}

/**
 * Where a buffer variable was sized from a peer's ContentLength: `bytes.NewBuffer(make([]byte,
 * 0, resp.ContentLength))` (directly or through a slice variable) or `buf.Grow(int(resp.ContentLength))`.
 * Returns the ContentLength selector.
 */
export function presizedBuffer(facts: FileFacts, buf: Node): Node | undefined {
  if (buf.type !== 'identifier') return undefined;
  for (const d of definitionsOf(facts, buf)) {
    const v = d.value ? unparen(d.value) : null;
    if (v?.type === 'call_expression' && facts.isCallTo(v, 'bytes', 'NewBuffer')) {
      const arg = v.childForFieldName('arguments')?.namedChild(0);
      const cl = arg ? presizedSlice(facts, arg, 0) : undefined;
      if (cl) return cl;
    }
  }
  const fn = enclosingFunction(buf);
  if (!fn) return undefined;
  for (const u of facts.uses(fn, buf.text)) {
    const sel = u.parent;
    const call = sel?.parent;
    if (sel?.type !== 'selector_expression' || sel.childForFieldName('field')?.text !== 'Grow' || call?.type !== 'call_expression') continue;
    const cl = contentLengthOf(call.childForFieldName('arguments')?.namedChild(0));
    if (cl) return cl;
  }
  return undefined;
}

/** How a buffer outlives the read that filled it. */
export type Retention = 'pooled' | 'stored';

/** True for `x.Get().(*bytes.Buffer)`: a buffer taken from a pool. */
function fromPool(e: Node): boolean {
  const v = unparen(e);
  if (v.type !== 'type_assertion_expression') return false;
  const call = unparen(v.childForFieldName('operand') ?? v);
  const fn = call.type === 'call_expression' ? call.childForFieldName('function') : null;
  return fn?.type === 'selector_expression' && fn.childForFieldName('field')?.text === 'Get';
}

/**
 * Whether a buffer (or the bytes it holds: `buf.Bytes()`, a Builder's `String()`) stays
 * after the function: taken from or put back into a pool, or stored in a field, a map or
 * slice element, a package variable or a channel. Returned buffers are the caller's business.
 */
export function bufferRetention(facts: FileFacts, buf: Node, type: BufferType): Retention | undefined {
  if (buf.type !== 'identifier') return undefined;
  const defs = definitionsOf(facts, buf);
  if (defs.some((d) => d.value && fromPool(d.value))) return 'pooled';
  const fn = enclosingFunction(buf);
  const owner = facts.resolveName(buf.text, buf);
  if (!fn || owner === 'unknown') return undefined;
  if (owner === 'package') return 'stored';
  const sharing = type === 'bytes.Buffer' ? 'Bytes' : 'String';
  let stored = false;
  for (const u of facts.uses(owner, buf.text)) {
    // buf itself, or buf.Bytes() (the same backing array)
    let val: Node = u;
    const sel = u.parent;
    if (sel?.type === 'selector_expression' && sel.childForFieldName('operand')?.id === u.id) {
      const call = sel.parent;
      if (sel.childForFieldName('field')?.text !== sharing || call?.type !== 'call_expression') continue;
      val = call;
    } else if (sel?.type === 'unary_expression' && sel.childForFieldName('operator')?.type === '&') val = sel;
    const up = unparenUp(val);
    const p = up.parent;
    if (p?.type === 'argument_list') {
      const callee = p.parent?.childForFieldName('function');
      if (callee?.type === 'selector_expression' && callee.childForFieldName('field')?.text === 'Put') return 'pooled';
      continue;
    }
    if (p?.type === 'send_statement' && p.childForFieldName('value')?.id === up.id) stored = true;
    if (p?.type === 'expression_list' && p.parent?.type === 'assignment_statement' && p.parent.childForFieldName('right')?.id === p.id) {
      const i = p.namedChildren.findIndex((c) => c?.id === up.id);
      const target = p.parent.childForFieldName('left')?.namedChildren[i];
      if (target && isLasting(facts, target)) stored = true;
    }
  }
  return stored ? 'stored' : undefined;
}

/**
 * An assignment target that outlives the function: a package variable, or a field or
 * element reached from a parameter or the receiver (`s.last = buf`, `cache[k] = b`).
 * A field of a local value (`res.body = …`) lives as long as that value.
 */
function isLasting(facts: FileFacts, target: Node): boolean {
  let t = unparen(target);
  while (t.type === 'selector_expression' || t.type === 'index_expression') t = unparen(t.childForFieldName('operand') ?? t);
  if (t.type !== 'identifier') return false;
  if (facts.resolveName(t.text, t) === 'package') return true;
  return t.id !== unparen(target).id && definitionsOf(facts, t).some((d) => d.node.type === 'parameter_declaration');
}

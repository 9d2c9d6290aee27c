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
import { type FileFacts, unparen } from './facts.js';

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

// Written types, read from syntax: the type a declaration spells out, the field types of
// the file's own structs, the element type of a ranged slice or map, and a function's
// declared result types.
//
//   type fetcher struct{ last *http.Response }
//   func (f *fetcher) body() { … f.last … }          f.last → *http.Response
//   func all(resps []*http.Response) { for _, resp := range resps { … } }   resp → *http.Response
//
// No inference beyond that: a call's result or another file's type is unknown (null).
import type { Node } from 'web-tree-sitter';
import { definitionsOf } from './decls.js';
import { type FileFacts, literally, memoPer, unparen } from './facts.js';

const MAX_DEPTH = 4;
const structsMemo = memoPer<FileFacts, Node | null>();

/**
 * The file's top-level struct type named `name` (the last one, as a map of them all would
 * keep), or null. Only type declarations whose text holds the name are parsed.
 */
function structType(facts: FileFacts, name: string): Node | null {
  return structsMemo(facts, name, () => {
    let found: Node | null = null;
    for (const decl of facts.declarations(['type_declaration'], literally(name))) {
      for (const spec of decl.namedChildren) {
        const t = spec?.childForFieldName('type');
        if (spec?.type === 'type_spec' && spec.childForFieldName('name')?.text === name && t?.type === 'struct_type') found = t;
      }
    }
    return found;
  });
}

/** `*T`, `(T)` → T. */
export function baseType(t: Node | null): Node | null {
  let cur = t;
  while (cur && (cur.type === 'pointer_type' || cur.type === 'parenthesized_type')) cur = cur.namedChild(0);
  return cur;
}

/** The type of field `name` in the file's struct type `type` (a type_identifier), or null. */
function fieldType(facts: FileFacts, type: Node | null, name: string): Node | null {
  const base = baseType(type);
  if (base?.type !== 'type_identifier') return null;
  const st = structType(facts, base.text);
  if (!st) return null;
  for (const f of st.descendantsOfType('field_declaration')) {
    if (f?.parent?.parent?.id !== st.id) continue; // not a nested struct's field
    if (f.childrenForFieldName('name').some((n) => n?.text === name)) return f.childForFieldName('type');
  }
  return null;
}

/** The element type of a slice, array or map type (its value type), or null. */
function elementType(t: Node | null): Node | null {
  const base = baseType(t);
  if (base?.type === 'slice_type' || base?.type === 'array_type') return base.childForFieldName('element');
  if (base?.type === 'map_type') return base.childForFieldName('value');
  return null;
}

/** The type a value expression has when the file writes it down somewhere. */
export function writtenType(facts: FileFacts, expr: Node, depth = 0): Node | null {
  const e = unparen(expr);
  if (depth > MAX_DEPTH) return null;
  switch (e.type) {
    case 'identifier':
      for (const d of definitionsOf(facts, e)) {
        if (d.type) return d.type;
        if (d.node.type === 'range_clause') {
          // for _, v := range xs: v is an element of xs (the second name of the clause).
          const left = d.node.childForFieldName('left')?.namedChildren ?? [];
          const right = d.node.childForFieldName('right');
          if (left.length === 2 && left[1]?.id !== undefined && left[1].text === e.text && right) {
            const el = elementType(writtenType(facts, right, depth + 1));
            if (el) return el;
          }
          continue;
        }
        const v = d.value ? unparen(d.value) : null;
        const lit = v?.type === 'unary_expression' ? unparen(v.childForFieldName('operand') ?? v) : v;
        if (lit?.type === 'composite_literal') return lit.childForFieldName('type');
      }
      return null;
    case 'selector_expression': {
      const operand = e.childForFieldName('operand');
      const field = e.childForFieldName('field')?.text;
      if (!operand || !field) return null;
      return fieldType(facts, writtenType(facts, operand, depth + 1), field);
    }
    default:
      return null;
  }
}

/** The written result types of a function, one per result (`(a, b int, err error)` → int, int, error). */
export function resultTypes(fn: Node): Node[] {
  const result = fn.childForFieldName('result');
  if (!result) return [];
  if (result.type !== 'parameter_list') return [result];
  const out: Node[] = [];
  for (const p of result.namedChildren) {
    if (p?.type !== 'parameter_declaration' && p?.type !== 'variadic_parameter_declaration') continue;
    const t = p.childForFieldName('type');
    if (!t) continue;
    const names = p.childrenForFieldName('name').length;
    for (let i = 0; i < Math.max(1, names); i++) out.push(t);
  }
  return out;
}

/** `T{…}`, `&T{…}` → the type node T. */
export function literalType(v: Node | null | undefined): Node | null {
  let e = v ? unparen(v) : null;
  if (e?.type === 'unary_expression' && e.child(0)?.type === '&') e = e.childForFieldName('operand');
  e = e ? unparen(e) : null;
  return e?.type === 'composite_literal' ? e.childForFieldName('type') : null;
}

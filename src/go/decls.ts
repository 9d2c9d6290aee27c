// Where a variable gets its values: the declarations and assignments of a name inside the
// function that declares it, each with its written type and the expression it is given.
//
//   func f(r *http.Request)         → type *http.Request
//   var buf bytes.Buffer            → type bytes.Buffer
//   resp, err := client.Do(req)     → value client.Do(req), result 0 of a multi-value call
//   body = io.LimitReader(body, n)  → value io.LimitReader(body, n) (an assignment)
import type { Node } from 'web-tree-sitter';
import { type FileFacts, literally, memoPer, unparen } from './facts.js';

export interface Def {
  /** The parameter_declaration, var_spec, const_spec, short_var_declaration, assignment or range_clause. */
  node: Node;
  /** The written type, when there is one. */
  type: Node | null;
  /** The expression assigned to this name, when the statement pairs names and values one to one. */
  value: Node | null;
  /** `a, b := f()`: the single call on the right and which of its results this name gets. */
  multi?: { call: Node; index: number };
}

const PARAM_FIELDS = ['receiver', 'parameters', 'result'] as const;

function valuesOf(node: Node): Node[] {
  const field = node.type === 'var_spec' || node.type === 'const_spec' ? 'value' : 'right';
  const v = node.childForFieldName(field);
  if (!v) return [];
  return v.type === 'expression_list' ? v.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') : [v];
}

function namesOf(node: Node): Node[] {
  if (node.type === 'var_spec' || node.type === 'const_spec' || node.type === 'parameter_declaration' || node.type === 'variadic_parameter_declaration')
    return node.childrenForFieldName('name').filter((n): n is Node => n !== null);
  const left = node.childForFieldName('left');
  if (!left) return [];
  return left.type === 'expression_list' ? left.namedChildren.filter((n): n is Node => n !== null) : [left];
}

function defAt(node: Node, index: number): Def {
  const type = node.childForFieldName('type');
  if (node.type === 'range_clause') return { node, type: null, value: null };
  const values = valuesOf(node);
  const names = namesOf(node);
  if (values.length === names.length) return { node, type, value: values[index] ?? null };
  if (values.length === 1 && unparen(values[0]!).type === 'call_expression') return { node, type, value: null, multi: { call: unparen(values[0]!), index } };
  return { node, type, value: null };
}

const memo = memoPer<FileFacts, Def[]>();

/**
 * The definitions of `name` in `fn`: its parameter (or receiver, or named result), the
 * declarations `fn` makes itself, and every assignment to it in `fn`, closures included.
 * Memoized per file, function and name.
 */
export function definitions(facts: FileFacts, fn: Node, name: string): Def[] {
  return memo(facts, `${fn.id}:${name}`, () => collect(facts, fn, name));
}

/** The definitions of `name` as a receiver, parameter or named result of `fn` (the first ones `definitions` lists). */
export function parameterDefinitions(fn: Node, name: string): Def[] {
  const defs: Def[] = [];
  for (const f of PARAM_FIELDS) {
    const list = fn.childForFieldName(f);
    if (list?.type !== 'parameter_list') continue;
    for (const d of list.namedChildren) {
      if (!d || (d.type !== 'parameter_declaration' && d.type !== 'variadic_parameter_declaration')) continue;
      if (namesOf(d).some((n) => n.text === name)) defs.push({ node: d, type: d.childForFieldName('type'), value: null });
    }
  }
  return defs;
}

function collect(facts: FileFacts, fn: Node, name: string): Def[] {
  const defs = parameterDefinitions(fn, name);
  const body = fn.childForFieldName('body');
  if (!body) return defs;
  for (const d of facts.localDeclarations(fn)) {
    const i = namesOf(d).findIndex((n) => n.type === 'identifier' && n.text === name);
    if (i >= 0) defs.push(defAt(d, i));
  }
  for (const use of facts.uses(fn, name)) {
    const list = use.parent;
    const st = list?.parent;
    if (list?.type !== 'expression_list' || st?.type !== 'assignment_statement' || st.childForFieldName('left')?.id !== list.id) continue;
    const i = namesOf(st).findIndex((n) => n.id === use.id);
    if (i >= 0) defs.push(defAt(st, i));
  }
  return defs;
}

/** The definitions of the variable `id` refers to: in its declaring function, or at file scope. */
export function definitionsOf(facts: FileFacts, id: Node): Def[] {
  const where = facts.resolveName(id.text, id);
  if (where === 'unknown') return [];
  if (where !== 'package') return definitions(facts, where, id.text);
  const defs: Def[] = [];
  // Only the var declarations whose text holds the name can declare it: the others stay unparsed.
  for (const decl of facts.declarations(['var_declaration'], literally(id.text))) {
    for (const spec of decl.descendantsOfType('var_spec')) {
      if (!spec) continue;
      const i = namesOf(spec).findIndex((n) => n.text === id.text);
      if (i >= 0) defs.push(defAt(spec, i));
    }
  }
  return defs;
}

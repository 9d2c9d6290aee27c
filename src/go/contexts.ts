// Which values are a context.Context, read from declared types rather than from names.
//
//   func f(ctx context.Context)               a parameter typed context.Context
//   ctx := context.Background()               context.Background, TODO, WithValue, WithoutCancel
//   ctx, cancel := context.WithTimeout(…)     the first result of WithCancel, WithTimeout, …
//   ctx := r.Context()                        a Context() method (http.Request, testing.T, cobra.Command)
//   c.Context                                 a field named Context (urfave/cli's *cli.Context has one)
//   func run(context *cli.Context)            NOT a context: its declared type is another one
//
// A name whose declaration is not in sight (another file's variable, a call into another
// package) is unknown, and the caller decides what to do with that.
import type { Node } from 'web-tree-sitter';
import { definitionsOf, type Def } from './decls.js';
import { type FileFacts, unparen } from './facts.js';
import { topLevelFunctions } from './obligations.js';
import { resultTypes, writtenType } from './types.js';

export type ContextKind = 'context' | 'other';

/** The standard context package and its pre-Go 1.7 home, which old samples still import. */
const CONTEXT_PATHS = new Set(['context', 'golang.org/x/net/context']);
/** Functions of the context package whose only (or first) result is a Context. */
const SINGLE = new Set(['Background', 'TODO', 'WithValue', 'WithoutCancel']);
const PAIRED = new Set(['WithCancel', 'WithTimeout', 'WithDeadline', 'WithCancelCause', 'WithTimeoutCause', 'WithDeadlineCause']);
const MAX_DEPTH = 4;

/** The kind a written type gives: `context.Context` (through imports) or anything else. */
export function contextTypeKind(facts: FileFacts, type: Node | null): ContextKind | undefined {
  if (!type) return undefined;
  let t: Node | null = type;
  while (t?.type === 'parenthesized_type') t = t.namedChild(0);
  if (t?.type === 'qualified_type') {
    const pkg = t.childForFieldName('package');
    const path = pkg ? facts.importPath(pkg.text, t) : undefined;
    if (path && CONTEXT_PATHS.has(path) && t.childForFieldName('name')?.text === 'Context') return 'context';
  }
  return 'other';
}

/** `context.F(…)` through the file's imports: F, else undefined. */
function contextFunc(facts: FileFacts, call: Node): string | undefined {
  const q = facts.qualified(call.childForFieldName('function'));
  return q && CONTEXT_PATHS.has(q.path) ? q.name : undefined;
}

/** The kind of an expression's value, or undefined when syntax does not show its type. */
export function contextKind(facts: FileFacts, expr: Node, depth = 0): ContextKind | undefined {
  const e = unparen(expr);
  if (depth > MAX_DEPTH) return undefined;
  switch (e.type) {
    case 'identifier': {
      if (e.text === 'nil') return 'other';
      for (const d of definitionsOf(facts, e)) {
        const k = defKind(facts, d, depth);
        if (k) return k;
      }
      return undefined;
    }
    case 'selector_expression': {
      if (e.childForFieldName('field')?.text === 'Context') return 'context';
      const t = writtenType(facts, e); // a field of the file's own struct
      return t ? contextTypeKind(facts, t) : undefined;
    }
    case 'call_expression':
      return callKind(facts, e, 0);
    case 'interpreted_string_literal':
    case 'raw_string_literal':
    case 'int_literal':
    case 'float_literal':
    case 'composite_literal':
    case 'unary_expression':
    case 'binary_expression':
    case 'func_literal':
    case 'true':
    case 'false':
      return 'other';
    default:
      return undefined;
  }
}

function defKind(facts: FileFacts, d: Def, depth: number): ContextKind | undefined {
  if (d.type) return contextTypeKind(facts, d.type);
  if (d.value) return contextKind(facts, d.value, depth + 1);
  if (d.multi) return callKind(facts, d.multi.call, d.multi.index);
  return undefined;
}

/** The kind of result `index` of a call. */
function callKind(facts: FileFacts, call: Node, index: number): ContextKind | undefined {
  const f = contextFunc(facts, call);
  if (f !== undefined) {
    if (index === 0 && (SINGLE.has(f) || PAIRED.has(f))) return 'context';
    return 'other'; // the cancel func, or any other result of the context package
  }
  const fn = call.childForFieldName('function');
  // r.Context(), t.Context(), cmd.Context(): a method of that name takes no argument.
  if (index === 0 && fn?.type === 'selector_expression' && fn.childForFieldName('field')?.text === 'Context') {
    if (!call.childForFieldName('arguments')?.namedChildCount && !facts.qualified(fn)) return 'context';
  }
  // A function of this file declared to return one: `func newCtx() (context.Context, …)`.
  if (fn?.type === 'identifier' && facts.resolveName(fn.text, call) === 'package') {
    const decl = topLevelFunctions(facts).get(fn.text);
    const results = decl ? resultTypes(decl) : [];
    if (results[index]) return contextTypeKind(facts, results[index]!);
  }
  return undefined;
}

/**
 * A context argument: by its declared type where the file shows it (`ctx context.Context`,
 * `context.Background()`, `r.Context()`; not `context *cli.Context`), else by its name
 * (`ctx`, `reqCtx`, `s.ctx`: declared in another file).
 */
export function isContextArgument(facts: FileFacts, arg: Node | null | undefined): boolean {
  if (!arg) return false;
  const kind = contextKind(facts, arg);
  if (kind) return kind === 'context';
  const a = unparen(arg);
  const name = a.type === 'selector_expression' ? a.childForFieldName('field') : a.type === 'identifier' ? a : null;
  return !!name && /(ctx\d*|context)$/i.test(name.text);
}

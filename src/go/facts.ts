// Syntax facts about one Go file, shared by every rule and memoized: imports, package-level
// names, functions and their local declarations, uses of a variable, and the escape test.
// Everything here looks only inside nodes a rule was handed, never walks the whole tree
// from JS (descendantsOfType runs on the WASM side).
import type { Node } from 'web-tree-sitter';

export const FUNCTION_TYPES = ['function_declaration', 'method_declaration', 'func_literal'] as const;
const FUNCTION_SET = new Set<string>(FUNCTION_TYPES);

export interface ImportInfo {
  /** alias (explicit or the package's default name) → import path */
  byAlias: Map<string, string>;
  /** import paths imported with `.` */
  dot: string[];
  /** import paths imported with `_` */
  blank: string[];
}

/** Why a value escapes the function that made it, or null. */
export type EscapeReason =
  | 'returned'
  | 'assigned'
  | 'stored in a composite literal'
  | 'appended'
  | 'sent on a channel'
  | 'passed as an argument'
  | 'address taken'
  | 'captured by a goroutine';

/**
 * The name Go code uses for an import path by default. Without a type checker the
 * package clause of the imported package is unknown, so follow the conventions: a
 * major-version or `apiv1` element names nothing (`cloud.google.com/go/secretmanager/apiv1`
 * is `secretmanager`), and `go-`/`-go` affixes and dots are dropped (`gopkg.in/yaml.v3` is `yaml`).
 */
export function defaultImportName(path: string): string {
  const parts = path.split('/').filter(Boolean);
  let i = parts.length - 1;
  while (i > 0 && /^(v\d+|api(v\d+\w*)?|v\d+(alpha|beta)\d*)$/.test(parts[i]!)) i--;
  let name = parts[i] ?? path;
  name = name.replace(/\.v\d+$/, '').replace(/^go-/, '').replace(/-go$/, '').replace(/\.go$/, '');
  return name.replace(/[.-]/g, '_');
}

export function unquote(lit: string): string {
  if (lit.startsWith('`')) return lit.slice(1, -1);
  try {
    return JSON.parse(lit) as string;
  } catch {
    return lit.slice(1, -1);
  }
}

/** Skips parentheses upward: the node whose parent is not a parenthesized_expression. */
export function unparenUp(n: Node): Node {
  let cur = n;
  while (cur.parent && cur.parent.type === 'parenthesized_expression') cur = cur.parent;
  return cur;
}

/** Skips parentheses downward. */
export function unparen(n: Node): Node {
  let cur = n;
  while (cur.type === 'parenthesized_expression' && cur.namedChildCount === 1) cur = cur.namedChild(0)!;
  return cur;
}

export function isFunction(n: Node): boolean {
  return FUNCTION_SET.has(n.type);
}

/** The nearest enclosing function (declaration, method or literal), or null at file scope. */
export function enclosingFunction(n: Node): Node | null {
  const ix = functionIndex(n);
  // The last function starting at or before n; the innermost function around n is it or
  // one of its enclosing functions (functions nest), so climb from there.
  let lo = 0;
  let hi = ix.starts.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (ix.starts[mid]! <= n.startIndex) lo = mid + 1;
    else hi = mid - 1;
  }
  for (let i = hi; i >= 0; i = ix.outer[i]!) {
    const s = ix.starts[i]!;
    const e = ix.ends[i]!;
    // Same range as n: n itself, or a function n merely wraps; neither encloses n.
    if (s <= n.startIndex && e >= n.endIndex && (s !== n.startIndex || e !== n.endIndex)) return ix.fns[i]!;
  }
  return null;
}

/**
 * Every function of a tree in document order, with each one's enclosing function, built
 * once per tree: `Node.parent` costs a descent from the root in tree-sitter, so a walk up
 * the parents is quadratic in the depth, and rules ask for enclosing functions a lot.
 */
interface FunctionIndex {
  fns: Node[];
  starts: number[];
  ends: number[];
  /** Index of the enclosing function, -1 at file scope. */
  outer: number[];
}
const functionIndexes = new WeakMap<object, FunctionIndex>();

function functionIndex(n: Node): FunctionIndex {
  const ix = functionIndexes.get(n.tree);
  if (ix) return ix;
  return seedFunctionIndex(n.tree, functionsFromText(n.tree.rootNode));
}

/**
 * The file's functions found from their `func` keywords in the text (a native search; the
 * tree is touched once per function) rather than by a walk of the whole tree. A `func`
 * inside a comment or a string, or starting a function type, is not a function node.
 */
function functionsFromText(root: Node): Node[] {
  // The root's text starts at its first token, not at offset 0 of the file.
  const text = root.text;
  const base = root.startIndex;
  const out: Node[] = [];
  const re = /\bfunc\b/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const at = base + m.index;
    const tok = root.descendantForIndex(at, at + 4);
    if (tok?.type !== 'func' || tok.startIndex !== at) continue;
    const fn = tok.parent;
    if (fn && FUNCTION_SET.has(fn.type) && fn.startIndex === at) out.push(fn);
  }
  return out;
}

/**
 * Builds a tree's function index from its functions in document order; the engine calls it
 * with the functions its own collection pass found, which saves a walk of the whole tree.
 */
export function seedFunctionIndex(tree: object, all: (Node | null)[]): FunctionIndex {
  const fns = all.filter((f): f is Node => f !== null && FUNCTION_SET.has(f.type));
  const ix: FunctionIndex = { fns, starts: fns.map((f) => f.startIndex), ends: fns.map((f) => f.endIndex), outer: [] };
  const open: number[] = [];
  for (let i = 0; i < fns.length; i++) {
    while (open.length && ix.ends[open[open.length - 1]!]! < ix.ends[i]!) open.pop();
    ix.outer.push(open.length ? open[open.length - 1]! : -1);
    open.push(i);
  }
  functionIndexes.set(tree, ix);
  return ix;
}

/** The statements of a block (tree-sitter-go wraps them in a statement_list). */
export function blockStatements(block: Node | null): Node[] {
  if (!block) return [];
  const list = block.namedChildren.find((c) => c?.type === 'statement_list');
  return (list ? list.namedChildren : block.namedChildren).filter((c): c is Node => c !== null);
}

/** Identifiers declared by a parameter_list (names only). */
function paramNames(list: Node | null, out: Set<string>): void {
  if (!list || list.type !== 'parameter_list') return;
  for (const p of list.namedChildren) {
    if (!p) continue;
    for (const n of p.childrenForFieldName('name')) if (n) out.add(n.text);
  }
}

export class FileFacts {
  private importsMemo?: ImportInfo;
  private packageNamesMemo?: Set<string>;
  private typeNamesMemo?: Set<string>;
  private readonly localsMemo = new Map<number, Set<string>>();
  private readonly identsMemo = new Map<number, Map<string, Node[]>>();
  private readonly importMemo = new Map<string, string>();
  private readonly declaresMemo = new Map<string, boolean>();

  constructor(
    readonly root: Node,
    readonly text: string,
  ) {}

  imports(): ImportInfo {
    if (this.importsMemo) return this.importsMemo;
    const info: ImportInfo = { byAlias: new Map(), dot: [], blank: [] };
    for (const decl of this.root.namedChildren) {
      if (decl?.type !== 'import_declaration') continue;
      for (const spec of decl.descendantsOfType('import_spec')) {
        if (!spec) continue;
        const pathNode = spec.childForFieldName('path');
        if (!pathNode) continue;
        const path = unquote(pathNode.text);
        const name = spec.childForFieldName('name');
        if (!name) info.byAlias.set(defaultImportName(path), path);
        else if (name.type === 'dot') info.dot.push(path);
        else if (name.type === 'blank_identifier') info.blank.push(path);
        else info.byAlias.set(name.text, path);
      }
    }
    this.importsMemo = info;
    return info;
  }

  /** Names declared at file scope: vars, consts, types and funcs. */
  packageNames(): Set<string> {
    if (this.packageNamesMemo) return this.packageNamesMemo;
    const names = new Set<string>();
    for (const decl of this.root.namedChildren) {
      if (!decl) continue;
      switch (decl.type) {
        case 'function_declaration':
        case 'type_declaration':
          for (const n of decl.type === 'function_declaration'
            ? [decl.childForFieldName('name')]
            : decl.descendantsOfType(['type_spec', 'type_alias']).map((s) => s?.childForFieldName('name') ?? null))
            if (n) names.add(n.text);
          break;
        case 'var_declaration':
        case 'const_declaration':
          for (const spec of decl.descendantsOfType(['var_spec', 'const_spec']))
            for (const n of spec?.childrenForFieldName('name') ?? []) if (n) names.add(n.text);
          break;
      }
    }
    this.packageNamesMemo = names;
    return names;
  }

  /** Names of the types declared at file scope. */
  typeNames(): Set<string> {
    if (this.typeNamesMemo) return this.typeNamesMemo;
    const names = new Set<string>();
    for (const decl of this.root.namedChildren) {
      if (decl?.type !== 'type_declaration') continue;
      for (const s of decl.namedChildren) {
        const n = (s?.type === 'type_spec' || s?.type === 'type_alias') && s.childForFieldName('name');
        if (n) names.add(n.text);
      }
    }
    this.typeNamesMemo = names;
    return names;
  }

  /**
   * Names a function declares itself: receiver, parameters, named results, and the
   * `:=`, `var` and range declarations of its body outside nested function literals.
   */
  localNames(fn: Node): Set<string> {
    const memo = this.localsMemo.get(fn.id);
    if (memo) return memo;
    const names = new Set<string>();
    paramNames(fn.childForFieldName('receiver'), names);
    paramNames(fn.childForFieldName('parameters'), names);
    paramNames(fn.childForFieldName('result'), names);
    const body = fn.childForFieldName('body');
    if (body) {
      for (const d of body.descendantsOfType(['short_var_declaration', 'var_spec', 'const_spec', 'range_clause'])) {
        if (!d || enclosingFunction(d)?.id !== fn.id) continue;
        if (d.type === 'range_clause') {
          // `for k, v := range x` declares; `for k, v = range x` assigns.
          const op = d.children.find((c) => c?.type === ':=');
          if (!op) continue;
        }
        const left = d.type === 'short_var_declaration' || d.type === 'range_clause' ? d.childForFieldName('left') : null;
        const idents = left ? left.namedChildren : d.childrenForFieldName('name');
        for (const n of idents) if (n?.type === 'identifier') names.add(n.text);
      }
    }
    this.localsMemo.set(fn.id, names);
    return names;
  }

  /**
   * Where `name`, used at `at`, is declared: the innermost enclosing function that
   * declares it, 'package' for a file-scope declaration, or 'unknown' (another file of the
   * package, or an undeclared name).
   */
  resolveName(name: string, at: Node): Node | 'package' | 'unknown' {
    for (let fn = enclosingFunction(at); fn; fn = enclosingFunction(fn)) {
      if (this.localNames(fn).has(name)) return fn;
    }
    return this.packageNames().has(name) ? 'package' : 'unknown';
  }

  /**
   * False when the file cannot declare `name` anywhere, so that no local can shadow an import
   * of that name: every whole-word occurrence is a use `name.X`, an import path's last element
   * (`"net/http"`) or a named import spec (`name "path"`). A cheap text test that saves the
   * scope analysis for nearly every qualified call; any other occurrence falls back to it.
   */
  private mayDeclare(name: string): boolean {
    let v = this.declaresMemo.get(name);
    if (v !== undefined) return v;
    v = false;
    const re = new RegExp(`(?<![\\w.])${name.replace(/[^\w]/g, '\\$&')}(?!\\w)`, 'g');
    const t = this.text;
    for (let m = re.exec(t); m; m = re.exec(t)) {
      const after = m.index + name.length;
      const next = t[after];
      const prev = t[m.index - 1];
      if (next === '.') continue;
      if ((prev === '"' || prev === '/') && next === '"') continue;
      if ((next === ' ' || next === '\t') && /^[ \t]+"/.test(t.slice(after, after + 8))) continue;
      v = true;
      break;
    }
    this.declaresMemo.set(name, v);
    return v;
  }

  /**
   * The import path that `alias` refers to at `at`, unless a local declaration shadows it.
   */
  importPath(alias: string, at: Node): string | undefined {
    const path = this.imports().byAlias.get(alias);
    if (path === undefined) return undefined;
    if (!this.mayDeclare(alias)) return path;
    // Shadowing depends only on the functions around `at`: memoize per innermost function.
    const key = `${enclosingFunction(at)?.id ?? 0}:${alias}`;
    const known = this.importMemo.get(key);
    if (known !== undefined) return known || undefined;
    const where = this.resolveName(alias, at);
    const result = where === 'unknown' || where === 'package' ? path : undefined;
    this.importMemo.set(key, result ?? '');
    return result;
  }

  /**
   * For `pkg.Name` (a selector_expression, usually a call's function), the import path
   * and name when `pkg` is an import of this file that no local shadows.
   */
  qualified(sel: Node | null): { path: string; alias: string; name: string } | undefined {
    if (!sel || sel.type !== 'selector_expression') return undefined;
    const operand = sel.childForFieldName('operand');
    if (!operand || operand.type !== 'identifier') return undefined;
    // Most selectors are methods and fields of locals: settle those before asking for more nodes.
    if (!this.imports().byAlias.has(operand.text)) return undefined;
    const field = sel.childForFieldName('field');
    if (!field) return undefined;
    const path = this.importPath(operand.text, sel);
    return path === undefined ? undefined : { path, alias: operand.text, name: field.text };
  }

  /** True when `call` is a call of `path.name` (resolved through imports). */
  isCallTo(call: Node, path: string, names: string | string[]): boolean {
    if (call.type !== 'call_expression') return false;
    const q = this.qualified(call.childForFieldName('function'));
    if (!q || q.path !== path) return false;
    return typeof names === 'string' ? q.name === names : names.includes(q.name);
  }

  /**
   * Every identifier spelled `name` inside `scope` (a function), in document order,
   * leaving out those inside nested function literals that redeclare the name as a
   * parameter. Memoized per scope.
   */
  uses(scope: Node, name: string): Node[] {
    let byName = this.identsMemo.get(scope.id);
    if (!byName) {
      byName = new Map();
      for (const id of scope.descendantsOfType('identifier')) {
        if (!id) continue;
        const list = byName.get(id.text);
        if (list) list.push(id);
        else byName.set(id.text, [id]);
      }
      this.identsMemo.set(scope.id, byName);
    }
    const all = byName.get(name) ?? [];
    // By offsets against the literals that take `name` as a parameter: cheaper than
    // walking `parent` links up from every identifier.
    const rebinding = scope.descendantsOfType('func_literal').filter((fn) => {
      if (!fn || fn.id === scope.id) return false;
      const params = new Set<string>();
      paramNames(fn.childForFieldName('parameters'), params);
      return params.has(name);
    });
    if (!rebinding.length) return all;
    return all.filter((id) => !rebinding.some((fn) => fn!.startIndex <= id.startIndex && id.endIndex <= fn!.endIndex));
  }

  /**
   * The escape test of RULES.md for one use of a variable: returns why the value escapes
   * through this use, or null when the use keeps it local (`c.Method()`, `c == nil`, ...).
   * `owner` is the function that declared the variable.
   */
  escapeOf(use: Node, owner: Node): EscapeReason | null {
    const up = carrierOf(this, use);
    const parent = up.parent;
    if (!parent) return null;
    switch (parent.type) {
      case 'selector_expression':
        // c.Method(...), c.Field: a use of the value, not an escape.
        break;
      case 'expression_list': {
        const gp = parent.parent;
        if (gp?.type === 'return_statement') return 'returned';
        if (
          (gp?.type === 'assignment_statement' || gp?.type === 'short_var_declaration' || gp?.type === 'var_spec') &&
          gp.childForFieldName(gp.type === 'var_spec' ? 'value' : 'right')?.id === parent.id
        )
          return 'assigned';
        break;
      }
      case 'return_statement':
        return 'returned';
      case 'literal_element':
        return 'stored in a composite literal';
      case 'argument_list': {
        const fn = parent.parent?.childForFieldName('function');
        if (fn?.type === 'identifier') {
          if (fn.text === 'append') return 'appended';
          if (['len', 'cap', 'print', 'println', 'close', 'delete'].includes(fn.text)) break;
        }
        return 'passed as an argument';
      }
      case 'send_statement':
        if (parent.childForFieldName('value')?.id === up.id) return 'sent on a channel';
        break;
      case 'unary_expression':
        if (parent.child(0)?.type === '&') return 'address taken';
        break;
      case 'var_spec':
        if (parent.childForFieldName('value')?.id === up.id) return 'assigned';
        break;
    }
    // A goroutine that uses the value may outlive the function.
    for (let fn = enclosingFunction(use); fn && fn.id !== owner.id; fn = enclosingFunction(fn)) {
      if (fn.type === 'func_literal' && startedWithGo(fn)) return 'captured by a goroutine';
    }
    return null;
  }
}

/** Go's predeclared types: `T(x)` with one of these names is a conversion, not a call. */
const PREDECLARED_TYPES = new Set([
  'any', 'bool', 'byte', 'complex64', 'complex128', 'error', 'float32', 'float64', 'int', 'int8', 'int16', 'int32',
  'int64', 'rune', 'string', 'uint', 'uint8', 'uint16', 'uint32', 'uint64', 'uintptr',
]);

/**
 * True for a conversion written like a call: `T(x)` where T is a type of this file or a
 * predeclared one, and `(*T)(x)`. `pkg.T(x)` cannot be told from a call of another package.
 */
function isConversion(facts: FileFacts, call: Node): boolean {
  if (call.childForFieldName('arguments')?.namedChildCount !== 1) return false;
  const fn = call.childForFieldName('function');
  if (fn?.type === 'identifier') return PREDECLARED_TYPES.has(fn.text) || facts.typeNames().has(fn.text);
  if (fn?.type === 'parenthesized_expression') {
    const inner = unparen(fn);
    return inner.type === 'unary_expression' && inner.child(0)?.type === '*';
  }
  return false;
}

/**
 * The outermost expression that holds the same value as `use`: parentheses, a type
 * assertion (`c.(*impl)`) and a conversion (`T(c)`, `[]byte(s)`) hand the value on, so
 * `return c.(*impl)` returns `c` and `c.(io.Closer).Close()` closes it.
 */
export function carrierOf(facts: FileFacts, use: Node): Node {
  let cur = unparenUp(use);
  for (;;) {
    const p = cur.parent;
    if (!p) return cur;
    if (p.type === 'type_assertion_expression' && p.childForFieldName('operand')?.id === cur.id) cur = unparenUp(p);
    else if (p.type === 'type_conversion_expression' && p.childForFieldName('operand')?.id === cur.id) cur = unparenUp(p);
    else if (p.type === 'argument_list' && p.parent?.type === 'call_expression' && isConversion(facts, p.parent)) cur = unparenUp(p.parent);
    else return cur;
  }
}

/** True for `go func() { … }()`. */
export function startedWithGo(lit: Node): boolean {
  const call = unparenUp(lit).parent;
  return call?.type === 'call_expression' && unparenUp(call).parent?.type === 'go_statement';
}

/** True for `defer func() { … }()`. */
export function deferred(lit: Node): boolean {
  const call = unparenUp(lit).parent;
  return call?.type === 'call_expression' && unparenUp(call).parent?.type === 'defer_statement';
}

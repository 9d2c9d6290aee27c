// Syntax facts about one Go file, shared by every rule and memoized: imports, package-level
// names, functions and their local declarations, uses of a variable, and the escape test.
// Everything here looks only inside nodes a rule was handed, never walks the whole tree
// from JS (descendantsOfType runs on the WASM side).
import type { Node } from 'web-tree-sitter';
import { declAt, funcName, isWordCode, type Outline, packageClause, plainImports } from './toplevel.js';
import { Syntax, type TextTest } from './syntax.js';

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

/**
 * Two answers of `resolveName` name the same scope: the same word, or the same function.
 * Nodes are compared by id: a node reached by two ways need not be one object (parsed per
 * declaration, identity held for some functions only, and a relay went unseen there).
 */
export function sameScope(a: Node | 'package' | 'unknown', b: Node | 'package' | 'unknown'): boolean {
  return typeof a === 'string' || typeof b === 'string' ? a === b : a.id === b.id;
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
 * The functions containing offset `at` of `n`'s tree, innermost first. Any function around
 * `at` encloses the last function starting at or before it, so the chain of enclosing
 * functions from there has them all.
 */
export function functionsAt(n: Node, at: number, inside?: Node): Node[] {
  const ix = functionIndex(n);
  const out: Node[] = [];
  const lo = inside ? inside.startIndex : -1;
  const hi = inside ? inside.endIndex : Infinity;
  for (let i = lowerBound(ix.starts, at + 1) - 1; i >= 0; i = ix.outer[i]!) {
    const s = ix.starts[i]!;
    const e = ix.ends[i]!;
    if (s < lo || (s === lo && e === hi)) break;
    if (s <= at && at < e && e <= hi) out.push(ix.fns[i]!);
  }
  return out;
}

/** True when `inner` lies inside `outer` (or is it). */
export function within(inner: Node, outer: Node): boolean {
  return inner.startIndex >= outer.startIndex && inner.endIndex <= outer.endIndex;
}

/**
 * Where a lookup of [start, end) inside `scope` starts its descent: the innermost function of
 * `scope` around the range (a descent costs the depth it crosses), else `scope`.
 */
export function descentFrom(scope: Node, start: number, end: number): Node {
  const inner = isFunction(scope) ? innermostFunction(scope, start, end) : null;
  return inner && within(inner, scope) ? inner : scope;
}

/** The identifier that is exactly [start, end), found below `from`; null when the word there is no identifier (a field, a label). */
export function identifierAt(from: Node, start: number, end: number): Node | null {
  const id = from.descendantForIndex(start, end);
  return id?.type === 'identifier' && id.startIndex === start && id.endIndex === end ? id : null;
}

/**
 * The innermost function of `n`'s tree that strictly contains [start, end), or null: where a
 * lookup by offset can start its descent (from the root it costs the whole depth).
 */
export function innermostFunction(n: Node, start: number, end: number): Node | null {
  const ix = functionIndex(n);
  for (let i = lowerBound(ix.starts, start) - 1; i >= 0; i = ix.outer[i]!) {
    if (ix.ends[i]! > end) return ix.fns[i]!;
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

// The tree asked about last and its index: rules ask about one tree many times in a row (a
// WeakMap lookup at every enclosingFunction was a good part of its time).
let lastTree: object | undefined;
let lastIndex: FunctionIndex | undefined;

function functionIndex(n: Node): FunctionIndex {
  const tree = n.tree;
  if (tree === lastTree) return lastIndex!;
  const ix = functionIndexes.get(tree) ?? seedFunctionIndex(tree, functionsFromText(tree.rootNode));
  lastTree = tree;
  lastIndex = ix;
  return ix;
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
  // The functions found so far that are still open: the next hit is looked up from the
  // innermost of them, not from the root (a descent costs the depth it crosses, and nested
  // literals would make it quadratic in the depth).
  const open: Node[] = [];
  const re = /\bfunc\b/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const at = base + m.index;
    while (open.length && open[open.length - 1]!.endIndex < at + 4) open.pop();
    // The smallest named node around the keyword: the function it starts (its `func` token
    // is anonymous), which saves asking the token for its parent.
    const fn = (open[open.length - 1] ?? root).namedDescendantForIndex(at, at + 4);
    if (fn && FUNCTION_SET.has(fn.type) && fn.startIndex === at) {
      out.push(fn);
      open.push(fn);
    }
  }
  return out;
}

/**
 * Builds a tree's function index from its functions in document order; the engine calls it
 * with the functions its own collection pass found, which saves a walk of the whole tree.
 */
export function seedFunctionIndex(tree: object, all: (Node | null)[]): FunctionIndex {
  const fns = all.filter((f): f is Node => f !== null && FUNCTION_SET.has(f.type));
  const ends = fns.map((f) => f.endIndex);
  const ix: FunctionIndex = { fns, starts: fns.map((f) => f.startIndex), ends, outer: nestingParents(ends) };
  functionIndexes.set(tree, ix);
  lastTree = tree;
  lastIndex = ix;
  return ix;
}

/**
 * For ranges in document order that nest or follow one another (functions, loops), given their
 * ends: the index of the innermost range around each, or -1.
 */
export function nestingParents(ends: number[]): number[] {
  const outer: number[] = [];
  const open: number[] = [];
  for (let i = 0; i < ends.length; i++) {
    while (open.length && ends[open[open.length - 1]!]! < ends[i]!) open.pop();
    outer.push(open.length ? open[open.length - 1]! : -1);
    open.push(i);
  }
  return outer;
}

/** Function `fn` and the functions nested in it, in document order, from the index. */
function functionsIn(fn: Node): Node[] {
  const ix = functionIndex(fn);
  const end = fn.endIndex;
  const out: Node[] = [];
  for (let i = lowerBound(ix.starts, fn.startIndex); i < ix.fns.length && ix.starts[i]! < end; i++) {
    if (ix.ends[i]! <= end) out.push(ix.fns[i]!);
  }
  return out;
}

/**
 * A global regex that finds `name` wherever it may be a whole Go identifier. For an ASCII
 * name, `\b` finds a superset (a non-ASCII letter next to it is no word character in a
 * regex); the node at each hit settles it.
 */
const patterns = new Map<string, RegExp>();
function wordPattern(name: string): RegExp {
  let re = patterns.get(name);
  if (!re) {
    re = /^\w+$/.test(name) ? new RegExp(`\\b${name}\\b`, 'g') : new RegExp(`(?<![\\p{L}\\p{Nd}_])${name.replace(/[^\p{L}\p{Nd}_]/gu, '\\$&')}(?![\\p{L}\\p{Nd}_])`, 'gu');
    patterns.set(name, re);
  }
  return re;
}

const ASCII_WORD = /^\w+$/;

/**
 * The offsets of the matches of /:=|\bvar\b|\bconst\b/g in `text`, from a native search for
 * each (none of them can overlap another): the RegExp tried its three branches at every offset.
 */
export function declaringOffsets(text: string): number[] {
  const out: number[] = [];
  for (let at = text.indexOf(':='); at >= 0; at = text.indexOf(':=', at + 2)) out.push(at);
  for (const w of ['var', 'const']) {
    for (let at = text.indexOf(w); at >= 0; at = text.indexOf(w, at + 1)) {
      if (!isWordCode(text.charCodeAt(at - 1)) && !isWordCode(text.charCodeAt(at + w.length))) out.push(at);
    }
  }
  return out.sort((a, b) => a - b);
}

export { isWordCode };

let identUnit: RegExp | undefined;

/**
 * /[\p{L}\p{Nd}_]/u.test(text[i] ?? ''): in place for ASCII (its letters, digits and `_`), the
 * RegExp, made at the first need, for the rest. Parsing it builds ICU sets: about 1.5 M
 * instructions, and as much again to compile it, in a run that met one such test.
 */
export function isIdentUnitAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (!(c >= 0x80)) return isWordCode(c);
  return (identUnit ??= /[\p{L}\p{Nd}_]/u).test(text[i]!);
}

/** The outermost function around function `fn` (fn itself at top level), from the index. */
function outermost(fn: Node): Node {
  const ix = functionIndex(fn);
  let i = lowerBound(ix.starts, fn.startIndex);
  // Functions with the same start: fn is the outermost of them that ends where it ends.
  while (i < ix.fns.length && ix.starts[i] === fn.startIndex && ix.fns[i]!.id !== fn.id) i++;
  if (i >= ix.fns.length || ix.fns[i]!.id !== fn.id) return fn;
  while (ix.outer[i]! >= 0) i = ix.outer[i]!;
  return ix.fns[i]!;
}

/** The first index of a sorted array whose value is >= v. */
export function lowerBound(a: readonly number[], v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A regex that finds `s` as written: a test on a declaration's text before its parse (FileFacts.declarations). */
export function literally(s: string): RegExp {
  return new RegExp(s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
}

/**
 * A memo per owner (a file's facts, a tree) and question, dropped with the owner: the
 * WeakMap of Maps that per-file answers are kept in.
 */
export function memoPer<O extends object, V>(): (owner: O, key: string | number, make: () => V) => V {
  const memos = new WeakMap<O, Map<string | number, V>>();
  return (owner, key, make) => {
    let memo = memos.get(owner);
    if (!memo) memos.set(owner, (memo = new Map()));
    if (memo.has(key)) return memo.get(key)!;
    const v = make();
    memo.set(key, v);
    return v;
  };
}

/** The statements of a block or a statement list, comments left out; none for any other node. */
export function codeStatements(n: Node | null): Node[] {
  const list = n?.type === 'block' ? n.namedChildren.find((c) => c?.type === 'statement_list') : n;
  return (list?.type === 'statement_list' ? list.namedChildren : []).filter((c): c is Node => !!c && c.type !== 'comment');
}

/** The statements a plain `break` leaves. */
export const BREAK_TARGETS = new Set(['for_statement', 'select_statement', 'expression_switch_statement', 'type_switch_statement']);

/** The statements of a block (tree-sitter-go wraps them in a statement_list). */
export function blockStatements(block: Node | null): Node[] {
  if (!block) return [];
  const list = block.namedChildren.find((c) => c?.type === 'statement_list');
  return (list ? list.namedChildren : block.namedChildren).filter((c): c is Node => c !== null);
}

/**
 * The imports of a text whose import declarations are all plainly written (read from the text,
 * no parse), by the text's outline (one per text, shared: syntax.ts). The package view makes
 * facts for each sibling declaration it parses, and each read its file's imports again: a
 * cold run spent 1.2% of its time there, in defaultImportName and unquote.
 */
const textImports = new WeakMap<Outline, ImportInfo>();

/** Identifiers declared by a parameter_list (names only). */
function paramNames(list: Node | null, out: Set<string>): void {
  if (!list || list.type !== 'parameter_list') return;
  for (const p of list.namedChildren) {
    if (!p) continue;
    for (const n of p.childrenForFieldName('name')) if (n) out.add(n.text);
  }
}

interface Within {
  nodes: Node[];
  starts: number[];
}

export class FileFacts {
  private readonly withinMemo = new Map<string, Within>();
  private readonly ownMemo = new Map<string, Map<number, Node[]>>();
  private importsMemo?: ImportInfo;
  private packageNamesMemo?: Set<string>;
  private readonly typeNameMemo = new Map<string, boolean>();
  private readonly localsMemo = new Map<number, Set<string>>();
  private readonly localDeclsMemo = new Map<number, Map<number, Node[]>>();
  private readonly signatureMemo = new Map<number, Set<string>>();
  private readonly identsMemo = new Map<string, Node[]>();
  private readonly importMemo = new Map<string, string>();
  private readonly declaresMemo = new Map<string, boolean>();
  private declaringWords?: number[];

  /** The file's trees, parsed per declaration when asked for (syntax.ts). */
  readonly syntax: Syntax;
  readonly root: Node;

  /** From the engine's Syntax, or (tests, tools) from a tree parsed whole. */
  constructor(
    from: Syntax | Node,
    readonly text: string,
  ) {
    this.syntax = from instanceof Syntax ? from : new Syntax(null, text, {}, from);
    this.root = this.syntax.root;
  }

  /**
   * The top-level declarations of these node types, parsed when asked for; with `text`,
   * only those whose text it matches (tested before any parse).
   */
  declarations(types: readonly string[], text?: TextTest): Node[] {
    return this.syntax.declarations(types, text);
  }

  /**
   * `scope.descendantsOfType(types)` for a function `scope` (a declaration, method or
   * literal): the same nodes, in document order, from one query per outermost function,
   * so that nested functions asking in turn cost a search, not a walk of their subtrees.
   */
  within(scope: Node, types: string | readonly string[]): Node[] {
    const list = typeof types === 'string' ? [types] : [...types];
    if (!isFunction(scope)) return scope.descendantsOfType(list).filter((n): n is Node => n !== null);
    if (list.length === 1 && list[0] === 'func_literal') return functionsIn(scope).filter((f) => f.type === 'func_literal');
    const top = outermost(scope);
    const key = `${top.id}:${list.join(',')}`;
    let w = this.withinMemo.get(key);
    if (!w) {
      const nodes = top.descendantsOfType(list).filter((n): n is Node => n !== null);
      w = { nodes, starts: nodes.map((n) => n.startIndex) };
      this.withinMemo.set(key, w);
    }
    // In document order, the nodes inside scope follow one another; nothing before scope's
    // start is inside it, and no node of a function's range encloses the function.
    const out: Node[] = [];
    for (let i = lowerBound(w.starts, scope.startIndex); i < w.nodes.length && w.starts[i]! < scope.endIndex; i++) {
      const n = w.nodes[i]!;
      if (n.endIndex <= scope.endIndex && (n.id === scope.id || n.startIndex !== scope.startIndex || n.endIndex !== scope.endIndex)) out.push(n);
    }
    return out;
  }

  /** The nodes of `types` whose enclosing function is `fn` itself (not a nested literal). */
  own(fn: Node, types: readonly string[]): Node[] {
    const top = outermost(fn);
    const key = `${top.id}:${types.join(',')}`;
    let byFn = this.ownMemo.get(key);
    if (!byFn) {
      byFn = new Map();
      for (const n of this.within(top, types)) {
        const f = enclosingFunction(n);
        if (!f) continue;
        const list = byFn.get(f.id);
        if (list) list.push(n);
        else byFn.set(f.id, [n]);
      }
      this.ownMemo.set(key, byFn);
    }
    return byFn.get(fn.id) ?? [];
  }

  /** The top-level declaration around `n`. */
  topLevelDeclaration(n: Node): Node | null {
    const i = declAt(this.syntax.outline, n.startIndex);
    return i < 0 ? null : this.syntax.decl(i);
  }

  /**
   * True when the top-level declaration around `offset` has `word` as code (outside comments
   * and literals): a text test that spares parsing a declaration that cannot hold the node.
   */
  declHasWord(offset: number, word: string): boolean {
    const i = declAt(this.syntax.outline, offset);
    return i >= 0 && this.syntax.hasWord(i, word);
  }

  /**
   * The smallest (named) node spanning [start, end), as `root.descendantForIndex`, descending from the
   * innermost function around the range rather than from the root: a descent costs the depth
   * it crosses, and lookups of every hit in deeply nested code would be quadratic.
   */
  nodeAt(start: number, end: number, named = false): Node | null {
    const i = declAt(this.syntax.outline, start);
    const decl = i >= 0 && end <= this.syntax.outline.decls[i]!.end ? this.syntax.decl(i) : null;
    const from = !decl || start < decl.startIndex || end > decl.endIndex ? this.root : (innermostFunction(decl, start, end) ?? decl);
    return named ? from.namedDescendantForIndex(start, end) : from.descendantForIndex(start, end);
  }

  /** False when `offset` is inside a comment or a literal (no code word can be there). */
  isCode(offset: number): boolean {
    return !this.syntax.inLiteral(offset);
  }

  imports(): ImportInfo {
    if (this.importsMemo) return this.importsMemo;
    const outline = this.syntax.outline;
    const known = textImports.get(outline);
    if (known) return (this.importsMemo = known);
    let parsed = false;
    const info: ImportInfo = { byAlias: new Map(), dot: [], blank: [] };
    const add = (name: string | undefined, literal: string) => {
      const path = unquote(literal);
      if (name === undefined) info.byAlias.set(defaultImportName(path), path);
      else if (name === '.') info.dot.push(path);
      else if (name === '_') info.blank.push(path);
      else info.byAlias.set(name, path);
    };
    // A plainly written declaration is read from the text; any other is parsed.
    const decls = this.syntax.outline.decls;
    decls.forEach((d, i) => {
      if (d.kind !== 'import') return;
      const plain = plainImports(this.text, d.start, d.end, decls[i + 1]?.start ?? this.text.length);
      if (plain) {
        for (const s of plain) add(s.name, s.literal);
        return;
      }
      parsed = true;
      const decl = this.syntax.decl(i);
      if (decl?.type !== 'import_declaration') return;
      for (const spec of decl.descendantsOfType('import_spec')) {
        if (!spec) continue;
        const pathNode = spec.childForFieldName('path');
        if (!pathNode) continue;
        const name = spec.childForFieldName('name');
        add(!name ? undefined : name.type === 'dot' ? '.' : name.type === 'blank_identifier' ? '_' : name.text, pathNode.text);
      }
    });
    this.importsMemo = info;
    if (!parsed) textImports.set(outline, info);
    return info;
  }

  /** Names declared at file scope: vars, consts, types and funcs. */
  packageNames(): Set<string> {
    if (this.packageNamesMemo) return this.packageNamesMemo;
    const names = new Set<string>();
    // Names come from the outline: no declaration is parsed for its names, except one with a
    // function literal in it, whose var and const specs (locals of the literal) the tree
    // lists too. (Parsing them all was 7.6 of the 14 MB parsed in a 24 MB generated file.)
    const withFunc: number[] = [];
    this.syntax.outline.decls.forEach((d, i) => {
      if (d.kind === 'func') {
        if (funcName(d)) names.add(funcName(d));
      } else if (d.kind === 'type' || d.kind === 'var' || d.kind === 'const') {
        if (this.syntax.hasWord(i, 'func')) withFunc.push(i);
        else for (const n of d.names) names.add(n.name);
      }
    });
    for (const decl of withFunc.map((i) => this.syntax.decl(i)).filter((n): n is Node => n !== null)) {
      switch (decl.type) {
        case 'type_declaration':
          for (const n of decl.descendantsOfType(['type_spec', 'type_alias']).map((s) => s?.childForFieldName('name') ?? null)) if (n) names.add(n.text);
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

  /** The package clause's name, from the text. */
  packageName(): string | undefined {
    return packageClause(this.syntax.outline.decls);
  }

  /** Whether a type of this name is declared at file scope (only type declarations whose text holds the name are parsed). */
  declaresType(name: string): boolean {
    let v = this.typeNameMemo.get(name);
    if (v === undefined) {
      v = this.declarations(['type_declaration'], literally(name)).some((decl) =>
        decl.namedChildren.some((s) => (s?.type === 'type_spec' || s?.type === 'type_alias') && s.childForFieldName('name')?.text === name),
      );
      this.typeNameMemo.set(name, v);
    }
    return v;
  }

  /**
   * Names a function declares itself: receiver, parameters, named results, and the
   * `:=`, `var` and range declarations of its body outside nested function literals.
   */
  localNames(fn: Node): Set<string> {
    const memo = this.localsMemo.get(fn.id);
    if (memo) return memo;
    const names = new Set(this.signatureNames(fn));
    // Without `:=`, `var` or `const` in its text, a function declares nothing in its body.
    if (this.declaringWordIn(fn.startIndex, fn.endIndex) && fn.childForFieldName('body')) {
      for (const d of this.localDeclarations(fn)) {
        const left = d.type === 'short_var_declaration' || d.type === 'range_clause' ? d.childForFieldName('left') : null;
        const idents = left ? left.namedChildren : d.childrenForFieldName('name');
        for (const n of idents) if (n?.type === 'identifier') names.add(n.text);
      }
    }
    this.localsMemo.set(fn.id, names);
    return names;
  }

  /** Names a function declares in its signature: receiver, parameters, named results. */
  private signatureNames(fn: Node): Set<string> {
    const memo = this.signatureMemo.get(fn.id);
    if (memo) return memo;
    const names = new Set<string>();
    const literal = fn.type === 'func_literal';
    if (!literal) paramNames(fn.childForFieldName('receiver'), names);
    // `func() {…}`, the common literal, has neither parameters nor results to ask the tree for.
    if (!literal || !/^func\s*\(\s*\)\s*\{/.test(this.text.slice(fn.startIndex, fn.startIndex + 64))) {
      paramNames(fn.childForFieldName('parameters'), names);
      paramNames(fn.childForFieldName('result'), names);
    }
    this.signatureMemo.set(fn.id, names);
    return names;
  }

  /** True when `:=`, `var` or `const` occurs in [start, end) of the text (offsets found once per file). */
  private declaringWordIn(start: number, end: number): boolean {
    const words = this.declaringWordOffsets();
    const i = lowerBound(words, start);
    return i < words.length && words[i]! < end;
  }

  private declaringWordOffsets(): number[] {
    this.declaringWords ??= declaringOffsets(this.text);
    return this.declaringWords;
  }

  /**
   * The declarations function `fn` makes itself (not its nested literals), in document order:
   * its short_var_declaration, var_spec and const_spec nodes and its `for … := range`
   * clauses (those of its own nodes, less the range clauses that assign). Found from the
   * offsets of `:=`, `var` and `const` in the text and the node at each, not by walking the
   * whole outermost function: a function has far fewer of those words than nodes.
   */
  localDeclarations(fn: Node): Node[] {
    const top = outermost(fn);
    let byFn = this.localDeclsMemo.get(top.id);
    if (!byFn) {
      byFn = new Map();
      for (const n of this.declaringNodes(top)) {
        const f = enclosingFunction(n);
        if (!f) continue;
        const list = byFn.get(f.id);
        if (list) list.push(n);
        else byFn.set(f.id, [n]);
      }
      this.localDeclsMemo.set(top.id, byFn);
    }
    return byFn.get(fn.id) ?? [];
  }

  /** The nodes of `localDeclarations` in `top` and every function nested in it, in document order. */
  private declaringNodes(top: Node): Node[] {
    const out: Node[] = [];
    const words = this.declaringWordOffsets();
    const text = this.text;
    for (let i = lowerBound(words, top.startIndex); i < words.length && words[i]! < top.endIndex; i++) {
      const at = words[i]!;
      if (this.syntax.inLiteral(at)) continue;
      const op = text.charCodeAt(at) === 58; // `:=`
      const len = op ? 2 : text.startsWith('var', at) ? 3 : 5;
      if (at + len > top.endIndex) continue;
      // The operator's or keyword's statement: the smallest named node around the token.
      const n = top.namedDescendantForIndex(at, at + len);
      if (!n) continue;
      if (op) {
        if (n.type === 'short_var_declaration' || n.type === 'range_clause') out.push(n);
      } else if ((n.type === 'var_declaration' || n.type === 'const_declaration') && n.startIndex === at) {
        for (const c of n.namedChildren) {
          if (c?.type === 'var_spec' || c?.type === 'const_spec') out.push(c);
          else if (c?.type === 'var_spec_list') for (const v of c.namedChildren) if (v?.type === 'var_spec') out.push(v);
        }
      }
    }
    // A group's specs come with its keyword, before the declarations nested in earlier specs.
    return out.sort((a, b) => a.startIndex - b.startIndex);
  }

  /**
   * Where `name`, used at `at`, is declared: the innermost enclosing function that
   * declares it, 'package' for a file-scope declaration, or 'unknown' (another file of the
   * package, or an undeclared name).
   */
  resolveName(name: string, at: Node): Node | 'package' | 'unknown' {
    for (let fn = enclosingFunction(at); fn; fn = enclosingFunction(fn)) {
      // A receiver or parameter (most roots of a selector) without collecting the body's declarations.
      if (this.signatureNames(fn).has(name) || this.localNames(fn).has(name)) return fn;
    }
    return this.packageNames().has(name) ? 'package' : 'unknown';
  }

  /**
   * False when the file cannot declare `name` anywhere, so that no local can shadow an import
   * of that name: every whole-word occurrence in its code is a use `name.X`, an import path's
   * last element (`"net/http"`) or a named import spec (`name "path"`); comments and literals
   * declare nothing (`// errors are wrapped`). A cheap text test that saves the
   * scope analysis for nearly every qualified call; any other occurrence falls back to it.
   */
  private mayDeclare(name: string): boolean {
    let v = this.declaresMemo.get(name);
    if (v !== undefined) return v;
    v = false;
    const t = this.text;
    // The matches of /(?<![\w.])name(?!\w)/g, from a native search for the name: the RegExp's
    // look back was tried at every offset of the file, for every import name asked.
    for (let at = t.indexOf(name); at >= 0; ) {
      const after = at + name.length;
      const before = t.charCodeAt(at - 1);
      if (isWordCode(before) || before === 0x2e || isWordCode(t.charCodeAt(after))) {
        at = t.indexOf(name, at + 1);
        continue;
      }
      const next = t[after];
      const prev = t[at - 1];
      const skip = next === '.' || this.syntax.inLiteral(at) || ((prev === '"' || prev === '/') && next === '"') || ((next === ' ' || next === '\t') && /^[ \t]+"/.test(t.slice(after, after + 8)));
      if (!skip) {
        v = true;
        break;
      }
      at = t.indexOf(name, after);
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
   * What the text shows of the selector around a name at offset `at` (`x.Name`), before
   * anything is parsed: `{ path }` when x is an import of this file that nothing in the file
   * can shadow (mayDeclare: what `qualified` answers for it); `{}` when the selector is no
   * package's name (x is no import, or the operand is longer: `f().Name`, `a.x.Name`);
   * undefined when the text leaves it open (no dot just before the name, a comment, an
   * import that a local may shadow).
   */
  selectorAt(at: number): { path?: string } | undefined {
    const t = this.text;
    if (t.charCodeAt(at - 1) !== 0x2e) return undefined;
    let s = at - 1;
    while (s > 0 && /\w/.test(t[s - 1]!)) s--;
    if (s === at - 1) return /[)\]}]/.test(t[at - 2] ?? '') ? {} : undefined;
    if (/[^\x00-\x7f]/.test(t[s - 1] ?? '') || /\d/.test(t[s]!)) return undefined;
    let p = s - 1;
    while (p >= 0 && /\s/.test(t[p]!)) p--;
    // A dot in a comment (`// Open it.` on the line above `os.Open(p)`) is not the selector's.
    if (p >= 0 && t[p] === '.') return this.syntax.inLiteral(p) ? undefined : {};
    if (p >= 0 && t[p] === '/') return undefined;
    const alias = t.slice(s, at - 1);
    const path = this.imports().byAlias.get(alias);
    if (path === undefined) return {};
    return this.mayDeclare(alias) ? undefined : { path };
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
    const all = this.identifiers(scope, name);
    // By offsets against the literals that take `name` as a parameter: cheaper than
    // walking `parent` links up from every identifier.
    const rebinding = this.within(scope, 'func_literal').filter((fn) => {
      if (fn.id === scope.id) return false;
      const params = new Set<string>();
      paramNames(fn.childForFieldName('parameters'), params);
      return params.has(name);
    });
    if (!rebinding.length) return all;
    return all.filter((id) => !rebinding.some((fn) => fn!.startIndex <= id.startIndex && id.endIndex <= fn!.endIndex));
  }

  /**
   * Every identifier spelled `name` inside `scope`, in document order: found from the word
   * in the text (a native search) and the node at each hit, so that nested scopes asking in
   * turn never list every identifier of a function.
   */
  identifiers(scope: Node, name: string): Node[] {
    const key = `${scope.id}:${name}`;
    const known = this.identsMemo.get(key);
    if (known) return known;
    const out: Node[] = [];
    for (const at of this.wordOffsets(scope, name)) {
      const end = at + name.length;
      const id = identifierAt(descentFrom(scope, at, end), at, end);
      if (id) out.push(id);
    }
    this.identsMemo.set(key, out);
    return out;
  }

  /** The offsets of the word `name` in scope's code (not in comments or literals), in order. */
  wordOffsets(scope: Node, name: string): number[] {
    const out: number[] = [];
    // The search runs over scope's text only: from scope's start, a name that does not occur
    // in scope would be looked for to the end of the file, at every scope asked about.
    const base = scope.startIndex;
    const end = scope.endIndex;
    if (ASCII_WORD.test(name)) {
      // What `\bname\b` finds in scope's text (its edges count as boundaries), by a native
      // search in place: no slice of the text, no RegExp tried at every offset.
      const t = this.text;
      for (let at = t.indexOf(name, base); at >= 0 && at + name.length <= end; at = t.indexOf(name, at + 1)) {
        if (at > base && isWordCode(t.charCodeAt(at - 1))) continue;
        if (at + name.length < end && isWordCode(t.charCodeAt(at + name.length))) continue;
        if (!this.syntax.inLiteral(at)) out.push(at);
      }
      return out;
    }
    const re = wordPattern(name);
    const text = this.text.slice(base, end);
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const at = base + m.index;
      if (!this.syntax.inLiteral(at)) out.push(at);
    }
    return out;
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
        // `*x` is a copy of what x points to, and of what that holds (a response's Body):
        // the copy goes where x would (`r := Response(*x); return &r`, `ch <- *x`); a field
        // read through it (`(*x).StatusCode`) is a use. settlements follows a copy assigned
        // to a variable (derefCopy).
        if (parent.child(0)?.type === '*') return this.escapeOf(parent, owner);
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
  if (fn?.type === 'identifier') return PREDECLARED_TYPES.has(fn.text) || facts.declaresType(fn.text);
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

// The package view: what a rule may ask about the package of the file it analyses, beyond the
// file itself. Declarations by name (functions, methods by receiver type, types, struct
// fields, package-level variables and constants) and memoized function summaries, computed
// from a function's own syntax and the summaries of the same-package functions it calls.
//
//	// a.go                                   // b.go
//	func (s *Server) Stop() {                 func (s *Server) drain() {
//		s.drain()                  ───────▶       close(s.jobs)
//	}                                         }
//
//	pkg.summary('method:Server.Stop') says: closes recv.jobs (through a callee, at b.go:2).
//
// Contract (DESIGN.md, package view):
//   - Siblings are read only when a rule asks about a name defined outside its file: the
//     directory is listed, each file's package clause read, and a file is lexed (not parsed)
//     only when the name occurs in its text. Only the declaration asked for is parsed (with
//     the file's imports when one is not plainly written; tree-sitter included ranges):
//     `declarationSyntax` is the one place that does it.
//   - Nodes handed out (`Decl.node`) live until the end of the current file's scan; summaries
//     are plain data and live as long as the package is kept (one directory at a time per
//     thread, see src/engine/packages.ts).
//   - Every answer depends only on the package's text: never on which file asked first or on
//     the thread, so output is the same for any number of jobs. Summaries are computed per
//     depth (a callee's summary at depth d-1), which bounds the work and cuts cycles without
//     making the result depend on where the recursion started.
//   - Every lookup is recorded with a hash of what it found (`deps()`): the result cache keys
//     the file's result on them, so editing a helper invalidates exactly the files that used it.
import { basename } from 'node:path';
import type { Node, Parser, Range, Tree } from 'web-tree-sitter';
import { parseGo } from '../engine/syntax.js';
import { FileFacts, unparen } from './facts.js';
import { definitions, parameterDefinitions } from './decls.js';
import { literalType, resultTypes } from './types.js';
import { keyOfRef, pointIn, type DeclKey, type DeclRef, type IndexedFile, type PackageIndex } from './pkgindex.js';
import { plainImports } from './toplevel.js';

/** How many calls deep a summary follows same-package callees. */
export const SUMMARY_DEPTH = 4;

/** A declaration of the package, with its syntax. */
export interface Decl {
  /** The lookup key: `func:F`, `method:T.M`, `type:T`, `var:V`, `const:C`. */
  key: DeclKey;
  kind: DeclRef['kind'];
  name: string;
  /** A method's receiver base type. */
  recv?: string;
  /** Path of its file. */
  file: string;
  /** function_declaration, method_declaration, type_spec (or type_alias), var_spec or const_spec. Valid until the current file's scan ends. */
  node: Node;
  /** Facts of the tree `node` is in (the current file's, or the parse of this declaration and its file's imports). */
  facts: FileFacts;
  /** Declared in the file being analysed. */
  own: boolean;
}

/** What a summary kind's `local` step sees of one function. */
export interface FunctionSyntax {
  decl: Decl;
  view: PackageView;
  /** The key of the same-package function or method a call in this function runs, when syntax tells. */
  calleeKey(call: Node): DeclKey | undefined;
}

/**
 * A kind of function summary. Rules register their own (a rule-specific fact about
 * functions: "returns a client", "returns holding the lock") without editing the core:
 *
 *   - `local(fn)` reads the function's own syntax once (plain data: no nodes; refer to
 *     callees by key, to sites by file/line);
 *   - `combine(local, callee)` adds what the same-package callees contribute; `callee(key)`
 *     is their summary one level deeper, undefined past the depth bound, inside a cycle's
 *     cut, or for names the package does not declare;
 *   - `join` merges the summaries of several declarations of one name (build-tag variants of
 *     a function, `f_linux.go` and `f_windows.go`); the default keeps the first in file order.
 *
 * `id` must be unique and include whatever options change the result.
 */
export interface SummaryKind<L, T> {
  readonly id: string;
  local(fn: FunctionSyntax): L;
  /**
   * The local step where no callee's summary will be asked (at depth 0): may leave out what
   * only callees would add (resolving the calls), as long as `combine` with no callees gives
   * what it gives for `local`'s result.
   */
  leaf?(fn: FunctionSyntax): L;
  combine(local: L, callee: (key: DeclKey) => T | undefined): T;
  join?(a: T, b: T): T;
}

interface Memo<V> {
  value: V;
  deps: Set<DeclKey>;
}

/**
 * One package's memo, shared by the scans of its files on one thread: the index (texts),
 * and per summary kind the local facts of each declaration and the summaries per depth.
 */
export class Package {
  readonly locals = new Map<string, Map<string, Memo<unknown>>>();
  readonly summaries = new Map<string, Map<string, Memo<unknown>>>();
  readonly facts = new Map<string, Memo<unknown>>();
  constructor(readonly index: PackageIndex) {}

  /**
   * Takes over the memos of `previous`, the same package before some of its files changed
   * (an editor's buffer, at each keystroke), that cannot have changed with them: those whose
   * every consulted key names declarations only in files whose text is the same in both.
   * Memos that consulted a changed file are dropped, even when the key's text is the same:
   * a declaration of the file being analysed was read with that whole file's facts.
   */
  carryOver(previous: Package): void {
    const changed = this.index.changedSince(previous.index);
    const holds = new Map<DeclKey, boolean>();
    const keyHolds = (k: DeclKey) => {
      let h = holds.get(k);
      if (h === undefined) {
        h = ![...previous.index.lookup(k), ...this.index.lookup(k)].some((r) => changed.has(r.file));
        holds.set(k, h);
      }
      return h;
    };
    const memoHolds = (m: Memo<unknown>) => [...m.deps].every(keyHolds);
    for (const [from, to] of [
      [previous.locals, this.locals],
      [previous.summaries, this.summaries],
    ] as const) {
      for (const [kind, memos] of from) {
        const kept = new Map([...memos].filter(([, m]) => memoHolds(m)));
        if (kept.size) to.set(kind, kept);
      }
    }
    for (const [id, m] of previous.facts) if (memoHolds(m)) this.facts.set(id, m);
  }
}

/** Go's predeclared functions that code does not redeclare in practice (min, max and clear, newer, often are). */
const BUILTINS = new Set(['append', 'cap', 'close', 'complex', 'copy', 'delete', 'imag', 'len', 'make', 'new', 'panic', 'print', 'println', 'real', 'recover']);

const DECL_NODE_TYPES = new Set(['function_declaration', 'method_declaration', 'type_spec', 'type_alias', 'var_spec', 'const_spec']);

function rangeOf(f: IndexedFile, start: number, end: number): Range {
  // End past the line break that ends the declaration, so the parser sees it as finished.
  let e = end;
  if (f.text[e] === '\r') e++;
  if (f.text[e] === '\n') e++;
  return { startIndex: start, endIndex: e, startPosition: pointIn(f, start), endPosition: pointIn(f, e) };
}

/**
 * The package as one file's scan sees it. Created by the engine for each file (cheap: the
 * package is opened on the first question); `release()` ends the scan.
 */
export class PackageView {
  /**
   * Sibling declarations parsed during this scan, by `file:start`. (Keeping them for the next
   * scans of the package saved little time and cost memory: tree-sitter trees are large.)
   */
  private readonly trees = new Map<string, { tree: Tree; syntax: { root: Node; facts: FileFacts } }>();
  /** Declarations looked up during this scan (their nodes are this scan's to use). */
  private readonly declsMemo = new Map<DeclKey, Decl[]>();
  /** The fields of struct types looked up during this scan, by name. */
  private readonly fieldsMemo = new WeakMap<Decl, Map<string, { decl: Decl; node: Node; type: Node }>>();
  private readonly collectors: Set<DeclKey>[] = [new Set()];
  /** typeOf of names, per tree (the scan's own and each sibling declaration's). */
  private readonly typeMemo = new WeakMap<FileFacts, Map<string, Memo<string | undefined>>>();
  private pkgMemo?: Package;

  constructor(
    private readonly open: () => Package,
    private readonly parser: Parser,
    /** The file being analysed: its path and the facts of its whole tree. */
    readonly own: { path: string; facts: FileFacts },
  ) {}

  private get ownName(): string {
    return basename(this.own.path);
  }

  get pkg(): Package {
    this.pkgMemo ??= this.open();
    return this.pkgMemo;
  }

  /** The package, if the scan opened it. */
  get opened(): Package | undefined {
    return this.pkgMemo;
  }

  private note(key: DeclKey): void {
    this.collectors[this.collectors.length - 1]!.add(key);
  }

  private noteAll(keys: Set<DeclKey>): void {
    const top = this.collectors[this.collectors.length - 1]!;
    for (const k of keys) top.add(k);
  }

  /**
   * Records that the scan's answer depends on `key`, for a caller that reads the package
   * index itself rather than through the view (absent: for one that knows the key names nothing).
   */
  consulted(key: DeclKey): void {
    this.note(key);
  }

  /**
   * Records that the scan's answer depends on `key`, which a cheaper test of the package's
   * texts showed to name nothing (the cache hashes it as absent without the lookup).
   */
  absent(key: DeclKey): void {
    this.note(key);
    this.pkg.index.settleAbsent(key);
  }

  /** The package clause's name. */
  get name(): string {
    return this.pkg.index.membership.clause;
  }

  /** Paths of the package's files, in name order (the file being analysed included). */
  files(): string[] {
    return this.pkg.index.files.map((f) => f.path);
  }

  /** Every declaration a key names, in file order (several for build-tag variants). */
  decls(key: DeclKey): Decl[] {
    this.note(key);
    let found = this.declsMemo.get(key);
    if (!found) {
      found = this.pkg.index.lookup(key).flatMap((r) => {
        const d = this.declOf(key, r);
        return d ? [d] : [];
      });
      this.declsMemo.set(key, found);
    }
    return found;
  }

  /** The keys of the functions and methods a lookup key finds (`mentions:W`, `methodsof:T`…), without parsing them. */
  keys(key: DeclKey): DeclKey[] {
    this.note(key);
    const out = this.pkg.index.lookup(key).map((r) => keyOfRef(r, key));
    return [...new Set(out)];
  }

  /**
   * True when a function or method that `key` finds (`func:F`, `methods:M`) has one of
   * `words` in its text, outside its own name: a text search of those declarations alone.
   */
  mentionsAny(key: DeclKey, words: ReadonlySet<string>): boolean {
    this.note(key);
    const idx = this.pkg.index;
    return idx.lookup(key).some((r) => (r.kind === 'func' || r.kind === 'method') && idx.mentions(r, words));
  }

  /**
   * True when a type declaration of the package has the word `word` and one of `words` in its
   * text (a struct with a field of type sync.WaitGroup named `wg`): a text search, no parse.
   */
  typeMentions(word: string, words: ReadonlySet<string>): boolean {
    const key = `typesmentioning:${word}`;
    this.note(key);
    const idx = this.pkg.index;
    return idx.lookup(key).some((r) => idx.mentions(r, words));
  }

  /**
   * Searches the package's texts for the `mentions:` keys of `words` at once, ahead of their
   * lookups (PackageIndex.mentionsAhead); notes nothing, the lookups do.
   */
  mentionsAhead(words: readonly string[]): void {
    this.pkg.index.mentionsAhead(words);
  }

  /** True when the package declares something under `key`; cheaper than `decls` (no parse). */
  has(key: DeclKey): boolean {
    this.note(key);
    return this.pkg.index.lookup(key).length > 0;
  }

  /** The first declaration of a key, in file order. */
  decl(key: DeclKey): Decl | undefined {
    return this.decls(key)[0];
  }

  func(name: string): Decl | undefined {
    return this.decl(`func:${name}`);
  }

  method(recvType: string, name: string): Decl | undefined {
    return this.decl(`method:${recvType}.${name}`);
  }

  /** Every method called `name`, whatever its receiver type. */
  methodsNamed(name: string): Decl[] {
    return this.decls(`methods:${name}`);
  }

  /** Every method of a type of the package, in file order. */
  methodsOf(type: string): Decl[] {
    return this.decls(`methodsof:${type}`);
  }

  /**
   * Every function and method of the package whose text has `word` (outside its own name),
   * found by text search: where to look for the uses of a name (`go s.run()` starts run).
   */
  mentioning(word: string): Decl[] {
    return this.decls(`mentions:${word}`);
  }

  /**
   * Every package-level var declaration whose text has `word` (outside its first name), found
   * by text search: a function run by an initializer (`var info = readInfo()`), or kept as a value.
   */
  varsMentioning(word: string): Decl[] {
    return this.decls(`varsmentioning:${word}`);
  }

  type(name: string): Decl | undefined {
    return this.decl(`type:${name}`);
  }

  variable(name: string): Decl | undefined {
    return this.decl(`var:${name}`);
  }

  constant(name: string): Decl | undefined {
    return this.decl(`const:${name}`);
  }

  /**
   * A field of a struct type of the package: its field_declaration and written type (an
   * embedded field's name is its type's name).
   */
  field(typeName: string, field: string): { decl: Decl; node: Node; type: Node } | undefined {
    const decl = this.type(typeName); // notes the dependency on the type, memoized or not
    if (!decl) return undefined;
    let fields = this.fieldsMemo.get(decl);
    if (!fields) {
      fields = new Map();
      const st = decl.node.childForFieldName('type');
      for (const fd of st?.type === 'struct_type' ? st.descendantsOfType('field_declaration') : []) {
        if (!fd || fd.parent?.parent?.id !== st!.id) continue; // a nested struct's field
        const type = fd.childForFieldName('type');
        if (!type) continue;
        const names = fd.childrenForFieldName('name').filter((n): n is Node => n !== null);
        // An embedded field's name is its type's name.
        for (const n of names.length ? names.map((x) => x.text) : [baseTypeName(type) ?? '']) if (n && !fields.has(n)) fields.set(n, { decl, node: fd, type });
      }
      this.fieldsMemo.set(decl, fields);
    }
    return fields.get(field);
  }

  /**
   * The syntax of a declaration: from the current file's tree when it is declared there,
   * else a parse of just that declaration (and its file's imports, unless FileFacts can read
   * them from the text) with included ranges: positions are the file's. The one function
   * through which sibling syntax is read.
   */
  private declarationSyntax(ref: DeclRef): { root: Node; facts: FileFacts } | undefined {
    const f = this.pkg.index.file(ref.file);
    if (!f) return undefined;
    if (f.name === this.ownName) return { root: this.own.facts.root, facts: this.own.facts };
    const id = `${ref.file}:${ref.start}`;
    const known = this.trees.get(id);
    if (known) return known.syntax;
    // The imports are parsed with it only when one is not plainly written: facts read plain
    // ones from the text (FileFacts.imports).
    const imports = this.pkg.index.imports(f);
    const parsed = imports.every((d) => plainImports(f.text, d.start, d.end)) ? [ref] : [...imports, ref];
    const ranges = parsed.sort((a, b) => a.start - b.start).map((d) => rangeOf(f, d.start, d.end));
    // The text read ends with the last range: the parser is handed no more than it parses.
    const tree = parseGo(this.parser, f.text, { includedRanges: ranges }, ranges[ranges.length - 1]!.endIndex)?.tree;
    if (!tree) return undefined;
    const syntax = { root: tree.rootNode, facts: new FileFacts(tree.rootNode, f.text) };
    this.trees.set(id, { tree, syntax });
    return syntax;
  }

  private declOf(key: DeclKey, ref: DeclRef): Decl | undefined {
    const syn = this.declarationSyntax(ref);
    if (!syn) return undefined;
    const id = syn.root.namedDescendantForIndex(ref.nameAt, ref.nameAt + ref.name.length);
    let node: Node | null = id;
    // The name's declaration: its parent for functions, methods and specs.
    for (let i = 0; node && i < 3 && !DECL_NODE_TYPES.has(node.type); i++) node = node.parent;
    if (!node || !DECL_NODE_TYPES.has(node.type)) return undefined;
    const path = ref.file === this.ownName ? this.own.path : this.pkg.index.file(ref.file)!.path;
    return {
      key: keyOfRef(ref, key),
      kind: ref.kind,
      name: ref.name,
      ...(ref.recv ? { recv: ref.recv } : {}),
      file: path,
      node,
      facts: syn.facts,
      own: ref.file === this.ownName,
    };
  }

  /**
   * The package's named type of an expression, when syntax shows it: a receiver, a
   * parameter or variable with a written type (`s *Server`, `var s Server`, `s := &Server{}`),
   * a package-level variable, a field of such a value (`s.pool` → the field's type). Only
   * types declared in this package (`*Server` → "Server"); anything else is undefined.
   */
  typeOf(expr: Node, facts: FileFacts, depth = 0): string | undefined {
    if (depth > 4) return undefined;
    const e = unparen(expr);
    if (e.type === 'identifier') {
      // A name has one type in the function that declares it: memoized per function and name.
      const where = facts.resolveName(e.text, e);
      const key = `${typeof where === 'object' ? where.id : where}:${e.text}`;
      let memo = this.typeMemo.get(facts);
      if (!memo) this.typeMemo.set(facts, (memo = new Map()));
      const known = memo.get(key);
      if (known) {
        this.noteAll(known.deps);
        return known.value;
      }
      const deps = new Set<DeclKey>();
      memo.set(key, { value: undefined, deps }); // a definition that refers to itself ends here
      this.collectors.push(deps);
      let t: string | undefined;
      try {
        t = this.typeOfName(e.text, where, facts, depth);
      } finally {
        this.collectors.pop();
      }
      memo.set(key, { value: t, deps });
      this.noteAll(deps);
      return t;
    }
    if (e.type === 'selector_expression') {
      const operand = e.childForFieldName('operand');
      const field = e.childForFieldName('field')?.text;
      if (!operand || !field || facts.qualified(e)) return undefined;
      const owner = this.typeOf(operand, facts, depth + 1);
      const f = owner ? this.field(owner, field) : undefined;
      return this.packageType(f ? baseTypeName(f.type) : undefined);
    }
    return this.packageType(baseTypeName(literalType(e)));
  }

  private typeOfName(name: string, where: Node | 'package' | 'unknown', facts: FileFacts, depth: number): string | undefined {
    if (typeof where !== 'object') {
      const v = this.variable(name);
      return this.packageType(baseTypeName(v?.node.childForFieldName('type') ?? literalType(v?.node.childForFieldName('value')?.namedChild(0) ?? null)));
    }
    // A receiver or parameter has its type written: the first definition decides, and the
    // function's other definitions (every assignment to the name) need not be collected.
    const param = parameterDefinitions(where, name)[0];
    for (const d of param?.type ? [param] : definitions(facts, where, name)) {
      const type = d.type ?? literalType(d.value);
      if (type) return this.packageType(baseTypeName(type));
      // `n := newNode()`, `c, err := s.dial()`: the declared result of a function of the package.
      const call = d.multi?.call ?? (d.value && unparen(d.value).type === 'call_expression' ? unparen(d.value) : null);
      const callee = call && depth < 4 ? this.callee(call, facts, depth + 1) : undefined;
      const t = this.packageType(callee ? baseTypeName(resultTypes(callee.node)[d.multi?.index ?? 0] ?? null) : undefined);
      if (t) return t;
    }
    return undefined;
  }

  /** The name, when the package declares a type of that name. */
  private packageType(name: string | undefined): string | undefined {
    return name && this.has(`type:${name}`) ? name : undefined;
  }

  /**
   * The same-package function or method a call runs: `f(…)` (not shadowed by a local),
   * `x.M(…)` where x's type is the package's (typeOf). A call through an import, a func
   * value or an interface is not resolved.
   */
  calleeKey(call: Node, facts: FileFacts, depth = 0): DeclKey | undefined {
    const f = call.childForFieldName('function');
    if (!f) return undefined;
    if (f.type === 'identifier') {
      // The package's functions first (a map lookup); the scope walk only for those names.
      if (BUILTINS.has(f.text)) return undefined;
      const key = `func:${f.text}`;
      return this.has(key) && typeof facts.resolveName(f.text, call) !== 'object' ? key : undefined;
    }
    if (f.type !== 'selector_expression') return undefined;
    const operand = f.childForFieldName('operand');
    const name = f.childForFieldName('field')?.text;
    // Most method calls are of other packages' types: no method of that name here, no typeOf.
    if (!operand || !name || !this.has(`methods:${name}`) || facts.qualified(f)) return undefined;
    const t = this.typeOf(operand, facts, depth + 1);
    const key = t ? `method:${t}.${name}` : undefined;
    return key && this.has(key) ? key : undefined;
  }

  /** The same-package function or method a call runs, with its syntax. */
  callee(call: Node, facts: FileFacts, depth = 0): Decl | undefined {
    const key = this.calleeKey(call, facts, depth);
    return key ? this.decl(key) : undefined;
  }

  /**
   * A package-level fact, computed once per package from what the view answers (plain data:
   * no nodes) and memoized with what it consulted, so every file that uses it depends on the
   * same declarations. `id` names the fact and its arguments (`channel-field:Pool.jobs`).
   */
  cached<T>(id: string, compute: () => T): T {
    const known = this.pkg.facts.get(id) as Memo<T> | undefined;
    if (known) {
      this.noteAll(known.deps);
      return known.value;
    }
    const deps = new Set<DeclKey>();
    this.collectors.push(deps);
    let value: T;
    try {
      value = compute();
    } finally {
      this.collectors.pop();
    }
    this.pkg.facts.set(id, { value, deps });
    this.noteAll(deps);
    return value;
  }

  /** A summary of a function or method (a key, or its declaration) of the given kind. */
  summaryOf<L, T>(kind: SummaryKind<L, T>, key: DeclKey | Decl, depth = SUMMARY_DEPTH): T | undefined {
    const k = typeof key === 'string' ? key : key.key;
    return this.summaryAt(kind, k, depth);
  }

  private summaryAt<L, T>(kind: SummaryKind<L, T>, key: DeclKey, depth: number): T | undefined {
    let byKey = this.pkg.summaries.get(kind.id);
    if (!byKey) this.pkg.summaries.set(kind.id, (byKey = new Map()));
    const id = `${key}@${depth}`;
    const known = byKey.get(id) as Memo<T | undefined> | undefined;
    if (known) {
      this.noteAll(known.deps);
      return known.value;
    }
    const deps = new Set<DeclKey>([key]);
    this.collectors.push(deps);
    let value: T | undefined;
    try {
      const refs = this.pkg.index.lookup(key).filter((r) => r.kind === 'func' || r.kind === 'method');
      for (const r of refs) {
        const local = this.localOf(kind, key, r, depth === 0);
        if (local === undefined) continue;
        const s = kind.combine(local.value, (k) => (depth > 0 ? this.summaryAt(kind, k, depth - 1) : undefined));
        value = value === undefined ? s : kind.join ? kind.join(value, s) : value;
      }
    } finally {
      this.collectors.pop();
    }
    byKey.set(id, { value, deps });
    this.noteAll(deps);
    return value;
  }

  private localOf<L, T>(kind: SummaryKind<L, T>, key: DeclKey, ref: DeclRef, leaf = false): Memo<L> | undefined {
    const id = `${ref.file}:${ref.start}:${ref.name}`;
    const full = this.pkg.locals.get(kind.id);
    // A leaf takes the full local step when there is one (combine gives the same without callees).
    const known = (full?.get(id) ?? (leaf && kind.leaf ? this.pkg.locals.get(`${kind.id}#leaf`)?.get(id) : undefined)) as Memo<L> | undefined;
    if (known) {
      this.noteAll(known.deps);
      return known;
    }
    const step = leaf && kind.leaf ? kind.leaf : kind.local;
    const memoId = leaf && kind.leaf ? `${kind.id}#leaf` : kind.id;
    let byRef = this.pkg.locals.get(memoId);
    if (!byRef) this.pkg.locals.set(memoId, (byRef = new Map()));
    const deps = new Set<DeclKey>([key]);
    this.collectors.push(deps);
    let memo: Memo<L> | undefined;
    try {
      const decl = this.declOf(key, ref);
      if (decl) {
        const fx: FunctionSyntax = { decl, view: this, calleeKey: (call) => this.calleeKey(call, decl.facts) };
        memo = { value: step.call(kind, fx), deps };
      }
    } finally {
      this.collectors.pop();
    }
    if (memo) byRef.set(id, memo);
    this.noteAll(deps);
    return memo;
  }

  /**
   * What the file's scan consulted, with a hash of each answer (ABSENT for a name the
   * package does not declare), sorted: the result cache's dependencies.
   */
  deps(): [DeclKey, string][] {
    if (!this.pkgMemo) return [];
    const idx = this.pkgMemo.index;
    return [...this.collectors[0]!].sort().map((k) => [k, idx.hash(k)]);
  }

  /** Ends the file's scan: frees the trees of sibling declarations (their nodes die with them). */
  release(): void {
    for (const t of this.trees.values()) t.tree.delete();
    this.trees.clear();
  }
}

/** `*T`, `T[K]`, `(T)` → "T"; a qualified (other package) or unnamed type → undefined. */
export function baseTypeName(t: Node | null): string | undefined {
  let cur = t;
  while (cur && (cur.type === 'pointer_type' || cur.type === 'parenthesized_type')) cur = cur.namedChild(0);
  if (cur?.type === 'generic_type') cur = cur.childForFieldName('type');
  return cur?.type === 'type_identifier' ? cur.text : undefined;
}

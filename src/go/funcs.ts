// Same-file functions and their call sites, for rules that follow a value into a parameter
// (`newPool(800, t)` → `func newPool(size int, …)`). Memoized per file.
import type { Node } from 'web-tree-sitter';
import { overArguments } from './cmdargs.js';
import { definitionsOf } from './decls.js';
import { unparen, type FileFacts } from './facts.js';
import type { Decl, PackageView } from './package.js';
import { funcName } from './toplevel.js';
import { baseType, resultTypes } from './types.js';
import { callArgs, callOfName, wordNodes } from './words.js';

export interface Param {
  /** The parameter's name node. */
  name: Node;
  /** Position among the call's arguments. */
  index: number;
  /** The parameter_declaration, whose `type` field gives the type. */
  decl: Node;
  variadic: boolean;
}

/**
 * A map whose keys are known up front and whose values are made on first `get`: names of
 * declarations come from the outline, their trees only when someone asks for one.
 */
export class LazyMap<K, V> extends Map<K, V> {
  constructor(private readonly makers: Map<K, () => V>) {
    super();
  }

  override get(k: K): V | undefined {
    if (!super.has(k)) {
      const make = this.makers.get(k);
      if (!make) return undefined;
      super.set(k, make());
    }
    return super.get(k);
  }

  override has(k: K): boolean {
    return this.makers.has(k);
  }

  override get size(): number {
    return this.makers.size;
  }

  override keys(): MapIterator<K> {
    return this.makers.keys();
  }

  override *entries(): MapIterator<[K, V]> {
    for (const k of this.makers.keys()) yield [k, this.get(k)!];
  }

  override *values(): MapIterator<V> {
    for (const k of this.makers.keys()) yield this.get(k)!;
  }

  override [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  override forEach(fn: (v: V, k: K, m: Map<K, V>) => void): void {
    for (const [k, v] of this.entries()) fn(v, k, this);
  }
}

export class Funcs {
  private byNameMemo?: Map<string, Node[]>;
  private functionsMemo?: Map<string, Node>;
  private readonly callsMemo = new Map<number, Node[]>();

  constructor(private readonly facts: FileFacts) {}

  /**
   * Top-level functions and methods by name (a name may have several methods). The names
   * come from the outline; a declaration is parsed when its name is looked up.
   */
  byName(): Map<string, Node[]> {
    if (this.byNameMemo) return this.byNameMemo;
    const syntax = this.facts.syntax;
    const indices = new Map<string, number[]>();
    syntax.outline.decls.forEach((d, i) => {
      const name = funcName(d);
      if (!name || syntax.guarded(i)) return;
      const list = indices.get(name);
      if (list) list.push(i);
      else indices.set(name, [i]);
    });
    const makers = new Map<string, () => Node[]>();
    for (const [name, list] of indices) makers.set(name, () => this.nodes(list));
    this.byNameMemo = new LazyMap(makers);
    return this.byNameMemo;
  }

  /** Top-level functions by name (not methods); the first one when a name is declared twice. */
  functions(): Map<string, Node> {
    if (this.functionsMemo) return this.functionsMemo;
    const syntax = this.facts.syntax;
    const makers = new Map<string, () => Node>();
    syntax.outline.decls.forEach((d, i) => {
      const name = funcName(d);
      if (d.kind === 'func' && name && !makers.has(name) && !syntax.guarded(i)) makers.set(name, () => syntax.decl(i)!);
    });
    this.functionsMemo = new LazyMap(makers);
    return this.functionsMemo;
  }

  private nodes(indices: number[]): Node[] {
    return indices.map((i) => this.facts.syntax.decl(i)).filter((n): n is Node => n !== null && (n.type === 'function_declaration' || n.type === 'method_declaration'));
  }

  /**
   * Calls of a top-level function (`f(…)`) or of a method whose name no other function or
   * method of the file shares (`x.f(…)`). Empty for function literals.
   */
  callsOf(fn: Node): Node[] {
    const memo = this.callsMemo.get(fn.id);
    if (memo) return memo;
    const calls: Node[] = [];
    const name = fn.childForFieldName('name')?.text;
    const unique = name !== undefined && (this.byName().get(name)?.length ?? 0) === 1;
    if (name && unique && (fn.type === 'function_declaration' || fn.type === 'method_declaration')) {
      for (const n of wordNodes(this.facts.root, this.facts.text, [name])) {
        const call = callOfName(n);
        if (!call) continue;
        if (fn.type === 'function_declaration') {
          if (n.type === 'identifier' && this.facts.resolveName(name, n) === 'package') calls.push(call);
        } else if (n.type === 'field_identifier') {
          calls.push(call);
        }
      }
    }
    this.callsMemo.set(fn.id, calls);
    return calls;
  }
}

const memo = new WeakMap<FileFacts, Funcs>();

export function funcsOf(facts: FileFacts): Funcs {
  let f = memo.get(facts);
  if (!f) memo.set(facts, (f = new Funcs(facts)));
  return f;
}

/** The parameter of `fn` (not its receiver) called `name`, or undefined. */
export function paramOf(fn: Node, name: string): Param | undefined {
  const list = fn.childForFieldName('parameters');
  if (!list) return undefined;
  let index = 0;
  for (const decl of list.namedChildren) {
    if (!decl || (decl.type !== 'parameter_declaration' && decl.type !== 'variadic_parameter_declaration')) continue;
    const names = decl.childrenForFieldName('name').filter((n): n is Node => n !== null);
    if (names.length === 0) {
      index++;
      continue;
    }
    for (const n of names) {
      if (n.text === name) return { name: n, index, decl, variadic: decl.type === 'variadic_parameter_declaration' };
      index++;
    }
  }
  return undefined;
}

/** The argument a call passes for a parameter, or undefined (variadic, spread, missing). */
export function argumentFor(call: Node, p: Param): Node | undefined {
  if (p.variadic) return undefined;
  const args = callArgs(call);
  if (args.some((a) => a.type === 'variadic_argument')) return undefined;
  return args[p.index];
}

/**
 * True when top-level function `name` of the file returns (first result) a type of the
 * file on which the file declares one of `methods`:
 * `func NewClient(…) (*Client, error)` with `func (c *Client) Close() error`.
 */
export function resultHasMethod(facts: FileFacts, name: string, methods: Iterable<string>): boolean {
  const decl = funcsOf(facts).byName().get(name)?.find((d) => d.type === 'function_declaration');
  const t = decl && baseType(resultTypes(decl)[0] ?? null);
  if (t?.type !== 'type_identifier') return false;
  for (const m of methods) {
    for (const d of funcsOf(facts).byName().get(m) ?? []) {
      if (d.type !== 'method_declaration') continue;
      const recv = d.childForFieldName('receiver')?.namedChildren.find((p) => p?.type === 'parameter_declaration');
      if (baseType(recv?.childForFieldName('type') ?? null)?.text === t.text) return true;
    }
  }
  return false;
}

/** `func main()` of package main: what it defers runs only when the program ends. */
export function isProgramMain(facts: FileFacts, fn: Node): boolean {
  return fn.type === 'function_declaration' && fn.childForFieldName('name')?.text === 'main' && facts.packageName() === 'main';
}

/** `func init()`, or `func main()` of package main: each runs once, for the life of the process. */
export function runsOncePerProcess(facts: FileFacts, fn: Node): boolean {
  return (fn.type === 'function_declaration' && fn.childForFieldName('name')?.text === 'init') || isProgramMain(facts, fn);
}

const LOOP_TYPES = new Set(['for_statement']);
const LITERAL_PARTS = new Set(['literal_element', 'keyed_element', 'literal_value']);

/**
 * A function or method that only code run once per process runs, once: called (or started
 * with go) out of any loop or func literal in `func init()`, in `func main()` of package
 * main, or in a package-level var initializer (`var info = readInfo()`); or stored in a
 * composite literal in main or init (a command table: `{name: "create-image", action:
 * createImage}`); or so run by another such function (two levels). What it opens lives as
 * long as the process, as what main opens does. Its uses are found by text in the package
 * (`mentioning`, `varsMentioning`); one anywhere else, or one handed to a call
 * (`http.HandleFunc("/", serve)` runs it per request), makes it an ordinary function. Outside
 * package main an exported name may be called by importers the package cannot see: only an
 * unexported one qualifies there.
 *
 * Tests: the package of a non-test file is its non-test files (pkgindex.ts), so a test that
 * calls the function (`ReadOSRelease = readOSRelease` in an export_test.go) is not among its
 * uses. That is the right answer: the program never runs test code, and a test binary that
 * calls it a hundred times holds what it opens for one test run, which is test code's own
 * business (unclosed-resource's `tests` option). When the scan is of test code itself, the
 * package includes the tests and a mention in one makes the function ordinary.
 */
export function onlyRunOnce(view: PackageView, facts: FileFacts, fn: Node, opts: { argLoops?: boolean } = {}, depth = 2): boolean {
  if (fn.type !== 'function_declaration' && fn.type !== 'method_declaration') return false;
  const name = fn.childForFieldName('name')?.text;
  if (!name || name === 'init' || (name === 'main' && fn.type === 'function_declaration')) return false;
  if (facts.packageName() !== 'main' && /^\p{Lu}/u.test(name)) return false;
  const users = view.mentioning(name);
  const vars = view.varsMentioning(name);
  if (!users.length && !vars.length) return false;
  const mentions = (d: Decl) => d.node.descendantsOfType(['identifier', 'field_identifier']).filter((m): m is Node => !!m && m.text === name);
  return (
    vars.every((d) => {
      // The whole declaration: a grouped `var ( … )` is found by its first spec.
      const decl = d.node.parent?.type === 'var_spec_list' ? d.node.parent.parent : d.node.parent;
      return !d.file.endsWith('_test.go') && decl?.type === 'var_declaration' && mentions({ ...d, node: decl }).every((m) => runOnceIn(m, decl, false));
    }) &&
    users.every((d) => {
      if (d.file.endsWith('_test.go') || (d.node.type !== 'function_declaration' && d.node.type !== 'method_declaration')) return false;
      const runs = mentions(d).every((m) => runOnceIn(m, d.node, true, opts.argLoops ? d.facts : undefined));
      return runs && (runsOncePerProcess(d.facts, d.node) || (depth > 0 && onlyRunOnce(view, d.facts, d.node, opts, depth - 1)));
    })
  );
}

/**
 * The mention `m` of a function, in `owner`: a call there, or with `tables` an entry of a
 * table (a composite literal) there, outside loops and literals. A table in a package-level
 * var initializer keeps the function for later, so those ask without `tables`. Given the
 * file's facts (onlyRunOnce's `argLoops`: asked for the values a function makes, leaks.ts
 * madeOncePerProcess, not for the goroutines it starts or the tickers it leaves running,
 * which their rules report per round), a call in package main may also sit in loops over the command-line
 * arguments (`for _, name := range flag.Args() { process(name) }`, cmdargs.ts): they run a
 * bounded number of rounds, once, when `owner` itself runs once (onlyRunOnce's question),
 * as such loops in main do (leaks.ts onceInProcess). Not `go process(name)` there: a
 * goroutine per argument.
 */
function runOnceIn(m: Node, owner: Node, tables = true, facts?: FileFacts): boolean {
  let up = m.parent?.type === 'selector_expression' && m.parent.childForFieldName('field')?.id === m.id ? m.parent : m;
  const call = up.parent?.type === 'call_expression' && up.parent.childForFieldName('function')?.id === up.id;
  if (!call) {
    if (!tables) return false;
    while (up.parent && LITERAL_PARTS.has(up.parent.type)) up = up.parent;
    if (up.parent?.type !== 'composite_literal') return false;
  }
  // A goroutine per argument runs alongside the others: only a plain call counts in such a loop.
  let started = false;
  for (let p = m.parent; p && p.id !== owner.id; p = p.parent) {
    // `go serve(…)` written in main starts it once, as a plain call runs it once; a go
    // statement around anything else (a literal calling it) is a literal's business.
    if (p.type === 'go_statement' && call && p.namedChild(0)?.id === up.parent?.id) {
      started = true;
      continue;
    }
    if (LOOP_TYPES.has(p.type) && call && !started && facts?.packageName() === 'main' && overArguments(facts, p)) continue;
    if (p.type === 'func_literal' || p.type === 'go_statement' || LOOP_TYPES.has(p.type)) return false;
  }
  return true;
}

/**
 * The file's top-level functions that a call through a function value may run, when syntax
 * shows every value the variable can hold; undefined when it cannot (a parameter, a value
 * from a call, a map filled elsewhere).
 *
 *	var send func(io.Writer, *speech.Client, string) error
 *	if gcs { send = sendGCS } else { send = sendFile }   → sendGCS, sendFile
 *	send(w, client, path)
 *
 *	var commands = map[string]command{"query": query, "insert": insert}
 *	cmdFn := commands[cmd]                                → query, insert
 *	cmdFn(ctx, w, client)
 */
export function funcValues(facts: FileFacts, callee: Node): Node[] | undefined {
  if (callee.type !== 'identifier' || facts.resolveName(callee.text, callee) === 'unknown') return undefined;
  const fns = funcsOf(facts).functions();
  const named = (e: Node | null): Node | undefined =>
    e?.type === 'identifier' && facts.resolveName(e.text, e) === 'package' ? fns.get(e.text) : undefined;
  const out = new Set<Node>();
  const defs = definitionsOf(facts, callee);
  if (!defs.length) return undefined;
  for (const d of defs) {
    // `var send func(…) error`: nil until assigned.
    if (d.node.type === 'var_spec' && !d.node.childForFieldName('value')) continue;
    const v = d.value && unparen(d.value);
    const f = named(v);
    if (f) {
      out.add(f);
      continue;
    }
    const table = v?.type === 'index_expression' ? v.childForFieldName('operand') : null;
    const entries = table?.type === 'identifier' ? tableFunctions(facts, table, named) : undefined;
    if (!entries) return undefined;
    for (const e of entries) out.add(e);
  }
  return out.size ? [...out] : undefined;
}

/** The functions a package-level map or slice literal of the file holds, when it holds nothing else. */
function tableFunctions(facts: FileFacts, table: Node, named: (e: Node | null) => Node | undefined): Node[] | undefined {
  if (facts.resolveName(table.text, table) !== 'package') return undefined;
  // `commands["x"] = other` or `commands = …` elsewhere in the file: the literal is not all it holds.
  for (const use of facts.identifiers(facts.root, table.text)) {
    const target = use.parent?.type === 'index_expression' && use.parent.childForFieldName('operand')?.id === use.id ? use.parent : use;
    const stmt = target.parent?.parent;
    if (target.parent?.type === 'expression_list' && stmt?.type === 'assignment_statement' && stmt.childForFieldName('left')?.id === target.parent.id) return undefined;
  }
  const defs = definitionsOf(facts, table);
  if (defs.length !== 1 || defs[0]!.node.type !== 'var_spec') return undefined;
  const lit = defs[0]!.value && unparen(defs[0]!.value);
  const body = lit?.type === 'composite_literal' ? lit.childForFieldName('body') : null;
  if (!body) return undefined;
  const out: Node[] = [];
  for (const el of body.namedChildren) {
    if (!el || el.type === 'comment') continue;
    // `"query": query` (keyed_element: key, value) or a bare `query` (literal_element).
    const value = el.type === 'keyed_element' ? el.namedChildren.filter((c) => c?.type !== 'comment').at(-1) : el;
    const inner = value?.type === 'literal_element' ? value.namedChild(0) : value;
    const f = named(inner ?? null);
    if (!f) return undefined;
    out.push(f);
  }
  return out.length ? out : undefined;
}

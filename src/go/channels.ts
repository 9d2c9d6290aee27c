// Channel facts shared by the channel rules, computed once per top-level function and
// memoized per file: where each local channel is made and with what capacity, every send,
// receive, range and close on it, which goroutine each happens in, and whether the
// channel escapes where syntax can't follow it.
//
//	func f() {
//		ch := make(chan T)          // Channel{name: "ch", capacity: 'unbuffered'}
//		go func() { ch <- v }()     // op send, unit: the go statement
//		go worker(ch)               // ops inside worker(p chan T) of this file, unit: this go statement
//		select {
//		case x := <-ch:             // op recv, select: this select, in the main unit
//		case <-ctx.Done():
//		}
//	}
import type { Node } from 'web-tree-sitter';
import { descentFrom, enclosingFunction, type FileFacts, functionsAt, identifierAt, isFunction, isIdentUnitAt, isWordCode, lowerBound, nestingParents, unparen, unparenUp, within } from './facts.js';
import { funcsOf } from './funcs.js';
import { isNamedResult } from './obligations.js';
import { endingCall, unreachable } from './terminators.js';
import { descendFrom, knownAround, knownParent } from '../engine/nodes.js';
import { declAt, type TopDecl } from './toplevel.js';

export type OpKind = 'send' | 'recv' | 'range' | 'close';

/**
 * Where an operation runs, relative to the function that made the channel: its own body
 * ('main'), a goroutine ('go': `go func(){…}()`, `go f(ch)`, `g.Go(func…)`).
 */
export interface Unit {
  kind: 'main' | 'go';
  /** The function that made the channel (main), or the go statement / `.Go(…)` call. */
  node: Node;
  /** The go statement sits in a loop of its parent: the goroutine is started many times. */
  inLoop: boolean;
  /** The loop that starts it, when inLoop. */
  loop: Node | null;
}

export interface ChanOp {
  kind: OpKind;
  /** send_statement, unary_expression `<-ch`, for_statement (range), call_expression close(ch). */
  node: Node;
  unit: Unit;
  /** The select_statement and communication_case when the op is a case of a select. */
  select: Node | null;
  selectCase: Node | null;
  /** Inside a loop of its own unit (or of the callee it was found in). */
  inLoop: boolean;
  /** Position in the making function's flow (the call site for ops found in a callee). */
  pos: number;
  /** For an op found in a callee, the call in the making function that led to it. */
  site?: Node;
  /** Inside a deferred call or closure. */
  deferred: boolean;
  /** Inside a `sync.Once`-style `x.Do(func(){…})`. */
  once: boolean;
}

export type Capacity = { kind: 'unbuffered' } | { kind: 'constant'; n: number } | { kind: 'unknown' };

export interface Channel {
  name: string;
  /** The function whose body declares the channel variable. */
  owner: Node;
  /** The `make(chan T…)` call. */
  make: Node;
  /** The `chan T` type node of the make. */
  type: Node;
  capacity: Capacity;
  ops: ChanOp[];
  /** Why the channel escapes where syntax can't follow it, or null. */
  escapes: string | null;
  /** The identifier the make is assigned to. */
  declared: Node;
}

export interface FunctionChannels {
  fn: Node;
  /** The function contains a go statement (or a `.Go(func…)` call). */
  hasGo: boolean;
  channels: Channel[];
}

const LOOP = 'for_statement';

function sameNode(a: Node | string, b: Node): boolean {
  return typeof a !== 'string' && a.id === b.id;
}

function isMake(call: Node): boolean {
  const f = call.childForFieldName('function');
  return call.type === 'call_expression' && f?.type === 'identifier' && f.text === 'make';
}

/**
 * The text before offset `at` can open a call's argument list: `(` with only spaces (or a
 * comment) between. A first argument follows it; most `chan T` types (parameters, fields,
 * `var` types) do not, and are told apart without asking the tree for parents.
 */
export function afterParen(text: string, at: number): boolean {
  let i = at - 1;
  while (i >= 0 && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i--;
  return text[i] === '(' || text[i] === '/';
}

/** The `make(…)` call whose first argument is the `chan T` node `t` (in a file of `text`), or null. */
function makeOf(t: Node, text: string): Node | null {
  if (!afterParen(text, t.startIndex)) return null;
  const args = t.parent;
  const call = args?.parent;
  return args?.type === 'argument_list' && call && isMake(call) && args.namedChild(0)?.id === t.id ? call : null;
}

export { within };

/**
 * The nearest for loop between `n` and `stop` (exclusive), or null. A loop that contains
 * `make` makes a new channel each iteration, so it does not repeat anything on one channel.
 */
export function loopBetween(n: Node, stop: Node, make?: Node): Node | null {
  for (let p = n.parent; p && p.id !== stop.id; p = p.parent) {
    if (p.type === LOOP) return make && within(make, p) ? null : p;
    if (p.type === 'func_literal') return null;
  }
  return null;
}

/** Where a variable's uses are (offsets), and its name's length. */
type Uses = { at: number[]; len: number };

/**
 * A literal's goroutine: its go statement (or `.Go(…)` call), or, for `go func(){…}()` told
 * from the text, where that statement is and no node yet (looked up when a use's unit needs it).
 */
type GoCtx = { kind: 'go'; node: Node } | { kind: 'go'; node: null; lit: Node; start: number; end: number };
type Ctx = GoCtx | { kind: 'transparent'; deferred: boolean; once: boolean } | { kind: 'unknown' };

/** What a function literal on the way from a use to its scope means for the use. */
function literalContext(lit: Node): Ctx {
  const up = unparenUp(lit);
  const parent = up.parent;
  if (parent?.type === 'call_expression' && parent.childForFieldName('function')?.id === up.id) {
    // func(){…}() called in place: go, defer, or plain.
    const stmt = unparenUp(parent).parent;
    if (stmt?.type === 'go_statement') return { kind: 'go', node: stmt };
    return { kind: 'transparent', deferred: stmt?.type === 'defer_statement', once: false };
  }
  if (parent?.type === 'argument_list') {
    const call = parent.parent;
    const f = call?.childForFieldName('function');
    if (call && f?.type === 'selector_expression') {
      const name = f.childForFieldName('field')?.text;
      // errgroup.Group.Go / conc pools start a goroutine; sync.Once.Do runs it once, now.
      if (name === 'Go') return { kind: 'go', node: call };
      if (name === 'Do' && parent.namedChildCount === 1) return { kind: 'transparent', deferred: false, once: true };
    }
  }
  return { kind: 'unknown' };
}

/** The parameter name that receives argument `i` of a call to `callee`, if any (not variadic). */
function paramAt(callee: Node, i: number): { name: string; type: Node } | undefined {
  const params = callee.childForFieldName('parameters');
  let k = 0;
  for (const p of params?.namedChildren ?? []) {
    if (!p) continue;
    if (p.type === 'variadic_parameter_declaration') return undefined;
    const names = p.childrenForFieldName('name').filter((x): x is Node => !!x);
    const type = p.childForFieldName('type');
    if (names.length === 0) {
      if (k === i) return undefined;
      k++;
      continue;
    }
    for (const n of names) {
      if (k === i) return type ? { name: n.text, type } : undefined;
      k++;
    }
  }
  return undefined;
}

/** Where a channel rule's handler can find something, told from the text at a `chan` keyword. */
export interface Wants {
  /** False when `check` finds nothing in the top-level functions of the declaration around `at`. */
  fn?: (at: number) => boolean;
  /** False when `each` finds nothing for the type at `at`. */
  each?: (at: number) => boolean;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** The channel analysis of one file, memoized per top-level function. */
export class ChannelFacts {
  private readonly memo = new Map<number, FunctionChannels>();
  private constsMemo?: Map<string, number>;
  private readonly paramsMemo = new Map<string, Channel>();
  private readonly topMemo = new Map<number, Node | null>();
  private readonly fieldTests: ((field: string) => boolean)[] = [];
  private hitsMemo?: number[];
  private readonly typeMemo = new Map<number, Node | null>();
  private readonly goMemo = new Map<number, boolean>();
  private readonly sendsMemo = new Map<number, boolean>();
  private readonly reachMemo = new Map<string, Set<number>>();
  private readonly ctxMemo = new Map<number, Ctx>();
  private readonly unparenMemo = new Map<number, Node>();
  private readonly errorMemo = new WeakMap<object, boolean>();
  private readonly loopsMemo = new Map<number, { loops: Node[]; starts: number[]; outer: number[] }>();
  private readonly declInfo = new Map<number, { params: [number, number] | null; hasVar: boolean }>();

  constructor(readonly facts: FileFacts) {}

  /** Function and method declarations of the file by name (shared with other rules). */
  private functions(): Map<string, Node[]> {
    return funcsOf(this.facts).byName();
  }

  /** The same-file function a call reaches: `f(…)` or a method `x.m(…)` declared once in the file. */
  callee(call: Node): Node | undefined {
    const f = call.childForFieldName('function');
    if (!f) return undefined;
    if (f.type === 'identifier') {
      const list = this.functions().get(f.text);
      return list?.length === 1 && list[0]!.type === 'function_declaration' ? list[0] : undefined;
    }
    if (f.type === 'selector_expression') {
      const operand = f.childForFieldName('operand');
      if (operand?.type === 'identifier' && this.facts.importPath(operand.text, call) !== undefined) return undefined;
      const list = this.functions().get(f.childForFieldName('field')?.text ?? '');
      return list?.length === 1 && list[0]!.type === 'method_declaration' ? list[0] : undefined;
    }
    return undefined;
  }

  /** Channel facts of the top-level function `fn` (memoized). */
  of(fn: Node): FunctionChannels {
    const memo = this.memo.get(fn.id);
    if (memo) return memo;
    const res: FunctionChannels = { fn, hasGo: /\bgo\s|\.Go\(/.test(fn.text), channels: [] };
    this.memo.set(fn.id, res);
    // The file's chan keywords inside fn, from the one text search (no walk of fn), in
    // document order: those of fn follow one another.
    const hits = this.hits();
    const end = fn.endIndex;
    for (let i = lowerBound(hits, fn.startIndex); i < hits.length && hits[i]! < end; i++) {
      const t = this.typeAt(hits[i]!);
      if (!t) continue;
      const call = makeOf(t, this.facts.text);
      // a make after an unconditional t.Skip or return never runs: no channel
      const ch = call && !unreachable(this.facts, call) && this.channelAt(call, t);
      if (ch) res.channels.push(ch);
    }
    return res;
  }

  /**
   * For a `chan T` node (what the rules subscribe to): the top-level function whose
   * channel facts it belongs to, when it is the type of a `make(chan T…)`; else null.
   */
  functionOfMake(t: Node): Node | null {
    let top = this.topMemo.get(t.id);
    if (top === undefined) {
      top = makeOf(t, this.facts.text) ? topLevelFunction(t) : null;
      this.topMemo.set(t.id, top);
    }
    return top;
  }

  /**
   * The offsets of the file's `chan` keywords whose types a channel rule may look at, in
   * document order, found with a native search and told from the text alone (instead of a
   * walk of the whole tree; nothing is parsed for them until typeAt is asked). A `chan` in
   * a comment or a string is no channel type.
   */
  hits(): number[] {
    if (this.hitsMemo) return this.hitsMemo;
    const { text } = this.facts;
    const out: number[] = [];
    // The whole words `chan` (/\bchan\b/), from a native search.
    for (let at = text.indexOf('chan'); at >= 0; at = text.indexOf('chan', at + 4)) {
      if ((at > 0 && isWordCode(text.charCodeAt(at - 1))) || isWordCode(text.charCodeAt(at + 4))) continue;
      if (this.facts.isCode(at) && this.mayMatter(at) && !this.unwantedFieldMake(at)) out.push(at);
    }
    this.hitsMemo = out;
    return out;
  }

  /** The channel_type of the `chan` keyword at hit `at`, or null (its declaration is parsed). */
  typeAt(at: number): Node | null {
    let t = this.typeMemo.get(at);
    if (t === undefined) {
      // The smallest named node around the keyword: its channel_type (the `chan` token is
      // anonymous, and any other named node inside the type is beside the keyword).
      const n = this.facts.nodeAt(at, at + 4, true);
      t = n?.type === 'channel_type' ? n : null;
      this.typeMemo.set(at, t);
    }
    return t;
  }

  /**
   * False for a `chan` keyword whose type no channel rule looks at, told from the text so
   * that its declaration need not be parsed for it: the rules want the type of a
   * `make(chan …)`, of a parameter of a declared function, or of a `var` in a function. A
   * type declaration has none of those; in a function, a type elsewhere (a result, a field
   * of a local type, a literal's parameter) only matters when the function has a `var`.
   */
  private mayMatter(at: number): boolean {
    const outline = this.facts.syntax.outline;
    const d = outline.decls[declAt(outline, at)];
    if (!d || d.kind === 'type' || d.kind === 'const' || d.kind === 'import') return false;
    if (d.kind !== 'func' && d.kind !== 'method') return true;
    const { text } = this.facts;
    // `make(chan` or `make(<-chan`: `(` before the type (a comment: unsure).
    const i = this.beforeChanType(at, d.start);
    if (text[i] === '(' || text[i] === '/') return true;
    const decl = this.declOf(d);
    return decl.hasVar || !decl.params || (decl.params[0] <= at && at < decl.params[1]);
  }

  /**
   * Registers a rule's test of a field's name: the rules that read the makes of channel fields
   * (each `make(chan …)` filling a field of a struct) say which fields they look at.
   */
  wantFields(test: (field: string) => boolean): void {
    this.fieldTests.push(test);
  }

  /**
   * True for the `chan` keyword at `at` of a `make(chan …)` that fills a field, told from the
   * text: the value of a literal's key (`f: make(chan T)`) or a statement of its own line
   * assigning a selector (`x.f = make(chan T)`), whose field no rule's test (wantFields)
   * wants. Such a make declares no local channel, and the other rules need no tree for it.
   */
  private unwantedFieldMake(at: number): boolean {
    const { text } = this.facts;
    const make = this.makeWordBefore(at);
    if (make === null || make < 0) return false;
    let i = make - 1;
    while (i > 0 && isSpace(text.charCodeAt(i))) i--;
    // (The end of a comment: cannot tell what stands before it.)
    if (!this.facts.isCode(i)) return false;
    let end: number;
    if (text[i] === ':') {
      for (i--; i > 0 && (text[i] === ' ' || text[i] === '\t'); i--);
      end = i + 1;
      while (i >= 0 && isWordCode(text.charCodeAt(i))) i--;
      if (i + 1 === end) return false;
    } else if (text[i] === '=') {
      // `=` alone: not `==`, `:=`, `!=`, `<=`, `>=`, `+=`…
      if (!/[\w\s]/.test(text[i - 1] ?? '')) return false;
      for (i--; i > 0 && (text[i] === ' ' || text[i] === '\t'); i--);
      end = i + 1;
      while (i >= 0 && isWordCode(text.charCodeAt(i))) i--;
      if (i + 1 === end || text[i] !== '.') return false;
      // The selector is all of the left side: `x.f` or `a.b.f` alone after the line's indent.
      let j = i - 1;
      while (j >= 0 && (isWordCode(text.charCodeAt(j)) || text[j] === '.')) j--;
      if (j === i - 1) return false;
      while (j >= 0 && (text[j] === ' ' || text[j] === '\t')) j--;
      if (j >= 0 && text[j] !== '\n') return false;
      // (Unless the left side goes on from the line before: `a,\n\tx.f = make(…), v`.)
      for (j--; j >= 0 && isSpace(text.charCodeAt(j)); j--);
      if (j >= 0 && (text[j] === ',' || !this.facts.isCode(j))) return false;
    } else return false;
    const field = text.slice(i + 1, end);
    return !this.fieldTests.some((test) => {
      try {
        return test(field);
      } catch {
        return true;
      }
    });
  }

  /**
   * The handler of a channel rule: for each `chan T` of the file, `check` is called once
   * per top-level function that makes a channel; `each` (optional) sees every channel type.
   * `wants` (text tests, asked before any parse) says at which `chan` keywords `check` or
   * `each` can find something: the others are passed over, and a declaration no rule wants
   * is not parsed for its channels.
   */
  handlers(check: (fn: Node) => void, each?: (t: Node) => void, wants: Wants = {}): { source_file: () => void } {
    return {
      source_file: () => {
        const done = new Set<number>();
        for (const at of this.hits()) {
          // (check only sees the functions that make a channel: functionOfMake.)
          const forFn = (!this.funcDecl(at) || this.makeWordBefore(at) !== null) && (!wants.fn || wants.fn(at));
          const forEach = !!each && (!wants.each || wants.each(at));
          if (!forFn && !forEach) continue;
          const t = this.typeAt(at);
          if (!t) continue;
          const fn = forFn ? this.functionOfMake(t) : null;
          if (fn && !done.has(fn.id)) {
            done.add(fn.id);
            check(fn);
          }
          if (forEach) each!(t);
        }
      },
    };
  }

  /**
   * The function or method declaration around offset `at`, from the outline; undefined for
   * any other, for one the outline could not read plainly (no name) and for one the guards
   * leave unparsed: those are asked for as before, and their syntax errors or the guard's
   * notice reported.
   */
  private funcDecl(at: number): TopDecl | undefined {
    const { syntax } = this.facts;
    const i = declAt(syntax.outline, at);
    const d = syntax.outline.decls[i];
    return d && (d.kind === 'func' || d.kind === 'method') && d.names.length > 0 && !syntax.guarded(i) ? d : undefined;
  }

  /** True when `n` lies in the top-level declaration around offset `at`. */
  declHolds(at: number, n: Node): boolean {
    const outline = this.facts.syntax.outline;
    const d = outline.decls[declAt(outline, at)];
    return !!d && d.start <= n.startIndex && n.endIndex <= d.end;
  }

  /**
   * False when the declaration around `at` is a function or method whose text has no go
   * statement nor `.Go(` by of()'s own test (hasGo): a rule that needs a goroutine there
   * has nothing to check.
   */
  goWritten(at: number): boolean {
    const d = this.funcDecl(at);
    if (!d) return true;
    let v = this.goMemo.get(d.start);
    if (v === undefined) this.goMemo.set(d.start, (v = /\bgo\s|\.Go\(/.test(this.facts.text.slice(d.start, d.end))));
    return v;
  }

  /**
   * False when the declaration around `at` is a function or method that neither has one of
   * `words` as code nor names a function or method of the file that does (to a fixed point):
   * no operation the words stand for (a `go`, a `close`) is found from it, not even in the
   * same-file callees the channel is followed into (classify's follow looks callees up by
   * the name the call writes).
   */
  reaches(at: number, words: readonly string[]): boolean {
    return this.reachedFrom(at, words.join(' '), () => new Set(words.flatMap((w) => [...this.wordDecls(w)])));
  }

  private reachedFrom(at: number, key: string, seed: () => Set<number>): boolean {
    const d = this.funcDecl(at);
    if (!d) return true;
    let set = this.reachMemo.get(key);
    if (!set) this.reachMemo.set(key, (set = this.reaching(seed())));
    return set.has(d.start);
  }

  /**
   * The starts of the declarations of `seed` (indices), and of those that name a function
   * or method of them with a channel parameter, to a fixed point.
   */
  private reaching(seed: Set<number>): Set<number> {
    const decls = this.facts.syntax.outline.decls;
    const out = new Set<number>();
    const seen = new Set<string>();
    let found = seed;
    while (found.size) {
      const next = new Set<number>();
      for (const i of found) {
        const d = decls[i]!;
        if (out.has(d.start)) continue;
        out.add(d.start);
        // Only a function with a channel parameter is followed into (follow, paramAt).
        const callee = d.kind === 'func' || d.kind === 'method' ? d.names[0]?.name : undefined;
        if (callee && !seen.has(callee) && this.chanParams(d)) {
          seen.add(callee);
          for (const j of this.wordDecls(callee)) next.add(j);
        }
      }
      found = next;
    }
    return out;
  }

  /** False when the parameter list of function declaration `d` has no `chan` (by the text). */
  private chanParams(d: TopDecl): boolean {
    const params = this.declOf(d).params;
    if (!params) return true;
    const hits = this.hits();
    const i = lowerBound(hits, params[0]);
    return i < hits.length && hits[i]! < params[1];
  }

  /** The indices of the declarations that have the identifier `word` as code (a native search of the file). */
  private wordDecls(word: string): Set<number> {
    const { text } = this.facts;
    const outline = this.facts.syntax.outline;
    const out = new Set<number>();
    for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
      if ((at > 0 && isWordCode(text.charCodeAt(at - 1))) || isWordCode(text.charCodeAt(at + word.length)) || !this.facts.isCode(at)) continue;
      const i = declAt(outline, at);
      if (i >= 0) out.add(i);
    }
    return out;
  }

  /**
   * True when the declaration around `at` is a function or method in which every
   * `make(chan …)` is `name := make(chan …)` written first on its line, and a send
   * `name <- …` follows in the scope of that name (before its block's closing brace, or the
   * next case of its clause), where nothing else in the declaration can declare the name:
   * each channel it makes has a send, told from the text.
   */
  sendsOnEveryMake(at: number): boolean {
    const d = this.funcDecl(at);
    if (!d) return false;
    let v = this.sendsMemo.get(d.start);
    if (v === undefined) {
      const hits = this.hits();
      v = true;
      for (let i = lowerBound(hits, d.start); v && i < hits.length && hits[i]! < d.end; i++) {
        const make = this.makeWordBefore(hits[i]!);
        if (make === null) continue;
        v = make >= 0 && (this.makesNoLocal(make) || this.sendFollows(make, d));
      }
      this.sendsMemo.set(d.start, v);
    }
    return v;
  }

  /**
   * The offset of the last character before the channel type whose `chan` keyword is at
   * `at`, the spaces and a `<-` of the type skipped, looking no further back than `lo`.
   */
  private beforeChanType(at: number, lo = -1): number {
    const { text } = this.facts;
    let i = at - 1;
    while (i > lo && isSpace(text.charCodeAt(i))) i--;
    if (text[i] === '-' && text[i - 1] === '<') for (i -= 2; i > lo && isSpace(text.charCodeAt(i)); i--);
    return i;
  }

  /**
   * Where the word `make` of `make(chan` (or `make(<-chan`) ends before the `chan` keyword
   * at `at`; null when the keyword is no make's first argument, told from the text; -1 when
   * the text is not plain enough to tell (a comment).
   */
  private makeWordBefore(at: number): number | null {
    const { text } = this.facts;
    let i = this.beforeChanType(at);
    if (text[i] === '/') return -1;
    if (text[i] !== '(') return null;
    for (i--; i >= 0 && isSpace(text.charCodeAt(i)); i--);
    if (text[i] === '/') return -1;
    return text.startsWith('make', i - 3) && !isWordCode(text.charCodeAt(i - 4)) ? i - 3 : null;
  }

  /**
   * False for the `chan` keyword at `at` when it is the type of a make that declares no
   * local channel (makesNoLocal): of() finds no channel there.
   */
  mayMakeLocal(at: number): boolean {
    const make = this.makeWordBefore(at);
    return make === null || make < 0 || !this.makesNoLocal(make);
  }

  /**
   * True when the make whose word starts at `make` declares no local channel (channelAt's),
   * by what stands before it: a literal's key or a label (`f: make(`), the start of a block
   * or a statement (`{`, `;`), `return`, or `=` assigning one selector or `_` written first
   * on its line (`x.f = make(`, `_ = make(`), the line before not ending in a `,` (which
   * would continue the left side there: `a,\n\tx.f = make(…), v` declares none, but
   * assigns `a`).
   */
  private makesNoLocal(make: number): boolean {
    const { text } = this.facts;
    let i = make - 1;
    while (i >= 0 && isSpace(text.charCodeAt(i))) i--;
    // (The end of a comment: cannot tell what stands before it.)
    if (!this.facts.isCode(i)) return false;
    const c = text[i];
    if (c === '{' || c === ';' || (c === ':' && text[i + 1] !== '=')) return true;
    if (text.startsWith('return', i - 5) && !isWordCode(text.charCodeAt(i - 6))) return true;
    if (c !== '=' || !/[\w\s]/.test(text[i - 1] ?? '')) return false;
    for (i--; text[i] === ' ' || text[i] === '\t'; i--);
    const end = i + 1;
    while (i >= 0 && (isWordCode(text.charCodeAt(i)) || text[i] === '.')) i--;
    const left = text.slice(i + 1, end);
    while (text[i] === ' ' || text[i] === '\t') i--;
    if (text[i] !== '\n' || (left !== '_' && !/^\w+(\.\w+)+$/.test(left))) return false;
    for (i--; i >= 0 && isSpace(text.charCodeAt(i)); i--);
    return text[i] !== ',' && this.facts.isCode(i);
  }

  /** sendsOnEveryMake for the make whose word starts at `make`, in function declaration `d`. */
  private sendFollows(make: number, d: TopDecl): boolean {
    const { text } = this.facts;
    // `name := make(`, the name first on its line.
    let i = make - 1;
    while (text[i] === ' ' || text[i] === '\t') i--;
    if (text[i] !== '=' || text[i - 1] !== ':') return false;
    for (i -= 2; text[i] === ' ' || text[i] === '\t'; i--);
    const end = i + 1;
    while (i >= 0 && isWordCode(text.charCodeAt(i))) i--;
    const start = i + 1;
    if (start === end || (text.charCodeAt(start) >= 48 && text.charCodeAt(start) <= 57)) return false;
    while (text[i] === ' ' || text[i] === '\t') i--;
    if (text[i] !== '\n') return false;
    const name = text.slice(start, end);
    // Every other word `name` (not a field) of the declaration: no second declaration, and a
    // send in scope after the make.
    let send = -1;
    for (let at = text.indexOf(name, d.start); at >= 0 && at < d.end; at = text.indexOf(name, at + 1)) {
      if (at === start || isWordCode(text.charCodeAt(at - 1)) || isWordCode(text.charCodeAt(at + name.length)) || !this.facts.isCode(at)) continue;
      // (`name:` is a label, a key or a case: no variable's declaration.)
      const after = /^[ \t]*(:=?)/.exec(text.slice(at + name.length, at + name.length + 8));
      if (after?.[1] !== ':' && mayDeclareAt(text, at, name.length)) return false;
      if (send < 0 && at > make && /^[ \t]*<-/.test(text.slice(at + name.length, at + name.length + 16)) && !/^[ \t]*<-\s*chan\b/.test(text.slice(at + name.length, at + name.length + 16))) {
        let p = at - 1;
        while (p >= 0 && isSpace(text.charCodeAt(p))) p--;
        if (text[p] !== '.') send = at;
      }
    }
    return send >= 0 && this.inScope(make, send);
  }

  /**
   * No closing brace of the block around `from` (nor a `case` or `default` of its clause)
   * lies between `from` and `to`: a name declared at `from` is in scope at `to`.
   */
  private inScope(from: number, to: number): boolean {
    const { text } = this.facts;
    let depth = 0;
    for (let i = from; i < to; i++) {
      const c = text.charCodeAt(i);
      if (c === 123 /* { */ || c === 125 /* } */) {
        if (!this.facts.isCode(i)) continue;
        depth += c === 123 ? 1 : -1;
        if (depth < 0) return false;
      } else if (depth === 0 && (c === 99 /* c */ || c === 100 /* d */) && !isWordCode(text.charCodeAt(i - 1))) {
        const w = c === 99 ? 'case' : 'default';
        if (text.startsWith(w, i) && !isWordCode(text.charCodeAt(i + w.length)) && this.facts.isCode(i)) return false;
      }
    }
    return true;
  }

  /**
   * False for the `chan` keyword at `at` when its type cannot be a make that fills a field
   * (fieldOfMake's: a literal's value `f: make(…)`, or a value of an assignment whose left
   * side at its place is a selector), told from what stands before the make and its
   * parentheses: not a key's `:`, a `,` or an assignment's `=` (a call's argument, a
   * `return`, a `:=`, a `var`); an assignment to one plain identifier (`ch = make(…)`, its
   * name first in its statement) fills none either.
   */
  mayFillField(at: number): boolean {
    const make = this.makeWordBefore(at);
    if (make === null) return false;
    if (make < 0) return true;
    const { text } = this.facts;
    let i = make - 1;
    while (i >= 0 && (isSpace(text.charCodeAt(i)) || text[i] === '(')) i--;
    // (The end of a comment: cannot tell what stands before it.)
    if (i >= 0 && !this.facts.isCode(i)) return true;
    const c = text[i];
    if (c === ':' || c === ',' || c === '/') return true;
    if (c !== '=') return false;
    // `:=`, `==`, `!=`, `<=`, `>=`: no assignment's value.
    const op = text[i - 1];
    if (op === ':' || op === '=' || op === '!' || op === '<' || op === '>') return false;
    // The left side's last identifier, and what stands before it (a line break is no
    // statement's end after a `,`: the left side goes on on the line before).
    for (i--; i >= 0 && (text[i] === ' ' || text[i] === '\t'); i--);
    if (!isWordCode(text.charCodeAt(i))) return true;
    while (i >= 0 && isWordCode(text.charCodeAt(i))) i--;
    while (i >= 0 && isSpace(text.charCodeAt(i))) i--;
    const b = text.charCodeAt(i);
    if (b > 127 || text[i] === '.' || text[i] === ',' || text[i] === '/' || (i >= 0 && !this.facts.isCode(i))) return true;
    if (!isWordCode(b)) return false;
    const end = i + 1;
    while (i >= 0 && isWordCode(text.charCodeAt(i))) i--;
    return text.charCodeAt(i) > 127 || text.slice(i + 1, end) !== 'var';
  }

  /**
   * False for the `chan` keyword at `at` when it is not in the parameter list of a function
   * or method declaration, by the text (true when the list cannot be read plainly).
   */
  inParams(at: number): boolean {
    const d = this.funcDecl(at);
    if (!d) return false;
    const params = this.declOf(d).params;
    return !params || (params[0] <= at && at < params[1]);
  }

  /**
   * False for the `chan` keyword at `at` when its type cannot be the type of a `var` spec
   * of a function whose code receives from one of the spec's names: what stands before it
   * is no identifier list after the keyword `var`, an opening parenthesis or a line's start,
   * or no name of the list follows a `<-` (and parentheses) as code in the declaration.
   */
  mayBeVarType(at: number): boolean {
    if (!this.facts.declHasWord(at, 'var') || !this.facts.declHasWord(at, '<-')) return false;
    const names = this.varNamesBefore(at);
    return names === true || (names !== false && names.some((name) => this.receivedIn(at, name)));
  }

  /**
   * The identifier list before the type whose `chan` keyword is at `at`, when it follows
   * the keyword `var`, an opening parenthesis or a line's start; false when it cannot be a
   * `var` spec's; true when the text is not plain enough to tell.
   */
  private varNamesBefore(at: number): string[] | boolean {
    const { text } = this.facts;
    let i = at - 1;
    while (i >= 0 && isSpace(text.charCodeAt(i))) i--;
    if (text[i] === '-' && text[i - 1] === '<') for (i -= 2; i >= 0 && isSpace(text.charCodeAt(i)); i--);
    const names: string[] = [];
    const found = () => names.length > 0 ? names : true;
    // The identifier list before the type, back to what opens it.
    for (;;) {
      const end = i;
      while (i >= 0 && isWordCode(text.charCodeAt(i))) i--;
      // (A name with a character past ASCII: cannot tell.)
      if (i >= 0 && text.charCodeAt(i) > 127) return true;
      if (i === end) return text[i] === '/';
      const word = text.slice(i + 1, end + 1);
      if (word === 'var') return found();
      names.push(word);
      while (i >= 0 && (text[i] === ' ' || text[i] === '\t')) i--;
      const c = text[i];
      if (c === ',') {
        for (i--; i >= 0 && isSpace(text.charCodeAt(i)); i--);
        continue;
      }
      if (c === undefined || c === '/') return true;
      if (c === '(' || c === '\n' || c === '\r' || c === ';') return names;
      if (!isWordCode(text.charCodeAt(i))) return text.charCodeAt(i) > 127;
      const e = i;
      while (i >= 0 && isWordCode(text.charCodeAt(i))) i--;
      if (i >= 0 && text.charCodeAt(i) > 127) return true;
      return text.slice(i + 1, e + 1) === 'var' && names;
    }
  }

  /**
   * False when no `<-` of the declaration around `at` is code followed by `name` (past
   * spaces and opening parentheses): the declaration has no receive `<-name`, `<-(name)`.
   */
  private receivedIn(at: number, name: string): boolean {
    const { text } = this.facts;
    const outline = this.facts.syntax.outline;
    const d = outline.decls[declAt(outline, at)];
    if (!d) return true;
    for (let k = text.indexOf('<-', d.start); k >= 0 && k < d.end; k = text.indexOf('<-', k + 2)) {
      let j = k + 2;
      while (isSpace(text.charCodeAt(j)) || text[j] === '(') j++;
      // (A comment: cannot tell.)
      if (text[j] === '/') return true;
      const next = text.charCodeAt(j + name.length);
      if (text.startsWith(name, j) && !isWordCode(next) && !(next > 127) && this.facts.isCode(k)) return true;
    }
    return false;
  }

  private declOf(d: TopDecl): { params: [number, number] | null; hasVar: boolean } {
    let decl = this.declInfo.get(d.start);
    const { text } = this.facts;
    if (!decl) this.declInfo.set(d.start, (decl = { params: paramsRange(text, d), hasVar: /\bvar\b/.test(text.slice(d.start, d.end)) }));
    return decl;
  }

  /** An integer constant: a literal, or a `const` of the file with a literal value. */
  constantInt(n: Node | null): number | undefined {
    if (!n) return undefined;
    n = unparen(n);
    if (n.type === 'int_literal') {
      const v = Number(n.text.replace(/_/g, ''));
      return Number.isFinite(v) ? v : undefined;
    }
    if (n.type === 'binary_expression') {
      const a = this.constantInt(n.childForFieldName('left'));
      const b = this.constantInt(n.childForFieldName('right'));
      const op = n.childForFieldName('operator')?.text;
      if (a === undefined || b === undefined) return undefined;
      return op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : undefined;
    }
    if (n.type !== 'identifier') return undefined;
    // package-level consts (top-level declarations only), then the consts of the function
    if (!this.constsMemo) {
      this.constsMemo = new Map();
      for (const d of this.facts.declarations(['const_declaration'])) this.addConsts(d, this.constsMemo);
    }
    const local = new Map<string, number>();
    const top = topLevelFunction(n);
    if (top && top.text.includes('const')) this.addConsts(top, local);
    return local.get(n.text) ?? this.constsMemo.get(n.text);
  }

  private addConsts(scope: Node, into: Map<string, number>): void {
    for (const spec of scope.descendantsOfType('const_spec')) {
      const vals = spec?.childForFieldName('value')?.namedChildren ?? [];
      spec?.childrenForFieldName('name').forEach((name, i) => {
        const v = vals[i];
        if (name && v?.type === 'int_literal') into.set(name.text, Number(v.text.replace(/_/g, '')));
      });
    }
  }

  /**
   * Where the identifiers inside `scope` that name its variable `name` are, in document
   * order (offsets: classify looks each one up when it comes to it, from near the one
   * before); a hit in a nested function literal counts only when that literal does not
   * declare the name again.
   */
  private usesOf(scope: Node, name: string): Uses {
    // In a nested literal, the name is still scope's unless a literal on the way declares it:
    // decided by the hit's offset before any lookup, from the outermost literal in (every
    // hit inside a literal that declares the name stops there). Only a literal with a hit
    // that can be a declaration of the name inside has its local names asked for.
    const { text } = this.facts;
    const hits = this.facts.wordOffsets(scope, name);
    const declaring = hits.filter((at) => mayDeclareAt(text, at, name.length));
    const out = hits.filter((at) => {
      const lits = this.literalsAround(scope, at);
      for (let i = lits.length - 1; i >= 0; i--) {
        const l = lits[i]!;
        const k = lowerBound(declaring, l.startIndex);
        if (k < declaring.length && declaring[k]! < l.endIndex && this.facts.localNames(l).has(name)) return false;
      }
      return true;
    });
    return { at: out, len: name.length };
  }

  /**
   * The identifier of `len` characters at offset `at` of `scope`, or null (the hit is a
   * field, a label...): as identifiers finds it, but descending from the deepest node
   * known around it, the last use's path when it is near (in deeply nested code, a descent
   * from the function per use would cost the depth each time).
   */
  private identAt(scope: Node, at: number, len: number): Node | null {
    const end = at + len;
    let from = descentFrom(scope, at, end);
    const near = knownAround(scope, at, end);
    if (near && within(near, from)) from = near;
    return identifierAt(from, at, end);
  }

  /**
   * The innermost function (`scope` or a function literal inside it) containing offset
   * `at`, from the literals' ranges: no walk up through parents (each parent step
   * costs a descent from the root in tree-sitter).
   */
  functionAt(scope: Node, at: number): Node {
    return this.literalsAround(scope, at)[0] ?? scope;
  }

  /**
   * What a literal means for the uses inside it, memoized: every use deep inside nested
   * literals asks about each literal around it, and the answer only depends on the literal.
   */
  private contextOf(lit: Node): Ctx {
    let c = this.ctxMemo.get(lit.id);
    if (!c) {
      c = this.calledInPlace(lit);
      if (!c) {
        // The literal's parents from near it: the smallest node around it and a character each side.
        descendFrom(lit, () => this.facts.nodeAt(lit.startIndex - 1, lit.endIndex + 1) ?? lit.tree.rootNode);
        c = literalContext(lit);
      }
      this.ctxMemo.set(lit.id, c);
    }
    return c;
  }

  /**
   * literalContext(lit) for a literal called in place with plain text around it
   * (`go func(){…}()`, `defer func(){…}()`, `func(){…}()`), from lookups by offset (one
   * for go and defer, two otherwise) instead of asking for parents; undefined when the text
   * is not that plain.
   */
  private calledInPlace(lit: Node): Ctx | undefined {
    const { text } = this.facts;
    let j = lit.endIndex;
    while (text[j] === ' ' || text[j] === '\t') j++;
    if (text[j] !== '(') return undefined;
    let i = lit.startIndex - 1;
    while (i >= 0 && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i--;
    // A parenthesis or a comment before it: the tree tells.
    const plain = text[i] !== '(' && text[i] !== '/';
    const keyword = (w: string) => text.startsWith(w, i - w.length + 1) && !isIdentUnitAt(text, i - w.length);
    const kind = !plain ? null : keyword('go') ? 'go_statement' : keyword('defer') ? 'defer_statement' : null;
    const start = kind ? i - (kind === 'go_statement' ? 2 : 5) + 1 : -1;
    // `go func(){…}()` alone on its line (the keyword, the literal, `()`, then the line's or
    // the block's end), in a tree without syntax errors: the literal's call is the
    // statement's expression, no lookup needed (nested goroutines have one per level) until
    // a use runs in it. (A deferred literal is looked up now: the rules ask for its parents,
    // flowFunction, which the lookup records.)
    if (kind === 'go_statement' && text[j + 1] === ')' && statementEndsAt(text, j + 2) && !this.hasError(lit)) {
      return { kind: 'go', node: null, lit, start, end: j + 2 };
    }
    if (kind) {
      const stmt = this.statementOf(lit, kind, start, j);
      if (stmt) return kind === 'go_statement' ? { kind: 'go', node: stmt } : { kind: 'transparent', deferred: true, once: false };
    }
    const call = this.facts.nodeAt(lit.startIndex, j + 1, true);
    if (call?.type !== 'call_expression' || call.startIndex !== lit.startIndex || call.childForFieldName('function')?.id !== lit.id) return undefined;
    // The literal is the call's function: the rules ask for its parents later (literalRun).
    knownParent(lit, call);
    if (!plain) return undefined;
    if (!kind) return { kind: 'transparent', deferred: false, once: false };
    const stmt = this.facts.nodeAt(start, call.endIndex, true);
    if (stmt?.type !== kind || stmt.startIndex !== start || stmt.endIndex !== call.endIndex) return undefined;
    // Only spaces between the keyword and the call, which ends the statement: its child.
    knownParent(call, stmt);
    return kind === 'go_statement' ? { kind: 'go', node: stmt } : { kind: 'transparent', deferred: true, once: false };
  }


  /**
   * The go or defer statement (`kind`) starting at `start` whose expression is the call of
   * `lit` with its `(` at `paren`, or null: the smallest node around the keyword and the
   * `(`, and its expression; the literal's and the call's parents are recorded (the rules
   * ask for them: literalRun).
   */
  private statementOf(lit: Node, kind: string, start: number, paren: number): Node | null {
    const stmt = this.facts.nodeAt(start, paren + 1, true);
    const call = stmt?.type === kind && stmt.startIndex === start ? stmt.namedChild(0) : null;
    // (A call's function is its first child.)
    if (call?.type !== 'call_expression' || call.startIndex !== lit.startIndex || call.endIndex !== stmt!.endIndex || call.child(0)?.id !== lit.id) return null;
    knownParent(lit, call);
    knownParent(call, stmt!);
    return stmt;
  }

  /**
   * The select of communication case `cc`: its parent, asked from the smallest node around
   * the case and the character before it (the select, unless a comment is there), found from
   * the deepest node known around them (a select nested in a case of another is near).
   */
  private selectOf(cc: Node): Node | null {
    descendFrom(cc, () => {
      const start = cc.startIndex - 1;
      const near = knownAround(cc, start, cc.endIndex);
      return (near ?? cc.tree.rootNode).descendantForIndex(start, cc.endIndex) ?? cc.tree.rootNode;
    });
    return cc.parent;
  }

  /** True when `n`'s tree has a syntax error (memoized per tree). */
  private hasError(n: Node): boolean {
    let e = this.errorMemo.get(n.tree);
    if (e === undefined) this.errorMemo.set(n.tree, (e = n.tree.rootNode.hasError));
    return e;
  }

  /**
   * The go statement of a goroutine context, looked up by its range when calledInPlace
   * told it from the text (memoized in the context).
   */
  private goNode(c: GoCtx): Node {
    if (c.node) return c.node;
    // (Cannot fail in a tree without errors; else literalContext asks the tree the slow way.)
    const node = this.statementOf(c.lit, 'go_statement', c.start, c.end - 2) ?? (literalContext(c.lit) as { node?: Node }).node ?? c.lit;
    Object.assign(c, { node });
    return node;
  }

  /**
   * The nearest for loop above `n` and below the nearest function around it, or null
   * (loopBetween(n, innermost function) without the make test), from the loops of the
   * top-level function found by their keyword: no walk up through parents, which costs a
   * descent from the root per step in deeply nested code.
   */
  private loopAbove(n: Node): Node | null {
    const top = this.facts.topLevelDeclaration(n);
    if (!top) return loopBetween(n, n.tree.rootNode);
    return this.loopAround(top, n.startIndex, n.endIndex, n.id, enclosingFunction(n));
  }

  /** loopAbove for the node of range [start, end) (id `id`, -1 when not looked up), inside function `fn` of `top`. */
  private loopAround(top: Node, start: number, end: number, id: number, fn: Node | null): Node | null {
    const ix = this.loopIndex(top);
    for (let i = lowerBound(ix.starts, start + 1) - 1; i >= 0; i = ix.outer[i]!) {
      const l = ix.loops[i]!;
      if (l.id !== id && l.startIndex <= start && end <= l.endIndex) return fn && l.startIndex < fn.startIndex ? null : l;
    }
    return null;
  }

  /** The for loops of top-level declaration `top` in document order, each with the loop around it (memoized). */
  private loopIndex(top: Node): { loops: Node[]; starts: number[]; outer: number[] } {
    let ix = this.loopsMemo.get(top.id);
    if (ix) return ix;
    const loops: Node[] = [];
    const { text } = this.facts;
    const re = /\bfor\b/g;
    // In top's text only (from its start, a function without loops is searched to the end of the file).
    const base = top.startIndex;
    const own = text.slice(base, top.endIndex);
    for (let m = re.exec(own); m; m = re.exec(own)) {
      const at = base + m.index;
      if (!this.facts.isCode(at)) continue;
      // The smallest named node around the keyword is the loop it starts.
      const l = this.facts.nodeAt(at, at + 3, true);
      if (l?.type === LOOP && l.startIndex === at) loops.push(l);
    }
    ix = { loops, starts: loops.map((l) => l.startIndex), outer: nestingParents(loops.map((l) => l.endIndex)) };
    this.loopsMemo.set(top.id, ix);
    return ix;
  }

  /**
   * unparenUp(n) for a node of function `fn`, without a step up per parenthesis: the
   * candidates are the runs of `(` before n and `)` after it in the text, and whether the
   * j-th pair is a parenthesized expression around n is monotone in j, so a binary search
   * asks the tree O(log depth) times. Its parent is then asked from near it.
   */
  private unparenUp(n: Node, fn: Node): Node {
    // Asked twice of a receive (its statement, then whether it is deferred).
    let top = this.unparenMemo.get(n.id);
    if (!top) this.unparenMemo.set(n.id, (top = this.unparenUpFrom(n, fn)));
    return top;
  }

  private unparenUpFrom(n: Node, fn: Node): Node {
    const { text } = this.facts;
    const opens: number[] = [];
    const closes: number[] = [];
    const fnStart = fn.startIndex;
    const fnEnd = fn.endIndex;
    for (let i = n.startIndex - 1; i >= fnStart; i--) {
      const c = text[i];
      if (c === '(') opens.push(i);
      else if (c === '/') return unparenUp(n); // a comment: the slow way
      else if (!isSpace(text.charCodeAt(i))) break;
    }
    for (let i = n.endIndex; i < fnEnd; i++) {
      const c = text[i];
      if (c === ')') closes.push(i + 1);
      else if (c === '/') return unparenUp(n);
      else if (!isSpace(text.charCodeAt(i))) break;
    }
    const at = (j: number): Node | null => {
      const p = fn.descendantForIndex(opens[j - 1]!, closes[j - 1]!);
      return p?.type === 'parenthesized_expression' && p.startIndex === opens[j - 1] && p.endIndex === closes[j - 1] ? p : null;
    };
    let lo = 0;
    let hi = Math.min(opens.length, closes.length);
    let top: Node = n;
    // Most often every pair wraps n: the widest first.
    const widest = hi > 0 ? at(hi) : null;
    if (widest) {
      lo = hi;
      top = widest;
    }
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      const p = at(mid);
      if (p) {
        lo = mid;
        top = p;
      } else hi = mid - 1;
    }
    if (top !== n) descendFrom(top, () => fn.descendantForIndex(Math.max(top.startIndex - 1, fn.startIndex), top.endIndex + 1) ?? fn);
    return top;
  }

  /** The function literals between offset `at` and `scope`, innermost first. */
  literalsAround(scope: Node, at: number): Node[] {
    return functionsAt(scope, at, scope).filter((l) => l.type === 'func_literal');
  }

  /** The local variable a `make(chan …)` initializes, with its uses classified. */
  private channelAt(call: Node, type: Node): Channel | undefined {
    const up = unparenUp(call);
    const list = up.parent;
    if (list?.type !== 'expression_list') return undefined;
    const decl = list.parent;
    if (!decl) return undefined;
    let left: (Node | null)[];
    if (decl.type === 'short_var_declaration' || decl.type === 'assignment_statement') {
      if (decl.childForFieldName('right')?.id !== list.id) return undefined;
      left = decl.childForFieldName('left')?.namedChildren ?? [];
    } else if (decl.type === 'var_spec') {
      left = decl.childrenForFieldName('name');
    } else return undefined;
    const idx = list.namedChildren.findIndex((c) => c?.id === up.id);
    const target = left[idx];
    if (!target || target.type !== 'identifier' || target.text === '_') return undefined;
    // `ch := make(…)` and `var ch = make(…)` declare in the enclosing function; `ch = …` may not
    const owner = decl.type === 'assignment_statement' ? this.facts.resolveName(target.text, target) : enclosingFunction(target);
    if (!owner || owner === 'package' || owner === 'unknown') return undefined;
    const capArg = call.childForFieldName('arguments')?.namedChild(1) ?? null;
    const n = capArg ? this.constantInt(capArg) : 0;
    const capacity: Capacity = n === 0 ? { kind: 'unbuffered' } : n === undefined ? { kind: 'unknown' } : { kind: 'constant', n };
    const ch: Channel = { name: target.text, owner, make: call, type, capacity, ops: [], escapes: null, declared: target };
    const main: Unit = { kind: 'main', node: owner, inLoop: false, loop: null };
    const uses = this.usesOf(owner, target.text);
    this.classify(ch, uses, owner, main, undefined, new Set([owner.id]));
    // `func listen() (msgs chan T) { msgs = make(…); go …; return }`: a bare return hands
    // the named result to the caller, who receives from it.
    if (!ch.escapes && isNamedResult(owner, ch.name)) ch.escapes = 'returned';
    return ch;
  }

  /**
   * A channel parameter `ch chan T` of a top-level function, with its uses classified
   * (memoized). `make` is the parameter's type node (there is no make in sight).
   */
  param(fn: Node, name: Node, type: Node): Channel {
    const key = `p${name.id}`;
    const memo = this.paramsMemo.get(key);
    if (memo) return memo;
    const ch: Channel = { name: name.text, owner: fn, make: type, type, capacity: { kind: 'unknown' }, ops: [], escapes: null, declared: name };
    const uses = this.usesOf(fn, name.text);
    this.classify(ch, uses, fn, { kind: 'main', node: fn, inLoop: false, loop: null }, undefined, new Set([fn.id]));
    this.paramsMemo.set(key, ch);
    return ch;
  }

  /**
   * Adds the ops of `uses` (where identifiers name the channel inside `scope`) to `ch`.
   * `site` is the call that passed the channel into `scope` when scope is a callee.
   */
  private classify(ch: Channel, uses: Uses, scope: Node, unit: Unit, site: Node | undefined, seen: Set<number>): void {
    for (const at of uses.at) {
      if (ch.escapes) return;
      const id = this.identAt(scope, at, uses.len);
      if (!id || id.id === ch.declared.id) continue;
      const lits = this.literalsAround(scope, id.startIndex);
      // id's parents from near it: the smallest node around id and a few characters each
      // side (two levels up in nested expressions, the statement's list for a statement),
      // looked up from the deepest node known around that.
      const inner0 = lits[0] ?? scope;
      descendFrom(id, () => {
        const start = Math.max(id.startIndex - 3, inner0.startIndex);
        const near = knownAround(id, start, id.endIndex + 1);
        return (near && within(near, inner0) ? near : inner0).descendantForIndex(start, id.endIndex + 1) ?? scope;
      });
      if (id.parent?.type === 'parameter_declaration') continue;
      if (id.parent?.type === 'var_spec' && id.parent.childrenForFieldName('name').some((n) => n?.id === id.id)) continue;
      // Which goroutine the use runs in.
      let opUnit = unit;
      // The context of opUnit when its go statement is not looked up yet.
      let lazy: GoCtx | null = null;
      let deferred = false;
      let once = false;
      let unknown = false;
      for (let i = lits.length - 1; i >= 0; i--) {
        const c = this.contextOf(lits[i]!);
        if (c.kind === 'unknown') unknown = true;
        else if (c.kind === 'transparent') {
          deferred ||= c.deferred;
          once ||= c.once;
        } else {
          // loopBetween(c.node, the next literal out or scope): no literal lies between them.
          let above: Node | null;
          if (c.node) above = this.loopAbove(c.node);
          else {
            // The statement's function is the next literal out, or scope.
            const top = this.facts.topLevelDeclaration(c.lit);
            above = top ? this.loopAround(top, c.start, c.end, -1, lits[i + 1] ?? scope) : this.loopAbove(this.goNode(c));
          }
          const loop = above && !within(ch.make, above) ? above : null;
          opUnit = { kind: 'go', node: c.node ?? scope, inLoop: loop !== null || opUnit.inLoop, loop: loop ?? opUnit.loop };
          lazy = c.node ? null : c;
        }
      }
      if (unknown) {
        ch.escapes = 'captured by a closure';
        return;
      }
      if (lazy) opUnit = { ...opUnit, node: this.goNode(lazy) };
      const inner = lits[0] ?? scope;
      const pos = site ? site.startIndex : id.startIndex;
      const add = (kind: OpKind, node: Node, sel: Node | null = null, selCase: Node | null = null) => {
        // The nearest loop below the innermost function: loopBetween(node, inner, make), from the memo.
        const loop = this.loopAbove(node);
        const inLoop = loop !== null && !within(ch.make, loop);
        ch.ops.push({ kind, node, unit: opUnit, select: sel, selectCase: selCase, inLoop, pos, site, deferred: deferred || this.unparenUp(node, inner).parent?.type === 'defer_statement', once });
      };
      const up = unparenUp(id);
      const parent = up.parent;
      if (!parent) continue;
      switch (parent.type) {
        case 'send_statement':
          if (parent.childForFieldName('channel')?.id === up.id) {
            const cc = parent.parent?.type === 'communication_case' ? parent.parent : null;
            add('send', parent, cc ? this.selectOf(cc) : null, cc);
            continue;
          }
          ch.escapes = 'sent on a channel';
          return;
        case 'unary_expression':
          // (The operator is the first token: no other unary operator starts with `<`.)
          if (this.facts.text.startsWith('<-', parent.startIndex)) {
            const outer = this.unparenUp(parent, inner0).parent;
            const stmt = outer?.type === 'expression_list' ? outer.parent : outer;
            const cc = stmt?.type === 'receive_statement' || stmt?.type === 'expression_statement' ? stmt.parent : stmt;
            if (cc?.type === 'communication_case') add('recv', parent, this.selectOf(cc), cc);
            else add('recv', parent);
            continue;
          }
          ch.escapes = 'address taken';
          return;
        case 'range_clause':
          if (parent.childForFieldName('right')?.id === up.id && parent.parent?.type === LOOP) {
            add('range', parent.parent);
            continue;
          }
          break;
        case 'binary_expression':
          continue; // ch == nil
        case 'argument_list': {
          const call = parent.parent!;
          const f = call.childForFieldName('function');
          if (f?.type === 'identifier' && (f.text === 'len' || f.text === 'cap')) continue;
          if (f?.type === 'identifier' && f.text === 'close' && this.facts.resolveName('close', call) === 'unknown') {
            add('close', call);
            continue;
          }
          if (this.follow(ch, call, up, opUnit, site ?? call, seen, inner)) continue;
          ch.escapes = 'passed to a function this file does not show';
          return;
        }
      }
      const stmt = parent.type === 'expression_list' ? parent.parent : parent;
      ch.escapes =
        stmt?.type === 'return_statement' && enclosingFunction(stmt)?.id === ch.owner.id
          ? 'returned'
          : stmt?.type === 'assignment_statement' && stmt.childForFieldName('left')?.id === parent.id
            ? 'reassigned'
            : 'stored or returned';
      return;
    }
  }

  /** Follows the channel into a same-file function it is passed to. */
  private follow(ch: Channel, call: Node, arg: Node, unit: Unit, site: Node, seen: Set<number>, inner: Node): boolean {
    const callee = this.callee(call);
    if (!callee || seen.has(callee.id) || seen.size > 3) return false;
    const i = call.childForFieldName('arguments')!.namedChildren.findIndex((c) => c?.id === arg.id);
    const p = paramAt(callee, i);
    if (!p || p.type.type !== 'channel_type') return false;
    let u = unit;
    const stmt = unparenUp(call).parent;
    if (stmt?.type === 'go_statement') {
      const loop = loopBetween(stmt, inner, ch.make);
      u = { kind: 'go', node: stmt, inLoop: loop !== null || unit.inLoop, loop: loop ?? unit.loop };
    } else if (stmt?.type === 'defer_statement') return false;
    const body = callee.childForFieldName('body');
    if (!body) return false;
    const uses = this.usesOf(callee, p.name);
    const next = new Set(seen);
    next.add(callee.id);
    this.classify(ch, uses, callee, u, site, next);
    return true;
  }
}


/** Only spaces or tabs from `at` to the end of the line, a `;` or a `}`: a statement ends at `at`. */
function statementEndsAt(text: string, at: number): boolean {
  let i = at;
  while (text[i] === ' ' || text[i] === '\t') i++;
  const c = text[i];
  return c === undefined || c === '\n' || c === '\r' || c === ';' || c === '}';
}

/**
 * False when the identifier at `at` (of length `len`) cannot be a declaration of a local, by
 * the text around it: a selector's field (`x.ch`), or followed on its line by what no
 * declaration has after its name (`)`, `!=`, `==`, a send `ch <- v`, the end of the line,
 * where Go ends the statement). Anything else may declare (`ch :=`, `ch, err`, `ch chan T`,
 * `ch <-chan T`, `var ch = …`).
 */
const RECV_ONLY = /<-\s*chan\b/y;

function mayDeclareAt(text: string, at: number, len: number): boolean {
  let p = at - 1;
  while (p >= 0 && (text[p] === ' ' || text[p] === '\t' || text[p] === '\n' || text[p] === '\r')) p--;
  if (text[p] === '.') return false;
  let i = at + len;
  while (text[i] === ' ' || text[i] === '\t') i++;
  const c = text[i];
  if (c === undefined || c === '\n' || c === '\r' || c === ')' || c === ']' || c === '}' || c === ';' || c === '!') return false;
  if (c === '<') {
    RECV_ONLY.lastIndex = i;
    return RECV_ONLY.test(text);
  }
  if (c === '.') return text.startsWith('...', i);
  if (c === '=') return text[i + 1] !== '=';
  return true;
}

/**
 * The text range of a function declaration's parameter list, from its name's `(` to the
 * matching `)`; null when the text is not plain enough to tell (a string or comment inside).
 */
function paramsRange(text: string, d: TopDecl): [number, number] | null {
  const name = d.names[0];
  if (!name) return null;
  let i = name.at + name.name.length;
  let depth = 0;
  let open = -1;
  for (; i < d.end; i++) {
    const c = text[i];
    if (c === '"' || c === '`' || c === "'" || c === '/') return null;
    if (c === '(' || c === '[') {
      if (depth === 0 && c === '(') open = i;
      depth++;
    } else if (c === ')' || c === ']') {
      depth--;
      if (depth === 0 && c === ')' && open >= 0) return [open, i + 1];
      if (depth < 0) return null;
    }
  }
  return null;
}

const perFile = new WeakMap<FileFacts, ChannelFacts>();

/** The file's channel facts, shared by every rule that asks (one instance per FileFacts). */
export function channelFacts(facts: FileFacts): ChannelFacts {
  let c = perFile.get(facts);
  if (!c) {
    c = new ChannelFacts(facts);
    perFile.set(facts, c);
  }
  return c;
}

/** The top-level function or method declaration that contains `n`. */
export function topLevelFunction(n: Node): Node | null {
  let top: Node | null = null;
  for (let f = enclosingFunction(n); f; f = enclosingFunction(f)) top = f;
  return top;
}

/** The select cases of `sel` other than `except`. */
export function siblingCases(sel: Node, except: Node): Node[] {
  return sel.namedChildren.filter((c): c is Node => !!c && c.id !== except.id && (c.type === 'communication_case' || c.type === 'default_case'));
}

/**
 * A statement inside `body` that leaves the enclosing `loop` (or the function): a
 * `return`, or a `break` that targets the loop (not one that only ends a nested
 * switch/select/for), or a labeled break/goto. Returns null when none. `skip` drops exits
 * the caller knows come too late to matter.
 */
export function exitFrom(body: Node, loop: Node | null, skip?: (exit: Node) => boolean): Node | null {
  const fn = isFunction(body) ? body : enclosingFunction(body);
  for (const s of body.descendantsOfType(['return_statement', 'break_statement', 'goto_statement'])) {
    if (!s || enclosingFunction(s)?.id !== fn?.id || countedExit(s) || skip?.(s)) continue;
    if (s.type === 'return_statement' || s.type === 'goto_statement') return s;
    const label = s.namedChildren.find((c) => c?.type === 'label_name')?.text;
    if (label !== undefined) {
      // `break L` leaves the statement L labels: the loop only when L is the loop or holds it
      const target = labeled(s, label);
      if (!target || !loop || within(loop, target)) return s;
      continue;
    }
    if (!loop) continue;
    // a plain break ends the innermost for/switch/select around it
    let p = s.parent;
    while (p && !BREAKABLE.has(p.type)) p = p.parent;
    if (p?.id === loop.id) return s;
  }
  return null;
}

/** The statement labeled `label` around `s` (the target of `break label`), or null. */
function labeled(s: Node, label: string): Node | null {
  for (let p = s.parent; p && !isFunction(p); p = p.parent) {
    if (p.type === 'labeled_statement' && p.namedChildren.find((c) => c?.type === 'label_name')?.text === label) return p;
  }
  return null;
}

/**
 * An exit guarded by a completion count (`if active == 0 { return }`, `if n >= len(xs)`):
 * it leaves after everything was received, not early.
 */
function countedExit(s: Node): boolean {
  for (let p = s.parent; p && !isFunction(p); p = p.parent) {
    if (p.type !== 'if_statement') continue;
    const cond = p.childForFieldName('condition');
    const op = cond?.type === 'binary_expression' ? cond.childForFieldName('operator')?.text : undefined;
    return op === '==' || op === '>=' || op === '<=';
  }
  return false;
}

/** Calls that end the process, or (in a _test.go file) fail the test. */
const PROCESS_ENDS = /^(Fatal|Panic|Exit$)/;
const TEST_FAILS = new Set(['FailNow', 'Fail', 'Error', 'Errorf', 'Skip', 'Skipf', 'SkipNow']);

/**
 * The statements around `n` report a failure (`log.Fatal`, `os.Exit`, `panic`, and in a
 * test file `t.Error`/`t.Fatal`): a goroutine left blocked on a path where the program or
 * the test fails anyway is not worth a finding. `n` is a select case, or a return (its
 * enclosing block is checked).
 */
export function failurePath(n: Node, inTest: boolean): boolean {
  const scope = n.type === 'return_statement' ? (n.parent ?? n) : n;
  for (const c of scope.descendantsOfType('call_expression')) {
    const f = c?.childForFieldName('function');
    if (!f) continue;
    if (f.type === 'identifier' && f.text === 'panic') return true;
    if (f.type === 'selector_expression') {
      const name = f.childForFieldName('field')?.text ?? '';
      if (PROCESS_ENDS.test(name) || (inTest && TEST_FAILS.has(name))) return true;
    }
  }
  return false;
}

/** A send followed directly by a return: the goroutine sends once even inside a loop. */
export function thenReturns(send: Node): boolean {
  let next = send.nextNamedSibling;
  while (next?.type === 'comment') next = next.nextNamedSibling;
  return next?.type === 'return_statement' || (next?.type === 'break_statement' && next.namedChildCount === 0);
}

const BREAKABLE = new Set(['for_statement', 'expression_switch_statement', 'type_switch_statement', 'select_statement']);

const BRANCHES = new Set([
  'if_statement',
  'expression_switch_statement',
  'type_switch_statement',
  'select_statement',
  'communication_case',
  'expression_case',
  'default_case',
  'type_case',
]);

/** True when `a` and `b` sit on different branches of an if/switch/select (not one path). */
export function onDifferentBranches(a: Node, b: Node): boolean {
  for (let p = b.parent; p; p = p.parent) if (within(a, p)) return BRANCHES.has(p.type);
  return false;
}

/**
 * A return, panic or other ending call (t.Fatal, log.Fatal, os.Exit: see terminators.ts)
 * in `fn` between two positions: the path may end there. `facts` resolves the ending
 * calls; without it only returns and `panic(…)` count.
 */
export function pathEnds(fn: Node, from: number, to: number, facts?: FileFacts): boolean {
  for (const r of fn.descendantsOfType(['return_statement', 'call_expression'])) {
    if (!r || r.startIndex < from || r.startIndex > to || enclosingFunction(r)?.id !== fn.id) continue;
    if (r.type === 'return_statement') return true;
    if (facts ? endingCall(facts, r) !== null : r.childForFieldName('function')?.text === 'panic') return true;
  }
  return false;
}

/**
 * How many sends of the same goroutine can run before `send` on one execution: sends on
 * other branches, or after a return, do not add up (`if err { ch <- e } else { ch <- v }`
 * sends once).
 */
export function sendsBefore(send: ChanOp, ops: ChanOp[], facts?: FileFacts): number {
  return earlierSends(send, ops, facts).length;
}

/** The sends sendsBefore counts, in source order. */
export function earlierSends(send: ChanOp, ops: ChanOp[], facts?: FileFacts): ChanOp[] {
  const fn = enclosingFunction(send.node);
  const out: ChanOp[] = [];
  for (const o of ops) {
    if (o === send || o.kind !== 'send' || o.unit.node.id !== send.unit.node.id || o.node.startIndex >= send.node.startIndex) continue;
    if (enclosingFunction(o.node)?.id !== fn?.id) continue;
    if (onDifferentBranches(o.node, send.node) || thenReturns(o.node) || (fn && pathEnds(fn, o.node.endIndex, send.node.startIndex, facts))) continue;
    out.push(o);
  }
  return out;
}

/** The trip count of `for i := 0; i < K; i++` with a constant K; Infinity otherwise. */
export function tripCount(loop: Node | null, constant: (n: Node | null) => number | undefined): number {
  const clause = loop?.namedChildren.find((c) => c?.type === 'for_clause');
  const init = clause?.childForFieldName('initializer');
  const cond = clause?.childForFieldName('condition');
  if (!init || cond?.type !== 'binary_expression') return Infinity;
  const start = init.type === 'short_var_declaration' ? init.childForFieldName('right')?.namedChild(0) : null;
  const k = constant(cond.childForFieldName('right'));
  const op = cond.childForFieldName('operator')?.text;
  if (start?.text !== '0' || k === undefined) return Infinity;
  return op === '<' ? k : op === '<=' ? k + 1 : Infinity;
}

/** The channel a select case receives from (`case v := <-done:`), as an identifier name. */
export function caseReceiveName(c: Node): string | undefined {
  let comm = c.childForFieldName('communication');
  if (comm?.type === 'receive_statement') comm = comm.childForFieldName('right');
  if (comm?.type === 'expression_statement') comm = comm.namedChild(0);
  comm = comm && unparen(comm);
  if (comm?.type !== 'unary_expression' || comm.child(0)?.type !== '<-') return undefined;
  const operand = comm.childForFieldName('operand');
  return operand?.type === 'identifier' ? operand.text : undefined;
}

/**
 * True when `name` is a channel of `all` that every goroutine in `units` sends on or
 * closes: receiving from it means those goroutines got that far (a completion signal).
 */
export function signalledBy(all: Channel[], name: string | undefined, units: Set<number>, at?: Node): boolean {
  // At `at`, the name means the channel made last before it by a function that holds it:
  // subtests (`t.Run(…, func…)`) each make their own done.
  let sig: Channel | undefined;
  for (const c of all) {
    if (c.name !== name || (at && (!within(at, c.owner) || c.make.startIndex > at.startIndex))) continue;
    if (!at) return signalled(c, units);
    if (!sig || c.make.startIndex > sig.make.startIndex) sig = c;
  }
  return !!sig && signalled(sig, units);
}

function signalled(sig: Channel, units: Set<number>): boolean {
  if (sig.escapes || units.size === 0) return false;
  for (const u of units) if (!sig.ops.some((o) => (o.kind === 'send' || o.kind === 'close') && o.unit.node.id === u)) return false;
  return true;
}

/**
 * `case <-quit:` where the function hands quit to `signal.Notify`: the process is being
 * told to stop, and goroutines left blocked end with it.
 */
export function awaitsSignal(facts: FileFacts, c: Node, fn: Node): boolean {
  const name = caseReceiveName(c);
  if (!name || !fn.text.includes('Notify')) return false;
  for (const call of fn.descendantsOfType('call_expression')) {
    if (call && facts.isCallTo(call, 'os/signal', 'Notify') && call.childForFieldName('arguments')?.namedChild(0)?.text === name) return true;
  }
  return false;
}

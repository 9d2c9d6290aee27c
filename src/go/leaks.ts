// What became of a resource a call made: the shared judgement of the resource rules
// (unclosed-body, unclosed-resource). A rule finds the calls and says what kind of value
// each makes; this decides, per call, whether the value can be left open and where.
//
//	resp, err := client.Do(req)     the site: its binding, its owner function, its variable
//	if err != nil { return err }    the error branch: nothing to release there
//	defer resp.Body.Close()         a release: every path below is settled
//
// Verdicts: the value is discarded; some exits are reached with it open (each exit a
// return, the end of its block, a new iteration or a re-assignment); its release is
// deferred before the error check (it panics on a nil value); or it is made in a loop and
// released by a defer that waits for the function to return.
import type { Node } from 'web-tree-sitter';
import { enclosingFunction, isFunction, memoPer, unparenUp, within, type FileFacts } from './facts.js';
import type { Suggestion } from '../engine/types.js';
import { funcsOf, isProgramMain, onlyRunOnce } from './funcs.js';
import { argumentLoopsOnly } from './cmdargs.js';
import { bindingOf, calleeDecl, errorCheckAfter, inLoop, insertAfterErrorCheck, ownerOf, settlements, type Binding, type Makers, type SettleOptions } from './obligations.js';
import { callOfName, identifiersMatching, wordNodes } from './words.js';
import type { PackageView } from './package.js';
import type { Made, MadeKind } from './returns.js';
import { type DeclKey, nameOfKey, wordAt } from './pkgindex.js';
import { impliesNil, openExits, type Exit } from './paths.js';
import { valueType } from './valuetypes.js';
import { funcName } from './toplevel.js';

/** What kind of value a constructor makes, and how it is released. */
export interface Kind {
  /** Methods that release it (`Close`; `Commit`/`Rollback` for a transaction). */
  methods: ReadonlySet<string>;
  /** The value is this field of the variable (`resp.Body`). */
  field?: string;
  /** Leaks on some paths are reported; otherwise only a value never released (or replaced). */
  paths: boolean;
  /** `for x.Next() { … }` run to its end releases it (database rows). */
  consumes?: boolean;
  /** Made in a loop and released by a defer there: reported as such (a response body). */
  deferInLoop?: boolean;
  /** Its release is safe on a nil value (`(*os.File).Close`): a defer before the error check is harmless. */
  nilSafe?: boolean;
  /** A condition outcome under which the value holds nothing (a response with no body): see paths.ts. */
  emptyWhen?: (name: string, atom: Node) => boolean | undefined;
  /** Calls of `owner` that give the value's hold back as a release would (a response body read to its end). */
  drains?: (facts: FileFacts, owner: Node, name: string) => Node[];
  /**
   * With deferInLoop: calls of `owner` after which the value holds nothing more even when a
   * write stops them early (a response body copied to any writer: a round that goes on after
   * the copy went on after its body reached EOF or its read failed), so that a round through
   * one leaves nothing open for the defer to hold.
   */
  roundDrains?: (facts: FileFacts, owner: Node, name: string) => Node[];
}

/** One place a value comes into a function: a constructor call, or a helper that hands one over. */
export interface Site<K extends Kind = Kind> {
  call: Node;
  /** As written at the call: `http.Get`, `db.Query`, or the helper's name. */
  callee: string;
  kind: K;
  binding: Binding;
  /** For a helper, the constructor call inside it that made the value. */
  madeBy?: { call: Node; callee: string };
}

export type Verdict<K extends Kind = Kind> =
  | { verdict: 'discarded'; site: Site<K> }
  | {
      verdict: 'open';
      site: Site<K>;
      owner: Node;
      name: string;
      /** Exits reached with the value open, in document order (never empty). */
      exits: Exit[];
      /** No release and no escape outside the error branch: the value is never released. */
      never: boolean;
      /** The value escapes somewhere (returned, stored, handed on): a `defer Close` could break it. */
      escapes: boolean;
    }
  | { verdict: 'beforeCheck'; site: Site<K>; name: string; errName: string; defer: Node }
  | { verdict: 'deferInLoop'; site: Site<K>; name: string; defer: Node };

export interface JudgeOptions {
  borrows: SettleOptions['borrows'];
  /** A select case that releases the site's value on entry (see paths.ts releasedOn). */
  releasedOn?: (site: Site<Kind>, communication: Node) => boolean;
  /** Calls that end a path (panic, os.Exit, log.Fatal, t.Fatal, …). */
  ends: (call: Node) => boolean;
  /** The package: a function that only main, init or a var initializer run, once, lives like main (funcs.ts onlyRunOnce). */
  view?: PackageView;
}

/**
 * `func main()` of package main, `func init()`, and a func literal run once per process
 * (`once.Do(func() { … })`, `sync.OnceValue(func() …)`): what they open lives as long as
 * the process.
 */
function processLifetime(facts: FileFacts, owner: Node): boolean {
  if (owner.type === 'func_literal') {
    const call = owner.parent?.type === 'argument_list' ? owner.parent.parent : null;
    const fn = call?.type === 'call_expression' ? call.childForFieldName('function') : null;
    if (fn?.type !== 'selector_expression' || call?.childForFieldName('arguments')?.namedChildCount !== 1) return false;
    const name = fn.childForFieldName('field')?.text ?? '';
    // `once.Do`, `s.initOnce.Do` (not a retry helper's Do, which runs it again), `sync.OnceValue`
    const recv = fn.childForFieldName('operand');
    if (name === 'Do') return !!recv && (/once$/i.test(recv.text) || valueType(facts, recv) === 'sync.Once');
    const q = facts.qualified(fn);
    return q?.path === 'sync' && /^Once(Func|Values?)$/.test(name);
  }
  if (owner.type !== 'function_declaration') return false;
  const name = owner.childForFieldName('name')?.text;
  return name === 'init' || isProgramMain(facts, owner);
}

/** The nearest defer statement around `n` in the same function, if any. */
function deferAround(n: Node): Node | undefined {
  for (let p = n.parent; p && !isFunction(p); p = p.parent) if (p.type === 'defer_statement') return p;
  // `defer func() { x.Close() }()`: the release sits in the deferred literal.
  const lit = enclosingFunction(n);
  const call = lit?.type === 'func_literal' ? lit.parent : null;
  return call?.type === 'call_expression' && call.parent?.type === 'defer_statement' ? call.parent : undefined;
}

/**
 * `defer resp.Body.Close()` written between the value's statement and any `if` after it:
 * the defer runs on the error path too, with a nil value. Only a direct call: a deferred
 * func literal may check for nil first.
 */
function deferBeforeCheck(stmt: Node, releases: Node[]): Node | undefined {
  for (let s = stmt.nextNamedSibling; s; s = s.nextNamedSibling) {
    if (s.type === 'comment') continue;
    if (s.type !== 'defer_statement') {
      if (s.type === 'if_statement' || s.descendantsOfType('if_statement').length) return undefined;
      continue;
    }
    const call = s.namedChild(0);
    const fn = call?.type === 'call_expression' ? call.childForFieldName('function') : null;
    if (fn && releases.some((r) => r.id === fn.id)) return s;
  }
  return undefined;
}

/** The innermost loop of `owner` around `n` (not counting nested functions). */
function loopAround(n: Node, owner: Node): Node | undefined {
  for (let p = n.parent; p && p.id !== owner.id; p = p.parent) {
    if (isFunction(p)) return undefined;
    if (p.type === 'for_statement') return p;
  }
  return undefined;
}

/** Judges every site of a file; discarded and open values, in site order. */
export function judge<K extends Kind>(facts: FileFacts, sites: readonly Site<K>[], opts: JudgeOptions): Verdict<K>[] {
  const out: Verdict<K>[] = [];
  for (const site of sites) {
    const v = judgeSite(facts, site, opts);
    // Asked last, of the few values that would be reported: it searches the package's text.
    if (v && !(opts.view && madeOncePerProcess(facts, site, opts.view))) out.push(v);
  }
  return out;
}

/** Made once per process (see onceInProcess) in a function that only main, init or a var initializer run, once. */
function madeOncePerProcess(facts: FileFacts, site: Site, view: PackageView): boolean {
  if (site.binding.kind === 'other') return false;
  const fn = enclosingFunction(site.binding.stmt);
  return !!fn && onceInProcess(facts, site.binding.stmt, fn) && onlyRunOnce(view, facts, fn, { argLoops: true });
}

/**
 * `stmt` of a function that runs once per process makes one value per process: it is in no
 * loop, or only in loops over the command-line arguments (`for _, a := range flag.Args()`),
 * which run a bounded number of rounds before the process exits. Any other loop (an accept
 * loop, `for { … }`, the lines of a file) may make values for as long as it runs.
 */
function onceInProcess(facts: FileFacts, stmt: Node, fn: Node): boolean {
  return !inLoop(stmt, fn) || argumentLoopsOnly(facts, stmt, fn);
}

/** The error a discarded value's statement assigns: `_, err := f()` → err. */
function errOfDiscarded(stmt: Node): string | undefined {
  const left = stmt.type === 'var_declaration' ? [] : (stmt.childForFieldName('left')?.namedChildren ?? []);
  const last = left[left.length - 1];
  return left.length > 1 && last?.type === 'identifier' && last.text !== '_' ? last.text : undefined;
}

function judgeSite<K extends Kind>(facts: FileFacts, site: Site<K>, opts: JudgeOptions): Verdict<K> | undefined {
  const { binding, kind } = site;
  if (binding.kind === 'other') return undefined;
  const stmt = binding.stmt;
  const fn = enclosingFunction(stmt);
  if (!fn) return undefined;
  if (binding.kind === 'discarded') {
    if (processLifetime(facts, fn) && onceInProcess(facts, stmt, fn)) return undefined;
    // `_, err := c.Get(u); if err == nil { t.Fatal(…) }`: only the failing path has a value.
    const paths = openExits({ owner: fn, start: stmt, name: '_', settles: [], errName: errOfDiscarded(stmt), declares: false, ends: opts.ends });
    return paths && !paths.exits.length ? undefined : { verdict: 'discarded', site };
  }
  const name = binding.ident.text;
  // Package-level variables live as long as the process; names of other files are unknown.
  const owner = binding.declares ? fn : ownerOf(facts, name, binding.ident);
  if (!owner || (processLifetime(facts, owner) && onceInProcess(facts, stmt, owner))) return undefined;
  if (releasedAnyway(facts, site, owner, name)) return undefined;
  const events = [...settlements(facts, owner, name, { methods: kind.methods, field: kind.field, borrows: opts.borrows, closuresAnywhere: true })];
  for (const at of kind.drains?.(facts, owner, name) ?? []) events.push({ kind: 'released', at, method: 'drain' });
  // A deferred clean-up written before the value arrives (`defer func() { if resp != nil { … } }()`).
  if (events.some((e) => e.at.startIndex < stmt.startIndex && enclosingFunction(e.at)?.id !== owner.id)) return undefined;
  const releases = events.filter((e) => e.kind === 'released').map((e) => e.at);
  const errName = binding.errName;

  const early = errName && !kind.nilSafe ? deferBeforeCheck(stmt, releases) : undefined;
  if (early && errName) return { verdict: 'beforeCheck', site, name, errName, defer: early };
  if (kind.deferInLoop) {
    const loop = loopAround(stmt, owner);
    const drained = (loop && kind.roundDrains?.(facts, owner, name)) || [];
    for (const r of releases) {
      const d = loop && deferAround(r);
      if (!d || !within(d, loop) || enclosingFunction(d)?.id !== owner.id) continue;
      if (goesRound(d, owner, opts, drained.filter((c) => c.startIndex > d.endIndex && within(c, loop)))) return { verdict: 'deferInLoop', site, name, defer: d };
    }
  }

  const paths = openExits({
    owner,
    start: stmt,
    name,
    settles: events.map((e) => e.at),
    errName,
    declares: binding.declares,
    consumes: kind.consumes ? (loop) => nextLoopOf(loop, name) : undefined,
    ends: opts.ends,
    emptyWhen: kind.emptyWhen ? (atom) => kind.emptyWhen!(name, atom) : undefined,
    releasedOn: opts.releasedOn ? (comm) => opts.releasedOn!(site, comm) : undefined,
  });
  // Uses in the error branch (`if err != nil { return resp, err }`) see a nil value.
  const branch = errorBranch(stmt, errName, name);
  const outside = events.filter((e) => !(branch && within(e.at, branch)));
  const consumed = kind.consumes && owner.descendantsOfType('for_statement').some((l) => l && nextLoopOf(l, name));
  const never = outside.length === 0 && !consumed;
  let exits: Exit[];
  if (paths === null) {
    // Not followed (goto): only a value never released at all is reported.
    const body = owner.childForFieldName('body');
    exits = never && body ? [{ at: body.lastChild ?? body, kind: 'end' }] : [];
  } else if (!never && errName && !paths.errChecked) {
    // Its error is handled in ways the walk does not read (`retry, err := shouldRetry(err)`):
    // only a value never released, or replaced, is reported.
    exits = paths.exits.filter((e) => e.kind === 'replaced');
  } else {
    exits = paths.exits;
  }
  if (!exits.length) return undefined;
  return { verdict: 'open', site, owner, name, exits, never, escapes: outside.some((e) => e.kind === 'escaped') };
}

/** The branch of the error check after `stmt` where `name` is nil (`if err != nil { … }`), if any. */
function errorBranch(stmt: Node, errName: string | undefined, name: string): Node | undefined {
  const check = errorCheckAfter(stmt, errName);
  const cond = check?.childForFieldName('condition');
  return cond && impliesNil(cond, true, { err: errName, name }) ? (check!.childForFieldName('consequence') ?? undefined) : undefined;
}

/** A borrow check that lends every argument: the escapes left are those no borrow check can take back. */
const LENT = (): boolean => true;

/**
 * A value of a kind reported only when never released (or replaced, see Kind.paths) that is
 * released or escapes outside its error branch, and whose variable no later statement can
 * give another value: not a leak, known without asking what the calls it is handed to do
 * with it (the borrow checks) or following its paths. Releases and the other escapes
 * (returned, stored, captured) do not depend on those answers, and a borrow check can only
 * turn an argument's escape into a use: the full judgement finds these events and more, so
 * an open verdict for it would carry `never` false and no replacement, which is no finding.
 */
function releasedAnyway(facts: FileFacts, site: Site, owner: Node, name: string): boolean {
  const { binding, kind } = site;
  if (kind.paths || kind.deferInLoop || binding.kind !== 'bound' || kind.drains) return false;
  const stmt = binding.stmt;
  const events = [...settlements(facts, owner, name, { methods: kind.methods, field: kind.field, borrows: LENT, closuresAnywhere: true })];
  const releases = events.filter((e) => e.kind === 'released').map((e) => e.at);
  // A defer before the error check is a verdict of its own: leave it to the full judgement.
  if (!events.length || (binding.errName && !kind.nilSafe && deferBeforeCheck(stmt, releases))) return false;
  const branch = errorBranch(stmt, binding.errName, name);
  if (events.every((e) => branch && within(e.at, branch))) return false;
  return !mayReassign(facts.text, name, stmt.endIndex, owner.endIndex);
}

/**
 * Whether `name` may be assigned between `from` and `to` (paths.ts `replaces`): a line where
 * the word is followed by an assignment (`name = `, `a, name := `), or ends a line in a list
 * (`name,` with the rest of the left side below).
 */
export function mayReassign(text: string, name: string, from: number, to: number): boolean {
  // `\b` is ASCII only: a name in other letters is not searched for.
  if (!/^\w+$/.test(name)) return true;
  const re = new RegExp(String.raw`\b${name}\b`, 'g');
  re.lastIndex = from;
  for (let m = re.exec(text); m && m.index < to; m = re.exec(text)) {
    const eol = text.indexOf('\n', m.index);
    const rest = text.slice(m.index + name.length, eol < 0 ? text.length : eol);
    if (/(^|[^=!<>])=($|[^=])/.test(rest) || /,\s*(\/\/.*)?$/.test(rest)) return true;
  }
  return false;
}

/**
 * The loop around `d` can start another iteration after `d` ran (it does not always return
 * first), on a path that passes none of `drained`.
 */
function goesRound(d: Node, owner: Node, opts: JudgeOptions, drained: Node[]): boolean {
  const paths = openExits({ owner, start: d, name: '', settles: drained, declares: false, ends: opts.ends });
  return !paths || paths.exits.some((e) => e.kind === 'iteration');
}

/** `for rows.Next() { … }`: the loop's condition is a Next call on the variable. */
export function nextLoopOf(loop: Node, name: string): boolean {
  const cond = loop.namedChildren.find((c) => c && c.type !== 'block' && c.type !== 'comment');
  if (cond?.type !== 'call_expression' || (cond.childForFieldName('arguments')?.namedChildCount ?? 0) !== 0) return false;
  const fn = cond.childForFieldName('function');
  const operand = fn?.type === 'selector_expression' ? fn.childForFieldName('operand') : null;
  return fn?.childForFieldName('field')?.text === 'Next' && operand?.type === 'identifier' && operand.text === name;
}


/** Message ids the resource rules share: each rule words them for its kind of value. */
export type LeakMessage = 'unclosed' | 'path' | 'replaced' | 'discarded' | 'deferInLoop' | 'beforeCheck';

const WHERE: Record<Exit['kind'], string> = {
  return: 'the function returns',
  end: 'the function ends',
  scope: 'its variable goes out of scope',
  iteration: 'the loop goes round again',
  replaced: 'the variable is replaced',
};

const RELATED: Record<Exit['kind'], string> = {
  return: 'returns here with it open',
  end: 'the function ends here with it open',
  scope: 'its variable goes out of scope here with it open',
  iteration: 'the next iteration starts here with it open',
  replaced: 'replaced here while still open',
};

export interface Described {
  messageId: LeakMessage;
  node: Node;
  data: Record<string, string | number>;
  related: { node: Node; message: string }[];
}

/** Where to report a verdict, with which message id, placeholders and related locations. */
export function describe(v: Verdict): Described {
  const { site } = v;
  const related = site.madeBy ? [{ node: site.madeBy.call, message: `made here by ${site.madeBy.callee}` }] : [];
  const data: Record<string, string | number> = { callee: site.callee };
  switch (v.verdict) {
    case 'discarded':
      return { messageId: 'discarded', node: site.call, data, related };
    case 'beforeCheck':
      return { messageId: 'beforeCheck', node: v.defer, data: { ...data, name: v.name, err: v.errName }, related };
    case 'deferInLoop':
      related.push({ node: v.defer, message: 'deferred here, until the function returns' });
      return { messageId: 'deferInLoop', node: (site.binding as { ident: Node }).ident, data: { ...data, name: v.name }, related };
    case 'open': {
      const first = v.exits[0]!;
      for (const e of v.exits) related.push({ node: e.at, message: RELATED[e.kind] });
      const messageId: LeakMessage = first.kind === 'replaced' ? 'replaced' : v.never ? 'unclosed' : 'path';
      const line = first.at.startPosition.row + 1;
      return { messageId, node: (site.binding as { ident: Node }).ident, data: { ...data, name: v.name, line, where: WHERE[first.kind] }, related };
    }
  }
}

/**
 * Words called as the field of a selector (`x.Open(`, `os.Open (`, `pkg.New[T](`), as one
 * global regex over a file's text: the constructors the resource rules look for are all
 * called so, and a hit with no dot before it or no call after it (a type `net.Conn`, a
 * word in prose) needs no tree to be ruled out. Whitespace and comments may stand between
 * (a `/` before or after is let through).
 */
export function calledFieldPattern(words: readonly string[]): RegExp {
  // The look back comes after the word: one that leads is tried at every offset.
  return new RegExp(String.raw`\b(?:${words.join('|')})\b(?<=[./]\s*\w+)(?=\s*[(\[/])`, 'g');
}

/**
 * The calls a resource rule looks at, found from their names in the text (a native search;
 * the tree is touched only at each hit): those spelled like a constructor (`names`), and,
 * when one of them is a constructor (`isSource`), the calls of the file's own functions
 * and methods, which may be helpers that hand a value over. Sorted; empty when the file
 * makes nothing.
 */
export function candidateCalls(
  root: Node,
  text: string,
  facts: FileFacts,
  names: RegExp,
  isSource: (call: Node) => boolean,
  handsOver?: RegExp,
  /**
   * A test on the text of a hit of `names` (its offset and word), asked before its declaration
   * is parsed: false when the call there can be neither a source nor a call of the file's
   * own functions (another package's function that makes nothing, `errors.New`).
   */
  mayBeSource?: (at: number, word: string) => boolean,
): Node[] {
  const calls: Node[] = [];
  for (const name of identifiersMatching(root, text, names, 0, text.length, mayBeSource)) {
    const call = callOfName(name);
    if (call) calls.push(call);
  }
  if (!calls.some(isSource)) return [];
  const seen = new Set(calls.map((c) => c.id));
  const own = handsOver ? helperNames(facts, handsOver, calls.filter(isSource)) : [...funcsOf(facts).byName().keys()];
  for (const name of own.length ? wordNodes(root, text, own) : []) {
    const call = callOfName(name);
    if (call && !seen.has(call.id)) {
      seen.add(call.id);
      calls.push(call);
    }
  }
  return calls.sort((a, b) => a.startIndex - b.startIndex);
}

/**
 * The file's functions and methods that may hand a value over, by the text of their
 * declarations (a superset of those whose written results match: Makers' `mayHandOver`),
 * without parsing them. Calls of the others make no site, so they need no tree. Of those,
 * only a helper whose text holds one of the `sources` or names a helper that may hand one
 * over can (Makers.of follows nothing else): a declaration that names a resource type but
 * makes none (`func serve(c net.Conn)`) is not searched for.
 */
function helperNames(facts: FileFacts, handsOver: RegExp, sources: readonly Node[]): string[] {
  const names: string[] = [];
  const texts = new Map<string, { start: number; text: string }[]>();
  const { syntax, text } = facts;
  const own = funcsOf(facts).byName();
  syntax.outline.decls.forEach((d, i) => {
    const name = funcName(d);
    if (!name || !own.has(name) || syntax.guarded(i)) return;
    const body = text.slice(d.start, d.end);
    if (!handsOver.test(body)) return;
    if (!texts.has(name)) {
      names.push(name);
      texts.set(name, []);
    }
    texts.get(name)!.push({ start: d.start, text: body });
  });
  const live = new Set<string>();
  for (const [name, decls] of texts) {
    if (decls.some((d) => sources.some((c) => c.startIndex >= d.start && c.startIndex < d.start + d.text.length))) live.add(name);
  }
  for (let grew = live.size > 0; grew; ) {
    grew = false;
    for (const [name, decls] of texts) {
      if (live.has(name) || !decls.some((d) => [...live].some((l) => wordAt(d.text, l) >= 0))) continue;
      live.add(name);
      grew = true;
    }
  }
  return names.filter((n) => live.has(n));
}

const handingOver = memoPer<FileFacts, Set<string>>();

/**
 * Whether a function or method of the file named `name` may hand a value over, by the text
 * of its declarations (`handsOver`: the types of the values, which Makers' `mayHandOver`
 * looks for in their results): a call of any other makes no helper site (sitesOf), and its
 * declaration need not be parsed for that.
 */
export function ownMayHandOver(facts: FileFacts, name: string, handsOver: RegExp): boolean {
  const names = handingOver(facts, handsOver.source, () => {
    const out = new Set<string>();
    const { syntax, text } = facts;
    syntax.outline.decls.forEach((d, i) => {
      const n = funcName(d);
      if (n && !out.has(n) && !syntax.guarded(i) && handsOver.test(text.slice(d.start, d.end))) out.add(n);
    });
    return out;
  });
  return names.has(name);
}

/**
 * The sites among `calls`: constructor calls (`source` says what each makes and how it is
 * written), and calls of same-file helpers that hand over what a constructor made.
 */
export function sitesOf<K extends Kind>(facts: FileFacts, calls: readonly Node[], source: (call: Node) => { kind: K; callee: string } | undefined, makers: Makers<K>): Site<K>[] {
  const sites: Site<K>[] = [];
  for (const call of calls) {
    const made = source(call);
    if (made) {
      sites.push({ call, callee: made.callee, kind: made.kind, binding: bindingOf(call) });
      continue;
    }
    const helper = calleeDecl(facts, call, true);
    if (!helper) continue;
    const fn = call.childForFieldName('function')!;
    const callee = fn.type === 'selector_expression' ? (fn.childForFieldName('field')?.text ?? fn.text) : fn.text;
    for (const [pos, m] of makers.of(helper)) {
      sites.push({ call, callee, kind: m.what, binding: bindingOf(call, pos), madeBy: { call: m.call, callee: source(m.call)?.callee ?? '' } });
    }
  }
  return sites;
}

/**
 * The `--fix` for an open value: the line `lineFor` writes (`defer resp.Body.Close()`) after the error check,
 * only where it is safe: the value does not escape (a handle made from it may still be in
 * use), it is made in the function that owns the variable (not in a closure run later), not
 * in a loop (the defer would pile up), and its open exits are returns (not a replacement or
 * a new iteration, which a defer at the end would not cover).
 */
export function deferFix(text: string, v: Verdict, lineFor: (name: string) => string): Suggestion[] | undefined {
  if (v.verdict !== 'open' || v.escapes || v.site.binding.kind !== 'bound' || enclosingFunction(v.site.call)?.id !== v.owner.id) return undefined;
  const b = v.site.binding;
  if (inLoop(b.stmt, v.owner) || !v.exits.every((e) => e.kind === 'return' || e.kind === 'end')) return undefined;
  const line = lineFor(v.name);
  const edit = insertAfterErrorCheck(text, b.stmt, b.errName, line);
  return edit ? [{ desc: `Add ${line} after the error check`, edits: [edit] }] : undefined;
}

/**
 * Sites where a function or method of another file of the package hands over a value it
 * made (the package view's summaries of `kind`): `resp, err := c.get(u)` with `get` in
 * client.go. Functions of this file are left to the same-file helpers (sitesOf). `pattern`
 * finds the candidates without parsing them (the type they hand over, named in their text);
 * only those this file calls by name are summarized.
 */
export function packageHelperSites<K extends Kind>(
  pkg: PackageView,
  facts: FileFacts,
  root: Node,
  text: string,
  kind: MadeKind,
  pattern: string,
  kindOf: (made: Made) => K | undefined,
  /** Calls the rule already takes for constructors itself (`ctx.RoundTrip(req)`): one site per call. */
  known: (call: Node) => boolean = () => false,
): Site<K>[] {
  const keys = pkg.keys(`matches:${pattern}`);
  // Most packages have no such function: the file's own names (its outline) are not needed then.
  if (!keys.length) return [];
  const own = funcsOf(facts).byName();
  const byName = new Map<string, DeclKey[]>();
  for (const k of keys) {
    const name = nameOfKey(k);
    if (own.has(name) || wordAt(text, name) < 0) continue;
    byName.set(name, [...(byName.get(name) ?? []), k]);
  }
  if (!byName.size) return [];
  const sites: Site<K>[] = [];
  for (const n of wordNodes(root, text, [...byName.keys()], 0, text.length, (at, word) => mayCallKeys(text, at, word, byName.get(word) ?? []))) {
    const call = callOfName(n);
    const key = call && pkg.calleeKey(call, facts);
    if (!call || !key || !byName.get(n.text)?.includes(key) || known(call)) continue;
    for (const [pos, made] of pkg.summaryOf(kind, key) ?? []) {
      const k = kindOf(made);
      if (k) sites.push({ call, callee: n.text, kind: k, binding: bindingOf(call, pos) });
    }
  }
  return sites;
}

/**
 * False when the text shows the name at `at` is no call that calleeKey can resolve to one of
 * `keys` (functions and methods of the package): not followed by its arguments, or written
 * after a dot when all are functions (`pkg.F(` is another package's), or without one when
 * all are methods. True when unsure (a comment, a line break before the name).
 */
export function mayCallKeys(text: string, at: number, word: string, keys: readonly DeclKey[]): boolean {
  let i = at + word.length;
  while (text[i] === ' ' || text[i] === '\t') i++;
  if (text[i] !== '(' && text[i] !== '/') return false;
  let j = at - 1;
  while (text[j] === ' ' || text[j] === '\t') j--;
  if (text[j] === '\n' || text[j] === '/') return true;
  const method = text[j] === '.';
  return keys.some((k) => k.startsWith(method ? 'method:' : 'func:'));
}

/** A test on a declaration's written results: does their text match `pattern` (the types of the values a rule follows)? */
export function returnsMatching(pattern: string): (decl: Node) => boolean {
  const re = new RegExp(pattern);
  return (decl) => {
    const result = decl.childForFieldName('result');
    return !!result && re.test(result.text);
  };
}

/**
 * False when the text around a method call named at `at` (`m.Get(k)`) shows that it is not
 * `followable`: an operand of an operator, an argument, an element or an index
 * (`f(a, m.Get(k))`, `x == m.Get(k)`, `!m.Get(k)`, `m.Get(k).(T)`), or the value of one
 * variable or field (`v := m.Get(k)`, `if v := m.Get(k); …`, `var v = m.Get(k)`, `x.f = m.Get(k)`, `n += m.Get(k)`).
 * True when unsure: a statement of its own, `return`, `a, b :=`, a parenthesis, a comment.
 */
export function mayBeFollowable(text: string, at: number): boolean {
  if (!mayEndStatement(text, at)) return false;
  // Back over the receiver and the words before it on the line (`return c.Get`, `go c.Do`).
  let i = at;
  while (i > 0 && /[\w. \t]/.test(text[i - 1]!)) i--;
  const c = text[i - 1];
  // An argument: `f(m.Get(k))` (a parenthesis after a space or an operator may wrap the call itself).
  if (c === '(') return !/[\w)\]]/.test(text[i - 2] ?? '');
  if (c === undefined || !/[,+\-*%&|^<>!\[=]/.test(c)) return true;
  if (c !== '=') return false;
  // `==`, `!=`, `<=`, `>=`: a comparison; `+=`, `<<=`, …: an assignment that binds no result.
  const op = text[i - 2];
  if (op !== undefined && /[=!<>+\-*/%&|^]/.test(op)) return false;
  const lineStart = text.lastIndexOf('\n', i - 1) + 1;
  // One name or field on the left (`x.f = m.Get(k)`, `} else if v := m.Get(k)`) takes one result.
  const left = /^[ \t]*(?:(?:var|(?:\}[ \t]*else[ \t]+)?if)[ \t]+)?(\w+(?:\.\w+)*)[ \t]*:?$/.exec(text.slice(lineStart, i - 1));
  return !left || left[1] === '_' || !endsStatement(text, lineStart);
}

/**
 * False when what follows the call of the name at `at` shows it is part of a bigger
 * expression (`m.Get(k).(T)`, `m.Get(k) != nil`, `m.Get(k)[0]`, `case m.Get(k):`, `if
 * m.Get(k) {`): the character after its closing parenthesis, on the same line. True when
 * unsure (the arguments run long, or hold what the scan does not read).
 */
function mayEndStatement(text: string, at: number): boolean {
  let i = at;
  while (/\w/.test(text[i] ?? '')) i++;
  while (text[i] === ' ' || text[i] === '\t') i++;
  if (text[i] !== '(') return true;
  const end = closingParen(text, i, 4096);
  if (end < 0) return true;
  let j = end + 1;
  while (text[j] === ' ' || text[j] === '\t') j++;
  const c = text[j];
  if (c === '/') return text[j + 1] === '/' || text[j + 1] === '*';
  return c === undefined || !/[.\[(,{=!<>+\-*%&|^:]/.test(c);
}

const CLOSER: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

/**
 * The offset of the parenthesis (or brace, or bracket) that closes the one at `open`,
 * reading strings, runes and comments; -1 past `limit` characters.
 */
export function closingParen(text: string, open: number, limit: number): number {
  const opener = text[open]!;
  const closer = CLOSER[opener];
  let depth = 0;
  const stop = Math.min(text.length, open + limit);
  for (let i = open; i < stop; i++) {
    const c = text[i];
    if (c === opener) depth++;
    else if (c === closer) {
      if (--depth === 0) return i;
    } else {
      i = pastLiteral(text, i, stop);
      if (i < 0) return -1;
    }
  }
  return -1;
}

/**
 * The offset of the last character of the string, rune or comment that starts at `i` (`i`
 * itself when none starts there); -1 when it runs to the end of the text.
 */
function pastLiteral(text: string, i: number, stop: number): number {
  const c = text[i];
  if (c === '"' || c === "'") {
    for (i++; i < stop && text[i] !== c && text[i] !== '\n'; i++) if (text[i] === '\\') i++;
    return i;
  }
  if (c === '`') return text.indexOf('`', i + 1);
  if (c !== '/') return i;
  if (text[i + 1] === '/') return text.indexOf('\n', i);
  if (text[i + 1] !== '*') return i;
  const end = text.indexOf('*/', i + 2);
  return end < 0 ? -1 : end + 1;
}

/**
 * The number of arguments of the call whose argument list opens at `open` (`(a, f(b, c))`:
 * 2): commas outside nested brackets, a trailing one not counted. -1 when unsure: past
 * `limit` characters, a comment inside (the parser keeps comments out of the count), or
 * brackets that do not pair up.
 */
export function argumentCount(text: string, open: number, limit: number): number {
  const stack: string[] = [];
  const stop = Math.min(text.length, open + limit);
  let commas = 0;
  // Something written since the last comma (or the opening parenthesis).
  let written = false;
  for (let i = open; i < stop; i++) {
    const c = text[i]!;
    const closes = CLOSER[c];
    if (closes) {
      stack.push(closes);
      if (stack.length > 1) written = true;
    } else if (c === ')' || c === ']' || c === '}') {
      if (stack.pop() !== c) return -1;
      if (!stack.length) return commas + (written ? 1 : 0);
    } else if (c === ',' && stack.length === 1) {
      commas++;
      written = false;
    } else if (c === '/' && (text[i + 1] === '/' || text[i + 1] === '*')) {
      return -1;
    } else if (c !== ' ' && c !== '\t' && c !== '\n' && c !== '\r') {
      written = true;
      i = pastLiteral(text, i, stop);
      if (i < 0) return -1;
    }
  }
  return -1;
}

/**
 * True when the code line before `lineStart` (comment lines and blank ones aside) cannot
 * leave a list of names open: it does not end in a comma and holds no comment that could
 * hide one (`a, // why` continues `a, b := f()` on the next line).
 */
export function endsStatement(text: string, lineStart: number): boolean {
  let end = lineStart - 1;
  while (end > 0) {
    const start = text.lastIndexOf('\n', end - 1) + 1;
    const line = text.slice(start, end).trim();
    if (line !== '' && !line.startsWith('//')) return !line.endsWith(',') && !line.includes('//') && !line.includes('/*') && !line.includes('*/');
    end = start - 1;
  }
  return true;
}

/**
 * Where a constructor's value can go for a rule to follow it: `v, err := f()` (two results),
 * a statement or `_` that discards it, or `return f()`. Any other place (`x := m.Get(k)`,
 * an argument) is not a call of a two-result constructor, or not one a rule can follow: a
 * cheap test before asking what the receiver is.
 */
export function followable(call: Node): boolean {
  const b = bindingOf(call);
  if (b.kind === 'discarded') return true;
  if (b.kind === 'bound') return b.results === 2;
  const list = unparenUp(call).parent;
  return list?.type === 'expression_list' && list.parent?.type === 'return_statement' && list.namedChildCount === 1;
}

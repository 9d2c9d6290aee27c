// Channels kept in struct fields and used across the methods of their type, read through the
// package view: where the package makes the field's channel, what each method of the type does
// with it (through its callees too), which methods run as goroutines, and how the type is
// stopped.
//
//	type Pool struct{ jobs chan Job }                  // pool.go
//	func NewPool() *Pool {
//		p := &Pool{jobs: make(chan Job)}                // made: unbuffered, here
//		go p.worker()                                   // started: worker, by NewPool
//		return p
//	}
//	func (p *Pool) worker() { for j := range p.jobs {…} }   // worker.go: uses: range
//	func (p *Pool) Submit(j Job) { p.jobs <- j }            // uses: send
//	func (p *Pool) Stop() { … }                             // lifecycle: Stop (closes nothing)
//
// Plain data, computed once per package and field (PackageView.cached).
import type { Node } from 'web-tree-sitter';
import { enclosingFunction, type FileFacts, isWordCode, memoPer, unparen, unparenUp } from './facts.js';
import { afterParen, within } from './channels.js';
import type { Decl, PackageView } from './package.js';
import { type DeclKey, keyOfRef, nameOfKey, wordAt } from './pkgindex.js';
import { flagGuard, leavesOnlyBy } from './runflag.js';
import { coreSummary, directEffects, HOW, type Site, unconditionalCloses } from './summary.js';

/** Methods that end a value's life: the type's way to be stopped. */
export const LIFECYCLE = new Set(['Stop', 'Close', 'Shutdown', 'Cancel', 'Release', 'Terminate', 'Quit', 'stop', 'close', 'shutdown', 'cancel']);

export interface FieldUse {
  /** The method of the type that does it. */
  fn: DeclKey;
  op: string;
  how: number;
  at: Site;
}

export interface ChannelField {
  type: string;
  field: string;
  /** Declared `chan T` (a `<-chan T` or `chan<- T` field's channel is someone else's to close). */
  bidirectional: boolean;
  /** Where the package puts a new channel in the field: `f: make(chan T, n)` in a literal of the type, `x.f = make(…)`. */
  made: { capacity: number | 'unknown'; at: Site }[];
  /** Something else is stored in the field (a parameter, another channel): its owner is elsewhere. */
  setOtherwise: boolean;
  /** What the type's methods do with the receiver's field (`recv.f`), through their callees too. */
  uses: FieldUse[];
  /** `close(x.f)` written anywhere in the package, x of this type or of a type syntax cannot tell (then stay silent). */
  closedSomewhere: boolean;
  /**
   * `x.f` handed out anywhere in the package (returned, passed, stored, aliased), by any
   * function, x of this type or of a type syntax cannot tell: its users are out of sight.
   */
  handedOut: boolean;
  /** The type's lifecycle methods (Stop, Close, Shutdown…), in file order. */
  lifecycle: DeclKey[];
}

function siteOf(d: Decl, n: Node): Site {
  const file = d.file.slice(Math.max(d.file.lastIndexOf('/'), d.file.lastIndexOf('\\')) + 1);
  return { file, line: n.startPosition.row + 1, column: n.startPosition.column + 1 };
}

/** `make(chan T)` → 0, `make(chan T, 8)` → 8, `make(chan T, n)` → 'unknown'; not a channel make → undefined. */
function makeCapacity(e: Node | null): number | 'unknown' | undefined {
  const call = e && unparen(e);
  if (call?.type !== 'call_expression' || call.childForFieldName('function')?.text !== 'make') return undefined;
  const args = call.childForFieldName('arguments')?.namedChildren.filter((a): a is Node => a !== null && a.type !== 'comment') ?? [];
  if (args[0]?.type !== 'channel_type') return undefined;
  if (args.length < 2) return 0;
  const n = args[1]!.type === 'int_literal' ? Number(args[1]!.text.replace(/_/g, '')) : NaN;
  return Number.isFinite(n) ? n : 'unknown';
}

/** `T{…}` or `&T{…}` (also `new`-less generic `T[K]{…}`): T's name. */
function literalTypeName(lit: Node): string | undefined {
  let t = lit.childForFieldName('type');
  if (t?.type === 'generic_type') t = t.childForFieldName('type');
  return t?.type === 'type_identifier' ? t.text : undefined;
}

/** Uses of a channel that keep it where it is: operations on it, and the field's own make. */
function handsOut(sel: Node): boolean {
  const up = unparenUp(sel);
  const p = up.parent;
  if (!p) return false;
  switch (p.type) {
    case 'send_statement':
      return p.childForFieldName('channel')?.id !== up.id;
    case 'unary_expression':
      return p.child(0)?.type !== '<-';
    case 'range_clause':
    case 'selector_expression':
    case 'binary_expression':
    case 'index_expression':
      return false;
    case 'argument_list': {
      const f = p.parent?.childForFieldName('function')?.text;
      return !(f === 'close' || f === 'len' || f === 'cap');
    }
    case 'expression_list': {
      const stmt = p.parent;
      // `x.f = make(chan T)`: the field is set, not handed out.
      return !((stmt?.type === 'assignment_statement' || stmt?.type === 'short_var_declaration') && stmt.childForFieldName('left')?.id === p.id);
    }
    default:
      return true;
  }
}

/**
 * The facts of field `field` of the package's struct type `type`, when it is a channel. The
 * parts cost differently and are computed on first use (each cached per package): the
 * declaration and lifecycle methods from the index, the uses from the summaries of the
 * methods that name the field, and where it is made, set, closed or handed out from the
 * syntax of every function that names it. Check the cheap parts first.
 */
export function channelField(pkg: PackageView, type: string, field: string): ChannelField | undefined {
  const basics = pkg.cached(`channel-field:${type}.${field}`, () => {
    const f = pkg.field(type, field);
    if (f?.type.type !== 'channel_type') return undefined;
    return {
      bidirectional: !f.type.text.startsWith('<-') && !/^chan\s*<-/.test(f.type.text),
      lifecycle: pkg.keys(`methodsof:${type}`).filter((k) => LIFECYCLE.has(k.slice(k.lastIndexOf('.') + 1))),
    };
  });
  if (!basics) return undefined;
  let uses: FieldUse[] | undefined;
  let scan: ReturnType<typeof scanField> | undefined;
  const scanned = () => (scan ??= pkg.cached(`channel-field-scan:${type}.${field}`, () => scanField(pkg, type, field)));
  return {
    type,
    field,
    ...basics,
    get uses() {
      return (uses ??= pkg.cached(`channel-field-uses:${type}.${field}`, () => fieldUses(pkg, type, field)));
    },
    get made() {
      return scanned().made;
    },
    get setOtherwise() {
      return scanned().setOtherwise;
    },
    get closedSomewhere() {
      return scanned().closedSomewhere;
    },
    get handedOut() {
      return scanned().handedOut;
    },
  };
}

/**
 * What the type's methods do with the field in their own bodies: those that name it (a method
 * that only calls them adds nothing of its own), from their summaries at depth 0.
 */
function fieldUses(pkg: PackageView, type: string, field: string): FieldUse[] {
  const out: FieldUse[] = [];
  for (const key of mentioningMethods(pkg, type, field)) {
    for (const e of pkg.summaryOf(directEffects, key, 0)?.effects ?? []) if (e.target === `recv.${field}`) out.push({ fn: key, op: e.op, how: e.how, at: e.at });
  }
  return out;
}

/**
 * The keys of the methods of `type` whose text has the word `field` as a selector's field
 * (after a `.`: maySelect), in file order: `mentions:field` of those methods, from a search
 * of their texts alone (a type has few methods; a common word such as `done` is in many
 * functions of a package). Every effect on `recv.field` in a method's own body is on a
 * selector of the field, or on a local that one was assigned to (`jobs := s.jobs`).
 */
function mentioningMethods(pkg: PackageView, type: string, field: string): DeclKey[] {
  const key = `methodsof:${type}`;
  pkg.consulted(key);
  const index = pkg.pkg.index;
  const out = new Set<DeclKey>();
  for (const r of index.lookup(key)) {
    const text = index.file(r.file)?.text ?? '';
    for (let at = wordAt(text, field, r.start); at >= 0 && at < r.end; at = wordAt(text, field, at + field.length)) {
      if (at === r.nameAt || !maySelect(text, at)) continue;
      out.add(keyOfRef(r, key));
      break;
    }
  }
  return [...out];
}

/**
 * False when the word at `at` is no selector's field, told from what stands before it: a
 * `.` (past spaces and line breaks), or the end of a comment (cannot tell); a line with a
 * `//` before a line break cannot be told either.
 */
function maySelect(text: string, at: number): boolean {
  let i = at - 1;
  for (;;) {
    while (i >= 0 && (text[i] === ' ' || text[i] === '\t' || text[i] === '\r')) i--;
    if (text[i] !== '\n') break;
    if (text.lastIndexOf('//', i) >= text.lastIndexOf('\n', i - 1) + 1) return true;
    i--;
  }
  return text[i] === '.' || text[i] === '/';
}

/** Spaces and comments, as Go allows them between two tokens. */
const GAP = String.raw`(?:\s|\/\*[\s\S]*?\*\/|\/\/[^\n]*\n)*`;

/** A `matches:` lookup of the functions whose text has a selector of the field (`x.f`). */
function selectorOf(field: string): string {
  return `\\.${GAP}${field.replace(/[^\w]/g, '\\$&')}(?![\\w$])`;
}

/**
 * Every function that writes the field as a selector (`x.f`) or a literal's key (`f: …`):
 * where it is made, set, closed, handed out. (Those that only have the word, a local of that
 * name, are not parsed.)
 */
function scanField(pkg: PackageView, type: string, field: string) {
  const out = { made: [] as ChannelField['made'], setOtherwise: false, closedSomewhere: false, handedOut: false };
  const word = field.replace(/[^\w]/g, '\\$&');
  for (const d of pkg.decls(`matches:${selectorOf(field)}|(?<![\\w$])${word}${GAP}:`)) {
    for (const sel of d.node.descendantsOfType('selector_expression')) {
      if (sel?.childForFieldName('field')?.text !== field || !handsOut(sel)) continue;
      const of = pkg.typeOf(sel.childForFieldName('operand')!, d.facts);
      if (of === undefined || of === type) out.handedOut = true;
    }
    for (const n of d.node.descendantsOfType(['keyed_element', 'assignment_statement', 'call_expression'])) {
      if (!n) continue;
      if (n.type === 'call_expression') {
        const fn = n.childForFieldName('function');
        const arg = n.childForFieldName('arguments')?.namedChildren.find((a) => a?.type !== 'comment');
        const target = arg && unparen(arg);
        if (fn?.text !== 'close' || target?.type !== 'selector_expression' || target.childForFieldName('field')?.text !== field) continue;
        // A value of another type of the package with a field of that name does not count; an
        // unknown one does.
        const of = pkg.typeOf(target.childForFieldName('operand')!, d.facts);
        if (of === undefined || of === type) out.closedSomewhere = true;
        continue;
      }
      if (n.type === 'keyed_element') {
        const [k, v] = n.namedChildren;
        const lit = n.parent?.parent;
        if (k?.text !== field || !v || lit?.type !== 'composite_literal' || literalTypeName(lit) !== type) continue;
        const value = v.type === 'literal_element' ? v.namedChild(0) : v;
        const cap = makeCapacity(value);
        if (cap !== undefined) out.made.push({ capacity: cap, at: siteOf(d, value!) });
        else out.setOtherwise = true;
        continue;
      }
      // `x.f = make(chan T)`, with x of this type (or unknown: a field of that name elsewhere does not count).
      const left = n.childForFieldName('left')?.namedChildren ?? [];
      const right = n.childForFieldName('right')?.namedChildren ?? [];
      left.forEach((l, i) => {
        if (l?.type !== 'selector_expression' || l.childForFieldName('field')?.text !== field) return;
        const operand = l.childForFieldName('operand');
        if (!operand || pkg.typeOf(operand, d.facts) !== type) return;
        const cap = left.length === right.length ? makeCapacity(right[i] ?? null) : undefined;
        if (cap !== undefined) out.made.push({ capacity: cap, at: siteOf(d, right[i]!) });
        else out.setOtherwise = true;
      });
    }
  }
  return out;
}

/**
 * The functions of the package that start method `key` (`method:T.M`) as a goroutine in
 * their own body: found among the functions that name M and have a `go` statement
 * (`go p.worker()`), confirmed by their summaries.
 */
export function startersOf(pkg: PackageView, key: DeclKey): DeclKey[] {
  const name = key.slice(key.lastIndexOf('.') + 1);
  return pkg.cached(`starters:${key}`, () => {
    // Functions that name M and start a goroutine, from the index; then their own bodies
    // (summaries at depth 0: `go x.M()` or `go func() { x.M() }()` written there).
    const withGo = new Set(pkg.keys('matches:\\bgo\\s'));
    return pkg.keys(`mentions:${name}`).filter((k) => withGo.has(k) && pkg.summaryOf(coreSummary, k, 0)?.starts.includes(key));
  });
}

/**
 * The field a `make(chan …)` call of the file fills, when it is a field of a struct type of
 * the package: `&Pool{jobs: make(chan Job)}`, `p.jobs = make(chan Job)`.
 */
export function fieldMade(pkg: PackageView, facts: FileFacts, make: Node): { type: string; field: string } | undefined {
  const up = unparenUp(make);
  const p = up.parent;
  if (p?.type === 'literal_element') {
    const kv = p.parent;
    const lit = kv?.parent?.parent;
    if (kv?.type !== 'keyed_element' || kv.namedChild(1)?.id !== p.id || lit?.type !== 'composite_literal') return undefined;
    const type = literalTypeName(lit);
    const field = kv.namedChild(0)?.text;
    return type && field && /^\w+$/.test(field) ? { type, field } : undefined;
  }
  const stmt = p?.type === 'expression_list' ? p.parent : undefined;
  if (stmt?.type !== 'assignment_statement' || stmt.childForFieldName('right')?.id !== p!.id) return undefined;
  const i = p!.namedChildren.findIndex((c) => c?.id === up.id);
  const left = stmt.childForFieldName('left')?.namedChildren[i];
  const operand = left?.type === 'selector_expression' ? left.childForFieldName('operand') : null;
  const type = operand ? pkg.typeOf(operand, facts) : undefined;
  return type ? { type, field: left!.childForFieldName('field')!.text } : undefined;
}

/** How a target of a summary reads in Go: `recv.jobs` → `p.jobs`, `$0.done` → `w.done`, `var:quit` → `quit`. */
export function targetText(target: string, s: { params: string[]; recv?: string } | undefined): string {
  if (target.startsWith('var:')) return target.slice(4);
  const dot = target.indexOf('.');
  const root = dot < 0 ? target : target.slice(0, dot);
  const rest = dot < 0 ? '' : target.slice(dot);
  const name = root === 'recv' ? s?.recv : s?.params[Number(root.slice(1))];
  return `${name || root}${rest}`;
}

/**
 * Some function of the package has a send statement on a field of that name on a line of its
 * own (`\ts.results <- v`, not `case s.results <- v:`): a text test, before any parse.
 */
export function bareSendWritten(pkg: PackageView, field: string): boolean {
  // The field's selector first, then the line's start behind it: a pattern that starts at the
  // `\n` retries `[\w.]*` on every line of the package (and one that starts with the look
  // behind runs it at every offset).
  const key = `matches:\\.${field}(?<=\\n[ \\t]+[\\w.]*\\.${field})[ \\t]*<-`;
  if (namedInText(pkg, 'bare-send', bareSends).has(field)) return pkg.keys(key).length > 0;
  pkg.absent(key);
  return false;
}

/** A space or a tab: a blank within a line (channels.ts's isSpace also takes line breaks). */
const isInlineBlank = (c: number) => c === 0x20 || c === 0x09;
const isWordOrDot = (c: number) => isWordCode(c) || c === 0x2e;

/**
 * The fields of every line that starts with a selector and a send, `\ts.results <- v`
 * (what bareSendWritten's pattern, `\n[ \t]+[\w.]*\.f[ \t]*<-`, matches), from each `<-`
 * back to its line's start: a search of the one operator, not a pattern tried at every line.
 */
function bareSends(text: string, out: Set<string>): void {
  for (let i = text.indexOf('<-'); i >= 0; i = text.indexOf('<-', i + 2)) {
    let end = i;
    while (end > 0 && isInlineBlank(text.charCodeAt(end - 1))) end--;
    let start = end;
    while (start > 0 && isWordOrDot(text.charCodeAt(start - 1))) start--;
    let k = start;
    while (k > 0 && isInlineBlank(text.charCodeAt(k - 1))) k--;
    const dot = text.lastIndexOf('.', end - 1);
    if (k === start || k === 0 || text.charCodeAt(k - 1) !== 0x0a || dot < start || dot === end - 1) continue;
    out.add(text.slice(dot + 1, end));
  }
}

const textNames = memoPer<object, Set<string>>();
const fileNames = memoPer<object, Set<string>>();

/**
 * The names `collect` finds in the package's texts, once per package (`id` names the
 * search): a field a per-field pattern could match is among them, so a field that is not
 * needs no lookup of its own (each lookup searches every file of the package). Each file is
 * searched once, though the library and test packages of a directory share it.
 */
export function namedInText(pkg: PackageView, id: string, collect: (text: string, out: Set<string>) => void): Set<string> {
  const index = pkg.pkg.index;
  return textNames(index, id, () => {
    const out = new Set<string>();
    for (const f of index.files) {
      const names = fileNames(f, id, () => {
        const found = new Set<string>();
        collect(f.text, found);
        return found;
      });
      for (const n of names) out.add(n);
    }
    return out;
  });
}

/**
 * An unexported field (every send and receive on it is in the package) with a bare send on it
 * somewhere (bareSendWritten): what blockedSends and unreceivedSends both need first, and a
 * test of the field's name alone (fieldOfMake's `wanted`).
 */
export function mayHaveBareSend(pkg: PackageView, field: string): boolean {
  return /^[a-z_]/.test(field) && bareSendWritten(pkg, field);
}

/** A send on a channel field that blocks forever once the type is stopped. */
export interface BlockedSend {
  send: FieldUse;
  /** The method whose select receives the field and leaves on the stop signal. */
  receiver: DeclKey;
  /** The receiver's field it leaves on (`done`), and where that case is. */
  signal: string;
  signalAt: Site;
  /** The lifecycle method that signals it. */
  stop: DeclKey;
}

/**
 * The shape of etcd#6857: every receive of the field is a case of a select that returns on a
 * stop signal (`case <-n.stop: return`), which a lifecycle method of the type sends or
 * closes; a bare send on the field (no select) then blocks forever once Stop has run.
 * Unbuffered, unexported, never handed out or closed, so every send and receive is in sight.
 *
 *	func (n *node) run() {
 *		for {
 *			select {
 *			case c := <-n.status: …      // the only receive…
 *			case <-n.stop: return         // …ends with Stop
 *			}
 *		}
 *	}
 *	func (n *node) Stop()   { n.stop <- struct{}{} }
 *	func (n *node) Status() { n.status <- c }   // ← blocks forever after Stop
 */
export function blockedSends(pkg: PackageView, cf: ChannelField): BlockedSend[] {
  // Once per package and field: each make of the field (in any file of the package) asks.
  return pkg.cached(`blocked-sends:${cf.type}.${cf.field}`, () => blockedSendsOf(pkg, cf));
}

function blockedSendsOf(pkg: PackageView, cf: ChannelField): BlockedSend[] {
  if (!cf.bidirectional || !cf.lifecycle.length || !mayHaveBareSend(pkg, cf.field)) return [];
  // From the uses first (cheap): every receive a select case, some send not.
  const uses = cf.uses;
  if (uses.some((u) => u.op === 'escape' || u.op === 'return' || u.op === 'range' || (u.op === 'recv' && !(u.how & HOW.select)))) return [];
  if (!uses.some((u) => u.op === 'recv') || !uses.some((u) => u.op === 'send' && !(u.how & HOW.select))) return [];
  if (!cf.made.length || cf.made.some((m) => m.capacity !== 0) || cf.setOtherwise || cf.closedSomewhere || cf.handedOut) return [];
  const direct = cf.uses.filter((u) => !(u.how & HOW.callee));
  const receivers = [...new Set(direct.filter((u) => u.op === 'recv' || u.op === 'range').map((u) => u.fn))];
  if (!receivers.length) return [];
  let exit: LoopStop | undefined;
  for (const fn of receivers) {
    const e = loopStops(pkg, cf, fn);
    if (!e) return []; // some receive does not end with the type: it may go on receiving
    exit ??= e;
  }
  const { sole, ...stop } = exit!;
  // A send under a running flag that Stop clears under the same lock (runflag.ts) is never
  // made after Stop, when the one receiving loop leaves only by its stop case.
  const guarded = receivers.length === 1 && sole ? flagGuard(pkg, cf.type, stop.receiver, stop.signal) : undefined;
  return direct
    .filter((u) => u.op === 'send' && !(u.how & HOW.select) && !receivers.includes(u.fn))
    .filter((u) => !guarded?.(u.fn, u.at.line, u.at.column))
    .map((send) => ({ send, ...stop }));
}

interface LoopStop {
  receiver: DeclKey;
  signal: string;
  signalAt: Site;
  stop: DeclKey;
  /** Every receive's goroutine leaves only by its stop case (runflag.ts: leavesOnlyBy). */
  sole: boolean;
}

/**
 * When every receive of the field in method `fn` is a case of a select, in a loop of a
 * goroutine, that returns on a signal a lifecycle method of the type sends or closes: the
 * stop case. Undefined when any receive of the field there is of another kind.
 */
function loopStops(pkg: PackageView, cf: ChannelField, fn: DeclKey): LoopStop | undefined {
  const decl = pkg.decl(fn);
  const recvName = pkg.summaryOf(coreSummary, fn)?.recv;
  if (!decl || !recvName) return undefined;
  const started = startersOf(pkg, fn).length > 0;
  let found: LoopStop | undefined;
  const file = decl.file.slice(Math.max(decl.file.lastIndexOf('/'), decl.file.lastIndexOf('\\')) + 1);
  for (const sel of decl.node.descendantsOfType('selector_expression')) {
    if (!sel || sel.childForFieldName('operand')?.text !== recvName || sel.childForFieldName('field')?.text !== cf.field) continue;
    const up = unparenUp(sel).parent;
    const receive = up?.type === 'unary_expression' && up.child(0)?.type === '<-' ? up : null;
    // Anything but a receive or a send (an alias, a range) is a use syntax does not follow here.
    if (!receive) {
      if (up?.type === 'send_statement' && up.childForFieldName('channel')?.id === unparenUp(sel).id) continue;
      return undefined;
    }
    // The receive's select case, its select, a loop around it, a goroutine running it.
    let cc: Node | null = receive.parent;
    while (cc && cc.type !== 'communication_case' && cc.type !== 'block' && cc.id !== decl.node.id) cc = cc.parent;
    if (cc?.type !== 'communication_case' || !cc.childForFieldName('communication') || !within(receive, cc.childForFieldName('communication')!)) return undefined;
    const select = cc.parent!;
    let loop = false;
    let goroutine = started;
    let body = decl.node;
    for (let p: Node | null = select.parent; p && p.id !== decl.node.id; p = p.parent) {
      if (p.type === 'for_statement') loop = true;
      if (p.type === 'func_literal') {
        goroutine ||= p.parent?.type === 'call_expression' && p.parent.parent?.type === 'go_statement';
        body = p;
        break;
      }
    }
    if (!goroutine) return undefined;
    // In a loop, the stop case must leave it; a single select stops receiving whichever case wins.
    const stop = stopCaseOf(pkg, cf, select, cc, recvName, loop);
    if (!stop) return undefined;
    const sole = loop && leavesOnlyBy(body, select, stop.at);
    found ??= { receiver: fn, signal: stop.signal, signalAt: { file, line: stop.at.startPosition.row + 1, column: stop.at.startPosition.column + 1 }, stop: stop.stop, sole };
    found.sole &&= sole;
  }
  return found;
}

/**
 * A sibling case of `cc` that waits for the type to be stopped: a receive from a channel field
 * a lifecycle method sends on or closes (`case <-s.quit:`), or from the Done of a context
 * field whose cancel a lifecycle method calls (`case <-s.ctx.Done():`). In a loop it must
 * return.
 */
function stopCaseOf(
  pkg: PackageView,
  cf: ChannelField,
  select: Node,
  cc: Node,
  recvName: string,
  loop: boolean,
): { signal: string; at: Node; stop: DeclKey } | undefined {
  for (const other of select.namedChildren) {
    if (!other || other.id === cc.id || other.type !== 'communication_case') continue;
    const comm = other.childForFieldName('communication');
    if (!comm || comm.type === 'send_statement' || !comm.text.includes('<-')) continue;
    if (loop && !other.descendantsOfType('return_statement').length) continue;
    const from = comm.descendantsOfType('selector_expression').find((s) => s?.childForFieldName('operand')?.text === recvName);
    const field = from?.childForFieldName('field')?.text;
    if (!field) continue;
    const done = from!.parent?.type === 'selector_expression' && from!.parent.childForFieldName('field')?.text === 'Done';
    if (done) {
      // `s.ctx.Done()`: stopped by a lifecycle method that calls s.cancel().
      const stop = cf.lifecycle.find((k) => pkg.summaryOf(coreSummary, k)?.effects.some((e) => (e.target === 'recv' && /^\.cancel/i.test(e.op)) || (/^recv\.cancel/i.test(e.target) && e.op === 'call')));
      if (stop) return { signal: `${field}.Done()`, at: other, stop };
      continue;
    }
    const stop = cf.lifecycle.find((k) => pkg.summaryOf(coreSummary, k)?.effects.some((e) => e.target === `recv.${field}` && (e.op === 'close' || e.op === 'send')));
    if (stop && channelField(pkg, cf.type, field)) return { signal: field, at: other, stop };
  }
  return undefined;
}

/** One place a method closes a field of its receiver: itself, or through a method it calls. */
export interface FieldClose {
  /** `close(s.done)`, or the call `s.Stop()` (`go s.Stop()`, `defer s.Stop()`). */
  node: Node;
  /** The receiver's field closed. */
  field: string;
  /** The method called, for a close through a call. */
  via?: DeclKey;
  deferred: boolean;
  go: boolean;
}

const closersOf = memoPer<object, Set<string>>();

/** The names of the package's functions and methods that mention `close` (made once per package; the scan depends on them each time). */
function closerNames(pkg: PackageView): Set<string> {
  pkg.consulted('mentions:close');
  return closersOf(pkg.pkg.index, 'close', () => new Set(pkg.keys('mentions:close').map(nameOfKey)));
}

/** A method of that name is one fieldCloses follows a call `s.M()` into (a lifecycle method, or one that mentions close). */
export function mayClose(pkg: PackageView, name: string): boolean {
  return LIFECYCLE.has(name) || closerNames(pkg).has(name);
}

const BRANCHES = new Set(['if_statement', 'communication_case', 'default_case', 'expression_case', 'type_case']);

function branched(n: Node, fn: Node): boolean {
  for (let p = n.parent; p && p.id !== fn.id; p = p.parent) if (BRANCHES.has(p.type)) return true;
  return false;
}

/**
 * The closes of receiver fields in method `fn` (of the file being analysed), in source order:
 * `close(s.f)` in its own body, and calls `s.M()` (also `go`, `defer`) of methods of the
 * package that close `recv.f` whenever they run (not under an if, a select case, a
 * sync.Once or in a goroutine of their own). A lone such call (not `go`) with no close of
 * the method's own is left out: it cannot close a field twice.
 */
export function fieldCloses(pkg: PackageView, facts: FileFacts, fn: Node): FieldClose[] {
  const recv = fn.childForFieldName('receiver')?.namedChildren.find((p) => p?.type === 'parameter_declaration')?.childForFieldName('name')?.text;
  if (!recv) return [];
  const out: FieldClose[] = [];
  // Only methods that close something themselves (or are named to stop) are followed.
  const calls: { call: Node; stmt: Node | null; deferred: boolean; go: boolean }[] = [];
  for (const call of fn.descendantsOfType('call_expression')) {
    if (!call || enclosingFunction(call)?.id !== fn.id) continue;
    const f = call.childForFieldName('function');
    const stmt = unparenUp(call).parent;
    const deferred = stmt?.type === 'defer_statement';
    const go = stmt?.type === 'go_statement';
    if (f?.type === 'identifier' && f.text === 'close') {
      const arg = call.childForFieldName('arguments')?.namedChildren.find((a) => a?.type !== 'comment');
      const sel = arg && unparen(arg);
      // A close under an if or in a select case is guarded (`select { case <-s.done: default: close(s.done) }`).
      if (sel?.type === 'selector_expression' && sel.childForFieldName('operand')?.text === recv && typeof facts.resolveName(recv, call) === 'object' && !branched(call, fn)) {
        out.push({ node: call, field: sel.childForFieldName('field')!.text, deferred, go });
      }
      continue;
    }
    if (f?.type !== 'selector_expression' || f.childForFieldName('operand')?.text !== recv) continue;
    const name = f.childForFieldName('field')?.text ?? '';
    if (mayClose(pkg, name)) calls.push({ call, stmt, deferred, go });
  }
  // What the rule reports needs two closes of one field, one of them a method's, or a close
  // in a goroutine: a lone method call, not a go statement, with no close of its own beside
  // it, closes each of its fields once, and its summary is not made.
  if (calls.length === 1 && out.length === 0 && !calls[0]!.go) calls.length = 0;
  for (const { call, stmt, deferred, go } of calls) {
    const key = pkg.calleeKey(call, facts);
    // Two calls deep: the closing method, and a helper it closes through.
    const closed = new Set<string>();
    for (const t of (key && pkg.summaryOf(unconditionalCloses, key, 2)) || []) if (/^recv\.\w+$/.test(t)) closed.add(t.slice(5));
    for (const field of closed) out.push({ node: go || deferred ? stmt! : call, field, via: key!, deferred, go });
  }
  return out.sort((a, b) => a.node.startIndex - b.node.startIndex);
}

/**
 * True when a lifecycle method of the type stops some goroutine of it: it closes or sends on
 * another channel field that a method of the type receives in a goroutine, or calls a
 * `cancel` function it keeps. Such a type manages the lives of its goroutines; one whose Stop
 * stops none may simply live as long as the process.
 */
export function stopsGoroutines(pkg: PackageView, cf: ChannelField): boolean {
  for (const key of cf.lifecycle) {
    for (const e of pkg.summaryOf(coreSummary, key)?.effects ?? []) {
      const m = /^recv\.(\w+)$/.exec(e.target);
      if (!m || m[1] === cf.field) continue;
      if (e.op === 'call' && /cancel|stop/i.test(m[1]!)) return true;
      if (e.op !== 'close' && e.op !== 'send') continue;
      const g = channelField(pkg, cf.type, m[1]!);
      if (g?.uses.some((u) => (u.op === 'recv' || u.op === 'range') && (u.how & HOW.go || startersOf(pkg, u.fn).length > 0))) return true;
    }
    if (pkg.summaryOf(coreSummary, key)?.effects.some((e) => e.target === 'recv' && /^\.(cancel|stop)$/i.test(e.op))) return true;
  }
  return false;
}

/**
 * Sends on a channel field that nothing in the package receives from (kubernetes#38669): the
 * field is unexported and never handed out, so nothing else can. Unbuffered, every send
 * blocks; buffered, a send in a loop does once the buffer is full.
 */
export function unreceivedSends(pkg: PackageView, cf: ChannelField): FieldUse[] {
  return pkg.cached(`unreceived-sends:${cf.type}.${cf.field}`, () => unreceivedSendsOf(pkg, cf));
}

/** The uses rule out unreceived sends: none sends, or some receives or hands the field out. */
function unreceivedByUses(cf: ChannelField): boolean {
  return !cf.uses.some((u) => u.op === 'send') || cf.uses.some((u) => u.op === 'escape' || u.op === 'return' || u.op === 'recv' || u.op === 'range');
}

/** What a function that receives from a channel has in its text. */
const RECEIVES = /<-|\brange\b/;

function unreceivedSendsOf(pkg: PackageView, cf: ChannelField): FieldUse[] {
  if (!cf.bidirectional || !mayHaveBareSend(pkg, cf.field)) return [];
  // The uses' test below first when blockedSends has made them (a type with a lifecycle
  // method): the same answer, without the search for receives.
  if (cf.lifecycle.length && unreceivedByUses(cf)) return [];
  // No function of the package receives from a field of that name (checked before the uses,
  // which summarize every method of the type that names the field, and the scan of the
  // field's makes: most fields are received somewhere, and this reads fewer functions). Only
  // those with a selector of the field and a `<-` or `range` can.
  // (Told from the text of each function the lookup finds, not a search of the whole package
  // for every `<-` and range; a function whose variant with the selector has neither cannot
  // receive from the field in that variant.)
  const selector = `matches:${selectorOf(cf.field)}`;
  const index = pkg.pkg.index;
  const withOp = new Set<DeclKey>();
  for (const r of index.lookup(selector)) {
    const text = index.file(r.file)?.text;
    if (text && RECEIVES.test(text.slice(r.start, r.end))) withOp.add(keyOfRef(r, `func:${r.name}`));
  }
  for (const key of pkg.keys(selector)) {
    if (!withOp.has(key)) continue;
    for (const d of pkg.decls(key)) {
      for (const sel of d.node.descendantsOfType('selector_expression')) {
        if (sel?.childForFieldName('field')?.text !== cf.field) continue;
        const up = unparenUp(sel).parent;
        if ((up?.type === 'unary_expression' && up.child(0)?.type === '<-') || up?.type === 'range_clause') return [];
      }
    }
  }
  if (unreceivedByUses(cf)) return [];
  if (!cf.made.length || cf.setOtherwise || cf.closedSomewhere || cf.handedOut) return [];
  const buffered = cf.made.some((m) => m.capacity !== 0);
  return cf.uses.filter((u) => u.op === 'send' && !(u.how & (HOW.callee | HOW.select)) && (!buffered || u.how & HOW.loop));
}

/**
 * For a `chan T` type node of the file being analysed that is the type of a `make` filling a
 * channel field of the package: the make and the field's facts. `wanted` (optional) is asked
 * first, with the field's name: the caller's cheap test of a field it can report on, before
 * the field's facts are looked up.
 */
export function fieldOfMake(pkg: PackageView, facts: FileFacts, t: Node, wanted?: (field: string) => boolean): { make: Node; cf: ChannelField } | undefined {
  if (!afterParen(facts.text, t.startIndex)) return undefined;
  const make = t.parent?.parent;
  if (make?.type !== 'call_expression' || make.childForFieldName('function')?.text !== 'make' || make.childForFieldName('arguments')?.namedChild(0)?.id !== t.id) return undefined;
  const target = fieldMade(pkg, facts, make);
  const cf = target && (!wanted || wanted(target.field)) && channelField(pkg, target.type, target.field);
  return cf ? { make, cf } : undefined;
}

/**
 * True when `make` (in the file being analysed) is the first make of the field in package
 * order: findings about a field are reported once, from the file of its first make.
 */
export function isFirstMake(pkg: PackageView, cf: ChannelField, make: Node): boolean {
  const first = cf.made[0]?.at;
  return !!first && first.file === baseName(pkg.own.path) && first.line === make.startPosition.row + 1 && first.column === make.startPosition.column + 1;
}

export function baseName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
}

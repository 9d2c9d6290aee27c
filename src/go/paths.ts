// Paths through one function: from the statement that puts a value in a variable, which
// exits can be reached with the value still open, i.e. without passing a statement that
// settles it (releases it, or hands it to someone else).
//
//	resp, err := client.Do(req)        ← start: open from here
//	if err != nil {                    ← the error branch: resp is nil there, nothing to close
//		return err
//	}
//	if resp.StatusCode != 200 {
//		return errStatus               ← an open exit: the body is never closed on this path
//	}
//	defer resp.Body.Close()            ← settles every path below
//
// The walk follows Go's structured statements (if, for, switch, select, labels, break,
// continue) on the syntax alone, once per statement: linear in the function's size. A
// function with `goto` is not followed (null). Calls that end a path (panic, os.Exit,
// log.Fatal, t.Fatal, …) leave nothing open. The analysis is a may-analysis that prefers
// silence: a statement that settles the value on any of its inner paths (a closure that
// closes it, say) counts as settling it.
import type { Node } from 'web-tree-sitter';
import { unparen } from './facts.js';

export type ExitKind =
  /** a `return` reached with the value open */
  | 'return'
  /** the end of the function body */
  | 'end'
  /** the end of the block that declares the variable (or a jump out of it) */
  | 'scope'
  /** the loop goes round again and the start runs anew (a `continue` or the end of the body) */
  | 'iteration'
  /** the variable is given another value while the old one is open */
  | 'replaced';

export interface Exit {
  /** The return, continue, break or assignment statement; the `}` token for the end of a block. */
  at: Node;
  kind: ExitKind;
}

export interface PathSpec {
  /** The function (declaration, method or literal) whose body is walked. */
  owner: Node;
  /** The statement (or if/for/switch initializer) that puts the value in the variable. */
  start: Node;
  /** The variable. */
  name: string;
  /** Nodes that settle the value (releases and escapes), anywhere in the function. */
  settles: readonly Node[];
  /** The error result assigned with the value: in `if err != nil { … }` the value is nil. */
  errName?: string;
  /** The start declares the variable (`:=`, `var`): leaving its block drops the value. */
  declares: boolean;
  /** A loop that settles the value when it runs to its end (`for rows.Next() { … }`). */
  consumes?: (loop: Node) => boolean;
  /** A call that ends the path (panic, os.Exit, log.Fatal, t.Fatal, …). */
  ends: (call: Node) => boolean;
  /** See Subject.emptyWhen (a response whose status says it has no body). */
  emptyWhen?: (atom: Node) => boolean | undefined;
  /** A select case whose communication releases the value (`<-ctx.Done()` of a request's context). */
  releasedOn?: (communication: Node) => boolean;
}

/**
 * Unreachable (null), closed on every path reaching here (CLOSED), or open on some path:
 * OPEN while `err` may have been given another value since the start, FRESH while it is
 * still the start's own error (so `err != nil` means the value is nil). Joins keep the
 * larger: an open path wins, and one path where `err` is still fresh lets a check count
 * (the analysis prefers silence).
 */
type State = typeof CLOSED | typeof OPEN | typeof FRESH | null;
const CLOSED = 0;
const OPEN = 1;
const FRESH = 2;

function join(a: State, b: State): State {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b) as State;
}

/** `s` with the value closed (unreachable stays unreachable). */
function closed(s: State): State {
  return s === null ? null : CLOSED;
}

interface Target {
  node: Node;
  label?: string;
  loop: boolean;
  breaks: State;
  continues: State;
  /** The first `continue` that carried the value open. */
  openContinue?: Node;
}

/**
 * The exits of `spec.owner` that can be reached from `spec.start` with the value open, in
 * document order; null when the function's flow is not followed (it uses goto).
 */
export function openExits(spec: PathSpec): Exits | null {
  const body = spec.owner.childForFieldName('body');
  if (!body) return { exits: [], errChecked: false };
  if (body.descendantsOfType('goto_statement').length) return null;
  const w = new Walker(spec, body);
  const exits = w.run();
  return { exits, errChecked: w.errChecked };
}

export interface Exits {
  /** The exits reached with the value open, in document order. */
  exits: Exit[];
  /** The start's error is checked (read by a condition) before it is assigned again. */
  errChecked: boolean;
}

/** What a condition is about: the start's error (while it is the start's), and the variable. */
export interface Subject {
  err?: string;
  name: string;
  /** For a condition that is not `&&`, `||` or `!`: the outcome under which the value holds nothing to release. */
  emptyWhen?: (atom: Node) => boolean | undefined;
}

/** `v op nil`: the operand that is not nil, and the operator; undefined for other comparisons. */
function nilComparison(c: Node): { v: Node; op: string } | undefined {
  if (c.type !== 'binary_expression') return undefined;
  const op = c.childForFieldName('operator')?.text ?? '';
  if (op !== '==' && op !== '!=') return undefined;
  const l = unparen(c.childForFieldName('left')!);
  const r = unparen(c.childForFieldName('right')!);
  if (r.type === 'nil') return { v: l, op };
  if (l.type === 'nil') return { v: r, op };
  return undefined;
}

function isName(n: Node, name: string | undefined): boolean {
  return !!name && n.type === 'identifier' && n.text === name;
}

/**
 * True when `cond` evaluating to `value` means the value is nil: the start's error is set
 * (`err != nil`, `err == io.EOF`, `errors.Is(err, x)`, `isTemporary(err)`: a predicate of the
 * error holds only for one), or the variable itself is nil (`resp == nil`, `resp.Body == nil`).
 * Through `!`, `&&` and `||`: `err != nil && x` holding means err is set, `err == nil || x`
 * failing does too.
 */
export function impliesNil(cond: Node, value: boolean, subject: Subject): boolean {
  const c = unparen(cond);
  if (c.type === 'unary_expression' && c.child(0)?.type === '!') return impliesNil(c.childForFieldName('operand')!, !value, subject);
  if (c.type === 'binary_expression') {
    const op = c.childForFieldName('operator')?.text;
    const l = c.childForFieldName('left')!;
    const r = c.childForFieldName('right')!;
    // a && b holds when both hold, fails when either fails; a || b the other way round.
    if (op === '&&' || op === '||') {
      const both = (op === '&&') !== value;
      return both ? impliesNil(l, value, subject) && impliesNil(r, value, subject) : impliesNil(l, value, subject) || impliesNil(r, value, subject);
    }
  }
  if (subject.emptyWhen?.(c) === value) return true;
  const cmp = nilComparison(c);
  if (cmp) {
    const isNilWhen = cmp.op === '==' ? value : !value; // the operand is nil
    if (isName(cmp.v, subject.err)) return !isNilWhen;
    const base = cmp.v.type === 'selector_expression' ? unparen(cmp.v.childForFieldName('operand')!) : cmp.v;
    return isName(base, subject.name) && isNilWhen;
  }
  if (!value || !subject.err) return false;
  // err == io.EOF, errors.Is(err, x), os.IsNotExist(err), isRetryable(err)
  if (c.type === 'binary_expression' && c.childForFieldName('operator')?.text === '==') {
    return isName(unparen(c.childForFieldName('left')!), subject.err) || isName(unparen(c.childForFieldName('right')!), subject.err);
  }
  if (c.type === 'call_expression') {
    const args = c.childForFieldName('arguments')?.namedChildren ?? [];
    return args.some((a) => a !== null && isName(unparen(a), subject.err));
  }
  return false;
}

class Walker {
  private readonly exits: Exit[] = [];
  /** A condition read the start's error before anything else assigned it. */
  errChecked = false;
  private readonly targets: Target[] = [];
  private readonly startAt: number;
  /** The block (or header statement) whose end drops the value. */
  private readonly scope: Node;
  private readonly settles: Node[];

  constructor(
    private readonly spec: PathSpec,
    private readonly body: Node,
  ) {
    this.startAt = spec.start.startIndex;
    this.settles = [...spec.settles].sort((a, b) => a.startIndex - b.startIndex);
    this.scope = spec.declares ? scopeOf(spec.start) : body;
  }

  run(): Exit[] {
    const out = this.block(this.body, CLOSED);
    if (out) this.exits.push({ at: closing(this.body), kind: 'end' });
    return this.exits.sort((a, b) => a.at.startIndex - b.at.startIndex);
  }

  /** Does [from, to) hold a settling node? */
  private settledIn(from: number, to: number): boolean {
    return this.settles.some((n) => n.startIndex >= from && n.startIndex < to);
  }

  private block(block: Node, s: State): State {
    let state = s;
    for (const st of statementsOf(block)) {
      if (state === null) break;
      state = this.statement(st, state);
    }
    if (state && block.id === this.scope.id && block.id !== this.body.id) {
      this.exits.push({ at: closing(block), kind: block.parent?.type === 'for_statement' ? 'iteration' : 'scope' });
      return CLOSED;
    }
    return state;
  }

  private statement(n: Node, s: State): State {
    switch (n.type) {
      case 'block':
        return this.block(n, s);
      case 'if_statement':
        return this.ifStatement(n, s);
      case 'for_statement':
        return this.forStatement(n, s, undefined);
      case 'expression_switch_statement':
      case 'type_switch_statement':
      case 'select_statement':
        return this.switchStatement(n, s, undefined);
      case 'labeled_statement': {
        const label = n.childForFieldName('label')?.text;
        const inner = n.namedChildren.find((c) => c && c.type !== 'label_name' && c.type !== 'comment') ?? null;
        if (!inner) return s;
        if (inner.type === 'for_statement') return this.forStatement(inner, s, label);
        if (inner.type.endsWith('switch_statement') || inner.type === 'select_statement') return this.switchStatement(inner, s, label);
        return this.statement(inner, s);
      }
      case 'return_statement': {
        const state = this.simple(n, s);
        if (state) this.exits.push({ at: n, kind: 'return' });
        return null;
      }
      case 'break_statement':
      case 'continue_statement':
        this.jump(n, this.simple(n, s));
        return null;
      case 'comment':
      case 'empty_statement':
        return s;
      default:
        return this.simple(n, s);
    }
  }

  /** A statement without inner statements: settle, end the path, replace the value, or start it. */
  private simple(n: Node, s: State): State {
    let state = s;
    if (state && this.settledIn(n.startIndex, n.endIndex)) state = CLOSED;
    if (n.startIndex === this.startAt && n.type !== 'if_statement') return FRESH;
    if (state !== null && endsPath(n, this.spec.ends)) return null;
    if (state && n.startIndex > this.startAt && this.replaces(n)) {
      this.exits.push({ at: n, kind: 'replaced' });
      return CLOSED;
    }
    return state === FRESH && this.assignsErr(n) ? OPEN : state;
  }

  /** `…, err = f()` or `x, err := f()`: from here `err` is another call's error. */
  private assignsErr(n: Node): boolean {
    const err = this.spec.errName;
    if (!err || (n.type !== 'assignment_statement' && n.type !== 'short_var_declaration')) return false;
    return (n.childForFieldName('left')?.namedChildren ?? []).some((l) => l?.type === 'identifier' && l.text === err);
  }

  /** `name = …` (or `name, err := …` in the start's own block): the variable gets another value. */
  private replaces(n: Node): boolean {
    if (n.type !== 'assignment_statement' && n.type !== 'short_var_declaration') return false;
    if (n.type === 'assignment_statement' && n.childForFieldName('operator')?.text !== '=') return false;
    if (n.type === 'short_var_declaration' && n.parent?.id !== this.spec.start.parent?.id) return false;
    return (n.childForFieldName('left')?.namedChildren ?? []).some((l) => l?.type === 'identifier' && l.text === this.spec.name);
  }

  /** A header (initializer, condition, range clause): it may hold the start or settle the value. */
  private header(n: Node | null, s: State): State {
    if (!n || s === null) return s;
    if (n.startIndex === this.startAt) return FRESH;
    if (s && this.settledIn(n.startIndex, n.endIndex)) return CLOSED;
    return s === FRESH && this.assignsErr(n) ? OPEN : s;
  }

  private ifStatement(n: Node, s: State): State {
    let state = this.header(n.childForFieldName('initializer'), s);
    const cond = n.childForFieldName('condition');
    state = this.header(cond, state);
    const [thenNone, elseNone] = cond ? this.condition(cond, state) : [false, false];
    const thenOut = this.block(n.childForFieldName('consequence')!, thenNone ? closed(state) : state);
    const alt = n.childForFieldName('alternative');
    const elseIn = elseNone ? closed(state) : state;
    const elseOut = alt ? this.statement(alt, elseIn) : elseIn;
    let out = join(thenOut, elseOut);
    // `if resp, err := get(); err == nil { … }`: the value lives in the if statement.
    if (out && this.scope.id === n.id) {
      this.exits.push({ at: closing(alt && alt.type === 'block' ? alt : n.childForFieldName('consequence')!), kind: 'scope' });
      out = CLOSED;
    }
    return out;
  }

  /** What a condition says about the value: [nil when it holds, nil when it fails]. */
  private condition(cond: Node, state: State): [boolean, boolean] {
    const err = state === FRESH ? this.spec.errName : undefined;
    if (err && cond.descendantsOfType('identifier').some((id) => id?.text === err)) this.errChecked = true;
    const subject = { err, name: this.spec.name, emptyWhen: this.spec.emptyWhen };
    return [impliesNil(cond, true, subject), impliesNil(cond, false, subject)];
  }

  private forStatement(n: Node, s: State, label: string | undefined): State {
    const clause = n.namedChildren.find((c) => c && c.type !== 'block' && c.id !== n.childForFieldName('body')?.id && c.type !== 'comment') ?? null;
    let state = s;
    let hasCondition = true;
    if (clause?.type === 'for_clause') {
      state = this.header(clause.childForFieldName('initializer'), state);
      state = this.header(clause.childForFieldName('condition'), state);
      hasCondition = !!clause.childForFieldName('condition');
    } else if (clause) {
      state = this.header(clause, state);
      if (clause.type === 'range_clause' && tickerChannel(clause.childForFieldName('right'))) hasCondition = false;
    } else {
      hasCondition = false;
    }
    const target: Target = { node: n, label, loop: true, breaks: null, continues: null };
    this.targets.push(target);
    const body = n.childForFieldName('body')!;
    const end = this.block(body, state);
    this.targets.pop();
    const around = join(end, target.continues);
    // The start runs again with the value still open: the next iteration replaces it.
    const containsStart = body.startIndex <= this.startAt && this.startAt < body.endIndex;
    if (around && containsStart) {
      this.exits.push({ at: end ? closing(body) : target.openContinue ?? closing(body), kind: 'iteration' });
    }
    if (this.spec.consumes?.(n)) return join(closed(state), target.breaks);
    const normal = hasCondition ? join(state, containsStart ? closed(around) : around) : null;
    return join(normal, target.breaks);
  }

  private switchStatement(n: Node, s: State, label: string | undefined): State {
    let state = this.header(n.childForFieldName('initializer'), s);
    state = this.header(n.childForFieldName('value'), state);
    const target: Target = { node: n, label, loop: false, breaks: null, continues: null };
    this.targets.push(target);
    let out: State = null;
    let hasDefault = false;
    for (const c of n.namedChildren) {
      if (!c || !/_case$/.test(c.type)) continue;
      if (c.type === 'default_case') hasDefault = true;
      let entry = state;
      // `switch { case err != nil: … }`
      const value = c.type === 'expression_case' && !n.childForFieldName('value') ? c.childForFieldName('value') : null;
      const cond = value?.namedChildCount === 1 ? value.namedChild(0) : null;
      if (cond && entry !== null && this.condition(cond, entry)[0]) entry = CLOSED;
      const comm = c.childForFieldName('communication');
      entry = this.header(comm, entry);
      if (comm && entry && this.spec.releasedOn?.(comm)) entry = CLOSED;
      const list = c.namedChildren.find((x) => x?.type === 'statement_list') ?? null;
      out = join(out, list ? this.block(list, entry) : entry);
    }
    this.targets.pop();
    // Without a default, a switch may run no case (a select always runs one).
    if (!hasDefault && n.type !== 'select_statement') out = join(out, state);
    out = join(out, target.breaks);
    if (out && this.scope.id === n.id) {
      this.exits.push({ at: closing(n), kind: 'scope' });
      out = CLOSED;
    }
    return out;
  }

  private jump(n: Node, s: State): void {
    if (s === null) return;
    const label = n.namedChildren.find((c) => c?.type === 'label_name')?.text;
    const isBreak = n.type === 'break_statement';
    let target: Target | undefined;
    for (let i = this.targets.length - 1; i >= 0; i--) {
      const t = this.targets[i]!;
      if (label ? t.label === label : isBreak || t.loop) {
        target = t;
        break;
      }
    }
    if (!target) return;
    let state = s;
    // Leaving the variable's block drops the value.
    if (state && this.scope.id !== this.body.id && contains(target.node, this.scope) && target.node.id !== this.scope.id) {
      this.exits.push({ at: n, kind: isBreak ? 'scope' : 'iteration' });
      state = CLOSED;
    }
    if (isBreak) target.breaks = join(target.breaks, state);
    else {
      target.continues = join(target.continues, state);
      if (state && !target.openContinue) target.openContinue = n;
    }
  }
}

function contains(outer: Node, inner: Node): boolean {
  return outer.startIndex <= inner.startIndex && inner.endIndex <= outer.endIndex;
}

/** The statements of a block or a statement list. */
function statementsOf(n: Node): Node[] {
  const list = n.type === 'statement_list' ? n : n.namedChildren.find((c) => c?.type === 'statement_list');
  return (list?.namedChildren ?? []).filter((c): c is Node => c !== null);
}

/** The `}` that ends a block (or the last token of a statement). */
function closing(n: Node): Node {
  return n.lastChild ?? n;
}

/** The block (or if/for/switch statement, for a header's declaration) a declaration is scoped to. */
function scopeOf(start: Node): Node {
  const p = start.parent;
  if (!p) return start;
  if (p.type === 'statement_list') return p.parent?.type === 'block' ? p.parent : p;
  if (p.type === 'for_clause') return p.parent ?? p;
  return p; // if/switch initializer
}

/**
 * A ticker's channel, which nothing closes, so a range over it never ends:
 * `time.Tick(d)`, `time.NewTicker(d).C`, `t.C` with `t := time.NewTicker(d)` in sight.
 */
function tickerChannel(e: Node | null): boolean {
  const x = e ? unparen(e) : null;
  if (x?.type === 'call_expression') return /^time\.Tick$/.test(x.childForFieldName('function')?.text ?? '');
  if (x?.type !== 'selector_expression' || x.childForFieldName('field')?.text !== 'C') return false;
  const operand = unparen(x.childForFieldName('operand')!);
  if (operand.type === 'call_expression') return /^time\.NewTicker$/.test(operand.childForFieldName('function')?.text ?? '');
  if (operand.type !== 'identifier') return false;
  // t := time.NewTicker(d) earlier in the same block
  for (let s = x.parent; s; s = s.parent) {
    if (s.type !== 'statement_list') continue;
    return s.namedChildren.some(
      (st) => st?.type === 'short_var_declaration' && st.childForFieldName('left')?.text === operand.text && /^time\.NewTicker\(/.test(st.childForFieldName('right')?.text ?? ''),
    );
  }
  return false;
}

/** An expression statement whose call ends the path. */
function endsPath(n: Node, ends: (call: Node) => boolean): boolean {
  if (n.type !== 'expression_statement') return false;
  const e = n.namedChild(0);
  const call = e ? unparen(e) : null;
  return call?.type === 'call_expression' && ends(call);
}

/**
 * `t.Error(…)`, `t.Errorf(…)`, `t.Fail()` on a test's `t`, `b` or `tb`: the test has failed,
 * and a path that goes on to return leaves what it opened to a failed test, which is not a
 * leak a maintainer chases. (Calls that stop the path for good are terminators.ts' endingCall.)
 */
export function failsTest(call: Node): boolean {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'selector_expression') return false;
  const operand = fn.childForFieldName('operand');
  return operand?.type === 'identifier' && /^(t|b|tb)$/.test(operand.text) && /^(Error|Errorf|Fail)$/.test(fn.childForFieldName('field')?.text ?? '');
}

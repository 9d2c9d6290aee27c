// lost-cancel: the cancel function of a derived context is discarded or not called on
// some path (go vet's lostcancel, on syntax).
//
//   ctx, _ := context.WithTimeout(ctx, d)            // flagged: discarded
//   ctx, cancel := context.WithCancel(ctx)           // flagged: never used
//   ctx, cancel := context.WithTimeout(ctx, d)       // flagged, with the return below
//   if err != nil { return err }                     //   as the related location
//   defer cancel()
//
//   ctx, cancel := context.WithTimeout(ctx, d)
//   defer cancel()                                   // every later path is covered
//   return ctx, cancel / s.cancel = cancel / t.Cleanup(cancel)   // someone else calls it
//
// Any use of the variable settles the paths through it, as in go vet: a call, a defer, a
// closure that mentions it, or an escape (returned, stored, passed on). Paths that end in
// panic, os.Exit, log.Fatal or t.Fatal need no cancel. Skipped like go vet: main.main (the
// process ends), package-level and outer-function variables, and fields on the left. Also
// skipped, where nothing can leak: WithCancel of context.Background()/TODO() (no parent to
// register with, no timer), an already negative timeout, a return reached through
// `case <-parent.Done():` (the parent's cancellation canceled the child too), and a return in
// a branch entered only once the child is done: `ctx.Err() != nil`, or for a timer
// `err == context.DeadlineExceeded` with err set by a call given ctx (the timer fired).
//
//   ctx, cancel := context.WithTimeout(bg, d)
//   if _, err := poll(ctx); err == nil { …; cancel() } else if err == context.DeadlineExceeded { return }
import type { Node } from 'web-tree-sitter';
import { defineRule, type Handlers } from '../src/engine/types.js';
import { enclosingFunction, type FileFacts, sameScope, unparen, unparenUp, within } from '../src/go/facts.js';
import { exitAvoiding } from '../src/go/flow.js';
import { isProgramMain } from '../src/go/funcs.js';
import { endsStatement } from '../src/go/leaks.js';
import { bindingOf, isNamedResult } from '../src/go/obligations.js';
import { callArgs, callOfName, wordNodes } from '../src/go/words.js';

type MessageIds = 'discarded' | 'unused' | 'somePath';

const CONTEXT_PATHS = ['context', 'golang.org/x/net/context'];
const WITH_CANCEL = ['WithCancel', 'WithCancelCause'];
const WITH_TIMER = ['WithTimeout', 'WithDeadline', 'WithTimeoutCause', 'WithDeadlineCause'];
const CONSTRUCTORS = [...WITH_CANCEL, ...WITH_TIMER];

/** What the child context keeps alive until canceled. */
function lives(name: string): string {
  return WITH_TIMER.includes(name)
    ? 'and its timer live until the deadline passes or the parent is canceled'
    : 'stays registered with its parent until the parent is canceled';
}

/** True when `id` is written by its statement (`cancel = …`, `x, cancel := …`), not read. */
function assignedTo(id: Node): boolean {
  const list = id.parent;
  const st = list?.parent;
  return list?.type === 'expression_list' && (st?.type === 'assignment_statement' || st?.type === 'short_var_declaration') && st.childForFieldName('left')?.id === list.id;
}

/** True when `n` reads the variable `name` anywhere inside (closures included). */
function reads(n: Node, name: string): boolean {
  if (n.type === 'identifier') return n.text === name && !assignedTo(n);
  if (!n.text.includes(name)) return false;
  return n.descendantsOfType('identifier').some((id) => id !== null && id.text === name && !assignedTo(id));
}

/**
 * True when a `defer func() { … cancel() … }()` runs before `stmt`: the closure reads the
 * variable when the function returns, so it cancels whatever `stmt` stores in it then.
 */
function deferredClosureCalls(fn: Node, name: string, stmt: Node): boolean {
  const body = fn.childForFieldName('body');
  if (!body?.text.includes('defer')) return false;
  return body.descendantsOfType('defer_statement').some((d) => {
    if (!d || d.startIndex >= stmt.startIndex || enclosingFunction(d)?.id !== fn.id) return false;
    const call = d.namedChild(0);
    return call?.childForFieldName('function')?.type === 'func_literal' && reads(call, name);
  });
}

/** An argument list of the line: up to two levels of nested parentheses, no literal or comment. */
const ARGS = ((c: string) => String.raw`\((?:${c}|\((?:${c}|\(${c}*\))*\))*\)`)(String.raw`[^()"'\x60/\n]`);

/**
 * The commonest shape, found in the text alone: the cancel function is deferred (or
 * called) on the very next line, which covers every path, whatever the parent context is.
 *
 *	ctx, cancel := context.WithTimeout(ctx, d)      ← the whole statement on one line
 *	defer cancel()                                  ← or cancel()
 *
 * Group 1 runs up to the constructor's name, group 2 is the cancel variable.
 */
const CANCELED_NEXT = new RegExp(String.raw`([ \t]*\w+,[ \t]*(\w+)[ \t]*:?=[ \t]*\w+\.)\w+${ARGS}[ \t]*\r?\n[ \t]*(?:defer[ \t]+)?\2\(\)[ \t]*(?:\r?\n|$)`, 'y');

/** `context.WithCancel(context.Background())`, as written: group 1 is where Background or TODO starts. */
const OF_ROOT = /(WithCancel(?:Cause)?\(\s*\w+\.)(?:Background|TODO)\(\)\s*\)/y;

/**
 * True when the text shows there is nothing to report about the constructor named at `at`,
 * and its function need not be parsed to know: the CANCELED_NEXT shape (a line after one that
 * ends in a comma may continue a list of names: its second name is not the cancel then), or
 * a WithCancel of the background context (`harmless`), named through an import of context
 * that nothing shadows.
 */
function silentByText(facts: FileFacts, at: number): boolean {
  const { text } = facts;
  OF_ROOT.lastIndex = at;
  const root = OF_ROOT.exec(text);
  if (root) {
    const path = facts.selectorAt(at + root[1]!.length)?.path;
    if (path !== undefined && CONTEXT_PATHS.includes(path)) return true;
  }
  const line = text.lastIndexOf('\n', at) + 1;
  CANCELED_NEXT.lastIndex = line;
  const m = CANCELED_NEXT.exec(text);
  if (m) return line + m[1]!.length === at && m[2] !== '_' && endsStatement(text, line);
  return canceledAfterStraightLines(facts, line, at);
}

/** The statement of CANCELED_NEXT, alone on its line: group 1 its indent, group 2 the cancel variable, group 3 up to the constructor's name. */
const CANCEL_STMT = new RegExp(String.raw`(([ \t]*)\w+,[ \t]*(\w+)[ \t]*:?=[ \t]*\w+\.)\w+${ARGS}[ \t]*\r?\n`, 'y');

/** A line that may branch, leave, end the goroutine or open a block: not straight-line code. */
const NOT_STRAIGHT = /[{}]|\/\*|\b(?:return|if|else|for|switch|select|case|default|go|goto|break|continue|fallthrough|func|defer|panic|Goexit|Exit|Fatal\w*|Panic\w*)\b|^[ \t]*\w+[ \t]*:(?!=)/;

/**
 * CANCELED_NEXT with straight-line statements between (no block, branch, return, defer,
 * label or call that ends the program), none naming the cancel variable: every path from
 * the statement reaches the cancel (deferred or called) at the statement's indent, in the
 * same block.
 *
 *	ctx, cancel := context.WithTimeout(ctx, d)
 *	resp, err := c.Get(ctx, key)
 *	cancel()
 */
function canceledAfterStraightLines(facts: FileFacts, line: number, at: number): boolean {
  const { text, syntax } = facts;
  CANCEL_STMT.lastIndex = line;
  const m = CANCEL_STMT.exec(text);
  if (!m || line + m[1]!.length !== at || m[3] === '_' || !endsStatement(text, line)) return false;
  const [, , indent, name] = m;
  const cancel = new RegExp(`^${indent}(?:defer[ \\t]+)?${name}\\(\\)[ \\t]*\\r?$`);
  const mentions = new RegExp(`\\b${name}\\b`);
  let start = line + m[0].length;
  for (let n = 0; n < 12 && start < text.length; n++) {
    const end = text.indexOf('\n', start);
    const l = text.slice(start, end < 0 ? text.length : end);
    if (cancel.test(l)) return !syntax.inLiteral(start + indent!.length);
    if (l.trim() !== '' && (!l.startsWith(indent!) || NOT_STRAIGHT.test(l) || mentions.test(l))) return false;
    if (end < 0) return false;
    start = end + 1;
  }
  return false;
}

/**
 * False when the text shows the constructor named at `at` is not the context package's (a
 * method, `x.WithCancel`, or another package's function): only those are looked at.
 */
function mayBeContext(facts: FileFacts, at: number): boolean {
  const sel = facts.selectorAt(at);
  return sel === undefined || (sel.path !== undefined && CONTEXT_PATHS.includes(sel.path));
}

/**
 * True when losing the cancel function cannot leak anything: a WithCancel whose parent is
 * context.Background() or TODO() (directly or through WithValue) registers nowhere and has
 * no timer, and a timeout that is already negative is canceled at once.
 */
function harmless(facts: FileFacts, name: string, parent: Node, duration: Node | undefined): boolean {
  if (duration && name.startsWith('WithTimeout') && /^-/.test(duration.text)) return true;
  if (!WITH_CANCEL.includes(name)) return false;
  let p: Node | undefined = unparen(parent);
  while (p?.type === 'call_expression' && CONTEXT_PATHS.some((c) => facts.isCallTo(p!, c, 'WithValue'))) p = callArgs(p)[0] && unparen(callArgs(p)[0]!);
  return p?.type === 'call_expression' && CONTEXT_PATHS.some((c) => facts.isCallTo(p!, c, ['Background', 'TODO']));
}

/** The variable the derived context is bound to (`ctx` in `ctx, cancel := …`), if named. */
function contextName(call: Node): string | undefined {
  const stmt = unparenUp(call).parent?.parent;
  const first = stmt?.type === 'var_spec' ? stmt.childrenForFieldName('name')[0] : stmt?.childForFieldName('left')?.namedChild(0);
  return first?.type === 'identifier' && first.text !== '_' ? first.text : undefined;
}

/** True when `n` is `context.<name>` (one of `names`), through an import of context. */
function isContextValue(facts: FileFacts, n: Node, names: readonly string[]): boolean {
  const q = facts.qualified(unparen(n));
  return !!q && CONTEXT_PATHS.includes(q.path) && names.includes(q.name);
}

/** True when `n` is `<ctx>.Err()`, `isCtx` telling whether its operand is the derived context. */
function isErrOf(n: Node, isCtx: (operand: Node) => boolean): boolean {
  const c = unparen(n);
  const f = c.type === 'call_expression' ? c.childForFieldName('function') : null;
  const operand = f?.type === 'selector_expression' && f.childForFieldName('field')?.text === 'Err' ? f.childForFieldName('operand') : null;
  return !!operand && callArgs(c).length === 0 && isCtx(unparen(operand));
}

/**
 * Where a branch condition shows the derived context is done (so nothing of it is left to
 * release): the condition, holding as `holds` says, implies that
 *  - `ctx.Err()` is not nil (`ctx.Err() != nil`, `ctx.Err() == context.DeadlineExceeded`,
 *    `errors.Is(ctx.Err(), …)`): done for any reason, whatever the constructor, since a
 *    context done without its own cancel was canceled by its parent, which releases it;
 *  - or, for WithTimeout/WithDeadline only, an error that `deadlineErr` traces to a call
 *    given ctx is context.DeadlineExceeded (`err == …`, `errors.Is(err, …)`): the deadline
 *    passed, the timer fired and canceled ctx.
 * context.Canceled from a call is not taken: callees return it for contexts of their own too,
 * and a WithCancel child has no timer that bounds the leak if so.
 */
function impliesDone(facts: FileFacts, cond: Node, holds: boolean, isCtx: (operand: Node) => boolean, deadlineErr: ((e: Node) => boolean) | undefined): boolean {
  const c = unparen(cond);
  if (c.type === 'unary_expression' && c.childForFieldName('operator')?.text === '!') {
    const x = c.childForFieldName('operand');
    return !!x && impliesDone(facts, x, !holds, isCtx, deadlineErr);
  }
  if (c.type === 'binary_expression') {
    const op = c.childForFieldName('operator')?.text;
    const l = c.childForFieldName('left');
    const r = c.childForFieldName('right');
    if (!l || !r) return false;
    // a && b holding, or a || b failing, implies each side (as holding, or failing).
    if ((op === '&&' && holds) || (op === '||' && !holds)) return [l, r].some((x) => impliesDone(facts, x, holds, isCtx, deadlineErr));
    if (op !== '==' && op !== '!=') return false;
    const equal = (op === '==') === holds;
    for (const [a, b] of [
      [l, r],
      [r, l],
    ] as const) {
      if (!equal && unparen(b).type === 'nil' && isErrOf(a, isCtx)) return true;
      if (equal && isErrOf(a, isCtx) && isContextValue(facts, b, ['Canceled', 'DeadlineExceeded'])) return true;
      if (equal && deadlineErr && isContextValue(facts, b, ['DeadlineExceeded']) && deadlineErr(a)) return true;
    }
    return false;
  }
  if (holds && c.type === 'call_expression' && facts.isCallTo(c, 'errors', 'Is')) {
    const [a, b] = callArgs(c);
    if (!a || !b) return false;
    if (isErrOf(a, isCtx)) return isContextValue(facts, b, ['Canceled', 'DeadlineExceeded']);
    return !!deadlineErr && isContextValue(facts, b, ['DeadlineExceeded']) && deadlineErr(a);
  }
  return false;
}

/** True when `id` is set by its statement: assigned, declared (`var`), a range or receive variable. */
function written(id: Node): boolean {
  if (assignedTo(id)) return true;
  const p = id.parent;
  if (p?.type === 'var_spec') return p.childrenForFieldName('name').some((n) => n?.id === id.id);
  const st = p?.type === 'expression_list' ? p.parent : undefined;
  return (st?.type === 'range_clause' || st?.type === 'receive_statement') && st.childForFieldName('left')?.id === p!.id;
}

/**
 * True when the error variable `e` (an identifier read at `e`) was last set, on every path to
 * it, by a call given the derived context `ctxName` after `derived` (the statement of the
 * constructor) bound it: the one assignment to it before `e` in a statement list or if/switch
 * header that encloses `e`, with no other assignment to it (or to ctx) between, nor in a loop
 * that repeats `e` without it.
 *
 *	ctx, cancel := context.WithTimeout(parent, d)
 *	if _, err := fetch(ctx); err == nil { … } else if err == context.DeadlineExceeded { … }
 */
function setByCallGiven(facts: FileFacts, fn: Node, e: Node, ctxName: string, derived: Node): boolean {
  if (e.type !== 'identifier') return false;
  const writes = facts.uses(fn, e.text).filter(written);
  const before = writes.filter((w) => w.endIndex <= e.startIndex);
  const def = before[before.length - 1];
  const stmt = def?.parent?.parent;
  if (!def || (stmt?.type !== 'short_var_declaration' && stmt?.type !== 'assignment_statement') || def.startIndex < derived.endIndex || enclosingFunction(def)?.id !== fn.id) return false;
  // The statement runs before `e` on every path: its list or header holds `e`.
  if (!stmt.parent || !within(e, stmt.parent) || within(e, stmt)) return false;
  // A loop around `e` but not the statement: another assignment in it reaches `e` around the loop.
  for (let p = e.parent; p && p.id !== stmt.parent.id; p = p.parent) {
    if (p.type === 'for_statement' && writes.some((w) => w.id !== def.id && within(w, p!))) return false;
  }
  // ctx is the derived context there: not assigned again in between.
  if (facts.uses(fn, ctxName).some((u) => assignedTo(u) && u.startIndex > derived.endIndex && u.startIndex < stmt.startIndex)) return false;
  const right = stmt.childForFieldName('right');
  const call = right?.namedChildCount === 1 ? unparen(right.namedChild(0)!) : undefined;
  if (call?.type !== 'call_expression') return false;
  return callArgs(call).some((a) => (a.type === 'identifier' ? a.text === ctxName : a.descendantsOfType('identifier').some((id) => id?.text === ctxName)));
}

export default defineRule<MessageIds>({
  meta: {
    id: 'lost-cancel',
    title: 'Cancel function of a derived context is lost on some path',
    severity: 'warning',
    precision: 'high',
    tags: ['goroutine', 'memory', 'context'],
    docs: {
      whatItDoes:
        'Finds context.WithCancel, WithTimeout, WithDeadline and their Cause variants whose cancel function is discarded, never used, or not used on some path to a return (the same semantics as go vet\'s lostcancel: a use anywhere on the path, including defer cancel(), a closure that calls it, or handing it to someone else, covers it). The finding points at the return that can be reached without it. A return inside a branch entered only once the derived context is done is left alone: under `ctx.Err() != nil` (or `ctx.Err() == context.DeadlineExceeded`/`Canceled`), or, for WithTimeout and WithDeadline, under `err == context.DeadlineExceeded` or `errors.Is(err, context.DeadlineExceeded)` where err was last set by a call given ctx: the timer has fired (or the parent canceled it), so there is nothing left to release. A context.Canceled error from a call is not taken as proof, nor a deadline error for WithCancel (the callee may have timed out on a context of its own).',
      whyIsThisBad:
        'Until cancel is called, the child context stays in its parent\'s list of children and its timer (for WithTimeout and WithDeadline) stays armed: with a long-lived parent, every call leaks a little memory and a timer, and goroutines waiting on ctx.Done() are not released. The background context is never canceled, so nothing else will ever free them.',
      example: [
        'package fetch',
        '',
        'import (',
        '\t"context"',
        '\t"time"',
        ')',
        '',
        'func lookup(ctx context.Context, key string, get func(context.Context, string) (string, error)) (string, error) {',
        '\tctx, cancel := context.WithTimeout(ctx, time.Second)',
        '\tif key == "" {',
        '\t\treturn "", nil',
        '\t}',
        '\tdefer cancel()',
        '\treturn get(ctx, key)',
        '}',
        '',
      ].join('\n'),
      useInstead: [
        'package fetch',
        '',
        'import (',
        '\t"context"',
        '\t"time"',
        ')',
        '',
        'func lookup(ctx context.Context, key string, get func(context.Context, string) (string, error)) (string, error) {',
        '\tctx, cancel := context.WithTimeout(ctx, time.Second)',
        '\tdefer cancel()',
        '\tif key == "" {',
        '\t\treturn "", nil',
        '\t}',
        '\treturn get(ctx, key)',
        '}',
        '',
      ].join('\n'),
    },
    messages: {
      discarded: 'the cancel function returned by {{call}} is discarded, so the context {{lives}}; assign it and defer cancel()',
      unused: '{{name}} from {{call}} is never called, so the context {{lives}}; add defer {{name}}() after this line',
      somePath:
        '{{name}} from {{call}} is not called on every path (the {{exit}} on line {{exitLine}} is reached without it), so the context {{lives}}; add defer {{name}}() right after this line',
    },
    triggers: ['WithCancel', 'WithTimeout', 'WithDeadline'],
    defaultOptions: {},
  },
  create(ctx): Handlers {
    const { facts, text } = ctx;

    const onCall = (call: Node, name: string, alias: string) => {
      const callText = `${alias}.${name}`;
      const [parent, duration] = callArgs(call);
      if (!parent || harmless(facts, name, parent, duration)) return;
      const b = bindingOf(call, 1);
      if (b.kind === 'discarded') {
        // `ctx, _ := …` reports at the blank; a bare call statement at the call.
        const blank = b.stmt.type === 'expression_statement' ? call : blankAt(b.stmt) ?? call;
        ctx.report({ node: blank, messageId: 'discarded', data: { call: callText, lives: lives(name) } });
        return;
      }
      if (b.kind !== 'bound') return;
      const v = b.ident.text;
      const fn = enclosingFunction(call);
      if (!fn || isProgramMain(facts, fn)) return;
      // A package variable, or one of an enclosing function: its other uses are out of sight.
      const where = facts.resolveName(v, b.ident);
      if (typeof where !== 'object' || where.id !== fn.id || isNamedResult(fn, v)) return;
      const data = { call: callText, name: v, lives: lives(name), line: b.ident.startPosition.row + 1 };
      const used = facts.uses(fn, v).some((u) => u.id !== b.ident.id && !assignedTo(u));
      if (!used) {
        ctx.report({ node: b.ident, messageId: 'unused', data });
        return;
      }
      if (deferredClosureCalls(fn, v, b.stmt)) return;
      // `case <-parent.Done(): return`: the parent's cancel already canceled the child.
      const parentDone = parent.type === 'identifier' ? `<-${parent.text}.Done()` : undefined;
      // A branch entered only once ctx is done: its deadline passed, or its Err() is set.
      const ctxName = contextName(call);
      const deadlineErr = WITH_TIMER.includes(name) && ctxName ? (e: Node) => setByCallGiven(facts, fn, unparen(e), ctxName, b.stmt) : undefined;
      // ctx there is the derived context: fn's name, never bound again after the derivation
      // (`ctx := other` in a block would shadow it; one later in a loop reaches back).
      const rebound = ctxName !== undefined && facts.uses(fn, ctxName).some((u) => written(u) && u.startIndex > b.stmt.endIndex);
      const isDerived = (id: Node) => id.type === 'identifier' && id.text === ctxName && !rebound && sameScope(facts.resolveName(id.text, id), fn);
      const exit = exitAvoiding(
        facts,
        fn,
        b.stmt,
        (n) => reads(n, v) || (parentDone !== undefined && n.text.replace(/\s+/g, '') === parentDone),
        ctxName ? (cond, holds) => impliesDone(facts, cond, holds, isDerived, deadlineErr) : undefined,
      );
      if (!exit) return;
      const isReturn = exit.type === 'return_statement';
      ctx.report({
        node: b.ident,
        messageId: 'somePath',
        data: { ...data, exit: isReturn ? 'return' : 'end of the function', exitLine: exit.startPosition.row + 1 },
        related: [
          {
            node: exit,
            message: isReturn
              ? `this return may be reached without calling ${v} defined on line ${data.line}`
              : `the function may end here without calling ${v} defined on line ${data.line}`,
          },
        ],
      });
    };

    return {
      source_file(root) {
        for (const w of wordNodes(root, text, CONSTRUCTORS, 0, text.length, (at) => mayBeContext(facts, at) && !silentByText(facts, at))) {
          const call = callOfName(w);
          if (!call) continue;
          const q = facts.qualified(call.childForFieldName('function'));
          if (q && CONTEXT_PATHS.includes(q.path) && CONSTRUCTORS.includes(q.name)) onCall(call, q.name, q.alias);
        }
      },
    };
  },
});

/** The blank identifier that receives the cancel function in `ctx, _ := …`. */
function blankAt(stmt: Node): Node | undefined {
  const spec = stmt.type === 'var_declaration' ? stmt.descendantsOfType('var_spec')[0] : stmt;
  const left = spec?.type === 'var_spec' ? spec.childrenForFieldName('name') : spec?.childForFieldName('left')?.namedChildren ?? [];
  const l = left.filter((n): n is Node => n !== null);
  const last = l[1] ?? l[l.length - 1];
  return last && last.text === '_' ? last : undefined;
}

// time-after-in-loop: `time.After` as a select case inside a loop, before Go 1.23.
//
//   for {
//       select {
//       case m := <-msgs:               // taken most of the time…
//       case <-time.After(time.Minute): // …so each round leaves a timer behind (flagged)
//       }
//   }
//
//   timer := time.NewTimer(d); defer timer.Stop()   // one timer, Reset each round
//   select { case <-time.After(d): … }               // a lone case is a sleep: it fires
//   case <-stop: return / case <-time.After(d): poll()  // every other case leaves the loop:
//                                                    //   each round's timer fires first
//   go func() { select { … <-time.After(d) … } }()   // a func literal is its own function
//
// The engine runs the rule only on modules whose go.mod says go < 1.23 (or that keep the
// old timers with godebug asynctimerchan=1): since 1.23 an unreferenced timer is collected.
import type { Node } from 'web-tree-sitter';
import { defineRule, type Handlers } from '../src/engine/types.js';
import { blockStatements, type FileFacts, isFunction, unparen, unparenUp } from '../src/go/facts.js';
import { forBefore, forBlockOpen } from '../src/go/loops.js';
import { terminates } from '../src/go/terminators.js';
import { callArgs, callOfName, wordNodes } from '../src/go/words.js';

interface Options {
  /** Report only durations written as constants of at least this many seconds (0: every time.After). */
  minSeconds: number;
  /** Also check _test.go files (a test's timers, files and archives live as long as the test). */
  tests: boolean;
}

type MessageIds = 'afterInLoop';

const UNITS: Record<string, number> = { Nanosecond: 1e-9, Microsecond: 1e-6, Millisecond: 1e-3, Second: 1, Minute: 60, Hour: 3600 };

/**
 * The value in seconds of a duration written with literals and time's units
 * (`5 * time.Minute`, `time.Duration(90) * time.Second`), or undefined when it is computed.
 */
function seconds(facts: FileFacts, e0: Node): number | undefined {
  const e = unparen(e0);
  switch (e.type) {
    case 'int_literal':
    case 'float_literal':
      return Number(e.text.replace(/_/g, '')) * 1e-9;
    case 'selector_expression': {
      const q = facts.qualified(e);
      return q?.path === 'time' ? UNITS[q.name] : undefined;
    }
    case 'call_expression': {
      const arg = callArgs(e)[0];
      return facts.isCallTo(e, 'time', 'Duration') && arg ? seconds(facts, arg) : undefined;
    }
    case 'binary_expression': {
      const l = e.childForFieldName('left');
      const r = e.childForFieldName('right');
      const a = l ? seconds(facts, l) : undefined;
      const b = r ? seconds(facts, r) : undefined;
      if (a === undefined || b === undefined) return undefined;
      // Plain numbers count in nanoseconds (a Duration's unit); a product of two of them
      // is a count times a unit.
      switch (e.childForFieldName('operator')?.type) {
        case '*':
          return a * b * 1e9;
        case '+':
          return a + b;
        case '-':
          return a - b;
        case '/':
          return b === 0 ? undefined : (a / b) * 1e-9;
        default:
          return undefined;
      }
    }
    default:
      return undefined;
  }
}

/** The select case whose channel operand is `call` (`case <-time.After(d):`, `case v := <-…`). */
function caseOf(call: Node): Node | null {
  const recv = unparenUp(call).parent;
  if (recv?.type !== 'unary_expression' || recv.child(0)?.type !== '<-') return null;
  let p = unparenUp(recv).parent;
  if (p?.type === 'expression_list') p = p.parent;
  if (p?.type === 'receive_statement') p = p.parent;
  return p?.type === 'communication_case' ? p : null;
}

/**
 * False when the text shows the `After` at `at` is not received from as time.After (caseOf
 * takes `<-time.After(d)` alone): a method or another package's function (`x.After`,
 * `clock.After`), or a time.After not right after `<-` (parentheses and spaces aside),
 * before its declaration is parsed.
 */
function mayBeReceivedAfter(facts: FileFacts, at: number): boolean {
  const sel = facts.selectorAt(at);
  if (sel !== undefined && sel.path !== 'time') return false;
  const { text } = facts;
  let i = at - 2;
  if (text[i + 1] !== '.') return true;
  while (i >= 0 && /\w/.test(text[i]!)) i--;
  while (i >= 0 && /[\s(]/.test(text[i]!)) i--;
  return text[i] === '/' || (text[i] === '-' && text[i - 1] === '<');
}

/** A loop can be around `at`: a `for` written before it in its declaration, whose block is still open (loops.ts). */
function inLoopByText(facts: FileFacts, at: number): boolean {
  return facts.declHasWord(at, 'for') && forBefore(facts, at) && forBlockOpen(facts, at);
}

/** The innermost loop around `n` in its own function, or null. */
function loopAround(n: Node): Node | null {
  for (let p = n.parent; p; p = p.parent) {
    if (isFunction(p)) return null;
    if (p.type === 'for_statement') return p;
  }
  return null;
}

/** True when a select case always leaves `loop`: it ends in a return, a panic, a goto or a labeled break out. */
function leavesLoop(facts: FileFacts, kase: Node, loop: Node): boolean {
  const stmts = blockStatements(kase.namedChildren.find((c) => c?.type === 'statement_list') ?? null).filter((s) => s.type !== 'comment');
  const last = stmts[stmts.length - 1];
  if (!last) return false;
  if (last.type === 'break_statement') {
    const label = last.namedChild(0)?.text;
    if (!label) return false; // breaks the select only
    for (let p = loop.parent; p; p = p.parent) {
      if (p.type === 'labeled_statement' && p.namedChild(0)?.text === label) return true;
      if (isFunction(p)) break;
    }
    return false;
  }
  return terminates(facts, last);
}

export default defineRule<MessageIds, Options>({
  meta: {
    id: 'time-after-in-loop',
    title: 'Select in a loop starts a new time After timer every round',
    severity: 'warning',
    precision: 'high',
    tags: ['memory', 'time'],
    docs: {
      whatItDoes:
        'Finds time.After used as a case of a select statement inside a for loop, in modules whose go.mod says go older than 1.23, when another case of the select can go round the loop again while the timer is pending. A select whose only case is time.After is a sleep, and a polling loop whose other cases all leave the loop (case <-stop: return) lets every timer fire: both are left alone. What piles up is the rate of the loop times the duration of the timer, so by default only durations written as constants of a minute or more are reported; the option minSeconds changes the bar (0 reports every duration, computed ones included).',
      whyIsThisBad:
        'Every call of time.After starts a new timer. Before Go 1.23 a timer is not garbage-collected until it fires, so when another case wins, each round of the loop leaves a timer (and its channel) in memory for the whole duration: a busy loop with a minute-long timeout holds a minute of timers. Go 1.23 collects unreferenced timers, but only for modules whose go.mod says go 1.23 or later.',
      example: [
        'package consume',
        '',
        'import "time"',
        '',
        'func consume(msgs <-chan string, handle func(string)) {',
        '\tfor {',
        '\t\tselect {',
        '\t\tcase m := <-msgs:',
        '\t\t\thandle(m)',
        '\t\tcase <-time.After(time.Minute):',
        '\t\t\treturn',
        '\t\t}',
        '\t}',
        '}',
        '',
      ].join('\n'),
      useInstead: [
        'package consume',
        '',
        'import "time"',
        '',
        'func consume(msgs <-chan string, handle func(string)) {',
        '\tidle := time.NewTimer(time.Minute)',
        '\tdefer idle.Stop()',
        '\tfor {',
        '\t\tselect {',
        '\t\tcase m := <-msgs:',
        '\t\t\thandle(m)',
        '\t\t\tif !idle.Stop() {',
        '\t\t\t\t<-idle.C',
        '\t\t\t}',
        '\t\t\tidle.Reset(time.Minute)',
        '\t\tcase <-idle.C:',
        '\t\t\treturn',
        '\t\t}',
        '\t}',
        '}',
        '',
      ].join('\n'),
      goVersion: '1.22',
    },
    messages: {
      afterInLoop:
        '{{call}} in a select inside a loop starts a new timer every round, and before Go 1.23 ({{version}}) each one stays in memory until it fires when another case wins; create one time.NewTimer before the loop and Reset it each round',
    },
    triggers: ['After('],
    defaultOptions: { minSeconds: 60, tests: false },
    goVersions: { before: '1.23', godebug: 'asynctimerchan=1' },
  },
  create(ctx): Handlers {
    const { facts, text } = ctx;
    if (!ctx.options.tests && ctx.filePath.endsWith('_test.go')) return {};
    const version = ctx.go.go === undefined ? 'no go.mod' : `this module's go.mod says go ${ctx.go.go}`;
    return {
      source_file(root) {
        for (const w of wordNodes(root, text, ['After'], 0, text.length, (at) => mayBeReceivedAfter(facts, at) && inLoopByText(facts, at))) {
          const call = callOfName(w);
          if (!call || !facts.isCallTo(call, 'time', 'After')) continue;
          const kase = caseOf(call);
          const sel = kase?.parent;
          if (!kase || sel?.type !== 'select_statement') continue;
          // A lone case (no default) waits for the timer: it always fires.
          const cases = sel.namedChildren.filter((c): c is Node => c !== null && /_case$/.test(c.type));
          const loop = loopAround(sel);
          if (cases.length < 2 || !loop) continue;
          // Timers pile up only when another case can go round the loop again while this
          // timer is pending; if every other case leaves the loop, each round's timer fires.
          if (cases.every((c) => c.id === kase.id || leavesLoop(facts, c, loop))) continue;
          // How much piles up is the rate times the duration: short or computed durations
          // are left to the option minSeconds.
          const arg = callArgs(call)[0];
          const secs = arg ? seconds(facts, arg) : undefined;
          if (ctx.options.minSeconds > 0 && (secs === undefined || secs < ctx.options.minSeconds)) continue;
          const q = facts.qualified(call.childForFieldName('function'))!;
          ctx.report({ node: call, messageId: 'afterInLoop', data: { call: `${q.alias}.After`, version } });
        }
      },
    };
  },
});

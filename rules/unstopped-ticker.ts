// unstopped-ticker: tickers and timers that are never stopped, and time.Tick in a function
// that returns, where the module's Go version makes that a leak.
//
//   t := time.NewTicker(d)          // flagged before Go 1.23: it fires forever and is never
//   for range t.C { … return }      //   collected; since 1.23 an unreferenced one is
//   tick := time.Tick(d)            // flagged before Go 1.23 (staticcheck SA1015): its
//                                   //   ticker can never be stopped
//
//   t := time.NewTicker(d); defer t.Stop()       // stopped
//   return t / s.t = t / go run(t)               // someone else's to stop
//   for { select { case <-t.C: … } }             // a function that never returns owns it forever
//   for range t.C { … } with no way out          //   (and `for ; true; <-t.C` ending in os.Exit)
//   return time.Tick(d)                          // a clock wrapper: the caller chose time.Tick
//   a ticker in a function that only main, init or a package-level var initializer run,
//                                   //   once (called or started with go there, or a command
//                                   //   table's entry; outside package main, unexported ones)
//   time.Tick in main, init or package main (staticcheck's exceptions); _test.go files
//   only with the option tests (a test's ticker lives as long as the test binary)
//
// The Go version comes from the go.mod that governs the file (ctx.go). With no go.mod the
// newest Go is assumed and only the opt-in `tickOnNewGo` shape can fire.
import type { Node } from 'web-tree-sitter';
import { defineRule, type Handlers } from '../src/engine/types.js';
import { enclosingFunction, type FileFacts, unparenUp } from '../src/go/facts.js';
import { exitAvoiding, mayReturn } from '../src/go/flow.js';
import { onlyRunOnce } from '../src/go/funcs.js';
import { oldTimers } from '../src/go/gomod.js';
import { bindingOf, borrowCheck, insertAfterErrorCheck, isNamedResult, settle } from '../src/go/obligations.js';
import { callOfName, wordNodes } from '../src/go/words.js';

type MessageIds = 'ticker' | 'timer' | 'discarded' | 'tick' | 'tickNewGo';
interface Options {
  /** Also report time.NewTimer values never stopped (kept only until they fire). */
  timers: boolean;
  /** Also check _test.go files (a test's timers, files and archives live as long as the test). */
  tests: boolean;
  /** Also report time.Tick in returning functions on Go 1.23 and later (style, not a leak). */
  tickOnNewGo: boolean;
}

const STOP = new Set(['Stop']);

function packageName(facts: FileFacts): string | undefined {
  return facts.packageName();
}

/** `func main()` or `func init()`: they run once, for the life of the process. */
function runsOnce(fn: Node): boolean {
  const name = fn.type === 'function_declaration' ? fn.childForFieldName('name')?.text : undefined;
  return name === 'main' || name === 'init';
}

/** `<-t.C` as a plain receive (not a select case): the timer has fired when it returns. */
function drained(facts: FileFacts, owner: Node, name: string): boolean {
  return facts.uses(owner, name).some((u) => {
    const sel = unparenUp(u).parent;
    if (sel?.type !== 'selector_expression' || sel.childForFieldName('field')?.text !== 'C') return false;
    const recv = unparenUp(sel).parent;
    if (recv?.type !== 'unary_expression' || recv.child(0)?.type !== '<-') return false;
    let p = unparenUp(recv).parent;
    if (p?.type === 'expression_list') p = p.parent;
    return p?.type === 'expression_statement' || ((p?.type === 'short_var_declaration' || p?.type === 'assignment_statement') && p.parent?.type !== 'communication_case');
  });
}

/** The outermost for loop around `n` within `owner`, or null. */
function outermostLoop(n: Node, owner: Node): Node | null {
  let loop: Node | null = null;
  for (let p = n.parent; p && p.id !== owner.id; p = p.parent) if (p.type === 'for_statement') loop = p;
  return loop;
}

/**
 * `for range time.Tick(d) { … }` (or `for range t.C`) with no way out of the loop: the
 * channel is never closed, so the function never gets past it.
 */
function endlessRange(channel: Node, fn: Node): boolean {
  const clause = unparenUp(channel).parent;
  const loop = clause?.type === 'range_clause' ? clause.parent : null;
  const body = loop?.type === 'for_statement' ? loop.childForFieldName('body') : null;
  if (!body) return false;
  return !body.descendantsOfType(['return_statement', 'break_statement', 'goto_statement']).some((s) => {
    if (!s || enclosingFunction(s)?.id !== fn.id) return false;
    if (s.type !== 'break_statement' || s.namedChildCount > 0) return true;
    // An unlabeled break leaves the innermost for, switch or select around it.
    for (let p = s.parent; p && p.id !== loop!.id; p = p.parent) {
      if (/^(for|expression_switch|type_switch|select)_statement$/.test(p.type)) return false;
    }
    return true;
  });
}

/**
 * The range clause of a `for range v.C { … }` in `owner` with no way out: a ticker's channel
 * is never closed (Stop does not close it), so the loop runs as long as the function.
 */
function endlessTickerRange(facts: FileFacts, owner: Node, name: string): Node | null {
  for (const u of facts.uses(owner, name)) {
    const sel = unparenUp(u).parent;
    if (sel?.type !== 'selector_expression' || sel.childForFieldName('field')?.text !== 'C') continue;
    if (enclosingFunction(sel)?.id === owner.id && endlessRange(sel, owner)) return unparenUp(sel).parent;
  }
  return null;
}

export default defineRule<MessageIds, Options>({
  meta: {
    id: 'unstopped-ticker',
    title: 'Ticker or timer is never stopped, on Go versions that keep it',
    severity: 'warning',
    precision: 'high',
    tags: ['memory', 'goroutine', 'time'],
    docs: {
      whatItDoes:
        'Finds time.NewTicker values that the function which made them never stops and does not hand to anyone else (a function that never returns, such as a goroutine whose for range t.C nothing leaves, keeps its ticker for as long as it runs and is left alone, as are main, init and the functions that only they or a package-level var initializer run, once: called or started with go there, or a command table\'s entry; outside package main only unexported ones), and time.Tick in functions that return, in modules whose go.mod says go older than 1.23 (or that keep the old timers with godebug asynctimerchan=1). Functions that never return, main and init, package main and tests are left alone for time.Tick, as staticcheck does (SA1015). A time.NewTimer that is never stopped is only kept until it fires, a bounded delay that is rarely worth a change: the option timers reports those too.',
      whyIsThisBad:
        'Before Go 1.23 the runtime keeps every started timer until it fires, and a ticker until it is stopped: a ticker that is not stopped keeps firing for the life of the process and its memory is never reclaimed, and time.Tick gives no way to stop it at all. In a function called per request or per connection this grows without bound. Go 1.23 collects unreferenced timers, but only for modules whose go.mod says go 1.23 or later.',
      example: [
        'package poll',
        '',
        'import "time"',
        '',
        'func waitReady(ready func() bool) {',
        '\tt := time.NewTicker(100 * time.Millisecond)',
        '\tfor range t.C {',
        '\t\tif ready() {',
        '\t\t\treturn',
        '\t\t}',
        '\t}',
        '}',
        '',
      ].join('\n'),
      useInstead: [
        'package poll',
        '',
        'import "time"',
        '',
        'func waitReady(ready func() bool) {',
        '\tt := time.NewTicker(100 * time.Millisecond)',
        '\tdefer t.Stop()',
        '\tfor range t.C {',
        '\t\tif ready() {',
        '\t\t\treturn',
        '\t\t}',
        '\t}',
        '}',
        '',
      ].join('\n'),
      goVersion: '1.22',
    },
    messages: {
      ticker:
        'ticker {{name}} from {{call}} is never stopped: {{why}} it keeps firing and is never garbage-collected; add defer {{name}}.Stop()',
      timer: 'timer {{name}} from {{call}} is never stopped: {{why}} it stays in the runtime until it fires; add defer {{name}}.Stop()',
      discarded: 'the {{what}} from {{call}} is discarded, so nothing can stop it: {{why}} it is never garbage-collected; keep it and defer Stop()',
      tick: '{{call}} in a function that returns leaks its ticker: {{why}} it keeps firing and nothing can stop it; use time.NewTicker and defer Stop()',
      tickNewGo: '{{call}} in a function that returns starts a ticker nothing can stop (collected only once unreferenced, since Go 1.23); use time.NewTicker and defer Stop()',
    },
    triggers: ['NewTicker', 'NewTimer', 'Tick('],
    fixable: true,
    defaultOptions: { timers: false, tickOnNewGo: false, tests: false },
  },
  create(ctx): Handlers {
    const { facts, text } = ctx;
    if (!ctx.options.tests && ctx.filePath.endsWith('_test.go')) return {};
    const old = oldTimers(ctx.go);
    if (!old && !ctx.options.tickOnNewGo) return {};
    const why = ctx.go.go === undefined ? 'before Go 1.23' : `before Go 1.23 (this module's go.mod says go ${ctx.go.go})`;
    let borrows: ReturnType<typeof borrowCheck> | undefined;

    const onNew = (call: Node, name: string, alias: string) => {
      const callText = `${alias}.${name}`;
      const what = name === 'NewTicker' ? 'ticker' : 'timer';
      if (what === 'timer' && !ctx.options.timers) return;
      const b = bindingOf(call, 0);
      if (b.kind === 'discarded') {
        // A timer nobody keeps still fires once; only a ticker is lost for good.
        if (what === 'ticker') ctx.report({ node: call, messageId: 'discarded', data: { what, call: callText, why } });
        return;
      }
      if (b.kind !== 'bound') return;
      const v = b.ident.text;
      const owner = enclosingFunction(call);
      if (!owner) return;
      const where = facts.resolveName(v, b.ident);
      if (typeof where !== 'object' || where.id !== owner.id || isNamedResult(owner, v)) return;
      // A function that never returns holds its ticker for as long as it runs.
      if (runsOnce(owner) || !mayReturn(facts, owner)) return;
      borrows ??= borrowCheck(facts, STOP);
      // In a loop, a Stop written above the assignment stops it in a later round
      // (`if t != nil { t.Stop() }; t = time.NewTicker(d)`).
      const from = outermostLoop(b.stmt, owner)?.startIndex ?? b.stmt.startIndex;
      const s = settle(facts, owner, v, { methods: STOP, own: b.stmt, from, closuresAnywhere: true, borrows });
      if (s.kind !== 'open') return;
      if (what === 'timer' && drained(facts, owner, v)) return;
      // `for range t.C { … }` that nothing leaves holds the ticker for as long as the
      // function runs, as a function that never returns does; a return before it still leaks.
      const endless = what === 'ticker' ? endlessTickerRange(facts, owner, v) : null;
      if (endless && !exitAvoiding(facts, owner, b.stmt, (n) => n.id === endless.id)) return;
      // Nor does a function that only main, init or a var initializer run, once (a command's
      // body, a goroutine main starts): one ticker for the life of the process. Asked last: it
      // reads the package, which a stopped ticker never needs.
      if (onlyRunOnce(ctx.pkg, facts, owner)) return;
      const fix = b.declares ? insertAfterErrorCheck(text, b.stmt, b.errName, `defer ${v}.Stop()`) : undefined;
      ctx.report({
        node: b.ident,
        messageId: what,
        data: { name: v, call: callText, why },
        suggestions: fix ? [{ desc: `stop ${v} when the function returns`, edits: [fix] }] : undefined,
      });
    };

    const onTick = (call: Node, alias: string) => {
      if (packageName(facts) === 'main') return;
      // `func (realClock) Tick(d) <-chan time.Time { return time.Tick(d) }`: a clock
      // abstraction hands the channel to its caller, whose choice time.Tick was.
      let up = unparenUp(call).parent;
      if (up?.type === 'expression_list') up = up.parent;
      if (up?.type === 'return_statement') return;
      const fn = enclosingFunction(call);
      if (!fn || runsOnce(fn) || !mayReturn(facts, fn) || endlessRange(call, fn)) return;
      ctx.report({ node: call, messageId: old ? 'tick' : 'tickNewGo', data: { call: `${alias}.Tick`, why } });
    };

    return {
      source_file(root) {
        // A name the text shows is no time function's (`x.Tick()`, `clock.NewTimer`) needs no
        // parse, nor one the calls below would leave alone: a timer without the option timers,
        // a ticker or timer on Go 1.23 and later, time.Tick in package main.
        const mayBeTime = (at: number, word: string) => {
          if (word === 'Tick' ? packageName(facts) === 'main' : !old || (word === 'NewTimer' && !ctx.options.timers)) return false;
          const sel = facts.selectorAt(at);
          return sel === undefined || sel.path === 'time';
        };
        for (const w of wordNodes(root, text, ['NewTicker', 'NewTimer', 'Tick'], 0, text.length, mayBeTime)) {
          const call = callOfName(w);
          const q = call && facts.qualified(call.childForFieldName('function'));
          if (!call || q?.path !== 'time') continue;
          if (q.name === 'Tick') onTick(call, q.alias);
          else if (old && (q.name === 'NewTicker' || q.name === 'NewTimer')) onNew(call, q.name, q.alias);
        }
      },
    };
  },
});

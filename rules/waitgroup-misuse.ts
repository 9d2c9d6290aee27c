// waitgroup-misuse: the ways a sync.WaitGroup stops counting what it was meant to count.
//
//	go func() {
//		wg.Add(1)              ← addInside: Wait may run before this Add and return early
//		defer wg.Done()
//	}()
//	go func() {
//		if err != nil {
//			return             ← skipsDone: this goroutine never calls Done; Wait blocks forever
//		}
//		wg.Done()
//	}()
//	for _, j := range jobs {
//		wg.Add(1)
//		go run(j, &wg)
//		wg.Wait()              ← waitInLoop: each goroutine is waited for before the next starts
//	}
//	func run(j Job, wg sync.WaitGroup)   ← byValue: Done on a copy never reaches the caller's Wait
//
// WaitGroups are recognized by their declared type (sync.WaitGroup, a field of that type).
// A Done that counts loop items (every Done in a loop), a Done handed to a callee or another
// goroutine, and a goroutine already counted by an Add before the go statement stay silent.
import type { Node } from 'web-tree-sitter';
import { defineRule } from '../src/engine/types.js';
import { type FileFacts, unparen } from '../src/go/facts.js';
import { walkFrom } from '../src/go/flow.js';
import { callsInFlow, conditional, flowFunction, literalRun, mayReach } from '../src/go/locks.js';
import type { PackageView } from '../src/go/package.js';
import { coreSummary } from '../src/go/summary.js';
import { startersOf } from '../src/go/fieldchans.js';
import { isWaitGroup, waitGroupCalls, waitGroupType, type WaitGroupCall } from '../src/go/waitgroups.js';
import { wordNodes } from '../src/go/words.js';

type MessageIds = 'addInside' | 'skipsDone' | 'waitInLoop' | 'byValueParam' | 'byValueArg';

/** The innermost loop of `fn`'s own body around `n`. */
function loopOf(n: Node, fn: Node): Node | null {
  for (let p = n.parent; p && p.id !== fn.id; p = p.parent) if (p.type === 'for_statement') return p;
  return null;
}

/** The go statement that starts a function literal, or null. */
function goStatementOf(lit: Node): Node | null {
  if (literalRun(lit) !== 'go') return null;
  let p = lit.parent;
  while (p && p.type !== 'go_statement') p = p.parent;
  return p;
}

/** A same-package call in `n` (of `fn`'s flow) that calls Done on the WaitGroup, by its summary. */
function calleeDone(view: PackageView, facts: FileFacts, n: Node, fn: Node, wg: WaitGroupCall): boolean {
  for (const call of callsInFlow(n, fn)) {
    if (!mayReach(call, wg)) continue;
    const key = view.calleeKey(call, facts);
    if (!key) continue;
    const s = view.summaryOf(coreSummary, key);
    const args = (call.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => a !== null && a.type !== 'comment');
    const f = call.childForFieldName('function');
    const recv = f?.type === 'selector_expression' ? f.childForFieldName('operand') : null;
    for (const e of s?.effects ?? []) {
      if (e.op !== '.Done' && e.op !== 'escape') continue;
      const [root, ...rest] = e.target.split('.');
      const base = root === 'recv' ? recv : root?.startsWith('$') ? args[Number(root.slice(1))] : null;
      let b = base ? unparen(base) : null;
      if (b?.type === 'unary_expression' && b.child(0)?.type === '&') b = b.childForFieldName('operand');
      if (b && [b.text.replace(/\s+/g, ''), ...rest].join('.') === wg.text) return true;
    }
  }
  return false;
}

/** The WaitGroup leaves the flow at `n`: passed to other code, or to a goroutine started there. */
function handedOff(n: Node, wg: WaitGroupCall): boolean {
  if (!n.text.includes(wg.text)) return false;
  for (const a of n.descendantsOfType('argument_list')) {
    for (const x of a?.namedChildren ?? []) {
      const t = x?.text.replace(/\s+/g, '').replace(/^&/, '');
      if (t === wg.text) return true;
    }
  }
  return n.type === 'go_statement';
}

interface Options {
  /** Report wg.Wait() inside the loop that starts the goroutines (on the triage corpus every one was a deliberate one-at-a-time run). */
  waitInLoop: boolean;
}

export default defineRule<MessageIds, Options>({
  meta: {
    id: 'waitgroup-misuse',
    title: 'WaitGroup that does not count the goroutines it waits for',
    severity: 'warning',
    precision: 'high',
    tags: ['goroutine', 'deadlock', 'waitgroup'],
    docs: {
      whatItDoes:
        'Finds `sync.WaitGroup` mistakes that make `Wait` return too early or never: `wg.Add` called inside the goroutine it counts (after the `go` statement, so `Wait` can run first), a goroutine (or a function that calls `wg.Done()` on a WaitGroup it is given) with a path that returns without `Done` and no `defer wg.Done()`, and a WaitGroup passed or received by value (Done on a copy never reaches the original). With the option `waitInLoop`, also `wg.Wait()` inside the loop that starts the goroutines (it waits for each one before starting the next); off by default, because on real code it was always a deliberate one-at-a-time run.',
      whyIsThisBad:
        'A goroutine that returns without `Done` leaves the counter above zero: `Wait` blocks forever, and so does the goroutine calling it, with everything it holds. An `Add` inside the goroutine races with `Wait`, which may see zero and return while work is still running. A copied WaitGroup counts separately from the original, so the original waits forever or not at all.',
      example: `package fetch

import "sync"

func fetchAll(urls []string, get func(string) error) {
	var wg sync.WaitGroup
	for _, u := range urls {
		wg.Add(1)
		go func(u string) {
			if err := get(u); err != nil {
				return
			}
			wg.Done()
		}(u)
	}
	wg.Wait()
}
`,
      useInstead: `package fetch

import "sync"

func fetchAll(urls []string, get func(string) error) {
	var wg sync.WaitGroup
	for _, u := range urls {
		wg.Add(1)
		go func(u string) {
			defer wg.Done() // runs on every path out of the goroutine
			if err := get(u); err != nil {
				return
			}
		}(u)
	}
	wg.Wait()
}
`,
    },
    messages: {
      addInside:
        '{{name}}.Add is called inside the goroutine it counts, so {{name}}.Wait() can run before it and return while the goroutine is still working; call {{name}}.Add(1) before the go statement',
      skipsDone:
        'this {{exit}} leaves without calling {{name}}.Done() (line {{line}}), so {{name}}.Wait() blocks forever; use defer {{name}}.Done() at the start of the goroutine',
      waitInLoop:
        '{{name}}.Wait() inside the loop that starts the goroutines waits for each one before the next starts (they never run concurrently, and one that waits on a later one blocks forever); call {{name}}.Wait() after the loop',
      byValueParam: 'parameter {{name}} is a sync.WaitGroup passed by value: Add and Done on the copy never reach the caller\'s WaitGroup; take *sync.WaitGroup',
      byValueArg: '{{name}} is passed by value, so the callee counts on a copy and {{name}}.Wait() never sees its Done; pass &{{name}}',
    },
    triggers: ['WaitGroup'],
    defaultOptions: { waitInLoop: false },
  },
  create(ctx) {
    const { facts } = ctx;
    const view = ctx.pkg;

    const skipsDone = (calls: WaitGroupCall[]) => {
      // Per function flow and WaitGroup: the Dones a goroutine (or a callback) runs itself.
      const groups = new Map<string, WaitGroupCall[]>();
      for (const c of calls) {
        if (c.verb !== 'Done') continue;
        const k = `${c.fn.id}|${c.key}`;
        groups.set(k, [...(groups.get(k) ?? []), c]);
      }
      for (const dones of groups.values()) {
        const fn = dones[0]!.fn;
        if (dones.some((d) => d.deferred)) continue;
        if (!countedGoroutine(view, facts, fn, dones[0]!)) continue;
        // The function adds to the WaitGroup itself: it counts a section of its own, not itself.
        if (calls.some((c) => c.verb === 'Add' && c.key === dones[0]!.key && c.fn.id === fn.id)) continue;
        if (fn.type === 'func_literal' && !countedPerGoroutine(calls, fn, dones[0]!)) continue;
        // Done per item of a loop: the WaitGroup counts items, not this goroutine.
        if (dones.every((d) => loopOf(d.call, fn))) continue;
        // Done only under a condition (`if i == last { wg.Done() }`, `if err != nil { wg.Done();
        // return }`): the WaitGroup counts an event or a resource, not the end of this goroutine.
        if (dones.every((d) => conditional(d.call, fn))) continue;
        const wg = dones[0]!;
        const walk = (callees: boolean) =>
          walkFrom(facts, fn, null, (n) => {
            if (dones.some((d) => n.startIndex <= d.call.startIndex && d.call.endIndex <= n.endIndex)) return 'stop';
            if (handedOff(n, wg) || (callees && calleeDone(view, facts, n, fn, wg))) return 'stop';
            return undefined;
          });
        // What the file shows first: callees of the package are looked at only for a path that would be reported.
        const exits = walk(false)?.length ? walk(true) : [];
        const exit = exits?.find((e) => e.type === 'return_statement') ?? exits?.[0];
        if (!exit) continue;
        ctx.report({
          node: exit,
          messageId: 'skipsDone',
          data: { name: wg.text, exit: exit.type === 'return_statement' ? 'return' : 'path', line: wg.call.startPosition.row + 1 },
          related: [{ node: wg.call, message: `${wg.text}.Done() is only called here` }],
        });
      }
    };

    const addInside = (calls: WaitGroupCall[]) => {
      for (const add of calls) {
        if (add.verb !== 'Add' || add.fn.type !== 'func_literal' || loopOf(add.call, add.fn)) continue;
        const go = goStatementOf(add.fn);
        if (!go) continue;
        // The goroutine counts itself (a Done outside any loop of it: not one per job) and
        // nothing counted it before it started.
        const mine = calls.filter((c) => c.key === add.key);
        if (!mine.some((c) => c.verb === 'Done' && c.fn.id === add.fn.id && !loopOf(c.call, add.fn))) continue;
        const parent = flowFunction(go)?.fn;
        if (!parent) continue;
        if (mine.some((c) => c.verb === 'Add' && c.fn.id === parent.id && c.call.startIndex < go.startIndex)) continue;
        if (!mine.some((c) => c.verb === 'Wait' && c.fn.id !== add.fn.id)) continue;
        ctx.report({ node: add.call, messageId: 'addInside', data: { name: add.text } });
      }
    };

    const waitInLoop = (calls: WaitGroupCall[]) => {
      for (const w of calls) {
        if (w.verb !== 'Wait') continue;
        const loop = loopOf(w.call, w.fn);
        const body = loop?.childForFieldName('body');
        // Unconditional, in the loop's own body, on a WaitGroup made before the loop (one made
        // per iteration, or a Wait under a flag, is a deliberate one-at-a-time run).
        if (!loop || !body || !directlyIn(w.call, body) || declaredIn(facts, w, loop)) continue;
        // A goroutine started in the same loop body, counted by this WaitGroup.
        const starts = calls.some((c) => {
          const go = c.key === w.key && c.verb === 'Done' && c.fn.type === 'func_literal' ? goStatementOf(c.fn) : null;
          return !!go && directlyIn(go, body) && go.startIndex < w.call.startIndex;
        });
        if (starts) ctx.report({ node: w.call, messageId: 'waitInLoop', data: { name: w.text } });
      }
    };

    const byValue = () => {
      for (const w of wordNodes(facts.root, facts.text, ['WaitGroup'])) {
        const t = w.parent;
        if (t?.type !== 'qualified_type' || t.parent?.type !== 'parameter_declaration' || t.parent.childForFieldName('type')?.id !== t.id) continue;
        // Parameters of a function or literal (not a receiver, a result, or a func type).
        const list = t.parent.parent;
        const fn = list?.parent;
        if (!list || !fn || !['function_declaration', 'method_declaration', 'func_literal'].includes(fn.type) || fn.childForFieldName('parameters')?.id !== list.id) continue;
        if (!waitGroupType(facts, t)) continue;
        for (const name of t.parent.childrenForFieldName('name')) {
          if (name && name.text !== '_') ctx.report({ node: name, messageId: 'byValueParam', data: { name: name.text } });
        }
      }
    };

    const byValueArgs = (calls: WaitGroupCall[]) => {
      const seen = new Set<string>();
      for (const c of calls) {
        if (seen.has(c.key)) continue;
        seen.add(c.key);
        const e = unparen(c.operand);
        if (e.type !== 'identifier') continue;
        const where = facts.resolveName(e.text, e);
        if (typeof where !== 'object') continue;
        // A value WaitGroup (not a pointer) handed to a call as it is.
        for (const u of facts.uses(where, e.text)) {
          const arg = unparen(u);
          if (arg.parent?.type !== 'argument_list' || !isWaitGroup(view, facts, arg)) continue;
          if (!valueWaitGroup(facts, where, e.text)) continue;
          ctx.report({ node: arg, messageId: 'byValueArg', data: { name: e.text } });
        }
      }
    };

    return {
      source_file() {
        const calls = waitGroupCalls(view, facts);
        byValue();
        if (!calls.length) return;
        skipsDone(calls);
        addInside(calls);
        if (ctx.options.waitInLoop) waitInLoop(calls);
        byValueArgs(calls);
      },
    };
  },
});

/** `n` is a statement of `body` itself (or an expression of one), not nested in an if, a case or another loop. */
function directlyIn(n: Node, body: Node): boolean {
  const list = body.namedChildren.find((c) => c?.type === 'statement_list') ?? body;
  for (let p: Node | null = n; p; p = p.parent) {
    if (p.parent?.id === list.id) return true;
    if (p.type.endsWith('_statement') && p.type !== 'expression_statement' && p.type !== 'go_statement' && p.type !== 'defer_statement' && p.id !== n.id) return false;
    if (p.type === 'func_literal' || p.type === 'block') return false;
  }
  return false;
}

function within(inner: Node, outer: Node): boolean {
  return outer.startIndex <= inner.startIndex && inner.endIndex <= outer.endIndex;
}

/** The WaitGroup variable is declared inside `scope`. */
function declaredIn(facts: FileFacts, w: WaitGroupCall, scope: Node): boolean {
  const where = facts.resolveName(w.root.text, w.root);
  if (typeof where !== 'object') return false;
  return scope.descendantsOfType(['var_spec', 'short_var_declaration']).some((d) => {
    const names = d?.type === 'var_spec' ? d.childrenForFieldName('name') : d?.childForFieldName('left')?.namedChildren ?? [];
    return names.some((x) => x?.text === w.root.text);
  });
}

/**
 * `fn` is a goroutine counted by the WaitGroup: a literal started with `go` (or `g.Go`), a
 * function given the WaitGroup as a parameter, or a method started as a goroutine that calls
 * Done on its receiver's WaitGroup. A WaitGroup used as a latch (Done called by the code that
 * set it up) is none of these.
 */
/**
 * A goroutine started in a loop is counted once per goroutine: an Add in the same loop, or an
 * Add before a loop that runs a known number of times (a range, or a counted `for`). With
 * `wg.Add(n)` before a loop that runs while some condition holds, the goroutines need not
 * all be counted (some may leave without Done on purpose).
 */
function countedPerGoroutine(calls: WaitGroupCall[], lit: Node, wg: WaitGroupCall): boolean {
  const go = goStatementOf(lit);
  const parent = go && flowFunction(go)?.fn;
  if (!go || !parent) return true;
  const loop = loopOf(go, parent);
  if (!loop) return true;
  if (calls.some((c) => c.verb === 'Add' && c.key === wg.key && c.fn.id === parent.id && loopOf(c.call, parent)?.id === loop.id)) return true;
  const clause = loop.namedChildren.find((c) => c?.type === 'for_clause' || c?.type === 'range_clause');
  return clause?.type === 'range_clause' || (clause?.type === 'for_clause' && !!clause.childForFieldName('initializer'));
}

function countedGoroutine(view: PackageView, facts: FileFacts, fn: Node, wg: WaitGroupCall): boolean {
  // A WaitGroup the function declares itself is its own latch, not one that counts it.
  const declaredAt = facts.resolveName(wg.root.text, wg.root);
  if (typeof declaredAt === 'object' && declaredAt.id === fn.id && !isParameter(fn, wg.root.text)) return false;
  if (fn.type === 'func_literal') {
    if (goStatementOf(fn)) return true;
    const call = fn.parent?.parent;
    const f = call?.type === 'call_expression' ? call.childForFieldName('function') : null;
    return f?.type === 'selector_expression' && f.childForFieldName('field')?.text === 'Go';
  }
  const where = facts.resolveName(wg.root.text, wg.root);
  if (typeof where === 'object' && where.id === fn.id) {
    const params = fn.childForFieldName('parameters')?.descendantsOfType('identifier') ?? [];
    if (params.some((p) => p?.text === wg.root.text)) return true;
    const recv = fn.childForFieldName('receiver')?.descendantsOfType('identifier') ?? [];
    if (fn.type === 'method_declaration' && recv.some((p) => p?.text === wg.root.text)) {
      const type = fn.childForFieldName('receiver')?.descendantsOfType('type_identifier')[0]?.text;
      const name = fn.childForFieldName('name')?.text;
      return !!type && !!name && startersOf(view, `method:${type}.${name}`).length > 0;
    }
  }
  return false;
}

function isParameter(fn: Node, name: string): boolean {
  for (const list of [fn.childForFieldName('parameters'), fn.childForFieldName('receiver')]) {
    for (const p of list?.namedChildren ?? []) if (p?.childrenForFieldName('name').some((n) => n?.text === name)) return true;
  }
  return false;
}

/** The local `name` of `fn` is a sync.WaitGroup value (declared `var wg sync.WaitGroup` or `wg := sync.WaitGroup{}`), not a pointer. */
function valueWaitGroup(facts: FileFacts, fn: Node, name: string): boolean {
  for (const w of fn.descendantsOfType(['var_spec', 'short_var_declaration'])) {
    if (!w) continue;
    const names = w.type === 'var_spec' ? w.childrenForFieldName('name') : w.childForFieldName('left')?.namedChildren ?? [];
    const i = names.findIndex((n) => n?.text === name);
    if (i < 0) continue;
    if (w.type === 'var_spec') {
      const t = waitGroupType(facts, w.childForFieldName('type'));
      if (t) return !t.pointer;
    }
    const v = (w.childForFieldName(w.type === 'var_spec' ? 'value' : 'right')?.namedChildren ?? [])[i];
    if (v && unparen(v).type === 'composite_literal') return !!waitGroupType(facts, unparen(v).childForFieldName('type'));
  }
  return false;
}

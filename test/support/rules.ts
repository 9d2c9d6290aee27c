// The test-only rules (not shipped, not in rules/index.ts), so that engine, report,
// suppression, config and baseline tests do not depend on which real rules exist. Worker
// threads load this module by URL and rebuild rules by id from `allRules`, like the real index.
import { enclosingFunction } from '../../src/go/facts.js';
import { defineRule, type AnyRule } from '../../src/engine/types.js';
import { coreSummary, does } from '../../src/go/summary.js';

/**
 * Flags every time.NewTicker and time.NewTimer call (resolved through the imports), pointing
 * back at the enclosing function, with a fix that renames the call to time.Tick (which the
 * rule does not flag, so a fixed file is clean).
 */
export const tickerRule = defineRule<'ticker', { allow: string[]; limit: number }>({
  meta: {
    id: 'test-ticker',
    title: 'Ticker created (test rule)',
    severity: 'error',
    precision: 'high',
    tags: ['test', 'resource-leak'],
    docs: {
      whatItDoes: 'Flags every time.NewTicker and time.NewTimer call.',
      whyIsThisBad: 'A ticker that is never stopped keeps firing.',
      example: 'package p\n\nimport "time"\n\nfunc f() { t := time.NewTicker(time.Second); _ = t }\n',
      useInstead: 'package p\n\nimport "time"\n\nfunc f() {}\n',
    },
    messages: { ticker: '{{what}} from time.{{name}} in {{fn}} is never stopped (it keeps firing); add defer t.Stop()' },
    triggers: ['NewTicker', 'NewTimer'],
    fixable: true,
    defaultOptions: { allow: [], limit: 3 },
  },
  create(ctx) {
    return {
      call_expression(n) {
        const q = ctx.facts.qualified(n.childForFieldName('function'));
        if (q?.path !== 'time' || (q.name !== 'NewTicker' && q.name !== 'NewTimer')) return;
        const fn = enclosingFunction(n);
        const name = fn?.childForFieldName('name');
        if (name && ctx.options.allow.includes(name.text)) return;
        const field = n.childForFieldName('function')?.childForFieldName('field');
        ctx.report({
          node: n,
          messageId: 'ticker',
          data: { what: q.name === 'NewTicker' ? 'ticker' : 'timer', name: q.name, fn: name?.text ?? 'a function literal' },
          related: name ? [{ node: name, message: 'enclosing function {{fn}}' }] : [],
          suggestions: field ? [{ desc: 'call time.Tick instead', edits: [{ range: [field.startIndex, field.endIndex], text: 'Tick' }] }] : [],
        });
      },
    };
  },
});

/** A warning-level rule: flags every `make(chan …)` call. */
export const chanRule = defineRule<'chan'>({
  meta: {
    id: 'test-chan',
    title: 'Channel made (test rule)',
    severity: 'warning',
    precision: 'medium',
    tags: ['test'],
    docs: {
      whatItDoes: 'Flags every make(chan) call.',
      whyIsThisBad: 'It is a test.',
      example: 'package p\n\nfunc f() { _ = make(chan int) }\n',
      useInstead: 'package p\n\nfunc f() {}\n',
    },
    messages: { chan: 'channel made here' },
    triggers: ['chan'],
    defaultOptions: {},
  },
  create(ctx) {
    return {
      call_expression(n) {
        const f = n.childForFieldName('function');
        const arg = n.childForFieldName('arguments')?.namedChildren[0];
        if (f?.text === 'make' && arg?.type === 'channel_type') ctx.report({ node: n, messageId: 'chan' });
      },
    };
  },
});

/** An error-level rule: flags every `go` statement. */
export const goRule = defineRule<'go'>({
  meta: {
    id: 'test-go',
    title: 'Goroutine started (test rule)',
    severity: 'error',
    precision: 'high',
    tags: ['test'],
    docs: {
      whatItDoes: 'Flags every go statement.',
      whyIsThisBad: 'It is a test.',
      example: 'package p\n\nfunc f() { go f() }\n',
      useInstead: 'package p\n\nfunc f() {}\n',
    },
    messages: { go: 'goroutine started' },
    triggers: ['go '],
    defaultOptions: {},
  },
  create(ctx) {
    return {
      go_statement(n) {
        ctx.report({ node: n, messageId: 'go' });
      },
    };
  },
});

/**
 * Asks the package view: flags `f(x)` when f (a function of the package, in any file) closes
 * its parameter. Fires only in files that say `pkgtest`.
 */
export const closerRule = defineRule<'closed'>({
  meta: {
    id: 'test-closer',
    title: 'Argument closed by a function of the package (test rule)',
    severity: 'warning',
    precision: 'high',
    tags: ['test'],
    docs: {
      whatItDoes: 'Flags arguments that a function of the package closes.',
      whyIsThisBad: 'It is a test.',
      example: 'package p // pkgtest\n\nimport "io"\n\nfunc f(c io.Closer) { g(c) }\n\nfunc g(c io.Closer) { c.Close() }\n',
      useInstead: 'package p // pkgtest\n\nimport "io"\n\nfunc f(c io.Closer) { g(c) }\n\nfunc g(c io.Closer) {}\n',
    },
    messages: { closed: '{{arg}} is closed by {{fn}} (in {{file}})' },
    triggers: ['pkgtest'],
    defaultOptions: {},
  },
  create(ctx) {
    return {
      call_expression(n) {
        const f = n.childForFieldName('function');
        if (f?.type !== 'identifier') return;
        const s = ctx.pkg.summaryOf(coreSummary, `func:${f.text}`);
        const args = n.childForFieldName('arguments')?.namedChildren ?? [];
        args.forEach((a, i) => {
          const closes = s?.effects.find((e) => e.target === `$${i}` && e.op === '.Close');
          if (a && closes && does(s, `$${i}`, '.Close')) {
            ctx.report({ node: a, messageId: 'closed', data: { arg: a.text, fn: f.text, file: `${closes.at.file}:${closes.at.line}` } });
          }
        });
      },
    };
  },
});

/** What the command-line tests run: a rule that errors (with a fix) and one that warns. */
export const testRules: AnyRule[] = [tickerRule, chanRule];

/** The speed tests' rules: goroutines and tickers, in almost every file of test/data/speed. */
export const speedRules: AnyRule[] = [goRule, tickerRule];

/** The registry worker threads rebuild rules from, by id. */
export const allRules: AnyRule[] = [chanRule, goRule, tickerRule, closerRule];

// Test-only rules, so that report, suppression, config and baseline tests do not depend on
// which real rules are registered.
import { enclosingFunction } from '../src/go/facts.js';
import { defineRule, type AnyRule } from '../src/engine/types.js';

/** Flags every time.NewTicker call, pointing back at the enclosing function, with a fix. */
export const tickerRule = defineRule<'ticker', { allow: string[]; limit: number }>({
  meta: {
    id: 'test-ticker',
    title: 'Ticker created (test rule)',
    severity: 'error',
    precision: 'high',
    tags: ['test', 'resource-leak'],
    docs: {
      whatItDoes: 'Flags every time.NewTicker call.',
      whyIsThisBad: 'A ticker that is never stopped keeps firing.',
      example: 'package p\n\nimport "time"\n\nfunc f() { t := time.NewTicker(time.Second); _ = t }\n',
      useInstead: 'package p\n\nimport "time"\n\nfunc f() { t := time.NewTicker(time.Second); defer t.Stop() }\n',
    },
    messages: { ticker: 'ticker from time.NewTicker in {{fn}} is never stopped (it keeps firing); add defer t.Stop()' },
    triggers: ['NewTicker'],
    defaultOptions: { allow: [], limit: 3 },
  },
  create(ctx) {
    return {
      call_expression(n) {
        if (!ctx.facts.isCallTo(n, 'time', 'NewTicker')) return;
        const fn = enclosingFunction(n);
        const name = fn?.childForFieldName('name');
        if (name && ctx.options.allow.includes(name.text)) return;
        ctx.report({
          node: n,
          messageId: 'ticker',
          data: { fn: name?.text ?? 'a function literal' },
          related: name ? [{ node: name, message: 'enclosing function {{fn}}' }] : [],
          suggestions: [{ desc: 'use time.NewTimer', edits: [{ range: [n.startIndex, n.startIndex], text: '' }] }],
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

export const testRules: AnyRule[] = [tickerRule, chanRule];

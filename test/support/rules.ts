// Test-only rules (not shipped, not in rules/index.ts): the engine tests must not depend on
// which real rules exist. Worker threads load this module by URL, like the real index.
import { defineRule, type AnyRule } from '../../src/engine/types.js';
import { coreSummary, does } from '../../src/go/summary.js';

const docs = { whatItDoes: 'test', whyIsThisBad: 'test', example: '', useInstead: '' };

/** Flags every time.NewTicker / time.NewTimer call (resolved through the imports). */
export const tickerRule = defineRule({
  meta: {
    id: 'test-ticker',
    title: 'Test ticker',
    severity: 'warning',
    precision: 'high',
    tags: [],
    docs,
    messages: { call: 'call to time.{{name}}' },
    triggers: ['NewTicker', 'NewTimer'],
    defaultOptions: {},
  },
  create(ctx) {
    return {
      call_expression(n) {
        const q = ctx.facts.qualified(n.childForFieldName('function'));
        if (q?.path === 'time' && (q.name === 'NewTicker' || q.name === 'NewTimer')) {
          ctx.report({ node: n, messageId: 'call', data: { name: q.name } });
        }
      },
    };
  },
});

/** Flags every `go` statement, with the enclosing function's name as related information. */
export const goRule = defineRule({
  meta: {
    id: 'test-go',
    title: 'Test go',
    severity: 'error',
    precision: 'high',
    tags: [],
    docs,
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
export const closerRule = defineRule({
  meta: {
    id: 'test-closer',
    title: 'Test closer',
    severity: 'warning',
    precision: 'high',
    tags: [],
    docs,
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

export const allRules: AnyRule[] = [goRule, tickerRule, closerRule];

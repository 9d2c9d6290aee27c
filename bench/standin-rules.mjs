// TEMPORARY stand-in rules for the benchmark, used only while rules/index.ts lists no rule
// (the real rules are written in parallel). Each one has the triggers and the entry node
// types the seed rule of the same name will have, and does similar work through the shared
// facts (import resolution, a look inside the enclosing function), so that the prefilter,
// the parse and the rule overhead are measured on realistic work. Not shipped, not tested.
import { enclosingFunction } from '../dist/src/go/facts.js';

const docs = { whatItDoes: '-', whyIsThisBad: '-', example: '', useInstead: '' };
const rule = (id, triggers, create) => ({
  meta: { id, title: id, severity: 'warning', precision: 'high', tags: [], docs, messages: { m: `${id} {{name}}` }, triggers, defaultOptions: {} },
  create,
});
const calls = (scope) => (scope ? scope.descendantsOfType('call_expression') : []);
const methodCalled = (scope, names) =>
  calls(scope).some((c) => {
    const f = c.childForFieldName('function');
    return f?.type === 'selector_expression' && names.includes(f.childForFieldName('field')?.text);
  });

export const allRules = [
  rule('unclosed-client', ['Client('], (ctx) => ({
    call_expression(n) {
      const q = ctx.facts.qualified(n.childForFieldName('function'));
      if (!q || !/^New\w*Client$/.test(q.name)) return;
      if (!methodCalled(enclosingFunction(n), ['Close', 'Stop', 'Shutdown'])) ctx.report({ node: n, messageId: 'm', data: { name: q.name } });
    },
  })),
  rule('consumer-closes-channel', ['close('], (ctx) => ({
    call_expression(n) {
      const f = n.childForFieldName('function');
      if (f?.type !== 'identifier' || f.text !== 'close') return;
      const fn = enclosingFunction(n);
      if (fn && fn.descendantsOfType('send_statement').length === 0) ctx.report({ node: n, messageId: 'm', data: { name: 'close' } });
    },
  })),
  rule('goroutine-blocked-send', ['<-'], (ctx) => ({
    go_statement(n) {
      const sends = n.descendantsOfType('send_statement');
      if (sends.length && n.descendantsOfType('select_statement').length === 0) ctx.report({ node: sends[0], messageId: 'm', data: { name: 'send' } });
    },
  })),
  rule('unclosed-range-channel', ['chan '], (ctx) => ({
    go_statement(n) {
      for (const r of n.descendantsOfType('range_clause')) {
        const fn = enclosingFunction(n);
        if (fn && !calls(fn).some((c) => c.childForFieldName('function')?.text === 'close')) ctx.report({ node: r, messageId: 'm', data: { name: 'range' } });
      }
    },
  })),
  rule('unbounded-read', ['ReadFrom', 'ReadAll', 'io.Copy', 'ContentLength'], (ctx) => ({
    call_expression(n) {
      if (ctx.facts.isCallTo(n, 'io', ['ReadAll', 'Copy']) || ctx.facts.isCallTo(n, 'io/ioutil', 'ReadAll')) {
        ctx.report({ node: n, messageId: 'm', data: { name: 'read' } });
      }
    },
  })),
  rule('oversized-reflect-pool', ['MakeSlice'], (ctx) => ({
    call_expression(n) {
      if (ctx.facts.isCallTo(n, 'reflect', 'MakeSlice')) ctx.report({ node: n, messageId: 'm', data: { name: 'MakeSlice' } });
    },
  })),
];

// Inline suppressions: //leakhound:ignore, //leakhound:file-ignore, //nolint, and the
// reports about directives without a reason, with an unknown rule or without effect.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { applySuppressions, parseDirectives } from '../src/engine/suppressions.js';
import { scanBuffer } from '../src/engine/scan.js';
import type { FileResult } from '../src/engine/types.js';
import { parser_ } from './helpers.js';
import { chanRule, testRules, tickerRule } from './support/rules.js';

const active = (rules = testRules) => rules.map((rule) => ({ rule, severity: rule.meta.severity, options: { ...rule.meta.defaultOptions } }));

async function scan(body: string, rules = testRules): Promise<FileResult> {
  const text = `package p\n\nimport "time"\n\n${body}`;
  return scanBuffer(await parser_(), 'a.go', Buffer.from(text), { rules: active(rules), knownRules: testRules.map((r) => r.meta.id) });
}
const summary = (r: FileResult) => r.diagnostics.map((d) => `${d.span.start.line} ${d.ruleId}: ${d.message}`);

test('no directive: findings are reported', async () => {
  const r = await scan('func f() {\n\tt := time.NewTicker(1)\n\t_ = t\n}\n');
  assert.equal(summary(r).map((s) => s.slice(0, 16)), ['6 test-ticker: t']);
});

test('ignore on the line before, and at the end of the line', async () => {
  const before = await scan('func f() {\n\t//leakhound:ignore test-ticker stopped by the caller\n\tt := time.NewTicker(1)\n\t_ = t\n}\n');
  assert.equal(summary(before), []);
  const same = await scan('func f() {\n\tt := time.NewTicker(1) //leakhound:ignore test-ticker stopped by the caller\n\t_ = t\n}\n');
  assert.equal(summary(same), []);
});

test('a trailing directive does not reach the next line', async () => {
  const r = await scan('func f() {\n\t_ = 1 //leakhound:ignore test-ticker wrong place\n\tt := time.NewTicker(1)\n\t_ = t\n}\n');
  assert.equal(summary(r).map((s) => s.replace(/: directive .*(suppressed nothing).*/, ': $1').replace(/ from .*/, '')), [
    '6 leakhound-directive: suppressed nothing',
    '7 test-ticker: ticker',
  ]);
});

test('ignore names only the listed rules; lists are comma-separated', async () => {
  const body = 'func f() chan int {\n\t//leakhound:ignore test-chan not this one\n\tt := time.NewTicker(1)\n\t_ = t\n\treturn make(chan int)\n}\n';
  const r = await scan(body);
  assert.equal(summary(r).map((s) => s.slice(0, 26)), ['6 leakhound-directive: dir', '7 test-ticker: ticker from', '9 test-chan: channel made ']);
  const both = await scan('func f() chan int {\n\tt, c := time.NewTicker(1), make(chan int) //leakhound:ignore test-ticker,test-chan both fine\n\t_ = t\n\treturn c\n}\n');
  assert.equal(summary(both), []);
});

test('file-ignore covers the whole file for its rules', async () => {
  const r = await scan('//leakhound:file-ignore test-ticker tickers live as long as the process\n\nfunc f() {\n\tt := time.NewTicker(1)\n\t_ = t\n}\n\nfunc g() { _ = make(chan int); _ = time.NewTicker(2) }\n');
  assert.equal(summary(r).map((s) => s.slice(0, 12)), ['12 test-chan']);
});

test('nolint: by rule, by list, //nolint:leakhound, bare //nolint; other linters are not ours', async () => {
  for (const directive of ['//nolint:test-ticker // fine', '//nolint:errcheck,test-ticker // fine', '//nolint:leakhound // fine', '//nolint']) {
    const r = await scan(`func f() {\n\tt := time.NewTicker(1) ${directive}\n\t_ = t\n}\n`);
    assert.equal(summary(r), [], directive);
  }
  const other = await scan('func f() {\n\tt := time.NewTicker(1) //nolint:errcheck\n\t_ = t\n}\n');
  assert.equal(summary(other).map((s) => s.slice(0, 14)), ['6 test-ticker:'], 'another linter’s nolint suppresses nothing of ours and is not reported');
});

test('a //nolint alone before a top-level declaration covers all of it (golangci-lint); //leakhound:ignore does not', async () => {
  const fn = 'func f() {\n\tt := time.NewTicker(1)\n\t_ = t\n\tu := time.NewTicker(2)\n\t_ = u\n}\n\nfunc g() { _ = time.NewTicker(3) }\n';
  const nolint = await scan(`//nolint:test-ticker // tickers here run for the life of the process\n${fn}`);
  assert.equal(summary(nolint).map((s) => s.slice(0, 15)), ['13 test-ticker:'], 'f covered, g not');
  const ignore = await scan(`//leakhound:ignore test-ticker only the next line\n${fn}`);
  assert.equal(summary(ignore).map((s) => s.slice(0, 15)), ['5 leakhound-dir', '7 test-ticker: ', '9 test-ticker: ', '13 test-ticker:']);
});

test('a directive without a reason still applies, and is reported', async () => {
  const r = await scan('func f() {\n\tt := time.NewTicker(1) //leakhound:ignore test-ticker\n\t_ = t\n}\n');
  assert.equal(summary(r), [
    '6 leakhound-directive: directive //leakhound:ignore test-ticker gives no reason; write //leakhound:ignore test-ticker <why this finding does not apply>',
  ]);
  const nolint = await scan('func f() {\n\tt := time.NewTicker(1) //nolint:test-ticker\n\t_ = t\n}\n');
  assert.match(summary(nolint).join('\n'), /gives no reason; write \/\/nolint:test-ticker \/\/ <why/);
});

test('a directive naming an unknown rule is reported; one naming no rule too', async () => {
  const r = await scan('//leakhound:ignore test-tickr typo here\nfunc f() {}\n\n//leakhound:ignore\nfunc g() {}\n');
  assert.equal(summary(r), [
    "5 leakhound-directive: directive //leakhound:ignore test-tickr names unknown rule 'test-tickr'; leakhound --list-rules lists the rule ids",
    '8 leakhound-directive: directive //leakhound:ignore names no rule; write //leakhound:ignore <rule-id> <reason>',
  ]);
});

test('directives for rules that did not run are not called unused', async () => {
  const r = await scan('func f() {\n\t//leakhound:ignore test-chan not run\n\t_ = 1\n}\n', [tickerRule]);
  assert.equal(summary(r), []);
});

test('directive text inside a string literal is not a directive', () => {
  const ds = parseDirectives('package p\n\nvar s = "//leakhound:ignore x y"\nvar u = `//nolint:x`\n', () => true);
  assert.equal(ds, []);
});

test('directive spans point at the comment', () => {
  const [d] = parseDirectives('package p\n\nvar x = 1 //leakhound:ignore a b c\n', () => true);
  assert.equal(d!.span, { start: { line: 3, column: 11 }, end: { line: 3, column: 35 } });
  assert.is(d!.reason, 'b c');
  assert.equal(d!.rules, ['a']);
  assert.is(d!.ownLine, false);
});

test('applySuppressions leaves a file without directives untouched', () => {
  const result: FileResult = { filePath: 'a.go', diagnostics: [], notices: [] };
  assert.is(applySuppressions(result, 'package p\n', { active: new Set([chanRule.meta.id]) }), result);
});

test('staticcheck\'s //lint:ignore and //lint:file-ignore suppress our rules; its own checks are not ours', async () => {
  for (const directive of ['//lint:ignore test-ticker stopped by the caller', '//lint:ignore SA1015,test-ticker stopped by the caller', '//lint:ignore leakhound stopped by the caller']) {
    const r = await scan(`func f() {\n\t${directive}\n\tt := time.NewTicker(1)\n\t_ = t\n}\n`);
    assert.equal(summary(r), [], directive);
  }
  const file = await scan('//lint:file-ignore test-ticker tickers live as long as the process\n\nfunc f() {\n\tt := time.NewTicker(1)\n\t_ = t\n}\n');
  assert.equal(summary(file), []);
  const theirs = await scan('func f() {\n\t//lint:ignore SA1015 staticcheck\'s business\n\tt := time.NewTicker(1)\n\t_ = t\n}\n');
  assert.equal(summary(theirs).map((s) => s.slice(0, 14)), ['7 test-ticker:'], 'not ours: suppresses nothing, not reported');
  const bare = await scan('func f() {\n\tt := time.NewTicker(1) //lint:ignore test-ticker\n\t_ = t\n}\n');
  assert.match(summary(bare).join('\n'), /gives no reason; write \/\/lint:ignore test-ticker <why/);
});

test('// leakhound:ignore with a space after the slashes works (it is not silently ignored)', async () => {
  const r = await scan('func f() {\n\t// leakhound:ignore test-ticker stopped by the caller\n\tt := time.NewTicker(1)\n\t_ = t\n}\n');
  assert.equal(summary(r), []);
  const unused = await scan('func f() {\n\t// leakhound:ignore test-chan nothing here\n\t_ = 1\n}\n');
  assert.match(summary(unused).join('\n'), /suppressed nothing/);
});

test('advice for a directive that also names other tools keeps their part', async () => {
  const r = await scan('func f() {\n\t_ = 1 //nolint:errcheck,test-ticker // errcheck: fine\n}\n');
  assert.equal(summary(r), ['6 leakhound-directive: directive //nolint:errcheck,test-ticker suppressed nothing; remove test-ticker from it and keep //nolint:errcheck']);
  const all = await scan('func f() {\n\t_ = 1 //nolint:errcheck,leakhound // errcheck: fine\n}\n');
  assert.match(summary(all)[0]!, /remove leakhound from it and keep \/\/nolint:errcheck$/);
  const lint = await scan('func f() {\n\t//lint:ignore SA1015,test-ticker fine\n\t_ = 1\n}\n');
  assert.match(summary(lint)[0]!, /remove test-ticker from it and keep \/\/lint:ignore SA1015$/);
  const alone = await scan('func f() {\n\t_ = 1 //nolint:test-ticker // fine\n}\n');
  assert.match(summary(alone)[0]!, /suppressed nothing; remove it$/);
});

test.run();

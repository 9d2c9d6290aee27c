// SARIF output: valid against the official 2.1.0 schema and within GitHub code scanning's
// limits, with rule descriptors from metadata, related locations and line fingerprints.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { directiveRule } from '../src/engine/suppressions.js';
import { lineHashes } from '../src/report/fingerprint.js';
import { toSarif, type DescribedRule } from '../src/report/sarif.js';
import { allRules } from '../rules/index.js';
import { runRule } from './helpers.js';
import { tickerRule } from './support/rules.js';
import { runMain, tempTree, TICKER_GO } from './inproc.js';
import { assertGithubSarif } from './sarif-validate.js';

type Sarif = {
  runs: {
    tool: { driver: { rules: { id: string; help: { markdown: string }; properties: { precision: string } }[] } };
    results: Record<string, any>[];
    invocations: { executionSuccessful: boolean; toolExecutionNotifications: { level: string; message: { text: string } }[] }[];
    columnKind: string;
    automationDetails: { id: string };
  }[];
};

function sarifRun(files: Record<string, string>, args: string[] = []) {
  const dir = tempTree({ '.git/HEAD': 'ref: refs/heads/main\n', ...files });
  return { dir, run: runMain(['--format', 'sarif', '-o', 'out.sarif', ...args], join(dir, 'sub')) };
}

test('a scan with findings, related locations and a parse problem gives valid SARIF', async () => {
  const { dir, run } = sarifRun({
    'sub/a b.go': TICKER_GO,
    'sub/bad.go': 'package p\n\nfunc f( {\n\tt := time.NewTicker(1)\n}\n',
    'sub/x.go': 'package p\n\nfunc g() {}\n',
  });
  const r = await run;
  assert.is(r.code, 1, r.stderr);
  assert.is(r.stdout, '', 'report went to the file');
  const log = JSON.parse(readFileSync(join(dir, 'sub', 'out.sarif'), 'utf8')) as Sarif;
  assertGithubSarif(log);
  const run0 = log.runs[0]!;
  assert.is(run0.columnKind, 'utf16CodeUnits');
  assert.is(run0.automationDetails.id, 'leakhound/');
  const ids = run0.tool.driver.rules.map((x) => x.id);
  assert.equal(ids, ['test-chan', 'test-ticker', 'leakhound-directive']);
  assert.match(run0.tool.driver.rules[1]!.help.markdown, /## Use instead\n\n```go\n/);

  const ticker = run0.results.find((x) => x.ruleId === 'test-ticker' && x.locations[0].physicalLocation.artifactLocation.uri === 'sub/a%20b.go')!;
  assert.ok(ticker, 'the ticker finding, with a root-relative, encoded URI');
  assert.is(ticker.ruleIndex, 1);
  assert.is(ticker.level, 'error');
  assert.is(ticker.locations[0].physicalLocation.artifactLocation.uriBaseId, '%SRCROOT%');
  assert.equal(ticker.locations[0].physicalLocation.region, { startLine: 6, startColumn: 7, endLine: 6, endColumn: 24 });
  assert.is(ticker.partialFingerprints.primaryLocationLineHash, lineHashes(TICKER_GO)[5]);
  assert.equal(ticker.relatedLocations[0].physicalLocation.region, { startLine: 5, startColumn: 6, endLine: 5, endColumn: 10 });
  assert.is(ticker.relatedLocations[0].message.text, 'enclosing function poll');
  const chan = run0.results.find((x) => x.ruleId === 'test-chan')!;
  assert.is(chan.level, 'warning');

  const notes = run0.invocations[0]!.toolExecutionNotifications;
  assert.ok(notes.some((n) => n.level === 'warning' && /syntax error/.test(n.message.text)), 'parse problem reported');
  assert.is(run0.invocations[0]!.executionSuccessful, true);
});

test('a clean scan is valid SARIF with no results, and unreadable files are failed executions', async () => {
  const { dir, run } = sarifRun({ 'sub/x.go': 'package p\n' }, ['x.go', 'missing.go']);
  const r = await run;
  assert.is(r.code, 2, 'a missing path is an error');
  const log = JSON.parse(readFileSync(join(dir, 'sub', 'out.sarif'), 'utf8')) as Sarif;
  assertGithubSarif(log);
  assert.equal(log.runs[0]!.results, []);
});

test('a suppressed finding stays out of SARIF', async () => {
  const src = TICKER_GO.replace('\tt := time.NewTicker(d)', '\t//leakhound:ignore test-ticker stopped by the caller\n\tt := time.NewTicker(d)');
  const { dir, run } = sarifRun({ 'sub/a.go': src });
  const r = await run;
  assert.is(r.code, 1, 'the warning left is reported: ' + r.stderr);
  const log = JSON.parse(readFileSync(join(dir, 'sub', 'out.sarif'), 'utf8')) as Sarif;
  assertGithubSarif(log);
  assert.equal(log.runs[0]!.results.map((x) => x.ruleId), ['test-chan']);
});

test('an unused directive is a warning result of the directive pseudo-rule', async () => {
  const { dir, run } = sarifRun({ 'sub/a.go': 'package p\n\n//leakhound:ignore test-chan nothing here\nfunc f() {}\n' });
  const r = await run;
  assert.is(r.code, 1, 'a warning is a reported finding');
  const log = JSON.parse(readFileSync(join(dir, 'sub', 'out.sarif'), 'utf8')) as Sarif;
  assertGithubSarif(log);
  const [res] = log.runs[0]!.results;
  assert.is(res!.ruleId, 'leakhound-directive');
  assert.is(res!.ruleIndex, 2);
  assert.match(res!.message.text, /suppressed nothing/);
});

test('the validator rejects what GitHub rejects', () => {
  const bad = { version: '2.1.0', runs: [{ tool: { driver: { name: 'x', rules: [{ id: 'a', shortDescription: { text: '' } }] } }, results: [{ ruleId: 'b', ruleIndex: 0, message: { text: 'm' } }] }] };
  assert.throws(() => assertGithubSarif(bad));
  assert.throws(() => assertGithubSarif({ version: '2.1.0' }), /schema/);
});

const sarifOpts = (rules: DescribedRule[]) => ({
  rules,
  cwd: '/repo',
  srcRoot: '/repo',
  version: '0.0.0',
  informationUri: 'https://example.com/leakhound',
  helpUri: (id: string) => `https://example.com/leakhound#${id}`,
  readText: () => undefined,
  executionSuccessful: true,
});

test('over-long descriptions are clipped to GitHub\'s 1024 characters', () => {
  const long: DescribedRule = { ...tickerRule.meta, docs: { ...tickerRule.meta.docs, whatItDoes: 'x'.repeat(2000) } };
  const log = toSarif([], sarifOpts([long]));
  assertGithubSarif(log);
  assert.is(log.runs[0]!.tool.driver.rules[0]!.fullDescription.text.length, 1024);
});

test('every registered rule: its descriptor and the findings on its documented example are valid SARIF', async () => {
  const rules = [...allRules.map((r) => r.meta), directiveRule];
  const results = [];
  for (const r of allRules) {
    const res = await runRule(r, r.meta.docs.example, {}, `${r.meta.id}.go`);
    results.push(res);
  }
  const texts = new Map(allRules.map((r) => [`${r.meta.id}.go`, r.meta.docs.example]));
  const log = toSarif(results, { ...sarifOpts(rules), readText: (f: string) => texts.get(f) });
  assertGithubSarif(log);
  assert.is(log.runs[0]!.results.length, results.reduce((n, r) => n + r.diagnostics.length, 0));
});

test.run();

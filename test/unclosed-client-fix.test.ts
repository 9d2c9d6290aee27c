// The unclosed-client fix, byte for byte: each test/fixtures/unclosed-client-fix/<name>.go
// with its suggestions applied must equal <name>.golden, a second pass must change nothing,
// and `leakhound --fix` must write the same bytes and exit with the right code.
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import rule from '../rules/unclosed-client.js';
import { applyEdits, fixEdits } from '../src/cli/fix.js';
import { fixturesDir, runCli, runRule } from './helpers.js';

const dir = join(fixturesDir, 'unclosed-client-fix');
const inputs = readdirSync(dir).filter((f) => f.endsWith('.go')).sort();

async function fixOnce(text: string): Promise<string> {
  const r = await runRule(rule, text);
  assert.equal(r.notices, [], 'parses cleanly');
  return applyEdits(text, fixEdits(r.diagnostics)).text;
}

test('there are golden fixtures', () => {
  assert.ok(inputs.length >= 2);
  for (const f of inputs) assert.ok(readdirSync(dir).includes(f.replace(/\.go$/, '.golden')), `${f} has a .golden`);
});

for (const f of inputs) {
  const input = readFileSync(join(dir, f), 'utf8');
  const golden = readFileSync(join(dir, f.replace(/\.go$/, '.golden')), 'utf8');

  test(`unclosed-client fix: ${f} → golden, and a second pass changes nothing`, async () => {
    const once = await fixOnce(input);
    assert.equal(once, golden);
    assert.equal(await fixOnce(once), once, 'idempotent');
  });

  // The fix follows the file's own indentation and line endings.
  test(`unclosed-client fix: ${f} with spaces and CRLF`, async () => {
    const restyle = (s: string) => s.replace(/^\t+/gm, (t) => '    '.repeat(t.length)).replace(/\n/g, '\r\n');
    assert.equal(await fixOnce(restyle(input)), restyle(golden));
  });
}

test('the fix of the documented example is the documented fix', async () => {
  assert.equal(await fixOnce(rule.meta.docs.example), rule.meta.docs.useInstead);
});

test('every suggestion is a pure insertion of one defer line', async () => {
  const r = await runRule(rule, readFileSync(join(dir, 'basic.go'), 'utf8'));
  const edits = r.diagnostics.flatMap((d) => d.suggestions ?? []).flatMap((s) => s.edits);
  assert.ok(edits.length >= 10);
  for (const e of edits) {
    assert.is(e.range[0], e.range[1]);
    assert.match(e.text, /^\t+defer \w+\.(Close|Stop)\(\)\n$/);
  }
});

test('leakhound --fix writes the golden files, exits 1 while unfixable findings remain, and is idempotent', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'leakhound-fix-'));
  try {
    for (const f of inputs) copyFileSync(join(dir, f), join(tmp, f));
    const first = runCli(['--fix', '--rule', 'unclosed-client', '--format', 'json', '.'], tmp);
    assert.is(first.code, 1, first.stderr);
    for (const f of inputs) {
      assert.equal(readFileSync(join(tmp, f), 'utf8'), readFileSync(join(dir, f.replace(/\.go$/, '.golden')), 'utf8'), f);
    }
    const left = JSON.parse(first.stdout) as { filePath: string; messages: { line: number }[] }[];
    assert.equal(left.find((r) => r.filePath.endsWith('basic.go'))?.messages ?? [], [], 'basic.go is clean after the fix');
    assert.is(left.find((r) => r.filePath.endsWith('unfixable.go'))?.messages.length, 4, 'the unfixable findings remain');
    assert.equal(left.find((r) => r.filePath.endsWith('derived.go'))?.messages ?? [], [], 'derived.go is clean after the fix');

    const second = runCli(['--fix', '--rule', 'unclosed-client', '.'], tmp);
    assert.is(second.code, 1);
    for (const f of inputs) {
      assert.equal(readFileSync(join(tmp, f), 'utf8'), readFileSync(join(dir, f.replace(/\.go$/, '.golden')), 'utf8'), `${f} unchanged`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('a handle made from the client and returned or stored gets neither a finding nor a fix', async () => {
  const text = readFileSync(join(dir, 'derived.go'), 'utf8');
  const r = await runRule(rule, text);
  const lineOf = (fn: string) => text.slice(0, text.indexOf(fn)).split('\n').length;
  const funcs = (d: { span: { start: { line: number } } }) =>
    ['bucket', 'object', 'open', 'newStore', 'reader', 'deleteObject', 'size', 'upload'].filter(
      (f) => lineOf(`${f}(ctx`) < d.span.start.line,
    ).pop();
  assert.equal(r.diagnostics.map(funcs), ['deleteObject', 'size', 'upload']);
  assert.ok(r.diagnostics.every((d) => d.suggestions?.length === 1), 'the reported ones are fixed');
});

test('leakhound --fix exits 0 when every finding was fixed', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'leakhound-fix-'));
  try {
    copyFileSync(join(dir, 'basic.go'), join(tmp, 'basic.go'));
    const r = runCli(['--fix', '--rule', 'unclosed-client', 'basic.go'], tmp);
    assert.is(r.code, 0, r.stdout + r.stderr);
    assert.equal(readFileSync(join(tmp, 'basic.go'), 'utf8'), readFileSync(join(dir, 'basic.golden'), 'utf8'));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('the JSON output carries the suggestion', () => {
  const r = runCli(['--format', 'json', '--rule', 'unclosed-client', join(dir, 'basic.go')]);
  assert.is(r.code, 1);
  const [res] = JSON.parse(r.stdout) as { messages: { line: number; suggestions?: { desc: string; fix: { range: [number, number]; text: string } }[] }[] }[];
  const first = res!.messages[0]!;
  assert.is(first.line, 18);
  assert.equal(first.suggestions?.map((s) => [s.desc, s.fix.text]), [['Add defer client.Close() after the error check', '\tdefer client.Close()\n']]);
});

test.run();

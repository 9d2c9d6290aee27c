// `--fix` never damages source: only reported findings are fixed, a file changed since the
// scan is left alone, writes go through a temporary file and a rename, read-only files are
// named, bytes that are not UTF-8 survive, and the run says what it fixed.
import { execFileSync } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { applyEditsToBytes, applyFixes, byteOffsets, writeAtomically } from '../src/cli/fix.js';
import { contentHash } from '../src/engine/task.js';
import type { AnyRule } from '../src/engine/types.js';
import { runMain, tempTree } from './inproc.js';
import { chanRule, tickerRule } from './support/rules.js';

// Two tickers (test-ticker's fix renames NewTicker to Tick) and a channel (no fix).
const TWO = `package p

import "time"

func a(d time.Duration) {
	t := time.NewTicker(d)
	_ = t
}

func b(d time.Duration) chan int {
	t := time.NewTicker(d)
	_ = t
	return make(chan int)
}
`;

const tickers = (text: string) => text.split('\n').filter((l) => l.includes('time.NewTicker')).length;
const read = (dir: string, f = 'a.go') => readFileSync(join(dir, f), 'utf8');

function git(dir: string, ...args: string[]) {
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@e', '-c', 'commit.gpgsign=false', ...args], { cwd: dir, stdio: 'ignore' });
}

test('--fix fixes every reported finding and says so on stderr', async () => {
  const dir = tempTree({ 'a.go': TWO });
  const r = await runMain(['--fix', '--no-cache', '--format', 'json', '.'], dir);
  assert.is(tickers(read(dir)), 0);
  assert.match(read(dir), /time\.Tick\(d\)/);
  assert.match(r.stderr, /^leakhound: fixed 2 problems in 1 file$/m);
  const left = JSON.parse(r.stdout) as { messages: { ruleId: string }[] }[];
  assert.equal(left[0]!.messages.map((m) => m.ruleId), ['test-chan'], 'the report shows what is left');
});

test('--fix leaves suppressed findings alone', async () => {
  const dir = tempTree({ 'a.go': TWO.replace('\tt := time.NewTicker(d)\n\t_ = t\n}\n\nfunc b', '\tt := time.NewTicker(d) //leakhound:ignore test-ticker stopped by the caller\n\t_ = t\n}\n\nfunc b') });
  const r = await runMain(['--fix', '--no-cache', '.'], dir);
  assert.is(tickers(read(dir)), 1, 'the suppressed ticker is still there');
  assert.match(read(dir), /NewTicker\(d\) \/\/leakhound:ignore/);
  assert.match(r.stderr, /fixed 1 problem in 1 file/);
});

test('--fix with --quiet fixes no warning', async () => {
  const dir = tempTree({ 'a.go': TWO, '.leakhound.yaml': 'rules:\n  test-ticker: warning\n' });
  const r = await runMain(['--fix', '--quiet', '--no-cache', '.'], dir);
  assert.is(read(dir), TWO);
  assert.match(r.stderr, /fixed 0 problems in 0 files/);
});

test('--fix with --baseline fixes only the findings the baseline does not hold', async () => {
  const dir = tempTree({ 'a.go': TWO.replace(/func b[^]*$/, '') });
  assert.is((await runMain(['--write-baseline', 'base.json', '--no-cache'], dir)).code, 0);
  const grown = read(dir) + TWO.slice(TWO.indexOf('func b'));
  writeFileSync(join(dir, 'a.go'), grown);
  const r = await runMain(['--fix', '--baseline', 'base.json', '--no-cache', '--format', 'json', '.'], dir);
  assert.is(tickers(read(dir)), 1, 'the baselined ticker in a() is left');
  assert.match(read(dir).slice(read(dir).indexOf('func b')), /time\.Tick\(d\)/, 'the new one in b() is fixed');
  assert.match(r.stderr, /fixed 1 problem in 1 file/);
});

test('--fix with --new-from-rev fixes only findings on changed lines (and reports them after the lines moved)', async () => {
  const dir = tempTree({ 'a.go': TWO.replace(/func b[^]*$/, '') });
  git(dir, 'init', '-q');
  git(dir, 'add', '.');
  git(dir, 'commit', '-qm', 'one');
  writeFileSync(join(dir, 'a.go'), read(dir) + TWO.slice(TWO.indexOf('func b')));
  const r = await runMain(['--fix', '--new-from-rev', 'HEAD', '--no-cache', '--format', 'json', '.'], dir);
  assert.is(tickers(read(dir)), 1, 'the committed ticker is left');
  const left = JSON.parse(r.stdout) as { messages: { ruleId: string; line: number }[] }[];
  assert.equal(left[0]!.messages.map((m) => `${m.line} ${m.ruleId}`), ['13 test-chan'], 'only the changed lines are reported, at their lines after the fix');
});

test('a file changed between the scan and the write is skipped, and the run says so', async () => {
  const dir = tempTree({ 'a.go': TWO });
  const file = join(dir, 'a.go');
  const edited = TWO.replace('package p\n', 'package p\n\n// an editor saved this while leakhound ran\n');
  // A rule that saves the file while the scan reads it, as an editor might.
  const saving: AnyRule = {
    ...tickerRule,
    create(ctx) {
      if (read(dir) !== edited) writeFileSync(file, edited);
      return tickerRule.create(ctx);
    },
  };
  const r = await runMain(['--fix', '--no-cache', '.'], dir, [saving, chanRule]);
  assert.is(read(dir), edited, 'the new content is untouched');
  assert.match(r.stderr, /^leakhound: a\.go: changed since it was analysed; not fixed \(run leakhound again\)$/m);
  assert.match(r.stderr, /fixed 0 problems in 0 files/);
});

test('the stale hash check, directly: nothing is written', () => {
  const dir = tempTree({ 'a.go': 'package p\n' });
  const diag = { ruleId: 'x', severity: 'error' as const, message: 'm', span: { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } }, suggestions: [{ desc: 'd', edits: [{ range: [0, 7] as [number, number], text: 'PACKAGE' }] }] };
  const out = applyFixes([{ filePath: 'a.go', diagnostics: [diag], notices: [] }], () => contentHash(Buffer.from('package q\n')), (f) => join(dir, f));
  assert.is(read(dir), 'package p\n');
  assert.equal(out.skipped.map((s) => s.filePath), ['a.go']);
  assert.is(out.fixed, 0);
});

test('a fix is written to a new file renamed over the old one, with its mode, and leaves no temporary file', async () => {
  const dir = tempTree({ 'a.go': TWO });
  chmodSync(join(dir, 'a.go'), 0o640);
  const before = statSync(join(dir, 'a.go'));
  await runMain(['--fix', '--no-cache', '.'], dir);
  const after = statSync(join(dir, 'a.go'));
  assert.is.not(after.ino, before.ino, 'renamed into place, not rewritten in place');
  assert.is(after.mode & 0o777, 0o640);
  assert.equal(readdirSync(dir).sort(), ['a.go']);
});

test('a write that fails (here: the temporary name is taken) leaves the original intact', () => {
  const dir = tempTree({ 'a.go': TWO, [`.a.go.leakhound-${process.pid}.tmp`]: 'in the way' });
  assert.throws(() => writeAtomically(join(dir, 'a.go'), Buffer.from('truncated')));
  assert.is(read(dir), TWO);
});

test('a read-only file: findings reported, the file named, exit 2, nothing written', async () => {
  const dir = tempTree({ 'a.go': TWO, 'b.go': TWO });
  chmodSync(join(dir, 'a.go'), 0o444);
  const r = await runMain(['--fix', '--no-cache', '--format', 'json', '.'], dir);
  assert.is(r.code, 2);
  assert.is(read(dir), TWO);
  assert.is(tickers(read(dir, 'b.go')), 0, 'the writable file is fixed');
  assert.match(r.stderr, /^leakhound: a\.go: read-only file; not fixed$/m);
  assert.match(r.stderr, /fixed 2 problems in 1 file$/m);
  const out = JSON.parse(r.stdout) as { filePath: string; messages: { ruleId: string }[] }[];
  assert.equal(out.find((x) => x.filePath === 'a.go')!.messages.map((m) => m.ruleId), ['test-ticker', 'test-ticker', 'test-chan']);
});

test('bytes that are not UTF-8 elsewhere in the file survive a fix', async () => {
  const head = Buffer.from('package p\n\nimport "time"\n\n// Latin-1: ');
  const bad = Buffer.from([0xe9, 0x74, 0xe9, 0x20, 0xff, 0xfe, 0xc3, 0x28, 0xf0, 0x9f, 0x98]); // é t é, FF FE, a broken pair, a cut emoji
  const tail = Buffer.from('\nvar s = "😀"\n\nfunc a(d time.Duration) {\n\tt := time.NewTicker(d)\n\t_ = t\n}\n');
  const dir = tempTree({});
  const file = join(dir, 'a.go');
  writeFileSync(file, Buffer.concat([head, bad, tail]));
  await runMain(['--fix', '--no-cache', '.'], dir);
  const want = Buffer.concat([head, bad, Buffer.from(tail.toString('utf8').replace('NewTicker', 'Tick'))]);
  assert.equal(readFileSync(file).toString('hex'), want.toString('hex'));
});

test('UTF-16 offsets map to the byte offsets the decoder used, on arbitrary bytes', () => {
  // A seeded generator, biased towards UTF-8 lead and continuation bytes.
  let seed = 7;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const pool = [0x41, 0x0a, 0x80, 0x8f, 0x9f, 0xa0, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xe1, 0xed, 0xef, 0xf0, 0xf1, 0xf4, 0xf5, 0xff];
  for (let round = 0; round < 500; round++) {
    const buf = Buffer.from(Array.from({ length: 1 + rnd(24) }, () => pool[rnd(pool.length)]!));
    const text = buf.toString('utf8');
    const offsets = [...Array(text.length + 1).keys()].filter((u) => !(u > 0 && u < text.length && /[\uD800-\uDBFF]/.test(text[u - 1]!)));
    const bytes = byteOffsets(buf, offsets);
    offsets.forEach((u, k) => assert.is(buf.subarray(0, bytes[k]).toString('utf8'), text.slice(0, u), `${buf.toString('hex')} at ${u}`));
  }
});

test('edits on bytes: insertions and replacements, in order', () => {
  const buf = Buffer.from('aé😀b');
  const out = applyEditsToBytes(buf, [
    { range: [1, 1], text: '[' },
    { range: [2, 4], text: 'X' },
    { range: [5, 5], text: ']' },
  ]);
  assert.is(out.toString('utf8'), 'a[éXb]');
});

test.run();

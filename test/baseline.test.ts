// Baselines (survive lines moving, count duplicates) and --new-from-rev (git diff).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseDiff } from '../src/cli/gitdiff.js';
import { runMain, tempTree, TICKER_GO } from './inproc.js';

const rulesOf = (stdout: string) =>
  (JSON.parse(stdout) as { filePath: string; messages: { ruleId: string; line: number }[] }[]).flatMap((r) => r.messages.map((m) => `${r.filePath}:${m.line} ${m.ruleId}`));

test('a baseline hides recorded findings, even after lines move, and shows new ones', async () => {
  const dir = tempTree({ 'a.go': TICKER_GO });
  const w = await runMain(['--write-baseline', 'base.json'], dir);
  assert.is(w.code, 0, w.stderr);
  assert.match(w.stderr, /wrote 2 finding\(s\) to the baseline base.json/);
  const base = JSON.parse(readFileSync(join(dir, 'base.json'), 'utf8')) as { version: number; findings: Record<string, Record<string, Record<string, number>>> };
  assert.is(base.version, 1);
  assert.equal(Object.keys(base.findings), ['a.go']);
  assert.equal(Object.keys(base.findings['a.go']!), ['test-chan', 'test-ticker']);

  const same = await runMain(['--baseline', 'base.json', '--format', 'json'], dir);
  assert.is(same.code, 0);
  assert.equal(rulesOf(same.stdout), []);

  // lines move down, and a second ticker appears with the same line text (a count of 2 > 1)
  writeFileSync(join(dir, 'a.go'), TICKER_GO.replace('import "time"\n', 'import "time"\n\n// moved\n') + '\nfunc poll2(d time.Duration) {\n\tt := time.NewTicker(d)\n\t_ = t\n}\n');
  const moved = await runMain(['--baseline', 'base.json', '--format', 'json'], dir);
  assert.is(moved.code, 1);
  assert.equal(rulesOf(moved.stdout), ['a.go:17 test-ticker']);
});

test('a missing or malformed baseline is exit 2', async () => {
  const dir = tempTree({ 'a.go': TICKER_GO, 'bad.json': '{"version": 2}' });
  const missing = await runMain(['--baseline', 'nope.json'], dir);
  assert.is(missing.code, 2);
  assert.is(missing.stderr, 'leakhound: --baseline: nope.json: no such file\n');
  const bad = await runMain(['--baseline', 'bad.json'], dir);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /not a leakhound baseline/);
});

test('parseDiff: added and changed lines per file, deletions add nothing', () => {
  const diff = [
    'diff --git a/a.go b/a.go',
    '--- a/a.go',
    '+++ b/a.go',
    '@@ -3 +3 @@ x',
    '@@ -10,2 +11,3 @@',
    '@@ -20,4 +23,0 @@',
    'diff --git a/gone.go b/gone.go',
    '--- a/gone.go',
    '+++ /dev/null',
    '@@ -1,3 +0,0 @@',
    '+++ b/x y.go\t',
    '@@ -0,0 +1 @@',
  ].join('\n');
  const m = parseDiff(diff, '/r');
  assert.equal([...m.keys()], ['/r/a.go', '/r/x y.go']);
  assert.equal([...(m.get('/r/a.go') as Set<number>)], [3, 11, 12, 13]);
});

function git(dir: string, ...args: string[]) {
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@e', '-c', 'commit.gpgsign=false', ...args], { cwd: dir, stdio: 'ignore' });
}

test('--new-from-rev reports only findings on lines changed since the rev, and new files', async () => {
  const dir = tempTree({ 'a.go': TICKER_GO });
  git(dir, 'init', '-q');
  git(dir, 'add', '.');
  git(dir, 'commit', '-qm', 'one');
  writeFileSync(join(dir, 'a.go'), TICKER_GO + '\nfunc later(d time.Duration) {\n\tt := time.NewTicker(d)\n\t_ = t\n}\n');
  writeFileSync(join(dir, 'new.go'), 'package p\n\nfunc c() chan int { return make(chan int) }\n');
  const r = await runMain(['--new-from-rev', 'HEAD', '--format', 'json'], dir);
  assert.is(r.code, 1, r.stderr);
  assert.equal(rulesOf(r.stdout), ['a.go:15 test-ticker', 'new.go:3 test-chan']);
});

test('--new-from-rev: not a repository, unknown rev: exit 2 with one line', async () => {
  const plain = tempTree({ 'a.go': TICKER_GO });
  const r1 = await runMain(['--new-from-rev', 'HEAD'], plain);
  assert.is(r1.code, 2);
  assert.match(r1.stderr, /^leakhound: --new-from-rev: .* is not inside a git repository\n$/);
  git(plain, 'init', '-q');
  const r2 = await runMain(['--new-from-rev', 'no-such-branch'], plain);
  assert.is(r2.code, 2);
  assert.is(r2.stderr, "leakhound: --new-from-rev: unknown revision 'no-such-branch'\n");
});

test.run();

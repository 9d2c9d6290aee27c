// What Go developers expect of a linter: package patterns, one exit rule, a line format,
// build constraints, git and baselines from the scanned repository, no cache in the
// repository, and a config that refuses ambiguity.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { userCacheDir } from '../src/cli/cachedir.js';
import { HELP } from '../src/cli/config.js';
import { packageRoot } from './helpers.js';
import { runMain, tempTree, TICKER_GO } from './inproc.js';

const CHAN_ONLY = 'package p\n\nfunc pipe() chan int {\n\treturn make(chan int)\n}\n';

function git(dir: string, ...args: string[]) {
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@e', '-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main', ...args], { cwd: dir, stdio: 'ignore' });
}

const lines = (stdout: string) => stdout.trimEnd().split('\n').filter(Boolean);

test('./... and dir/... are the directory, scanned recursively', async () => {
  const dir = tempTree({ 'a.go': CHAN_ONLY, 'sub/b.go': CHAN_ONLY, 'sub/deep/c.go': CHAN_ONLY });
  const all = await runMain(['--no-cache', '--format', 'line', './...'], dir);
  assert.is(all.code, 1, all.stderr);
  assert.equal(lines(all.stdout).map((l) => l.split(':')[0]), ['a.go', 'sub/b.go', 'sub/deep/c.go']);
  const sub = await runMain(['--no-cache', '--format', 'line', 'sub/...'], dir);
  assert.equal(lines(sub.stdout).map((l) => l.split(':')[0]), ['sub/b.go', 'sub/deep/c.go']);
  const missing = await runMain(['--no-cache', 'nope/...'], dir);
  assert.is(missing.code, 2);
});

test('one exit rule: a warning alone exits 1, --max-warnings lets warnings pass, --quiet drops them; --help says so', async () => {
  const dir = tempTree({ 'a.go': CHAN_ONLY }); // test-chan: a warning
  assert.is((await runMain(['--no-cache', '.'], dir)).code, 1);
  assert.is((await runMain(['--no-cache', '--max-warnings', '1', '.'], dir)).code, 0);
  assert.is((await runMain(['--no-cache', '--quiet', '.'], dir)).code, 0);
  assert.match(HELP, /1 findings reported, warnings too/);
  const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8');
  assert.match(readme, /\| 1 \| findings reported, warnings too/);
  assert.not.match(readme, /--max-warnings=0/, 'no advice that is now the default');
});

test('--format line: file:line:col: message (rule-id), sorted, notices without a rule', async () => {
  const dir = tempTree({ 'b.go': TICKER_GO, 'a.go': 'package p\n\nfunc f( {\n\t_ = make(chan int)\n}\n' });
  const r = await runMain(['--no-cache', '--format', 'line', '.'], dir);
  const out = lines(r.stdout);
  assert.equal(out.slice(-2), [
    'b.go:6:7: ticker from time.NewTicker in poll is never stopped (it keeps firing); add defer t.Stop() (test-ticker)',
    'b.go:11:9: channel made here (test-chan)',
  ]);
  assert.match(out[0]!, /^a\.go:\d+:\d+: syntax error; the file was analysed where its tree is sound$/);
  assert.ok(out.every((l) => /^[ab]\.go:\d+:\d+: /.test(l)));
  const unix = await runMain(['--no-cache', '--format', 'unix', 'b.go'], dir);
  assert.is(unix.stdout, out.slice(-2).join('\n') + '\n', 'unix is the same format');
});

test('a //go:build ignore file is part of no package: skipped, unless --no-default-skips', async () => {
  const dir = tempTree({ 'gen.go': '//go:build ignore\n\n' + CHAN_ONLY, 'plus.go': '// +build ignore\n\n' + CHAN_ONLY, 'linux.go': '//go:build linux\n\n' + CHAN_ONLY });
  const r = await runMain(['--no-cache', '--format', 'line', '.'], dir);
  assert.equal(lines(r.stdout).map((l) => l.split(':')[0]), ['linux.go']);
  const all = await runMain(['--no-cache', '--format', 'line', '--no-default-skips', '.'], dir);
  assert.equal(lines(all.stdout).map((l) => l.split(':')[0]), ['gen.go', 'linux.go', 'plus.go']);
  const stats = await runMain(['--no-cache', '--stats', '.'], dir);
  assert.match(stats.stderr, /2 never built \(\/\/go:build ignore\)/);
});

test('--new-from-rev asks the repository of the scanned path, not the working directory', async () => {
  const repo = tempTree({ 'a.go': CHAN_ONLY });
  git(repo, 'init', '-q');
  git(repo, 'add', '.');
  git(repo, 'commit', '-qm', 'one');
  writeFileSync(join(repo, 'b.go'), CHAN_ONLY);
  const elsewhere = tempTree({}); // not a git repository
  const r = await runMain(['--no-cache', '--format', 'line', '--new-from-rev', 'HEAD', repo], elsewhere);
  assert.is(r.stderr, '');
  assert.equal(lines(r.stdout).map((l) => l.slice(repo.length + 1).split(':')[0]), ['b.go'], 'only the new file');
});

test('a baseline names files from the root of the scanned repository, whatever the working directory', async () => {
  const repo = tempTree({ 'pkg/a.go': CHAN_ONLY });
  mkdirSync(join(repo, '.git'));
  const elsewhere = tempTree({});
  const w = await runMain(['--no-cache', '--write-baseline', join(repo, 'base.json'), join(repo, 'pkg')], elsewhere);
  assert.is(w.code, 0, w.stderr);
  const base = JSON.parse(readFileSync(join(repo, 'base.json'), 'utf8')) as { findings: Record<string, unknown> };
  assert.equal(Object.keys(base.findings), ['pkg/a.go']);
  const fromRepo = await runMain(['--no-cache', '--baseline', 'base.json', 'pkg'], repo);
  assert.is(fromRepo.code, 0, 'the same baseline holds from inside the repository');
});

test('the result cache lives in the user cache directory, never in the scanned repository', async () => {
  const repo = tempTree({ 'a.go': CHAN_ONLY });
  mkdirSync(join(repo, '.git'));
  const before = existsSync(userCacheDir()) ? readdirSync(userCacheDir()).length : 0;
  await runMain(['.'], repo);
  assert.equal(readdirSync(repo).sort(), ['.git', 'a.go'], 'nothing added to the repository');
  assert.ok(readdirSync(userCacheDir()).length > before, 'a project directory in the user cache');
  assert.is(userCacheDir({ XDG_CACHE_HOME: '/x/cache' }, 'linux', '/home/u'), '/x/cache/leakhound');
  assert.is(userCacheDir({}, 'linux', '/home/u'), '/home/u/.cache/leakhound');
  assert.is(userCacheDir({}, 'darwin', '/Users/u'), '/Users/u/Library/Caches/leakhound');
  assert.is(userCacheDir({ XDG_CACHE_HOME: 'relative' }, 'linux', '/home/u'), '/home/u/.cache/leakhound', 'a relative XDG_CACHE_HOME is ignored, as the spec says');
});

test('two config files in one directory is an error naming both', async () => {
  const dir = tempTree({ 'a.go': CHAN_ONLY, 'leakhound.config.json': '{}', '.leakhound.yaml': 'rules: {}\n' });
  const r = await runMain(['--no-cache', '.'], dir);
  assert.is(r.code, 2);
  assert.is(r.stderr, 'leakhound: leakhound.config.json and .leakhound.yaml: more than one config file in one directory; keep one\n');
});

test('a threshold of zero or below is an error', async () => {
  for (const limit of [0, -3]) {
    const dir = tempTree({ 'a.go': CHAN_ONLY, 'leakhound.config.json': JSON.stringify({ rules: { 'test-ticker': { options: { limit } } } }) });
    const r = await runMain(['--no-cache', '.'], dir);
    assert.is(r.code, 2);
    assert.is(r.stderr, 'leakhound: leakhound.config.json: rules.test-ticker.options.limit: expected a number above 0 (the default is 3)\n');
  }
});

test.run();

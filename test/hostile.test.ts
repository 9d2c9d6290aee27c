// Hostile or unlucky input at the command line: absurd --jobs, a stdout that fails, unreadable
// directories, control characters in file names, user mistakes that are not internal errors,
// binary files the prefilter would skip, and merges of partial or relocated shard reports.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mergeAt, parseCli } from '../src/cli/config.js';
import { missingShards } from '../src/cli/merge.js';
import { printable } from '../src/report/printable.js';
import { CLIENT_LEAK_GO as LEAK, cliPath, runCli } from './helpers.js';
import { runMain, tempTree, TICKER_GO } from './inproc.js';


test('--jobs is capped at the available cores', () => {
  assert.is(parseCli(['--jobs', '1000'], []).config.jobs, availableParallelism());
  assert.is(parseCli(['-j', '1'], []).config.jobs, 1);
});

test('stdout that fails with an error: one line on stderr, exit 2, no stack trace', () => {
  const dir = tempTree({ 'a.go': LEAK });
  const full = openSync('/dev/full', 'w');
  try {
    const r = spawnSync(process.execPath, [cliPath, '--no-cache', '.'], { cwd: dir, stdio: ['ignore', full, 'pipe'], encoding: 'utf8' });
    assert.is(r.status, 2);
    assert.is(r.stderr, 'leakhound: cannot write the report to stdout: no space left on device\n');
  } finally {
    closeSync(full);
  }
});

test('stdout closed by its reader (| head): the run ends quietly with its own exit code', async () => {
  // Enough findings to overflow a pipe's buffer.
  const files: Record<string, string> = {};
  for (let i = 0; i < 300; i++) files[`f${i}.go`] = LEAK;
  const dir = tempTree(files);
  const child = spawn(process.execPath, [cliPath, '--no-cache', '--format', 'json', '.'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b) => (stderr += b));
  child.stdout.once('data', () => child.stdout.destroy());
  const code = await new Promise<number | null>((done) => child.on('close', (c) => done(c)));
  assert.is(stderr, '');
  assert.is(code, 1, 'findings: 1, as if the reader had read them all');
});

/** Runs the CLI as an unprivileged user when we are root (root reads any directory). */
function runAsUser(args: string[], cwd: string) {
  const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  const r = spawnSync(process.execPath, [cliPath, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, ...asNobody });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('an unreadable directory is a notice in every format and exit 2; the rest is still reported', () => {
  const dir = tempTree({ 'a.go': LEAK, 'locked/b.go': LEAK });
  chmodSync(dir, 0o755);
  chmodSync(join(dir, 'locked'), 0o000);
  try {
    const json = runAsUser(['--no-cache', '--format', 'json', '.'], dir);
    assert.is(json.code, 2, json.stderr);
    const out = JSON.parse(json.stdout) as { filePath: string; messages: { ruleId: string | null; message: string }[] }[];
    assert.equal(out.map((r) => r.filePath), ['a.go', 'locked']);
    assert.ok(out[0]!.messages.some((m) => m.ruleId === 'unclosed-client'), 'a.go still reported');
    assert.equal(out[1]!.messages.map((m) => m.message), ['cannot read directory: permission denied']);
    assert.match(json.stderr, /^leakhound: locked: cannot read directory: permission denied$/m);
    const pretty = runAsUser(['--no-cache', '.'], dir);
    assert.match(pretty.stdout, /cannot read directory: permission denied/);
    const named = runAsUser(['--no-cache', '--format', 'line', 'locked/b.go'], dir);
    assert.is(named.code, 2);
    assert.is(named.stdout, 'locked/b.go:1:1: cannot read: permission denied\n', 'not "no such file"');
  } finally {
    chmodSync(join(dir, 'locked'), 0o755);
  }
});

test('control characters in a file name are escaped in every human-readable format', () => {
  const name = 'a\n::error file=x.go::injected\x1b[2J.go';
  const dir = tempTree({});
  writeFileSync(join(dir, name), LEAK);
  writeFileSync(join(dir, 'bin\x1b]0;title\x07.go'), Buffer.from([0x70, 0, 0x71])); // a binary file: a notice on stderr
  for (const format of ['pretty', 'line', 'github']) {
    const r = runCli(['--no-cache', '--format', format, '.'], dir);
    assert.is(r.code, 1, r.stderr);
    const lines = (r.stdout + r.stderr).split('\n');
    assert.not.ok(lines.some((l) => l.startsWith('::error file=x.go')), `${format}: no injected workflow command`);
    assert.not.ok(/[\x00-\x08\x0b-\x1f\x7f]/.test(r.stdout.replace(/\x1b\[[0-9;]*m/g, '')), `${format}: no raw control characters on stdout`);
    assert.not.ok(/\x1b\]|\x07/.test(r.stderr), `${format}: none on stderr`);
  }
  const line = runCli(['--no-cache', '--format', 'line', '.'], dir);
  assert.match(line.stdout, 'a\\n::error file=x.go::injected\\x1b[2J.go:10:2: client c from secretmanager.NewClient');
  assert.is(printable('\u202eevil\u2066'), '\\u202eevil\\u2066', 'bidirectional overrides too');
});

test('user mistakes name the file and say what is wrong (no "internal error")', async () => {
  const dir = tempTree({ 'a.go': TICKER_GO });
  const out = await runMain(['-o', 'no/such/dir/report.json', '.'], dir);
  assert.is(out.code, 2);
  assert.is(out.stderr, 'leakhound: cannot write the report to no/such/dir/report.json: no such file or directory\n');
  const base = await runMain(['--write-baseline', 'no/such/dir/base.json', '--no-cache', '.'], dir);
  assert.is(base.code, 2);
  assert.is(base.stderr, 'leakhound: cannot write the baseline to no/such/dir/base.json: no such file or directory\n');
  const aliases = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
  for (const k of 'bcdefg') aliases.push(`${k}: &${k} [${Array(9).fill(`*${String.fromCharCode(k.charCodeAt(0) - 1)}`).join(',')}]`);
  writeFileSync(join(dir, 'bomb.yaml'), aliases.join('\n') + '\nrules: *g\n');
  const bomb = await runMain(['--config', 'bomb.yaml', '.'], dir);
  assert.is(bomb.code, 2);
  assert.match(bomb.stderr, /^leakhound: bomb\.yaml: invalid YAML: Excessive alias count/);
});

test('a binary .go file gets its notice even when its NUL comes late and no rule word is in it', () => {
  const dir = tempTree({});
  writeFileSync(join(dir, 'blob.go'), Buffer.concat([Buffer.alloc(20_000, 0x61), Buffer.from([0]), Buffer.alloc(10, 0x62)]));
  const r = runCli(['--no-cache', '--format', 'line', '.'], dir);
  assert.is(r.stdout, 'blob.go:1:1: binary file, not Go source; skipped\n');
  assert.is(r.code, 0, 'a notice, not a failure');
});

test('merge is found after options: --no-cache merge joins reports instead of scanning them', async () => {
  assert.is(mergeAt(['--no-cache', 'merge', 'a.json']), 1);
  assert.is(mergeAt(['-f', 'sarif', 'merge', 'a.json']), 2);
  assert.is(mergeAt(['-o', 'merge', 'a.json']), -1, 'the value of -o is not the subcommand');
  assert.is(mergeAt(['./merge']), -1);
  const dir = tempTree({ 'a.go': TICKER_GO });
  await runMain(['--no-cache', '-f', 'json', '-o', 'r.json', '.'], dir);
  const r = await runMain(['--no-cache', 'merge', 'r.json'], dir);
  assert.is(r.stdout, readFileSync(join(dir, 'r.json'), 'utf8'));
});

test('merge warns when a shard is missing, and keeps SARIF fingerprints when run from another directory', async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 12; i++) files[`src/f${i}.go`] = TICKER_GO;
  const dir = tempTree(files);
  mkdirSync(join(dir, '.git'));
  for (const k of [1, 2, 3]) await runMain(['--no-cache', '--shard', `${k}/3`, '-f', 'json', '-o', `r${k}.json`, 'src'], dir);
  const here = await runMain(['merge', '-f', 'sarif', 'r1.json', 'r2.json', 'r3.json'], dir);
  assert.is(here.stderr, '');
  const elsewhere = await runMain(['merge', '-f', 'sarif', join(dir, 'r1.json'), join(dir, 'r2.json'), join(dir, 'r3.json')], join(dir, 'src'));
  assert.is(elsewhere.stdout, here.stdout, 'the same SARIF from another directory');
  const log = JSON.parse(here.stdout) as { runs: { results: { partialFingerprints?: unknown }[] }[] };
  assert.ok(log.runs[0]!.results.length >= 24);
  assert.ok(log.runs[0]!.results.every((x) => x.partialFingerprints), 'every result has its fingerprint');

  const partial = await runMain(['merge', 'r1.json', 'r3.json'], dir);
  assert.match(partial.stderr, /^leakhound: merge: warning: shard 2\/3 missing: the merged report covers only part of the files$/m);
  assert.is(missingShards(['1/3', undefined, '3/3']), undefined, 'an empty shard writes [] and may be the third');
  assert.match(missingShards(['1/3', '1/3', '2/3'])!, /given more than once/);
  assert.match(missingShards(['1/2', '1/3'])!, /different shard counts/);
});

test.run();

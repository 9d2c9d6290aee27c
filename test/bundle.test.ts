// The command runs from the build's bundle (dist/src/cli.bundle.cjs) with a V8 code cache
// (src/cli.cts): the bundle must report exactly what the compiled modules report, and the
// cache the build made must be one this Node accepts (else every start compiles afresh).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as zlib from 'node:zlib';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cliPath, fixturesDir, goFilesIn, packageRoot } from './helpers.js';
import { activeRules, defaultRuleSettings } from '../src/cli/config.js';
import { scanFilesWithStats } from '../src/engine/run.js';
import { formatJson } from '../src/report/json.js';
import { docsUrl } from '../src/report/docs.js';
import { allRules } from '../rules/index.js';

const bundle = join(packageRoot, 'dist', 'src', 'cli.bundle.cjs');
const haveEsbuild = (() => {
  try {
    createRequire(join(packageRoot, 'package.json')).resolve('esbuild');
    return true;
  } catch {
    return false;
  }
})();

(haveEsbuild ? test : test.skip)('the build bundles the command, with a code cache a fresh process of this Node accepts', () => {
  assert.ok(existsSync(bundle), 'dist/src/cli.bundle.cjs');
  // src/cli.cts runs it only when it is newer than the last compile.
  assert.ok(statSync(bundle).mtimeMs >= statSync(join(packageRoot, 'dist', '.tsbuildinfo')).mtimeMs, 'the bundle is newer than the compile');
  const name = /^\/\/ code cache: (\S+)/.exec(readFileSync(bundle, 'utf8'))?.[1];
  assert.ok(name, 'the bundle names its cache');
  assert.ok(existsSync(join(packageRoot, 'dist', 'src', name!)), name);
  // In a process of its own: V8 takes a cache only under the flags it was made with, and
  // tests in this process change flags (main() sets --liftoff-only for small runs).
  const check = `const fs = require('node:fs'); const text = fs.readFileSync(${JSON.stringify(bundle)}, 'utf8');
const s = new (require('node:vm').Script)(require('node:module').wrap(text), { filename: ${JSON.stringify(bundle)}, cachedData: fs.readFileSync(${JSON.stringify(join(packageRoot, 'dist', 'src', name!))}) });
process.stdout.write(String(s.cachedDataRejected));`;
  const r = spawnSync(process.execPath, ['-e', check], { encoding: 'utf8' });
  assert.is(r.stdout, 'false', r.stderr);
});

(haveEsbuild ? test : test.skip)('the bundle is ASCII, so that the command reads it without decoding UTF-8', () => {
  const text = readFileSync(bundle, 'latin1');
  const at = text.search(/[^\x00-\x7f]/);
  assert.is(at, -1, `a non-ASCII byte at offset ${at}: ${JSON.stringify(text.slice(Math.max(0, at - 60), at + 20))}`);
});

test('the code cache is made under the flags a process starts with: the build undoes every flag a scan sets', async () => {
  // scripts/codecache.cjs runs a scan on the fixtures and then writes the cache; a flag left
  // set there changes V8's flag hash, and every later start would reject the cache.
  const { BIG_SCAN_FLAGS } = await import('../src/engine/run.js');
  const script = readFileSync(join(packageRoot, 'scripts', 'codecache.cjs'), 'utf8');
  const name = (flag: string) => flag.replace(/^--(no-)?/, '').replace(/=.*/, '');
  const undone = new Set([...script.matchAll(/'(--[a-z-]+(?:=\d+)?)'/g)].map((m) => name(m[1]!)));
  assert.ok(BIG_SCAN_FLAGS.length > 0);
  for (const flag of [...BIG_SCAN_FLAGS, '--liftoff-only']) assert.ok(undone.has(name(flag)), `${flag} undone in scripts/codecache.cjs`);
});

test('the code cache build puts each valued flag a scan sets back to this V8\'s own default', async () => {
  // A value other than the default leaves the flag hash changed as surely as a flag left set.
  const { BIG_SCAN_FLAGS, DEFAULT_INTERRUPT_BUDGET } = await import('../src/engine/run.js');
  const options = spawnSync(process.execPath, ['--v8-options'], { encoding: 'utf8' }).stdout;
  const defaultOf = (name: string) => new RegExp(`default: --${name}=(\\d+)`).exec(options)?.[1];
  assert.is(defaultOf('interrupt-budget'), String(DEFAULT_INTERRUPT_BUDGET));
  const script = readFileSync(join(packageRoot, 'scripts', 'codecache.cjs'), 'utf8');
  const valued = BIG_SCAN_FLAGS.map((f) => /^--([a-z-]+)=\d+$/.exec(f)?.[1]).filter((n): n is string => n !== undefined);
  assert.ok(valued.includes('interrupt-budget'));
  for (const name of valued) {
    const reset = new RegExp(`'--${name}=(\\d+)'`).exec(script)?.[1];
    assert.is(reset, defaultOf(name), `--${name} put back to V8's default in scripts/codecache.cjs`);
  }
});

test('the bundle and the compiled modules report the same, in JSON and in the pretty format', () => {
  // Directories with packages of several files, scanned on the main thread (--jobs 1).
  const ids = ['unclosed-client', 'goroutine-blocked-send'];
  const dirs = ids.map((d) => join(fixturesDir, d));
  for (const format of ['json', 'pretty']) {
    const args = [cliPath, '--no-cache', '--jobs', '1', '--no-default-skips', '-f', format, ...dirs];
    // Links on (FORCE_HYPERLINK): the pretty report links each rule to its docs, in the bundle
    // too, where the formatter's own table of ESLint plugins' docs is a stub (scripts/build.mjs).
    const run = (env: NodeJS.ProcessEnv) => spawnSync(process.execPath, args, { cwd: packageRoot, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_HYPERLINK: '1', ...env } });
    const bundled = run({});
    const modules = run({ LEAKHOUND_NO_BUNDLE: '1' });
    assert.is(bundled.status, 1, bundled.stderr);
    assert.is(bundled.status, modules.status);
    assert.ok(bundled.stdout.length > 100, 'findings reported');
    assert.is(bundled.stdout, modules.stdout, format);
    assert.is(bundled.stderr, modules.stderr);
    if (format === 'pretty') for (const id of ids) assert.ok(bundled.stdout.includes(docsUrl(id)), `a link to ${docsUrl(id)}`);
  }
});

(haveEsbuild ? test : test.skip)('a run the result cache answers does not load the scan bundle; a run that scans does, and both report the same', () => {
  // The files the process reads, from a module preloaded before the command.
  const dir = mkdtempSync(join(tmpdir(), 'leakhound-split-'));
  const log = join(dir, 'read.log');
  const preload = join(dir, 'preload.cjs');
  writeFileSync(preload, `const fs = require('node:fs'); const read = fs.readFileSync;
fs.readFileSync = function (p, ...rest) { if (typeof p === 'string') fs.appendFileSync(${JSON.stringify(log)}, p + '\\n'); return read.call(this, p, ...rest); };
process.on('exit', () => fs.appendFileSync(${JSON.stringify(log)}, process.moduleLoadList.join('\\n') + '\\n'));`);
  const target = join(fixturesDir, 'unclosed-client');
  const run = () => {
    writeFileSync(log, '');
    const r = spawnSync(process.execPath, ['-r', preload, cliPath, '--cache-location', join(dir, 'cache'), '--jobs', '1', '-f', 'json', target], { cwd: packageRoot, encoding: 'utf8' });
    return { ...r, read: readFileSync(log, 'utf8').split('\n') };
  };
  try {
    const cold = run();
    const warm = run();
    assert.is(cold.status, 1, cold.stderr);
    assert.ok(cold.stdout.length > 100, 'findings reported');
    assert.is(warm.stdout, cold.stdout);
    assert.is(warm.status, cold.status);
    const scanBundle = join(packageRoot, 'dist', 'src', 'scan.bundle.cjs');
    assert.ok(cold.read.includes(join(packageRoot, 'dist', 'src', 'cli.bundle.cjs')), 'the command ran from its bundle');
    assert.ok(cold.read.includes(scanBundle), 'the cold run loaded the scan bundle');
    assert.not.ok(warm.read.includes(scanBundle), 'the warm run did not');
    // The cold run hashed the files' contents (SHA-1); the warm run's checksums and names are
    // CRC-32 where Node has it, so it never loads node:crypto.
    assert.ok(cold.read.includes('NativeModule crypto'), 'the cold run hashed with node:crypto');
    if (typeof (zlib as { crc32?: unknown }).crc32 === 'function') assert.not.ok(warm.read.includes('NativeModule crypto'), 'the warm run did not load node:crypto');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const workerBundle = join(packageRoot, 'dist', 'src', 'engine', 'worker.bundle.cjs');

(haveEsbuild ? test : test.skip)('the build bundles the worker threads, with a code cache a worker started after the big-scan flags accepts', () => {
  assert.ok(existsSync(workerBundle), 'dist/src/engine/worker.bundle.cjs');
  assert.ok(statSync(workerBundle).mtimeMs >= statSync(join(packageRoot, 'dist', '.tsbuildinfo')).mtimeMs, 'the bundle is newer than the compile');
  const name = /^\/\/ code cache: (\S+)/.exec(readFileSync(workerBundle, 'utf8'))?.[1];
  assert.ok(name && existsSync(join(packageRoot, 'dist', 'src', 'engine', name)), String(name));
  const cache = join(packageRoot, 'dist', 'src', 'engine', name!);
  // In a process of its own, as the command does: the big-scan flags set, then a worker
  // that compiles the bundle with the cache (tests in this process change flags).
  const check = (flags: boolean) => `const { Worker } = require('node:worker_threads');
if (${flags}) for (const f of require(${JSON.stringify(join(packageRoot, 'dist', 'src', 'engine', 'worker.bundle.cjs'))}).BIG_SCAN_FLAGS) require('node:v8').setFlagsFromString(f);
const w = new Worker(\`const fs = require('node:fs');
const s = new (require('node:vm').Script)(require('node:module').wrap(fs.readFileSync(${JSON.stringify(workerBundle)}, 'latin1')), { filename: ${JSON.stringify(workerBundle)}, cachedData: fs.readFileSync(${JSON.stringify(cache)}) });
require('node:worker_threads').parentPort.postMessage(String(s.cachedDataRejected));\`, { eval: true });
w.on('message', (m) => { process.stdout.write(m); process.exit(0); });`;
  const accepted = spawnSync(process.execPath, ['-e', check(true)], { encoding: 'utf8' });
  assert.is(accepted.stdout, 'false', accepted.stderr);
  // Made under those flags: a process without them rejects it (so the flags are what it checks).
  const plain = spawnSync(process.execPath, ['-e', check(false)], { encoding: 'utf8' });
  assert.is(plain.stdout, 'true', plain.stderr);
});

(haveEsbuild ? test : test.skip)('the command\'s runs compile no bundle afresh: V8 accepts the command\'s, the scan bundle\'s and the workers\' caches', async () => {
  // The tests above check each cache in a process of its own; here the command runs as a user
  // runs it, with whatever flags it sets before each bundle loads (a small run sets
  // --liftoff-only, a big one the big-scan flags). A preloaded module sees each script
  // compiled with a code cache, in every thread, and whether V8 rejected the cache.
  const { MIN_PARALLEL_BYTES } = await import('../src/engine/run.js');
  const { SMALL_RUN } = await import('../src/cli/main.js');
  const dir = mkdtempSync(join(tmpdir(), 'leakhound-accept-'));
  const log = join(dir, 'scripts.log');
  const preload = join(dir, 'preload.cjs');
  writeFileSync(preload, `const vm = require('node:vm'); const { appendFileSync } = require('node:fs'); const { basename } = require('node:path');
const { isMainThread } = require('node:worker_threads'); const Script = vm.Script;
vm.Script = class extends Script { constructor(code, o) { super(code, o);
  if (o && o.cachedData) appendFileSync(${JSON.stringify(log)}, (isMainThread ? 'main ' : 'worker ') + basename(o.filename) + (this.cachedDataRejected ? ' rejected' : ' accepted') + '\\n'); } };`);
  const run = (args: string[]) => {
    writeFileSync(log, '');
    const r = spawnSync(process.execPath, ['-r', preload, cliPath, '--no-cache', '-f', 'json', ...args], { cwd: packageRoot, encoding: 'utf8' });
    assert.ok(r.status === 0 || r.status === 1, r.stderr);
    return readFileSync(log, 'utf8').split('\n').filter(Boolean);
  };
  try {
    // A small run scans in-thread: the scan bundle loads, and then the run sets --liftoff-only.
    assert.equal(run(['--jobs', '1', join(fixturesDir, 'unclosed-client')]), ['main cli.bundle.cjs accepted', 'main scan.bundle.cjs accepted']);
    // A big one (MIN_PARALLEL_BYTES, more than SMALL_RUN files) scans in workers started after
    // the big-scan flags. The big file is a comment, cheap to scan.
    const big = join(dir, 'big');
    mkdirSync(big);
    writeFileSync(join(big, 'big.go'), 'package big\n\n' + '// filler\n'.repeat(Math.ceil(MIN_PARALLEL_BYTES / 10)));
    for (let i = 0; i < SMALL_RUN; i++) writeFileSync(join(big, `s${i}.go`), `package big\n\nfunc f${i}() {}\n`);
    assert.equal(run(['--jobs', '2', big]), ['main cli.bundle.cjs accepted', 'worker worker.bundle.cjs accepted', 'worker worker.bundle.cjs accepted']);
    // Few files (SMALL_RUN or fewer: the command asks for --liftoff-only) that are big all the
    // same: the workers take the big-scan flags alone, under which their cache was made.
    const few = join(dir, 'few');
    mkdirSync(few);
    writeFileSync(join(few, 'big.go'), readFileSync(join(big, 'big.go')));
    writeFileSync(join(few, 's.go'), 'package big\n\nfunc f() {}\n');
    assert.equal(run(['--jobs', '2', few]), ['main cli.bundle.cjs accepted', 'worker worker.bundle.cjs accepted', 'worker worker.bundle.cjs accepted']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('workers from the bundle report what workers from the compiled modules report', async () => {
  const files = goFilesIn(fixturesDir);
  const rules = activeRules({ rules: defaultRuleSettings(allRules) }, allRules);
  const opts = { rules, knownRules: allRules.map((r) => r.meta.id), jobs: 2, minParallelBytes: 0 };
  const bundled = await scanFilesWithStats(files, opts);
  process.env.LEAKHOUND_NO_BUNDLE = '1';
  let modules;
  try {
    modules = await scanFilesWithStats(files, opts);
  } finally {
    delete process.env.LEAKHOUND_NO_BUNDLE;
  }
  assert.is(bundled.stats.workers, 2);
  const json = formatJson(bundled.results);
  assert.ok(json.length > 10_000, 'findings reported');
  assert.is(json, formatJson(modules.results));
});

test('dist/src/cli.js, the file the command was before its bin became dist/src/cli.cjs, still runs it', () => {
  const dir = join(fixturesDir, 'unclosed-client');
  const run = (file: string) => spawnSync(process.execPath, [join(packageRoot, 'dist', 'src', file), '--no-cache', '--jobs', '1', '-f', 'json', dir], { cwd: packageRoot, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const viaJs = run('cli.js');
  const viaCjs = run('cli.cjs');
  assert.is(viaJs.status, 1, viaJs.stderr);
  assert.ok(viaJs.stdout.length > 100, 'findings reported');
  assert.is(viaJs.stdout, viaCjs.stdout);
  assert.is(viaJs.status, viaCjs.status);
});

test.run();

(haveEsbuild ? test : test.skip)('the pretty report measures ASCII lines without loading string-width, and reports as the modules do, colored or not, ASCII or not', () => {
  // scripts/build.mjs answers string-width's question for printable ASCII in the bundle; the
  // real module (an Intl.Segmenter and Unicode-property regexes: 58 ms) loads at the first
  // other string. A preload counts the segmenters made.
  const dir = mkdtempSync(join(tmpdir(), 'leakhound-width-'));
  const log = join(dir, 'segmenters.log');
  const preload = join(dir, 'preload.cjs');
  writeFileSync(preload, `const fs = require('node:fs'); const S = Intl.Segmenter;
Intl.Segmenter = function (...a) { fs.appendFileSync(${JSON.stringify(log)}, 'made\\n'); return new S(...a); };`);
  const leak = (name: string) => `package p\n\nimport "net/http"\n\nfunc get(u string) int {\n\t${name}, err := http.Get(u)\n\tif err != nil {\n\t\treturn 0\n\t}\n\treturn ${name}.StatusCode\n}\n`;
  mkdirSync(join(dir, 'ascii'));
  mkdirSync(join(dir, 'wide'));
  writeFileSync(join(dir, 'ascii', 'get.go'), leak('resp'));
  writeFileSync(join(dir, 'wide', 'réponse.go'), leak('réponse'));
  writeFileSync(join(dir, 'wide', '応答.go'), leak('応答'));
  try {
    for (const [target, wide] of [['ascii', false], ['wide', true]] as const) {
      for (const color of ['--no-color', '--color']) {
        const args = [cliPath, '--no-cache', '--jobs', '1', color, join(dir, target)];
        const run = (env: NodeJS.ProcessEnv) => {
          writeFileSync(log, '');
          const r = spawnSync(process.execPath, ['-r', preload, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, ...env } });
          return { ...r, segmenters: readFileSync(log, 'utf8').split('\n').filter(Boolean).length };
        };
        const bundled = run({});
        const modules = run({ LEAKHOUND_NO_BUNDLE: '1' });
        assert.is(bundled.status, 1, bundled.stderr);
        assert.ok(bundled.stdout.includes('never closed'), bundled.stdout);
        assert.is(bundled.stdout, modules.stdout, `${target} ${color}`);
        assert.ok(modules.segmenters > 0, 'the modules load the real string-width');
        assert.is(bundled.segmenters > 0, wide, `${target} ${color}: segmenters made in the bundle`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

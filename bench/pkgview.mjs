#!/usr/bin/env node
// The package view's bars (issue 13), measured in one run on the benchmark corpus:
//   - cold scan of every file ≤ 1.1× the cold scan of a base build (the engine before the
//     rules asked the package view), both run here, alternately;
//   - warm (cache) ≤ 0.05× cold;
//   - a pre-commit run of 5 staged files in packages of 20+ files ≤ 400 ms, Node start
//     included (the packages copied whole into a temporary git repository, as a checkout);
//   - peak RSS ≤ 300 MB on the whole corpus.
// Writes bench/pkgview.md. Not part of `npm test`.
//
// Usage: node bench/pkgview.mjs [--base REV|lone] [--repeat N] [--runs N] [--precommit] [dirs...]
//   --precommit: the pre-commit runs alone (no corpus scans; bench/pkgview.md is not written).
//   REV: the commit to compare with (built from `git archive` into a temporary directory);
//   `lone` (the default): this commit with the package view confined to the file being
//   analysed (no sibling is ever read), which isolates what reading the package costs.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORPUS } from './corpus.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
// Five staged files (84 KB, a little above the 75th percentile of Go file sizes each), each in a
// package of 20+ files whose other files the rules consult: clients, channels in struct fields,
// goroutines started by methods.
const STAGED = [
  '/usr/share/go-1.19/src/net/http/cookie.go',
  '/usr/share/gocode/src/google.golang.org/grpc/dialoptions.go',
  '/usr/share/gocode/src/go.etcd.io/etcd/etcdserver/raft.go',
  '/usr/share/gocode/src/cloud.google.com/go/pubsub/topic.go',
  '/usr/share/gocode/src/github.com/docker/docker/daemon/monitor.go',
];

const argv = process.argv.slice(2);
const command = ['node bench/pkgview.mjs', ...argv].join(' ');
function option(name, fallback) {
  const i = argv.indexOf(name);
  if (i < 0) return fallback;
  const v = argv[i + 1];
  argv.splice(i, 2);
  return v;
}
const precommitOnly = argv.includes('--precommit');
if (precommitOnly) argv.splice(argv.indexOf('--precommit'), 1);
const base = option('--base', 'lone');
const repeat = Math.max(1, Number(option('--repeat', 1)) || 1);
const runs = Math.max(3, Number(option('--runs', 15)) || 15);
const dirs = (argv.length ? argv : CORPUS).filter((d) => existsSync(d));
const TIME = '/usr/bin/time';
if (!existsSync(TIME) || !dirs.length) {
  console.error('bench/pkgview: needs GNU time (/usr/bin/time) and the corpus (shared/corpus/setup.sh)');
  process.exit(2);
}
const cores = availableParallelism();
const tmp = mkdtempSync(join(tmpdir(), 'leakhound-pkgbench-'));

// The base build: the same sources at REV, compiled against this checkout's node_modules.
const baseDir = join(tmp, 'base');
mkdirSync(baseDir);
const lone = base === 'lone';
const archive = spawnSync('sh', ['-c', `git -C "${root}" archive "${lone ? 'HEAD' : base}" | tar -x -C "${baseDir}"`], { encoding: 'utf8' });
if (archive.status !== 0) {
  console.error(`bench/pkgview: cannot check out ${base}: ${archive.stderr}`);
  process.exit(2);
}
if (lone) {
  // Every file is its own package: rules get answers about their own file only.
  const scan = join(baseDir, 'src', 'engine', 'scan.ts');
  const text = readFileSync(scan, 'utf8');
  const patched = text.replace('(packages ?? loneFile(filePath, text))', 'loneFile(filePath, text)');
  if (patched === text) {
    console.error('bench/pkgview: cannot confine the package view in src/engine/scan.ts (the code changed: update bench/pkgview.mjs)');
    process.exit(2);
  }
  writeFileSync(scan, patched);
}
symlinkSync(join(root, 'node_modules'), join(baseDir, 'node_modules'));
const built = spawnSync(process.execPath, [join(baseDir, 'scripts', 'build.mjs')], { cwd: baseDir, encoding: 'utf8' });
if (built.status !== 0) {
  console.error(`bench/pkgview: the base build failed:\n${built.stdout}${built.stderr}`);
  process.exit(2);
}
const baseRev = lone ? 'HEAD with the package view confined to each file' : spawnSync('git', ['-C', root, 'rev-parse', '--short', base], { encoding: 'utf8' }).stdout.trim();
const headRev = spawnSync('git', ['-C', root, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
const cliOf = (dir) => join(dir, 'dist', 'src', 'cli.js');

function run(cmd, args, cwd = root) {
  const r = spawnSync(TIME, ['-f', '@@time %e %U %S %M', cmd, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, CI: '1', NO_COLOR: '1' } });
  const m = /@@time (\S+) (\S+) (\S+) (\d+)/.exec(r.stderr);
  if (!m || (r.status !== 0 && r.status !== 1)) {
    console.error(`bench/pkgview: ${cmd} ${args.join(' ')} failed (exit ${r.status}):\n${r.stderr.slice(-2000)}`);
    process.exit(2);
  }
  return { wall: +m[1], cpu: +m[2] + +m[3], rssMb: Math.round(+m[4] / 1024), stats: /leakhound: \d+ files.*/.exec(r.stderr)?.[0] ?? '' };
}

const best = (a, b) => (!a || b.wall < a.wall ? b : a);
const scan = (dir, cache, ...extra) => [cliOf(dir), '-f', 'json', '-o', join(tmp, 'out.json'), '--stats', '--no-default-skips', '--cache-location', cache, ...extra, ...dirs];
const load0 = loadavg()[0];
console.log(`base ${baseRev}, head ${headRev}; ${dirs.length} corpus directories; ${cores} cores; load ${load0.toFixed(2)}`);

// Cold scans, alternating base and head so that both meet the same machine.
let coldBase;
let coldHead;
for (let i = 0; i < (precommitOnly ? 0 : repeat); i++) {
  for (const which of i % 2 ? ['head', 'base'] : ['base', 'head']) {
    const cache = join(tmp, `cache-${which}`);
    rmSync(cache, { recursive: true, force: true });
    const r = run(process.execPath, scan(which === 'base' ? baseDir : root, cache));
    console.log(`  cold, every file, ${which}: ${r.wall.toFixed(2)} s wall, ${r.cpu.toFixed(2)} s cpu, ${r.rssMb} MB`);
    if (which === 'base') coldBase = best(coldBase, r);
    else coldHead = best(coldHead, r);
  }
}
let warm;
for (let i = 0; i < (precommitOnly ? 0 : Math.max(2, repeat)); i++) warm = best(warm, run(process.execPath, scan(root, join(tmp, 'cache-head'))));
if (warm) console.log(`  warm, every file, head: ${warm.wall.toFixed(2)} s wall`);

// Pre-commit: the staged files' packages copied into a git repository, the hook's command
// on the five files (a just-staged file is not in the cache: --no-cache).
const repo = join(tmp, 'repo');
mkdirSync(repo);
spawnSync('git', ['init', '-q'], { cwd: repo });
const staged = [];
let siblings = 0;
for (const f of STAGED.filter((p) => existsSync(p))) {
  const pkg = join(repo, `${staged.length}_${basename(dirname(f))}`);
  mkdirSync(pkg);
  for (const name of readdirSync(dirname(f)).filter((n) => n.endsWith('.go'))) {
    copyFileSync(join(dirname(f), name), join(pkg, name));
    siblings++;
  }
  staged.push(join(basename(pkg), basename(f)));
}
const stagedBytes = staged.reduce((n, f) => n + statSync(join(repo, f)).size, 0);
// Base and head alternate, so that both meet the same machine; CPU (user + sys) is kept too.
const precommit = (dirs) => {
  const walls = dirs.map(() => []);
  const cpus = dirs.map(() => []);
  for (let i = 0; i < runs + 2; i++) {
    dirs.forEach((dir, k) => {
      const r = run(process.execPath, [cliOf(dir), '--no-cache', ...staged], repo);
      if (i < 2) return; // the first two warm the file cache
      walls[k].push(r.wall * 1000);
      cpus[k].push(r.cpu * 1000);
    });
  }
  return dirs.map((_, k) => {
    const w = walls[k].sort((a, b) => a - b);
    const c = cpus[k].sort((a, b) => a - b);
    return { min: w[0], median: w[Math.floor(w.length / 2)], p90: w[Math.floor(w.length * 0.9)], cpuMin: c[0], cpuMedian: c[Math.floor(c.length / 2)] };
  });
};
const [preBase, preHead] = precommit([baseDir, root]);
const floor = (() => {
  const walls = [];
  for (let i = 0; i < runs; i++) walls.push(run(process.execPath, ['-e', ''], repo).wall * 1000);
  walls.sort((a, b) => a - b);
  return walls[Math.floor(walls.length / 2)];
})();
console.log(`  pre-commit (${staged.length} files, ${(stagedBytes / 1024).toFixed(0)} KiB, packages of ${siblings} files): base median ${preBase.median.toFixed(0)} ms (cpu ${preBase.cpuMedian.toFixed(0)}), head median ${preHead.median.toFixed(0)} ms (cpu ${preHead.cpuMedian.toFixed(0)}; min ${preHead.min.toFixed(0)}) (node -e "" ${floor.toFixed(0)} ms)`);
const load1 = loadavg()[0];
rmSync(tmp, { recursive: true, force: true });
if (precommitOnly) process.exit(0);

const r2 = (x) => x.toFixed(2);
const ratios = [
  ['cold, every file: head / base, wall', r2(coldHead.wall / coldBase.wall), '≤ 1.1'],
  ['cold, every file: head / base, cpu', r2(coldHead.cpu / coldBase.cpu), '(≤ 1.1 wanted)'],
  ['warm / cold, every file (head), wall', (warm.wall / coldHead.wall).toFixed(3), '≤ 0.05'],
  [`pre-commit, ${staged.length} staged files in packages of 20+ files, median wall ms (head)`, preHead.median.toFixed(0), '≤ 400'],
  ['peak RSS, whole corpus (MB, head cold)', String(coldHead.rssMb), '≤ 300'],
];
for (const [k, v, b] of ratios) console.log(`  ${k.padEnd(72)} ${v.padStart(7)}   bar ${b}`);

const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cores} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const md = `# Package view: speed and memory

\`${command}\` (bench/pkgview.mjs): the package view's bars, in one
run. Base: ${lone ? `the same commit (${headRev}) with the package view confined to the file being analysed, so that no sibling is read: the difference is what the package view costs` : `the repository at ${baseRev}`}, built here; head is ${headRev}. Cold scans alternate between
the two; each figure is the fastest of ${repeat}.

- date: ${date}
- machine: ${machine}
- corpus: ${dirs.join(', ')} (every file: \`--no-default-skips\`)
- load average: ${load0.toFixed(2)} at the start, ${load1.toFixed(2)} at the end${Math.max(load0, load1) > cores ? ' (**other processes competed for the cores: wall times are inflated and noisy**)' : ''}

| run | wall s | cpu s | peak RSS MB |
|---|---:|---:|---:|
| cold, every file, base | ${coldBase.wall.toFixed(2)} | ${coldBase.cpu.toFixed(2)} | ${coldBase.rssMb} |
| cold, every file, head | ${coldHead.wall.toFixed(2)} | ${coldHead.cpu.toFixed(2)} | ${coldHead.rssMb} |
| warm (cache), every file, head | ${warm.wall.toFixed(2)} | ${warm.cpu.toFixed(2)} | ${warm.rssMb} |

Pre-commit: ${staged.length} staged files (${(stagedBytes / 1024).toFixed(0)} KiB: ${staged.map((s) => '`' + s.replace(/^\d+_/, '') + '`').join(', ')}) whose packages hold ${siblings} files, copied into a
git repository; the hook's command on the five files, ${runs} runs: base min ${preBase.min.toFixed(0)} / median
${preBase.median.toFixed(0)} / p90 ${preBase.p90.toFixed(0)} ms (median cpu ${preBase.cpuMedian.toFixed(0)} ms), head min ${preHead.min.toFixed(0)} / median ${preHead.median.toFixed(0)} / p90 ${preHead.p90.toFixed(0)} ms (median cpu ${preHead.cpuMedian.toFixed(0)} ms), alternating; \`node -e ""\` alone ${floor.toFixed(0)} ms.

| ratio | measured | bar |
|---|---:|---|
${ratios.map(([k, v, b]) => `| ${k} | ${v} | ${b} |`).join('\n')}

\`--stats\` of the cold runs:

- base: ${coldBase.stats.replace(/^leakhound: /, '')}
- head: ${coldHead.stats.replace(/^leakhound: /, '')}
`;
writeFileSync(join(here, 'pkgview.md'), md);
console.log('wrote bench/pkgview.md');

#!/usr/bin/env node
// What a pre-commit run costs: `leakhound` on five staged files, Node start included, as the
// hook runs it (wall time of the whole process). The bar is 250 ms (issue 15).
//   node bench/precommit.mjs [--base DIR] [runs] [files…]
// --base DIR: also time another build (a checkout whose dist/ is built, e.g. a `git worktree`
// of an older commit), interleaved with this one, so that the two meet the same machine.
// Default files: five files of the Go standard library (listed below),
// copied into a temporary git repository so the .gitignore lookup and file selection run as
// in a hook. Three commands are timed: bare `node -e ''` (the floor), the shipped CLI with
// the rules registered in rules/index.ts, and the same CLI with the test suite's stand-in
// rules (which make every one of these files be parsed and dispatched), so the figure means
// something even before real rules exist. The machine's load average is printed: figures
// taken on a busy machine are not comparable.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'src', 'cli.cjs');
const argv = process.argv.slice(2);
const baseAt = argv.indexOf('--base');
const baseRoot = baseAt >= 0 ? argv.splice(baseAt, 2)[1] : undefined;
const baseCli = baseRoot && join(baseRoot, 'dist', 'src', 'cli.js');
if (baseCli && !existsSync(baseCli)) {
  console.error(`bench/precommit: no build at ${baseCli}`);
  process.exit(2);
}
const runs = Number(argv[0] ?? 15);
const GOROOT = '/usr/share/go-1.19/src';
// Files that use clients, processes, contexts, tickers and channels: 94 KB, above the
// 75th percentile of Go file sizes (9.5 KB) each on average, so a heavy commit.
const defaults = ['net/http/client.go', 'os/exec/exec.go', 'context/context.go', 'time/sleep.go', 'io/pipe.go'].map((f) => join(GOROOT, f));
const given = argv.slice(1);
const sources = given.length ? given : defaults;
for (const f of sources) {
  if (!existsSync(f)) {
    console.error(`bench/precommit: ${f} is missing (install the Go corpus: shared/corpus/setup.sh)`);
    process.exit(2);
  }
}
if (!existsSync(cli)) {
  console.error('bench/precommit: build first (npm run build)');
  process.exit(2);
}

const repo = mkdtempSync(join(tmpdir(), 'leakhound-bench-'));
spawnSync('git', ['init', '-q'], { cwd: repo });
const files = sources.map((f, i) => {
  const name = `${i}_${basename(f)}`;
  copyFileSync(f, join(repo, name));
  return name;
});
const bytes = files.reduce((n, f) => n + statSync(join(repo, f)).size, 0);

// Staged files have just changed: a result cache (when the build has one) would not hold them.
const noCache = spawnSync(process.execPath, [cli, '--help'], { encoding: 'utf8' }).stdout.includes('--no-cache') ? ['--no-cache'] : [];
const standIn = join(root, 'dist', 'test', 'support', 'rules.js');
const launcher = `const { main } = await import(${JSON.stringify(join(root, 'dist', 'src', 'cli', 'main.js'))});
const { testRules } = await import(${JSON.stringify(standIn)});
process.exitCode = await main(process.argv.slice(1), testRules);`;

// CPU time (user + sys, from /usr/bin/time when present) moves much less with the machine's
// load than wall time does: on an idle machine wall ≈ CPU for this single-threaded run.
const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

// Every command runs once per round, rounds repeated: commands compared meet the same load.
function time(commands) {
  const wall = commands.map(() => []);
  const cpu = commands.map(() => []);
  const codes = commands.map(() => undefined);
  for (let i = 0; i < runs + 2; i++) {
    commands.forEach(([, args, env = process.env], k) => {
      const t0 = process.hrtime.bigint();
      const r = gnuTime
        ? spawnSync(gnuTime, ['-f', '@cpu %U %S', process.execPath, ...args], { cwd: repo, encoding: 'utf8', env: { ...env, NO_COLOR: '1' } })
        : spawnSync(process.execPath, args, { cwd: repo, encoding: 'utf8', env: { ...env, NO_COLOR: '1' } });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      codes[k] = r.status;
      if (r.status === 2) {
        console.error(r.stderr);
        process.exit(2);
      }
      if (i < 2) return; // the first two warm the file cache
      wall[k].push(ms);
      const m = /@cpu ([\d.]+) ([\d.]+)/.exec(r.stderr);
      if (m) cpu[k].push((Number(m[1]) + Number(m[2])) * 1000);
    });
  }
  const stat = (xs) => {
    xs.sort((a, b) => a - b);
    const f = (x) => x.toFixed(0).padStart(4);
    return `min ${f(xs[0])}, median ${f(xs[Math.floor(xs.length / 2)])}, p90 ${f(xs[Math.floor(xs.length * 0.9)])}`;
  };
  commands.forEach(([label], k) => {
    console.log(`  ${label.padEnd(40)} wall ms: ${stat(wall[k])}${cpu[k].length ? ` | cpu ms: ${stat(cpu[k])}` : ''} (exit ${codes[k]})`);
  });
}

console.log(`pre-commit on ${files.length} files (${(bytes / 1024).toFixed(0)} KiB), ${runs} runs each, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}; bar: 250 ms`);
const commands = [['node -e "" (floor)', ['-e', '']]];
if (baseCli) commands.push([`base (${baseRoot}), registered rules`, [baseCli, ...noCache, ...files]]);
commands.push(['leakhound, registered rules', [cli, ...noCache, ...files]]);
// With NODE_EXTRA_CA_CERTS set, Node 20 parses the root certificates and that file's at
// every start (about 45 ms here): timed without it too, to show what leakhound itself costs.
if (process.env.NODE_EXTRA_CA_CERTS) {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  commands.push(['node -e "", NODE_EXTRA_CA_CERTS unset', ['-e', ''], env]);
  commands.push(['leakhound, NODE_EXTRA_CA_CERTS unset', [cli, ...noCache, ...files], env]);
}
if (existsSync(standIn)) commands.push(['leakhound, stand-in rules (parses)', ['--input-type=module', '-e', launcher, '--', ...noCache, ...files]]);
time(commands);

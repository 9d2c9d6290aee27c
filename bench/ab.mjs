#!/usr/bin/env node
// Two builds of leakhound compared in one process, on CPU time: the ratio of a change that is
// worth a few percent, on a machine shared with other jobs. Timing the two as separate runs,
// even interleaved, swung 10-20% between runs of one build when others' jobs came and went;
// here both scan the same chunk of files (whole directories, ~100 files) one after the other,
// which goes first alternating, so a busy second weighs on both alike. Two copies of one build
// measured 0.999, 1.009 and 1.000 in three rounds of the heavy corpus (load average 7-8).
//
// Each build scans as `--jobs 1 --no-cache --no-default-skips` does (every registered rule, its
// default options; `--rule a,b` for some of them), and the reports of each chunk are compared:
// a change that alters findings is reported. CPU time is the process's (every thread: the
// collector's and the compiler's included).
//
// Builds whose node_modules is the same directory (a link) share one web-tree-sitter, whose
// node class the first build's engine/wasmnodes.ts and engine/nodes.ts patch (the second finds
// it patched): to compare a change to those files or to engine/parser.ts, give each build a
// copy of node_modules/web-tree-sitter of its own. Each build compiles its own code: both scan
// the first chunk once, untimed, before the rounds.
//
// `--cache`: each scan records into a fresh result cache (what a cold run with the cache on
// pays on top: the dependency hashes, the snapshots, the cache's write), as the command does
// when its cache is empty.
//
// Usage: node bench/ab.mjs [--rounds N] [--rule a,b] [--chunk FILES] [--cache] BUILD_A BUILD_B [DIR...]
//   BUILD_*: a copy of a build (`mkdir D; ln -s $PWD/node_modules D/; cp -r wasm package.json dist D/`);
//   DIR: what to scan (default: the heavy corpus, bench/corpus.mjs).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HEAVY } from './corpus.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const rounds = Number(option('--rounds', '3'));
const only = option('--rule', undefined)?.split(',');
const chunkFiles = Number(option('--chunk', '100'));
const cacheAt = args.indexOf('--cache');
const withCache = cacheAt >= 0;
if (withCache) args.splice(cacheAt, 1);
const [a, b, ...dirs] = args;
if (!a || !b) {
  console.error('usage: node bench/ab.mjs [--rounds N] [--rule a,b] [--chunk FILES] [--cache] BUILD_A BUILD_B [DIR...]');
  process.exit(2);
}

async function load(dir) {
  const url = (p) => pathToFileURL(resolve(dir, p)).href;
  const run = await import(url('dist/src/engine/run.js'));
  const { ResultCache } = await import(url('dist/src/engine/cache.js'));
  const { allRules } = await import(url('dist/rules/index.js'));
  const chosen = only ? allRules.filter((r) => only.includes(r.meta.id)) : allRules;
  if (only && chosen.length !== only.length) throw new Error(`${dir}: not every rule of --rule is registered`);
  const rules = chosen.map((rule) => ({ rule, severity: rule.meta.severity, options: structuredClone(rule.meta.defaultOptions) }));
  return { name: dir, run, rules, ResultCache, cpu: 0 };
}
const builds = [await load(a), await load(b)];
// The V8 flags the command sets for a big scan (run.ts), before either build's code gets hot.
for (const flag of builds[0].run.BIG_SCAN_FLAGS ?? []) builds[0].run.setV8Flag(flag);

const roots = dirs.length ? dirs : HEAVY;
const files = execFileSync('find', [...roots, '-name', '*.go', '-type', 'f'], { maxBuffer: 1 << 28, encoding: 'utf8' })
  .split('\n')
  .filter(Boolean)
  .sort();
// Chunks end at a directory's end: a package is read and summarized once per scan of it.
const dirOf = (f) => f.slice(0, f.lastIndexOf('/'));
const chunks = [];
let open = [];
files.forEach((f, i) => {
  open.push(f);
  if (open.length >= chunkFiles && dirOf(files[i + 1] ?? '') !== dirOf(f)) {
    chunks.push(open);
    open = [];
  }
});
if (open.length) chunks.push(open);

const cacheRoot = withCache ? mkdtempSync(join(tmpdir(), 'leakhound-ab-')) : undefined;
if (cacheRoot) process.on('exit', () => rmSync(cacheRoot, { recursive: true, force: true }));

async function scan(build, chunk) {
  // A fresh cache (its directory emptied, not timed) for every scan.
  const cacheDir = cacheRoot && join(cacheRoot, 'c');
  if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
  const t = process.cpuUsage();
  const cache = cacheDir ? build.ResultCache.open(cacheDir, 'ab') : undefined;
  const { results } = await build.run.scanFilesWithStats(chunk, { rules: build.rules, jobs: 1, minParallelBytes: Infinity, ...(cache ? { cache } : {}) });
  const d = process.cpuUsage(t);
  build.cpu += (d.user + d.system) / 1e6;
  return JSON.stringify(results);
}

console.log(`${files.length} files in ${chunks.length} chunks; A = ${a}, B = ${b}${only ? `; rules ${only.join(',')}` : ''}${withCache ? '; into a fresh result cache' : ''}`);
// Warm-up, not timed: what the builds share (web-tree-sitter, its WebAssembly's tier-up, Node's
// own modules) warms up in whichever scans first, and each build compiles its own code. Without
// it, two copies of one build measured 0.80 on a directory of two chunks.
for (const build of builds) await scan(build, chunks[0]);
for (const build of builds) build.cpu = 0;
let differ = 0;
for (let r = 0; r < rounds; r++) {
  for (let k = 0; k < chunks.length; k++) {
    const order = (k + r) % 2 === 0 ? builds : [builds[1], builds[0]];
    const first = await scan(order[0], chunks[k]);
    const second = await scan(order[1], chunks[k]);
    if (r === 0 && first !== second) {
      differ++;
      console.log(`findings differ in the chunk starting at ${chunks[k][0]}`);
    }
  }
  const [x, y] = builds;
  console.log(`round ${r + 1}: A ${x.cpu.toFixed(2)} s, B ${y.cpu.toFixed(2)} s cpu (so far); B / A ${(y.cpu / x.cpu).toFixed(3)}`);
}
if (differ) console.log(`findings differ in ${differ} chunks`);

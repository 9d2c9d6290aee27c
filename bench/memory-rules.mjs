#!/usr/bin/env node
// Speed of the memory-growth rules (unbounded-read, oversized-reflect-pool) on real Go:
// how many files their triggers let through, the parse time of those files, and what the
// rules add on top of the parse. One core, files read up front, best of `--runs` runs.
//
//   npm run build && node bench/memory-rules.mjs [--runs 3] [dirs…]
// Default dirs: the Go 1.19 standard library and the corpus of /work/shared/DESIGN.md.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { getParser } = await import(join(root, 'dist', 'src', 'engine', 'parser.js'));
const { scanText, rulesFor, isGenerated } = await import(join(root, 'dist', 'src', 'engine', 'scan.js'));
const { allRules } = await import(join(root, 'dist', 'rules', 'index.js'));

const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args.splice(runsAt, 2)[1]) : 3;
const dirs = args.length
  ? args
  : ['/usr/share/go-1.19/src', ...['google.golang.org/grpc', 'go.etcd.io/etcd', 'github.com/docker/docker', 'cloud.google.com/go'].map((d) => `/usr/share/gocode/src/${d}`)];

const ids = ['unbounded-read', 'oversized-reflect-pool'];
const active = ids.map((id) => {
  const rule = allRules.find((r) => r.meta.id === id);
  return { rule, severity: rule.meta.severity, options: structuredClone(rule.meta.defaultOptions) };
});

// The files the CLI would scan: .go, no vendor/testdata, no generated files.
const paths = execFileSync('find', [...dirs, '-name', '*.go', '-not', '-path', '*/vendor/*', '-not', '-path', '*/testdata/*'], { maxBuffer: 1 << 28 })
  .toString()
  .trim()
  .split('\n');
const files = [];
let bytes = 0;
for (const p of paths) {
  let text;
  try {
    text = readFileSync(p, 'utf8');
  } catch {
    continue;
  }
  if (isGenerated(text)) continue;
  files.push({ p, text });
  bytes += text.length;
}
const parser = await getParser();

const time = (fn) => {
  const t = process.hrtime.bigint();
  const out = fn();
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, out };
};

const triggered = files.filter((f) => rulesFor(f.text, active).length > 0);
const trigBytes = triggered.reduce((n, f) => n + f.text.length, 0);
const prefilter = time(() => files.filter((f) => rulesFor(f.text, active).length > 0).length);
// The same scan with rules that do nothing: parse, facts, dispatch, tree.delete().
const noop = active.map((a) => ({ ...a, rule: { meta: a.rule.meta, create: () => ({ source_file() {} }) } }));
const parseOnly = () => {
  for (const f of triggered) scanText(parser, f.p, f.text, noop);
};
// The rules with a stopwatch around create() and each handler: their own time, whatever
// the machine's noise does to the parse.
let ruleNs = 0n;
const clocked = (f) => (...a) => {
  const t = process.hrtime.bigint();
  try {
    return f(...a);
  } finally {
    ruleNs += process.hrtime.bigint() - t;
  }
};
const timed = active.map((a) => ({
  ...a,
  rule: {
    meta: a.rule.meta,
    create: clocked((ctx) => Object.fromEntries(Object.entries(a.rule.create(ctx)).map(([k, h]) => [k, clocked(h)]))),
  },
}));
const inRules = () => {
  ruleNs = 0n;
  for (const f of triggered) scanText(parser, f.p, f.text, timed);
  return Number(ruleNs) / 1e6;
};
const withRules = () => {
  let n = 0;
  for (const f of triggered) n += scanText(parser, f.p, f.text, active).diagnostics.length;
  return n;
};
// Warm up (JIT, WASM memory growth), then alternate so both see the same machine state.
withRules();
const parse = { ms: Infinity };
const full = { ms: Infinity, out: 0 };
for (let i = 0; i < runs; i++) {
  const a = time(parseOnly);
  const b = time(withRules);
  parse.ms = Math.min(parse.ms, a.ms);
  full.ms = Math.min(full.ms, b.ms);
  full.out = b.out;
}

const own = Math.min(...Array.from({ length: runs }, inRules));

const mb = (b) => (b / 1e6).toFixed(1);
console.log(`files: ${files.length} (${mb(bytes)} MB); through the triggers: ${triggered.length} (${mb(trigBytes)} MB, ${((100 * trigBytes) / bytes).toFixed(1)}% of bytes)`);
console.log(`prefilter over all files: ${prefilter.ms.toFixed(0)} ms`);
console.log(`scan of the triggered files with do-nothing rules (parse, dispatch, free): ${parse.ms.toFixed(0)} ms`);
// On a shared machine the two totals move by more than the rules cost; the stopwatch
// below is the number to read.
console.log(`scan with both rules: ${full.ms.toFixed(0)} ms (${full.out} findings)`);
console.log(`time inside the two rules (create + handlers, stopwatch): ${own.toFixed(0)} ms, ${(own / (trigBytes / 1e6)).toFixed(1)} ms per triggered MB, ${((100 * own) / parse.ms).toFixed(1)}% of the do-nothing scan`);

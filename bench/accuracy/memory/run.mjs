#!/usr/bin/env node
// Accuracy of the memory-growth rules on labelled Go programs (this folder).
// A line ending in `// leak` must be reported with the default options; one ending in
// `// leak: <option>` only once that option of the rule is on (unbounded-read reports
// request bodies, responses of URLs passed in and other responses only on request). Every
// other line must stay silent. The file name says which rule the labels are for:
// read_*.go → unbounded-read, pool_*.go → oversized-reflect-pool, client_*.go →
// unclosed-client (a `// leak` there: the samples' maintainers added a Close). The rules run on every
// file, so noise from one rule on the other's files counts as a false positive. Two
// passes: the default options, then every boolean option on.
//
//   npm run build && node bench/accuracy/memory/run.mjs [-v]
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { newStats, scoreFile } from '../score.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', '..', '..', 'dist');
const { getParser } = await import(join(dist, 'src', 'engine', 'parser.js'));
const { scanText } = await import(join(dist, 'src', 'engine', 'scan.js'));
const { allRules } = await import(join(dist, 'rules', 'index.js'));

const RULES = { read: 'unbounded-read', pool: 'oversized-reflect-pool', client: 'unclosed-client' };
const verbose = process.argv.includes('-v');
const parser = await getParser();

/** Every boolean option of a rule turned on, except `tests` (these files are not tests). */
const allOn = (rule) =>
  Object.fromEntries(Object.entries(rule.meta.defaultOptions).map(([k, v]) => [k, typeof v === 'boolean' && k !== 'tests' ? true : v]));

for (const mode of ['default options', 'every option on']) {
  const active = Object.values(RULES).map((id) => {
    const rule = allRules.find((r) => r.meta.id === id);
    if (!rule) throw new Error(`rule ${id} is not in rules/index.ts`);
    const options = mode === 'default options' ? structuredClone(rule.meta.defaultOptions) : allOn(rule);
    return { rule, severity: rule.meta.severity, options };
  });
  console.log(`${mode}:`);
  report(measure(active, mode === 'every option on'));
}

function measure(active, everyOption) {
  const stats = newStats(Object.values(RULES));
  for (const f of readdirSync(here).filter((x) => x.endsWith('.go')).sort()) {
    const text = readFileSync(join(here, f), 'utf8');
    const labelled = RULES[f.split('_')[0]];
    if (!labelled) throw new Error(`${f}: name it read_*.go, pool_*.go or client_*.go`);
    const want = new Set();
    text.split('\n').forEach((l, i) => {
      const m = /\/\/\s*leak(?::\s*(\w+))?\s*$/.exec(l);
      if (m && (!m[1] || everyOption)) want.add(i + 1);
    });
    const result = scanText(parser, f, text, active);
    for (const n of result.notices) console.error(`${f}: notice ${n.kind} ${n.message} at ${n.line}`);
    scoreFile(stats, f, text, labelled, want, result.diagnostics);
  }
  return stats;
}

function report(stats) {
  const pct = (x) => (Number.isNaN(x) ? 'n/a' : x.toFixed(3));
  for (const [id, s] of Object.entries(stats)) {
    const recall = s.tp / (s.tp + s.fn);
    const precision = s.tp / (s.tp + s.fp);
    console.log(`  ${id}: labelled ${s.tp + s.fn}, found ${s.tp}, missed ${s.fn}, false positives ${s.fp}; recall ${pct(recall)}, precision ${pct(precision)}`);
    if (verbose || s.misses.length + s.noise.length) {
      for (const m of s.misses) console.log(`    missed  ${m}`);
      for (const n of s.noise) console.log(`    noise   ${n}`);
    }
  }
}

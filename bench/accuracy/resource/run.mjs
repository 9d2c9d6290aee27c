#!/usr/bin/env node
// Accuracy of the resource rules on labelled Go programs (this folder): the documented cases
// of bodyclose, sqlclosecheck, sqlrows, go vet's httpresponse and a closecheck-style
// checker, rewritten from their documentation and their users' reports.
// A line ending in `// leak` must be reported; every other line must stay silent. The file
// name says which rule the labels are for: body_*.go → unclosed-body, res_*.go →
// unclosed-resource. Both rules run on every file, so noise from one rule on the other's
// files counts as a false positive.
//
//   npm run build && node bench/accuracy/resource/run.mjs [-v]
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', '..', '..', 'dist');
const { getParser } = await import(join(dist, 'src', 'engine', 'parser.js'));
const { scanText } = await import(join(dist, 'src', 'engine', 'scan.js'));
const { allRules } = await import(join(dist, 'rules', 'index.js'));

const RULES = { body: 'unclosed-body', res: 'unclosed-resource' };
const verbose = process.argv.includes('-v');
const parser = await getParser();
const active = Object.values(RULES).map((id) => {
  const rule = allRules.find((r) => r.meta.id === id);
  if (!rule) throw new Error(`rule ${id} is not in rules/index.ts`);
  return { rule, severity: rule.meta.severity, options: structuredClone(rule.meta.defaultOptions) };
});

const stats = Object.fromEntries(Object.values(RULES).map((id) => [id, { tp: 0, fn: 0, fp: 0, misses: [], noise: [] }]));
for (const f of readdirSync(here).filter((x) => x.endsWith('.go')).sort()) {
  const text = readFileSync(join(here, f), 'utf8');
  const labelled = RULES[f.split('_')[0]];
  if (!labelled) throw new Error(`${f}: name it body_*.go or res_*.go`);
  const want = new Set();
  text.split('\n').forEach((l, i) => {
    if (/\/\/\s*leak\s*$/.test(l)) want.add(i + 1);
  });
  const result = scanText(parser, f, text, active);
  for (const n of result.notices) console.error(`${f}: notice ${n.kind} ${n.message} at ${n.line}`);
  const got = new Map();
  for (const d of result.diagnostics) {
    const s = stats[d.ruleId];
    if (d.ruleId === labelled && want.has(d.span.start.line)) {
      if (!got.has(d.span.start.line)) s.tp++;
      got.set(d.span.start.line, d);
    } else {
      s.fp++;
      s.noise.push(`${f}:${d.span.start.line}: ${d.message}`);
    }
  }
  for (const line of want) {
    if (got.has(line)) continue;
    stats[labelled].fn++;
    stats[labelled].misses.push(`${f}:${line}: ${text.split('\n')[line - 1].trim()}`);
  }
}

const pct = (x) => (Number.isNaN(x) ? 'n/a' : x.toFixed(3));
for (const [id, s] of Object.entries(stats)) {
  const recall = s.tp / (s.tp + s.fn);
  const precision = s.tp / (s.tp + s.fp);
  console.log(`${id}: labelled ${s.tp + s.fn}, found ${s.tp}, missed ${s.fn}, false positives ${s.fp}; recall ${pct(recall)}, precision ${pct(precision)}`);
  if (verbose || s.misses.length + s.noise.length) {
    for (const m of s.misses) console.log(`  missed  ${m}`);
    for (const n of s.noise) console.log(`  noise   ${n}`);
  }
}

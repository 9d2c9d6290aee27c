#!/usr/bin/env node
// Accuracy of the channel rules on labelled Go kernels: every line marked `// leak` is a
// goroutine that blocks forever; a finding on a `// leak` line (or a `// panic` line, for
// consumer-closes-channel) is right, any other finding is wrong.
// Usage: npm run build && node bench/accuracy/run-goroutine.mjs [dir]
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { getParser } = await import(join(root, 'dist/src/engine/parser.js'));
const { scanText } = await import(join(root, 'dist/src/engine/scan.js'));
const { allRules } = await import(join(root, 'dist/rules/index.js'));

const IDS = ['goroutine-blocked-send', 'unclosed-range-channel', 'consumer-closes-channel'];
const rules = allRules.filter((r) => IDS.includes(r.meta.id)).map((rule) => ({ rule, severity: rule.meta.severity, options: { ...rule.meta.defaultOptions } }));
const dir = process.argv[2] ?? join(root, 'bench/accuracy/goroutine');
const parser = await getParser();

let leaks = 0, found = 0, tp = 0, fp = 0;
for (const f of readdirSync(dir).filter((x) => x.endsWith('.go')).sort()) {
  const text = readFileSync(join(dir, f), 'utf8');
  const lines = text.split('\n');
  const leakLines = new Set(lines.flatMap((l, i) => (/\/\/ leak\b/.test(l) ? [i + 1] : [])));
  const panicLines = new Set(lines.flatMap((l, i) => (/\/\/ panic\b/.test(l) ? [i + 1] : [])));
  const res = scanText(parser, f, text, rules);
  const hitLines = new Set(res.diagnostics.map((d) => d.span.start.line));
  const out = [];
  for (const d of res.diagnostics) {
    const ok = leakLines.has(d.span.start.line) || panicLines.has(d.span.start.line);
    if (ok) tp++;
    else fp++;
    out.push(`  ${ok ? 'TP' : 'FP'} ${f}:${d.span.start.line} [${d.ruleId}]`);
  }
  for (const l of leakLines) {
    leaks++;
    if (hitLines.has(l)) found++;
    else out.push(`  FN ${f}:${l}`);
  }
  console.log(`${f}: ${[...leakLines].filter((l) => hitLines.has(l)).length}/${leakLines.size} leaks found, ${res.diagnostics.length} findings`);
  for (const o of out) console.log(o);
}
const pct = (a, b) => (b === 0 ? 'n/a' : `${((100 * a) / b).toFixed(1)}%`);
console.log(`\nrecall ${found}/${leaks} = ${pct(found, leaks)}   precision ${tp}/${tp + fp} = ${pct(tp, tp + fp)}`);

#!/usr/bin/env node
// Accuracy of the channel rules on labelled Go kernels: every line marked `// leak` is a
// goroutine that blocks forever; a finding on a `// leak` line (or a `// panic` line, for
// consumer-closes-channel) is right, any other finding is wrong. A sub-folder is one Go
// package (its files see each other through the package view); a finding reported at a
// channel's make that names the leaking line as `file.go:N` counts for that line.
// Usage: npm run build && node bench/accuracy/run-goroutine.mjs [dir]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { getParser } = await import(join(root, 'dist/src/engine/parser.js'));
const { scanText } = await import(join(root, 'dist/src/engine/scan.js'));
const { Packages } = await import(join(root, 'dist/src/engine/packages.js'));
const { allRules } = await import(join(root, 'dist/rules/index.js'));

const IDS = ['goroutine-blocked-send', 'unclosed-range-channel', 'consumer-closes-channel'];
const rules = allRules.filter((r) => IDS.includes(r.meta.id)).map((rule) => ({ rule, severity: rule.meta.severity, options: { ...rule.meta.defaultOptions } }));
const dir = process.argv[2] ?? join(root, 'bench/accuracy/goroutine');
const parser = await getParser();

let leaks = 0, found = 0, tp = 0, fp = 0;
// Every kernel file, with the package it belongs to (a sub-folder) if any.
const kernels = [];
for (const e of readdirSync(dir).sort()) {
  const p = join(dir, e);
  if (statSync(p).isDirectory()) for (const f of readdirSync(p).filter((x) => x.endsWith('.go')).sort()) kernels.push({ name: `${e}/${f}`, path: join(p, f), pkg: true });
  else if (e.endsWith('.go')) kernels.push({ name: e, path: p, pkg: false });
}
const labels = (text, re) => new Set(text.split('\n').flatMap((l, i) => (re.test(l) ? [i + 1] : [])));
const byPath = new Map(kernels.map((k) => [k.path, readFileSync(k.path, 'utf8')]));
// Findings per file and line, including the lines other files' findings name as `file.go:N`.
const hits = new Map(kernels.map((k) => [k.path, new Set()]));
const results = [];
for (const k of kernels) {
  const text = byPath.get(k.path);
  const res = scanText(parser, k.pkg ? k.path : k.name, text, rules, {}, k.pkg ? { packages: new Packages() } : {});
  results.push({ k, text, res });
  for (const d of res.diagnostics) {
    hits.get(k.path).add(d.span.start.line);
    for (const m of d.message.matchAll(/(\w+\.go):(\d+)/g)) {
      const other = kernels.find((x) => x.pkg && k.pkg && dirname(x.path) === dirname(k.path) && x.path.endsWith('/' + m[1]));
      if (other) hits.get(other.path).add(Number(m[2]));
    }
  }
}
for (const { k, text, res } of results) {
  const leakLines = labels(text, /\/\/ leak\b/);
  const panicLines = labels(text, /\/\/ panic\b/);
  const named = (d) => [...d.message.matchAll(/(\w+\.go):(\d+)/g)].some((m) => {
    const other = kernels.find((x) => x.pkg && k.pkg && dirname(x.path) === dirname(k.path) && x.path.endsWith('/' + m[1]));
    if (!other) return false;
    const t = byPath.get(other.path).split('\n')[Number(m[2]) - 1] ?? '';
    return /\/\/ (leak|panic)\b/.test(t);
  });
  const out = [];
  for (const d of res.diagnostics) {
    const ok = leakLines.has(d.span.start.line) || panicLines.has(d.span.start.line) || named(d);
    if (ok) tp++;
    else fp++;
    out.push(`  ${ok ? 'TP' : 'FP'} ${k.name}:${d.span.start.line} [${d.ruleId}]`);
  }
  const hit = hits.get(k.path);
  for (const l of leakLines) {
    leaks++;
    if (hit.has(l)) found++;
    else out.push(`  FN ${k.name}:${l}`);
  }
  console.log(`${k.name}: ${[...leakLines].filter((l) => hit.has(l)).length}/${leakLines.size} leaks found, ${res.diagnostics.length} findings`);
  for (const o of out) console.log(o);
}
const pct = (a, b) => (b === 0 ? 'n/a' : `${((100 * a) / b).toFixed(1)}%`);
console.log(`\nrecall ${found}/${leaks} = ${pct(found, leaks)}   precision ${tp}/${tp + fp} = ${pct(tp, tp + fp)}`);

#!/usr/bin/env node
// Recall of the blocking rules on kernels of real blocking bugs (bench/accuracy/blocking/):
// each kernel is a pair of files written after a published bug report and its fix,
// `<name>_buggy.go` (lines marked `// leak` are where the goroutine blocks forever or where
// the lock is taken that blocks it) and `<name>_fixed.go` (the fixed version, which must stay
// silent). A buggy kernel counts as found when a finding lands on one of its `// leak` lines;
// any other finding, and any finding on a fixed kernel, is wrong. Each file is scanned as a
// package of its own. Recall is reported for the five blocking rules, the three channel
// rules, and both together.
// Usage: npm run build && node bench/accuracy/run-blocking.mjs [--config FILE] [dir]
// --config: rule options as in a leakhound config file (`{"rules": {"double-lock": {"options":
// {"recursiveRead": true}}}}`, e.g. bench/triage/double-lock-options.json) over the defaults.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { getParser } = await import(join(root, 'dist/src/engine/parser.js'));
const { scanText } = await import(join(root, 'dist/src/engine/scan.js'));
const { allRules } = await import(join(root, 'dist/rules/index.js'));

const BLOCKING = ['blocked-receive', 'lock-not-released', 'double-lock', 'blocking-under-lock', 'waitgroup-misuse'];
const CHANNEL = ['goroutine-blocked-send', 'unclosed-range-channel', 'consumer-closes-channel'];
const args = process.argv.slice(2);
const ci = args.indexOf('--config');
const config = ci >= 0 ? JSON.parse(readFileSync(args.splice(ci, 2)[1], 'utf8')) : { rules: {} };
const active = (ids) =>
  allRules
    .filter((r) => ids.includes(r.meta.id))
    .map((rule) => ({ rule, severity: rule.meta.severity, options: { ...rule.meta.defaultOptions, ...(config.rules?.[rule.meta.id]?.options ?? {}) } }));
const rules = active([...BLOCKING, ...CHANNEL]);
const dir = args[0] ?? join(root, 'bench/accuracy/blocking');
const parser = await getParser();

const kernels = new Map();
for (const f of readdirSync(dir).filter((x) => x.endsWith('.go')).sort()) {
  const m = /^(.+)_(buggy|fixed)(_test)?\.go$/.exec(f);
  if (!m) throw new Error(`${f}: not <name>_buggy.go or <name>_fixed.go`);
  const k = kernels.get(m[1]) ?? {};
  k[m[2]] = f;
  kernels.set(m[1], k);
}

const found = { blocking: 0, channel: 0, both: 0 };
let buggy = 0;
let wrong = 0;
let fixedFiles = 0;
let fixedSilent = 0;
const lines = [];
for (const [name, k] of kernels) {
  if (!k.buggy || !k.fixed) throw new Error(`${name}: needs both a buggy and a fixed file`);
  buggy++;
  const text = readFileSync(join(dir, k.buggy), 'utf8');
  const leak = new Set(text.split('\n').flatMap((l, i) => (/\/\/ leak\b/.test(l) ? [i + 1] : [])));
  const res = scanText(parser, k.buggy, text, rules);
  const hits = res.diagnostics.filter((d) => leak.has(d.span.start.line));
  const by = (ids) => hits.some((d) => ids.includes(d.ruleId));
  const b = by(BLOCKING);
  const c = by(CHANNEL);
  if (b) found.blocking++;
  if (c) found.channel++;
  if (b || c) found.both++;
  const extra = res.diagnostics.filter((d) => !leak.has(d.span.start.line));
  wrong += extra.length;
  const fixedText = readFileSync(join(dir, k.fixed), 'utf8');
  const fixedRes = scanText(parser, k.fixed, fixedText, rules);
  fixedFiles++;
  if (fixedRes.diagnostics.length === 0) fixedSilent++;
  wrong += fixedRes.diagnostics.length;
  lines.push(`${b || c ? 'found ' : 'missed'} ${name.padEnd(18)} ${[...new Set(hits.map((d) => d.ruleId))].join(', ') || '-'}`);
  for (const d of extra) lines.push(`  WRONG ${k.buggy}:${d.span.start.line} [${d.ruleId}] ${d.message}`);
  for (const d of fixedRes.diagnostics) lines.push(`  WRONG ${k.fixed}:${d.span.start.line} [${d.ruleId}] ${d.message}`);
}
for (const l of lines) console.log(l);
const pct = (a, b) => (b === 0 ? 'n/a' : `${((100 * a) / b).toFixed(0)}%`);
console.log(`\n${buggy} buggy kernels: blocking rules ${found.blocking} (${pct(found.blocking, buggy)}), channel rules ${found.channel} (${pct(found.channel, buggy)}), together ${found.both} (${pct(found.both, buggy)})`);
console.log(`${fixedFiles} fixed kernels: ${fixedSilent} silent; wrong findings (fixed kernels or off the leak lines): ${wrong}`);

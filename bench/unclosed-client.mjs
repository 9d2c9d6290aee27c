#!/usr/bin/env node
// What unclosed-client costs on top of parsing: scans every .go file under the given
// directories twice, once with a rule that subscribes to the same nodes and does nothing,
// once with unclosed-client, and prints the best of N rounds of each (CPU time varies with
// load; the best round is the least disturbed). Usage (after npm run build):
//   node bench/unclosed-client.mjs [--rounds N] [--handwritten] DIR...
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getParser } from '../dist/src/engine/parser.js';
import { isGenerated, scanText } from '../dist/src/engine/scan.js';
import rule from '../dist/rules/unclosed-client.js';

const args = process.argv.slice(2);
const rounds = Number(args.includes('--rounds') ? args.splice(args.indexOf('--rounds'), 2)[1] : 5);
const handwritten = args.includes('--handwritten');
const dirs = args.filter((a) => !a.startsWith('--'));
if (!dirs.length) {
  console.error('usage: node bench/unclosed-client.mjs [--rounds N] [--handwritten] DIR...');
  process.exit(2);
}

function* goFiles(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* goFiles(p);
    else if (e.name.endsWith('.go')) yield p;
  }
}

const files = dirs.flatMap((d) => [...goFiles(d)]).map((f) => ({ f, text: readFileSync(f, 'utf8') }));
const corpus = handwritten ? files.filter(({ text }) => !isGenerated(text)) : files;
const parser = await getParser();
const options = structuredClone(rule.meta.defaultOptions);
const idle = { meta: rule.meta, create: () => ({ call_expression() {}, 'source_file:exit'() {} }) };

function round(r) {
  const t0 = process.cpuUsage();
  let findings = 0;
  for (const { f, text } of corpus) findings += scanText(parser, f, text, [{ rule: r, severity: 'error', options }]).diagnostics.length;
  const t = process.cpuUsage(t0);
  return { ms: (t.user + t.system) / 1000, findings };
}

let base = Infinity;
let full = Infinity;
let findings = 0;
for (let i = 0; i < rounds; i++) {
  base = Math.min(base, round(idle).ms);
  const r = round(rule);
  full = Math.min(full, r.ms);
  findings = r.findings;
}
console.log(`${corpus.length} files, ${findings} findings`);
console.log(`parse + dispatch: ${base.toFixed(0)} ms; with unclosed-client: ${full.toFixed(0)} ms (+${(((full - base) / base) * 100).toFixed(0)}%)`);

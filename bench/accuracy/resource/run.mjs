#!/usr/bin/env node
// Accuracy of the resource rules on labelled Go programs (this folder): the documented cases
// of bodyclose, sqlclosecheck, sqlrows, go vet's httpresponse and a closecheck-style
// checker, rewritten from their documentation and their users' reports.
// A line ending in `// leak` must be reported; every other line must stay silent. The file
// name says which rule the labels are for: body_*.go → unclosed-body, res_*.go →
// unclosed-resource. Both rules run on every file, so noise from one rule on the other's
// files counts as a false positive.
//
// Two runs: the default options, and the options that match the peers' own scope
// (unclosed-body `drained`: a body read to its end but never closed, which bodyclose
// reports and which is off by default because the read already gives the connection back).
//
//   npm run build && node bench/accuracy/resource/run.mjs [-v]
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { activeRules, newStats, scoreFile } from '../score.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', '..', '..', 'dist');
const { getParser } = await import(join(dist, 'src', 'engine', 'parser.js'));
const { scanText } = await import(join(dist, 'src', 'engine', 'scan.js'));
const { allRules } = await import(join(dist, 'rules', 'index.js'));

const RULES = { body: 'unclosed-body', res: 'unclosed-resource' };
const PEER_OPTIONS = { 'unclosed-body': { drained: true } };
const verbose = process.argv.includes('-v');
const parser = await getParser();

function run(peer) {
  const active = activeRules(allRules, Object.values(RULES), peer ? PEER_OPTIONS : {});
  const stats = newStats(Object.values(RULES));
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
    scoreFile(stats, f, text, labelled, want, result.diagnostics);
  }
  return stats;
}

const pct = (x) => (Number.isNaN(x) ? 'n/a' : x.toFixed(3));
for (const peer of [false, true]) {
  console.log(peer ? "\nwith the peers' scope (unclosed-body drained):" : 'default options:');
  for (const [id, s] of Object.entries(run(peer))) {
    console.log(`  ${id}: labelled ${s.tp + s.fn}, found ${s.tp}, missed ${s.fn}, false positives ${s.fp}; recall ${pct(s.tp / (s.tp + s.fn))}, precision ${pct(s.tp / (s.tp + s.fp))}`);
    if (verbose || s.misses.length + s.noise.length) {
      for (const m of s.misses) console.log(`    missed  ${m}`);
      for (const n of s.noise) console.log(`    noise   ${n}`);
    }
  }
}

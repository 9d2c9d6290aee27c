#!/usr/bin/env node
// Accuracy of the lifecycle rules on labelled Go programs rewritten from the documentation
// of the peer checks (go vet lostcancel, staticcheck SA1015 and SA9001, go-critic
// deferInLoop, gosec G110 and G120) and from issue 12. A line ending in `// leak` must be
// reported; every other line must stay silent. The file name says which rule the labels
// are for (lostcancel_ → lost-cancel, tick_ → unstopped-ticker, after_ → time-after-in-loop,
// defer_ → defer-in-loop, bomb_ → decompression-bomb); every rule runs on every file, so
// noise from one rule on another's file counts as a false positive. The go.mod here says
// go 1.22 (the timer rules apply), and each file gets the version of its nearest go.mod.
//
// Two runs: the default options, and the options that match the peers' own scope
// (defer-in-loop anyLoop + allDefers, decompression-bomb anySource + forms,
// time-after-in-loop minSeconds 0), which are off by default for precision on real code.
//
//   npm run build && node bench/accuracy/lifecycle/run.mjs [-v]
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { activeRules, newStats, scoreFile } from '../score.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', '..', '..', 'dist');
const { getParser } = await import(join(dist, 'src', 'engine', 'parser.js'));
const { scanText } = await import(join(dist, 'src', 'engine', 'scan.js'));
const { ModuleVersions } = await import(join(dist, 'src', 'go', 'gomod.js'));
const { allRules } = await import(join(dist, 'rules', 'index.js'));

const RULES = { lostcancel: 'lost-cancel', tick: 'unstopped-ticker', after: 'time-after-in-loop', defer: 'defer-in-loop', bomb: 'decompression-bomb' };
const PEER_OPTIONS = {
  'defer-in-loop': { anyLoop: true, allDefers: true },
  'decompression-bomb': { anySource: true, forms: true },
  'time-after-in-loop': { minSeconds: 0 },
};
const verbose = process.argv.includes('-v');
const parser = await getParser();
const modules = new ModuleVersions({ stopAt: here });

function goFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? goFiles(join(dir, e.name)) : e.name.endsWith('.go') ? [join(dir, e.name)] : [])).sort();
}

function run(peer) {
  const active = activeRules(allRules, Object.values(RULES), peer ? PEER_OPTIONS : {});
  const stats = newStats(Object.values(RULES));
  for (const path of goFiles(here)) {
    const f = relative(here, path);
    const text = readFileSync(path, 'utf8');
    const labelled = RULES[f.split('/').pop().split('_')[0]];
    if (!labelled) throw new Error(`${f}: name it ${Object.keys(RULES).join('_, ')}_*.go`);
    const want = new Set();
    text.split('\n').forEach((l, i) => {
      if (/\/\/\s*leak\s*$/.test(l)) want.add(i + 1);
    });
    const result = scanText(parser, f, text, active, modules.forFile(path));
    for (const n of result.notices) console.error(`${f}: notice ${n.kind} ${n.message} at ${n.line}`);
    scoreFile(stats, f, text, labelled, want, result.diagnostics);
  }
  return stats;
}

const pct = (x) => (Number.isNaN(x) ? 'n/a' : x.toFixed(3));
for (const peer of [false, true]) {
  console.log(peer ? '\nwith the peers\' scope (defer-in-loop anyLoop+allDefers, decompression-bomb anySource+forms, time-after-in-loop minSeconds 0):' : 'default options:');
  for (const [id, s] of Object.entries(run(peer))) {
    console.log(`  ${id}: labelled ${s.tp + s.fn}, found ${s.tp}, missed ${s.fn}, false positives ${s.fp}; recall ${pct(s.tp / (s.tp + s.fn))}, precision ${pct(s.tp / (s.tp + s.fp))}`);
    if (verbose || s.noise.length) {
      for (const m of verbose ? s.misses : []) console.log(`    missed  ${m}`);
      for (const n of s.noise) console.log(`    noise   ${n}`);
    }
  }
}

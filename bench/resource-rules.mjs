#!/usr/bin/env node
// What the two resource rules (unclosed-body, unclosed-resource) add to a scan, measured in
// one process, single-threaded, on CPU time, as bench/overhead.mjs measures the rules' share:
// the registered rules without the two, then with them, each on the same file list:
//   - files the triggers let through (parsed), and the full scan against the parse of every file;
//   - the rules' share on the files each rule set lets through: scan / parse-only of those files;
//   - the time spent inside the two rules' handlers.
// Interleaved, best of two, to damp the noise of a shared machine.
// Usage: npm run build && node bench/resource-rules.mjs LIST   (one path per line), or DIR…
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { getParser } from '../dist/src/engine/parser.js';
import { prefilterFor } from '../dist/src/engine/prefilter.js';
import { scanBuffer } from '../dist/src/engine/scan.js';
import { benchRules } from './rules.mjs';

const IDS = new Set(['unclosed-body', 'unclosed-resource']);

function* goFiles(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* goFiles(p);
    else if (e.isFile() && e.name.endsWith('.go')) yield p;
  }
}
const args = process.argv.slice(2);
const list =
  args.length === 1 && statSync(args[0]).isFile()
    ? readFileSync(args[0], 'utf8').split('\n').filter(Boolean)
    : args.flatMap((d) => [...goFiles(d)]).sort();

let inRules = 0;
const timed = (rule) => ({
  ...rule,
  create(ctx) {
    const t0 = performance.now();
    const hs = rule.create(ctx);
    inRules += performance.now() - t0;
    return Object.fromEntries(
      Object.entries(hs).map(([k, h]) => [
        k,
        (n) => {
          const t = performance.now();
          try {
            h(n);
          } finally {
            inRules += performance.now() - t;
          }
        },
      ]),
    );
  },
});
const { rules: all } = await benchRules();
const without = all.filter((r) => !IDS.has(r.rule.meta.id));
const withThem = all.map((r) => (IDS.has(r.rule.meta.id) ? { ...r, rule: timed(r.rule) } : r));

const bufs = new Map(list.map((f) => [f, readFileSync(f)]));
const parsedBy = (rules) => list.filter((f) => prefilterFor(rules)(bufs.get(f)));
const parsedWithout = parsedBy(without);
const parsedWith = parsedBy(withThem);
const parser = await getParser();
const parseOnly = (f) => parser.parse(bufs.get(f).toString('utf8'))?.delete();
let findings = 0;
const scanWith = (rules) => (f) => {
  findings += scanBuffer(parser, f, bufs.get(f), { rules, skipGenerated: false }).diagnostics.filter((d) => IDS.has(d.ruleId)).length;
};
const cpu = (files, fn) => {
  const c0 = process.cpuUsage();
  for (const f of files) fn(f);
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
};
for (const f of parsedWith.slice(0, 100)) {
  parseOnly(f);
  scanWith(withThem)(f);
}
const best = { parseAll: Infinity, scanWithout: Infinity, scanWith: Infinity, parseWithout: Infinity, parseWith: Infinity, parsedScanWithout: Infinity, parsedScanWith: Infinity, inRules: Infinity };
for (let round = 0; round < 2; round++) {
  best.parseAll = Math.min(best.parseAll, cpu(list, parseOnly));
  best.scanWithout = Math.min(best.scanWithout, cpu(list, scanWith(without)));
  inRules = 0;
  findings = 0;
  best.scanWith = Math.min(best.scanWith, cpu(list, scanWith(withThem)));
  best.inRules = Math.min(best.inRules, inRules);
  best.parseWithout = Math.min(best.parseWithout, cpu(parsedWithout, parseOnly));
  best.parseWith = Math.min(best.parseWith, cpu(parsedWith, parseOnly));
  best.parsedScanWithout = Math.min(best.parsedScanWithout, cpu(parsedWithout, scanWith(without)));
  best.parsedScanWith = Math.min(best.parsedScanWith, cpu(parsedWith, scanWith(withThem)));
}
const r3 = (x) => +x.toFixed(3);
process.stdout.write(
  JSON.stringify({
    files: list.length,
    parsedWithout: parsedWithout.length,
    parsedWith: parsedWith.length,
    fullScanWithout: r3(best.scanWithout / best.parseAll),
    fullScanWith: r3(best.scanWith / best.parseAll),
    shareOnParsedWithout: r3(best.parsedScanWithout / best.parseWithout),
    shareOnParsedWith: r3(best.parsedScanWith / best.parseWith),
    insideTheTwoRulesMs: Math.round(best.inRules),
    insideShareOfScan: r3(best.inRules / best.scanWith),
    findings,
  }) + '\n',
);

#!/usr/bin/env node
// The rules' share over the parse, single-threaded, in one process, on CPU time:
// - full: every file of the list scanned as the CLI does it (rule triggers decide which files
//   are parsed at all; generated files included), against every file parsed only (read,
//   decode, parse, free): the foundation's bar (≤ 1.15×);
// - parsed: only the files that pass the triggers, scanned against the same files parsed
//   only: what the rules cost where they run.
// Usage: node bench/overhead.mjs LIST   (one path per line). Prints one JSON line.
import { readFileSync } from 'node:fs';
import { getParser } from '../dist/src/engine/parser.js';
import { prefilterFor } from '../dist/src/engine/prefilter.js';
import { scanBuffer } from '../dist/src/engine/scan.js';
import { benchRules } from './rules.mjs';

const list = readFileSync(process.argv[2] ?? 0, 'utf8').split('\n').filter(Boolean);
const { rules } = await benchRules();
const passes = prefilterFor(rules);
const parsedList = list.filter((f) => passes(readFileSync(f)));
const parser = await getParser();
const parseOnly = (f) => {
  const tree = parser.parse(readFileSync(f, 'utf8'));
  tree?.delete();
};
let findings = 0;
const scan = (f) => {
  findings += scanBuffer(parser, f, readFileSync(f), { rules, skipGenerated: false }).diagnostics.length;
};
// Warm both paths up (JIT, WASM tier-up) before timing.
for (const f of parsedList.slice(0, 100)) {
  parseOnly(f);
  scan(f);
}
const time = (files, fn) => {
  const c0 = process.cpuUsage();
  for (const f of files) fn(f);
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
};
// Interleaved and repeated: the best of two of each, to damp the noise of a shared machine.
const best = { parseAll: Infinity, scanAll: Infinity, parseParsed: Infinity, scanParsed: Infinity };
for (let round = 0; round < 2; round++) {
  best.parseAll = Math.min(best.parseAll, time(list, parseOnly));
  findings = 0;
  best.scanAll = Math.min(best.scanAll, time(list, scan));
  best.parseParsed = Math.min(best.parseParsed, time(parsedList, parseOnly));
  best.scanParsed = Math.min(best.scanParsed, time(parsedList, scan));
}
process.stdout.write(
  JSON.stringify({
    files: list.length,
    parsedFiles: parsedList.length,
    rules: rules.length,
    parseCpuMs: Math.round(best.parseAll),
    scanCpuMs: Math.round(best.scanAll),
    ratio: +(best.scanAll / best.parseAll).toFixed(3),
    parsedParseCpuMs: Math.round(best.parseParsed),
    parsedScanCpuMs: Math.round(best.scanParsed),
    parsedRatio: +(best.scanParsed / best.parseParsed).toFixed(3),
    findings,
  }) + '\n',
);

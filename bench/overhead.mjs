#!/usr/bin/env node
// The rules' share over the parse, single-threaded, in one process: the same files parsed
// only (read, decode, parse, free), then scanned with every rule forced to run on every
// file (triggers emptied, so the prefilter skips nothing and generated files are scanned).
// Usage: node bench/overhead.mjs LIST   (one path per line). Prints one JSON line.
import { readFileSync } from 'node:fs';
import { getParser } from '../dist/src/engine/parser.js';
import { scanBuffer } from '../dist/src/engine/scan.js';
import { benchRules } from './rules.mjs';

const list = readFileSync(process.argv[2] ?? 0, 'utf8').split('\n').filter(Boolean);
const { rules: real, standin } = await benchRules();
const rules = real.map((r) => ({ ...r, rule: { ...r.rule, meta: { ...r.rule.meta, triggers: [] } } }));
// The engine alone: the same subscriptions, handlers that do nothing (collection + dispatch).
const noop = () => {};
const engineOnly = rules.map((r) => ({ ...r, rule: { ...r.rule, create: (ctx) => Object.fromEntries(Object.keys(r.rule.create(ctx)).map((k) => [k, noop])) } }));
const parser = await getParser();
const parseOnly = (f) => {
  const tree = parser.parse(readFileSync(f, 'utf8'));
  tree?.delete();
};
let findings = 0;
const scan = (f) => {
  findings += scanBuffer(parser, f, readFileSync(f), { rules, skipGenerated: false }).diagnostics.length;
};
const scanEngine = (f) => {
  scanBuffer(parser, f, readFileSync(f), { rules: engineOnly, skipGenerated: false });
};
// Warm both paths up (JIT, WASM tier-up) before timing.
for (const f of list.slice(0, 100)) {
  parseOnly(f);
  scan(f);
  scanEngine(f);
}
findings = 0;
// CPU time of this (single-threaded) process: less disturbed than wall time by other load.
const time = (fn) => {
  const c0 = process.cpuUsage();
  for (const f of list) fn(f);
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
};
const parseMs = time(parseOnly);
const scanMs = time(scan);
const engineMs = time(scanEngine);
process.stdout.write(JSON.stringify({ files: list.length, rules: rules.length, standin, parseCpuMs: Math.round(parseMs), scanCpuMs: Math.round(scanMs), ratio: +(scanMs / parseMs).toFixed(3), engineCpuMs: Math.round(engineMs), engineRatio: +(engineMs / parseMs).toFixed(3), findings }) + '\n');

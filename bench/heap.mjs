#!/usr/bin/env node
// Where a scan's memory goes: the files of the given directories scanned in one thread, in
// chunks of 600 (all registered rules, default options, every file), with the process's RSS
// and V8 heap before and after a full garbage collection at the end of each chunk. Live heap
// that grows chunk after chunk is a leak; a peak far above the live heap is garbage between
// collections. Not part of `npm test`.
//   node bench/heap.mjs DIR…   (after `npm run build`)
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { globby } from 'globby';
import { scanFilesWithStats } from '../dist/src/engine/run.js';
import { benchRules } from './rules.mjs';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');
const dirs = process.argv.slice(2);
if (!dirs.length) {
  console.error('usage: node bench/heap.mjs DIR…');
  process.exit(2);
}
const files = (await Promise.all(dirs.map((d) => globby('**/*.go', { cwd: d, absolute: true, dot: true, followSymbolicLinks: false })))).flat().sort();
const { rules } = await benchRules();
const mb = (n) => (n / 2 ** 20).toFixed(0).padStart(4);
const CHUNK = 600;
console.log('files    cpu s | before gc: rss  heap | after gc: rss  heap  external');
for (let i = 0; i < files.length; i += CHUNK) {
  const t = process.cpuUsage();
  await scanFilesWithStats(files.slice(i, i + CHUNK), { rules, jobs: 1, skipGenerated: false });
  const cpu = process.cpuUsage(t);
  const before = process.memoryUsage();
  gc();
  const after = process.memoryUsage();
  const n = String(Math.min(i + CHUNK, files.length)).padStart(5);
  console.log(`${n} ${((cpu.user + cpu.system) / 1e6).toFixed(1).padStart(8)} |        ${mb(before.rss)}  ${mb(before.heapUsed)} |       ${mb(after.rss)}  ${mb(after.heapUsed)}  ${mb(after.external)}`);
}

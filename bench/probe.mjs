#!/usr/bin/env node
// How much parallelism the machine gives right now: the same busy loop in 1 and in N worker
// threads (N = available cores). Prints { cores, speedup }: N when the cores are free, less
// when other processes, other virtual machines or a CPU quota take them. The benchmark
// reports it next to the --jobs ratio, which can never exceed it.
import { availableParallelism } from 'node:os';
import { Worker, isMainThread, parentPort } from 'node:worker_threads';

if (isMainThread) {
  const run = async (n) => {
    const t = performance.now();
    await Promise.all(Array.from({ length: n }, () => new Promise((res, rej) => new Worker(new URL(import.meta.url)).on('message', res).on('error', rej))));
    return performance.now() - t;
  };
  const cores = availableParallelism();
  const one = await run(1);
  const many = await run(cores);
  process.stdout.write(JSON.stringify({ cores, speedup: +((cores * one) / many).toFixed(2) }) + '\n');
} else {
  let x = 0;
  for (let i = 0; i < 2e8; i++) x = (x + i * 7) % 1000003;
  parentPort.postMessage(x);
}

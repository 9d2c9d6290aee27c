// A worker thread's entry (pool.ts starts this file, dist/src/engine/worker.cjs). With the
// shipped rules it runs the build's bundle of the engine and rules,
// dist/src/engine/worker.bundle.cjs, with the V8 code cache the build made for it, as
// src/cli.cts does for the command: loading ~90 compiled modules one by one through the ES
// module loader and compiling their functions was about half of a worker's ~0.23 s start.
// A run with rules of its own (a test's, bench/ab.mjs), LEAKHOUND_NO_BUNDLE=1, or a build
// without a bundle loads the modules as they are (worker.ts).
import { isAscii } from 'node:buffer';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import type { WorkerInit } from './serve.js';

const bundle = join(__dirname, 'worker.bundle.cjs');
const init = workerData as WorkerInit;

function source(): string | undefined {
  if (process.env.LEAKHOUND_NO_BUNDLE) return undefined;
  // The bundle holds the shipped rules: only a run of those may use it.
  if (init.rulesModule !== pathToFileURL(join(__dirname, '..', '..', 'rules', 'index.js')).href) return undefined;
  // A compile after the bundle (tsc run alone) leaves it stale: the modules are the truth then.
  const compiled = statSync(join(__dirname, '..', '..', '.tsbuildinfo'), { throwIfNoEntry: false });
  if (compiled && compiled.mtimeMs > (statSync(bundle, { throwIfNoEntry: false })?.mtimeMs ?? 0)) return undefined;
  try {
    // ASCII, as the build writes it: read as latin1 without decoding UTF-8 (src/cli.cts).
    const bytes = readFileSync(bundle);
    return bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
  } catch {
    return undefined;
  }
}

const text = source();
if (text === undefined) {
  void import('./worker.js');
} else {
  const vm = require('node:vm') as typeof import('node:vm');
  const Module = require('node:module') as typeof import('node:module') & { wrap(code: string): string };
  const cacheName = /^\/\/ code cache: (\S+)/.exec(text)?.[1];
  let cachedData: Buffer | undefined;
  try {
    if (cacheName) cachedData = readFileSync(join(__dirname, cacheName));
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(text), { filename: bundle, cachedData });
  const run = script.runInThisContext() as (exports: object, require: NodeRequire, module: object, filename: string, dir: string) => void;
  const mod = { exports: {} as { start(port: MessagePort, init: WorkerInit): Promise<void> } };
  run(mod.exports, Module.createRequire(bundle), mod, bundle, dirname(bundle));
  void mod.exports.start(parentPort!, init);
}

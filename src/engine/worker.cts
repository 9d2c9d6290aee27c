// A worker thread's entry (pool.ts starts this file, dist/src/engine/worker.cjs). With the
// shipped rules it runs the build's bundle of the engine and the rules,
// dist/src/engine/worker.bundle.cjs, with the V8 code cache the build made for it
// (src/bundled.cts): loading ~90 compiled modules one by one through the ES module loader
// and compiling their functions was about half of a worker's ~0.23 s start. A run with rules
// of its own (a test's, bench/ab.mjs), LEAKHOUND_NO_BUNDLE=1, or a build without a bundle
// loads the modules as they are (worker.ts).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { runBundle } from '../bundled.cjs';
import type { WorkerInit } from './serve.js';

const init = workerData as WorkerInit;
// The bundle holds the shipped rules: only a run of those may use it.
const shipped = init.rulesModule === pathToFileURL(join(__dirname, '..', '..', 'rules', 'index.js')).href;
const bundle = shipped ? (runBundle(join(__dirname, 'worker.bundle.cjs')) as { start(port: MessagePort, init: WorkerInit): Promise<void> } | undefined) : undefined;
if (bundle) void bundle.start(parentPort!, init);
else void import('./worker.js');

// A worker thread from the compiled modules: the rules from the module the run names (a test's
// or the benchmark's own, or dist/rules/index.js when the build made no worker bundle).
import { parentPort, workerData } from 'node:worker_threads';
import { serve, type WorkerInit } from './serve.js';
import type { AnyRule } from './types.js';

const init = workerData as WorkerInit;
const mod = (await import(init.rulesModule)) as { allRules: AnyRule[] };
await serve(parentPort!, init, mod.allRules);

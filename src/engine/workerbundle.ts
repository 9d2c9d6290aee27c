// The entry of the worker threads' bundle (scripts/build.mjs bundles it into
// dist/src/engine/worker.bundle.cjs, which worker.cts runs with its code cache): the engine
// and the shipped rules in one file.
import { allRules } from '../../rules/index.js';
import { BIG_SCAN_FLAGS } from './run.js';
import { serve, warmUp } from './serve.js';
import type { MessagePort } from 'node:worker_threads';
import type { WorkerInit } from './serve.js';

export { BIG_SCAN_FLAGS };
export const start = (port: MessagePort, init: WorkerInit): Promise<void> => serve(port, init, allRules);
export const warm = (paths: string[]): Promise<void> => warmUp(paths, allRules);

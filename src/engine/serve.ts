// What a worker thread runs, from the compiled modules (worker.ts) or from the build's bundle
// (workerbundle.ts, loaded by worker.cts): its own parser, the rules rebuilt from their ids
// (functions do not cross threads), then batches of tasks in, outcomes out.
import type { MessagePort } from 'node:worker_threads';
import { Packages } from './packages.js';
import { getParser } from './parser.js';
import { fromSpecs, runTask, type RuleSpec, type Task, type TaskOptions } from './task.js';
import type { AnyRule } from './types.js';

export interface WorkerInit {
  rulesModule: string;
  rules: RuleSpec[];
  skipGenerated: boolean;
  hash: boolean;
  wholeFile?: boolean;
}

export interface BatchRequest {
  id: number;
  tasks: Task[];
}

function taskOptions(init: WorkerInit, allRules: AnyRule[]): TaskOptions {
  return {
    rules: fromSpecs(init.rules, allRules),
    skipGenerated: init.skipGenerated,
    knownRules: allRules.map((r) => r.meta.id),
    hash: init.hash,
    wholeFile: init.wholeFile,
    packages: new Packages(),
  };
}

/** Answers the batches that come in on `port` (once the parser is ready: they wait in the port until then). */
export async function serve(port: MessagePort, init: WorkerInit, allRules: AnyRule[]): Promise<void> {
  const opts = taskOptions(init, allRules);
  const parser = await getParser();
  port.on('message', (req: BatchRequest) => {
    const outcomes = req.tasks.map((t) => runTask(parser, t, opts));
    port.postMessage({ id: req.id, outcomes });
  });
}

/**
 * Scans files as a worker of a cold run with the cache does (every rule, its defaults,
 * content hashes): how scripts/codecache.cjs compiles what a worker runs, for the bundle's
 * code cache.
 */
export async function warmUp(paths: string[], allRules: AnyRule[]): Promise<void> {
  const rules = allRules.map((r) => ({ id: r.meta.id, severity: r.meta.severity, options: r.meta.defaultOptions }));
  const opts = taskOptions({ rulesModule: '', rules, skipGenerated: false, hash: true }, allRules);
  const parser = await getParser();
  for (const path of paths) runTask(parser, { path }, opts);
  opts.packages.dispose();
}

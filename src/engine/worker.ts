// A worker thread: its own parser, the rules rebuilt from their ids (functions do not cross
// threads), then batches of tasks in, outcomes out.
import { parentPort, workerData } from 'node:worker_threads';
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

const init = workerData as WorkerInit;
const mod = (await import(init.rulesModule)) as { allRules: AnyRule[] };
const opts: TaskOptions = {
  rules: fromSpecs(init.rules, mod.allRules),
  skipGenerated: init.skipGenerated,
  knownRules: mod.allRules.map((r) => r.meta.id),
  hash: init.hash,
  wholeFile: init.wholeFile,
  packages: new Packages(),
};
const parser = await getParser();

parentPort!.on('message', (req: BatchRequest) => {
  const outcomes = req.tasks.map((t) => runTask(parser, t, opts));
  parentPort!.postMessage({ id: req.id, outcomes });
});

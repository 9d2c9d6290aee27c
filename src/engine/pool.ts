// Worker threads, each with its own parser: tasks are dealt in small batches, biggest files
// first (so no thread is left with one large file at the end), two batches in flight per
// worker so that none waits for the main thread. Outcomes come back in task order, so the
// output does not depend on the number of workers.
import { dirname } from 'node:path';
import { createRequire } from 'node:module';
import type { Worker } from 'node:worker_threads';
import type { RuleSpec, Task, TaskOutcome } from './task.js';
import type { BatchRequest, WorkerInit } from './worker.js';

export interface PoolOptions {
  /** Worker threads to start (at least 1). */
  workers: number;
  /** URL of the module whose `allRules` export the workers rebuild the rules from. */
  rulesModule: string;
  rules: RuleSpec[];
  skipGenerated: boolean;
  wholeFile?: boolean;
  hash: boolean;
  /** Task sizes in bytes (for the dealing order); optional. */
  sizes?: number[];
  /** Called as outcomes arrive (any order). */
  onOutcome?: (index: number, outcome: TaskOutcome) => void;
}

const workerUrl = new URL('./worker.js', import.meta.url);

/**
 * A worker's young generation, in MB (V8's default lets it grow to 48 MB per thread). A
 * scan's garbage dies young and its live heap is small; 12 MB (4 MB semi-spaces) cut the
 * peak RSS of two workers on the heavy corpus by about 70 MB, with CPU within noise.
 */
export const WORKER_YOUNG_MB = 12;

export function batchSize(tasks: number, workers: number): number {
  return Math.max(1, Math.min(32, Math.ceil(tasks / (workers * 16))));
}

/**
 * Task indices by directory, each directory's in task order, directories in order of their
 * first file. A sorted list of paths puts a subdirectory's files among its parent's
 * (`a/b.go`, `a/b/c.go`, `a/c.go`): scanned in that order, the parent's package was read and
 * summarized again after each such subdirectory (the thread keeps one directory's).
 */
export function byDirectory(tasks: readonly { path: string }[]): Iterable<number[]> {
  const groups = new Map<string, number[]>();
  tasks.forEach((t, i) => {
    const dir = dirname(t.path);
    const g = groups.get(dir);
    if (g) g.push(i);
    else groups.set(dir, [i]);
  });
  return groups.values();
}

/**
 * Tasks dealt in batches. A directory's files stay together, however many they are: they
 * share a package, which the worker that gets them reads and summarizes once (split in
 * chunks of `size` files, both workers read and summarized the big packages). Only a
 * directory of more than `1 / (workers × 4)` of the bytes is cut, in runs of about that
 * many bytes, so that no worker is left with a long tail. Small directories share a batch
 * of up to `size` files; batches go out biggest first. Task indices, in batch order.
 */
export function batchesOf(tasks: Task[], size: number, sizes?: number[], workers = 1): number[][] {
  const groups = byDirectory(tasks);
  // Without sizes, files count alike.
  const weightOf = (i: number) => sizes?.[i] ?? 1;
  const bytes = (ix: number[]) => ix.reduce((n, i) => n + weightOf(i), 0);
  const cap = bytes(tasks.map((_, i) => i)) / (workers * 4);
  const batches: number[][] = [];
  let open: number[] = [];
  for (const g of groups) {
    if (g.length > size || bytes(g) > cap) {
      // A package of its own: whole, or in runs of about `cap` bytes when it is that big.
      let run: number[] = [];
      let runBytes = 0;
      for (const i of g) {
        if (run.length && runBytes + weightOf(i) > cap) {
          batches.push(run);
          run = [];
          runBytes = 0;
        }
        run.push(i);
        runBytes += weightOf(i);
      }
      batches.push(run);
      continue;
    }
    if (open.length + g.length > size) {
      batches.push(open);
      open = [];
    }
    open.push(...g);
  }
  if (open.length) batches.push(open);
  const weight = batches.map(bytes);
  return batches.map((b, i) => ({ b, w: weight[i]!, i })).sort((x, y) => y.w - x.w || x.i - y.i).map((x) => x.b);
}

export function runInWorkers(tasks: Task[], opts: PoolOptions): Promise<TaskOutcome[]> {
  const size = batchSize(tasks.length, opts.workers);
  const batches = batchesOf(tasks, size, opts.sizes, opts.workers);
  const count = Math.max(1, Math.min(opts.workers, batches.length));
  const out: TaskOutcome[] = new Array(tasks.length);
  const init: WorkerInit = { rulesModule: opts.rulesModule, rules: opts.rules, skipGenerated: opts.skipGenerated, hash: opts.hash, wholeFile: opts.wholeFile };

  // Loaded when workers start, not with the command: a warm or pre-commit run never starts any.
  const { Worker } = createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads');
  return new Promise((resolve, reject) => {
    const workers: Worker[] = [];
    let next = 0;
    let pending = batches.length;
    let failed = false;
    const finish = (err?: Error) => {
      if (failed) return;
      if (err) failed = true;
      for (const w of workers) void w.terminate();
      if (err) reject(err);
      else resolve(out);
    };
    if (pending === 0) return resolve(out);
    const send = (w: Worker) => {
      if (next >= batches.length) return;
      const id = next++;
      const req: BatchRequest = { id, tasks: batches[id]!.map((i) => tasks[i]!) };
      w.postMessage(req);
    };
    for (let k = 0; k < count; k++) {
      const w = new Worker(workerUrl, { workerData: init, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB } });
      workers.push(w);
      w.on('message', (msg: { id: number; outcomes: TaskOutcome[] }) => {
        const idx = batches[msg.id]!;
        msg.outcomes.forEach((o, j) => {
          out[idx[j]!] = o;
          opts.onOutcome?.(idx[j]!, o);
        });
        send(w);
        if (--pending === 0) finish();
      });
      w.on('error', (e) => finish(new Error(`worker thread failed: ${e.message}`)));
      w.on('exit', (code) => {
        if (pending > 0 && !failed) finish(new Error(`worker thread exited early (code ${code})`));
      });
    }
    // The biggest batches one to each worker first, then the second in flight.
    for (const w of workers) send(w);
    for (const w of workers) send(w);
  });
}

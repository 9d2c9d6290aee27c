// Worker threads, each with its own parser: tasks are dealt in small batches, biggest files
// first (so no thread is left with one large file at the end), two batches in flight per
// worker so that none waits for the main thread. Outcomes come back in task order, so the
// output does not depend on the number of workers.
import { dirname } from 'node:path';
import { createRequire } from 'node:module';
import type { Worker } from 'node:worker_threads';
import type { RuleSpec, Task, TaskOutcome } from './task.js';
import type { BatchRequest, WorkerInit } from './serve.js';

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

// worker.cjs runs the build's bundle of the worker or, failing that, worker.js.
const workerUrl = new URL('./worker.cjs', import.meta.url);

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

/**
 * Worker threads started ahead of their tasks: a worker takes ~0.23 s to be ready (its
 * bootstrap, then the engine's modules and the parser), which the command spends walking the
 * tree and taking the files' stats when it starts them first (src/cli/main.ts). Until `run`
 * they are unreferenced: a path that ends the command without scanning does not wait for them.
 */
export class WorkerPool {
  /** Worker threads pools have started in this process (for tests: which runs start any). */
  static threadsStarted = 0;
  private readonly workers: Worker[] = [];
  /** Set when a worker failed or exited before or during a run. */
  private failure?: Error;
  private onFailure?: (e: Error) => void;
  private closed = false;

  constructor(
    readonly size: number,
    init: WorkerInit,
  ) {
    // Loaded when workers start, not with the command: a warm or pre-commit run never starts any.
    const { Worker } = createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads');
    for (let k = 0; k < size; k++) {
      const w = new Worker(workerUrl, { workerData: init, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB } });
      WorkerPool.threadsStarted++;
      w.unref();
      w.on('error', (e) => this.fail(new Error(`worker thread failed: ${e.message}`)));
      w.on('exit', (code) => {
        if (!this.closed) this.fail(new Error(`worker thread exited early (code ${code})`));
      });
      this.workers.push(w);
    }
  }

  private fail(e: Error): void {
    if (this.failure || this.closed) return;
    this.failure = e;
    this.onFailure?.(e);
  }

  /** Ends the workers (at the end of a run, or unused). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.workers) void w.terminate();
  }

  /** Runs the tasks on the pool's workers (see runInWorkers); the pool stays open. */
  run(tasks: Task[], opts: Pick<PoolOptions, 'sizes' | 'onOutcome'>, batches = dealt(tasks, this.size, opts.sizes)): Promise<TaskOutcome[]> {
    const out: TaskOutcome[] = new Array(tasks.length);
    if (batches.length === 0) return Promise.resolve(out);
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new Error('worker pool closed'));
    const workers = this.workers.slice(0, Math.min(this.workers.length, batches.length));
    return new Promise((resolve, reject) => {
      let next = 0;
      let pending = batches.length;
      let settled = false;
      const finish = (err?: Error) => {
        if (settled) return;
        settled = true;
        for (const w of workers) {
          w.removeAllListeners('message');
          w.unref();
        }
        this.onFailure = undefined;
        if (err) reject(err);
        else resolve(out);
      };
      this.onFailure = finish;
      const send = (w: Worker) => {
        if (next >= batches.length) return;
        const id = next++;
        const req: BatchRequest = { id, tasks: batches[id]!.map((i) => tasks[i]!) };
        w.postMessage(req);
      };
      for (const w of workers) {
        w.ref();
        w.on('message', (msg: { id: number; outcomes: TaskOutcome[] }) => {
          const idx = batches[msg.id]!;
          msg.outcomes.forEach((o, j) => {
            out[idx[j]!] = o;
            opts.onOutcome?.(idx[j]!, o);
          });
          send(w);
          if (--pending === 0) finish();
        });
      }
      // The biggest batches one to each worker first, then the second in flight.
      for (const w of workers) send(w);
      for (const w of workers) send(w);
    });
  }
}

/** The tasks' batches for `workers` threads, in the order they are dealt. */
function dealt(tasks: Task[], workers: number, sizes?: number[]): number[][] {
  return batchesOf(tasks, batchSize(tasks.length, workers), sizes, workers);
}

export async function runInWorkers(tasks: Task[], opts: PoolOptions): Promise<TaskOutcome[]> {
  const batches = dealt(tasks, opts.workers, opts.sizes);
  if (batches.length === 0) return [];
  const pool = new WorkerPool(Math.max(1, Math.min(opts.workers, batches.length)), poolInit(opts));
  try {
    return await pool.run(tasks, opts, batches);
  } finally {
    pool.close();
  }
}

export function poolInit(opts: Pick<PoolOptions, 'rulesModule' | 'rules' | 'skipGenerated' | 'hash' | 'wholeFile'>): WorkerInit {
  return { rulesModule: opts.rulesModule, rules: opts.rules, skipGenerated: opts.skipGenerated, hash: opts.hash, wholeFile: opts.wholeFile };
}

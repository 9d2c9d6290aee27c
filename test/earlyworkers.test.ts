// Workers started while the command walks (src/cli/main.ts EARLY_WORKERS_AT): only for a
// cold run of a big tree with more than one job; never for small runs, one job or a run its
// cache may answer; the findings are those of one job.
import { availableParallelism } from 'node:os';
import { rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EARLY_WORKERS_AT } from '../src/cli/main.js';
import { WorkerPool } from '../src/engine/pool.js';
import { MIN_PARALLEL_BYTES, setDefaultRulesModule } from '../src/engine/run.js';
import { runMain, tempTree, TICKER_GO } from './inproc.js';

const twoCores = availableParallelism() >= 2;

/** `count` Go files in directories of 20, each `TICKER_GO` padded with a comment to `bytes`. */
function tree(count: number, bytes: number): string {
  const files: Record<string, string> = {};
  const pad = (text: string) => text + '// ' + 'x'.repeat(Math.max(0, bytes - text.length - 4)) + '\n';
  for (let i = 0; i < count; i++) files[`d${Math.floor(i / 20)}/f${i}.go`] = pad(TICKER_GO.replace('package p', `package d${Math.floor(i / 20)}`));
  const dir = tempTree(files);
  // Written a minute ago: a file changed within the last 2 s is confirmed by its content
  // (cache.ts, RACY_MS), which would send every file of the warm run to workers.
  const then = new Date(Date.now() - 60_000);
  for (const f of Object.keys(files)) utimesSync(join(dir, f), then, then);
  return dir;
}

/** Runs the command in `dir` with the test rules in worker threads too; the worker threads it started, its stats line, its report. */
async function run(dir: string, args: string[]): Promise<{ threads: number; workers: string; stdout: string; code: number | null }> {
  setDefaultRulesModule(new URL('./support/rules.js', import.meta.url).href);
  const before = WorkerPool.threadsStarted;
  try {
    const r = await runMain(['-f', 'json', '--stats', ...args, '.'], dir);
    const workers = /with (the main thread|\d+ worker threads)/.exec(r.stderr)?.[1] ?? r.stderr;
    return { threads: WorkerPool.threadsStarted - before, workers, stdout: r.stdout, code: r.code };
  } finally {
    setDefaultRulesModule(new URL('../rules/index.js', import.meta.url).href);
  }
}

(twoCores ? test : test.skip)('a cold run of a big tree starts its workers as it walks, and reports what one job does', async () => {
  const files = EARLY_WORKERS_AT + 40;
  const dir = tree(files, Math.ceil((2 * MIN_PARALLEL_BYTES) / files));
  try {
    const one = await run(dir, ['--no-cache', '--jobs', '1']);
    assert.is(one.threads, 0);
    assert.is(one.code, 1, 'findings');
    const two = await run(dir, ['--no-cache', '--jobs', '2']);
    assert.is(two.threads, 2);
    assert.is(two.workers, '2 worker threads');
    assert.is(two.stdout, one.stdout);
    // With the cache: the first run is cold (workers early), the next is answered by the cache
    // (no workers), and after an edit the cache still answers the rest (no early workers; one
    // file is too little for any).
    const cache = ['--cache-location', join(dir, '.cache'), '--jobs', '2'];
    const cold = await run(dir, cache);
    assert.is(cold.threads, 2);
    assert.is(cold.stdout, one.stdout);
    const warm = await run(dir, cache);
    assert.is(warm.threads, 0);
    assert.is(warm.stdout, one.stdout);
    writeFileSync(join(dir, 'd0', 'f0.go'), 'package d0\n');
    const edited = await run(dir, cache);
    assert.is(edited.threads, 0);
    assert.is(edited.workers, 'the main thread');
    assert.not.equal(edited.stdout, one.stdout, 'the edited file was scanned again');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

(twoCores ? test : test.skip)('a big tree with too few bytes for workers ends the early ones unused', async () => {
  const dir = tree(EARLY_WORKERS_AT + 10, 300);
  try {
    const one = await run(dir, ['--no-cache', '--jobs', '1']);
    const two = await run(dir, ['--no-cache', '--jobs', '2']);
    assert.is(two.threads, 2);
    assert.is(two.workers, 'the main thread');
    assert.is(two.stdout, one.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('small runs and one-job runs start no workers', async () => {
  const small = tree(EARLY_WORKERS_AT - 1, 4000);
  const big = tree(EARLY_WORKERS_AT + 10, 4000);
  try {
    // Fewer files than EARLY_WORKERS_AT, and fewer bytes than workers need.
    assert.ok((EARLY_WORKERS_AT - 1) * 4000 < MIN_PARALLEL_BYTES);
    const few = await run(small, ['--no-cache', '--jobs', '2']);
    assert.is(few.threads, 0);
    assert.is(few.workers, 'the main thread');
    assert.is((await run(big, ['--no-cache', '--jobs', '1'])).threads, 0);
  } finally {
    rmSync(small, { recursive: true, force: true });
    rmSync(big, { recursive: true, force: true });
  }
});

test.run();

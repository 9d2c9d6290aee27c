// Scans a list of files: the cache answers what it can (by stat, then by content hash), the
// rest is scanned on this thread or, when the work is big enough to pay for starting them,
// in worker threads. Results come back in the order of `files`, whatever the number of jobs.
import { dirname, isAbsolute, resolve, sep } from 'node:path';
import { createRequire } from 'node:module';
import { goVersionKey, ModuleVersions, type GoVersion } from '../go/gomod.js';
import { MISS, type FileStat, type ResultCache } from './cache.js';
import { INO, MTIME_MS, SIZE, statNumbers } from './faststat.js';
import { DepsChecker, diskSource, type ScanDeps } from './packages.js';
import { byDirectory, poolInit, runInWorkers, WorkerPool } from './pool.js';
import type { ScanFileOptions } from './scan.js';
import { toSpecs, type Task, type TaskOutcome } from './task.js';
import type { FileResult } from './types.js';

let defaultRulesModule = new URL('../../rules/index.js', import.meta.url).href;

/**
 * The module (URL) whose `allRules` export worker threads rebuild the rules from, by id;
 * dist/rules/index.js unless a test or the benchmark injects rules of its own.
 */
export function setDefaultRulesModule(url: string): void {
  defaultRulesModule = url;
}

/** Below this many bytes to scan, starting workers (≈40 ms each, in parallel) does not pay. */
export const MIN_PARALLEL_BYTES = 1 << 20;

/**
 * How far V8 lets a heap grow past what the last full collection left live, in percent. By
 * default it grows the limit by up to 4× when collections are quick, and a scan's live heap
 * is small (one directory's texts and memos) while it allocates garbage fast: the heap ran
 * at 2-3× the live size (355 MB peak RSS on Go's standard library, 216 MB with 50%, the same
 * CPU within noise).
 */
export const HEAP_GROWING_PERCENT = 50;

/** V8's default interrupt budget (Node 20): bytecode a function runs between two looks at whether to optimize it. */
export const DEFAULT_INTERRUPT_BUDGET = 67584;

/**
 * The interrupt budget of a big scan: 16× V8's. A function must run 16 times as much before
 * TurboFan compiles it, so the many rule functions that are only warm stay in the baseline
 * tiers and the hot loops (the text searches, the tree walks) are optimized as before. Each
 * thread compiles its own code: on the heavy corpus (`--jobs 2`, three isolates) TurboFan
 * took 2.4 of 16.6 s of CPU (perf, by thread). Cold scans of the heavy corpus, interleaved,
 * 4 rounds on free cores: 14.78 -> 12.78 s CPU (-13%), 7.8 -> 6.8 s wall; 8× gave -6%, 32× -9%.
 */
export const INTERRUPT_BUDGET = 16 * DEFAULT_INTERRUPT_BUDGET;

/**
 * V8 flags for big scans, set before workers start (V8 flags are per process, and a worker
 * compiles its own code). The heap limit, above; and no inlining in TurboFan: the rules are
 * many functions that each get hot, and every thread optimizes about 700 of them; with
 * inlining that took ~3× the compile time of the same functions alone (`node --trace-opt`,
 * heavy corpus), for code that ran no faster overall (bench/README.md); and fewer functions
 * optimized at all (INTERRUPT_BUDGET). The code cache
 * (scripts/codecache.cjs) is made under the default flags, which a process starts with.
 */
export const BIG_SCAN_FLAGS = [`--heap-growing-percent=${HEAP_GROWING_PERCENT}`, '--no-turbo-inlining', `--interrupt-budget=${INTERRUPT_BUDGET}`];

/** Sets a V8 flag. node:v8 loads on first use (a few ms that a warm run answered by the cache does not need). */
export function setV8Flag(flag: string): void {
  (createRequire(import.meta.url)('node:v8') as typeof import('node:v8')).setFlagsFromString(flag);
}
let tuned = false;
function tuneForBigScan(): void {
  if (tuned) return;
  tuned = true;
  for (const flag of BIG_SCAN_FLAGS) setV8Flag(flag);
}

export interface RunOptions extends ScanFileOptions {
  /** Threads to scan with (default 1: in-thread). */
  jobs?: number;
  cache?: ResultCache;
  /** Module whose `allRules` export the workers rebuild the rules from (by id). */
  rulesModule?: string;
  /** Scan in-thread when fewer bytes than this are left to scan (default MIN_PARALLEL_BYTES). */
  minParallelBytes?: number;
  onProgress?: (done: number, total: number) => void;
  /** Where files find their go.mod (default: a fresh lookup for this run). */
  modules?: ModuleVersions;
  /** Return the content hash each result was computed from (--fix checks it before writing). */
  hashes?: boolean;
  /** Directory mtimes the run already has (the walk stat-ed them), to save the cache a stat each. */
  dirMtime?: (dir: string) => number | undefined;
  /**
   * Workers started ahead of the run (startWorkers, with these options): used when the run
   * is big enough for workers, else ended unused. The run closes it either way.
   */
  pool?: WorkerPool;
  /** V8 flags for this run's scan when it is small (under minParallelBytes), set once its code is loaded (see `scanner` below). */
  v8Flags?: string[];
}

/** Whether a run with these options hashes each file's content: for its cache, or for --fix (`hashes`). */
function hashing(opts: RunOptions): boolean {
  return opts.cache !== undefined || opts.hashes === true;
}

/** What workers start with for a run with these options. */
function workerInit(opts: RunOptions) {
  return poolInit({
    rulesModule: opts.rulesModule ?? defaultRulesModule,
    rules: toSpecs(opts.rules),
    skipGenerated: opts.skipGenerated ?? true,
    hash: hashing(opts),
    wholeFile: opts.wholeFile,
  });
}

/**
 * Starts the workers of a big run before its files are known (a worker needs ~0.23 s to be
 * ready: the command walks the tree and takes the stats meanwhile); pass the pool to the run
 * in `opts.pool`. Undefined when the options allow no workers.
 */
export function startWorkers(opts: RunOptions): WorkerPool | undefined {
  const jobs = opts.jobs ?? 1;
  if (jobs <= 1) return undefined;
  tuneForBigScan();
  return new WorkerPool(jobs, workerInit(opts));
}

export interface RunStats {
  files: number;
  bytes: number;
  /** Answered by the cache without reading the file (stat unchanged). */
  cached: number;
  /** Answered by the cache after reading: same content hash. */
  cachedByHash: number;
  skippedByTriggers: number;
  skippedBytesByTriggers: number;
  skippedGenerated: number;
  /** Files whose build constraints hold on no build (`//go:build ignore`). */
  skippedNeverBuilt: number;
  parsed: number;
  parsedBytes: number;
  /** Of the files parsed, the characters that were: the declarations that could matter. */
  parsedChars: number;
  /** Worker threads started (0: scanned in-thread). */
  workers: number;
  /** go.mod files that governed the files. */
  goMods: number;
  /** Files with no go.mod in their directory or above: the newest Go was assumed for them. */
  withoutGoMod: number;
}

export async function scanFiles(files: string[], opts: RunOptions): Promise<FileResult[]> {
  return (await scanFilesWithStats(files, opts)).results;
}

export async function scanFilesWithStats(
  files: string[],
  opts: RunOptions,
): Promise<{ results: FileResult[]; stats: RunStats; hashes: (string | undefined)[] }> {
  const { cache } = opts;
  const stats: RunStats = {
    files: files.length, bytes: 0, cached: 0, cachedByHash: 0, skippedByTriggers: 0, skippedBytesByTriggers: 0,
    skippedGenerated: 0, skippedNeverBuilt: 0, parsed: 0, parsedBytes: 0, parsedChars: 0, workers: 0, goMods: 0, withoutGoMod: 0,
  };
  const modules = opts.modules ?? new ModuleVersions();
  const results: FileResult[] = new Array(files.length);
  const hashes: (string | undefined)[] = new Array(files.length);
  const cwd = process.cwd();
  const cwdSlash = cwd.endsWith(sep) ? cwd : cwd + sep;
  const plain = (f: string) => !/(^|[/\\])\.\.?([/\\]|$)/.test(f);
  const abs = files.map((f) => (isAbsolute(f) ? f : plain(f) ? cwdSlash + f : resolve(cwd, f)));
  const todo: number[] = [];
  const tasks: Task[] = [];
  const goKeys: string[] = new Array(files.length);
  let toScanBytes = 0;
  // The stats as numbers (faststat.ts: no Stats object made): a warm run of a big tree holds
  // one per file to the end, and the Stats objects (with their dates) were a good part of
  // what each young collection copied.
  const n = files.length;
  const stamps = new Float64Array(n * 3).fill(NaN);
  for (let i = 0; i < n; i++) {
    const st = statNumbers(abs[i]!);
    if (!st) continue;
    stamps[i * 3] = st[SIZE]!;
    stamps[i * 3 + 1] = st[MTIME_MS]!;
    stamps[i * 3 + 2] = st[INO]!;
    stats.bytes += st[SIZE]!;
  }
  const statOf = (i: number): FileStat | undefined =>
    Number.isNaN(stamps[i * 3]) ? undefined : { size: stamps[i * 3]!, mtimeMs: stamps[i * 3 + 1]!, ino: stamps[i * 3 + 2]! };
  // Results that consulted their package hold while what they consulted does: the checker
  // reuses the stats taken above for the package's files that are in the run.
  let checker: DepsChecker | undefined;
  if (cache) {
    // Per directory, the indexes of the run's files in it, in the order of the run (made at
    // the first question): the checker asks about a directory's files by name, in the order
    // of their names, which is the order of the run's files of one directory. Paths hashed
    // whole cost more than the stats they save, and a map of names cut from every path was
    // a good part of a warm run's young garbage.
    let byDir: Map<string, number[]> | undefined;
    const known = opts.dirMtime;
    const source = known ? { ...diskSource, dirMtime: (dir: string) => known(dir) ?? diskSource.dirMtime!(dir) } : diskSource;
    checker = new DepsChecker(source, (dir) => {
      if (!byDir) {
        byDir = new Map();
        let list: number[] | undefined;
        let at = '';
        for (let i = 0; i < n; i++) {
          const a = abs[i]!;
          const cut = a.lastIndexOf(sep);
          if (!list || cut !== at.length || !a.startsWith(at)) {
            at = a.slice(0, cut);
            const key = cut === 0 ? sep : at;
            list = byDir.get(key);
            if (!list) byDir.set(key, (list = []));
          }
          list.push(i);
        }
      }
      const list = byDir.get(dir);
      if (!list) return undefined;
      const nameAt = dir.endsWith(sep) ? dir.length : dir.length + 1;
      const named = (c: number, name: string) => {
        const a = abs[c]!;
        return a.length === nameAt + name.length && a.endsWith(name);
      };
      let next = 0;
      // The directory's files by name, made at the first name that is not the next file: a
      // package file missing from the run (--shard, an ignored file) would otherwise have
      // every later question scan the whole list, quadratic in the directory's size.
      let byName: Map<string, number> | undefined;
      return (name, size, mtimeMs, ino) => {
        // The file named: most often the one after the last found.
        let i = -1;
        if (next < list.length && named(list[next]!, name)) i = next;
        else {
          if (!byName) {
            byName = new Map();
            for (let k = 0; k < list.length; k++) byName.set(abs[list[k]!]!.slice(nameAt), k);
          }
          i = byName.get(name) ?? -1;
        }
        if (i >= 0) {
          next = i + 1;
          i = list[i]!;
        }
        if (i < 0 || Number.isNaN(stamps[i * 3])) return undefined;
        return stamps[i * 3] === size && stamps[i * 3 + 1] === mtimeMs && stamps[i * 3 + 2] === ino;
      };
    });
  }
  const keyOf = new Map<GoVersion, string>();
  for (let i = 0; i < n; i++) {
    // The version that applies is part of a result: a changed go line rescans the module.
    const go = modules.forFile(abs[i]!);
    if (go.go === undefined) stats.withoutGoMod++;
    let key = keyOf.get(go);
    if (key === undefined) keyOf.set(go, (key = goVersionKey(go)));
    goKeys[i] = key;
    const found = cache ? cache.find(abs[i]!, stamps, i * 3, key, checker) : MISS;
    if (found >= 0) {
      const hit = cache!.resultOfSlot(found);
      results[i] = { filePath: files[i]!, diagnostics: hit.diagnostics, notices: hit.notices };
      // The hit's own slot: asking hashOf again would miss the cursor and index every path.
      if (opts.hashes) hashes[i] = cache!.hashOfSlot(found);
      stats.cached++;
      continue;
    }
    todo.push(i);
    const expectHash = found === MISS ? undefined : cache!.hashOfSlot(-found - 2);
    tasks.push({ path: files[i]!, ...(expectHash !== undefined ? { expectHash } : {}), ...(go.go !== undefined ? { go } : {}) });
    toScanBytes += Number.isNaN(stamps[i * 3]) ? 0 : stamps[i * 3]!;
  }

  stats.goMods = modules.modules;
  // A cache that is empty (a cold run) takes the run's files as its slots: results are then
  // recorded by index, in the form the save writes, while the workers scan (cache.ts reserve).
  const reserved = cache !== undefined && todo.length > 0 && cache.reserve(abs);
  let done = files.length - todo.length;
  const take = (k: number, o: TaskOutcome) => {
    const i = todo[k]!;
    const st = statOf(i);
    hashes[i] = o.hash;
    if (o.unchanged) {
      const r = cache!.confirm(abs[i]!, st)!;
      results[i] = { filePath: files[i]!, ...r };
      stats.cachedByHash++;
    } else {
      const r = o.result!;
      results[i] = r;
      if (o.skipped === 'prefilter') {
        stats.skippedByTriggers++;
        stats.skippedBytesByTriggers += st?.size ?? 0;
      } else if (o.skipped === 'generated') stats.skippedGenerated++;
      else if (o.skipped === 'never-built') stats.skippedNeverBuilt++;
      else if (r.notices.every((n) => n.kind !== 'read-error' && n.kind !== 'binary' && n.kind !== 'empty')) {
        stats.parsed++;
        stats.parsedBytes += st?.size ?? 0;
        stats.parsedChars += o.parsedChars ?? 0;
      }
      // Read errors are not cached: the file may be readable next time.
      if (cache && st && o.hash && !r.notices.some((n) => n.kind === 'read-error')) {
        const result = { diagnostics: r.diagnostics, notices: r.notices };
        const deps = o.deps && absoluteDeps(o.deps, abs[i]!);
        if (reserved) cache.recordRun(i, st, o.hash, result, goKeys[i]!, deps);
        else cache.record(abs[i]!, st, o.hash, result, undefined, goKeys[i], deps);
      }
    }
    opts.onProgress?.(++done, files.length);
  };

  const jobs = Math.max(1, opts.jobs ?? 1);
  const hash = hashing(opts);
  const big = toScanBytes >= (opts.minParallelBytes ?? MIN_PARALLEL_BYTES);
  const inThread = tasks.length > 0 && !(jobs > 1 && big);
  // The code of the in-thread scan loads before any V8 flag is set: V8 takes a code cache
  // only under the flags it was made with, and the command's scan bundle (src/cli.cts) loads
  // here. Loaded after --liftoff-only, its cache was rejected and the bundle compiled afresh:
  // a pre-commit run, 1,314 -> 1,511 M instructions (callgrind).
  const scanner = inThread ? await import('./inthread.js') : undefined;
  // A run of few files can still hold MIN_PARALLEL_BYTES (one big generated file): it is a big
  // scan, in workers whose code cache was made under the big-scan flags only, and a worker
  // started after --liftoff-only rejected its cache and compiled its bundle afresh.
  if (big) tuneForBigScan();
  else for (const flag of opts.v8Flags ?? []) setV8Flag(flag);
  // Even one big file goes to a worker when jobs allow: a worker's young generation is kept
  // small (pool.ts), the main thread's cannot be (24 MB generated file: 261 -> 238 MB peak RSS).
  const { pool } = opts;
  try {
    if (jobs > 1 && big) {
      const workers = Math.min(jobs, tasks.length);
      stats.workers = workers;
      const sizes = todo.map((i) => statOf(i)?.size ?? 0);
      if (pool) await pool.run(tasks, { sizes, onOutcome: take });
      else await runInWorkers(tasks, { ...workerInit(opts), workers, sizes, onOutcome: take });
    } else if (scanner) {
      pool?.close();
      const { getParser, Packages, runTask } = scanner;
      const parser = await getParser();
      const topts = { rules: opts.rules, skipGenerated: opts.skipGenerated, knownRules: opts.knownRules, hash, wholeFile: opts.wholeFile, packages: new Packages() };
      try {
        // A directory at a time, as the workers get them (pool.ts byDirectory).
        for (const group of byDirectory(tasks)) for (const k of group) take(k, runTask(parser, tasks[k]!, topts));
      } finally {
        topts.packages.dispose();
      }
    }
  } finally {
    pool?.close();
  }
  cache?.save();
  return { results, stats, hashes };
}

/** Dependencies name the package's directory as the scan saw it (maybe relative): make it absolute. */
function absoluteDeps(d: ScanDeps, absFile: string): ScanDeps {
  return { ...d, membership: { ...d.membership, dir: dirname(absFile) } };
}

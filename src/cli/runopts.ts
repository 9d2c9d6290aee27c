// From the resolved Config to the engine's run options: jobs, the result cache (keyed by the
// build and everything in the config that changes per-file results), progress, statistics.
import { join, resolve } from 'node:path';
import type { Config } from './config.js';
import { buildFingerprint, ResultCache } from '../engine/cache.js';
import { projectCacheDir } from './cachedir.js';
import { packageRoot } from '../engine/parser.js';
import type { RunOptions, RunStats } from '../engine/run.js';
import { toSpecs } from '../engine/task.js';
import type { ActiveRule } from '../engine/types.js';
import { progressLine, wantsProgress, type Progress } from './progress.js';

/** Where the caches live: --cache-location, else the user's cache directory for the project at `root`. */
export function cacheDirOf(config: Config, cwd: string, root: string): string {
  return config.cacheLocation ? resolve(cwd, config.cacheLocation) : projectCacheDir(root);
}

/** The result cache, unless --no-cache. */
export function openCache(config: Config, rules: ActiveRule[], version: string, cwd: string, root: string): ResultCache | undefined {
  if (!config.cache) return undefined;
  const dir = cacheDirOf(config, cwd, root);
  const build = buildFingerprint(version, ['rules', 'src', 'src/engine', 'src/go'].map((d) => join(packageRoot, 'dist', d)));
  return ResultCache.open(dir, { build, rules: toSpecs(rules), skipGenerated: config.defaultSkips });
}

export function runOptions(config: Config, rules: ActiveRule[], version: string, cwd: string, root: string): RunOptions & { progress?: Progress } {
  const progress = wantsProgress(config) ? progressLine(process.stderr) : undefined;
  return {
    rules,
    skipGenerated: config.defaultSkips,
    wholeFile: config.wholeFile,
    jobs: config.jobs,
    cache: openCache(config, rules, version, cwd, root),
    progress,
    onProgress: progress ? (d, t) => progress.update(d, t) : undefined,
  };
}

const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;

export function formatStats(s: RunStats, ms: number): string {
  return (
    `leakhound: ${s.files} files (${mb(s.bytes)}) in ${(ms / 1000).toFixed(2)} s` +
    ` with ${s.workers ? `${s.workers} worker threads` : 'the main thread'}: ` +
    `${s.cached + s.cachedByHash} from the cache (${s.cachedByHash} by content hash), ` +
    `${s.skippedByTriggers} skipped by rule triggers (${mb(s.skippedBytesByTriggers)}), ` +
    `${s.skippedGenerated} generated, ${s.skippedNeverBuilt ? `${s.skippedNeverBuilt} never built (//go:build ignore), ` : ''}` +
    `${s.parsed} parsed (${mb(s.parsedBytes)}; of that, ${mb(s.parsedChars)} of declarations parsed)\n` +
    (s.withoutGoMod
      ? `leakhound: no go.mod governs ${s.withoutGoMod} of the files: the newest Go was assumed for them (rules for older Go, such as timers before 1.23, stay silent there)\n`
      : '')
  );
}

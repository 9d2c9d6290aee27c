// One unit of work, the same on the main thread and in a worker: read a file, hash it when
// the cache wants the hash, and scan it, unless its hash shows the cached result still holds.
import { createHash } from './hash.js';
import type { Parser } from 'web-tree-sitter';
import type { Packages, ScanDeps } from './packages.js';
import type { GoVersion } from '../go/gomod.js';
import { NO_BYTES, readErrorResult, scanBuffer, type HeldBytes, type ScanFileOptions, type ScanInfo } from './scan.js';
import type { ActiveRule, AnyRule, FileResult, Severity } from './types.js';

export interface Task {
  path: string;
  /** The content hash the cache holds for this path: when it still matches, skip the scan. */
  expectHash?: string;
  /** The Go version of the file's module (from its go.mod; the main thread looks it up). */
  go?: GoVersion;
}

export interface TaskOutcome {
  /** Absent when `unchanged`. */
  result?: FileResult;
  /** The content hash (when hashing was asked for and the file could be read). */
  hash?: string;
  /** The file's hash equals `expectHash`: the cached result holds. */
  unchanged?: true;
  skipped?: ScanInfo['skipped'];
  parsedChars?: number;
  /** What the result depends on outside the file (only when hashing, i.e. for the cache). */
  deps?: ScanDeps;
}

export interface TaskOptions extends ScanFileOptions {
  /** Compute content hashes (for the cache). */
  hash: boolean;
  /** The packages this run has open on this thread (one per run: files change between runs). */
  packages: Packages;
}

export function contentHash(buf: Buffer): string {
  return createHash('sha1').update(buf).digest('hex');
}

export function runTask(parser: Parser, task: Task, opts: TaskOptions): TaskOutcome {
  // A file its package's index has read already is not read again: its text, and for the
  // hash its bytes (a text is not its bytes when they are not valid UTF-8).
  const known = opts.packages.takeRead(task.path);
  const text = known && (!opts.hash || known.bytes) ? known.text : undefined;
  let buf: Buffer = (text !== undefined && known!.bytes) || NO_BYTES;
  if (text === undefined) {
    try {
      buf = opts.packages.readFile(task.path);
    } catch (e) {
      return { result: readErrorResult(task.path, e) };
    }
  }
  const hash = opts.hash ? contentHash(buf) : undefined;
  if (hash !== undefined && hash === task.expectHash) return { hash, unchanged: true };
  const info: ScanInfo = { wantsDeps: opts.hash };
  const held: HeldBytes = text === undefined ? { buf } : { text };
  buf = NO_BYTES;
  const result = scanBuffer(parser, task.path, held, opts, info, task.go, opts.packages);
  const out: TaskOutcome = { result, hash };
  if (info.skipped) out.skipped = info.skipped;
  if (info.parsedChars) out.parsedChars = info.parsedChars;
  if (info.deps) out.deps = info.deps;
  return out;
}

/** An enabled rule as data (what crosses to a worker thread): the rule by id, resolved settings. */
export interface RuleSpec {
  id: string;
  severity: Severity;
  options: Record<string, unknown>;
}

export function toSpecs(rules: ActiveRule[]): RuleSpec[] {
  return rules.map((r) => ({ id: r.rule.meta.id, severity: r.severity, options: r.options }));
}

/** Rebuilds the enabled rules from their ids in a registry (a worker's copy of the rules index). */
export function fromSpecs(specs: RuleSpec[], registry: AnyRule[]): ActiveRule[] {
  const byId = new Map(registry.map((r) => [r.meta.id, r]));
  return specs.map((s) => {
    const rule = byId.get(s.id);
    if (!rule) throw new Error(`worker: rule '${s.id}' is not in the rules module`);
    return { rule, severity: s.severity, options: s.options };
  });
}

// The result cache: one file per configuration under the cache directory, holding per source
// file its size, mtime and inode (the fast path: an unchanged stat means no read at all), its
// content hash (the truth: a changed stat with the same hash reuses the result) and the
// result. The key covers the leakhound version, the build of the engine and rules, and the
// resolved configuration, so a change of any of them starts a fresh cache. The file carries a
// checksum of its body: a corrupt or truncated cache is discarded and rebuilt, never trusted.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Stats } from 'node:fs';
import type { DepsChecker, DirSnapshot, PackageDeps, ScanDeps } from './packages.js';
import type { Diagnostic, Notice } from './types.js';

const MAGIC = 'leakhound-cache 2';

/**
 * `mkdir -p`, one level at a time from the nearest existing ancestor. Node's
 * `mkdirSync(dir, { recursive: true })` never returns under /proc (its mkdir fails with
 * ENOENT there, and Node retries forever), so a `--cache-location` there hung the run.
 */
export function makeDirs(dir: string): void {
  const missing: string[] = [];
  for (let d = dir; !existsSync(d); d = dirname(d)) {
    missing.push(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing.reverse()) mkdirSync(d);
}
/** Cache files kept in the directory (one per configuration and build); the least recently written go first. */
const KEEP_FILES = 8;
/** Files whose mtime is this close to the time they were read may change again unseen within the same mtime tick. */
const RACY_MS = 2000;

/** [size, mtimeMs, ino, hash, racy (0/1), diagnostics, notices, Go version that applied, what the result consulted in its package] */
type Entry = [number, number, number, string, number, Diagnostic[], Notice[], string, PackageDeps?];

/** The body of a cache file: per source file its entry, and the directory snapshots the entries' dependencies name. */
interface Body {
  files: Record<string, Entry>;
  dirs: Record<string, DirSnapshot>;
}

export interface CachedResult {
  diagnostics: Diagnostic[];
  notices: Notice[];
}

/** A hit carries the content hash the result was computed from (--fix checks it before writing). */
export type Lookup = { hit: CachedResult; hash: string } | { expectHash: string } | undefined;

/** Identifies the build of the code that produced results: its version and its compiled files. */
export function buildFingerprint(version: string, dirs: string[]): string {
  const h = createHash('sha1').update(version);
  for (const d of dirs) {
    let names: string[] = [];
    try {
      names = readdirSync(d).sort();
    } catch {
      continue;
    }
    for (const n of names) {
      try {
        const st = statSync(join(d, n));
        h.update(`${d}/${n}:${st.size}:${st.mtimeMs}\n`);
      } catch {
        // vanished meanwhile: the fingerprint just differs
      }
    }
  }
  return h.digest('hex');
}

/** The content hash of a file as the scan computes it (task.ts contentHash), undefined when it cannot be read. */
function fileHash(path: string): string | undefined {
  try {
    return createHash('sha1').update(readFileSync(path)).digest('hex');
  } catch {
    return undefined;
  }
}

export function checksum(body: string): string {
  return createHash('sha1').update(body).digest('hex');
}

export class ResultCache {
  private entries = new Map<string, Entry>();
  /** Directory snapshots by their state hash. */
  private dirs = new Map<string, DirSnapshot>();
  private dirty = false;
  /** Why an existing cache file was not used, if it was not (for --stats and tests). */
  discarded?: string;

  private constructor(
    readonly file: string,
    private readonly dir: string,
  ) {}

  /** Opens the cache for a key (anything JSON-serialisable that determines per-file results). */
  static open(dir: string, key: unknown): ResultCache {
    const id = checksum(JSON.stringify(key)).slice(0, 16);
    const c = new ResultCache(join(dir, `results-${id}.cache`), dir);
    c.load();
    return c;
  }

  private load(): void {
    let raw: string;
    try {
      raw = readFileSync(this.file, 'utf8');
    } catch {
      return; // no cache yet
    }
    const nl = raw.indexOf('\n');
    const head = nl >= 0 ? raw.slice(0, nl).split(' ') : [];
    const body = nl >= 0 ? raw.slice(nl + 1) : '';
    if (head.length !== 4 || `${head[0]} ${head[1]}` !== MAGIC) return this.discard('unknown header');
    if (Number(head[3]) !== body.length || head[2] !== checksum(body)) return this.discard('checksum mismatch');
    try {
      const parsed = JSON.parse(body) as Body;
      for (const [k, v] of Object.entries(parsed.files)) this.entries.set(k, v);
      for (const [k, v] of Object.entries(parsed.dirs)) this.dirs.set(k, v);
    } catch {
      return this.discard('unreadable body');
    }
  }

  private discard(why: string): void {
    this.discarded = why;
    this.entries.clear();
    this.dirs.clear();
    this.dirty = true; // rewrite it even if every file turns out unchanged
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * A hit when the stat is unchanged; else the hash to compare the content with. A result
   * found under another Go version (the go.mod changed) is no result: the file is scanned.
   * An entry whose result consulted its package is used only when `checker` confirms that
   * what it consulted is unchanged (never without a checker).
   */
  lookup(absPath: string, st: Stats | undefined, goKey = '', checker?: DepsChecker): Lookup {
    const e = this.entries.get(absPath);
    if (!e || !st || e[7] !== goKey) return undefined;
    const sameStat = !e[4] && e[0] === st.size && e[1] === st.mtimeMs && e[2] === st.ino;
    if (e[8]) {
      // A file whose stat changed was usually edited (a pre-commit run's staged files): its
      // content decides first, so that its package is read only for a file touched but unchanged.
      if (!sameStat && fileHash(absPath) !== e[3]) return undefined;
      const ok = checker?.valid(e[8], this.dirs.get(e[8].state)) ?? false;
      if (!ok) return undefined;
      if (ok !== true) this.setDeps(e, ok);
    }
    if (sameStat) return { hit: { diagnostics: e[5], notices: e[6] }, hash: e[3] };
    return { expectHash: e[3] };
  }

  /** Sets an entry's dependencies; a snapshot that comes with them is kept once per directory state. */
  private setDeps(e: Entry, d: PackageDeps | ScanDeps | undefined): void {
    if (!d) {
      e.length = 8;
      return;
    }
    if ('snapshot' in d) {
      const { snapshot, ...deps } = d;
      e[8] = deps;
      this.dirs.set(d.state, snapshot);
    } else e[8] = d;
    this.dirty = true;
  }

  /** The stored result, after the content hash confirmed it; refreshes the stat. */
  confirm(absPath: string, st: Stats | undefined, now = Date.now()): CachedResult | undefined {
    const e = this.entries.get(absPath);
    if (!e) return undefined;
    if (st) this.record(absPath, st, e[3], { diagnostics: e[5], notices: e[6] }, now, e[7], e[8]);
    return { diagnostics: e[5], notices: e[6] };
  }

  /** Records a result; `deps` is what it consulted in its package, if anything. */
  record(absPath: string, st: Stats, hash: string, r: CachedResult, now = Date.now(), goKey = '', deps?: PackageDeps | ScanDeps): void {
    const racy = now - st.mtimeMs < RACY_MS ? 1 : 0;
    const e: Entry = [st.size, st.mtimeMs, st.ino, hash, racy, r.diagnostics, r.notices, goKey];
    this.setDeps(e, deps);
    this.entries.set(absPath, e);
    this.dirty = true;
  }

  /** Removes the oldest cache files beyond KEEP_FILES (other builds and configurations). */
  private prune(): void {
    const files = readdirSync(this.dir)
      .filter((n) => /^results-[0-9a-f]+\.cache$/.test(n) && join(this.dir, n) !== this.file)
      .map((n) => {
        try {
          return { path: join(this.dir, n), at: statSync(join(this.dir, n)).mtimeMs };
        } catch {
          return undefined;
        }
      })
      .filter((f): f is { path: string; at: number } => f !== undefined)
      .sort((a, b) => b.at - a.at);
    for (const f of files.slice(KEEP_FILES - 1)) {
      try {
        unlinkSync(f.path);
      } catch {
        // another run removed it first
      }
    }
  }

  /** Writes the cache (atomically: a temp file renamed over it) when something changed. Errors are ignored: a cache is optional. */
  save(): void {
    if (!this.dirty) return;
    // Keep the snapshots some entry still names.
    const used = new Set<string>();
    for (const e of this.entries.values()) if (e[8]) used.add(e[8].state);
    const dirs: Record<string, DirSnapshot> = {};
    for (const [k, v] of this.dirs) if (used.has(k)) dirs[k] = v;
    const body = JSON.stringify({ files: Object.fromEntries(this.entries), dirs } satisfies Body);
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      makeDirs(this.dir);
      const ignore = join(this.dir, '.gitignore');
      if (!existsSync(ignore)) writeFileSync(ignore, '*\n');
      writeFileSync(tmp, `${MAGIC} ${checksum(body)} ${body.length}\n${body}`);
      renameSync(tmp, this.file);
      this.dirty = false;
      this.prune();
    } catch {
      try {
        unlinkSync(tmp);
      } catch {
        // nothing to clean
      }
    }
  }
}

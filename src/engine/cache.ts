// The result cache: one file per configuration under the cache directory, holding per source
// file its size, mtime and inode (the fast path: an unchanged stat means no read at all), its
// content hash (the truth: a changed stat with the same hash reuses the result) and the
// result. The key covers the leakhound version, the build of the engine and rules, and the
// resolved configuration, so a change of any of them starts a fresh cache. The file carries a
// checksum of its body: a corrupt or truncated cache is discarded and rebuilt, never trusted.
// A warm run loads every entry, so the file is laid out to load cheaply (see Body).
import { createHash, frameSum, hash64 } from './hash.js';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { MTIME_MS, SIZE, statNumbers } from './faststat.js';
import { endianness } from 'node:os';
import type { Stats } from 'node:fs';
import { knownState, RACY_MS, type DepsChecker, type DirSnapshot, type PackageDeps, type ScanDeps } from './packages.js';
import { membershipKey, type DeclKey, type Membership, type Stamp } from '../go/pkgindex.js';
import type { Diagnostic, Notice } from './types.js';

const MAGIC = 'leakhound-cache 5';

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

/** Numbers kept per file in the stats column: size, mtimeMs, ino, racy (0/1). */
const STAT_WIDTH = 4;
/** Separates the paths in Body.paths (no path holds a NUL). */
const PATH_SEP = '\0';
/** What `find` answers when the cache has no result for a file. */
export const MISS = -1;
/** Separates the content hashes in Body.hashes (hex digits). */
const HASH_SEP = ',';

/**
 * Dependencies as stored, flat (JSON.parse makes one array per entry, not an object per
 * membership and an array per declaration): the file's slot, its package's index in
 * Body.members, its directory's state hash, then per consulted declaration its key's index in
 * Body.keys and its hash.
 */
type StoredDeps = (number | string)[];

/** Dependencies as loaded: the consulted declarations are resolved only when asked for (a warm run of an unchanged directory never does). */
class LoadedDeps implements PackageDeps {
  private declsMemo?: [DeclKey, string][];
  constructor(
    readonly membership: Membership,
    readonly state: string,
    /** As stored; its slot (stored[0]) is the one it was loaded or recorded at. */
    readonly stored: StoredDeps,
    private readonly keys: string[],
  ) {}
  get decls(): [DeclKey, string][] {
    if (!this.declsMemo) {
      const out: [DeclKey, string][] = [];
      for (let i = 3; i + 1 < this.stored.length; i += 2) out.push([this.keys[this.stored[i] as number]!, this.stored[i + 1] as string]);
      this.declsMemo = out;
    }
    return this.declsMemo;
  }
}

/**
 * A directory snapshot as stored: its state hash, mtime (null when unknown), racy (0/1), its
 * files' names joined by PATH_SEP, and where their stamps (STAMP_WIDTH numbers each) start in
 * the stamps column.
 */
type StoredSnapshot = [state: string, dirMtime: number | null, racy: number, names: string, at: number];

/** A snapshot as loaded: its files are made from the stamps column when first asked for. */
class LoadedSnapshot implements DirSnapshot {
  readonly dirMtime?: number;
  readonly racy?: true;
  private filesMemo?: [string, Stamp][];
  constructor(
    private readonly stored: StoredSnapshot,
    private readonly stamps: Float64Array,
  ) {
    if (stored[1] !== null) this.dirMtime = stored[1];
    if (stored[2]) this.racy = true;
  }
  get files(): [string, Stamp][] {
    if (!this.filesMemo) {
      const files: [string, Stamp][] = [];
      this.everyFile((name, size, mtimeMs, ino) => files.push([name, [size, mtimeMs, ino]]) > 0);
      this.filesMemo = files;
    }
    return this.filesMemo;
  }
  everyFile(test: (name: string, size: number, mtimeMs: number, ino: number) => boolean): boolean {
    const names = this.stored[3];
    const s = this.stamps;
    let at = this.stored[4];
    // The names one by one from the joined text: no array of them, no array per stamp.
    for (let from = 0; from < names.length; at += STAMP_WIDTH) {
      let to = names.indexOf(PATH_SEP, from);
      if (to < 0) to = names.length;
      if (!test(names.slice(from, to), s[at]!, s[at + 1]!, s[at + 2]!)) return false;
      from = to + 1;
    }
    return true;
  }

  /** The plain snapshot (the state hash is of this form). */
  toJSON(): DirSnapshot {
    return { ...(this.dirMtime !== undefined ? { dirMtime: this.dirMtime } : {}), files: this.files, ...(this.racy ? { racy: true as const } : {}) };
  }
}

/** Numbers per file in a snapshot's stamps: size, mtimeMs, ino. */
const STAMP_WIDTH = 3;

/**
 * The body of a cache file, by column rather than by file. A warm run of a big tree loads
 * every entry: an object of per-file arrays (the format before) cost tens of thousands of
 * small objects to parse and then to collect. Here the paths and the hashes are each one
 * string (a run asks for the paths in the order they were saved in: it matches them in place,
 * and splits them only when it does not), the stats one column of float64s after the JSON
 * (9,345 files: 37,380 numbers that JSON.parse read one digit at a time); only the non-empty
 * results are stored, and the declaration keys (long patterns, the same in many files) once.
 */
interface Body {
  /** The files' absolute paths, sorted, joined by PATH_SEP; a file's slot is its position. */
  paths: string;
  /** The byte order of the float64 columns that follow the JSON (os.endianness()). */
  order: 'LE' | 'BE';
  /** Per slot, the content hash the result was computed from, joined by HASH_SEP. */
  hashes: string;
  /** Per slot, the index in goKeys of the Go version that applied. */
  go: number[];
  goKeys: string[];
  /** The non-empty results: [slot, diagnostics, notices]. */
  results: [number, Diagnostic[], Notice[]][];
  /** What results consulted in their package. */
  deps: StoredDeps[];
  /** The packages the dependencies name. */
  members: Membership[];
  keys: string[];
  /** The directory snapshots the dependencies name; their stamps follow the stats column. */
  dirs: StoredSnapshot[];
  /** Numbers in the stamps column. */
  stamps: number;
}

/**
 * What a cache that was empty when a run started (a cold run) builds as the run's results
 * arrive, in the form it saves: the save, which runs alone after the workers finish, then has
 * only to write it. Slots are the run's files in their order (`reserve`).
 */
interface FreshParts {
  /** Index in ResultCache.keys by key. */
  keyIndex: Map<string, number>;
  /** Index in `members` by membershipKey. */
  memberIndex: Map<string, number>;
  members: Membership[];
  dirs: StoredSnapshot[];
  stamps: number[];
}

/** What the cache compares of a file's stat. */
export type FileStat = Pick<Stats, 'size' | 'mtimeMs' | 'ino'>;

export interface CachedResult {
  diagnostics: Diagnostic[];
  notices: Notice[];
}

/**
 * A hit (with its slot: `hashOfSlot` gives the content hash, split from the hashes only when
 * asked for, by `--fix`), or the content hash to compare the file's content with.
 */
export type Lookup = { hit: CachedResult; slot: number } | { expectHash: string } | undefined;

/**
 * Identifies the build of the code that produced results: its version and its compiled files.
 * Every run with a cache takes it (~100 files): stats as numbers and paths by concatenation,
 * not a Stats object and a path.join each, code that runs once per run and mostly before V8
 * optimizes it (a warm run of the heavy corpus: ~3% of its CPU in --cpu-prof, most in join).
 */
export function buildFingerprint(version: string, dirs: string[]): string {
  let text = version;
  for (const d of dirs) {
    let names: string[] = [];
    try {
      names = readdirSync(d).sort();
    } catch {
      continue;
    }
    for (let i = 0; i < names.length; i++) {
      const n = names[i]!;
      // A file vanished meanwhile leaves its line out: the fingerprint just differs.
      const st = statNumbers(`${d}${d.endsWith(sep) ? '' : sep}${n}`);
      if (st) text += `\n${d}/${n}:${st[SIZE]}:${st[MTIME_MS]}`;
    }
  }
  return hash64(text);
}

/** The content hash of a file as the scan computes it (task.ts contentHash), undefined when it cannot be read. */
function fileHash(path: string): string | undefined {
  try {
    return checksum(readFileSync(path));
  } catch {
    return undefined;
  }
}

export function checksum(body: string | Buffer): string {
  return createHash('sha1').update(body).digest('hex');
}

export class ResultCache {
  // One slot per file, in columns (see Body). Paths and hashes stay the strings they were
  // loaded as (`pathText`, `hashText`) until something needs them one by one.
  private count = 0;
  private pathText = '';
  /** Where the path after the cursor's starts in `pathText`. */
  private pathAt = 0;
  private paths?: string[];
  private hashText = '';
  private hashes?: string[];
  /** STAT_WIDTH numbers per slot, `count` slots used (it grows by doubling). */
  private stats = new Float64Array(0);
  private go: number[] = [];
  private goKeys: string[] = [];
  private results = new Map<number, CachedResult>();
  /** Dependencies by slot: LoadedDeps as loaded (their declarations resolved when asked for), or as recorded. */
  private deps = new Map<number, PackageDeps>();
  private keys: string[] = [];
  /** Directory snapshots by their state hash. */
  private dirs = new Map<string, DirSnapshot>();
  /** Path to slot, made at the first lookup that the cursor does not answer. */
  private index?: Map<string, number>;
  /** The last slot looked up: a run asks in sorted order, the order of the file. */
  private cursor = -1;
  private dirty = false;
  /** Set by `reserve` until the next save: the body is built as results are recorded. */
  private fresh?: FreshParts;
  /** Why an existing cache file was not used, if it was not (for --stats and tests). */
  discarded?: string;

  private constructor(
    readonly file: string,
    private readonly dir: string,
  ) {}

  /** Opens the cache for a key (anything JSON-serialisable that determines per-file results). */
  static open(dir: string, key: unknown): ResultCache {
    const id = hash64(JSON.stringify(key));
    const c = new ResultCache(join(dir, `results-${id}.cache`), dir);
    c.load();
    return c;
  }

  private load(): void {
    const read = readFramed(this.file, MAGIC);
    if (read === undefined) return; // no cache yet
    if (typeof read === 'string') return this.discard(read);
    try {
      // The JSON, a line break, then the stats column (JSON escapes every line break it holds).
      const nl = read.indexOf(10);
      if (nl < 0) return this.discard('unreadable body');
      const b = JSON.parse(read.toString('utf8', 0, nl)) as Body;
      const n = b.go.length;
      const columns = read.subarray(nl + 1);
      if (typeof b.paths !== 'string' || typeof b.hashes !== 'string' || b.order !== endianness() || columns.length !== (n * STAT_WIDTH + b.stamps) * 8) return this.discard('unreadable body');
      this.count = n;
      this.pathText = b.paths;
      this.hashText = b.hashes;
      this.stats = new Float64Array(n * STAT_WIDTH);
      new Uint8Array(this.stats.buffer).set(columns.subarray(0, n * STAT_WIDTH * 8));
      const stamps = new Float64Array(b.stamps);
      new Uint8Array(stamps.buffer).set(columns.subarray(n * STAT_WIDTH * 8));
      this.go = b.go;
      this.goKeys = b.goKeys;
      for (const [slot, diagnostics, notices] of b.results) this.results.set(slot, { diagnostics, notices });
      this.keys = b.keys;
      for (const d of b.deps) this.deps.set(d[0] as number, new LoadedDeps(b.members[d[1] as number]!, d[2] as string, d, this.keys));
      // The checksum vouches for the states: no need to hash every snapshot again.
      for (const snap of b.dirs) this.dirs.set(snap[0], knownState(new LoadedSnapshot(snap, stamps), snap[0]));
    } catch {
      return this.discard('unreadable body');
    }
  }

  private discard(why: string): void {
    this.discarded = why;
    this.count = 0;
    this.pathText = '';
    this.paths = [];
    this.hashText = '';
    this.hashes = [];
    this.stats = new Float64Array(0);
    this.go = [];
    this.goKeys = [];
    this.results.clear();
    this.deps.clear();
    this.keys = [];
    this.dirs.clear();
    this.index = undefined;
    this.cursor = -1;
    this.fresh = undefined;
    this.dirty = true; // rewrite it even if every file turns out unchanged
  }

  get size(): number {
    return this.count;
  }

  /** The paths one by one (splitting the loaded text once). */
  private pathList(): string[] {
    if (!this.paths) {
      this.paths = this.count ? this.pathText.split(PATH_SEP) : [];
      this.pathText = '';
      if (this.paths.length !== this.count) this.discard('unreadable body');
    }
    return this.paths;
  }

  private hashList(): string[] {
    if (!this.hashes) {
      this.hashes = this.count ? this.hashText.split(HASH_SEP) : [];
      this.hashText = '';
    }
    return this.hashes;
  }

  /** The content hash of a slot (one a hit named). */
  hashOfSlot(slot: number): string {
    return this.hashList()[slot]!;
  }

  private slotOf(absPath: string): number | undefined {
    if (!this.paths) {
      // Still the loaded text: the next path in it is the one asked for, most often.
      const text = this.pathText;
      const end = this.pathAt + absPath.length;
      if (this.cursor + 1 < this.count && text.startsWith(absPath, this.pathAt) && (end === text.length || text[end] === PATH_SEP)) {
        this.pathAt = end + 1;
        return ++this.cursor;
      }
    }
    const paths = this.pathList();
    if (paths[this.cursor + 1] === absPath) return ++this.cursor;
    if (!this.index) {
      this.index = new Map();
      for (let i = 0; i < paths.length; i++) this.index.set(paths[i]!, i);
    }
    const slot = this.index.get(absPath);
    if (slot !== undefined) this.cursor = slot;
    return slot;
  }

  /**
   * A hit when the stat is unchanged; else the hash to compare the content with. A result
   * found under another Go version (the go.mod changed) is no result: the file is scanned.
   * An entry whose result consulted its package is used only when `checker` confirms that
   * what it consulted is unchanged (never without a checker).
   */
  lookup(absPath: string, st: FileStat | undefined, goKey = '', checker?: DepsChecker): Lookup {
    const stamp = st ? [st.size, st.mtimeMs, st.ino] : undefined;
    const found = this.find(absPath, stamp, 0, goKey, checker);
    if (found >= 0) return { hit: this.resultOfSlot(found), slot: found };
    return found === MISS ? undefined : { expectHash: this.hashOfSlot(-found - 2) };
  }

  /**
   * `lookup` for a run of many files, with nothing made per file: the stat is the numbers
   * at `at` in `stamps` (size, mtimeMs, ino; NaN size: no stat). A hit is the slot (0 or
   * more: `resultOfSlot` gives its result); a slot whose content is to be compared with
   * its hash is `-slot - 2`; MISS (-1) is no result.
   */
  find(absPath: string, stamps: ArrayLike<number> | undefined, at: number, goKey = '', checker?: DepsChecker): number {
    const slot = this.slotOf(absPath);
    if (slot === undefined || !stamps || Number.isNaN(stamps[at]) || this.goKeys[this.go[slot]!] !== goKey) return MISS;
    const s = this.stats;
    const k = slot * STAT_WIDTH;
    const sameStat = !s[k + 3] && s[k] === stamps[at] && s[k + 1] === stamps[at + 1] && s[k + 2] === stamps[at + 2];
    const deps = this.deps.get(slot);
    if (deps) {
      // A file whose stat changed was usually edited (a pre-commit run's staged files): its
      // content decides first, so that its package is read only for a file touched but unchanged.
      if (!sameStat && fileHash(absPath) !== this.hashOfSlot(slot)) return MISS;
      const ok = checker?.valid(deps, this.dirs.get(deps.state)) ?? false;
      if (!ok) return MISS;
      if (ok !== true) this.setDeps(slot, ok);
    }
    return sameStat ? slot : -slot - 2;
  }

  /** The result of a slot (a fresh object with fresh arrays each time: callers may extend what they get). */
  resultOfSlot(slot: number): CachedResult {
    const r = this.results.get(slot);
    return r ? { diagnostics: r.diagnostics, notices: r.notices } : { diagnostics: [], notices: [] };
  }

  /** The content hash of a file's result (after a hit: the one the result was computed from). */
  hashOf(absPath: string): string | undefined {
    const slot = this.slotOf(absPath);
    return slot === undefined ? undefined : this.hashOfSlot(slot);
  }

  /** Sets a slot's dependencies; a snapshot that comes with them is kept once per directory state. */
  private setDeps(slot: number, d: PackageDeps | ScanDeps | undefined): void {
    this.dirty = true;
    if (!d) {
      this.deps.delete(slot);
      return;
    }
    if (this.fresh) return this.setFreshDeps(slot, d);
    if ('snapshot' in d) {
      const { snapshot, ...deps } = d;
      this.deps.set(slot, deps);
      if (snapshot) this.dirs.set(d.state, snapshot);
    } else this.deps.set(slot, d);
  }

  /**
   * `setDeps` while the body is built as results arrive: the entry in its stored form (the
   * keys and the package interned), and a directory's first snapshot in columns. Done while
   * the workers scan, it was the save's loop over every entry (1,972 entries, 12,175
   * declarations, 748 snapshots on the heavy corpus).
   */
  private setFreshDeps(slot: number, d: PackageDeps | ScanDeps): void {
    const f = this.fresh!;
    const mk = membershipKey(d.membership);
    let m = f.memberIndex.get(mk);
    if (m === undefined) f.memberIndex.set(mk, (m = f.members.push(d.membership) - 1));
    const entry: StoredDeps = [slot, m, d.state];
    const decls = d.decls;
    for (let j = 0; j < decls.length; j++) {
      const [k, h] = decls[j]!;
      let i = f.keyIndex.get(k);
      if (i === undefined) f.keyIndex.set(k, (i = this.keys.push(k) - 1));
      entry.push(i, h);
    }
    this.deps.set(slot, new LoadedDeps(d.membership, d.state, entry, this.keys));
    const snap = 'snapshot' in d ? d.snapshot : undefined;
    if (snap && !this.dirs.has(d.state)) {
      this.dirs.set(d.state, snap);
      const files = snap.files;
      const names = new Array<string>(files.length);
      const at = f.stamps.length;
      for (let j = 0; j < files.length; j++) {
        const [name, st] = files[j]!;
        names[j] = name;
        f.stamps.push(st[0], st[1], st[2]);
      }
      f.dirs.push([d.state, snap.dirMtime ?? null, snap.racy ? 1 : 0, names.join(PATH_SEP), at]);
    }
  }

  /** The stored result, after the content hash confirmed it; refreshes the stat. */
  confirm(absPath: string, st: FileStat | undefined, now = Date.now()): CachedResult | undefined {
    const slot = this.slotOf(absPath);
    if (slot === undefined) return undefined;
    const r = this.resultOfSlot(slot);
    if (st) this.record(absPath, st, this.hashOfSlot(slot), r, now, this.goKeys[this.go[slot]!], this.deps.get(slot));
    return r;
  }

  /** Records a result; `deps` is what it consulted in its package, if anything. */
  record(absPath: string, st: FileStat, hash: string, r: CachedResult, now = Date.now(), goKey = '', deps?: PackageDeps | ScanDeps): void {
    let slot = this.slotOf(absPath);
    const paths = this.pathList();
    this.hashList();
    if (slot === undefined) {
      slot = this.count++;
      paths.push(absPath);
      this.index?.set(absPath, slot);
    }
    this.put(slot, st, hash, r, now, goKey, deps);
  }

  /**
   * Gives an empty cache one slot per file of a run, in the run's order, before any result
   * is recorded (then `recordRun` records by the run's index): a cold run's save then has
   * no slots to sort (9,345 files: 35-124 ms of a save that runs after the scan, alone) and
   * no path to look up per result. False (nothing done) when the cache holds entries or the
   * paths are not sorted (the order a warm run asks in, see `cursor`).
   */
  reserve(paths: readonly string[]): boolean {
    if (this.count !== 0) return false;
    for (let i = 1; i < paths.length; i++) if (!(paths[i - 1]! < paths[i]!)) return false;
    const n = paths.length;
    this.count = n;
    this.pathText = '';
    this.paths = paths.slice();
    this.hashText = '';
    // Holes until recorded: a slot never recorded (a read error, no stat) is dropped at save.
    this.hashes = new Array<string>(n);
    this.stats = new Float64Array(n * STAT_WIDTH);
    this.go = new Array<number>(n);
    this.index = undefined;
    this.cursor = -1;
    this.fresh = { keyIndex: new Map(), memberIndex: new Map(), members: [], dirs: [], stamps: [] };
    return true;
  }

  /** Records the result of the run's `i`-th file, after `reserve` said true for the run's paths. */
  recordRun(i: number, st: FileStat, hash: string, r: CachedResult, goKey: string, deps?: ScanDeps): void {
    this.put(i, st, hash, r, Date.now(), goKey, deps);
  }

  private put(slot: number, st: FileStat, hash: string, r: CachedResult, now: number, goKey: string, deps: PackageDeps | ScanDeps | undefined): void {
    const hashes = this.hashes!;
    const at = slot * STAT_WIDTH;
    if (at + STAT_WIDTH > this.stats.length) {
      const grown = new Float64Array(Math.max(64, this.stats.length * 2));
      grown.set(this.stats);
      this.stats = grown;
    }
    this.stats[at] = st.size;
    this.stats[at + 1] = st.mtimeMs;
    this.stats[at + 2] = st.ino;
    this.stats[at + 3] = now - st.mtimeMs < RACY_MS ? 1 : 0;
    hashes[slot] = hash;
    let g = this.goKeys.indexOf(goKey);
    if (g < 0) g = this.goKeys.push(goKey) - 1;
    this.go[slot] = g;
    if (r.diagnostics.length || r.notices.length) this.results.set(slot, { diagnostics: r.diagnostics, notices: r.notices });
    else this.results.delete(slot);
    this.setDeps(slot, deps);
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


  /** Puts the slots in the order of their paths: the order a run asks in (see `cursor`), whatever order the workers answered in. */
  private sortByPath(): void {
    const p = this.paths;
    if (!p) return; // as loaded: sorted
    let sorted = true;
    for (let i = 1; i < p.length && sorted; i++) sorted = p[i - 1]! < p[i]!;
    if (sorted) return;
    const order = p.map((_, i) => i).sort((a, b) => (p[a]! < p[b]! ? -1 : 1));
    const slotOf = new Array<number>(order.length);
    order.forEach((old, slot) => (slotOf[old] = slot));
    this.paths = order.map((i) => p[i]!);
    const stats = new Float64Array(order.length * STAT_WIDTH);
    order.forEach((i, slot) => stats.set(this.stats.subarray(i * STAT_WIDTH, (i + 1) * STAT_WIDTH), slot * STAT_WIDTH));
    this.stats = stats;
    const hashes = this.hashList();
    this.hashes = order.map((i) => hashes[i]!);
    this.go = order.map((i) => this.go[i]!);
    this.results = new Map([...this.results].map(([i, r]) => [slotOf[i]!, r]));
    // A stored entry's own slot (d[0]) is read only on load: save writes the map's key.
    this.deps = new Map([...this.deps].map(([i, d]) => [slotOf[i]!, d]));
    this.index = undefined;
    this.cursor = -1;
  }

  /** Writes the cache (atomically: a temp file renamed over it) when something changed. Errors are ignored: a cache is optional. */
  save(): void {
    if (!this.dirty) return;
    const write = this.fresh ? this.freshBody() : this.body();
    if (!writeFramed(this.dir, this.file, MAGIC, write)) return;
    this.dirty = false;
    this.prune();
  }

  /** The body of a reserved cache (see FreshParts); after it, the cache is an ordinary one. */
  private freshBody(): (out: FramedOut) => void {
    const f = this.fresh!;
    this.fresh = undefined;
    const n = this.count;
    const hashes = this.hashes!;
    // Slots never recorded go; the others keep their order (the paths stay sorted).
    let kept = 0;
    const slotOf = new Int32Array(n);
    for (let i = 0; i < n; i++) slotOf[i] = hashes[i] === undefined ? -1 : kept++;
    if (kept < n) {
      const paths = this.paths!;
      const stats = new Float64Array(kept * STAT_WIDTH);
      const keptPaths: string[] = [];
      const keptHashes: string[] = [];
      const keptGo: number[] = [];
      for (let i = 0; i < n; i++) {
        if (slotOf[i]! < 0) continue;
        keptPaths.push(paths[i]!);
        keptHashes.push(hashes[i]!);
        keptGo.push(this.go[i]!);
        stats.set(this.stats.subarray(i * STAT_WIDTH, (i + 1) * STAT_WIDTH), slotOf[i]! * STAT_WIDTH);
      }
      this.count = kept;
      this.paths = keptPaths;
      this.hashes = keptHashes;
      this.go = keptGo;
      this.stats = stats;
      this.results = new Map([...this.results].map(([i, r]) => [slotOf[i]!, r]));
      this.deps = new Map([...this.deps].map(([i, d]) => [slotOf[i]!, d]));
      this.index = undefined;
      this.cursor = -1;
    }
    // In the order of their slots, as the other saves write them, whatever order the workers answered in.
    const resultOf = new Array<Body['results'][number] | undefined>(this.count);
    for (const [slot, r] of this.results) resultOf[slot] = [slot, r.diagnostics, r.notices];
    const depsOf = new Array<StoredDeps | undefined>(this.count);
    for (const [slot, d] of this.deps) {
      const stored = (d as LoadedDeps).stored;
      stored[0] = slot;
      depsOf[slot] = stored;
    }
    const results: Body['results'] = [];
    const deps: StoredDeps[] = [];
    for (let slot = 0; slot < this.count; slot++) {
      if (resultOf[slot]) results.push(resultOf[slot]!);
      if (depsOf[slot]) deps.push(depsOf[slot]!);
    }
    return (out) => this.encode(out, results, deps, f.members, this.keys, f.dirs, f.stamps);
  }

  /** The body of a cache loaded or grown by `record`: its slots sorted by path, what the entries name gathered. */
  private body(): (out: FramedOut) => void {
    this.sortByPath();
    const keys: string[] = [];
    const keyIndex = new Map<string, number>();
    const deps: StoredDeps[] = [];
    const members: Membership[] = [];
    const memberIndex = new Map<string, number>();
    const dirs: StoredSnapshot[] = [];
    const stamps: number[] = [];
    const kept = new Set<string>();
    for (const slot of [...this.deps.keys()].sort((a, b) => a - b)) {
      const d = this.deps.get(slot)!;
      const mk = membershipKey(d.membership);
      let m = memberIndex.get(mk);
      if (m === undefined) memberIndex.set(mk, (m = members.push(d.membership) - 1));
      const entry: StoredDeps = [slot, m, d.state];
      for (const [k, h] of d.decls) {
        let i = keyIndex.get(k);
        if (i === undefined) keyIndex.set(k, (i = keys.push(k) - 1));
        entry.push(i, h);
      }
      deps.push(entry);
      // Keep the snapshots some entry still names.
      const snap = this.dirs.get(d.state);
      if (snap && !kept.has(d.state)) {
        kept.add(d.state);
        dirs.push([d.state, snap.dirMtime ?? null, snap.racy ? 1 : 0, snap.files.map(([n]) => n).join(PATH_SEP), stamps.length]);
        for (const [, st] of snap.files) stamps.push(st[0], st[1], st[2]);
      }
    }
    const results = [...this.results].sort((a, b) => a[0] - b[0]).map(([slot, r]): Body['results'][number] => [slot, r.diagnostics, r.notices]);
    return (out) => this.encode(out, results, deps, members, keys, dirs, stamps);
  }

  /**
   * Writes the body: the JSON of Body, a line break, the stats and stamps columns. The JSON is
   * written a field and a few hundred items at a time, each piece encoded into the writer's
   * one buffer, never as one string and one Buffer of the whole: on this machine every fresh
   * MB costs ~7 ms of page faults, and the string, its copy and its encoding (1.8 MB each on
   * the heavy corpus) were most of a cold run's save.
   */
  private encode(out: FramedOut, results: Body['results'], deps: StoredDeps[], members: Membership[], keys: string[], dirs: StoredSnapshot[], stamps: number[]): void {
    const field = (name: keyof Body, first = false) => out.text(`${first ? '{' : ','}${JSON.stringify(name)}:`);
    field('paths', true);
    if (this.paths) jsonJoined(out, this.paths, PATH_SEP);
    else jsonString(out, this.pathText);
    field('order');
    out.text(JSON.stringify(endianness()));
    field('hashes');
    if (this.hashes) jsonJoined(out, this.hashes, HASH_SEP);
    else jsonString(out, this.hashText);
    field('go');
    jsonArray(out, this.go, 2048);
    field('goKeys');
    jsonArray(out, this.goKeys, 64);
    field('results');
    jsonArray(out, results, 16);
    field('deps');
    jsonArray(out, deps, 64);
    field('members');
    jsonArray(out, members, 128);
    field('keys');
    jsonArray(out, keys, 256);
    field('dirs');
    jsonArray(out, dirs, 32);
    field('stamps');
    out.text(`${stamps.length}}`);
    out.bytes(NEWLINE);
    const column = this.stats.subarray(0, this.count * STAT_WIDTH);
    out.bytes(new Uint8Array(column.buffer, column.byteOffset, column.byteLength));
    const stampColumn = new Float64Array(stamps);
    out.bytes(new Uint8Array(stampColumn.buffer));
  }
}

/**
 * A cache file's body, after its header (`MAGIC checksum length`) vouched for it; undefined
 * when there is no file, or why it cannot be trusted. The checksum is of the bytes: hashing
 * the decoded text would encode it again.
 */
export function readFramed(file: string, magic: string): Buffer | string | undefined {
  let raw: Buffer;
  try {
    raw = readFileSync(file);
  } catch {
    return undefined;
  }
  const nl = raw.indexOf(10);
  const head = nl >= 0 ? raw.subarray(0, nl).toString('latin1').split(' ') : [];
  const body = raw.subarray(nl + 1);
  if (head.length !== magic.split(' ').length + 2 || head.slice(0, -2).join(' ') !== magic) return 'unknown header';
  const want = head[head.length - 2]!;
  if (Number(head[head.length - 1]) !== body.length || frameSum(want.length)?.update(body).digest() !== want) return 'checksum mismatch';
  return body;
}

const NEWLINE = new Uint8Array([10]);

/** Where a body is written: text (encoded as UTF-8) and bytes, in order. */
export interface FramedOut {
  text(s: string): void;
  bytes(b: Uint8Array): void;
}

/** Characters a piece of JSON is cut to (JSON.stringify of a few hundred items, a slice of a long string). */
const PIECE = 8192;
/** The buffer pieces of text are encoded into (3 bytes per UTF-16 unit at most: a piece always fits), reused by every write. */
const CHUNK = 64 * 1024;
let chunk: Buffer | undefined;

/** The items of an array as JSON, `per` at a time (JSON.stringify of each run, without its brackets). */
function jsonArray(out: FramedOut, items: readonly unknown[], per: number): void {
  out.text('[');
  for (let i = 0; i < items.length; i += per) {
    if (i) out.text(',');
    const s = JSON.stringify(items.slice(i, i + per));
    out.text(s.slice(1, -1));
  }
  out.text(']');
}

/** `JSON.stringify(list.join(sep))`, written a run of items at a time. */
function jsonJoined(out: FramedOut, list: readonly string[], sep: string): void {
  const between = JSON.stringify(sep).slice(1, -1);
  out.text('"');
  for (let i = 0; i < list.length; i += 128) {
    if (i) out.text(between);
    out.text(JSON.stringify(list.slice(i, i + 128).join(sep)).slice(1, -1));
  }
  out.text('"');
}

/** Hands `s` to `each` in slices of at most PIECE characters, none of which cuts a surrogate pair. */
function inPieces(s: string, each: (piece: string) => void): void {
  for (let from = 0; from < s.length; ) {
    let to = Math.min(s.length, from + PIECE);
    if (to < s.length && (s.charCodeAt(to - 1) & 0xfc00) === 0xd800) to--;
    each(s.slice(from, to));
    from = to;
  }
}

/** `JSON.stringify(s)`, written a slice at a time: JSON escapes each character alone, so the slices' escapes make the whole's. */
function jsonString(out: FramedOut, s: string): void {
  out.text('"');
  inPieces(s, (piece) => out.text(JSON.stringify(piece).slice(1, -1)));
  out.text('"');
}

/** Digits of a cache file's length in its header (zero-padded: the header is written, with the checksum, after the body). */
const LENGTH_DIGITS = 12;

function writeAll(fd: number, b: Uint8Array, position?: number): void {
  for (let at = 0; at < b.byteLength; ) at += writeSync(fd, b, at, b.byteLength - at, position === undefined ? null : position + at);
}

/**
 * Writes a cache file with its header, atomically (a temp file renamed over it), and a
 * `.gitignore` of `*` in its directory. The body may come in parts (written one after the
 * other, never joined). False when it could not: a cache is optional.
 */
export function writeFramed(dir: string, file: string, magic: string, body: string | Uint8Array | ((out: FramedOut) => void)): boolean {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    makeDirs(dir);
    const ignore = join(dir, '.gitignore');
    if (!existsSync(ignore)) writeFileSync(ignore, '*\n');
    const fd = openSync(tmp, 'w');
    try {
      const header = (sum: string, length: number) => Buffer.from(`${magic} ${sum} ${String(length).padStart(LENGTH_DIGITS, '0')}\n`);
      // The body follows a header of the same size, written again once the body is checksummed.
      const sum = frameSum()!;
      const headerSize = header('0'.repeat(sum.width), 0).byteLength;
      let length = 0;
      const buf = (chunk ??= Buffer.allocUnsafe(CHUNK));
      let used = 0;
      const flush = () => {
        if (!used) return;
        const b = buf.subarray(0, used);
        sum.update(b);
        writeAll(fd, b, headerSize + length);
        length += used;
        used = 0;
      };
      const out: FramedOut = {
        text(s) {
          if (s.length > PIECE) {
            // Slices of it: UTF-8 encodes each character alone, so slices that do not cut a surrogate pair encode to the whole.
            inPieces(s, (piece) => out.text(piece));
            return;
          }
          if (s.length * 3 > CHUNK - used) flush();
          used += buf.write(s, used);
        },
        bytes(b) {
          flush();
          sum.update(b);
          writeAll(fd, b, headerSize + length);
          length += b.byteLength;
        },
      };
      if (typeof body === 'string') out.text(body);
      else if (body instanceof Uint8Array) out.bytes(body);
      else body(out);
      flush();
      writeAll(fd, header(sum.digest(), length), 0);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
    return true;
  } catch {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing to clean
    }
    return false;
  }
}

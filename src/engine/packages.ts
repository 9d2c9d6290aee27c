// Packages as the engine opens them: files read from disk (or memory, in tests), a few
// packages kept per thread (a worker scans one directory's files together), and what a
// file's result depends on outside itself, for the result cache.
import { closeSync, fstatSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';
import { createHash } from './hash.js';
import { Package } from '../go/package.js';
import { membershipKey, membershipOf, PackageIndex, type DeclKey, type Membership, type PackageSource, type Stamp } from '../go/pkgindex.js';

/** The `.go` files of directories on disk, each stamped before it is read. */
export const diskSource: PackageSource = {
  list(dir) {
    try {
      return readdirSync(dir || '.', { withFileTypes: true })
        .filter((e) => (e.isFile() || e.isSymbolicLink()) && e.name.endsWith('.go'))
        .map((e) => e.name);
    } catch {
      return [];
    }
  },
  read(path) {
    try {
      const read = readStamped(path);
      // The bytes stay with the text: the scan of the file takes both (Packages.takeRead).
      return { text: read.bytes.toString('utf8'), ...read };
    } catch {
      return undefined;
    }
  },
  stamp(path) {
    const st = statSync(path, { throwIfNoEntry: false });
    return st?.isFile() ? [st.size, st.mtimeMs, st.ino] : undefined;
  },
  dirMtime(dir) {
    return statSync(dir || '.', { throwIfNoEntry: false })?.mtimeMs;
  },
};

/**
 * A file's bytes and its stamp, from one open: the stamp is the fstat that sizes the read
 * (readFileSync's own), taken before reading, where a stat of the path before the read cost a
 * system call more per file. Throws as readFileSync does when the file cannot be read.
 */
export function readStamped(path: string): { bytes: Buffer; stamp?: Stamp } {
  const fd = openSync(path, 'r');
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) {
      // Not a regular file (a device): read as readFileSync reads it, without a stamp.
      return { bytes: readFileSync(fd) };
    }
    const bytes = Buffer.allocUnsafe(st.size);
    let got = 0;
    while (got < bytes.length) {
      const n = readSync(fd, bytes, got, bytes.length - got, null);
      if (n === 0) break;
      got += n;
    }
    return { bytes: got < bytes.length ? bytes.subarray(0, got) : bytes, stamp: [st.size, st.mtimeMs, st.ino] };
  } finally {
    closeSync(fd);
  }
}

/** Files in memory (path → text), for tests and in-memory scans. Paths as the scan names them. */
export function memorySource(files: Record<string, string>): PackageSource {
  return {
    list(dir) {
      return Object.keys(files)
        .filter((p) => dirname(p) === dir && p.endsWith('.go'))
        .map((p) => basename(p));
    },
    read(path) {
      const text = files[path];
      return text === undefined ? undefined : { text };
    },
  };
}

/**
 * The packages one thread has open: those of the last directory (its library, internal and
 * external test packages), whose files are read once for all of them. A worker is dealt a
 * directory's files together, so each package is read and summarized once per worker, and
 * only one directory's texts and summaries are held at a time.
 */
export class Packages {
  private readonly open = new Map<string, Package>();
  /** The last directory read, shared by its packages (library, tests, external tests). */
  private dir?: { path: string; reads: Map<string, ReturnType<PackageSource['read']>>; list?: string[]; mtime?: [number | undefined] };
  private readonly reading: PackageSource;

  constructor(
    readonly source: PackageSource = diskSource,
    private readonly keep = 3,
  ) {
    const here = (dir: string) => this.dirRead(dir);
    this.reading = {
      list: (dir) => (here(dir).list ??= source.list(dir)),
      read: (path) => {
        const d = here(dirname(path));
        if (!d.reads.has(path)) d.reads.set(path, source.read(path));
        return d.reads.get(path);
      },
      // The file being analysed was read for its scan: the stamp of that read is its own (no stat).
      ...(source.stamp ? { stamp: (path: string) => (source === diskSource ? this.dir?.reads.get(path)?.stamp : undefined) ?? source.stamp!(path) } : {}),
      // Once per directory: its library, test and external test packages are opened together
      // (the first one's stat was before the listing they share).
      ...(source.dirMtime ? { dirMtime: (dir: string) => (here(dir).mtime ??= [source.dirMtime!(dir)])[0] } : {}),
    };
  }

  /** What has been read of the directory `dir`: what was read of the one before is let go of. */
  private dirRead(dir: string): NonNullable<Packages['dir']> {
    if (this.dir?.path !== dir) this.dir = { path: dir, reads: new Map() };
    return this.dir;
  }

  /**
   * The text and bytes of the file at `path` when a package of its directory has read it
   * already (the package index reads every sibling of the file that asked first): the scan
   * of that file takes them rather than read and decode the file again. The bytes are let go
   * of here (a file is scanned once); undefined when the file was not read.
   */
  takeRead(path: string): { text: string; bytes?: Buffer } | undefined {
    const p = join(dirname(path), basename(path));
    const read = this.dir?.path === dirname(p) ? this.dir.reads.get(p) : undefined;
    if (!read) return undefined;
    const { text, bytes } = read;
    read.bytes = undefined;
    return bytes ? { text, bytes } : { text };
  }

  /**
   * Reads the file at `path` for its scan, when no package has read it (see takeRead); throws
   * as readFileSync does. From the disk, the read is kept for the packages of its directory,
   * as their own reads are: a package opened by a later file of the directory (most files'
   * rules need none) takes it rather than read it again (915 of the heavy corpus's 4,914
   * package reads were of files scanned already), and decodes it only if it is asked for its
   * text.
   */
  readFile(path: string): Buffer {
    if (this.source !== diskSource) return readFileSync(path);
    const { bytes, stamp } = readStamped(path);
    const p = join(dirname(path), basename(path));
    let text: string | undefined;
    let undecoded: Buffer | undefined = bytes;
    this.dirRead(dirname(p)).reads.set(p, {
      // Decoded once, and the bytes let go of then.
      get text() {
        if (text === undefined) {
          text = undecoded!.toString('utf8');
          undecoded = undefined;
        }
        return text;
      },
      ...(stamp ? { stamp } : {}),
    });
    return bytes;
  }

  /** The package of the file at `path` whose text (being analysed) is `text`. */
  packageOf(path: string, text: string): Package {
    const m = membershipOf(path, text);
    const key = membershipKey(m);
    let p = this.open.get(key);
    if (p) {
      // Most recently used last.
      this.open.delete(key);
      this.open.set(key, p);
      return p;
    }
    // Packages of another directory are done with: a worker is dealt a directory at a time.
    for (const [k, q] of this.open) if (q.index.membership.dir !== m.dir) this.open.delete(k);
    p = new Package(new PackageIndex(m, this.reading, { path, text }));
    this.open.set(key, p);
    while (this.open.size > this.keep) this.open.delete(this.open.keys().next().value!);
    return p;
  }

  /** Lets go of the open packages and the directory's texts (the run is over). */
  dispose(): void {
    this.open.clear();
    this.dir = undefined;
  }
}

/** What a file's result depends on outside its own text: declarations of its package it consulted. */
export interface PackageDeps {
  membership: Membership;
  /** A hash of the directory as it was read (stateOf its snapshot). */
  state: string;
  /** Each consulted key with the hash of what it named (ABSENT when nothing). */
  decls: [DeclKey, string][];
}

/**
 * The dependencies of a scan as they leave the scanning thread: the first of a package's
 * scans carries the directory's snapshot, the others only its state hash (the cache keeps one
 * snapshot per state; a big directory's snapshot sent and hashed with each of its files was
 * quadratic in its size).
 */
export interface ScanDeps extends PackageDeps {
  snapshot?: DirSnapshot;
}

export interface DirSnapshot {
  dirMtime?: number;
  files: [string, Stamp][];
  /** A file (or the directory) changed within RACY_MS of the snapshot: it may change again unseen. */
  racy?: true;
  /** True when `test` holds for every file (a stored snapshot answers from its columns, without making `files`). */
  everyFile?(test: (name: string, size: number, mtimeMs: number, ino: number) => boolean): boolean;
}

/**
 * Files (or directories) whose mtime is this close to the time they were read may change again
 * unseen within the same mtime tick: the snapshots here, the result cache's stats and the kept
 * directory listings all take such a stat as no proof.
 */
export const RACY_MS = 2000;

export function snapshotOf(index: PackageIndex, now = Date.now()): DirSnapshot {
  const files = [...index.stamps].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const snap: DirSnapshot = { ...(index.dirMtime !== undefined ? { dirMtime: index.dirMtime } : {}), files };
  if (index.dirMtime === undefined || now - index.dirMtime < RACY_MS || files.some(([, st]) => now - st[1] < RACY_MS)) snap.racy = true;
  return snap;
}

// A cached snapshot is one object shared by every entry of its directory: its hash is
// computed once, not once per entry (a warm run checks thousands of entries).
const stateMemo = new WeakMap<DirSnapshot, string>();

/** A snapshot whose state hash is known (a cache file's checksum vouches for it): not hashed again. */
export function knownState(s: DirSnapshot, state: string): DirSnapshot {
  stateMemo.set(s, state);
  return s;
}

export function stateOf(s: DirSnapshot): string {
  let h = stateMemo.get(s);
  if (h === undefined) {
    h = createHash('sha1').update(JSON.stringify(s)).digest('hex').slice(0, 16);
    stateMemo.set(s, h);
  }
  return h;
}

/**
 * Checks cached dependencies against the disk, once per directory and key per run: the
 * directory unchanged since its snapshot (stamps only) means every dependency holds;
 * otherwise each consulted declaration is looked up again in the package's text (no parse)
 * and its hash compared, so that only the files that used a changed declaration are scanned
 * again.
 */
export class DepsChecker {
  /** Verdicts per snapshot (one object per directory state in a cache) and directory. */
  private readonly dirState = new Map<DirSnapshot, Map<string, string | null>>();
  private readonly indexes = new Map<string, PackageIndex>();

  constructor(
    private readonly source: PackageSource = diskSource,
    /**
     * The stats the run already has for a directory's files, to save a stat each: whether the
     * file `name` has that size, mtime and inode, undefined when the run has no stat of it.
     */
    private readonly known: (dir: string) => ((name: string, size: number, mtimeMs: number, ino: number) => boolean | undefined) | undefined = () => undefined,
  ) {}

  /** The directory's state hash if its snapshot still matches the disk, else null. */
  private currentState(dir: string, snap: DirSnapshot): string | null {
    let verdicts = this.dirState.get(snap);
    if (!verdicts) this.dirState.set(snap, (verdicts = new Map()));
    const known = verdicts.get(dir);
    if (known !== undefined) return known;
    let ok = !snap.racy && snap.dirMtime !== undefined && this.source.dirMtime?.(dir) === snap.dirMtime;
    const prefix = dir === '' || dir.endsWith(sep) ? dir : dir + sep;
    if (ok) {
      const inRun = this.known(dir);
      const same = (name: string, size: number, mtimeMs: number, ino: number): boolean => {
        const known = inRun?.(name, size, mtimeMs, ino);
        if (known !== undefined) return known;
        const cur = this.source.stamp?.(prefix + name);
        return !!cur && cur[0] === size && cur[1] === mtimeMs && cur[2] === ino;
      };
      ok = snap.everyFile ? snap.everyFile(same) : snap.files.every(([name, st]) => same(name, st[0], st[1], st[2]));
    }
    const state = ok ? stateOf(snap) : null;
    verdicts.set(dir, state);
    return state;
  }

  /**
   * True when every dependency still names what it named when the result was computed.
   * `snapshot` is the directory's snapshot whose hash is `deps.state`, if the cache has it.
   */
  valid(deps: PackageDeps, snapshot: DirSnapshot | undefined): boolean | ScanDeps {
    const dir = deps.membership.dir;
    if (snapshot && this.currentState(dir, snapshot) === deps.state) return true;
    const mk = membershipKey(deps.membership);
    let index = this.indexes.get(mk);
    if (!index) this.indexes.set(mk, (index = new PackageIndex(deps.membership, this.source)));
    if (!deps.decls.every(([k, h]) => index!.hash(k) === h)) return false;
    // Still valid against a changed directory: the dependencies move to its new snapshot, so
    // that the next run takes the fast path again.
    const fresh = snapshotOf(index);
    // Named one by one: the cache's deps resolve their declarations through a getter, which a spread would leave out.
    return { membership: deps.membership, decls: deps.decls, state: stateOf(fresh), snapshot: fresh };
  }
}

/** Scans of text in memory with no package around it: the file is its own package. */
export function loneFile(path: string, text: string): Packages {
  return new Packages(memorySource({ [path]: text }), 1);
}

/** Each package's snapshot, taken at its first scan that consulted it (its stamps were taken when it was opened). */
const snapshots = new WeakMap<PackageIndex, { snapshot: DirSnapshot; state: string }>();

/**
 * What a scan consulted, as the cache records it (undefined when nothing outside the file was
 * asked). The package's first such scan carries the snapshot; the cache that records it keeps
 * it for the later ones, which name its state (a result that is not recorded loses only the
 * fast check: see DepsChecker).
 */
export function scanDeps(pkg: Package | undefined, decls: [DeclKey, string][]): ScanDeps | undefined {
  if (!pkg || !decls.length) return undefined;
  const known = snapshots.get(pkg.index);
  if (known) return { membership: pkg.index.membership, state: known.state, decls };
  const snapshot = snapshotOf(pkg.index);
  const state = stateOf(snapshot);
  snapshots.set(pkg.index, { snapshot, state });
  return { membership: pkg.index.membership, state, decls, snapshot };
}

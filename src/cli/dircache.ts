// Directory listings kept between runs, so that a warm run stats a directory instead of
// reading it. Any change to a directory's entries (a file or directory made, removed or
// renamed in it) moves its mtime and ctime, and nothing can set a ctime back, so a listing
// is reused only while the directory's ctime, mtime and inode are what they were when it
// was read; one changed within RACY_MS of its reading may change again unseen in the same
// tick and is not kept. Only the entries the walk looks at are kept (directories, `.go`
// files, go.mod and `.git*` names); a file's own changes are the result cache's business
// (a stat per file). Git's untracked cache rests on the same stat data. The file lives in
// the result cache's directory, one per directory of caches, and is written only when a
// listing changed.
import { readdirSync, type Dirent } from 'node:fs';
import { join, sep } from 'node:path';
import { readFramed, writeFramed } from '../engine/cache.js';
import { RACY_MS } from '../engine/packages.js';
import { CTIME_MS, INO, MTIME_MS, statNumbers } from '../engine/faststat.js';

const MAGIC = 'leakhound-dirs 2';
const FILE = 'dirs.cache';

/**
 * A directory's entries as the walk uses them: only those it can use (directories, `.go`
 * files, go.mod and `.git*` names), their names, and one letter each for their kinds
 * (directory, file, symbolic link, other) in `kinds`. A listing kept from the last run is
 * the split of one string: no object per entry (a warm run of the heavy corpus reuses
 * ~1,100 listings of ~9,000 entries).
 */
export interface Listing {
  names: string[];
  kinds: string;
}

export const DIR = 'd'.charCodeAt(0);
export const FILE_KIND = 'f'.charCodeAt(0);
export const LINK = 'l'.charCodeAt(0);

/** The entries a walk can use: the rest (other files) are not kept. */
export function keptEntry(name: string, isDir: boolean): boolean {
  return isDir || name.endsWith('.go') || name === 'go.mod' || name.startsWith('.git');
}

const kindOf = (e: Dirent): string => (e.isDirectory() ? 'd' : e.isFile() ? 'f' : e.isSymbolicLink() ? 'l' : 'o');

/** The listing of entries read from the disk. */
export function listingOf(entries: Dirent[]): Listing {
  const names: string[] = [];
  let kinds = '';
  for (const e of entries) {
    if (!keptEntry(e.name, e.isDirectory())) continue;
    names.push(e.name);
    kinds += kindOf(e);
  }
  return { names, kinds };
}

/** A kept listing: the directory, its stat, its entries' kinds and their names joined by `/` (no name holds one). */
type Kept = [dir: string, ctimeMs: number, mtimeMs: number, ino: number, kinds: string, names: string];

export class DirListings {
  private readonly listings = new Map<string, Kept>();
  /** Directories listed in this run, with their mtime then. */
  private readonly seen = new Map<string, number>();
  /** Directories the walks of this run started from: kept listings below them that the run did not list are gone. */
  private readonly roots: string[] = [];
  private dirty = false;
  /** Listings answered from the file (for tests). */
  reused = 0;

  private constructor(
    private readonly dir: string,
    private readonly file: string,
    private readonly now: () => number,
  ) {}

  /** The listings kept in the cache directory `dir`, read at the first directory listed (a run given only files reads none). */
  static open(dir: string, now = Date.now): DirListings {
    return new DirListings(dir, join(dir, FILE), now);
  }

  private loaded = false;

  /** Reads the file (none when there is none, or it cannot be trusted). */
  private load(): void {
    this.loaded = true;
    const body = readFramed(this.file, MAGIC);
    if (typeof body !== 'object') {
      this.dirty = body !== undefined; // rewrite a damaged file
      return;
    }
    try {
      for (const l of JSON.parse(body.toString('utf8')) as Kept[]) this.listings.set(l[0], l);
    } catch {
      this.listings.clear();
      this.dirty = true;
    }
  }

  /** A walk starts at `root`. */
  walking(root: string): void {
    this.roots.push(root);
  }

  /** The entries of `dir` the walk can use (throws as readdir does when it cannot be read). */
  list(dir: string): Listing {
    if (!this.loaded) this.load();
    const st = statNumbers(dir, true)!;
    const ctimeMs = st[CTIME_MS]!;
    const mtimeMs = st[MTIME_MS]!;
    const ino = st[INO]!;
    this.seen.set(dir, mtimeMs);
    const kept = this.listings.get(dir);
    if (kept && kept[1] === ctimeMs && kept[2] === mtimeMs && kept[3] === ino) {
      this.reused++;
      return { names: kept[5] === '' ? [] : kept[5].split('/'), kinds: kept[4] };
    }
    const listing = listingOf(readdirSync(dir, { withFileTypes: true }));
    if (this.now() - Math.max(ctimeMs, mtimeMs) >= RACY_MS) this.listings.set(dir, [dir, ctimeMs, mtimeMs, ino, listing.kinds, listing.names.join('/')]);
    else this.listings.delete(dir);
    this.dirty = true;
    return listing;
  }

  /**
   * The mtime of a directory this run listed, as it was then: the result cache checks the
   * directories of packages by their mtime, and need not stat them again.
   */
  mtimeOf(dir: string): number | undefined {
    return this.seen.get(dir);
  }

  /** Writes the listings when they changed; those under this run's roots that it did not list are dropped. */
  save(): void {
    if (!this.loaded) return;
    const under = (p: string) => this.roots.some((r) => p === r || p.startsWith(r.endsWith(sep) ? r : r + sep));
    for (const p of this.listings.keys()) {
      if (!this.seen.has(p) && under(p)) {
        this.listings.delete(p);
        this.dirty = true;
      }
    }
    if (!this.dirty) return;
    if (writeFramed(this.dir, this.file, MAGIC, JSON.stringify([...this.listings.values()]))) this.dirty = false;
  }
}

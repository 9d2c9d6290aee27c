// A fast directory walk for `.go` files: readdir with file types, no stat per file, and
// .gitignore files read as the walk meets them (git's precedence: a deeper file wins, and an
// ignored directory is not entered). globby's gitignore mode walks the tree twice and tests
// every path against every ignore file, which dominated warm (cached) runs.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import ignore from 'ignore';
import { DIR, FILE_KIND, LINK, listingOf, type Listing } from './dircache.js';

type Ignore = ReturnType<typeof ignore>;

/** Directories the default skips leave out, besides those starting with `.` or `_`. */
export const SKIPPED_DIRS = ['vendor', 'testdata', 'node_modules'];

/** True for a directory name the default skips leave out. */
export function isSkippedDirName(name: string): boolean {
  return SKIPPED_DIRS.includes(name) || ((name.startsWith('.') || name.startsWith('_')) && name !== '.' && name !== '..');
}

export interface WalkOptions {
  /** Leave out the directories of the default skips (isSkippedDirName) and dot files. */
  defaultSkips: boolean;
  /** Apply .gitignore files. */
  gitignore: boolean;
  /** Called for a directory that could not be read (its files are not scanned). */
  onUnreadable?: (dir: string, e: NodeJS.ErrnoException) => void;
  /**
   * Filled with the go.mod path of each directory read and whether it is a regular file
   * there (a symlink is left out: only a stat tells), so that finding each file's go.mod
   * takes no stat per directory.
   */
  goMods?: Map<string, boolean>;
  /** Lists a directory (default: readdir with file types); dircache.ts answers from the last run's listings. */
  listDir?: (dir: string) => Listing;
  /** Told after each directory how many files the walk has found so far. */
  found?: (count: number) => void;
}

interface Level {
  dir: string;
  ig: Ignore;
}

const loaded = new Map<string, Ignore | null>();

const read = (p: string): string | null => {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return null;
  }
};

/** The .gitignore of a directory, with .git/info/exclude at a git root (memoized for the process), or null. */
function gitignoreOf(dir: string, names?: Set<string>): Ignore | null {
  let ig = loaded.get(dir);
  if (ig !== undefined) return ig;
  // When the directory's entries are known, read only the files that exist.
  const texts = [
    names && !names.has('.gitignore') ? null : read(join(dir, '.gitignore')),
    names && !names.has('.git') ? null : read(join(dir, '.git', 'info', 'exclude')),
  ].filter((t): t is string => t !== null);
  ig = texts.length ? ignore().add(texts.join('\n')) : null;
  loaded.set(dir, ig);
  return ig;
}

const roots = new Map<string, string | null>();

/** The root of the git work tree `dir` is in (where `.git` is), or null outside git. */
export function gitRoot(dir: string): string | null {
  const known = roots.get(dir);
  if (known !== undefined) return known;
  const up = dirname(dir);
  const root = existsSync(join(dir, '.git')) ? dir : up === dir ? null : gitRoot(up);
  roots.set(dir, root);
  return root;
}

/** Git's verdict on a path from a stack of .gitignore levels (shallow first): the deepest rule that speaks wins. */
function ignoredBy(levels: Level[], abs: string, isDir: boolean): boolean {
  let ignored = false;
  for (const l of levels) {
    // A level is a directory above `abs` (both normalized): the path below it is a slice,
    // not a path.relative (which resolves both paths), per entry of every directory walked.
    const below = sep === '/' && abs.length > l.dir.length + 1 && abs.startsWith(l.dir) && abs[l.dir.length] === '/';
    const rel = (below ? abs.slice(l.dir.length + 1) : relative(l.dir, abs).split(sep).join('/')) + (isDir ? '/' : '');
    const t = l.ig.test(rel);
    if (t.ignored) ignored = true;
    else if (t.unignored) ignored = false;
  }
  return ignored;
}

/** The .gitignore levels that apply to `dir`: those of `top` and of every directory between it and `dir`. */
export function levelsFor(top: string, dir: string): Level[] {
  const chain: string[] = [];
  for (let d = dir; ; d = dirname(d)) {
    chain.push(d);
    if (d === top || dirname(d) === d) break;
  }
  if (chain[chain.length - 1] !== top) return [];
  return chain.reverse().flatMap((d) => {
    const ig = gitignoreOf(d);
    return ig ? [{ dir: d, ig }] : [];
  });
}

/** True when git would ignore `abs` given the .gitignore files from `top` down. */
export function isGitIgnoredFrom(top: string, abs: string): boolean {
  const rel = relative(top, abs);
  if (rel.startsWith('..') || rel === '') return false;
  const parts = rel.split(sep);
  // An ignored parent directory hides everything below it.
  let dir = top;
  for (let i = 0; i < parts.length - 1; i++) {
    dir = join(dir, parts[i]!);
    if (ignoredBy(levelsFor(top, dirname(dir)), dir, true)) return true;
  }
  return ignoredBy(levelsFor(top, dirname(abs)), abs, false);
}

/** Every `.go` file under `root` (absolute paths, unsorted); `top` is where .gitignore files start to count. */
export function walkGoFiles(root: string, top: string, opts: WalkOptions): string[] {
  const out: string[] = [];
  const skipping = opts.defaultSkips;
  const listDir = opts.listDir ?? ((dir: string): Listing => listingOf(readdirSync(dir, { withFileTypes: true })));
  // String concatenation instead of path.join per entry: `dir` is already normalized.
  const child = (dir: string, name: string) => (dir.endsWith(sep) ? dir + name : dir + sep + name);
  const visit = (dir: string, levels: Level[]) => {
    let listing;
    try {
      listing = listDir(dir);
    } catch (e) {
      opts.onUnreadable?.(dir, e as NodeJS.ErrnoException);
      return;
    }
    const { names, kinds } = listing;
    if (opts.gitignore) {
      const git = new Set<string>();
      for (let k = 0; k < names.length; k++) if (names[k]!.startsWith('.git')) git.add(names[k]!);
      const ig = gitignoreOf(dir, git);
      if (ig) levels = [...levels, { dir, ig }];
    }
    let goMod: boolean | undefined = false;
    // Indexes, not for…of: this runs once per directory, mostly before V8 optimizes it.
    for (let k = 0; k < names.length; k++) {
      const name = names[k]!;
      const kind = kinds.charCodeAt(k);
      if (name === 'go.mod') goMod = kind === LINK ? undefined : kind === FILE_KIND;
      if (kind === DIR) {
        if (skipping && isSkippedDirName(name)) continue;
        const p = child(dir, name);
        if (levels.length && ignoredBy(levels, p, true)) continue;
        visit(p, levels);
      } else if (kind === FILE_KIND && name.endsWith('.go') && !(skipping && name.startsWith('.'))) {
        const p = child(dir, name);
        if (levels.length && ignoredBy(levels, p, false)) continue;
        out.push(p);
      }
    }
    if (goMod !== undefined) opts.goMods?.set(child(dir, 'go.mod'), goMod);
    opts.found?.(out.length);
  };
  // .gitignore files between `top` and `root` count too.
  const above = opts.gitignore && root !== top ? levelsFor(top, dirname(root)) : [];
  if (opts.gitignore && root !== top && ignoredBy(above, root, true)) return out;
  visit(root, above);
  return out;
}

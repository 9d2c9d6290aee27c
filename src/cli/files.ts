// Which files to scan: directories recursively (`.go` files), explicit files as given, and
// the default skips applied to both (pre-commit passes file names): vendor/, testdata/,
// node_modules/, directories starting with `.` or `_`, and anything .gitignore ignores.
// Generated files are recognised by their content, in the engine.
import { statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { errnoWords } from './output.js';
import { gitRoot, isGitIgnoredFrom, isSkippedDirName, walkGoFiles } from './walk.js';
import type { DirListings } from './dircache.js';

export interface FileSelection {
  /** Files to scan, relative to cwd when inside it, with `/` separators, sorted, unique. */
  files: string[];
  /** Paths the user named that do not exist: one message each. */
  missing: string[];
  /** Paths the user named that are neither a directory nor a regular file (FIFOs, devices). */
  special: string[];
  /** Directories (found by the walk or named) and named paths that could not be read, and why. */
  unreadable: { path: string; why: string }[];
  /** For the directories the walk read: their go.mod path and whether it is a file there. */
  goMods: Map<string, boolean>;
}

export interface SelectOptions {
  cwd: string;
  /** Apply the default skips (vendor/, testdata/, dot/underscore dirs, .gitignore). */
  defaultSkips: boolean;
  /** Extra ignore globs (from the config), matched against cwd-relative paths. */
  ignore: string[];
  /** The last run's directory listings (the cache is on): a directory unchanged since is not read again. */
  listings?: DirListings;
  /** Told as the walk goes how many files it has found so far (an upper bound of the selection). */
  onFound?: (count: number) => void;
}

function display(cwd: string, abs: string): string {
  // Fast path for the walk's own output (normalized absolute paths): no path.relative per file.
  if (sep === '/' && !abs.includes('/.')) {
    if (abs.startsWith(cwd.endsWith('/') ? cwd : cwd + '/')) return abs.slice(cwd.endsWith('/') ? cwd.length : cwd.length + 1);
    if (abs !== cwd && !cwd.startsWith(abs + '/')) return abs;
  }
  const rel = relative(cwd, abs);
  const p = rel === '' || rel.startsWith('..') || isAbsolute(rel) ? abs : rel;
  return p.split(sep).join('/');
}

/** True when a path has a directory segment the default skips exclude. */
export function inSkippedDir(path: string): boolean {
  const parts = path.split('/');
  parts.pop();
  return parts.some(isSkippedDirName);
}

/**
 * A path as the user wrote it, with Go's package patterns read as the directory: `./...` and
 * `dir/...` are scanned recursively, with the skips the go command has too (vendor/,
 * testdata/, dot and underscore directories).
 */
export function fromPattern(p: string): string {
  return p === '...' ? '.' : p.replace(/[/\\]\.\.\.$/, '') || '/';
}

/** The directories the scan starts from (a named file's own directory), absolute. */
export function scanDirs(paths: string[], cwd: string): string[] {
  return (paths.length ? paths : ['.']).map((p) => {
    const abs = resolve(cwd, fromPattern(p));
    try {
      return statSync(abs).isDirectory() ? abs : dirname(abs);
    } catch {
      return dirname(abs); // reported as missing or unreadable by selectFiles
    }
  });
}

export async function selectFiles(paths: string[], opts: SelectOptions): Promise<FileSelection> {
  const { cwd } = opts;
  // Duplicates (overlapping paths given) go after the sort: a Set of every path hashed each
  // one, a few ms of a warm run of a big tree.
  const out: string[] = [];
  const missing: string[] = [];
  const special: string[] = [];
  const unreadable: FileSelection['unreadable'] = [];
  const goMods = new Map<string, boolean>();
  // picomatch loads only when there are ignore globs (pre-commit start-up time).
  const ignoreMatch = opts.ignore.length ? (await import('picomatch')).default(opts.ignore, { dot: true }) : () => false;
  // .gitignore files count from the git root down (or from the scanned directory outside git).
  const isIgnored = (abs: string): boolean => {
    if (!opts.defaultSkips) return false;
    const top = gitRoot(dirname(abs));
    return top !== null && isGitIgnoredFrom(top, abs);
  };

  for (const p of paths.length ? paths : ['.']) {
    const abs = resolve(cwd, fromPattern(p));
    let st;
    try {
      st = statSync(abs);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') missing.push(p);
      else unreadable.push({ path: p, why: `cannot read: ${errnoWords(e)}` });
      continue;
    }
    if (st.isDirectory()) {
      const { listings } = opts;
      listings?.walking(abs);
      const found = walkGoFiles(abs, (opts.defaultSkips && gitRoot(abs)) || abs, {
        gitignore: opts.defaultSkips,
        defaultSkips: opts.defaultSkips,
        goMods,
        ...(opts.onFound ? { found: (n: number) => opts.onFound!(out.length + n) } : {}),
        ...(listings ? { listDir: (d: string) => listings.list(d) } : {}),
        onUnreadable: (dir, e) => unreadable.push({ path: display(cwd, dir), why: `cannot read directory: ${errnoWords(e)}` }),
      });
      for (let i = 0; i < found.length; i++) {
        const shown = display(cwd, found[i]!);
        if (!ignoreMatch(shown)) out.push(shown);
      }
    } else if (!st.isFile()) {
      special.push(p); // reading a FIFO would block forever
    } else {
      const shown = display(cwd, abs);
      if (opts.defaultSkips && (inSkippedDir(shown) || isIgnored(abs))) continue;
      if (ignoreMatch(shown)) continue;
      out.push(shown);
    }
  }
  out.sort();
  const files = out.filter((f, i) => i === 0 || f !== out[i - 1]);
  return { files, missing, special, unreadable: unreadable.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)), goMods };
}


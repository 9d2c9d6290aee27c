// The Go version a file is built with, from the go.mod that governs it: the nearest one in
// the file's directory or above (the module the go command would put the file in).
//
//   module example.com/svc
//   go 1.22.3                 the language version: it decides semantics (1.23's timers)
//   toolchain go1.23.2        the toolchain that builds it: reported, decides nothing here
//   godebug asynctimerchan=1  a module may keep the pre-1.23 timers on a newer Go
//
// A go.mod without a go line means go 1.16 (the go command's rule). No go.mod at all means
// nothing is known: the newest Go is assumed and the run's --stats says so. Looked up once
// per directory and parsed once per go.mod, not once per file.
import { readFileSync, statSync } from 'node:fs';
import { dirname, sep } from 'node:path';

/** What rules see of the Go version that applies to a file (plain data: it crosses threads). */
export interface GoVersion {
  /** The go.mod's go line (`1.22`, `1.22.3`); undefined when no go.mod was found (newest assumed). */
  go?: string;
  /** The toolchain line, without its `go` prefix (`1.23.2`). */
  toolchain?: string;
  /** godebug settings of the go.mod (`asynctimerchan` → `1`). */
  godebug?: Record<string, string>;
  /** The go.mod's path. */
  gomod?: string;
}

/** The version a go.mod without a go line declares (cmd/go: "go 1.16 is assumed"). */
export const GO_LINE_DEFAULT = '1.16';

/** Parses a go.mod's go, toolchain and godebug directives; everything else is ignored. */
export function parseGoMod(text: string): Omit<GoVersion, 'gomod'> {
  const out: Omit<GoVersion, 'gomod'> = {};
  let block: string | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\/\/.*$/, '').trim();
    if (!line) continue;
    if (block) {
      if (line === ')') block = undefined;
      else if (block === 'godebug') addGodebug(out, line);
      continue;
    }
    const m = /^(\w+)\s*(.*)$/.exec(line);
    if (!m) continue;
    const [, verb, rest] = m as unknown as [string, string, string];
    if (rest === '(') {
      block = verb;
      continue;
    }
    if (verb === 'go' && /^\d+(\.\d+)*/.test(rest)) out.go = rest;
    else if (verb === 'toolchain') out.toolchain = rest.replace(/^go/, '');
    else if (verb === 'godebug') addGodebug(out, rest);
  }
  out.go ??= GO_LINE_DEFAULT;
  return out;
}

function addGodebug(out: Omit<GoVersion, 'gomod'>, setting: string): void {
  const m = /^([\w.-]+)\s*=\s*(\S+)$/.exec(setting);
  if (m) (out.godebug ??= {})[m[1]!] = m[2]!;
}

/** [major, minor, patch] of `1.22.3`, `1.23rc1` (a release candidate counts as its release). */
function parts(v: string): number[] {
  const m = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(v);
  return m ? [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)] : [0, 0, 0];
}

/** Negative, zero or positive as Go version `a` is older than, the same as or newer than `b`. */
export function compareGo(a: string, b: string): number {
  const x = parts(a);
  const y = parts(b);
  return x[0]! - y[0]! || x[1]! - y[1]! || x[2]! - y[2]!;
}

/** True when the file is built with Go `v` or newer (always, when no go.mod told otherwise). */
export function goAtLeast(g: GoVersion | undefined, v: string): boolean {
  return g?.go === undefined || compareGo(g.go, v) >= 0;
}

/**
 * True when the file's timers behave as before Go 1.23: an unstopped Ticker, Timer or
 * time.After is not collected until it fires (a Ticker: never). A `godebug asynctimerchan=1`
 * line keeps that behaviour on a newer go line.
 */
export function oldTimers(g: GoVersion | undefined): boolean {
  return !goAtLeast(g, '1.23') || g?.godebug?.asynctimerchan === '1';
}

/** A short text of the version that applied, for messages and the result cache's key. */
export function goVersionKey(g: GoVersion | undefined): string {
  if (!g || g.go === undefined) return 'newest';
  const debug = g.godebug ? Object.entries(g.godebug).sort().map(([k, v]) => `${k}=${v}`).join(',') : '';
  return `${g.go}|${g.toolchain ?? ''}|${debug}`;
}

export interface ModuleLookupOptions {
  /** Do not look above this directory (tests keep the lookup inside their fixture tree). */
  stopAt?: string;
  readFile?: (path: string) => string;
  isFile?: (path: string) => boolean;
  /** go.mod paths known to be a file or not (the walk read their directories): no stat for them. */
  known?: Map<string, boolean>;
}

const isFile = (p: string) => statSync(p, { throwIfNoEntry: false })?.isFile() ?? false;

/** Finds and parses the go.mod that governs each file, memoized per directory and per go.mod. */
export class ModuleVersions {
  private readonly byDir = new Map<string, string | null>();
  private readonly byGoMod = new Map<string, GoVersion>();
  private readonly read: (p: string) => string;
  private readonly exists: (p: string) => boolean;
  private lastDir?: { prefix: string; version: GoVersion };

  constructor(private readonly opts: ModuleLookupOptions = {}) {
    this.read = opts.readFile ?? ((p) => readFileSync(p, 'utf8'));
    const exists = opts.isFile ?? isFile;
    const known = opts.known;
    this.exists = known ? (p) => known.get(p) ?? exists(p) : exists;
  }

  /** The go.mod of the directory `dir` belongs to, or null. */
  goModFor(dir: string): string | null {
    const known = this.byDir.get(dir);
    if (known !== undefined) return known;
    let found: string | null = null;
    // Concatenated, not path.join: `dir` is a normalized directory (the dirname of a file's
    // absolute path), and path.join normalizes character by character in code that runs a
    // few thousand times per run, mostly before V8 optimizes it (~5% of a warm run's CPU).
    const goMod = dir.endsWith(sep) ? `${dir}go.mod` : `${dir}${sep}go.mod`;
    if (this.exists(goMod)) found = goMod;
    else {
      const parent = dirname(dir);
      if (parent !== dir && dir !== this.opts.stopAt) found = this.goModFor(parent);
    }
    this.byDir.set(dir, found);
    return found;
  }

  /**
   * The version for a file (an absolute path); `{}` when no go.mod governs it. Files come
   * a directory at a time (a scan's list is sorted), so the last directory is remembered.
   */
  forFile(absPath: string): GoVersion {
    // The directory with its separator: `/a/b/` for `/a/b/c.go`, `/` for `/c.go` (cut out only for a new directory).
    const cut = absPath.lastIndexOf(sep) + 1;
    const last = this.lastDir;
    if (last && last.prefix.length === cut && absPath.startsWith(last.prefix)) return last.version;
    const prefix = absPath.slice(0, cut);
    const gomod = this.goModFor(dirname(absPath));
    let v: GoVersion | undefined = gomod ? this.byGoMod.get(gomod) : {};
    if (!v) {
      try {
        v = { ...parseGoMod(this.read(gomod!)), gomod: gomod! };
      } catch {
        v = {}; // unreadable: as if there were none
      }
      this.byGoMod.set(gomod!, v);
    }
    this.lastDir = { prefix, version: v };
    return v;
  }

  /** go.mod files read so far. */
  get modules(): number {
    return [...this.byGoMod.values()].filter((v) => v.gomod).length;
  }
}

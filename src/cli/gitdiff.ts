// `--new-from-rev REV`: the lines changed since REV, from `git diff -U0 REV` (working tree
// against REV, staged or not) plus untracked files, which are new in their entirety.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';

// child_process (with net and dgram) is loaded only when git runs: most runs never do, and
// loading it was a few ms of every run's start.
const require = createRequire(import.meta.url);

export class GitError extends Error {}

/** The nearest directory from `cwd` upward that holds `.git`, else undefined. */
export function findRepoRoot(cwd: string): string | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(resolve(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

function git(cwd: string, args: string[]): { ok: boolean; out: string; err: string } {
  const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
  const r = spawnSync('git', ['-c', 'core.quotePath=false', ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.error) throw new GitError(`--new-from-rev: cannot run git: ${r.error.message}`);
  return { ok: r.status === 0, out: r.stdout, err: r.stderr };
}

/** Changed lines: absolute path → line numbers (1-based); `'all'` for untracked files. */
export type ChangedLines = Map<string, Set<number> | 'all'>;

/** Parses `git diff -U0` output (paths relative to `top`). */
export function parseDiff(diff: string, top: string): ChangedLines {
  const out: ChangedLines = new Map();
  let current: Set<number> | undefined;
  for (const line of diff.split('\n')) {
    if (line.startsWith('+++ ')) {
      const name = line.slice(4).replace(/\t$/, ''); // git appends a tab to names with spaces
      if (name === '/dev/null') {
        current = undefined;
        continue;
      }
      let path = name;
      if (name.startsWith('"')) {
        // C-style quoting (names with quotes or control characters); JSON covers the common cases
        try {
          path = JSON.parse(name) as string;
        } catch {
          current = undefined;
          continue;
        }
      }
      current = new Set();
      out.set(resolve(top, path.replace(/^b\//, '')), current);
    } else if (line.startsWith('@@ ') && current) {
      const m = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
      if (!m) continue;
      const start = Number(m[1]);
      const count = m[2] === undefined ? 1 : Number(m[2]);
      for (let i = 0; i < count; i++) current.add(start + i);
    }
  }
  return out;
}

export function changedLines(rev: string, cwd: string): ChangedLines {
  const inside = git(cwd, ['rev-parse', '--show-toplevel']);
  if (!inside.ok) throw new GitError(`--new-from-rev: ${resolve(cwd)} is not inside a git repository`);
  const top = inside.out.trim();
  if (rev.startsWith('-') || !git(top, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]).ok) {
    throw new GitError(`--new-from-rev: unknown revision '${rev}'`);
  }
  const diff = git(top, ['diff', '-U0', '--no-color', '--no-ext-diff', '--src-prefix=a/', '--dst-prefix=b/', rev, '--']);
  if (!diff.ok) throw new GitError(`--new-from-rev: git diff failed: ${diff.err.trim().split('\n')[0]}`);
  const out = parseDiff(diff.out, top);
  const untracked = git(top, ['ls-files', '--others', '--exclude-standard', '-z']);
  for (const f of untracked.out.split('\0').filter(Boolean)) out.set(resolve(top, f), 'all');
  return out;
}

/**
 * The lines changed since `rev` in the repositories the scanned directories are in (git runs
 * in each of them, so scanning another repository works from anywhere).
 */
export function changedLinesIn(rev: string, dirs: string[]): ChangedLines {
  const out: ChangedLines = new Map();
  const seen = new Set<string>();
  for (const dir of dirs) {
    const root = findRepoRoot(dir) ?? dir;
    if (seen.has(root)) continue;
    seen.add(root);
    for (const [k, v] of changedLines(rev, root)) out.set(k, v);
  }
  return out;
}

/** Whether a finding at `line` of `absPath` is on a changed line. */
export function isChanged(changed: ChangedLines, absPath: string, line: number): boolean {
  const c = changed.get(absPath);
  return c === 'all' || (c !== undefined && c.has(line));
}

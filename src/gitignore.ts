// Is an explicitly named file ignored by git? Reads only the .gitignore files on the way from
// the repository root down to the file (cached per directory), instead of globbing every
// .gitignore below the working directory: pre-commit passes file names, and this check is
// on its start-up path.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import type { Ignore } from 'ignore';
import { findRepoRoot } from './gitdiff.js';

// Loaded on the first .gitignore found, not at start-up.
let ignore: (() => Ignore) | undefined;

const perDir = new Map<string, Ignore | null>();

function rulesIn(dir: string): Ignore | null {
  if (!perDir.has(dir)) {
    let ig: Ignore | null = null;
    let text: string | undefined;
    try {
      text = readFileSync(join(dir, '.gitignore'), 'utf8');
    } catch {
      // no .gitignore here
    }
    if (text !== undefined) {
      ignore ??= createRequire(import.meta.url)('ignore') as () => Ignore;
      ig = ignore().add(text);
    }
    perDir.set(dir, ig);
  }
  return perDir.get(dir)!;
}

/** True when a .gitignore between the repository root and `abs` ignores it. */
export function isGitIgnoredFile(abs: string): boolean {
  const root = findRepoRoot(dirname(abs));
  if (!root) return false;
  const rel = relative(root, abs);
  if (rel.startsWith('..')) return false;
  const parts = rel.split(sep);
  for (let i = 0; i < parts.length; i++) {
    const dir = join(root, ...parts.slice(0, i));
    const ig = rulesIn(dir);
    if (ig && ig.ignores(parts.slice(i).join('/'))) return true;
  }
  return false;
}

// Sibling files as the editor sees them: the package view (src/go/package.ts) reads a file
// from its open buffer when there is one, unsaved edits included, and from the disk
// otherwise. A buffer of a file that is not on disk yet still belongs to its directory.
import { basename, dirname } from 'node:path';
import { diskSource } from '../engine/packages.js';
import type { PackageSource } from '../go/pkgindex.js';

/** `buffers`: absolute path → text of every open Go document. */
export function bufferedSource(buffers: ReadonlyMap<string, string>): PackageSource {
  return {
    list(dir) {
      const names = new Set(diskSource.list(dir));
      for (const p of buffers.keys()) if (dirname(p) === dir && p.endsWith('.go')) names.add(basename(p));
      return [...names].sort();
    },
    read(path) {
      const text = buffers.get(path);
      return text !== undefined ? { text } : diskSource.read(path);
    },
  };
}

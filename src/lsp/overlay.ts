// The package around an open document, as the editor sees it and kept warm between keystrokes:
//   - a sibling is read from its open buffer when there is one (unsaved edits count), from the
//     disk otherwise (its text kept while its size, mtime and inode hold);
//   - the package's summaries carry over from the previous analysis, except those that
//     consulted a file whose text changed (Package.carryOver), so typing in one file does
//     not summarize the whole package again at each keystroke.
import { basename, dirname } from 'node:path';
import { diskSource, Packages } from '../engine/packages.js';
import { Package } from '../go/package.js';
import { membershipKey, membershipOf, PackageIndex, type PackageSource, type Stamp } from '../go/pkgindex.js';

/** How many packages stay warm (the directories of the documents being edited). */
const WARM = 4;

const sameStamp = (a: Stamp, b: Stamp) => a[0] === b[0] && a[1] === b[1] && a[2] === b[2];

interface Texts {
  /** Absolute path → text of every open Go document, as of the analysis being run. */
  buffers: ReadonlyMap<string, string>;
  /** Sibling texts read from the disk, with the stamp they were read at. */
  disk: Map<string, { stamp: Stamp; text: string }>;
}

function editorSource(t: Texts): PackageSource {
  const readDisk = (path: string): { text: string } | undefined => {
    const stamp = diskSource.stamp!(path);
    const known = t.disk.get(path);
    if (!stamp) {
      t.disk.delete(path);
      return undefined;
    }
    if (known && sameStamp(known.stamp, stamp)) return { text: known.text };
    const read = diskSource.read(path);
    if (read) t.disk.set(path, { stamp: read.stamp ?? stamp, text: read.text });
    return read && { text: read.text };
  };
  return {
    list(dir) {
      const names = new Set(diskSource.list(dir));
      for (const p of t.buffers.keys()) if (dirname(p) === dir && p.endsWith('.go')) names.add(basename(p));
      return [...names].sort();
    },
    read(path) {
      const text = t.buffers.get(path);
      return text !== undefined ? { text } : readDisk(path);
    },
  };
}

export class EditorPackages extends Packages {
  private readonly warm = new Map<string, Package>();

  private constructor(private readonly texts: Texts) {
    super(editorSource(texts), WARM);
  }

  static create(): EditorPackages {
    return new EditorPackages({ buffers: new Map(), disk: new Map() });
  }

  /** Sets the open buffers for the analyses that follow. */
  withBuffers(buffers: ReadonlyMap<string, string>): this {
    this.texts.buffers = buffers;
    return this;
  }

  /** The package of `path` with `text` as its content now, warm from the last time it was asked for. */
  override packageOf(path: string, text: string): Package {
    const m = membershipOf(path, text);
    const key = membershipKey(m);
    const pkg = new Package(new PackageIndex(m, this.source, { path, text }));
    const previous = this.warm.get(key);
    if (previous) {
      pkg.carryOver(previous);
      this.warm.delete(key);
    }
    this.warm.set(key, pkg);
    while (this.warm.size > WARM) this.warm.delete(this.warm.keys().next().value!);
    return pkg;
  }
}

// `--shard K/N`: a deterministic split of the file set by a hash of each path, so that N CI
// jobs started from the same directory scan disjoint sets whose union is the whole, and
// `leakhound merge` joins their reports into the one a single machine would write.

/** FNV-1a (32 bits) of the path's UTF-16 code units: stable across machines and Node versions. */
export function pathHash(path: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < path.length; i++) {
    h ^= path.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The files of shard `index` (1-based) of `count`. */
export function selectShard(files: string[], shard: { index: number; count: number }): string[] {
  return files.filter((f) => pathHash(f) % shard.count === shard.index - 1);
}

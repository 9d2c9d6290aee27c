// `--fix`: applies the first suggestion of each reported finding, and never damages a file.
// - Edits are made on the bytes that were analysed: the file is re-read and its content hash
//   compared with the scan's before anything is written; a file changed since is skipped.
// - Edit offsets are UTF-16 offsets into the decoded text; they are mapped back to byte
//   offsets, so bytes that are not valid UTF-8 elsewhere in the file survive untouched.
// - The new content goes to a temporary file in the same directory, renamed over the
//   original (a full disk or a crash leaves the original as it was), with the original's mode.
// - A file that cannot be written (read-only, a read-only directory) is named, not half-fixed.
// Fixes that overlap one applied earlier wait for the next run (like ESLint's fix passes).
import { chmodSync, chownSync, closeSync, fsyncSync, openSync, readFileSync, realpathSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { contentHash } from '../engine/task.js';
import { errnoWords } from './output.js';
import type { Diagnostic, FileResult, TextEdit } from '../engine/types.js';

/** The fix of each diagnostic that has one: the edits of its first suggestion. */
export function fixesOf(diagnostics: Diagnostic[]): TextEdit[][] {
  return diagnostics.map((d) => d.suggestions?.[0]?.edits ?? []).filter((e) => e.length > 0);
}

/**
 * The fixes that can be applied together: sorted by where they start, a fix whose edits
 * overlap an edit already chosen waits (an identical edit counts as already made: two
 * findings, one fix). Returns the edits to make and how many fixes they carry.
 */
export function chooseEdits(fixes: TextEdit[][]): { edits: TextEdit[]; fixes: number } {
  const start = (f: TextEdit[]) => Math.min(...f.map((e) => e.range[0]));
  const sorted = [...fixes].sort((a, b) => start(a) - start(b));
  const chosen: TextEdit[] = [];
  const same = (a: TextEdit, b: TextEdit) => a.range[0] === b.range[0] && a.range[1] === b.range[1] && a.text === b.text;
  // Ranges that share text; an insertion overlaps a range only strictly inside it.
  const overlap = (a: TextEdit, b: TextEdit) => a.range[0] < b.range[1] && b.range[0] < a.range[1];
  let count = 0;
  for (const fix of sorted) {
    const fresh = fix.filter((e) => !chosen.some((c) => same(c, e)));
    if (fresh.some((e) => chosen.some((c) => overlap(c, e)))) continue;
    chosen.push(...fresh);
    count++;
  }
  return { edits: chosen.sort((a, b) => a.range[0] - b.range[0] || a.range[1] - b.range[1]), fixes: count };
}

/** Applies fixes to text (UTF-16 offsets); overlapping ones are left for the next run. */
export function applyEdits(text: string, edits: TextEdit[]): { text: string; applied: number } {
  const { edits: chosen } = chooseEdits(edits.map((e) => [e]));
  let out = '';
  let pos = 0;
  for (const e of chosen) {
    out += text.slice(pos, e.range[0]) + e.text;
    pos = e.range[1];
  }
  return { text: out + text.slice(pos), applied: chosen.length };
}

export function fixEdits(diagnostics: Diagnostic[]): TextEdit[] {
  return fixesOf(diagnostics).flat();
}

/**
 * Byte offsets of UTF-16 offsets into `buf.toString('utf8')` (ascending `offsets`). The
 * decoder is the WHATWG one Node uses: a maximal invalid subpart is one U+FFFD, and the
 * byte that broke a sequence starts the next one.
 */
export function byteOffsets(buf: Buffer, offsets: number[]): number[] {
  const out: number[] = [];
  let k = 0;
  let i = 0;
  let u = 0;
  while (k < offsets.length) {
    while (k < offsets.length && offsets[k]! <= u) out[k++] = i;
    if (i >= buf.length) break;
    const b = buf[i]!;
    if (b < 0x80) {
      i++;
      u++;
      continue;
    }
    let need = 0;
    let lower = 0x80;
    let upper = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lower = 0xa0;
      if (b === 0xed) upper = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lower = 0x90;
      if (b === 0xf4) upper = 0x8f;
    }
    let j = i + 1;
    let seen = 0;
    while (seen < need && j < buf.length && buf[j]! >= lower && buf[j]! <= upper) {
      lower = 0x80;
      upper = 0xbf;
      j++;
      seen++;
    }
    // A complete four-byte sequence is a surrogate pair; anything else one code unit.
    u += need === 3 && seen === 3 ? 2 : 1;
    i = j;
  }
  while (k < offsets.length) out[k++] = buf.length;
  return out;
}

/** The bytes with the edits (UTF-16 offsets into the decoded text) made. */
export function applyEditsToBytes(buf: Buffer, edits: TextEdit[]): Buffer {
  const points = edits.flatMap((e) => e.range);
  const order = points.map((_, i) => i).sort((a, b) => points[a]! - points[b]!);
  const mapped = byteOffsets(buf, order.map((i) => points[i]!));
  const at: number[] = new Array(points.length);
  order.forEach((p, k) => (at[p] = mapped[k]!));
  const parts: Buffer[] = [];
  let pos = 0;
  edits.forEach((e, n) => {
    parts.push(buf.subarray(pos, at[2 * n]!), Buffer.from(e.text, 'utf8'));
    pos = at[2 * n + 1]!;
  });
  parts.push(buf.subarray(pos));
  return Buffer.concat(parts);
}

/** Writes `bytes` over `path` through a temporary file in the same directory and a rename. */
export function writeAtomically(path: string, bytes: Buffer): void {
  const real = realpathSync(path); // a symlink keeps pointing at the fixed file
  const st = statSync(real);
  const tmp = join(dirname(real), `.${basename(real)}.leakhound-${process.pid}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', st.mode & 0o7777);
    for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    chmodSync(tmp, st.mode & 0o7777); // the umask narrowed the mode openSync gave it
    if (process.getuid?.() === 0 && (st.uid !== 0 || st.gid !== 0)) chownSync(tmp, st.uid, st.gid);
    renameSync(tmp, real);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // never created
    }
    throw e;
  }
}

export interface FixOutcome {
  /** Findings fixed, over all files. */
  fixed: number;
  /** Files written. */
  files: string[];
  /** Files with fixes that were left alone, and why (one line each). */
  skipped: { filePath: string; why: string }[];
  /** Of the skipped, those that could not be written (the run fails). */
  unwritable: number;
}

/**
 * Applies the fixes of the reported findings. `hashOf(filePath)` is the content hash the
 * findings were computed from; `absOf` resolves a reported path.
 */
export function applyFixes(results: FileResult[], hashOf: (filePath: string) => string | undefined, absOf: (filePath: string) => string): FixOutcome {
  const out: FixOutcome = { fixed: 0, files: [], skipped: [], unwritable: 0 };
  for (const r of results) {
    const { edits, fixes } = chooseEdits(fixesOf(r.diagnostics));
    if (!edits.length) continue;
    const abs = absOf(r.filePath);
    const skip = (reason: string, unwritable = false) => {
      out.skipped.push({ filePath: r.filePath, why: reason });
      if (unwritable) out.unwritable++;
    };
    let buf: Buffer;
    try {
      buf = readFileSync(abs);
    } catch (e) {
      skip(`cannot read it again: ${errnoWords(e)}; not fixed`, true);
      continue;
    }
    const expected = hashOf(r.filePath);
    if (expected === undefined || contentHash(buf) !== expected) {
      skip('changed since it was analysed; not fixed (run leakhound again)');
      continue;
    }
    if ((statSync(abs).mode & 0o222) === 0) {
      skip('read-only file; not fixed', true);
      continue;
    }
    try {
      writeAtomically(abs, applyEditsToBytes(buf, edits));
    } catch (e) {
      skip(`cannot write: ${errnoWords(e)}; not fixed`, true);
      continue;
    }
    out.fixed += fixes;
    out.files.push(r.filePath);
  }
  return out;
}

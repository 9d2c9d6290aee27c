// node:crypto, loaded at the first hash instead of when the code loads. A run without a result
// cache (`--no-cache`, a pre-commit run) hashes nothing, and the module with what it loads (its
// 15 submodules and Node's streams) is compiled from source at every start by a Node built
// without a code cache for its own modules, as /usr/bin/node here: about 15 M instructions
// (callgrind of `require('node:crypto')` against an empty script).
import type { Hash } from 'node:crypto';
import { createRequire } from 'node:module';

let crypto: typeof import('node:crypto') | undefined;

/** node:crypto, loaded at the first call. */
export function nodeCrypto(): typeof import('node:crypto') {
  return (crypto ??= createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto'));
}

/** crypto.createHash(algorithm). */
export function createHash(algorithm: string): Hash {
  return nodeCrypto().createHash(algorithm);
}

/** A running checksum: `update` with the bytes in order, then `digest` as lowercase hex. */
export interface Sum {
  /** Hex digits of the digest. */
  readonly width: number;
  update(data: Uint8Array): Sum;
  digest(): string;
}

type Crc32 = (data: Uint8Array | string, value?: number) => number;
let crc32Fn: Crc32 | null | undefined;

/** zlib.crc32 (Node 20.15 and later), null on a Node without it. */
function crc32(): Crc32 | null {
  if (crc32Fn === undefined) {
    const zlib = createRequire(import.meta.url)('node:zlib') as { crc32?: Crc32 };
    crc32Fn = typeof zlib.crc32 === 'function' ? zlib.crc32 : null;
  }
  return crc32Fn;
}

/**
 * The checksum a cache file's header carries for its body (cache.ts, writeFramed): it detects
 * damage (a torn write, a truncated or corrupted file), it identifies nothing. CRC-32, as gzip
 * and zip use for the same purpose, 8 hex digits, where Node has zlib.crc32 (under callgrind,
 * 8 M instructions for the 2.2 MB of cache a warm run of the heavy corpus reads, where SHA-1
 * took 26 M). SHA-1, 40 hex digits, on a Node without it. `width` picks the algorithm that made a header's sum
 * (8 or 40 digits), so that a file written by either is checked by the same one; undefined
 * when this Node cannot compute it.
 */
export function frameSum(width?: number): Sum | undefined {
  const crc = crc32();
  const digits = width ?? (crc ? 8 : 40);
  if (digits === 8) {
    if (!crc) return undefined;
    let value = 0;
    const sum: Sum = {
      width: 8,
      update(data) {
        // Node 20's zlib.crc32 answers 0, not `value`, for an empty view of an empty ArrayBuffer.
        if (data.byteLength) value = crc(data, value);
        return sum;
      },
      digest: () => hex8(value),
    };
    return sum;
  }
  if (digits !== 40) return undefined;
  const h = createHash('sha1');
  const sum: Sum = {
    width: 40,
    update(data) {
      h.update(data);
      return sum;
    },
    digest: () => h.digest('hex'),
  };
  return sum;
}

/** A CRC-32 as 8 lowercase hex digits. */
function hex8(crc: number): string {
  return (crc >>> 0).toString(16).padStart(8, '0');
}

/**
 * A 64-bit hash of a string, 16 hex digits: what names a result cache file (from its key, which
 * holds the build's fingerprint) and a project's cache directory (from its root). These tell
 * apart configurations and projects, none of which an adversary picks, so a checksum does:
 * CRC-32 of the string's UTF-8 and CRC-32 of its UTF-16, two different linear functions of the
 * text, which two texts must both share to collide. A warm run then never loads node:crypto
 * (its 15 modules, compiled from source by a Node without a code cache for them, and OpenSSL's
 * initialisation). SHA-1's first 16 digits on a Node without zlib.crc32.
 */
export function hash64(text: string): string {
  const crc = crc32();
  if (!crc) return createHash('sha1').update(text).digest('hex').slice(0, 16);
  return hex8(crc(text)) + hex8(crc(Buffer.from(text, 'utf16le')));
}

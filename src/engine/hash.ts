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

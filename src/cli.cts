#!/usr/bin/env node
// The leakhound command: runs the program (src/cli/program.ts) from the one file the build
// bundles it into, dist/src/cli.bundle.cjs, with the V8 code cache the build made for that
// file. Loading the ~90 compiled modules one by one through the ES module loader was about a
// third of a pre-commit run (bench/precommit.mjs). The cache holds the bytecode of the
// functions a scan runs; V8 checks it against its own version and flags and compiles afresh
// when it does not fit (another Node version), so a stale cache costs only its reading.
// Without a bundle (LEAKHOUND_NO_BUNDLE=1, or a build without esbuild) the modules load as
// they are. This file is CommonJS (dist/src/cli.cjs, the package's bin): Node starts it
// without its ES module loader, about 10 ms of every run (a warm run of the heavy corpus,
// 0.355 -> 0.34 s); dist/src/cli.js (src/cli.ts) runs it for those who call that file.
import { isAscii } from 'node:buffer';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

const bundle = join(__dirname, 'cli.bundle.cjs');

function source(): string | undefined {
  if (process.env.LEAKHOUND_NO_BUNDLE) return undefined;
  // A compile after the bundle (tsc run alone) leaves it stale: the modules are the truth then.
  const compiled = statSync(join(__dirname, '..', '.tsbuildinfo'), { throwIfNoEntry: false });
  if (compiled && compiled.mtimeMs > (statSync(bundle, { throwIfNoEntry: false })?.mtimeMs ?? 0)) return undefined;
  try {
    // The build writes the bundle in ASCII (scripts/build.mjs): read as latin1 it is the same
    // string without decoding UTF-8, 1.2 MB at every start (2% of a warm run's instructions).
    const bytes = readFileSync(bundle);
    return bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
  } catch {
    return undefined;
  }
}

const text = source();
if (text === undefined) {
  void import('./cli/program.js');
} else {
  const vm = require('node:vm') as typeof import('node:vm');
  const Module = require('node:module') as typeof import('node:module') & { wrap(code: string): string };
  // The bundle's first line names its code cache (a hash of the bundle: a pair from two builds never meets).
  const cacheName = /^\/\/ code cache: (\S+)/.exec(text)?.[1];
  let cachedData: Buffer | undefined;
  try {
    if (cacheName) cachedData = readFileSync(join(__dirname, cacheName));
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(text), { filename: bundle, cachedData });
  const run = script.runInThisContext() as (exports: object, require: NodeRequire, module: object, filename: string, dir: string) => void;
  const mod = { exports: {} };
  run(mod.exports, Module.createRequire(bundle), mod, bundle, dirname(bundle));
}

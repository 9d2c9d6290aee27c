// Makes the V8 code caches of the command's bundles (scripts/build.mjs): runs the command's
// bundle with src/bundled.cts as src/cli.cts does, on the given arguments, the scan bundle
// loaded at its first use as there, and at exit writes for each the bytecode of every
// function compiled so far.
// Usage: node scripts/codecache.cjs BUNDLE SCAN_BUNDLE [leakhound arguments…]
'use strict';
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { setFlagsFromString } = require('node:v8');
const { runBundle } = require(join(__dirname, '..', 'dist', 'src', 'bundled.cjs'));

const [bundle, scanBundle, ...args] = process.argv.slice(2);
process.argv = [process.argv[0], bundle, ...args];
const compiled = [];
process.on('exit', () => {
  // V8 accepts a cache only under the flags it was made with: undo the small-run flags
  // (SMALL_RUN_FLAGS in src/cli/main.ts) and the big-scan ones (BIG_SCAN_FLAGS in
  // src/engine/run.ts) so that the cache fits a process that has just started.
  // --liftoff-only also turned WASM tier-up off (a V8 implication), which --no-liftoff-only
  // does not undo: without the two flags after it, a cache made by a small run was rejected.
  const undo = ['--no-liftoff-only', '--wasm-tier-up', '--wasm-dynamic-tiering', '--regexp-tier-up', '--baseline-batch-compilation', '--heap-growing-percent=0', '--turbo-inlining', '--interrupt-budget=67584'];
  for (const flag of undo) setFlagsFromString(flag);
  for (const [script, file] of compiled) writeFileSync(file, script.createCachedData());
});
// As src/cli.cts: `leakhound:scan` is the scan bundle.
if (!runBundle(bundle, { 'leakhound:scan': scanBundle }, (script, file) => compiled.push([script, file]))) {
  console.error(`leakhound build: ${bundle} is missing or older than the compile`);
  process.exit(2);
}

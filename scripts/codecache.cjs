// Makes the V8 code cache of the bundled command (scripts/build.mjs): runs the bundle as
// src/cli.cts does on the given arguments and, at exit, writes the bytecode of every function
// compiled so far. Usage: node scripts/codecache.cjs BUNDLE CACHE [leakhound arguments…]
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const { createRequire, wrap } = require('node:module');
const { dirname } = require('node:path');
const { setFlagsFromString } = require('node:v8');
const vm = require('node:vm');

const [bundle, cache, ...args] = process.argv.slice(2);
process.argv = [process.argv[0], bundle, ...args];
const script = new vm.Script(wrap(readFileSync(bundle, 'utf8')), { filename: bundle });
process.on('exit', () => {
  // V8 accepts a cache only under the flags it was made with: undo the small-run flag
  // (src/cli/main.ts) and the big-scan ones (BIG_SCAN_FLAGS in src/engine/run.ts) so that
  // the cache fits a process that has just started.
  for (const flag of ['--no-liftoff-only', '--heap-growing-percent=0', '--turbo-inlining', '--interrupt-budget=67584']) setFlagsFromString(flag);
  writeFileSync(cache, script.createCachedData());
});
const mod = { exports: {} };
script.runInThisContext()(mod.exports, createRequire(bundle), mod, bundle, dirname(bundle));

// Makes the V8 code caches of the command's bundles (scripts/build.mjs): runs the command's
// bundle as src/cli.cts does on the given arguments, the scan bundle loaded at its first use
// as there, and at exit writes for each the bytecode of every function compiled so far.
// Usage: node scripts/codecache.cjs BUNDLE CACHE SCAN_BUNDLE SCAN_CACHE [leakhound arguments…]
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const { createRequire, wrap } = require('node:module');
const { dirname } = require('node:path');
const { setFlagsFromString } = require('node:v8');
const vm = require('node:vm');

const [bundle, cache, scanBundle, scanCache, ...args] = process.argv.slice(2);
process.argv = [process.argv[0], bundle, ...args];
const compiled = [];
function run(file, cacheFile, req) {
  const script = new vm.Script(wrap(readFileSync(file, 'utf8')), { filename: file });
  compiled.push([script, cacheFile]);
  const mod = { exports: {} };
  script.runInThisContext()(mod.exports, req, mod, file, dirname(file));
  return mod.exports;
}
process.on('exit', () => {
  // V8 accepts a cache only under the flags it was made with: undo the small-run flag
  // (src/cli/main.ts) and the big-scan ones (BIG_SCAN_FLAGS in src/engine/run.ts) so that
  // the cache fits a process that has just started.
  for (const flag of ['--no-liftoff-only', '--heap-growing-percent=0', '--turbo-inlining', '--interrupt-budget=67584']) setFlagsFromString(flag);
  for (const [script, file] of compiled) writeFileSync(file, script.createCachedData());
});
// As src/bundled.cts does: `leakhound:scan` (and `leakhound:scan/part`) is the scan bundle.
const plain = createRequire(bundle);
let scan;
const req = Object.assign((id) => {
  if (id !== 'leakhound:scan' && !id.startsWith('leakhound:scan/')) return plain(id);
  scan ??= run(scanBundle, scanCache, createRequire(scanBundle));
  return id === 'leakhound:scan' ? scan : scan[id.slice('leakhound:scan/'.length)]();
}, plain);
run(bundle, cache, req);

// Makes the V8 code cache of the worker threads' bundle (scripts/build.mjs): runs the bundle
// as src/engine/worker.cts does, scans the .go files under the given directories as a worker
// of a cold run does (src/engine/serve.ts warmUp), then writes the bytecode of every function
// compiled so far. Usage: node scripts/workercache.cjs BUNDLE CACHE DIR...
'use strict';
const { readdirSync, readFileSync, writeFileSync } = require('node:fs');
const { createRequire, wrap } = require('node:module');
const { dirname, join } = require('node:path');
const { setFlagsFromString } = require('node:v8');
const vm = require('node:vm');

const [bundle, cache, ...dirs] = process.argv.slice(2);
const goFiles = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? goFiles(join(dir, e.name)) : e.name.endsWith('.go') ? [join(dir, e.name)] : []));
const script = new vm.Script(wrap(readFileSync(bundle, 'utf8')), { filename: bundle });
const mod = { exports: {} };
script.runInThisContext()(mod.exports, createRequire(bundle), mod, bundle, dirname(bundle));
// Workers start after the run set the big-scan flags (src/engine/run.ts), and V8 takes a cache
// only under the flags it was made with: these, and no other.
for (const flag of mod.exports.BIG_SCAN_FLAGS) setFlagsFromString(flag);
mod.exports.warm(dirs.flatMap(goFiles).sort()).then(
  () => writeFileSync(cache, script.createCachedData()),
  (e) => {
    console.error(`leakhound build: worker code cache: ${e.message}`);
    process.exitCode = 2;
  },
);

// Makes the V8 code cache of the worker threads' bundle (scripts/build.mjs): runs the bundle
// with src/bundled.cts as src/engine/worker.cts does, scans the .go files under the given
// directories as a worker of a cold run does (src/engine/serve.ts warmUp), then writes the
// bytecode of every function compiled so far. Usage: node scripts/workercache.cjs BUNDLE DIR...
'use strict';
const { readdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { setFlagsFromString } = require('node:v8');
const { runBundle } = require(join(__dirname, '..', 'dist', 'src', 'bundled.cjs'));

const [bundle, ...dirs] = process.argv.slice(2);
const goFiles = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? goFiles(join(dir, e.name)) : e.name.endsWith('.go') ? [join(dir, e.name)] : []));
let made;
const worker = runBundle(bundle, {}, (script, file) => (made = { script, file }));
if (!worker) {
  console.error(`leakhound build: ${bundle} is missing or older than the compile`);
  process.exit(2);
}
// Workers start after the run set the big-scan flags (src/engine/run.ts), and V8 takes a cache
// only under the flags it was made with: these, and no other.
for (const flag of worker.BIG_SCAN_FLAGS) setFlagsFromString(flag);
worker.warm(dirs.flatMap(goFiles).sort()).then(
  () => writeFileSync(made.file, made.script.createCachedData()),
  (e) => {
    console.error(`leakhound build: worker code cache: ${e.message}`);
    process.exitCode = 2;
  },
);

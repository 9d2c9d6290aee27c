// Runs one of the build's bundles (scripts/build.mjs: the command's, dist/src/cli.bundle.cjs,
// its scan bundle, dist/src/scan.bundle.cjs, and the worker threads',
// dist/src/engine/worker.bundle.cjs) with the V8 code cache the
// build made for it; src/cli.cts and src/engine/worker.cts start with this, and the build's
// scripts/codecache.cjs and scripts/workercache.cjs make the caches with it. The cache holds
// the bytecode of the functions a scan runs; V8 checks it against its own version and flags
// and compiles afresh when it does not fit (another Node version), so a stale cache costs
// only its reading. Undefined when there is no bundle to run (LEAKHOUND_NO_BUNDLE=1, a build
// without esbuild, or a compile after the bundle): the caller loads the modules as they are.
import { isAscii } from 'node:buffer';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

function source(bundle: string): string | undefined {
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

/**
 * Hands back each script a run of bundles compiles (the bundle's and those `lazy` loads), with
 * the path its code cache goes to: scripts/codecache.cjs and scripts/workercache.cjs make the
 * caches with it, from the code that ran.
 */
export type OnScript = (script: import('node:vm').Script, cache: string) => void;

/**
 * Runs the bundle and returns its exports, or undefined when there is none to run. `lazy`
 * names the bundles it may load later: its `require(name)` (`name` or `name/part`, the
 * bundle's export `part()`) runs that bundle, with its own code cache, at the first call.
 * With `onScript` (making the caches) each bundle compiles afresh, without the cache it names,
 * and is handed to it before it runs.
 */
export function runBundle(bundle: string, lazy: Record<string, string> = {}, onScript?: OnScript): Record<string, unknown> | undefined {
  const text = source(bundle);
  if (text === undefined) return undefined;
  const vm = require('node:vm') as typeof import('node:vm');
  const Module = require('node:module') as typeof import('node:module') & { wrap(code: string): string };
  // The bundle's first line names its code cache (a hash of the bundle: a pair from two builds never meets).
  const cacheName = /^\/\/ code cache: (\S+)/.exec(text)?.[1];
  const cache = cacheName && join(dirname(bundle), cacheName);
  let cachedData: Buffer | undefined;
  try {
    if (cache && !onScript) cachedData = readFileSync(cache);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(text), { filename: bundle, cachedData });
  if (onScript) {
    // Built with its first line (scripts/build.mjs): missing only when dist/ was tampered with.
    if (!cache) throw new Error(`${bundle} names no code cache: run the build again`);
    onScript(script, cache);
  }
  const run = script.runInThisContext() as (exports: object, require: NodeRequire, module: object, filename: string, dir: string) => void;
  const mod = { exports: {} as Record<string, unknown> };
  const plain = Module.createRequire(bundle);
  const loaded = new Map<string, Record<string, unknown>>();
  const load = (name: string): Record<string, unknown> => {
    let exports = loaded.get(name);
    if (!exports) {
      exports = runBundle(lazy[name]!, {}, onScript);
      // Built with this bundle (scripts/build.mjs): missing only when dist/ was tampered with.
      if (!exports) throw new Error(`${lazy[name]} is missing or older than the compile: run the build again`);
      loaded.set(name, exports);
    }
    return exports;
  };
  const req = Object.assign((id: string): unknown => {
    const cut = id.indexOf('/');
    const name = cut < 0 ? id : id.slice(0, cut);
    if (!Object.hasOwn(lazy, name)) return plain(id);
    const exports = load(name);
    return cut < 0 ? exports : (exports[id.slice(cut + 1)] as () => unknown)();
  }, plain) as NodeRequire;
  run(mod.exports, req, mod, bundle, dirname(bundle));
  return mod.exports;
}

#!/usr/bin/env node
// Builds leakhound: compiles the TypeScript to dist/, copies the grammar WASM from the
// pinned tree-sitter-go npm package into wasm/ (the engine never downloads anything), and
// bundles the command into dist/src/cli.bundle.cjs and the worker threads into
// dist/src/engine/worker.bundle.cjs, each with a V8 code cache (see src/cli.cts, src/engine/worker.cts).
// `--if-stale` skips the compile when dist/ is newer than every source file.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isDeepStrictEqual } from 'node:util';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p));
    else if (e.name.endsWith('.ts')) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

const stamp = join(root, 'dist', '.tsbuildinfo');
const wasmOut = join(root, 'wasm', 'tree-sitter-go.wasm');
const stale =
  !existsSync(stamp) ||
  !existsSync(wasmOut) ||
  Math.max(...['src', 'rules', 'test'].map((d) => newest(join(root, d)))) > statSync(stamp).mtimeMs;

if (process.argv.includes('--if-stale') && !stale) process.exit(0);

let grammar;
try {
  grammar = require.resolve('tree-sitter-go/tree-sitter-go.wasm');
} catch {
  grammar = null;
}
if (grammar) {
  mkdirSync(dirname(wasmOut), { recursive: true });
  copyFileSync(grammar, wasmOut);
} else if (!existsSync(wasmOut)) {
  console.error('leakhound build: tree-sitter-go is not installed and wasm/tree-sitter-go.wasm is missing (run npm install)');
  process.exit(2);
}

try {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.json')], {
    stdio: 'inherit',
  });
} catch {
  process.exit(2);
}

// Compiled files whose source was deleted would still run (a removed test, a removed rule):
// prune them.
function prune(distDir, srcDir) {
  if (!existsSync(distDir)) return;
  for (const e of readdirSync(distDir, { withFileTypes: true })) {
    const d = join(distDir, e.name);
    if (e.isDirectory()) prune(d, join(srcDir, e.name));
    else if (e.name.endsWith('.js') && !existsSync(join(srcDir, e.name.slice(0, -3) + '.ts'))) rmSync(d);
  }
}
for (const d of ['src', 'rules', 'test']) prune(join(root, 'dist', d), join(root, d));

// The command as CommonJS files (src/cli.cts runs them). Node's modules and the libraries used
// only by some runs stay outside (required when used): the language server's and the YAML
// config's libraries load only for those. web-tree-sitter goes in (treeSitterPlugin below).
// eslint-formatter-pretty is an ES module and goes in: a bundle that V8 caches cannot import().
// The engine's import.meta.url is that of dist/src/engine/, where the worker threads' modules
// and the package root are found from. Without esbuild (an install without devDependencies)
// no bundle is made and src/cli.cts loads the modules as they are.
const srcDist = join(root, 'dist', 'src');
const engineDist = join(srcDist, 'engine');
for (const [dir, re] of [[srcDist, /^(cli|scan)\.bundle\./], [engineDist, /^worker\.bundle\./]]) for (const f of readdirSync(dir)) if (re.test(f)) rmSync(join(dir, f));
let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  esbuild = null;
}

/**
 * web-tree-sitter goes in the bundles as the CommonJS file a require() of it loads (an
 * import() would pick its ES module): in a bundle its code comes with the code cache, where
 * loaded from node_modules it was compiled from its 160 KB of source at every start of a run
 * that parses and in every worker. Its WASM is found from the installed package
 * (src/engine/parser.ts locateFile).
 */
const treeSitterPlugin = {
  name: 'leakhound-tree-sitter',
  setup(b) {
    b.onResolve({ filter: /^web-tree-sitter$/ }, () => ({ path: require.resolve('web-tree-sitter') }));
  },
};

/**
 * eslint-formatter-pretty links each rule to its docs with the URL its `rulesMeta` gives and,
 * only when that has none, looks the rule up in eslint-rule-docs, a table of some 1,200 ESLint
 * plugins' repositories (6,000 lines) that it loads with itself. leakhound gives every rule's
 * URL (src/report/pretty.ts), so the table never answers: in the command's bundle it is a stub
 * that answers as the table does for a rule it does not know (it throws; the formatter then
 * shows no link). Without the table the command's bundle is 336 KB instead of 559 and its
 * code cache, which every run reads, 368 KB instead of 597; a pretty report with findings no
 * longer builds the table at each run.
 */
const ruleDocsStub = {
  name: 'leakhound-rule-docs-stub',
  setup(b) {
    b.onResolve({ filter: /^eslint-rule-docs$/ }, () => ({ path: 'eslint-rule-docs', namespace: 'leakhound-stub' }));
    b.onLoad({ filter: /.*/, namespace: 'leakhound-stub' }, () => ({
      contents: "module.exports = () => { throw new Error('No documentation found for rule'); };",
      loader: 'js',
    }));
  },
};

/**
 * eslint-formatter-pretty measures each finding's line, column and message with string-width,
 * whose module builds an Intl.Segmenter and four Unicode-property regexes as it loads: 58 ms
 * of every pretty report that has a finding (20 ms the segmenter, 34 ms the regexes, measured
 * alone). A string of printable ASCII, once its ANSI colors are stripped, is one column per
 * character, which is string-width's answer too: in the command's bundle the formatter's
 * string-width answers that itself and loads the real one at the first other string (every
 * rule message is ASCII; a file name or an identifier need not be).
 * test/bundle.test.ts holds the bundle's reports to those of the modules.
 */
const stringWidthAscii = {
  name: 'leakhound-string-width-ascii',
  setup(b) {
    b.onResolve({ filter: /^string-width$/ }, async (args) => {
      if (args.namespace === 'leakhound-string-width') return undefined;
      const real = await b.resolve('string-width', { resolveDir: args.resolveDir, kind: args.kind, namespace: 'leakhound-string-width' });
      if (real.errors.length) return { errors: real.errors };
      return { path: real.path, namespace: 'leakhound-string-width' };
    });
    b.onLoad({ filter: /.*/, namespace: 'leakhound-string-width' }, (args) => ({
      // strip-ansi resolved from the real string-width's folder: the one it strips with.
      contents: `import stripAnsi from 'strip-ansi';
let real;
export default function stringWidth(string, options = {}) {
  if (typeof string === 'string' && !options.countAnsiEscapeCodes) {
    const visible = /[\\x1b\\x9b]/.test(string) ? stripAnsi(string) : string;
    if (/^[\\x20-\\x7e]*$/.test(visible)) return visible.length;
  }
  real ??= require('string-width').default;
  return real(string, options);
}`,
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
  },
};

/**
 * Bundles `entry` into `file` (CommonJS, ASCII, its first line naming its code cache); the
 * engine's import.meta.url becomes that of `engineFile`, a file of dist/src/engine/. Exits
 * when the bundle would not run. Its code cache is made by running it (codecache.cjs,
 * workercache.cjs, with src/bundled.cts), next to it under the name its first line gives.
 */
async function bundleOf(entry, file, engineFile, plugins = []) {
  const out = await esbuild.build({
    plugins: [...plugins, treeSitterPlugin],
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    external: ['vscode-languageserver', 'vscode-languageserver/node', 'vscode-languageserver-textdocument', 'yaml', 'picomatch'],
    supported: { 'dynamic-import': false },
    define: { 'import.meta.url': '__leakhoundEngineUrl' },
    banner: { js: `const __leakhoundEngineUrl = require('node:url').pathToFileURL(__dirname + '/${engineFile}').href;` },
    logLevel: 'error',
  });
  // esbuild escapes every non-ASCII character of the code (its default charset); what is
  // left is in the comments it keeps. Replaced there, the bundle is ASCII, which src/cli.cts
  // reads without decoding UTF-8. (Found on a line of code, it is left alone.)
  let body = out.outputFiles[0].text;
  const lines = body.split('\n');
  if (lines.every((l) => /^[\x00-\x7f]*$/.test(l) || /^\s*(\/\/|\/\*|\*)/.test(l))) body = body.replace(/[^\x00-\x7f]/g, '?');
  if (/\bimport\(/.test(body)) {
    console.error(`leakhound build: ${file} still has an import() (a bundle run with a code cache cannot): make that library external or bundle it`);
    process.exit(2);
  }
  const name = file.replace(/^.*\//, '').replace(/\.cjs$/, '');
  const cacheName = `${name}.${createHash('sha1').update(body).digest('hex').slice(0, 12)}.cache`;
  writeFileSync(file, `// code cache: ${cacheName}\n${body}`);
}

/**
 * The command's bundle leaves out what only a scan needs, for the scan bundle (src/cli.cts):
 * the engine's in-thread scan (src/engine/inthread.ts), the language server, and the rules'
 * code. Of the rules it holds their metadata (read here from the compiled rules), which the
 * configuration, the cache key and the reports need; a rule's `create` (and
 * `optionTriggers`) runs the one of the scan bundle. A warm run of the heavy corpus loaded
 * the whole 1.2 MB bundle and its 1.5 MB code cache, and ran every rule module's top level.
 */
async function splitPlugin() {
  const { allRules } = await import(pathToFileURL(join(root, 'dist', 'rules', 'index.js')).href);
  const metas = allRules.map((r) => r.meta);
  if (!isDeepStrictEqual(JSON.parse(JSON.stringify(metas)), metas)) {
    console.error('leakhound build: a rule\'s meta is not plain data (the command\'s bundle holds it as JSON)');
    process.exit(2);
  }
  const withTriggers = allRules.flatMap((r, i) => (typeof r.optionTriggers === 'function' ? [i] : []));
  const stubs = `const metas = JSON.parse(${JSON.stringify(JSON.stringify(metas))});
let real;
const impl = (i) => {
  real ??= require('leakhound:scan').allRules;
  if (real[i].meta.id !== metas[i].id) throw new Error('the scan bundle is not of this build: run the build again');
  return real[i];
};
const withTriggers = new Set(${JSON.stringify(withTriggers)});
export const allRules = metas.map((meta, i) => ({
  meta,
  create: (ctx) => impl(i).create(ctx),
  ...(withTriggers.has(i) ? { optionTriggers: (o) => impl(i).optionTriggers(o) } : {}),
}));`;
  return {
    name: 'leakhound-split',
    setup(b) {
      b.onResolve({ filter: /\/rules\/index\.js$/ }, () => ({ path: 'rules', namespace: 'leakhound-rules' }));
      b.onLoad({ filter: /.*/, namespace: 'leakhound-rules' }, () => ({ contents: stubs, loader: 'js' }));
      b.onResolve({ filter: /^leakhound:scan$/ }, () => ({ path: 'leakhound:scan', external: true }));
      b.onResolve({ filter: /\/inthread\.js$/ }, () => ({ path: 'leakhound:scan', external: true }));
      b.onResolve({ filter: /\/lsp\/main\.js$/ }, () => ({ path: 'leakhound:scan/lsp', external: true }));
    },
  };
}

if (esbuild) {
  const bundle = join(srcDist, 'cli.bundle.cjs');
  await bundleOf(join(srcDist, 'cli', 'program.js'), bundle, 'engine/cli.js', [await splitPlugin(), ruleDocsStub, stringWidthAscii]);
  const scanBundle = join(srcDist, 'scan.bundle.cjs');
  await bundleOf(join(engineDist, 'scanbundle.js'), scanBundle, 'engine/scan.js');
  // The caches hold what a scan compiles: the bundles run on the main thread over the rules'
  // fixtures, which they analyse, and examples/, which a run before put in a result cache:
  // the code of a warm run (the cache's lookups, the kept directory listings) is in the
  // command's cache too.
  const results = mkdtempSync(join(tmpdir(), 'leakhound-build-'));
  // LEAKHOUND_NO_BUNDLE left out: the caches are made by running the bundles (src/bundled.cts).
  const { LEAKHOUND_NO_BUNDLE, ...env } = process.env;
  const scan = (args) => spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'], env: { ...env, NO_COLOR: '1' } });
  const flags = ['--cache-location', results, '--jobs', '1', '--no-default-skips'];
  scan([join(srcDist, 'cli.cjs'), ...flags, join(root, 'examples')]);
  const made = scan([join(root, 'scripts', 'codecache.cjs'), bundle, scanBundle, ...flags, join(root, 'test', 'fixtures'), join(root, 'examples')]);
  rmSync(results, { recursive: true, force: true });
  if (made.status !== 0 && made.status !== 1) console.error('leakhound build: no code cache for the bundles (the command still works, starts slower)');

  // The worker threads' bundle (src/engine/worker.cts runs it): the engine and the shipped
  // rules, its cache made by scanning the fixtures as a worker does.
  const worker = join(engineDist, 'worker.bundle.cjs');
  await bundleOf(join(engineDist, 'workerbundle.js'), worker, 'worker.bundle.cjs');
  const madeWorker = scan([join(root, 'scripts', 'workercache.cjs'), worker, join(root, 'test', 'fixtures'), join(root, 'examples')]);
  if (madeWorker.status !== 0) console.error('leakhound build: no code cache for the worker bundle (workers still work, start slower)');
}

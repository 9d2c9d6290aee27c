// One tree-sitter parser per thread, loaded from the grammar shipped in wasm/ (copied at
// build time from the pinned tree-sitter-go npm package; nothing is downloaded).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Parser } from 'web-tree-sitter';
import { installNodeMemo } from './nodes.js';
import { installFastCalls, type WasmModule } from './wasmnodes.js';

let ready: Promise<Parser> | undefined;

/** The package root: dist/src/engine/parser.js is three levels below it. */
export const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export function grammarPath(): string {
  return join(packageRoot, 'wasm', 'tree-sitter-go.wasm');
}

async function load(): Promise<Parser> {
  const wasm = grammarPath();
  if (!existsSync(wasm)) {
    throw new Error(`grammar not found at ${wasm}; run npm install (the build copies it from tree-sitter-go)`);
  }
  // Loaded on first use: a warm run answered by the cache never needs the parser.
  const { Language, Node, Parser, Tree } = await import('web-tree-sitter');
  // Parser.init fills this object in as the Emscripten module: its heap and exports. The
  // library's WASM is found next to the installed package, not next to the code running it:
  // the build bundles the library's code (scripts/build.mjs), so that it comes with the
  // bundle's code cache instead of being compiled from its 160 KB of source at every start.
  const library = libraryDir();
  const mod: WasmModule = library ? { locateFile: (name: string) => join(library, name) } : {};
  await Parser.init(mod);
  installFastCalls(Node.prototype, mod, libraryVersion(library), Tree.prototype);
  installNodeMemo(Node.prototype);
  // The grammar's bytes, not its path: given a path, the library reads it through
  // node:fs/promises, which loads readline and Node's streams (about 7 M instructions
  // compiled at every start by a Node without a code cache for its own modules).
  const go = await Language.load(readFileSync(wasm));
  const parser = new Parser();
  parser.setLanguage(go);
  return parser;
}

/**
 * The installed web-tree-sitter's directory (undefined when it cannot be found): the first
 * node_modules/web-tree-sitter in this directory or one above it, where Node's lookup of the
 * bare name looks first. `require.resolve` finds the same directory (the package maps
 * `./tree-sitter.wasm` to itself), but resolving a package's `exports` loads Node's ES
 * module resolver: about 11 M instructions of a 5-file run, compiled at every start by a Node
 * without a code cache for its own modules. It stays for what the walk does not find
 * (NODE_PATH, a package without the file).
 */
function libraryDir(): string | undefined {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; ) {
    const lib = join(dir, 'node_modules', 'web-tree-sitter');
    if (existsSync(join(lib, 'tree-sitter.wasm')) && existsSync(join(lib, 'package.json'))) return lib;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  try {
    return dirname(createRequire(import.meta.url).resolve('web-tree-sitter/tree-sitter.wasm'));
  } catch {
    return undefined;
  }
}

/** The installed web-tree-sitter's version ('' when its package.json cannot be read). */
function libraryVersion(dir: string | undefined): string {
  try {
    return (JSON.parse(readFileSync(join(dir!, 'package.json'), 'utf8')) as { version?: string }).version ?? '';
  } catch {
    return '';
  }
}

/** The thread's parser, initialized once. */
export function getParser(): Promise<Parser> {
  ready ??= load();
  return ready;
}


#!/usr/bin/env node
// Builds leakhound: compiles the TypeScript to dist/ and copies the grammar WASM from the
// pinned tree-sitter-go npm package into wasm/ (the engine never downloads anything).
// `--if-stale` skips the compile when dist/ is newer than every source file.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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

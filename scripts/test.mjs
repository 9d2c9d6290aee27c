#!/usr/bin/env node
// Runs the uvu suite (compiled to dist/test) and ends with the line `N passed, N failed`.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const uvu = join(root, 'node_modules', 'uvu', 'bin.js');
const args = [uvu, join('dist', 'test'), '\\.test\\.js$', ...process.argv.slice(2)];

const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
let out = '';
child.stdout.on('data', (b) => {
  process.stdout.write(b);
  out += b.toString();
});
child.on('close', (code) => {
  const plain = out.replace(/\x1b\[[0-9;]*m/g, '');
  const total = Number(/Total:\s+(\d+)/.exec(plain)?.[1] ?? NaN);
  const passed = Number(/Passed:\s+(\d+)/.exec(plain)?.[1] ?? NaN);
  const skipped = Number(/Skipped:\s+(\d+)/.exec(plain)?.[1] ?? 0);
  if (Number.isNaN(total) || Number.isNaN(passed)) {
    // uvu stopped before its summary (a crash while loading a test file).
    console.log(`0 passed, 1 failed`);
    process.exit(code || 1);
  }
  const failed = total - passed - skipped;
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  process.exit(failed > 0 ? 1 : code ?? 1);
});

#!/usr/bin/env node
// Runs the uvu suite (compiled to dist/test) and ends with the line `N passed, N failed`.
// uvu's summary counts `Total` without the skipped tests (test.skip), so failed is
// Total − Passed; a run that exits non-zero with no failure counted (a crash while loading a
// test file, an exit before the summary) counts as one failure, never as a pass.
// LEAKHOUND_TEST_DIR runs another directory of tests (the wrapper's own test does).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const uvu = join(root, 'node_modules', 'uvu', 'bin.js');
const dir = process.env.LEAKHOUND_TEST_DIR ?? join('dist', 'test');
const args = [uvu, dir, '\\.test\\.js$', ...process.argv.slice(2)];

// The tests' result caches go to a directory of their own, not the user's cache.
const cacheHome = mkdtempSync(join(tmpdir(), 'leakhound-test-cache-'));
const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, XDG_CACHE_HOME: cacheHome } });
let out = '';
child.stdout.on('data', (b) => {
  process.stdout.write(b);
  out += b.toString();
});
child.on('close', (code, signal) => {
  rmSync(cacheHome, { recursive: true, force: true });
  const plain = out.replace(/\x1b\[[0-9;]*m/g, '');
  const count = (label) => Number(new RegExp(`^\\s*${label}:\\s+(\\d+)\\s*$`, 'm').exec(plain)?.[1] ?? NaN);
  const total = count('Total');
  const passed = count('Passed');
  const skipped = count('Skipped');
  const ok = code === 0 && signal === null;
  let failed = total - passed;
  if (Number.isNaN(failed)) {
    console.error('test: uvu ended before its summary');
    failed = 1;
  } else if (!ok && failed === 0) {
    console.error(`test: uvu exited with ${signal ?? `code ${code}`} although every test it counted passed`);
    failed = 1;
  }
  const shownPassed = Number.isNaN(passed) ? 0 : passed;
  console.log(`${shownPassed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
  process.exit(failed > 0 ? 1 : 0);
});

// The test wrapper (scripts/test.mjs) that prints the closing `N passed, N failed` line:
// its counts must be exact, because CI reads that line.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { packageRoot } from './helpers.js';

/** Runs the wrapper on a directory of uvu test files (name → body); returns its last line and exit code. */
function wrap(files: Record<string, string>): { last: string; code: number | null; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'leakhound-runner-'));
  try {
    symlinkSync(join(packageRoot, 'node_modules'), join(dir, 'node_modules'));
    for (const [name, body] of Object.entries(files)) {
      writeFileSync(join(dir, name), `import { test } from 'uvu';\nimport * as assert from 'uvu/assert';\n${body}\ntest.run();\n`);
    }
    const r = spawnSync(process.execPath, [join(packageRoot, 'scripts', 'test.mjs')], {
      cwd: packageRoot,
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, LEAKHOUND_TEST_DIR: dir },
    });
    const lines = r.stdout.trimEnd().split('\n');
    return { last: lines[lines.length - 1]!, code: r.status, out: r.stdout + r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const pass = (name: string) => `test(${JSON.stringify(name)}, () => assert.ok(true));`;
const fail = (name: string) => `test(${JSON.stringify(name)}, () => assert.ok(false));`;
const skip = (name: string) => `test.skip(${JSON.stringify(name)}, () => {});`;

test('a failure beside a skipped test is counted (uvu leaves skipped tests out of its total)', () => {
  const r = wrap({ 'a.test.js': [pass('one'), fail('two'), skip('three')].join('\n'), 'b.test.js': pass('four') });
  assert.is(r.last, '2 passed, 1 failed, 1 skipped', r.out);
  assert.is(r.code, 1);
});

test('all passing, one skipped: exit 0', () => {
  const r = wrap({ 'a.test.js': [pass('one'), pass('two'), skip('three')].join('\n') });
  assert.is(r.last, '2 passed, 0 failed, 1 skipped', r.out);
  assert.is(r.code, 0);
});

test('every failure counts, in several files', () => {
  const r = wrap({ 'a.test.js': [fail('one'), fail('two')].join('\n'), 'b.test.js': [pass('three'), fail('four')].join('\n') });
  assert.is(r.last, '1 passed, 3 failed', r.out);
  assert.is(r.code, 1);
});

test('a test file that cannot load is a failure, not a pass', () => {
  const r = wrap({ 'a.test.js': pass('one'), 'b.test.js': 'throw new Error("cannot load");' });
  assert.match(r.last, /^\d+ passed, [1-9]\d* failed$/, r.out);
  assert.is(r.code, 1);
});

// Nested in a wrapper run of its own (a wrapper that ignored LEAKHOUND_TEST_DIR would run this
// whole suite again): register nothing, so that it cannot recurse.
if (!process.env.LEAKHOUND_TEST_DIR) test.run();

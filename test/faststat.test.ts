// statNumbers (src/engine/faststat.ts) against statSync: the same numbers, the same misses
// and the same errors, for files, directories, links and what is neither.
import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CTIME_MS, INO, KIND, MTIME_MS, SIZE, statNumbers } from '../src/engine/faststat.js';

test('statNumbers: the numbers statSync gives, for a file, a directory, a link and a FIFO', () => {
  const dir = mkdtempSync(join(tmpdir(), 'leakhound-faststat-'));
  try {
    const file = join(dir, 'a.go');
    writeFileSync(file, 'package a\n');
    // A time with a fraction of a millisecond: the conversion from nanoseconds must match Node's.
    utimesSync(file, 1_700_000_000.123456, 1_700_000_000.987654);
    mkdirSync(join(dir, 'sub'));
    symlinkSync(file, join(dir, 'link.go'));
    const paths = [file, join(dir, 'sub'), join(dir, 'link.go')];
    try {
      execFileSync('mkfifo', [join(dir, 'fifo')]);
      paths.push(join(dir, 'fifo'));
    } catch {
      // no mkfifo here: the other kinds still count
    }
    for (const p of paths) {
      const st = statSync(p);
      const n = statNumbers(p)!;
      assert.equal([n[SIZE], n[MTIME_MS], n[INO], n[CTIME_MS]], [st.size, st.mtimeMs, st.ino, st.ctimeMs], p);
      assert.is(n[KIND], st.isFile() ? 1 : st.isDirectory() ? 2 : 0, p);
    }
    writeFileSync(file, 'package a // edited\n');
    assert.is(statNumbers(file)![SIZE], statSync(file).size, 'a change is seen');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('statNumbers: a missing path is undefined, or throws ENOENT when asked to; other errors throw as statSync does', () => {
  const dir = mkdtempSync(join(tmpdir(), 'leakhound-faststat-'));
  try {
    writeFileSync(join(dir, 'f'), '');
    assert.is(statNumbers(join(dir, 'missing')), undefined);
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as NodeJS.ErrnoException).code;
      }
      return 'no error';
    };
    assert.is(code(() => statNumbers(join(dir, 'missing'), true)), 'ENOENT');
    // Below a file: ENOTDIR, thrown whatever throwIfNoEntry says (as statSync does).
    assert.is(code(() => statNumbers(join(dir, 'f', 'x'))), code(() => statSync(join(dir, 'f', 'x'), { throwIfNoEntry: false })));
    assert.is(code(() => statNumbers(join(dir, 'f', 'x'))), 'ENOTDIR');
    // A NUL cannot name a file: refused, not cut short at the NUL (which would stat `dir`).
    assert.is(code(() => statNumbers(`${dir}\0/f`)), 'ERR_INVALID_ARG_VALUE');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();

// The packages a scan opens from the disk (src/engine/packages.ts): a file is read once per
// thread, whether its package's index or its own scan reads it first, and every file read
// has the stamp of the bytes its text came from (the result cache's snapshot of the directory).
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Packages, readStamped, snapshotOf } from '../src/engine/packages.js';

const A = 'package p\n\n// Olá: not ASCII.\nfunc helper() {}\n';
const B = 'package p\n\nfunc main() { helper() }\n';

function withDir(run: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'leakhound-pkgs-'));
  try {
    writeFileSync(join(dir, 'a.go'), A);
    writeFileSync(join(dir, 'b.go'), B);
    run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const stampOf = (path: string) => {
  const st = statSync(path);
  return [st.size, st.mtimeMs, st.ino];
};

test('readStamped: the bytes and the stat of the file they were read from; read errors as readFileSync throws them', () => {
  withDir((dir) => {
    const r = readStamped(join(dir, 'a.go'));
    assert.is(r.bytes.toString('utf8'), A);
    assert.equal(r.stamp, stampOf(join(dir, 'a.go')));
    assert.throws(() => readStamped(join(dir, 'none.go')), (e: NodeJS.ErrnoException) => e.code === 'ENOENT');
    mkdirSync(join(dir, 'd.go'));
    assert.throws(() => readStamped(join(dir, 'd.go')), (e: NodeJS.ErrnoException) => e.code === 'EISDIR');
  });
});

test('a file read for its scan is what a later package of its directory sees: not read again, with the stamp of that read', () => {
  withDir((dir) => {
    const packages = new Packages();
    const a = join(dir, 'a.go');
    const before = stampOf(a);
    assert.is(packages.readFile(a).toString('utf8'), A);
    // Changed on disk after its scan read it: the package keeps the text the scan had.
    writeFileSync(a, A.replace('helper', 'other1'));
    const idx = packages.packageOf(join(dir, 'b.go'), B).index;
    assert.equal(
      idx.files.map((f) => [f.name, f.text]),
      [
        ['a.go', A],
        ['b.go', B],
      ],
    );
    assert.equal(idx.lookup('func:helper').map((r) => r.file), ['a.go']);
    // The snapshot stamps a.go as it was read (the next run sees it changed) and b.go as on disk.
    assert.equal(snapshotOf(idx).files, [
      ['a.go', before],
      ['b.go', stampOf(join(dir, 'b.go'))],
    ]);
  });
});

test('a sibling no scan read yet is read when its package is opened, stamped, and its scan takes that read', () => {
  withDir((dir) => {
    const packages = new Packages();
    const b = join(dir, 'b.go');
    // b.go's scan read it; then its rules open the package: a.go is read for the index.
    const own = packages.readFile(b).toString('utf8');
    const idx = packages.packageOf(b, own).index;
    assert.equal(idx.lookup('func:helper').map((r) => r.file), ['a.go']);
    assert.equal(snapshotOf(idx).files, [
      ['a.go', stampOf(join(dir, 'a.go'))],
      ['b.go', stampOf(b)],
    ]);
    // a.go's scan takes the index's read: its text and bytes (for the content hash).
    const taken = packages.takeRead(join(dir, 'a.go'));
    assert.is(taken?.text, A);
    assert.is(taken?.bytes?.toString('utf8'), A);
    // Another directory: what was read of this one is let go of.
    packages.readFile(join(dir, 'a.go'));
    const other = mkdtempSync(join(tmpdir(), 'leakhound-pkgs-'));
    try {
      writeFileSync(join(other, 'c.go'), 'package q\n');
      packages.readFile(join(other, 'c.go'));
      assert.is(packages.takeRead(join(dir, 'a.go')), undefined);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});

test.run();

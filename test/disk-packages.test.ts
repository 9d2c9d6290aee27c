// The packages a scan opens from the disk (src/engine/packages.ts): a file is read once per
// thread, whether its package's index or its own scan reads it first, and every file read
// has the stamp of the bytes its text came from (the result cache's snapshot of the directory).
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { memorySource, Packages, readStamped, snapshotOf } from '../src/engine/packages.js';

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

test('the packages of a directory share one stat of it: library, tests and external tests', () => {
  let stats = 0;
  const source = {
    ...memorySource({ 'd/a.go': A, 'd/a_test.go': 'package p\n', 'd/x_test.go': 'package p_test\n' }),
    dirMtime: () => ++stats,
  };
  const packages = new Packages(source);
  const lib = packages.packageOf('d/a.go', A).index;
  const internal = packages.packageOf('d/a_test.go', 'package p\n').index;
  const external = packages.packageOf('d/x_test.go', 'package p_test\n').index;
  assert.equal([lib.membership.mode, internal.membership.mode, external.membership.mode], ['lib', 'test', 'xtest']);
  assert.equal([lib.dirMtime, internal.dirMtime, external.dirMtime, stats], [1, 1, 1, 1]);
  // Another directory is stat-ed afresh.
  assert.is(packages.packageOf('e/b.go', B).index.dirMtime, 2);
});

test('a key\'s hash: sha1 of each declaration\'s file, row, text hash and imports hash (what caches recorded)', () => {
  const files = { 'd/a.go': 'package p\n\nimport (\n\t"io"\n\t"os"\n)\n\nfunc helper() {\n\t_ = os.Stdin\n}\n', 'd/b.go': B };
  const idx = new Packages(memorySource(files)).packageOf('d/b.go', B).index;
  const sha = (parts: string[]) => {
    const h = createHash('sha1');
    for (const p of parts) h.update(p).update('\0');
    return h.digest('hex').slice(0, 16);
  };
  const a = files['d/a.go'];
  const decl = a.slice(a.indexOf('func helper'), a.lastIndexOf('}') + 1);
  const imports = sha([a.slice(a.indexOf('import'), a.indexOf(')') + 1)]);
  assert.is(idx.hash('func:helper'), sha([['a.go', '7', sha([decl]), imports].join('\0')]));
  assert.is(idx.hash('func:none'), 'absent');
});

test.run();

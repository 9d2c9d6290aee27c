// The package view in the engine: findings that need another file of the package, the same
// bytes for any number of jobs, the result cache keyed on what each file consulted (editing
// a helper rescans exactly its users), and a scan of a few files (pre-commit) that reads
// their siblings from disk. Uses the test-only rule test-closer (support/rules.ts).
import { mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ResultCache } from '../src/engine/cache.js';
import { scanFilesWithStats } from '../src/engine/run.js';
import type { ActiveRule } from '../src/engine/types.js';
import { formatJson } from '../src/report/json.js';
import { closerRule } from './support/rules.js';

const rulesModule = new URL('./support/rules.js', import.meta.url).href;
const rules: ActiveRule[] = [{ rule: closerRule, severity: 'warning', options: {} }];

const A = `package p // pkgtest

import "io"

func useA(c io.Closer) {
	closeIt(c)
	borrow(c)
}
`;
const B = `package p

import "io"

func closeIt(c io.Closer) {
	c.Close()
}

func unrelated() int {
	return 1
}
`;
const C = `package p // pkgtest

import "io"

func useC(c io.Closer) {
	helper2(c)
}
`;
const D = `package p

import "io"

func helper2(c io.Closer) { c.Close() }
`;

/** `n` package directories holding a.go, b.go and c.go above, all last modified a minute ago. */
function setUp(n: number): { dir: string; files: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'leakhound-pkg-'));
  const files: string[] = [];
  const past = new Date(Date.now() - 60_000);
  for (let i = 0; i < n; i++) {
    const d = join(dir, `p${i}`);
    mkdirSync(d);
    for (const [name, text] of [['a.go', A], ['b.go', B], ['c.go', C]] as const) {
      writeFileSync(join(d, name), text);
      utimesSync(join(d, name), past, past);
      files.push(join(d, name));
    }
    utimesSync(d, past, past);
  }
  return { dir, files };
}

/** Writes a file as an edit some time ago would have (not racy), its directory's mtime too. */
function write(path: string, text: string, ago = 30_000): void {
  writeFileSync(path, text);
  const t = new Date(Date.now() - ago);
  utimesSync(path, t, t);
  utimesSync(join(path, '..'), t, t);
}

test('findings that need a sibling file; identical output with 1 and 2 jobs', async () => {
  const { dir, files } = setUp(6);
  try {
    const one = await scanFilesWithStats(files, { rules, rulesModule, jobs: 1 });
    const two = await scanFilesWithStats(files, { rules, rulesModule, jobs: 2, minParallelBytes: 0 });
    assert.is(two.stats.workers, 2);
    assert.equal(formatJson(two.results), formatJson(one.results));
    const a = one.results.find((r) => r.filePath.endsWith('p0/a.go'))!;
    assert.equal(a.diagnostics.map((d) => [d.span.start.line, d.message]), [[6, 'c is closed by closeIt (in b.go:6)']]);
    const c = one.results.find((r) => r.filePath.endsWith('p0/c.go'))!;
    assert.equal(c.diagnostics, [], 'helper2 is not declared (yet)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('cache: editing a helper rescans exactly the files that consulted it; a new file is seen', async () => {
  const { dir, files } = setUp(1);
  const cacheDir = join(dir, '.cache');
  const [a, b, c] = files as [string, string, string];
  const run = () => scanFilesWithStats(files, { rules, cache: ResultCache.open(cacheDir, { k: 1 }) });
  const msgs = (r: Awaited<ReturnType<typeof run>>, f: string) => r.results.find((x) => x.filePath === f)!.diagnostics.map((d) => d.message);
  try {
    const cold = await run();
    assert.equal(msgs(cold, a).length, 1);
    const warm = await run();
    assert.is(warm.stats.cached, 3, 'nothing changed: every file by stat');
    assert.equal(formatJson(warm.results), formatJson(cold.results));

    // Another function of b.go changes: a.go consulted closeIt only, its result holds.
    write(b, B.replace('return 1', 'return 2'));
    const other = await run();
    assert.is(other.stats.cached, 2, 'a.go and c.go from the cache');
    assert.equal(msgs(other, a).length, 1);

    // closeIt no longer closes: a.go is scanned again and its finding goes; c.go did not use it.
    write(b, B.replace('c.Close()', '_ = c'), 20_000);
    const edited = await run();
    assert.is(edited.stats.cached, 1, 'only c.go from the cache');
    assert.equal(msgs(edited, a), []);

    // A new file declares helper2, which c.go asked for and did not find.
    write(join(dir, 'p0', 'd.go'), D, 10_000);
    const added = await run();
    assert.is(added.stats.cached, 2, 'a.go and b.go from the cache');
    assert.equal(msgs(added, c), ['c is closed by helper2 (in d.go:5)']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('cache: every file of a package is checked by the directory snapshot its first scan sent', async () => {
  const { dir, files } = setUp(1);
  const cacheDir = join(dir, '.cache');
  const [a, b, c] = files as [string, string, string];
  // c.go uses closeIt too: two files consulted the package, the second without a snapshot of its own.
  writeFileSync(c, C.replace('helper2(c)', 'closeIt(c)'));
  utimesSync(c, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
  utimesSync(join(dir, 'p0'), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
  const run = () => scanFilesWithStats(files, { rules, cache: ResultCache.open(cacheDir, { k: 2 }) });
  try {
    const cold = await run();
    assert.equal(cold.results.filter((r) => r.diagnostics.length).map((r) => r.filePath), [a, c]);
    // closeIt changes, but b.go keeps its size, mtime and inode (as a stat sees it) and the
    // directory its mtime: the snapshot vouches for the directory, so both users of closeIt
    // are answered without a look at the text (a file whose dependencies named no snapshot
    // would be checked declaration by declaration and scanned again).
    const { mtime } = statSync(b);
    writeFileSync(b, B.replace('c.Close()', 'c.Close(/* */)').replace('return 1\n}', '1}').padEnd(B.length, ' '));
    assert.is(statSync(b).size, B.length);
    utimesSync(b, mtime, mtime);
    const warm = await run();
    assert.is(warm.stats.cached, 3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a scan of one staged file reads its siblings from disk and reports only that file', async () => {
  const { dir, files } = setUp(1);
  try {
    const r = await scanFilesWithStats([files[0]!], { rules });
    assert.is(r.results.length, 1);
    assert.equal(r.results[0]!.diagnostics.map((d) => d.message), ['c is closed by closeIt (in b.go:6)']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();

// Speed machinery: prefilter, worker threads, result cache, shards + merge, progress.
// Every check here uses the test-only rules of support/rules.ts (speedRules), never the shipped ones.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createHash } from 'node:crypto';
import * as zlib from 'node:zlib';
import type { Node } from 'web-tree-sitter';
import { dirname, join, relative } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseCli, parseShard, UsageError } from '../src/cli/config.js';
import { readFramed, ResultCache, writeFramed } from '../src/engine/cache.js';
import { hash64 } from '../src/engine/hash.js';
import type { DepsChecker, DirSnapshot, PackageDeps } from '../src/engine/packages.js';
import { getParser } from '../src/engine/parser.js';
import { enclosingFunction, FileFacts, FUNCTION_TYPES } from '../src/go/facts.js';
import { isBlank, prefilterFor } from '../src/engine/prefilter.js';
import { scanBuffer, type ScanInfo } from '../src/engine/scan.js';
import { TriggerWords } from '../src/engine/triggerwords.js';
import { batchesOf, byDirectory } from '../src/engine/pool.js';
import { scanFilesWithStats, type RunOptions } from '../src/engine/run.js';
import type { ActiveRule, AnyRule } from '../src/engine/types.js';
import { fromEslintResults, mergeSarif } from '../src/cli/merge.js';
import { progressLine, wantsProgress } from '../src/cli/progress.js';
import { formatJson } from '../src/report/json.js';
import { toEslintResults } from '../src/report/eslint.js';
import { selectFiles } from '../src/cli/files.js';
import { DirListings } from '../src/cli/dircache.js';
import { pathHash, selectShard } from '../src/cli/shard.js';
import { goFilesIn, packageRoot } from './helpers.js';
import { goRule, speedRules as testRules, tickerRule } from './support/rules.js';

const rulesModule = new URL('./support/rules.js', import.meta.url).href;
const testCli = join(packageRoot, 'dist', 'test', 'support', 'cli.js');
const dataDir = join(packageRoot, 'test', 'data', 'speed');

const active = (rules: AnyRule[]): ActiveRule[] => rules.map((rule) => ({ rule, severity: rule.meta.severity, options: {} }));


/** The speed data plus every rule fixture other helpers have added, as cwd-relative paths. */
function fixtureFiles(): string[] {
  const dirs = [dataDir, join(packageRoot, 'test', 'fixtures')];
  return dirs.flatMap((d) => {
    try {
      return goFilesIn(d);
    } catch {
      return [];
    }
  }).map((f) => relative(process.cwd(), f));
}

function tempCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'leakhound-speed-'));
  cpSync(dataDir, dir, { recursive: true });
  return dir;
}

function cli(args: string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [testCli, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// ---- prefilter ------------------------------------------------------------------------

test('prefilter: a file passes when some rule\'s trigger holds, the same as the scan decides', async () => {
  const r = (triggers: string[]) => ({ ...tickerRule, meta: { ...tickerRule.meta, triggers } });
  const sets = [
    active([r(['NewTicker', 'Ticker']), r(['chan', 'Ticker'])]),
    active([r(['x']), r([])]),
    active([r(['defer && Close()']), r(['Close'])]),
    active([r(['defer && Close()']), r(['chan'])]),
  ];
  const texts = ['package p\n', 'var t *time.Ticker\n', 'defer g()\n', 'c.Close()\n', 'defer c.Close()\n', 'var c chan int\n'];
  const passes = sets.map((rules) => texts.map((t) => prefilterFor(rules)(Buffer.from(t))));
  assert.equal(passes, [
    [false, true, false, false, false, true],
    [true, true, true, true, true, true], // a rule without triggers may fire anywhere
    [false, false, false, true, true, false],
    [false, false, false, false, true, true],
  ]);
  // scanBuffer skips exactly the files the prefilter does not let through.
  const parser = await getParser();
  sets.forEach((rules, i) =>
    texts.forEach((t, j) => {
      const info: ScanInfo = {};
      scanBuffer(parser, 'p.go', Buffer.from(t), { rules }, info);
      assert.is(info.skipped !== 'prefilter', passes[i]![j], `set ${i}, ${JSON.stringify(t)}`);
    }),
  );
});

test('prefilter: a trigger of several parts needs all of them', () => {
  const f = prefilterFor(active([{ ...tickerRule, meta: { ...tickerRule.meta, triggers: ['defer && Close()'] } }]));
  assert.ok(f(Buffer.from('package p\nfunc f() { defer c.Close() }\n')));
  assert.not.ok(f(Buffer.from('package p\nfunc f() { c.Close() }\n')));
  assert.not.ok(f(Buffer.from('package p\nfunc f() { defer g() }\n')));
});

test('prefilter: one check on the raw bytes', () => {
  const f = prefilterFor(active(testRules));
  assert.ok(f(Buffer.from('package p\nfunc f() { go g() }\n')));
  assert.ok(f(Buffer.from('package p\nvar t = time.NewTimer(0)\n')));
  assert.not.ok(f(Buffer.from('package p\nfunc f() { g() }\n')));
  assert.ok(prefilterFor([])(Buffer.from('go ')) === false, 'no rules: nothing to parse');
});

test('trigger words: one pass finds what includes finds, in a string and in its UTF-8 bytes', () => {
  // Long words are keyed by pairs further in (`WithDeadline` by `hD`, `De`; `ContentLength` by `tL`, `Le`).
  const words = ['<-', '.Lock()', '.RLock()', 'defer', 'Close()', 'os.Open', 'ancel()', 'Tick(', 'sql.', 'sqlx', 'WithDeadline', 'ContentLength'];
  const tw = new TriggerWords(words);
  const texts = [
    '',
    '<',
    'x <- ch',
    '<-',
    'mu.RLock() // not .Lock()',
    'mu.Lock()',
    'é<-défer deferé', // non-ASCII around and inside words
    '\u00e9.Lock\u0028)', // é.Lock(): a word right after a non-ASCII character
    'cancel() Tick Tick(',
    'sqlx.Open', // sql. is not in sqlx.
    'os.Ope',
    'Close(',
    '\uD83D\uDE00defer', // a surrogate pair before a word
    'defedefer',
    // The table is read at even offsets: each word at an even and an odd offset, ending the
    // text or not, and cut short by one character.
    ...words.flatMap((w) => [0, 1, 2, 3].flatMap((pad) => [' '.repeat(pad) + w, `${' '.repeat(pad)}${w};`, ' '.repeat(pad) + w.slice(0, -1)])),
  ];
  // Twelve words go through the table; a short list is searched for word by word.
  const short = new TriggerWords(words.slice(0, 4));
  for (const t of texts) {
    for (const w of [tw, short]) {
      const want = w.words.map((x) => (t.includes(x) ? 1 : 0));
      assert.equal([...w.find(t)], want, `${w.words.length} words, string ${JSON.stringify(t)}`);
      assert.equal([...w.find(Buffer.from(t, 'utf8'))], want, `${w.words.length} words, bytes ${JSON.stringify(t)}`);
    }
  }
  // Words the two-character table cannot hold (one character, not ASCII) are searched for on their own.
  const odd = new TriggerWords(['<-', 'x', 'dé', 'x']);
  assert.equal(odd.words, ['<-', 'x', 'dé'], 'a repeated word is searched for once');
  for (const t of ['', 'x', 'dé <-', 'de <- y', 'défer']) {
    const want = odd.words.map((w) => (t.includes(w) ? 1 : 0));
    assert.equal([...odd.find(t)], want, `string ${JSON.stringify(t)}`);
    assert.equal([...odd.find(Buffer.from(t, 'utf8'))], want, `bytes ${JSON.stringify(t)}`);
  }
  assert.ok(odd.holds(odd.find('x <-'), ['x', '<-']));
  assert.not.ok(odd.holds(odd.find('x <-'), ['x', 'dé']), 'a trigger needs all of its parts');
  // The search ends when the caller has enough: after the first word found here.
  const found = tw.find('defer x <- ch', () => true);
  assert.equal(found.reduce((a, b) => a + b, 0), 1);
});

test('blank files are found without decoding, as String#trim would', () => {
  assert.ok(isBlank(Buffer.from('')));
  assert.ok(isBlank(Buffer.from(' \n\t\r\n')));
  assert.ok(isBlank(Buffer.from('\uFEFF\n')));
  assert.not.ok(isBlank(Buffer.from('\n package p')));
  assert.not.ok(isBlank(Buffer.from('\u00a0é')));
  for (const t of ['', ' \n\t\r\n', '\uFEFF\n', '\n package p', '\u00a0é', '\u00a0\n']) assert.is(isBlank(t), isBlank(Buffer.from(t)), `the text ${JSON.stringify(t)} as its bytes`);
});

test('files no enabled rule can match are not parsed', async () => {
  const files = fixtureFiles().filter((f) => f.includes('speed'));
  const { stats, results } = await scanFilesWithStats(files, { rules: active([tickerRule]) });
  const plain = results.find((r) => r.filePath.endsWith('plain.go'))!;
  assert.equal(plain.diagnostics, []);
  assert.ok(stats.skippedByTriggers >= 2, `plain.go and broken.go skipped (got ${stats.skippedByTriggers})`);
  assert.equal(stats.skippedGenerated, 1);
  assert.equal(stats.parsed + stats.skippedByTriggers + stats.skippedGenerated, files.length);
});

test('enclosingFunction (indexed per tree) agrees with a walk up the parents', async () => {
  const parser = await getParser();
  const naive = (n: Node): Node | null => {
    for (let p = n.parent; p; p = p.parent) if ((FUNCTION_TYPES as readonly string[]).includes(p.type)) return p;
    return null;
  };
  let checked = 0;
  // Each fixture also with blank lines and a comment saying func before it: the tree's root
  // then starts after offset 0, and a func in a comment is no function.
  const sources = fixtureFiles().flatMap((f) => {
    const text = readFileSync(f, 'utf8');
    return [{ f, text }, { f: `${f} (shifted)`, text: '\n \n\t// func in a comment, var s = "func"\n' + text }];
  });
  for (const { f, text } of sources) {
    const tree = parser.parse(text)!;
    try {
      const types = ['identifier', 'call_expression', 'expression_list', 'go_statement', ...FUNCTION_TYPES];
      for (const n of tree.rootNode.descendantsOfType(types)) {
        if (!n) continue;
        assert.equal(enclosingFunction(n)?.id ?? null, naive(n)?.id ?? null, `${f}:${n.startPosition.row + 1} ${n.type}`);
        checked++;
      }
    } finally {
      tree.delete();
    }
  }
  assert.ok(checked > 100, `checked ${checked} nodes`);
});

test('qualified names: the text shortcut agrees with the scope analysis', async () => {
  const parser = await getParser();
  let checked = 0;
  let shadowed = 0;
  for (const f of fixtureFiles()) {
    const text = readFileSync(f, 'utf8');
    const tree = parser.parse(text)!;
    try {
      const facts = new FileFacts(tree.rootNode, text);
      for (const sel of tree.rootNode.descendantsOfType('selector_expression')) {
        if (!sel) continue;
        const operand = sel.childForFieldName('operand')!;
        const path = operand.type === 'identifier' ? facts.imports().byAlias.get(operand.text) : undefined;
        const where = path === undefined ? undefined : facts.resolveName(operand.text, sel);
        const want = path !== undefined && (where === 'unknown' || where === 'package') ? path : undefined;
        assert.equal(facts.qualified(sel)?.path, want, `${f}:${sel.startPosition.row + 1} ${sel.text}`);
        checked++;
        if (path !== undefined && want === undefined) shadowed++;
      }
    } finally {
      tree.delete();
    }
  }
  assert.ok(checked > 20 && shadowed >= 2, `checked ${checked}, shadowed ${shadowed}`);
});

// ---- worker threads ---------------------------------------------------------------------

test('output is byte-identical with 1 and 4 jobs, and 4 jobs really use 4 workers', async () => {
  const files = fixtureFiles();
  const opts: RunOptions = { rules: active(testRules), rulesModule, minParallelBytes: 0 };
  const one = await scanFilesWithStats(files, { ...opts, jobs: 1 });
  const four = await scanFilesWithStats(files, { ...opts, jobs: 4 });
  assert.equal(one.stats.workers, 0);
  assert.equal(four.stats.workers, 4);
  const json = formatJson(one.results);
  assert.ok(json.includes('test-ticker') && json.includes('test-go'), 'the fixtures produce findings');
  assert.ok(json.includes('syntax error'), 'and notices');
  assert.equal(formatJson(four.results), json);
});

test('a directory is dealt to one worker whole unless it holds more than a quarter of a worker\'s share', () => {
  const tasks = [
    ...Array.from({ length: 40 }, (_, i) => ({ path: `big/f${i}.go` })),
    ...Array.from({ length: 40 }, (_, i) => ({ path: `pkg/f${i}.go` })),
    { path: 'a/x.go' },
    { path: 'b/y.go' },
  ];
  // big/ is half of the bytes: cut in runs of an eighth; pkg/ has more files than a batch
  // holds but few bytes: whole; a/ and b/ share a batch.
  const sizes = tasks.map((t) => (t.path.startsWith('big/') ? 100 : 1));
  const batches = batchesOf(tasks, 32, sizes, 2);
  const dirsOf = (b: number[]) => [...new Set(b.map((i) => dirname(tasks[i]!.path)))];
  const pkg = batches.filter((b) => dirsOf(b).includes('pkg'));
  assert.equal(pkg.length, 1);
  assert.equal(pkg[0]!.length, 40);
  const big = batches.filter((b) => dirsOf(b).includes('big'));
  const eighth = sizes.reduce((a, b) => a + b, 0) / 8;
  assert.ok(big.length === 8 && big.every((b) => dirsOf(b).length === 1 && b.length * 100 <= eighth), `big/ in ${big.length} runs`);
  assert.equal(big.flat().length, 40);
  assert.ok(batches.some((b) => dirsOf(b).join() === 'a,b'), 'small directories share a batch');
  const weights = batches.map((b) => b.reduce((n, i) => n + sizes[i]!, 0));
  assert.equal(weights, [...weights].sort((x, y) => y - x), 'biggest first');
});

test('one thread scans a directory\'s files together, though a sorted list puts a subdirectory among them', () => {
  // `a/b.go` < `a/b/c.go` < `a/c.go`: a's package would be read again after the subdirectory.
  const paths = ['a/a.go', 'a/b.go', 'a/b/c.go', 'a/b/d.go', 'a/c.go', 'b.go'];
  assert.equal([...byDirectory(paths.map((path) => ({ path })))], [[0, 1, 4], [2, 3], [5]]);
});

test('small runs stay on the main thread', async () => {
  const files = fixtureFiles().slice(0, 5);
  const { stats } = await scanFilesWithStats(files, { rules: active(testRules), rulesModule, jobs: 4 });
  assert.equal(stats.workers, 0);
});

test('a worker that cannot rebuild the rules fails the run with a clear error', async () => {
  const stranger = { ...goRule, meta: { ...goRule.meta, id: 'not-in-module' } };
  try {
    await scanFilesWithStats(fixtureFiles(), { rules: active([stranger]), rulesModule, jobs: 2, minParallelBytes: 0 });
    assert.unreachable('should have failed');
  } catch (e) {
    assert.match((e as Error).message, /not-in-module/);
  }
});

// ---- cache ------------------------------------------------------------------------------

test('cache: warm runs read nothing, touched files are confirmed by hash, edits are rescanned', async () => {
  const dir = tempCopy();
  const cacheDir = join(dir, '.cache');
  try {
    const files = goFilesIn(dir);
    const past = new Date(Date.now() - 60_000);
    for (const f of files) utimesSync(f, past, past);
    const run = () => scanFilesWithStats(files, { rules: active(testRules), cache: ResultCache.open(cacheDir, { k: 1 }) });
    const cold = await run();
    assert.equal(cold.stats.cached + cold.stats.cachedByHash, 0);
    const warm = await run();
    assert.equal(warm.stats.cached, files.length, 'every file answered by stat');
    assert.equal(formatJson(warm.results), formatJson(cold.results));

    const ticker = files.find((f) => f.endsWith('ticker.go'))!;
    const newer = new Date(Date.now() - 30_000);
    utimesSync(ticker, newer, newer);
    const touched = await run();
    assert.equal(touched.stats.cachedByHash, 1, 'same content, new mtime: confirmed by hash');
    assert.equal(formatJson(touched.results), formatJson(cold.results));

    writeFileSync(ticker, readFileSync(ticker, 'utf8').replace('tm.NewTimer(tm.Minute)', 'make(chan int)\n\t_ = timer'));
    const edited = await run();
    assert.equal(edited.stats.cached + edited.stats.cachedByHash, files.length - 1);
    const msgs = edited.results.find((r) => r.filePath === ticker)!.diagnostics.map((d) => d.message);
    assert.equal(msgs.filter((m) => m.includes('NewTimer')), [], 'the edit is seen');

    const other = await scanFilesWithStats(files, { rules: active([goRule]), cache: ResultCache.open(cacheDir, { k: 2 }) });
    assert.equal(other.stats.cached, 0, 'another configuration has its own cache');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('cache: files modified just before they were read are not trusted by stat', async () => {
  const dir = tempCopy();
  try {
    const files = goFilesIn(dir); // just written: mtime is now
    const run = () => scanFilesWithStats(files, { rules: active(testRules), cache: ResultCache.open(join(dir, '.c'), 1) });
    await run();
    const again = await run();
    assert.equal(again.stats.cached, 0);
    assert.equal(again.stats.cachedByHash, files.length);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('cache: a truncated or altered cache file is discarded and rebuilt', async () => {
  const dir = tempCopy();
  try {
    const files = goFilesIn(dir);
    const past = new Date(Date.now() - 60_000);
    for (const f of files) utimesSync(f, past, past);
    const run = () => {
      const cache = ResultCache.open(join(dir, '.c'), 1);
      return scanFilesWithStats(files, { rules: active(testRules), cache }).then((r) => ({ ...r, cache }));
    };
    const cold = await run();
    const file = cold.cache.file;
    const good = readFileSync(file, 'utf8');

    writeFileSync(file, good.slice(0, good.length - 10));
    const truncated = await run();
    assert.equal(truncated.cache.discarded, 'checksum mismatch');
    assert.equal(truncated.stats.cached, 0);
    assert.equal(formatJson(truncated.results), formatJson(cold.results));
    assert.equal(readFileSync(file, 'utf8'), good, 'rebuilt');

    // Same length, one digit of the body changed: only the checksum tells.
    const at = good.indexOf('\n') + good.slice(good.indexOf('\n')).search(/\d/);
    writeFileSync(file, good.slice(0, at) + (good[at] === '1' ? '2' : '1') + good.slice(at + 1));
    const altered = await run();
    assert.equal(altered.cache.discarded, 'checksum mismatch');
    assert.equal(formatJson(altered.results), formatJson(cold.results));

    writeFileSync(file, 'garbage');
    const garbage = await run();
    assert.equal(garbage.cache.discarded, 'unknown header');
    assert.equal(formatJson(garbage.results), formatJson(cold.results));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('cache: entries are found whatever order they were recorded and are asked in', () => {
  const dir = mkdtempSync(join(tmpdir(), 'leakhound-order-'));
  try {
    const stat = (size: number) => ({ size, mtimeMs: 1_000_000, ino: size });
    const diag = { ruleId: 'r', severity: 'warning' as const, message: 'm', span: { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } } };
    // Recorded out of order (as workers answer), with paths that are prefixes of others.
    const paths = ['/p/b.go', '/p/a.go', '/p/a.go.go', '/p/a/x.go', '/p/\u00e9.go'];
    const c = ResultCache.open(dir, { k: 'order' });
    paths.forEach((p, i) => c.record(p, stat(i + 1), `hash${i}`, { diagnostics: p === '/p/a.go' ? [diag] : [], notices: [] }, 2_000_000));
    c.save();
    const hitOf = (cache: ResultCache, p: string) => {
      const found = cache.lookup(p, stat(paths.indexOf(p) + 1));
      return found && 'hit' in found ? found.hit.diagnostics.length : 'miss';
    };
    const inOrder = ResultCache.open(dir, { k: 'order' });
    assert.equal([...paths].sort().map((p) => hitOf(inOrder, p)), [1, 0, 0, 0, 0], 'asked in the saved (sorted) order');
    assert.equal(inOrder.lookup('/p/a', stat(1)), undefined, 'a prefix of a stored path is not it');
    const shuffled = ResultCache.open(dir, { k: 'order' });
    assert.equal(hitOf(shuffled, '/p/a.go.go'), 0);
    assert.equal(hitOf(shuffled, '/p/a.go'), 1);
    assert.equal(shuffled.lookup('/p/a.g', stat(1)), undefined);
    assert.equal(hitOf(shuffled, '/p/\u00e9.go'), 0);
    assert.equal(shuffled.hashOf('/p/b.go'), 'hash0');
    assert.equal(shuffled.lookup('/p/b.go', stat(9)), { expectHash: 'hash0' }, 'a changed stat asks for the content hash');
    // A new file joins the others; the saved file lists every path once.
    shuffled.record('/p/0.go', stat(7), 'hash7', { diagnostics: [], notices: [] }, 2_000_000);
    shuffled.save();
    const again = ResultCache.open(dir, { k: 'order' });
    assert.equal(again.size, paths.length + 1);
    assert.equal(again.hashOf('/p/0.go'), 'hash7');
    assert.equal(hitOf(again, '/p/a.go'), 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('cache: a cold run records into slots reserved in its order; files never recorded are dropped, dependencies kept', () => {
  const dir = mkdtempSync(join(tmpdir(), 'leakhound-reserve-'));
  try {
    const stat = (size: number) => ({ size, mtimeMs: 1_000_000, ino: size });
    const diag = { ruleId: 'r', severity: 'warning' as const, message: 'm', span: { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } } };
    const paths = ['/p/a.go', '/p/b.go', '/p/c.go', '/p/d.go'];
    const c = ResultCache.open(dir, { k: 'reserve' });
    assert.not.ok(c.reserve(['/p/b.go', '/p/a.go']), 'paths out of order: no slots');
    assert.ok(c.reserve(paths));
    const membership = { dir: '/p', clause: 'p', mode: 'lib' as const };
    const snapshot = { dirMtime: 1_000_000, files: paths.map((p, i): [string, [number, number, number]] => [p.slice(3), [i + 1, 1_000_000, i + 1]]) };
    // As the workers answer: out of order, b.go never recorded (a read error), the package's first scan with its snapshot.
    c.recordRun(3, stat(4), 'hash3', { diagnostics: [diag], notices: [] }, 'go1', { membership, state: 's1', decls: [['func:F', 'hF'], ['func:G', 'hG']], snapshot });
    c.recordRun(0, stat(1), 'hash0', { diagnostics: [], notices: [] }, 'go1', { membership, state: 's1', decls: [['func:G', 'hG']] });
    c.recordRun(2, stat(3), 'hash2', { diagnostics: [], notices: [] }, 'go1');
    c.save();
    const again = ResultCache.open(dir, { k: 'reserve' });
    assert.equal(again.size, 3);
    assert.not.ok(again.reserve(paths), 'a cache with entries takes no slots');
    const seen: unknown[] = [];
    const checker = { valid: (d: PackageDeps, snap?: DirSnapshot) => seen.push([d.membership, d.decls, snap?.files]) > 0 } as unknown as DepsChecker;
    const hitOf = (p: string) => {
      const found = again.lookup(p, stat(paths.indexOf(p) + 1), 'go1', checker);
      return found && 'hit' in found ? found.hit.diagnostics.length : 'miss';
    };
    assert.equal(paths.map(hitOf), [0, 'miss', 0, 1]);
    assert.equal(seen, [
      [membership, [['func:G', 'hG']], snapshot.files],
      [membership, [['func:F', 'hF'], ['func:G', 'hG']], snapshot.files],
    ]);
    assert.equal(again.hashOf('/p/d.go'), 'hash3');
    assert.equal(again.lookup('/p/a.go', stat(1), 'go2'), undefined, 'another Go version');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('cache: names come from a 64-bit hash of the key or root: 16 hex digits, the same for the same text, apart for near texts', () => {
  const texts = ['', 'a', 'b', 'ab', 'ba', '/srv/app', '/srv/app2', '/srv/apq', '{"build":"1","rules":[]}', '{"build":"2","rules":[]}', '\u00e9', '\u{1f600}', 'x'.repeat(10_000), 'x'.repeat(9_999) + 'y'];
  const names = texts.map(hash64);
  for (const n of names) assert.match(n, /^[0-9a-f]{16}$/);
  assert.equal(new Set(names).size, texts.length, 'no two alike');
  assert.equal(texts.map(hash64), names, 'stable');
  // Both halves move when one character does (the UTF-8 CRC and the UTF-16 one).
  const [p, q] = [hash64('/srv/app'), hash64('/srv/apq')];
  if (typeof (zlib as { crc32?: unknown }).crc32 === 'function') {
    assert.not.equal(p.slice(0, 8), q.slice(0, 8));
    assert.not.equal(p.slice(8), q.slice(8));
  }
});

test('cache: a header carries CRC-32 (8 hex digits) where Node has zlib.crc32; a SHA-1 header (40) is still checked and read', () => {
  const dir = mkdtempSync(join(tmpdir(), 'leakhound-framed-'));
  try {
    const file = join(dir, 'f.cache');
    const body = Buffer.from('{"a":1}\n\u0001\u0002');
    assert.ok(writeFramed(dir, file, 'test-framed 1', body.toString('latin1')));
    const [magic, version, sum, length] = readFileSync(file, 'latin1').split('\n')[0]!.split(' ');
    assert.equal(`${magic} ${version}`, 'test-framed 1');
    assert.equal(Number(length), body.length);
    const crc = (zlib as { crc32?: (b: Uint8Array) => number }).crc32;
    // The file as a build writes it: header (magic, sum, length) and body.
    const framed = (sum: string, b: Buffer) => Buffer.concat([Buffer.from(`test-framed 1 ${sum} ${String(b.length).padStart(12, '0')}\n`), b]);
    if (crc) assert.equal(sum, crc(body).toString(16).padStart(8, '0'));
    else assert.equal(sum, createHash('sha1').update(body).digest('hex'));
    assert.equal(readFramed(file, 'test-framed 1'), body);
    // An empty column (a view of an empty ArrayBuffer) between the parts changes nothing.
    assert.ok(writeFramed(dir, file, 'test-framed 1', (out) => {
      out.bytes(body.subarray(0, 3));
      out.bytes(new Uint8Array(new Float64Array(0).buffer));
      out.bytes(body.subarray(3));
    }));
    assert.equal(readFramed(file, 'test-framed 1'), body);
    // A file framed by a build that used SHA-1: the same body under its SHA-1 reads back.
    const sha1 = createHash('sha1').update(body).digest('hex');
    writeFileSync(file, framed(sha1, body));
    assert.equal(readFramed(file, 'test-framed 1'), body);
    // One bit flipped, under either algorithm; a sum of neither width.
    const flipped = Buffer.from(body);
    flipped[2] ^= 1;
    writeFileSync(file, framed(sha1, flipped));
    assert.equal(readFramed(file, 'test-framed 1'), 'checksum mismatch');
    if (crc) {
      const c8 = crc(body).toString(16).padStart(8, '0');
      writeFileSync(file, framed(c8, flipped));
      assert.equal(readFramed(file, 'test-framed 1'), 'checksum mismatch');
    }
    writeFileSync(file, framed(sha1.slice(0, 16), body));
    assert.equal(readFramed(file, 'test-framed 1'), 'checksum mismatch');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('cache: a body written in pieces reads back as one (multi-byte characters across the pieces)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'leakhound-framed-'));
  try {
    // A surrogate pair across the first 8,192-character piece, then more than a 64 KB buffer of 2-byte characters.
    const long = 'a'.repeat(8191) + '\u{1f600}' + '\u00e9'.repeat(40_000) + '\0end';
    const file = join(dir, 'f.cache');
    assert.ok(writeFramed(dir, file, 'test-framed 1', (out) => {
      out.text('{');
      out.bytes(new Uint8Array([1, 2, 3]));
      out.text(long);
    }));
    assert.equal(readFramed(file, 'test-framed 1'), Buffer.concat([Buffer.from('{'), Buffer.from([1, 2, 3]), Buffer.from(long)]));
    // Paths of every kind, more than one run of them, through the result cache.
    const paths = Array.from({ length: 300 }, (_, i) => `/p/${i % 7 ? 'x'.repeat(i) : '\u{1f600}\u00e9'.repeat(i)}${String(i).padStart(3, '0')}.go`).sort();
    const stat = (i: number) => ({ size: i + 1, mtimeMs: 1_000_000, ino: i + 1 });
    const c = ResultCache.open(dir, { k: 'pieces' });
    assert.ok(c.reserve(paths));
    paths.forEach((p, i) => c.recordRun(i, stat(i), `h${i}`, { diagnostics: [], notices: [] }, ''));
    c.save();
    const again = ResultCache.open(dir, { k: 'pieces' });
    assert.equal(again.discarded, undefined);
    assert.equal(paths.map((p, i) => again.find(p, [i + 1, 1_000_000, i + 1], 0)), paths.map((_, i) => i));
    assert.equal(again.hashOf(paths[299]!), 'h299');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('cache: old cache files of other builds and configurations are pruned', () => {
  const dir = mkdtempSync(join(tmpdir(), 'leakhound-prune-'));
  try {
    const st = statSync(join(dataDir, 'pkg', 'plain.go'));
    let last: ResultCache | undefined;
    for (let k = 0; k < 12; k++) {
      last = ResultCache.open(dir, { k });
      last.record('/x.go', st, 'h', { diagnostics: [], notices: [] });
      last.save();
    }
    const left = readdirSync(dir).filter((f) => f.endsWith('.cache'));
    assert.equal(left.length, 8);
    assert.ok(left.includes(last!.file.split('/').pop()!), 'the current one stays');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('CLI: the cache changes nothing in the output, --no-cache writes no cache', () => {
  const dir = tempCopy();
  try {
    const cold = cli(['-f', 'json', '--cache-location', 'c', '.'], dir);
    const warm = cli(['-f', 'json', '--cache-location', 'c', '.'], dir);
    assert.equal(cold.code, 1, cold.stderr);
    assert.equal(warm.stdout, cold.stdout);
    assert.ok(readdirSync(join(dir, 'c')).some((f) => f.endsWith('.cache')));
    assert.equal(readFileSync(join(dir, 'c', '.gitignore'), 'utf8'), '*\n', 'the cache keeps itself out of git');
    const none = cli(['-f', 'json', '--no-cache', '--cache-location', 'n', '.'], dir);
    assert.equal(none.stdout, cold.stdout);
    assert.throws(() => statSync(join(dir, 'n')));
    const home = join(dir, 'xdg');
    spawnSync(process.execPath, [testCli, '-f', 'json', '.'], { cwd: dir, env: { ...process.env, XDG_CACHE_HOME: home, CI: '1' } });
    assert.ok(readdirSync(join(home, 'leakhound')).length === 1, 'by default: one project directory in the user cache');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('CLI: a cache directory that cannot be made (under /proc) is skipped, the run ends with its findings', () => {
  if (!existsSync('/proc/self')) return; // the hang this guards against is Node's recursive mkdir under /proc
  const dir = tempCopy();
  try {
    const ref = cli(['-f', 'json', '--no-cache', '.'], dir);
    const r = spawnSync(process.execPath, [testCli, '-f', 'json', '--cache-location', '/proc/leakhound-none/x', '.'], { cwd: dir, encoding: 'utf8', timeout: 60_000, env: { ...process.env, CI: '1' } });
    assert.equal(r.error, undefined, 'the run ends');
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stdout, ref.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// ---- shards and merge -------------------------------------------------------------------

test('shards partition the files', () => {
  const files = Array.from({ length: 200 }, (_, i) => `pkg${i % 7}/file${i}.go`);
  const parts = [1, 2, 3].map((index) => selectShard(files, { index, count: 3 }));
  assert.equal(parts.flat().sort(), [...files].sort());
  assert.ok(parts.every((p) => p.length > 30), 'roughly even');
  assert.equal(pathHash('a/b.go'), pathHash('a/b.go'));
  assert.equal(parseShard('2/3'), { index: 2, count: 3 });
  for (const bad of ['0/3', '4/3', '1/0', 'x', '1/2/3']) assert.throws(() => parseShard(bad), (e: unknown) => e instanceof UsageError);
});

test('CLI: shard 1/3 + 2/3 + 3/3 merged is byte for byte the unsharded report', () => {
  const dir = tempCopy();
  try {
    // More files, so that every shard gets some.
    for (let i = 0; i < 6; i++) cpSync(join(dir, 'pkg'), join(dir, `copy${i}`), { recursive: true });
    const whole = cli(['-f', 'json', '--no-cache', '.'], dir);
    assert.equal(whole.code, 1, whole.stderr);
    for (const k of [1, 2, 3]) {
      const r = cli(['-f', 'json', '--no-cache', '--shard', `${k}/3`, '-o', `s${k}.json`, '.'], dir);
      assert.ok(r.code === 0 || r.code === 1, r.stderr);
      assert.ok(readFileSync(join(dir, `s${k}.json`), 'utf8').length < whole.stdout.length, `shard ${k} is a part`);
    }
    const merged = cli(['merge', 's1.json', 's2.json', 's3.json'], dir);
    assert.equal(merged.stdout, whole.stdout);
    assert.equal(merged.code, whole.code);
    const reordered = cli(['merge', 's3.json', 's1.json', 's2.json', '-o', 'm.json'], dir);
    assert.equal(reordered.code, 1);
    assert.equal(readFileSync(join(dir, 'm.json'), 'utf8'), whole.stdout);
    const pretty = cli(['merge', '--format', 'pretty', 's1.json', 's2.json', 's3.json'], dir);
    assert.match(pretty.stdout, /goroutine started/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('CLI: merge refuses bad input with one line and exit 2', () => {
  const dir = tempCopy();
  try {
    writeFileSync(join(dir, 'bad.json'), '{"x":1}');
    writeFileSync(join(dir, 'notjson.json'), 'nope');
    for (const args of [['merge'], ['merge', 'bad.json'], ['merge', 'notjson.json'], ['merge', 'missing.json']]) {
      const r = cli(args, dir);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, /^leakhound: merge: /);
      assert.not.match(r.stderr, /\n\s+at /, 'no stack trace');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('merge: JSON read back gives the same JSON', () => {
  const eslint = toEslintResults([
    {
      filePath: 'a.go',
      diagnostics: [
        {
          ruleId: 'r',
          severity: 'warning',
          message: 'm',
          span: { start: { line: 2, column: 3 }, end: { line: 2, column: 9 } },
          related: [{ span: { start: { line: 1, column: 1 }, end: { line: 1, column: 4 } }, message: 'here' }],
          suggestions: [{ desc: 'fix it', edits: [{ range: [5, 5], text: 'x' }] }],
        },
      ],
      notices: [
        { kind: 'parse-error', message: 'syntax error', line: 4, column: 2 },
        { kind: 'read-error', message: 'cannot read file: permission denied' },
      ],
    },
  ]);
  assert.equal(toEslintResults(fromEslintResults(eslint)), eslint);
});

test('merge: SARIF logs are joined with rules united and ruleIndex remapped', () => {
  const log = (rules: string[], results: { ruleId: string; uri: string; line: number }[]) => ({
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'leakhound', rules: rules.map((id) => ({ id })) } },
        results: results.map((r) => ({
          ruleId: r.ruleId,
          ruleIndex: rules.indexOf(r.ruleId),
          message: { text: 'm' },
          locations: [{ physicalLocation: { artifactLocation: { uri: r.uri }, region: { startLine: r.line, startColumn: 1 } } }],
        })),
      },
    ],
  });
  const merged = mergeSarif([log(['a'], [{ ruleId: 'a', uri: 'z.go', line: 1 }]), log(['b', 'a'], [{ ruleId: 'b', uri: 'a.go', line: 3 }, { ruleId: 'a', uri: 'z.go', line: 0 }])]);
  const run = merged.runs[0]!;
  assert.equal(run.tool.driver.rules, [{ id: 'a' }, { id: 'b' }]);
  assert.equal(run.results!.map((r) => [r.locations![0]!.physicalLocation!.artifactLocation!.uri, r.ruleId, r.ruleIndex]), [
    ['a.go', 'b', 1],
    ['z.go', 'a', 0],
    ['z.go', 'a', 0],
  ]);
});

// ---- file walk ---------------------------------------------------------------------------

test('file walk: default skips and .gitignore files from the git root down, as git reads them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'leakhound-walk-'));
  try {
    const put = (p: string, text = 'package p\n') => {
      mkdirSync(dirname(join(dir, p)), { recursive: true });
      writeFileSync(join(dir, p), text);
    };
    mkdirSync(join(dir, '.git', 'info'), { recursive: true });
    writeFileSync(join(dir, '.git', 'info', 'exclude'), 'excluded.go\n');
    put('.gitignore', 'gen/\n*.pb.go\n!keep/x.pb.go\n');
    put('a/.gitignore', 'z.go\n');
    for (const f of ['m.go', 'excluded.go', '.dot.go', 'a/y.go', 'a/z.go', 'a/sub/z.go', 'gen/g.go', 'keep/x.pb.go', 'keep/y.pb.go', 'vendor/v.go', 'a/testdata/t.go', '.hid/h.go', '_u/u.go', 'a/node_modules/n.go']) put(f);
    const sel = async (paths: string[], defaultSkips: boolean, cwd = dir) => (await selectFiles(paths, { cwd, defaultSkips, ignore: [] })).files;
    assert.equal(await sel([], true), ['a/y.go', 'keep/x.pb.go', 'm.go']);
    assert.equal((await sel([], false)).length, 14, 'no skips: every .go file');
    assert.equal(await sel(['a'], true), ['a/y.go'], 'a subdirectory still obeys the root .gitignore and its own');
    assert.equal(await sel(['.'], true, join(dir, 'a')), ['y.go'], 'from a subdirectory as cwd');
    assert.equal(await sel(['a/z.go', 'gen/g.go', 'keep/x.pb.go', 'keep/y.pb.go', 'vendor/v.go', 'excluded.go', 'm.go'], true), ['keep/x.pb.go', 'm.go'], 'explicit files obey the skips too');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('file walk: a directory unchanged since the last run is not read again; a change to its entries is seen', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'leakhound-dirs-'));
  // Outside the tree: a cache made inside it would change the root's entries.
  const cacheDir = mkdtempSync(join(tmpdir(), 'leakhound-dirs-cache-'));
  try {
    const put = (p: string) => {
      mkdirSync(dirname(join(dir, p)), { recursive: true });
      writeFileSync(join(dir, p), 'package p\n');
    };
    mkdirSync(join(dir, '.git'));
    writeFileSync(join(dir, '.gitignore'), 'gen/\n');
    for (const f of ['m.go', 'README.md', 'a/y.go', 'a/b/z.go', 'gen/g.go', 'vendor/v.go']) put(f);
    // Listings read within RACY_MS of a change are not kept: the clock runs a minute ahead.
    const later = () => Date.now() + 60_000;
    const walk = async (clock = later) => {
      const listings = DirListings.open(cacheDir, clock);
      const files = (await selectFiles([], { cwd: dir, defaultSkips: true, ignore: [], listings })).files;
      listings.save();
      return { files, reused: listings.reused };
    };
    const first = await walk();
    assert.equal(first.files, ['a/b/z.go', 'a/y.go', 'm.go']);
    assert.equal(first.reused, 0);
    const warm = await walk();
    assert.equal(warm, { files: first.files, reused: 3 }, 'the root, a and a/b are stat-ed, not read');

    put('a/b/new.go');
    rmSync(join(dir, 'a', 'y.go'));
    const changed = await walk();
    assert.equal(changed.files, ['a/b/new.go', 'a/b/z.go', 'm.go'], 'a file made and a file removed are both seen');
    assert.equal(changed.reused, 1, 'only the root is unchanged');

    rmSync(join(dir, 'a'), { recursive: true });
    writeFileSync(join(dir, 'a'), 'now a file');
    assert.equal((await walk()).files, ['m.go'], 'a directory replaced by a file');
    rmSync(join(dir, 'a'));

    // Without the clock ahead everything was just made: nothing is kept, every run reads.
    rmSync(cacheDir, { recursive: true });
    await walk(Date.now);
    assert.equal((await walk(Date.now)).reused, 0, 'directories changed within RACY_MS are read again');

    // A damaged file is not trusted.
    await walk();
    assert.equal((await walk()).reused, 1);
    const file = join(cacheDir, 'dirs.cache');
    writeFileSync(file, readFileSync(file, 'utf8').replace('m.go', 'x.go'));
    assert.equal(await walk(), { files: ['m.go'], reused: 0 }, 'a checksum mismatch: the directories are read');
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(cacheDir, { recursive: true, force: true });
  }
});

// ---- flags and progress ---------------------------------------------------------------------

test('flags: --jobs, --shard, --no-cache, --cache-location', () => {
  const c = parseCli(['-j', '1', '--shard', '1/2', '--no-cache', '--cache-location', 'x', '--stats']).config;
  assert.equal([c.jobs, c.shard, c.cache, c.cacheLocation, c.stats], [1, { index: 1, count: 2 }, false, 'x', true]);
  assert.ok(parseCli([]).config.jobs >= 1);
  assert.ok(parseCli([]).config.cache);
  for (const bad of [['--jobs', '0'], ['--jobs', 'two'], ['--shard', '3/2']]) assert.throws(() => parseCli(bad), (e: unknown) => e instanceof UsageError);
});

test('progress: only on a terminal, never in CI or over a machine-readable stdout', () => {
  const tty = { isTTY: true };
  assert.ok(wantsProgress({ format: 'pretty' }, {}, tty));
  assert.not.ok(wantsProgress({ format: 'pretty' }, { CI: 'true' }, tty));
  assert.not.ok(wantsProgress({ format: 'pretty' }, {}, { isTTY: false }));
  assert.not.ok(wantsProgress({ format: 'json' }, {}, tty));
  assert.not.ok(wantsProgress({ format: 'sarif' }, {}, tty));
  assert.ok(wantsProgress({ format: 'json', outputFile: 'r.json' }, {}, tty));

  let now = 0;
  let out = '';
  const p = progressLine({ write: (s: string) => (out += s) }, () => now);
  p.update(1, 10);
  assert.equal(out, '', 'nothing during the first second');
  now = 1500;
  p.update(5, 10);
  assert.match(out, /5\/10 files \(50%\)/);
  p.end();
  assert.ok(out.endsWith('\r\x1b[K'), 'erased at the end');
});

test.run();

// The Go version fact: go.mod parsing, the nearest-go.mod lookup (once per directory), rules
// gated on versions, the --stats notice for files without a go.mod, and the result cache
// keyed on the version that applied.
import { rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defineRule } from '../src/engine/types.js';
import { compareGo, goVersionKey, ModuleVersions, oldTimers, parseGoMod } from '../src/go/gomod.js';
import { runMain, tempTree, TICKER_GO } from './inproc.js';
import { selectFiles } from '../src/cli/files.js';

test('parseGoMod reads go, toolchain and godebug lines, comments and blocks included', () => {
  const v = parseGoMod('module x // the module\n\ngo 1.22.3 // pinned\ntoolchain go1.23.2\ngodebug (\n\tasynctimerchan=1\n\thttp2client=0\n)\nrequire (\n\tgo.example/y v1.0.0\n)\n');
  assert.equal(v, { go: '1.22.3', toolchain: '1.23.2', godebug: { asynctimerchan: '1', http2client: '0' } });
  assert.equal(parseGoMod('module x\ngodebug asynctimerchan=1\n').godebug, { asynctimerchan: '1' });
  // No go line: the go command assumes 1.16.
  assert.is(parseGoMod('module x\n').go, '1.16');
});

test('compareGo orders releases, patches and release candidates', () => {
  assert.ok(compareGo('1.22.9', '1.23') < 0);
  assert.ok(compareGo('1.23rc1', '1.23') === 0);
  assert.ok(compareGo('1.23.0', '1.23') === 0);
  assert.ok(compareGo('1.9', '1.10') < 0);
  assert.ok(oldTimers({ go: '1.22' }));
  assert.not.ok(oldTimers({ go: '1.23.4' }));
  assert.ok(oldTimers({ go: '1.24', godebug: { asynctimerchan: '1' } }));
  assert.not.ok(oldTimers({}), 'no go.mod: the newest Go');
});

test('the nearest go.mod governs a file; directories and go.mod files are read once', () => {
  const reads: string[] = [];
  const stats: string[] = [];
  const files: Record<string, string> = { '/r/go.mod': 'go 1.21\n', '/r/sub/go.mod': 'go 1.23\ntoolchain go1.23.1\n' };
  const m = new ModuleVersions({
    readFile: (p) => (reads.push(p), files[p]!),
    isFile: (p) => (stats.push(p), p in files),
  });
  assert.equal(m.forFile('/r/a/b/x.go'), { go: '1.21', gomod: '/r/go.mod' });
  assert.equal(m.forFile('/r/a/b/y.go').go, '1.21');
  assert.equal(m.forFile('/r/a/z.go').go, '1.21');
  assert.equal(m.forFile('/r/sub/deep/w.go'), { go: '1.23', toolchain: '1.23.1', gomod: '/r/sub/go.mod' });
  assert.equal(m.forFile('/elsewhere/v.go'), {});
  assert.equal(reads, ['/r/go.mod', '/r/sub/go.mod'], 'each go.mod parsed once');
  assert.equal(stats.filter((s) => s === '/r/a/b/go.mod').length, 1, 'each directory looked up once');
  assert.is(m.modules, 2);
  assert.is.not(goVersionKey({ go: '1.22' }), goVersionKey({ go: '1.23' }));
  assert.is(goVersionKey({}), 'newest');
});

test('the walk tells which directories hold a go.mod: no stat for those, a stat for the others', async () => {
  const dir = tempTree({ 'go.mod': 'go 1.21\n', 'a/x.go': 'package a\n', 'b/go.mod/keep': '', 'b/y.go': 'package b\n', 'c/go.mod.real': 'go 1.23\n', 'c/z.go': 'package c\n' });
  try {
    symlinkSync(join(dir, 'c', 'go.mod.real'), join(dir, 'c', 'go.mod'));
    const sel = await selectFiles([dir], { cwd: dir, defaultSkips: true, ignore: [] });
    assert.equal(sel.goMods.get(join(dir, 'go.mod')), true);
    assert.equal(sel.goMods.get(join(dir, 'a', 'go.mod')), false);
    assert.equal(sel.goMods.get(join(dir, 'b', 'go.mod')), false, 'a directory named go.mod is no go.mod');
    assert.ok(!sel.goMods.has(join(dir, 'c', 'go.mod')), 'a symlink: only a stat tells');
    const stats: string[] = [];
    const m = new ModuleVersions({ known: sel.goMods, isFile: (p) => (stats.push(p), statSync(p, { throwIfNoEntry: false })?.isFile() ?? false) });
    assert.equal(m.forFile(join(dir, 'a', 'x.go')).go, '1.21');
    assert.equal(m.forFile(join(dir, 'b', 'y.go')).go, '1.21');
    assert.equal(m.forFile(join(dir, 'c', 'z.go')).go, '1.23');
    assert.equal(stats, [join(dir, 'c', 'go.mod')]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the lookup stops where it is told to', () => {
  const m = new ModuleVersions({ stopAt: '/r/fixtures', readFile: () => 'go 1.20\n', isFile: (p) => p === '/r/go.mod' });
  assert.equal(m.forFile('/r/fixtures/x/a.go'), {});
});

/** Flags time.NewTicker, but only for modules before Go 1.23 (as a real timer rule would). */
const oldTickerRule = defineRule<'t'>({
  meta: {
    id: 'test-old-ticker',
    title: 'Ticker before Go 1.23 (test rule)',
    severity: 'error',
    precision: 'high',
    tags: ['test'],
    docs: { whatItDoes: 'x', whyIsThisBad: 'x', example: 'x', useInstead: 'x' },
    messages: { t: 'ticker under go {{go}}' },
    triggers: ['NewTicker'],
    defaultOptions: {},
    goVersions: { before: '1.23', godebug: 'asynctimerchan=1' },
  },
  create(ctx) {
    return {
      call_expression(n) {
        if (ctx.facts.isCallTo(n, 'time', 'NewTicker')) ctx.report({ node: n, messageId: 't', data: { go: ctx.go.go ?? 'newest' } });
      },
    };
  },
});

test('a rule declared for Go before 1.23 runs on 1.22 modules and godebug opt-outs only; --stats names files without go.mod', async () => {
  const dir = tempTree({
    'old/go.mod': 'module old\n\ngo 1.22\n',
    'old/t.go': TICKER_GO,
    'new/go.mod': 'module new\n\ngo 1.23\n',
    'new/t.go': TICKER_GO,
    'optout/go.mod': 'module optout\n\ngo 1.24\ngodebug asynctimerchan=1\n',
    'optout/t.go': TICKER_GO,
    'nomod/t.go': TICKER_GO,
  });
  const r = await runMain(['--format', 'json', '--no-cache', '--stats', '.'], dir, [oldTickerRule]);
  const found = (JSON.parse(r.stdout) as { filePath: string; messages: { message: string }[] }[]).flatMap((f) => f.messages.map((m) => `${f.filePath}: ${m.message}`));
  assert.equal(found.sort(), ['old/t.go: ticker under go 1.22', 'optout/t.go: ticker under go 1.24']);
  assert.match(r.stderr, /no go\.mod governs 1 of the files: the newest Go was assumed/);
});

test('the result cache keys on the Go version: editing go.mod rescans the module', async () => {
  const dir = tempTree({ 'm/go.mod': 'module m\n\ngo 1.23\n', 'm/t.go': TICKER_GO });
  const cache = join(dir, '.cache');
  const run = async () => JSON.parse((await runMain(['--format', 'json', '--cache-location', cache, '.'], dir, [oldTickerRule])).stdout) as { messages: unknown[] }[];
  assert.is((await run()).flatMap((f) => f.messages).length, 0, 'go 1.23: silent');
  writeFileSync(join(dir, 'm/go.mod'), 'module m\n\ngo 1.22\n');
  assert.is((await run()).flatMap((f) => f.messages).length, 1, 'go 1.22 after the edit: reported, not the cached silence');
  writeFileSync(join(dir, 'm/go.mod'), 'module m\n\ngo 1.23.1\n');
  assert.is((await run()).flatMap((f) => f.messages).length, 0, 'and back');
});

test.run();

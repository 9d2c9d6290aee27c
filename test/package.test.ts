// The package view (src/go/package.ts) and what it stands on: the text index of top-level
// declarations, build constraints, package membership, lookups across files, and the core
// function summaries (through callees in other files, recursion, cycles, the depth bound,
// the same answers whichever file asks first).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildIgnored, evalBuildExpr } from '../src/go/build.js';
import { FileFacts, isIdentUnitAt } from '../src/go/facts.js';
import { PackageView, type SummaryKind } from '../src/go/package.js';
import { ABSENT, clauseOf, gofmtEnd, membershipOf, PackageIndex, requiredLiterals, wordAt, wordHits } from '../src/go/pkgindex.js';
import { coreSummary, does, effectsOn, HOW, type FuncSummary } from '../src/go/summary.js';
import { declEnd, packageLine, quickDecls, topLevelDecls, type TopDecl } from '../src/go/toplevel.js';
import { memorySource, Packages } from '../src/engine/packages.js';
import { fixtureSources, parser_ } from './helpers.js';

test('topLevelDecls: kinds, names, receivers and ends, from the text alone', () => {
  const text = [
    'package p // the clause',
    '',
    'import (',
    '\t"fmt"',
    ')',
    '',
    '/* func fake() {} */',
    'const s = `',
    'func alsoFake() {}',
    '`',
    '',
    'type (',
    '\tA int',
    '\tB struct{ c chan int }',
    ')',
    '',
    'var x, y = 1, func() { fmt.Println("}") }',
    '',
    "func (s *Server[K, V]) Stop(r rune) { _ = '}' }",
    '',
    'func ((T)) m() {}',
    'func f(v interface{}) interface{} {',
    '\treturn v',
    '}',
    'func asm()',
    'var z int; const k = 1',
  ].join('\n');
  const decls = topLevelDecls(text);
  const shown = decls.map((d) => `${d.kind} ${d.names.map((n) => n.name).join(',')}${d.recv ? ` recv=${d.recv}` : ''} ${JSON.stringify(text.slice(d.start, d.end).split('\n').pop())}`);
  assert.equal(shown, [
    'package p "package p"',
    'import  ")"',
    'const s "`"',
    'type A,B ")"',
    'var x,y "var x, y = 1, func() { fmt.Println(\\"}\\") }"',
    'method Stop recv=Server "func (s *Server[K, V]) Stop(r rune) { _ = \'}\' }"',
    'method m recv=T "func ((T)) m() {}"',
    'func f "}"',
    'func asm "func asm()"',
    'var z "var z int"',
    'const k "const k = 1"',
  ]);
  // Names point at themselves.
  for (const d of decls) for (const n of d.names) assert.is(text.slice(n.at, n.at + n.name.length), n.name);
});

test('quickDecls: the same names and starts as the lexer on gofmt\'d code, ends on demand', () => {
  const text = [
    'package p',
    '',
    'import "fmt"',
    '',
    'type (',
    '\tA int',
    '\tB struct {',
    '\t\tc chan int',
    '\t}',
    ')',
    '',
    'var x, y = 1, func() { fmt.Println("}") }',
    '',
    'const (',
    '\tk1, k2 = 1, 2',
    '\t// a comment',
    '\tk3 = 3',
    ')',
    '',
    'func (s *Server[K, V]) Stop() {',
    '\t_ = `',
    'not a declaration',
    '`',
    '}',
    '',
    'func f(v interface{}) interface{} { return v }',
  ].join('\n');
  const full = topLevelDecls(text).filter((d) => d.kind !== 'import' && d.kind !== 'package');
  const quick = quickDecls(text);
  const shape = (ds: typeof full) => ds.map((d) => `${d.kind} ${d.start} ${d.names.map((n) => `${n.name}@${n.at}`).join(',')} ${d.recv ?? ''}`);
  assert.equal(shape(quick), shape(full));
  assert.equal(quick.map((d) => declEnd(text, d.start)), full.map((d) => d.end));
});

/**
 * The `\n` version of a text as quickDecls' RegExp path reads its lines (a RegExp's `^` follows
 * each of JavaScript's line terminators): `\r\n` becomes `\n`, and a lone `\r`, U+2028 and
 * U+2029 each a `\n`; `at[i]` is where offset i of the text is in it.
 */
function lfVersion(text: string): { text: string; at: Int32Array } {
  const at = new Int32Array(text.length + 1);
  let out = '';
  for (let i = 0; i < text.length; i++) {
    at[i] = out.length;
    const c = text[i]!;
    if (c === '\r' && text[i + 1] === '\n') continue;
    out += c === '\r' || c === '\u2028' || c === '\u2029' ? '\n' : c;
  }
  at[text.length] = out.length;
  return { text: out, at };
}

test('quickDecls: its RegExp path (a text with \\r, U+2028 or U+2029) finds what its in-place path finds in the text\'s \\n version', () => {
  // quickDecls reads a text in place when its only line break is `\n`, and with RegExps when
  // it holds a `\r`, U+2028 or U+2029 (anywhere). Non-ASCII names take the in-place path too,
  // which hands each such name to the RegExps the other path uses. Each source is made to
  // take the RegExp path (a mark in a comment, CRLF line ends, some of them, a stray `\r`),
  // and the crafted one holds `\r`, U+2028 and U+2029 in comments and strings. Not compared: a lone
  // `\r` or U+2028 as the only break before a group's `)`, where the RegExp path, which looks
  // for `\n)`, runs the group on to the next `\n)`: to Go `\r` is a blank and U+2028 stands
  // only in comments and literals, so gofmt'd code has no such break.
  const crafted = [
    'package p',
    '',
    'import "fmt"',
    '',
    '// Größe\u2028 of a thing; ω\u2029 is no line start in Go',
    'type Größe int',
    // Line starts to the RegExp path: what it finds there (a parse drops it) the other finds in the \n version.
    '// a comment\u2028func afterLineSeparator() {}',
    '/* a lone CR\rtype afterCR int */',
    '// \u2029var afterParagraphSeparator, x2 = 1, 2',
    '',
    'type (',
    '\tÄ struct{ ö chan int }',
    '\tB = map[string]Größe',
    '\tC[T any] []T',
    ')',
    '',
    'var ä, b = 1, 2',
    'var x, ü , y int',
    'var v = 1',
    'var w, w2 = 1, 2',
    'var (',
    '\tm, ñ = "a\u2028b", \'\u2029\'',
    '\tp, q = len("a)"), 4 // (a comment)',
    '\tz int // \u2028 z',
    ') // the end',
    '',
    'const (',
    '\tk1, kä = 1, 2',
    '\t// a comment',
    '\tω = "\u2028"',
    '\tΣ',
    '\tA = iota',
    ')',
    '',
    'func (g *Größe) Wert() int { return int(*g) }',
    'func (s *Server[K, V]) Stop() {}',
    'func (ü Ü[K]) Ö() {}',
    'func (Größe) M() {}',
    'func (r *R) N() {',
    '\tvar (',
    '\t\tinner = 1',
    '\t)',
    '}',
    'func Grüß(name string) string { return fmt.Sprint("Grüß\u2028", name) }',
    'func  spaced  () {}',
    `func (r *R) ${'x'.repeat(400)}() {}`,
    'func 名前() {}',
    'var _ = `',
    'func inRaw() {}',
    'funcé()',
    'typeX int',
    'func() {}',
    '`',
    'const\tc = 1',
    'type  T2[K comparable] struct{}',
    '',
  ].join('\n');
  const sources = [...fixtureSources().map((s) => s.text), crafted];
  const variants = (text: string): string[] => {
    const lines = text.split('\n');
    return [
      `${text}// \u2028\n`,
      `${text}// \u2029`,
      text.replace(/\n/g, '\r\n'),
      lines.map((l, i) => (i % 3 === 1 ? `${l}\r` : l)).join('\n'),
      `// a\rb\n${text}`,
    ];
  };
  const breaks = /[\r\u2028\u2029]/;
  const shape = (decls: TopDecl[], at: (i: number) => number = (i) => i) =>
    decls.map((d) => `${d.kind} ${at(d.start)} ${d.names.map((n) => `${n.name}@${at(n.at)}`).join(',')} ${d.recv ?? '-'} ${d.end} ${d.depth}`);
  let compared = 0;
  const kinds = new Set<string>();
  for (const source of sources) {
    for (const text of variants(source)) {
      const lf = lfVersion(text);
      // One side on each path.
      assert.ok(breaks.test(text));
      assert.not.ok(breaks.test(lf.text));
      const quick = quickDecls(lf.text);
      assert.equal(shape(quickDecls(text), (i) => lf.at[i]!), shape(quick));
      compared += quick.length;
      for (const d of quick) kinds.add(`${d.kind}${d.names.some((n) => /[^\x00-\x7f]/.test(n.name)) ? ' non-ASCII' : ''}${d.names.length > 1 ? ' several' : ''}`);
    }
  }
  // Not a comparison of empty lists: every kind, with names of each sort.
  assert.ok(compared > 10_000, String(compared));
  for (const k of ['func', 'func non-ASCII', 'method', 'method non-ASCII', 'type', 'type non-ASCII several', 'var', 'var several', 'var non-ASCII several', 'const non-ASCII several']) assert.ok(kinds.has(k), k);
});

test('gofmtEnd: the lexer\'s end where the layout shows it, undefined where it cannot', () => {
  const decls = [
    'func f() {\n\tif x {\n\t\ty("}")\n\t}\n\n\t_ = \'{\' // }\n}\n',
    'type T struct {\n\ta int\n}\r\n',
    'var m = map[string]int{\n\t"a": 1,\n}\n',
    // Not gofmt's layout: a col-0 brace closes an inner block (as in a real file of the corpus).
    'func g() {\n\tfor {\n\t\tfor {\n\t\t\tx()\n\t}\n}\nreturn\n}\n',
    'func r() {\n\ts := `\n}\n`\n}\n', // a raw string: the lexer decides
    'func c() {\n\t/* {\n} */\n}\n',
    'func one() { return }\n\nfunc two() {\n}\n',
    'var f = func() {\n}()\n',
  ];
  const got = decls.map((t) => gofmtEnd(t, 0));
  assert.equal(got, [decls[0]!.length - 1, decls[1]!.indexOf('}') + 1, decls[2]!.length - 1, undefined, undefined, undefined, undefined, undefined]);
  for (const [i, t] of decls.entries()) if (got[i] !== undefined) assert.is(got[i], declEnd(t, 0), decls[i]);
  // On g the first brace at the start of a line is not the lexer's end.
  assert.is.not(declEnd(decls[3]!, 0), decls[3]!.indexOf('\n}') + 2);
});

test('wordAt and requiredLiterals: the searches the lookups use instead of RegExps', () => {
  const text = 'xLock Lock_ $Lock Lock() a.Lock\nLock';
  const re = /(?<![\w$])Lock(?![\w$])/g;
  const hits: number[] = [];
  for (let at = wordAt(text, 'Lock'); at >= 0; at = wordAt(text, 'Lock', at + 4)) hits.push(at);
  assert.equal(hits, [...text.matchAll(re)].map((m) => m.index));
  // wordHits: each word's hits as the chain of wordAt finds them; a word that ends another is
  // found in the same search (RLock where Lock occurs, after a letter that is no word character
  // too), and a hit that overlaps the last (a word with such letters) is none.
  const chain = (t: string, w: string) => {
    const out: number[] = [];
    for (let at = wordAt(t, w); at >= 0; at = wordAt(t, w, at + w.length)) out.push(at);
    return out;
  };
  const verbs = ['Lock', 'RLock', 'Unlock', 'RUnlock'];
  const locks = 'mu.Lock(); mu.RLock() xRLock RLock_ Unlock\nRUnlock(s.RUnlock) \u00ffRLock Locker Lock';
  assert.equal(Object.fromEntries(wordHits(locks, verbs)), Object.fromEntries(verbs.map((w) => [w, chain(locks, w)])));
  assert.equal(wordHits(locks, verbs).get('RLock'), [locks.indexOf('RLock'), locks.indexOf('\u00ff') + 1]);
  assert.equal(Object.fromEntries(wordHits('x\u00e9x\u00e9x', ['x\u00e9x'])), { 'x\u00e9x': chain('x\u00e9x\u00e9x', 'x\u00e9x') });
  assert.equal(requiredLiterals(String.raw`\n[ \t]+[\w.]*\.errCh[ \t]*<-`), ['.errCh', '<-']);
  assert.equal(requiredLiterals(String.raw`\brange[ \t]+[\w.]*\.qch\b`), ['range', '.qch']);
  // Quantified characters, counts, classes, groups and alternations require nothing.
  assert.equal(requiredLiterals('ab{10}cd'), ['cd']);
  assert.equal(requiredLiterals('abc?'), ['ab']);
  assert.equal(requiredLiterals('[ab]x(?:cd|ef)gh'), ['gh']);
  assert.equal(requiredLiterals('ab|cd'), []);
});

test('build constraints: only an expression false on every build leaves a file out', () => {
  assert.is(evalBuildExpr('ignore'), false);
  assert.is(evalBuildExpr('ignore && linux'), false);
  assert.is(evalBuildExpr('!ignore'), true);
  assert.is(evalBuildExpr('linux || ignore'), undefined);
  assert.is(evalBuildExpr('(linux && !cgo'), undefined, 'unreadable: keep the file');
  assert.ok(buildIgnored('// Copyright\n\n//go:build ignore\n\npackage main\n'));
  assert.ok(buildIgnored('// +build ignore\n\npackage main\n'));
  assert.not.ok(buildIgnored('//go:build linux\n\npackage p\n'));
  assert.not.ok(buildIgnored('package p\n\n//go:build ignore\n'), 'after the clause it is a comment');
  assert.not.ok(buildIgnored('/* header */\n//go:build !ignore\n// +build ignore\npackage p\n'), '//go:build wins over +build');
});

test('packageLine: the first match of the package-line RegExp it replaces, on ASCII and other names and line ends', () => {
  const re = /^package[ \t]+([\p{L}_][\p{L}\p{N}_]*)/mu;
  const texts = [
    'package p\n',
    'package main',
    '// package fake\npackage real\n',
    'x package no\npackage\tyes // c\n',
    'package\nname\npackage 9bad\npackage _ok\n',
    'packagex y\npackage  \t two\n',
    'package é\npackage later\n',
    'package naïve\n',
    'package 名前\n',
    'package a名\n',
    'package x\u00b2y\n',
    'package 𝒳\n',
    'package \ud835\n',
    'a\rpackage cr\r\n',
    'a\u2028package ls\n',
    'a\u2029package ps\n',
    'a\u0085package nel\npackage next\n',
    'package',
    'package ',
    '',
    'no clause here\n',
    '/*\npackage fake\n*/\npackage real\n',
  ];
  for (const t of texts) {
    const m = re.exec(t);
    assert.equal(packageLine(t), m ? { at: m.index, end: m.index + m[0].length, name: m[1] } : undefined, JSON.stringify(t));
  }
});

test('isIdentUnitAt: /[\\p{L}\\p{Nd}_]/u on one UTF-16 unit, off the ends too', () => {
  const re = /[\p{L}\p{Nd}_]/u;
  const text = 'aZ_09 .\t(é名²٣\u00a0\ud835\udcb3-';
  for (let i = -2; i < text.length + 2; i++) assert.is(isIdentUnitAt(text, i), re.test(text[i] ?? ''), `at ${i}`);
  for (let c = 0; c < 0x3000; c++) assert.is(isIdentUnitAt(String.fromCharCode(c), 0), re.test(String.fromCharCode(c)), `U+${c.toString(16)}`);
});

test('package clause and membership: library, internal and external tests, ignored files', () => {
  assert.is(clauseOf('/*\npackage fake\n*/\npackage real\n'), 'real');
  assert.is(membershipOf('/d/a.go', 'package p\n').mode, 'lib');
  assert.is(membershipOf('/d/a_test.go', 'package p\n').mode, 'test');
  assert.is(membershipOf('/d/a_test.go', 'package p_test\n').mode, 'xtest');
  assert.is(membershipOf('/d/gen.go', '//go:build ignore\n\npackage main\n').mode, 'alone');
  const files = {
    '/d/a.go': 'package p\nfunc A() {}\n',
    '/d/b.go': 'package p\nfunc B() {}\n',
    '/d/c.go': 'package other\nfunc C() {}\n',
    '/d/gen.go': '//go:build ignore\n\npackage p\nfunc G() {}\n',
    '/d/a_test.go': 'package p\nfunc T() {}\n',
    '/d/x_test.go': 'package p_test\nfunc X() {}\n',
    '/e/e.go': 'package p\nfunc E() {}\n',
  };
  const src = memorySource(files);
  const names = (path: string) => new PackageIndex(membershipOf(path, files[path as keyof typeof files]), src).files.map((f) => f.name);
  assert.equal(names('/d/a.go'), ['a.go', 'b.go']);
  assert.equal(names('/d/a_test.go'), ['a.go', 'a_test.go', 'b.go']);
  assert.equal(names('/d/x_test.go'), ['x_test.go']);
  assert.equal(names('/d/gen.go'), ['gen.go']);
  assert.equal(names('/d/c.go'), ['c.go']);
});

/** A view of `path`'s package over files in memory; `done()` frees the trees. */
async function viewOf(files: Record<string, string>, path: string, packages = new Packages(memorySource(files))) {
  const parser = await parser_();
  const tree = parser.parse(files[path]!)!;
  const facts = new FileFacts(tree.rootNode, files[path]!);
  const view = new PackageView(() => packages.packageOf(path, files[path]!), parser, { path, facts });
  return {
    view,
    facts,
    tree,
    done() {
      view.release();
      tree.delete();
    },
  };
}

const SERVER = {
  '/s/server.go': `package srv

import "sync"

type Server struct {
	mu      sync.Mutex
	jobs    chan int
	results chan int
	w       *worker
}

func NewServer() *Server {
	return &Server{jobs: make(chan int), results: make(chan int)}
}

func (s *Server) Start() {
	go s.run()
	s.w.start()
}
`,
  '/s/run.go': `package srv

func (s *Server) run() {
	for j := range s.jobs {
		s.results <- j
	}
}

func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.drain()
}

func (s *Server) drain() {
	closeChan(s.jobs)
}
`,
  '/s/util.go': `package srv

import "io"

type worker struct{ done chan struct{} }

func (w *worker) start() { go func() { <-w.done }() }

func closeChan(c chan int) { close(c) }

func closeIt(c io.Closer) error { return c.Close() }

func keep(c io.Closer) { kept = append(kept, c) }

var kept []io.Closer
`,
};

test('lookups across files: functions, methods, types, fields, variables; the file itself from its own tree', async () => {
  const { view, facts, done } = await viewOf(SERVER, '/s/server.go');
  try {
    assert.is(view.name, 'srv');
    assert.equal(view.files(), ['/s/run.go', '/s/server.go', '/s/util.go']);
    const stop = view.method('Server', 'Stop')!;
    assert.equal([stop.kind, stop.file, stop.own, stop.node.type, stop.recv], ['method', '/s/run.go', false, 'method_declaration', 'Server']);
    assert.is(stop.node.startPosition.row, 8, 'positions are the file\'s, not the parsed range\'s');
    assert.ok(view.func('NewServer')!.own);
    assert.is(view.func('NewServer')!.facts, facts);
    assert.is(view.field('Server', 'jobs')!.type.text, 'chan int');
    assert.is(view.field('worker', 'done')!.type.text, 'chan struct{}');
    assert.is(view.variable('kept')!.node.type, 'var_spec');
    assert.is(view.type('worker')!.file, '/s/util.go');
    assert.equal(view.methodsNamed('start').map((d) => d.key), ['method:worker.start']);
    assert.equal(view.methodsOf('Server').map((d) => d.key), ['method:Server.run', 'method:Server.Stop', 'method:Server.drain', 'method:Server.Start']);
    assert.equal(view.mentioning('run').map((d) => d.key), ['method:Server.Start'], 'its own name does not count');
    assert.equal(view.mentioning('jobs').map((d) => d.key), ['method:Server.run', 'method:Server.drain', 'func:NewServer']);
    assert.is(view.func('Missing'), undefined);
    // Imports of the declaration's file resolve its qualified names.
    const closeIt = view.func('closeIt')!;
    assert.is(closeIt.facts.imports().byAlias.get('io'), 'io');
  } finally {
    done();
  }
});

test('summaries: effects through methods and functions of other files, goroutines started, receiver fields', async () => {
  const { view, done } = await viewOf(SERVER, '/s/server.go');
  try {
    const stop = view.summaryOf(coreSummary, 'method:Server.Stop')!;
    assert.ok(does(stop, 'recv.jobs', 'close'), 'Stop → drain → closeChan(s.jobs) → close(c)');
    assert.equal(effectsOn(stop, 'recv.jobs', 'close')[0]!.at, { file: 'util.go', line: 9, column: 30 });
    assert.ok(does(stop, 'recv.mu', '.Lock', 0), 'locked directly');
    assert.ok(does(stop, 'recv.mu', '.Unlock', HOW.defer), 'unlocked in a defer');
    assert.equal(stop.calls, ['method:Server.drain']);
    const start = view.summaryOf(coreSummary, 'method:Server.Start')!;
    assert.equal(start.starts, ['method:Server.run']);
    assert.ok(does(start, 'recv.jobs', 'range'), 'the goroutine it starts ranges over s.jobs');
    assert.equal(effectsOn(start, 'recv.jobs', 'range').map((e) => e.how), [HOW.go | HOW.callee]);
    assert.ok(does(start, 'recv.results', 'send'));
    assert.ok(does(start, 'recv.w.done', 'recv'), 's.w.start() through the field\'s type, in a goroutine');
    const closeIt = view.summaryOf(coreSummary, 'func:closeIt')!;
    assert.ok(does(closeIt, '$0', '.Close'));
    assert.not.ok(does(closeIt, '$0', 'escape'));
    const keep = view.summaryOf(coreSummary, 'func:keep')!;
    assert.ok(does(keep, '$0', 'escape'), 'appended to a package variable');
    assert.equal(view.summaryOf(coreSummary, 'func:NewServer')!.results, [[{ make: 'literal' }]]);
    assert.is(view.summaryOf(coreSummary, 'func:Missing'), undefined);
  } finally {
    done();
  }
});

const HANDLES = {
  '/h/get.go': `package h

import (
	"context"
	"io"
)

func get(ctx context.Context, c *Client, dst io.Writer) error {
	rc, err := c.Bucket("b").NewReader(ctx)
	if err != nil {
		return err
	}
	_, err = Copy(ctx, dst, rc)
	return err
}

func open(ctx context.Context, c *Client) error {
	rc, err := c.Bucket("b").NewReader(ctx)
	if err != nil {
		return err
	}
	keep(rc)
	return nil
}
`,
  '/h/copy.go': `package h

import (
	"context"
	"io"
)

type readerFunc func(p []byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }

func Copy(ctx context.Context, dst io.Writer, src io.Reader) (int64, error) {
	return io.Copy(dst, readerFunc(func(p []byte) (int, error) { return src.Read(p) }))
}

func Later(src io.Reader) func() {
	return func() { src.Read(nil) }
}

var kept []io.Reader

func keep(r io.Reader) { kept = append(kept, r) }
`,
};

test('summaries: a handle made from a parameter and lent to a function of the package goes where that function puts it', async () => {
  const { view, done } = await viewOf(HANDLES, '/h/get.go');
  try {
    const copyFn = view.summaryOf(coreSummary, 'func:Copy')!;
    assert.equal(effectsOn(copyFn, '$2', '.Read').map((e) => e.how), [HOW.cond], 'io.Copy runs the literal before Copy returns');
    assert.equal(effectsOn(view.summaryOf(coreSummary, 'func:Later')!, '$0', '.Read').map((e) => e.how), [HOW.closure], 'a returned literal runs later');
    assert.not.ok(does(view.summaryOf(coreSummary, 'func:get')!, '$1.Bucket', 'escape'), 'Copy only reads the reader');
    assert.ok(does(view.summaryOf(coreSummary, 'func:open')!, '$1.Bucket', 'escape'), 'keep stores it');
  } finally {
    done();
  }
});

const CYCLE = {
  '/c/a.go': `package c

import "os"

func even(n int, ch chan int) {
	if n == 0 {
		close(ch)
		return
	}
	odd(n-1, ch)
}

func open(name string) (*os.File, error) { return os.Open(name) }

func openTwice(name string) (*os.File, error) {
	f, err := open(name)
	return f, err
}
`,
  '/c/b.go': `package c

func odd(n int, ch chan int) {
	ch <- n
	even(n-1, ch)
}

func self(ch chan int) {
	ch <- 1
	self(ch)
}

func d0(ch chan int) { d1(ch) }
func d1(ch chan int) { d2(ch) }
func d2(ch chan int) { d3(ch) }
func d3(ch chan int) { d4(ch) }
func d4(ch chan int) { d5(ch) }
func d5(ch chan int) { close(ch) }
`,
};

test('summaries: recursion and cycles end, the depth bound leaves deep callees unknown', async () => {
  const { view, done } = await viewOf(CYCLE, '/c/a.go');
  try {
    const even = view.summaryOf(coreSummary, 'func:even')!;
    assert.ok(does(even, '$1', 'close'));
    assert.equal(effectsOn(even, '$1', 'close').map((e) => e.how), [HOW.cond, HOW.cond | HOW.callee], 'in the if (may not run), and again through odd');
    assert.ok(does(even, '$1', 'send'), 'even → odd (b.go) sends');
    const self = view.summaryOf(coreSummary, 'func:self')!;
    assert.ok(does(self, '$0', 'send'));
    assert.equal(self.calls, ['func:self']);
    // d0 → d1 → d2 → d3 → d4 → d5: the close is 5 calls deep, past the bound of 4: unknown,
    // so the channel escapes there (may be anything), and d1 sees it.
    const d0 = view.summaryOf(coreSummary, 'func:d0')!;
    assert.not.ok(does(d0, '$0', 'close'));
    assert.ok(does(d0, '$0', 'escape'));
    assert.ok(does(view.summaryOf(coreSummary, 'func:d1')!, '$0', 'close'));
    // Returned values through a same-package helper.
    assert.equal(view.summaryOf(coreSummary, 'func:openTwice')!.results, [[{ call: 'os.Open', result: 0 }], [{ call: 'os.Open', result: 1 }]]);
  } finally {
    done();
  }
});

test('summaries do not depend on which function or file asked first', async () => {
  const keys = ['func:even', 'func:odd', 'func:self', 'func:d0', 'func:d2', 'func:openTwice'];
  const ask = async (order: string[], from: string) => {
    const { view, done } = await viewOf(CYCLE, from);
    try {
      const got = new Map(order.map((k) => [k, view.summaryOf(coreSummary, k)]));
      return keys.map((k) => JSON.stringify(got.get(k)));
    } finally {
      done();
    }
  };
  const a = await ask(keys, '/c/a.go');
  assert.equal(await ask([...keys].reverse(), '/c/b.go'), a);
  assert.equal(await ask(['func:odd', 'func:d2', ...keys], '/c/b.go'), a);
});

test('a rule registers its own summary kind: local facts once, combined through callees', async () => {
  // "Returns while holding a lock of its receiver": unlocks cancel locks, callees count.
  let locals = 0;
  const holds: SummaryKind<{ locks: string[]; calls: string[] }, string[]> = {
    id: 'test-holds',
    local(fn) {
      locals++;
      const locks: string[] = [];
      const calls: string[] = [];
      for (const c of fn.decl.node.descendantsOfType('call_expression')) {
        const f = c?.childForFieldName('function');
        if (f?.type !== 'selector_expression') continue;
        const m = f.childForFieldName('field')!.text;
        const on = f.childForFieldName('operand')!.text;
        if (m === 'Lock') locks.push(on);
        else if (m === 'Unlock' && c!.parent?.type !== 'defer_statement') locks.splice(locks.indexOf(on), 1);
        else {
          const k = fn.calleeKey(c!);
          if (k) calls.push(k);
        }
      }
      return { locks, calls };
    },
    combine(l, callee) {
      return [...l.locks, ...l.calls.flatMap((k) => callee(k) ?? [])].sort();
    },
  };
  const files = {
    '/l/a.go': 'package l\n\nfunc (s *S) lock() { s.mu.Lock() }\nfunc (s *S) both() { s.lock(); s.other() }\n',
    '/l/b.go': 'package l\n\ntype S struct{ mu, mu2 sync.Mutex }\n\nfunc (s *S) other() { s.mu2.Lock(); s.mu2.Unlock() }\n',
  };
  const { view, done } = await viewOf(files, '/l/a.go');
  try {
    assert.equal(view.summaryOf(holds, 'method:S.both'), ['s.mu']);
    assert.equal(view.summaryOf(holds, 'method:S.lock'), ['s.mu']);
    assert.is(locals, 3, 'each function read once');
  } finally {
    done();
  }
});

test('deps: what a file consulted, hashed; editing the helper changes its hash, editing another function does not', async () => {
  const files: Record<string, string> = { ...SERVER };
  const consult = async (fs: Record<string, string>) => {
    const { view, done } = await viewOf(fs, '/s/server.go');
    try {
      view.summaryOf(coreSummary, 'func:closeIt');
      return new Map(view.deps());
    } finally {
      done();
    }
  };
  const before = await consult(files);
  assert.ok(before.has('func:closeIt'));
  assert.not.ok(before.has('method:Server.Stop'), 'only what was asked');
  const other = await consult({ ...files, '/s/util.go': files['/s/util.go']!.replace('func keep(c io.Closer) {', 'func keep(c io.Closer) {\n\t_ = 1') });
  assert.is(other.get('func:closeIt'), before.get('func:closeIt'));
  const edited = await consult({ ...files, '/s/util.go': files['/s/util.go']!.replace('return c.Close()', 'return nil') });
  assert.is.not(edited.get('func:closeIt'), before.get('func:closeIt'));
  const { view, done } = await viewOf(files, '/s/server.go');
  try {
    assert.is(view.func('gone'), undefined);
    assert.equal(new Map(view.deps()).get('func:gone'), ABSENT);
  } finally {
    done();
  }
});

test('build-tag variants of a function: every declaration found, summaries joined', async () => {
  const files = {
    '/v/a.go': 'package v\n\nfunc use(ch chan int) { stop(ch) }\n',
    '/v/stop_linux.go': 'package v\n\nfunc stop(ch chan int) { close(ch) }\n',
    '/v/stop_other.go': '//go:build !linux\n\npackage v\n\nfunc stop(ch chan int) { ch <- 1 }\n',
    '/v/gen.go': '//go:build ignore\n\npackage v\n\nfunc stop(ch chan int) { <-ch }\n',
  };
  const { view, done } = await viewOf(files, '/v/a.go');
  try {
    assert.equal(view.decls('func:stop').map((d) => d.file), ['/v/stop_linux.go', '/v/stop_other.go']);
    const s = view.summaryOf(coreSummary, 'func:use') as FuncSummary;
    assert.ok(does(s, '$0', 'close') && does(s, '$0', 'send'));
    assert.not.ok(does(s, '$0', 'recv'), 'the ignored file is no part of the package');
  } finally {
    done();
  }
});

test.run();

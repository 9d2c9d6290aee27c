// Go newer than the grammar: Go 1.26's new(expr) and calls of one's own functions named
// new or make are read as ordinary calls, so the rest of the file is analysed as if the
// grammar knew them, and the notice names the construct.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scanText } from '../src/engine/scan.js';
import { GRAMMAR, parseGo } from '../src/engine/syntax.js';
import type { ActiveRule } from '../src/engine/types.js';
import { allRules } from '../rules/index.js';
import { packageRoot, parser_ } from './helpers.js';

const active: ActiveRule[] = allRules.map((rule) => ({ rule, severity: rule.meta.severity, options: structuredClone(rule.meta.defaultOptions) }));

// `p := new(n * 2)` used to swallow the next line (`ch := make(chan int)`) into an ERROR
// node, and the goroutine leak below it went unreported.
const GO126 = `package p

import (
	"context"
	"time"

	"cloud.google.com/go/pubsub"
)

type options struct {
	retries *int
	timeout *time.Duration
}

func publish(ctx context.Context, project string) error {
	c, err := pubsub.NewClient(ctx, project)
	if err != nil {
		return err
	}
	opts := options{retries: new(3 + 1), timeout: new(30 * time.Second)}
	_ = opts
	_ = c.Topic("t")
	return nil
}

func worker(n int) int {
	p := new(n * 2)
	ch := make(chan int)
	go func() { ch <- *p }()
	if *p > 10 {
		return 0
	}
	return <-ch
}
`;

// The same program with a helper of the same length in place of new: what the grammar reads fine.
const HELPER = GO126.replace(/\bnew\(/g, 'ptr(');

/** The notice of a parse, the tree freed. */
async function noticeOf(src: string) {
  const parsed = parseGo(await parser_(), src)!;
  parsed.tree.delete();
  return parsed.notice;
}

const summary = (r: ReturnType<typeof scanText>) => r.diagnostics.map((d) => `${d.span.start.line}:${d.span.start.column}-${d.span.end.line}:${d.span.end.column} ${d.ruleId} ${d.message}`);

test('new(expr) leaves the rest of the file analysed as if the grammar knew it', async () => {
  const p = await parser_();
  const got = scanText(p, 'p.go', GO126, active);
  const want = scanText(p, 'p.go', HELPER, active);
  assert.equal(want.notices, []);
  assert.ok(want.diagnostics.some((d) => d.ruleId === 'goroutine-blocked-send'), 'the helper version has the goroutine leak');
  assert.equal(summary(got), summary(want));
});

test('the notice names new(expr), where it first is and how many there are', async () => {
  const r = scanText(await parser_(), 'p.go', GO126, active);
  assert.equal(
    r.notices.map((n) => `${n.kind} ${n.line}:${n.column} ${n.message}`),
    [
      `parse-error 20:27 the grammar (${GRAMMAR}) does not know Go 1.26's new(expr) (3 places, the first here): it was read as an ordinary call, and the file was analysed as sound`,
    ],
  );
});

test('the repaired tree reads the file as written, offsets unchanged', async () => {
  const parsed = parseGo(await parser_(), GO126)!;
  try {
    const root = parsed.tree.rootNode;
    assert.is(root.hasError, false);
    assert.is(root.text, GO126.slice(root.startIndex, root.endIndex));
    const at = GO126.indexOf('new(n * 2)');
    const call = root.descendantForIndex(at, at + 3)?.parent;
    if (!call) throw new Error('no node at new(n * 2)');
    assert.is(call.type, 'call_expression');
    assert.is(call.text, 'new(n * 2)');
    assert.is(call.childForFieldName('function')!.text, 'new');
    assert.is(call.childForFieldName('arguments')?.namedChild(0)?.type, 'binary_expression');
  } finally {
    parsed.tree.delete();
  }
});

test('new(T) and make(T, n), the built-ins as the grammar knows them, stay as they are', async () => {
  const src = `package p

func f() ([]int, *int) {
	return make([]int, 0, 4), new(int)
}
`;
  const parsed = parseGo(await parser_(), src)!;
  try {
    assert.is(parsed.notice, undefined);
    assert.is(parsed.tree.rootNode.hasError, false);
  } finally {
    parsed.tree.delete();
  }
});

test('a function of the file named make, called with values, is named as such', async () => {
  const src = `package p

func f(n int) int {
	make := func(a, b int) int { return a + b }
	return make(n+1, 2)
}
`;
  const n = (await noticeOf(src))!;
  assert.equal(
    [`${n.line}:${n.column} ${n.message}`],
    [`5:9 the grammar (${GRAMMAR}) does not know a call of a function of the code's own named make: it was read as an ordinary call, and the file was analysed as sound`],
  );
});

test('a real syntax error elsewhere is still reported, with where it is', async () => {
  const src = `package p

func f(n int) *int {
	return new(n + 1)
}

func g() {
	x := [
}
`;
  const n = (await noticeOf(src))!;
  assert.match(n.message, /does not know Go 1.26's new\(expr\): it was read as an ordinary call; a syntax error remains at 8:\d+, and the file was analysed where its tree is sound/);
});

test('a syntax error with no newer construct keeps the plain notice', async () => {
  const src = `package p

func g() {
	x := [
}
`;
  const n = (await noticeOf(src))!;
  assert.equal([`${n.line} ${n.message}`], ['4 syntax error; the file was analysed where its tree is sound']);
});

test('Go 1.22-1.24 syntax the grammar knows needs no notice (range over int and func, generic aliases)', async () => {
  const src = `package p

import "iter"

type Set[T comparable] = map[T]struct{}

func count(seq iter.Seq[int]) (n int) {
	for range 3 {
		n++
	}
	for v := range seq {
		n += v
	}
	return n
}
`;
  const parsed = parseGo(await parser_(), src)!;
  try {
    assert.is(parsed.notice, undefined);
  } finally {
    parsed.tree.delete();
  }
});

test('the grammar named in notices is the one package.json pins', () => {
  const pkg = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
  const version = pkg.devDependencies['tree-sitter-go']!;
  assert.ok(version.startsWith(GRAMMAR.replace('tree-sitter-go ', '') + '.'), `${GRAMMAR} vs tree-sitter-go ${version}`);
});

test.run();

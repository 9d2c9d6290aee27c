// The release-obligation helpers (src/go/obligations.ts) and callee lists (src/go/callees.ts)
// on small Go snippets, so that other resource rules can rely on them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Node } from 'web-tree-sitter';
import { compileCalleeList, listHas, nameMayBeIn } from '../src/go/callees.js';
import { enclosingFunction, FileFacts } from '../src/go/facts.js';
import { stdBorrows } from '../src/go/borrowers.js';
import { funcValues, isProgramMain } from '../src/go/funcs.js';
import { argumentCount } from '../src/go/leaks.js';
import { bindingOf, borrowCheck, followsInSequence, insertAfterErrorCheck, settle } from '../src/go/obligations.js';
import { parser_ } from './helpers.js';

async function parse(body: string) {
  const text = `package p\n\nfunc f(ctx context.Context) {\n${body}\n}\n`;
  const tree = (await parser_()).parse(text)!;
  const facts = new FileFacts(tree.rootNode, text);
  const calls = tree.rootNode.descendantsOfType('call_expression').filter((c): c is Node => c !== null);
  const call = (fn: string) => calls.find((c) => c.childForFieldName('function')?.text === fn)!;
  return { text, tree, facts, call };
}

const CLOSE = new Set(['Close']);

test('bindingOf: declared, assigned, discarded and other places', async () => {
  const { call, tree } = await parse(
    [
      '\tc, err := x.New(ctx)',
      '\tvar d, err2 = x.NewD(ctx)',
      '\te, err = x.NewE(ctx)',
      '\tx.NewF(ctx)',
      '\t_, err = x.NewG(ctx)',
      '\ts.h, err = x.NewH(ctx)',
      '\tuse(x.NewI(ctx))',
      '\ta, b := x.NewA(), x.NewB()',
    ].join('\n'),
  );
  const c = bindingOf(call('x.New'));
  assert.equal([c.kind, c.kind === 'bound' && [c.ident.text, c.declares, c.results, c.errName]], ['bound', ['c', true, 2, 'err']]);
  const d = bindingOf(call('x.NewD'));
  assert.equal(d.kind === 'bound' && [d.ident.text, d.declares, d.stmt.type], ['d', true, 'var_declaration']);
  const e = bindingOf(call('x.NewE'));
  assert.equal(e.kind === 'bound' && [e.ident.text, e.declares], ['e', false]);
  assert.is(bindingOf(call('x.NewF')).kind, 'discarded');
  assert.is(bindingOf(call('x.NewG')).kind, 'discarded');
  assert.is(bindingOf(call('x.NewH')).kind, 'other');
  assert.is(bindingOf(call('x.NewI')).kind, 'other');
  const b = bindingOf(call('x.NewB'));
  assert.equal(b.kind === 'bound' && [b.ident.text, b.results, b.errName], ['b', 1, undefined]);
  tree.delete();
});

test('settle: released, escaped, open, and a window that ends at a re-assignment', async () => {
  const { call, facts, tree } = await parse(
    [
      '\tc, _ := x.New(ctx)',
      '\tc.Use()',
      '\tc, _ = x.New2(ctx)',
      '\tdefer c.Close()',
      '\td, _ := x.NewD(ctx)',
      '\tkeep(d)',
      '\te, _ := x.NewE(ctx)',
      '\t_ = e',
    ].join('\n'),
  );
  const fn = enclosingFunction(call('x.New'))!;
  assert.is(settle(facts, fn, 'c', { methods: CLOSE }).kind, 'released');
  const first = call('x.New').parent!.parent!;
  const second = call('x.New2').parent!.parent!;
  assert.is(settle(facts, fn, 'c', { methods: CLOSE, from: first.startIndex, until: second.endIndex }).kind, 'open');
  const d = settle(facts, fn, 'd', { methods: CLOSE });
  assert.equal(d.kind === 'escaped' && d.reason, 'passed as an argument');
  assert.is(settle(facts, fn, 'd', { methods: CLOSE, borrows: () => true }).kind, 'open', 'a borrowing call is a use');
  assert.is(settle(facts, fn, 'e', { methods: CLOSE }).kind, 'open', '_ = e is not an escape');
  assert.ok(followsInSequence(first, second));
  tree.delete();
});

test('insertAfterErrorCheck: after the if block, with the statement indentation', async () => {
  const { call, text, tree } = await parse(['\tc, err := x.New(ctx)', '\tif err != nil {', '\t\treturn', '\t} // checked', '\tc.Use()'].join('\n'));
  const b = bindingOf(call('x.New'));
  assert.ok(b.kind === 'bound');
  const edit = insertAfterErrorCheck(text, b.stmt, b.errName, 'defer c.Close()')!;
  const out = text.slice(0, edit.range[0]) + edit.text + text.slice(edit.range[1]);
  assert.match(out, /\t\} \/\/ checked\n\tdefer c\.Close\(\)\n\tc\.Use\(\)/);
  // Without an error variable, right after the declaration.
  const noErr = insertAfterErrorCheck(text, b.stmt, undefined, 'defer c.Close()')!;
  assert.is(text.slice(0, noErr.range[0]).split('\n').length, 5);
  tree.delete();
});

test('insertAfterErrorCheck: nothing for a declaration in an if header', async () => {
  const { call, text, tree } = await parse('\tif c, err := x.New(ctx); err == nil {\n\t\tc.Use()\n\t}');
  const b = bindingOf(call('x.New'));
  assert.is(b.kind === 'bound' && insertAfterErrorCheck(text, b.stmt, b.errName, 'defer c.Close()'), undefined);
  tree.delete();
});

const DISPATCH = `package main

import "io"

type command func(w io.Writer, c *Client) error

var commands = map[string]command{"list": list, "show": show}
var mutable = map[string]command{"list": list}
var steps = []command{list, show}

func register(name string, c command) { mutable[name] = c }

func run(name string, c *Client, given command, gcs bool) {
	var send command
	if gcs {
		send = list
	} else {
		send = show
	}
	send(nil, c)
	fromTable := commands[name]
	fromTable(nil, c)
	fromMutable := mutable[name]
	fromMutable(nil, c)
	steps[0](nil, c)
	given(nil, c)
	keep := keeper
	keep(nil, c)
}

var kept *Client

func keeper(w io.Writer, c *Client) error { kept = c; return nil }
func list(w io.Writer, c *Client) error   { return c.List() }
func show(w io.Writer, c *Client) error   { return c.Show() }

func main() {}
`;

test('funcValues: the functions a variable or a table of the file can hold', async () => {
  const tree = (await parser_()).parse(DISPATCH)!;
  const facts = new FileFacts(tree.rootNode, DISPATCH);
  const calls = tree.rootNode.descendantsOfType('call_expression').filter((c): c is Node => c !== null);
  const callOf = (fn: string) => calls.find((c) => c.childForFieldName('function')?.text === fn)!;
  const values = (fn: string) => funcValues(facts, callOf(fn).childForFieldName('function')!)?.map((d) => d.childForFieldName('name')!.text).sort();
  assert.equal(values('send'), ['list', 'show'], 'both assignments; the zero value is nil');
  assert.equal(values('fromTable'), ['list', 'show'], 'the map literal holds only these');
  assert.is(values('fromMutable'), undefined, 'register adds to the map');
  assert.is(values('given'), undefined, 'a parameter: the caller decides');
  assert.equal(values('keep'), ['keeper']);
  // A call through each lends c only when every function it may run only uses c.
  const borrows = borrowCheck(facts, CLOSE);
  assert.equal(['send', 'fromTable', 'fromMutable', 'given', 'keep'].map((f) => borrows(callOf(f), 1)), [true, true, false, false, false]);
  const fns = tree.rootNode.descendantsOfType('function_declaration').filter((c): c is Node => c !== null);
  assert.equal(fns.filter((f) => isProgramMain(facts, f)).map((f) => f.childForFieldName('name')!.text), ['main']);
});

test('stdBorrows: formatting and logging read their operands; Errorf may keep one', async () => {
  const text = 'package p\n\nimport (\n\t"fmt"\n\t"log"\n)\n\nfunc f(c *Client) {\n\tlog.Fatalf("%v", c)\n\tfmt.Println(c)\n\tfmt.Errorf("%w", c)\n}\n';
  const tree = (await parser_()).parse(text)!;
  const facts = new FileFacts(tree.rootNode, text);
  const calls = tree.rootNode.descendantsOfType('call_expression').filter((c): c is Node => c !== null);
  assert.equal(calls.map((c) => [c.childForFieldName('function')!.text, stdBorrows(facts, c)]), [
    ['log.Fatalf', true],
    ['fmt.Println', true],
    ['fmt.Errorf', false],
  ]);
});

test('callee lists: names, importPath.Func, import paths and regexes; bad entries dropped', () => {
  const list = compileCalleeList(
    ['NewThing', 'cloud.google.com/go/storage.NewClient', 'github.com/sendgrid/', '^Dial\\w*$', '([', 42, null, ''],
    true,
  );
  assert.is(listHas(list, 'a/b', 'NewThing'), 'regex');
  assert.is(listHas(list, 'a/b', 'NewThingy'), undefined, 'a plain name matches only itself');
  assert.is(listHas(list, 'cloud.google.com/go/storage', 'NewClient'), 'func');
  assert.is(listHas(list, 'cloud.google.com/go/pubsub', 'NewClient'), undefined);
  assert.is(listHas(list, 'github.com/sendgrid/sendgrid-go', 'NewSendClient'), 'path', 'sub-packages are covered');
  assert.is(listHas(list, 'github.com/sendgridx', 'New'), undefined, 'a path prefix stops at a slash');
  assert.is(listHas(list, 'x', 'DialFoo'), 'regex');
  assert.ok(nameMayBeIn(list, 'NewClient'));
  assert.not.ok(nameMayBeIn(list, 'Open'));
  assert.is(list.regexes.length, 2, 'the invalid regex and the non-strings are dropped');
  assert.equal(compileCalleeList('not a list', true).regexes, []);
});

test('argumentCount: the arguments the parser finds, from the text alone, or -1 when unsure', async () => {
  const calls: [string, number][] = [
    ['g()', 0],
    ['g(a)', 1],
    ['g(a, b)', 2],
    ['g(h(a, b), c)', 2],
    ['g([]int{1, 2}, m[k], T[A, B]{})', 3],
    ['g(func(a, b int) { x(a, b) })', 1],
    ['g("a, b", \'(\', `c)`)', 3],
    ["g(',', ')')", 2],
    ['g(\n\ta,\n\tb,\n)', 2],
    ['g(xs...)', 1],
    ['g(a /* , b */)', -1],
    ['g(a, // why\n\tb)', -1],
    ['g(a, b]', -1],
  ];
  const parser = await parser_();
  for (const [call, want] of calls) {
    const text = `package p\n\nfunc f() {\n\t${call}\n}\n`;
    const open = text.indexOf('(', text.indexOf('g('));
    assert.is(argumentCount(text, open, 4096), want, call);
    if (want < 0) continue;
    const tree = parser.parse(text)!;
    const list = tree.rootNode.descendantForIndex(open)!.parent!;
    assert.is(list.namedChildren.filter((c) => c?.type !== 'comment').length, want, `${call}: the parser agrees`);
    tree.delete();
  }
  assert.is(argumentCount('g(a, b)', 0, 4), -1, 'past the limit');
});

test.run();

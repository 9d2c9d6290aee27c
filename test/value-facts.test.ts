// Facts about values that rules share (src/go/contexts.ts, src/go/derived.ts and carrierOf in
// src/go/facts.ts), on small Go files: which expression is a context.Context, which values
// made from a variable leave the function, and what carries a value through an assertion.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Node } from 'web-tree-sitter';
import { contextKind, isContextArgument } from '../src/go/contexts.js';
import { derivedEscape, plainType } from '../src/go/derived.js';
import { carrierOf, FileFacts } from '../src/go/facts.js';
import { resultHasMethod } from '../src/go/funcs.js';
import { releasedValue } from '../src/go/obligations.js';
import { parser_ } from './helpers.js';

async function parse(text: string) {
  const tree = (await parser_()).parse(text)!;
  const facts = new FileFacts(tree.rootNode, text);
  const fns = tree.rootNode.descendantsOfType(['function_declaration', 'method_declaration']).filter((f): f is Node => f !== null);
  const fn = (name: string) => fns.find((f) => f.childForFieldName('name')?.text === name)!;
  /** The first argument of the call named `callee` inside function `name`. */
  const arg = (name: string, callee: string) =>
    fn(name)
      .descendantsOfType('call_expression')
      .find((c) => c?.childForFieldName('function')?.text === callee)!
      .childForFieldName('arguments')!.namedChild(0)!;
  return { tree, facts, fn, arg };
}

test('contextKind: by declared type, through imports; unknown when the declaration is not in sight', async () => {
  const { tree, facts, arg } = await parse(`package p

import (
	stdctx "context"
	"net/http"
	"testing"
	"time"

	"github.com/urfave/cli"
	xctx "golang.org/x/net/context"
)

func param(ctx stdctx.Context)          { use(ctx) }
func background()                        { c := stdctx.Background(); use(c) }
func todoInline()                        { use(stdctx.TODO()) }
func paired(p stdctx.Context)            { t, cancel := stdctx.WithTimeout(p, time.Second); defer cancel(); use(t); use(cancel) }
func request(r *http.Request)            { use(r.Context()) }
func testing_(t *testing.T)              { use(t.Context()) }
func old()                               { c := xctx.Background(); use(c) }
func cliContext(context *cli.Context)    { use(context) }
func cliField(c *cli.Context)            { use(c.Context) }
func str()                               { s := "ctx"; use(s) }
func other()                             { use(rootCtx) }
func otherCall()                         { use(makeCtx()) }
func mine() (stdctx.Context, error)      { return nil, nil }
func fromMine()                          { c, _ := mine(); use(c) }
`);
  const kinds = (name: string) => contextKind(facts, arg(name, 'use'));
  assert.is(kinds('param'), 'context');
  assert.is(kinds('background'), 'context');
  assert.is(kinds('todoInline'), 'context');
  assert.is(kinds('paired'), 'context', 'the first result of WithTimeout');
  assert.is(kinds('request'), 'context');
  assert.is(kinds('testing_'), 'context');
  assert.is(kinds('old'), 'context', 'golang.org/x/net/context');
  assert.is(kinds('cliContext'), 'other', 'named context, typed *cli.Context');
  assert.is(kinds('cliField'), 'context', "urfave/cli's Context field");
  assert.is(kinds('str'), 'other');
  assert.is(kinds('other'), undefined, 'declared in another file');
  assert.is(kinds('otherCall'), undefined, 'a call whose result type is not in sight');
  assert.is(kinds('fromMine'), 'context', "a same-file function's declared result");
  // An argument: by type where it is known, else by a name that reads like a context.
  const isArg = (name: string) => isContextArgument(facts, arg(name, 'use'));
  assert.equal(['cliContext', 'str', 'other', 'otherCall', 'param'].map(isArg), [false, false, true, false, true]);
  tree.delete();
});

test('resultHasMethod and releasedValue: signs in a file that a constructor needs a release', async () => {
  const { tree, facts, fn } = await parse(`package p

type conn struct{}

func NewConn() (*conn, error)   { return &conn{}, nil }
func (c *conn) Close() error    { return nil }
func NewPlain() (*plain, error) { return nil, nil }

type plain struct{}

func use() {
	a, _ := NewConn()
	defer a.Close()
	b, _ := NewPlain()
	_ = b
}
`);
  assert.ok(resultHasMethod(facts, 'NewConn', ['Close']));
  assert.not.ok(resultHasMethod(facts, 'NewPlain', ['Close']));
  assert.not.ok(resultHasMethod(facts, 'NewConn', ['Stop']));
  const call = (callee: string) => fn('use').descendantsOfType('call_expression').find((c) => c?.childForFieldName('function')?.text === callee)!;
  assert.ok(releasedValue(facts, call('NewConn'), new Set(['Close'])));
  assert.not.ok(releasedValue(facts, call('NewPlain'), new Set(['Close'])));
  tree.delete();
});

test('carrierOf: parentheses, type assertions and conversions hand the value on; calls do not', async () => {
  const { tree, facts, fn } = await parse(`package p

type T struct{}

func f(c any) {
	_ = (c).(*T)
	_ = (*T)(c)
	_ = string(c)
	_ = any(c).(interface{ Close() error })
	_ = wrap(c)
}
`);
  const uses = fn('f')
    .descendantsOfType('identifier')
    .filter((i): i is Node => i !== null && i.text === 'c' && i.parent?.type !== 'parameter_declaration');
  assert.equal(
    uses.map((u) => carrierOf(facts, u).text),
    ['(c).(*T)', '(*T)(c)', 'string(c)', 'any(c).(interface{ Close() error })', 'c'],
  );
  tree.delete();
});

test('plainType: predeclared value types and containers of them only', async () => {
  const { tree, fn } = await parse(`package p

func f() (error, string, []byte, map[string]int, *T, T, []*T, any) { return }
`);
  const types = fn('f').childForFieldName('result')!.namedChildren.map((p) => p!.childForFieldName('type'));
  assert.equal(types.map(plainType), [true, true, true, true, false, false, false, false]);
  tree.delete();
});

test('derivedEscape: handles returned, stored, sent or captured leave; data and errors do not', async () => {
  const { tree, facts, fn } = await parse(`package p

type S struct{ b *Bucket }

func returned(c *Client) *Bucket        { return c.Bucket("b") }
func viaLocal(c *Client) (*Object, error) { o := c.Bucket("b").Object("o"); return o, nil }
func (s *S) stored(c *Client)           { s.b = c.Bucket("b") }
func sent(c *Client, ch chan *Bucket)    { ch <- c.Bucket("b") }
func captured(c *Client)                 { b := c.Bucket("b"); go func() { b.Touch() }() }
func inStruct(c *Client) *S              { s := &S{}; s.b = c.Bucket("b"); return s }
func reader(c *Client) (*Reader, error)  { return c.Bucket("b").Object("o").NewReader(nil) }
func errOnly(c *Client) error            { return c.Bucket("b").Delete(nil) }
func data(c *Client) (int64, error)      { a, err := c.Bucket("b").Attrs(nil); if err != nil { return 0, err }; return a.Size, nil }
func name(c *Client) string              { return c.Bucket("b").Object("o").ObjectName() }
func printed(c *Client)                  { println(c.Bucket("b")) }
func closure(c *Client)                  { get := func() *Bucket { return c.Bucket("b") }; _ = get() }
func self(c *Client) *Client             { return c }
func rows(c *Client) (*RowIterator, error) { return c.Query("q").Read(nil) }
func job(c *Client) (*bigquery.Job, error) { j, err := c.Query("q").Run(nil); return j, err }
func attrs(c *Client) (*Attrs, error)    { a, err := c.Bucket("b").Attrs(nil); return a, err }
func storeAttrs(c *Client, s *S)         { a, _ := c.Bucket("b").Attrs(nil); s.a = a }
`);
  const how = (name: string) => derivedEscape(facts, fn(name), 'c')?.how ?? null;
  assert.is(how('returned'), 'returned');
  assert.is(how('viaLocal'), 'returned');
  assert.is(how('stored'), 'stored', 'a field of the receiver');
  assert.is(how('sent'), 'sent');
  assert.is(how('captured'), 'captured');
  assert.is(how('inStruct'), 'returned', 'a local struct holding the handle is returned');
  assert.is(how('reader'), 'returned', 'NewReader opens a handle even with an error result');
  assert.is(how('errOnly'), null, 'an error result');
  assert.is(how('data'), null, 'data from a call with an error result');
  assert.is(how('name'), null, 'a string');
  assert.is(how('printed'), null);
  assert.is(how('closure'), null, 'a closure that stays in the function');
  assert.is(how('self'), null, 'the variable itself is settle’s business');
  assert.is(how('rows'), 'returned', 'a call with an error result, returned as an iterator');
  assert.is(how('job'), 'returned', 'through a variable, returned as a job');
  assert.is(how('attrs'), null, 'returned as data');
  assert.is(how('storeAttrs'), null, 'data stored in a field');
  tree.delete();
});

test.run();

// The constant-propagation helper on its own: what each shape evaluates to, what stays
// unknown, and where each value comes from.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Node } from 'web-tree-sitter';
import { constantsOf, parseGoNumber } from '../src/go/constants.js';
import { FileFacts } from '../src/go/facts.js';
import { parser_ } from './helpers.js';

const SRC = `package p

import "example.com/other"

const (
	A = iota * 10
	B
	C
)

const big = 32 << 20
const mixed = (big >> 10) + 0x10 - 0o7 + 1_000

var def = 800
var changed = 5
var pointed = 6

func init() {
	changed = 7
	_ = &pointed
}

func use(n int, xs []int) {
	k := 9
	const local = 3 * 4
	grown := 1
	grown++
	sink(A, B, C, big, mixed, def, changed, pointed, n, k, local, grown, len(xs), other.Size, int64(def), -def, ^0, 7/2, 7.0/2)
}

func sink(vals ...int64) {}

func callers() {
	use(100, nil)
	use(def, nil)
	use(len("x"), nil)
}
`;

async function argsOfSink(): Promise<{ values: (e: Node) => number[]; hops: (e: Node) => string[][]; args: Node[] }> {
  const p = await parser_();
  const tree = p.parse(SRC)!;
  const facts = new FileFacts(tree.rootNode, SRC);
  const c = constantsOf(facts);
  const call = tree.rootNode.descendantsOfType('call_expression').find((n) => n?.childForFieldName('function')?.text === 'sink')!;
  const args = call.childForFieldName('arguments')!.namedChildren.filter((n): n is Node => n !== null);
  return {
    args,
    values: (e) => c.values(e).map((v) => v.value),
    hops: (e) => c.values(e).map((v) => v.hops.map((h) => `${h.kind}:${h.name}@${h.node.startPosition.row + 1}`)),
  };
}

test('parseGoNumber reads Go literals', () => {
  assert.is(parseGoNumber('800'), 800);
  assert.is(parseGoNumber('0x1F'), 31);
  assert.is(parseGoNumber('0o17'), 15);
  assert.is(parseGoNumber('017'), 15);
  assert.is(parseGoNumber('0b101'), 5);
  assert.is(parseGoNumber('1_000'), 1000);
  assert.is(parseGoNumber('1e3'), 1000);
  assert.is(parseGoNumber('abc'), undefined);
});

test('constants: literals, consts, iota groups, expressions, defaults, locals, parameters', async () => {
  const { args, values } = await argsOfSink();
  const got = args.map((a) => `${a.text}=${values(a).join('|')}`);
  assert.equal(got, [
    'A=0',
    'B=10', // repeats iota * 10 with iota 1
    'C=20',
    `big=${32 * 2 ** 20}`,
    `mixed=${(32 << 10) + 16 - 7 + 1000}`,
    'def=800', // never reassigned: a default
    'changed=', // reassigned in init
    'pointed=', // address taken
    'n=100|800', // from the calls: 100, def (800); len("x") is unknown
    'k=9',
    'local=12',
    'grown=', // incremented
    'len(xs)=',
    'other.Size=', // another package
    'int64(def)=800',
    '-def=-800',
    '^0=-1',
    '7/2=3', // integer division
    '7.0/2=3.5',
  ]);
});

test('constants: each value says where it comes from', async () => {
  const { args, hops } = await argsOfSink();
  const byText = (t: string) => args.find((a) => a.text === t)!;
  assert.equal(hops(byText('big')), [['const:big@11']]);
  assert.equal(hops(byText('def')), [['package-var:def@14']]);
  assert.equal(hops(byText('n')), [['argument:n@34'], ['argument:n@35', 'package-var:def@14']]);
  assert.equal(hops(byText('k')), [['local:k@24']]);
});



test('constants: a cycle of consts is unknown, not a hang', async () => {
  const src = 'package p\n\nconst a = b\nconst b = a\n\nvar x = a\n';
  const p = await parser_();
  const tree = p.parse(src)!;
  const facts = new FileFacts(tree.rootNode, src);
  const spec = tree.rootNode.descendantsOfType('var_spec')[0]!;
  assert.equal(constantsOf(facts).values(spec.childForFieldName('value')!.namedChild(0)!), []);
  tree.delete();
});
test.run();

// The channel facts the three channel rules share: what a function's channels are, what
// happens to them and in which goroutine, and that one file computes them once.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { channelFacts } from '../src/go/channels.js';
import { FileFacts } from '../src/go/facts.js';
import { parser_ } from './helpers.js';

const SRC = `package p

import "time"

const n = 3

func f(items []int) {
	a := make(chan int)
	b := make(chan int, n+1)
	c := make(chan int, len(items))
	for range items {
		go func() { a <- 1 }()
	}
	go worker(b)
	select {
	case <-a:
	case <-time.After(time.Second):
	}
	close(b)
	_ = c
	keep(c)
}

func worker(in chan int) {
	for v := range in {
		_ = v
	}
}

func keep(chan int) {}
`;

async function facts() {
  const p = await parser_();
  const tree = p.parse(SRC)!;
  const ff = new FileFacts(tree.rootNode, SRC);
  const fn = tree.rootNode.namedChildren.find((d) => d?.childForFieldName('name')?.text === 'f')!;
  return { tree, ff, fn };
}

test('channels: capacity, ops, goroutines and escapes of one function', async () => {
  const { tree, ff, fn } = await facts();
  try {
    const f = channelFacts(ff).of(fn);
    assert.ok(f.hasGo);
    const by = Object.fromEntries(f.channels.map((c) => [c.name, c]));
    assert.equal(Object.keys(by).sort(), ['a', 'b', 'c']);
    assert.equal(by.a!.capacity, { kind: 'unbuffered' });
    assert.equal(by.b!.capacity, { kind: 'constant', n: 4 });
    assert.equal(by.c!.capacity, { kind: 'unknown' });
    // a: a send in a goroutine started in a loop, a receive that is a select case
    const a = by.a!.ops.map((o) => [o.kind, o.unit.kind, o.unit.inLoop, o.select !== null]);
    assert.equal(a, [
      ['send', 'go', true, false],
      ['recv', 'main', false, true],
    ]);
    // b: followed into worker (started with go): its range runs in that goroutine
    assert.equal(
      by.b!.ops.map((o) => [o.kind, o.unit.kind, o.unit.node.type]),
      [
        ['range', 'go', 'go_statement'],
        ['close', 'main', 'function_declaration'],
      ],
    );
    assert.is(by.b!.escapes, null);
    // c: passed to keep, whose parameter has no name to follow
    assert.ok(by.c!.escapes);
  } finally {
    tree.delete();
  }
});

test('channels: one instance per file, one analysis per function', async () => {
  const { tree, ff, fn } = await facts();
  try {
    assert.is(channelFacts(ff), channelFacts(ff));
    assert.is(channelFacts(ff).of(fn), channelFacts(ff).of(fn));
  } finally {
    tree.delete();
  }
});

test.run();

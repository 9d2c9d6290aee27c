// The control-flow fact on its own: which exit a path from a statement reaches without a
// given use, and whether a function can return at all.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Node } from 'web-tree-sitter';
import { FileFacts } from '../src/go/facts.js';
import { exitAvoiding, mayReturn } from '../src/go/flow.js';
import { parser_ } from './helpers.js';

async function parse(src: string): Promise<{ facts: FileFacts; fn: (name: string) => Node }> {
  const tree = (await parser_()).parse(src)!;
  const facts = new FileFacts(tree.rootNode, src);
  const fn = (name: string) => tree.rootNode.descendantsOfType('function_declaration').find((f) => f?.childForFieldName('name')?.text === name)!;
  return { facts, fn };
}

/** The exit's line reached from the statement on `line` of `name` without a node mentioning `word`. */
async function exitLine(src: string, name: string, line: number, word: string): Promise<number | null> {
  const { facts, fn } = await parse(src);
  const f = fn(name);
  const start = f.descendantsOfType(['short_var_declaration', 'expression_statement']).find((s) => s!.startPosition.row + 1 === line)!;
  const exit = exitAvoiding(facts, f, start, (n) => new RegExp(`\\b${word}\\b`).test(n.text));
  return exit ? exit.startPosition.row + 1 : null;
}

const SRC = `package p

func a(x int) int {
	v := 1
	if x > 0 {
		return 0
	}
	use(v)
	return 1
}

func b(xs []int) {
	v := 1
	for _, x := range xs {
		if x < 0 {
			continue
		}
		use(v)
	}
}

func c(x int) {
	v := 1
	switch x {
	case 1:
		use(v)
	default:
		panic("no")
	}
}

func d(ch chan int) {
	for {
		select {
		case <-ch:
		}
	}
}

func e(x int) {
	for {
		if x > 0 {
			break
		}
	}
}

func f(next func() bool, tick <-chan int) {
	for ; true; <-tick {
		if !next() {
			panic("done")
		}
	}
}

func g(next func() bool) {
	for true {
		if !next() {
			return
		}
	}
}

func use(int) {}
`;

test('the earliest return reached without the use', async () => {
  assert.is(await exitLine(SRC, 'a', 4, 'use'), 6);
});

test('a continue goes round the loop and out to the end of the body', async () => {
  assert.is(await exitLine(SRC, 'b', 13, 'use'), 20);
});

test('a path ending in panic needs nothing; every other path uses', async () => {
  assert.is(await exitLine(SRC, 'c', 23, 'use'), null);
});

test('a function with an endless loop and no break never returns; a break makes it return', async () => {
  const { facts, fn } = await parse(SRC);
  assert.not.ok(mayReturn(facts, fn('d')));
  assert.ok(mayReturn(facts, fn('e')));
  assert.ok(mayReturn(facts, fn('a')));
});

test('a loop whose condition is the constant true is endless too: only a return leaves it', async () => {
  const { facts, fn } = await parse(SRC);
  assert.not.ok(mayReturn(facts, fn('f')));
  assert.ok(mayReturn(facts, fn('g')));
});

test.run();

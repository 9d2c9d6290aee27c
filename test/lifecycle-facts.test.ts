// The facts behind the lifecycle rules, on their own: how bounded a loop is
// (src/go/loops.ts) and what a reader decompresses and from where (src/go/decompress.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Node } from 'web-tree-sitter';
import { decompressedSource } from '../src/go/decompress.js';
import { FileFacts } from '../src/go/facts.js';
import { unboundedLoop } from '../src/go/loops.js';
import { parser_ } from './helpers.js';

async function parse(src: string): Promise<{ facts: FileFacts; root: Node }> {
  const tree = (await parser_()).parse(src)!;
  return { facts: new FileFacts(tree.rootNode, src), root: tree.rootNode };
}

test('loops: endless, a stream, an iterator, or bounded as far as syntax can tell', async () => {
  const { facts, root } = await parse(`package p

func f(ch chan int, names []string, rows interface{ Next() bool }, tr interface{ Next() (int, error) }) {
	for {
		g()
	}
	for {
		if h() {
			break
		}
	}
	for v := range ch {
		_ = v
	}
	for rows.Next() {
	}
	for {
		n, err := tr.Next()
		if err != nil {
			return
		}
		_ = n
	}
	for _, n := range names {
		_ = n
	}
}
`);
  const loops = root.descendantsOfType('for_statement').filter((l): l is Node => l !== null && l.parent?.parent?.parent?.type === 'function_declaration');
  assert.equal(
    loops.map((l) => unboundedLoop(facts, l) ?? 'bounded'),
    ['endless', 'bounded', 'stream', 'iterator', 'iterator', 'bounded'],
  );
});

test('decompress: the format, the HTTP body behind it, and limits on the output only', async () => {
  const src = `package p

import (
	"compress/gzip"
	"io"
	"net/http"
	"os"
)

func f(r *http.Request, f *os.File) {
	zr, _ := gzip.NewReader(io.LimitReader(r.Body, 1<<20))
	io.ReadAll(zr)
	io.ReadAll(io.LimitReader(zr, 1<<20))
	fz, _ := gzip.NewReader(f)
	io.ReadAll(fz)
	io.ReadAll(f)
}
`;
  const { facts, root } = await parse(src);
  const reads = root.descendantsOfType('call_expression').filter((c): c is Node => c !== null && c.text.startsWith('io.ReadAll('));
  const arg = (c: Node) => c.childForFieldName('arguments')!.namedChild(0)!;
  const got = reads.map((c) => {
    const s = decompressedSource(facts, arg(c));
    return s === undefined ? 'none' : s === 'bounded' ? 'bounded' : `${s.format}${s.body ? ' from ' + s.body.text : ''}`;
  });
  assert.equal(got, ['gzip from r.Body', 'bounded', 'gzip', 'none']);
});

test.run();

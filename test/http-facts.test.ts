// The HTTP facts unbounded-read decides on, tested on their own: where a response's URL
// comes from, which requests a server received, and how a read buffer was sized or kept.
import type { Node } from 'web-tree-sitter';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bufferRetention, presizedBuffer } from '../src/go/buffers.js';
import { unboundedBody } from '../src/go/bodies.js';
import { FileFacts } from '../src/go/facts.js';
import { incomingRequest, responseSource } from '../src/go/http.js';
import { parser_ } from './helpers.js';

const SRC = `package p

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
)

var pool sync.Pool

type client struct{ base string }

func handler(w http.ResponseWriter, r *http.Request) {
	a, _ := http.Get(r.URL.Query().Get("u"))
	target := r.FormValue("u")
	req, _ := http.NewRequestWithContext(r.Context(), "GET", target, nil)
	b, _ := http.DefaultClient.Do(req)
	c, _ := http.Get("http://backend:8080" + r.URL.Path)
	d, _ := http.Get(fmt.Sprintf("http://%s/x", r.Host))
	_, _, _, _ = a, b, c, d
}

func (cl *client) get(ctx context.Context, id string) {
	e, _ := http.Get(cl.base + "/items/" + id)
	f, _ := http.Get("https://api.example.com/items/" + id)
	g, _ := http.Get(id)
	_, _, _ = e, f, g
}

func outgoing(req *http.Request) {}

func buffers(resp *http.Response) []byte {
	p := bytes.NewBuffer(make([]byte, 0, resp.ContentLength))
	q := pool.Get().(*bytes.Buffer)
	var s bytes.Buffer
	io.Copy(&s, resp.Body)
	return s.Bytes()
}
`;

async function facts() {
  const tree = (await parser_()).parse(SRC)!;
  return new FileFacts(tree.rootNode, SRC);
}

/** The identifier spelled `name` where it is used last in the source (a read, not the declaration). */
function lastUse(f: FileFacts, name: string, before = SRC.length): Node {
  let found: Node | undefined;
  for (const m of SRC.slice(0, before).matchAll(new RegExp(`\\b${name}\\b`, 'g'))) {
    const n = f.root.descendantForIndex(m.index!, m.index! + name.length);
    if (n?.type === 'identifier' && n.text === name) found = n;
  }
  if (!found) throw new Error(`no identifier ${name}`);
  return found;
}

test('a response URL: from the request, from input, or fixed (a written host leaves only the path)', async () => {
  const f = await facts();
  const end = SRC.indexOf('func (cl *client)');
  const origin = (name: string, before?: number) => responseSource(f, lastUse(f, name, before)).origin;
  assert.equal(
    ['a', 'b', 'c', 'd'].map((n) => origin(n, end)),
    ['request', 'request', 'fixed', 'request'],
  );
  assert.equal(
    ['e', 'f', 'g'].map((n) => origin(n)),
    ['input', 'fixed', 'input'],
  );
});

test('a request is incoming when the function also takes the ResponseWriter', async () => {
  const f = await facts();
  assert.is(incomingRequest(f, lastUse(f, 'r', SRC.indexOf('func (cl'))), true);
  assert.is(incomingRequest(f, lastUse(f, 'req', SRC.indexOf('func buffers'))), false);
});

test('buffers: pre-sized from ContentLength, pooled, and kept only when they outlive the call', async () => {
  const f = await facts();
  assert.is(presizedBuffer(f, lastUse(f, 'p'))?.text, 'resp.ContentLength');
  assert.is(presizedBuffer(f, lastUse(f, 's')), undefined);
  assert.is(bufferRetention(f, lastUse(f, 'q'), 'bytes.Buffer'), 'pooled');
  // s.Bytes() is returned: the caller's business, not kept here
  assert.is(bufferRetention(f, lastUse(f, 's'), 'bytes.Buffer'), undefined);
  const copy = lastUse(f, 's', SRC.indexOf('return s.Bytes()')).parent!.parent!.parent!;
  assert.is(copy.type, 'call_expression');
  const reader = copy.childForFieldName('arguments')!.namedChild(1)!;
  assert.is(unboundedBody(f, reader, copy, () => false)?.body.text, 'resp.Body');
});

test.run();

// What the fixtures cannot show: the related locations of the memory rules and the
// option that turns _test.go files on.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import pool from '../rules/oversized-reflect-pool.js';
import read from '../rules/unbounded-read.js';
import { runRule } from './helpers.js';

const POOL = `package tango

import "reflect"

const defaultSize = 800

func newPool(size int, tp reflect.Type) reflect.Value {
	return reflect.MakeSlice(reflect.SliceOf(tp), size, size)
}

func route(tp reflect.Type) reflect.Value {
	return newPool(defaultSize, tp)
}
`;

test('oversized-reflect-pool points at the call passing the size and at the const', async () => {
  const r = await runRule(pool, POOL);
  assert.is(r.diagnostics.length, 1);
  const d = r.diagnostics[0]!;
  assert.is(d.span.start.line, 8);
  assert.equal(
    d.related?.map((x) => `${x.span.start.line}:${x.span.start.column} ${x.message}`),
    ['12:17 newPool passes 800 as size here', '5:7 const defaultSize is 800'],
  );
});

test('oversized-reflect-pool: a threshold above the size silences it', async () => {
  const r = await runRule(pool, POOL, { threshold: 801 });
  assert.equal(r.diagnostics, []);
});

const GZ = `package p

import (
	"compress/gzip"
	"io"
	"net/http"
)

func get(resp *http.Response) []byte {
	zr, _ := gzip.NewReader(resp.Body)
	b, _ := io.ReadAll(zr)
	return b
}
`;

test('unbounded-read points at where the body reaches the reader', async () => {
  const r = await runRule(read, GZ, { fixedEndpoints: true });
  assert.equal(
    r.diagnostics.map((d) => [d.span.start.line, d.related?.map((x) => `${x.span.start.line} ${x.message}`)]),
    [[11, ['10 resp.Body reaches zr here, with no limit']]],
  );
});

test('unbounded-read skips _test.go files unless the tests option is on', async () => {
  assert.equal((await runRule(read, GZ, { fixedEndpoints: true }, 'get_test.go')).diagnostics, []);
  assert.is((await runRule(read, GZ, { fixedEndpoints: true, tests: true }, 'get_test.go')).diagnostics.length, 1);
});

test.run();

// primaryLocationLineHash must equal GitHub's value for every vector, or alerts stop matching.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lineHashes } from '../src/report/fingerprint.js';
import { packageRoot } from './helpers.js';

interface Vector {
  name: string;
  text: string;
  primaryLocationLineHash: Record<string, string>;
}

const vectors = JSON.parse(readFileSync(join(packageRoot, 'test', 'sarif', 'fingerprint-vectors.json'), 'utf8')) as Vector[];

test('there are vectors to check', () => {
  assert.ok(vectors.length >= 5);
});

for (const v of vectors) {
  test(`fingerprint vectors: ${v.name}`, () => {
    const got = lineHashes(v.text);
    const want = v.primaryLocationLineHash;
    assert.equal(Object.keys(want).length, got.length, 'one hash per line');
    for (const [line, hash] of Object.entries(want)) assert.is(got[Number(line) - 1], hash, `line ${line}`);
  });
}

test('moving a block of lines keeps each line its hash', () => {
  const body = 'func f() {\n\tt := time.NewTicker(d)\n\t_ = t\n}\n';
  const a = lineHashes(`package p\n\n${body}`);
  const b = lineHashes(`package p\n\n// a comment\n\n${body}`);
  assert.is(a[3], b[5]);
});

test.run();

#!/usr/bin/env node
// The parse-only floor: read, decode and parse every file in a list (one path per line on
// stdin or in the file named by the first argument), free each tree, nothing else. Single
// thread. Prints one JSON line: { files, bytes, ms }.
import { readFileSync } from 'node:fs';
import { getParser } from '../dist/src/engine/parser.js';

const list = readFileSync(process.argv[2] ?? 0, 'utf8').split('\n').filter(Boolean);
const parser = await getParser();
const t0 = performance.now();
let bytes = 0;
for (const f of list) {
  const text = readFileSync(f, 'utf8');
  bytes += text.length;
  const tree = parser.parse(text);
  tree?.delete();
}
const ms = performance.now() - t0;
process.stdout.write(JSON.stringify({ files: list.length, bytes, ms: Math.round(ms) }) + '\n');

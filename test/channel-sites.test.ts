// goroutine-blocked-send reports a send once, however many goroutine starts reach it (one
// per test that runs a shared helper, on real projects up to 18), with the starts as
// related locations.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import rule from '../rules/goroutine-blocked-send.js';
import { fixturesDir, runRule } from './helpers.js';

test('goroutine-blocked-send: one finding per site, each goroutine start a related location', async () => {
  const text = readFileSync(join(fixturesDir, 'goroutine-blocked-send', 'sites.go'), 'utf8');
  const res = await runRule(rule, text, {}, 'sites.go');
  assert.is(res.diagnostics.length, 1);
  const d = res.diagnostics[0]!;
  assert.is(d.span.start.line, 8);
  const lines = text.split('\n');
  const starts = (d.related ?? []).filter((r) => /started here/.test(r.message)).map((r) => lines[r.span.start.line - 1]!.trim());
  assert.equal(starts, ['go resolve("a", out)', 'go resolve("b", out)', 'go resolve("c", out)']);
});

test('goroutine-blocked-send: a goroutine literal is its own start (no related start)', async () => {
  const text = readFileSync(join(fixturesDir, 'goroutine-blocked-send', 'timeout.go'), 'utf8');
  const res = await runRule(rule, text, {}, 'timeout.go');
  assert.ok(res.diagnostics.length > 0);
  for (const d of res.diagnostics) assert.not.ok((d.related ?? []).some((r) => /started here/.test(r.message)), d.message);
});

test.run();

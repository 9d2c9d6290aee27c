// unclosed-client beyond the fixtures: related locations, and options of the wrong types.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import rule from '../rules/unclosed-client.js';
import { fixturesDir, runRule } from './helpers.js';

const fixture = (f: string) => readFileSync(join(fixturesDir, 'unclosed-client', f), 'utf8');

test('a re-assignment points at the line that replaces the client', async () => {
  const r = await runRule(rule, fixture('discarded_reassigned.go'));
  const d = r.diagnostics.find((x) => /is replaced on line/.test(x.message))!;
  assert.is(d.span.start.line, 20);
  assert.equal(d.related?.map((x) => [x.span.start.line, x.message]), [[24, 'client is replaced here']]);
  assert.is(d.suggestions?.[0]?.edits[0]?.text, '\tdefer client.Close()\n');
});

test('a client from a helper points at the constructor inside the helper', async () => {
  const r = await runRule(rule, fixture('helpers.go'));
  const d = r.diagnostics.find((x) => x.message.startsWith('client pc from createClients'))!;
  assert.ok(d, 'reported');
  assert.equal(
    d.related?.map((x) => [x.span.start.line, x.message]),
    [[18, 'the client is made here by pubsub.NewClient']],
  );
});

test('the span is the variable at its declaration, or the call when discarded', async () => {
  const r = await runRule(rule, fixture('discarded_reassigned.go'));
  const discarded = r.diagnostics.find((x) => x.span.start.line === 14)!;
  assert.equal([discarded.span.start.column, discarded.span.end.column], [2, 24], 'storage.NewClient(ctx)');
  const declared = r.diagnostics.find((x) => x.span.start.line === 20)!;
  assert.equal([declared.span.start.column, declared.span.end.column], [2, 8], 'client');
});

test('options of the wrong types never throw; the built-in shape still applies', async () => {
  const src = fixture('secretmanager.go');
  const good = await runRule(rule, src);
  for (const options of [
    { constructors: 'NewClient', releaseMethods: 5, noClose: null },
    { constructors: [1, '(', {}], releaseMethods: [null, 'Close()'], noClose: [[]] },
  ]) {
    const r = await runRule(rule, src, options);
    assert.equal(r.notices, []);
    assert.equal(r.diagnostics.map((d) => d.message), good.diagnostics.map((d) => d.message));
  }
});

test('releaseMethods adds to Close, which always counts', async () => {
  const src = fixture('leave_alone.go');
  const r = await runRule(rule, src, { releaseMethods: ['Finish'] });
  // Without Stop in the list the pubsublite publisher is reported; Close still counts elsewhere.
  assert.equal(
    r.diagnostics.map((d) => d.message.replace(/ \(.*/, '')),
    ['client publisher from pscompat.NewPublisherClient is never closed'],
  );
  assert.match(r.diagnostics[0]!.message, /defer publisher\.Stop\(\)/, 'the fix still calls Stop for pubsublite');
});

test.run();

// Rule metadata is data the docs, the README and SARIF are generated from: check it, and
// run each rule's documented bad and good examples.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { allRules } from '../rules/index.js';
import { hasTrigger } from '../src/engine/types.js';
import { fixturesDir, packageRoot, runRule } from './helpers.js';

/** The Go version a rule's examples are written for (none: the newest). */
const goOf = (meta: { docs: { goVersion?: string } }) => (meta.docs.goVersion ? { go: meta.docs.goVersion } : {});

test('every rule file is listed in the index, and nothing else', () => {
  const files = readdirSync(join(packageRoot, 'rules'))
    .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
    .map((f) => f.slice(0, -3))
    .sort();
  assert.equal(allRules.map((r) => r.meta.id).sort(), files);
});

test('rule ids are unique', () => {
  const ids = allRules.map((r) => r.meta.id);
  assert.equal(new Set(ids).size, ids.length);
});

for (const rule of allRules) {
  const { meta } = rule;
  test(`${meta.id}: id, file name and fixture folder agree`, () => {
    assert.match(meta.id, /^[a-z]+(-[a-z]+)*$/);
    assert.ok(existsSync(join(packageRoot, 'rules', `${meta.id}.ts`)), 'rules/<id>.ts');
    const dir = join(fixturesDir, meta.id);
    assert.ok(existsSync(dir), `test/fixtures/${meta.id}/ exists`);
    assert.ok(readdirSync(dir).some((f) => f.endsWith('.go')), 'has .go fixtures');
  });

  test(`${meta.id}: title and messages follow the style`, () => {
    assert.match(meta.title, /^[A-Z][^.]*[^.\s]$/, 'title: sentence case, no trailing period');
    assert.ok(meta.title.length <= 80, 'title ≤ 80 chars');
    for (const [id, msg] of Object.entries(meta.messages as Record<string, string>)) {
      assert.match(msg, /^[a-z{]/, `message ${id}: lowercase start (go vet style)`);
      assert.not.match(msg, /\.\s*$/, `message ${id}: no trailing period`);
    }
    for (const part of ['whatItDoes', 'whyIsThisBad', 'example', 'useInstead'] as const) {
      assert.ok(meta.docs[part].trim().length > 0, `docs.${part} is written`);
    }
    assert.ok(meta.triggers.length > 0, 'declares prefilter triggers');
  });

  test(`${meta.id}: the documented example is flagged, with every placeholder filled`, async () => {
    const r = await runRule(rule, meta.docs.example, {}, 'test.go', goOf(meta));
    assert.ok(r.diagnostics.length > 0, 'bad example flagged');
    assert.equal(r.notices, [], 'bad example parses cleanly');
    for (const d of r.diagnostics) {
      assert.equal(d.ruleId, meta.id);
      assert.not.match(d.message, /\{\{|\}\}/, `placeholder left in: ${d.message}`);
      for (const rel of d.related ?? []) assert.not.match(rel.message, /\{\{|\}\}/);
    }
  });

  test(`${meta.id}: suggestions are offered exactly when the rule says it is fixable`, async () => {
    const r = await runRule(rule, meta.docs.example, {}, 'test.go', goOf(meta));
    const suggested = r.diagnostics.some((d) => (d.suggestions?.length ?? 0) > 0);
    assert.is(suggested, meta.fixable === true, meta.fixable ? 'fixable rule offers a fix on its example' : 'rule not marked fixable offers fixes');
  });

  test(`${meta.id}: the documented fix is not flagged`, async () => {
    const r = await runRule(rule, meta.docs.useInstead, {}, 'test.go', goOf(meta));
    assert.equal(r.diagnostics.map((d) => d.message), [], 'good example silent');
    assert.equal(r.notices, [], 'good example parses cleanly');
  });

  test(`${meta.id}: the prefilter triggers cover the example`, () => {
    assert.ok(meta.triggers.some((t) => hasTrigger(meta.docs.example, t)), 'a trigger appears in the bad example');
  });
}

test.run();

// The unclosed-body and unclosed-resource fixes, byte for byte: each
// test/fixtures/<rule>-fix/<name>.go with its suggestions applied must equal <name>.golden,
// a second pass must change nothing, and the findings the fix cannot cover (a value that
// leaves on another path, one made in a loop or replaced, a transaction) keep no edit.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import unclosedBody from '../rules/unclosed-body.js';
import unclosedResource from '../rules/unclosed-resource.js';
import type { AnyRule } from '../src/engine/types.js';
import { applyEdits, fixEdits } from '../src/cli/fix.js';
import { fixturesDir, runRule } from './helpers.js';

async function fixOnce(rule: AnyRule, text: string): Promise<string> {
  const r = await runRule(rule, text);
  assert.equal(r.notices, [], 'parses cleanly');
  return applyEdits(text, fixEdits(r.diagnostics)).text;
}

for (const rule of [unclosedBody, unclosedResource] as AnyRule[]) {
  const id = rule.meta.id;
  const dir = join(fixturesDir, `${id}-fix`);
  const inputs = readdirSync(dir).filter((f) => f.endsWith('.go')).sort();

  test(`${id} fix: there are golden fixtures`, () => {
    assert.ok(inputs.length >= 2);
    for (const f of inputs) assert.ok(readdirSync(dir).includes(f.replace(/\.go$/, '.golden')), `${f} has a .golden`);
  });

  for (const f of inputs) {
    const input = readFileSync(join(dir, f), 'utf8');
    const golden = readFileSync(join(dir, f.replace(/\.go$/, '.golden')), 'utf8');
    test(`${id} fix: ${f} → golden, and a second pass changes nothing`, async () => {
      const once = await fixOnce(rule, input);
      assert.equal(once, golden);
      assert.equal(await fixOnce(rule, once), once, 'idempotent');
    });
  }

  test(`${id} fix: the unfixable findings are reported, with no edit`, async () => {
    const r = await runRule(rule, readFileSync(join(dir, 'unfixable.go'), 'utf8'));
    assert.ok(r.diagnostics.length >= 2, 'reported');
    assert.equal(r.diagnostics.flatMap((d) => d.suggestions ?? []), []);
  });

  test(`${id} fix: the fix of the documented example is the documented fix`, async () => {
    assert.equal(await fixOnce(rule, rule.meta.docs.example), rule.meta.docs.useInstead);
  });
}

test.run();

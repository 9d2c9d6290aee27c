// Every rule over its fixture folder: each `// want` line must be reported (Missing), and
// every other line must stay silent (Noisy).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { allRules } from '../rules/index.js';
import { compareWants, fixturesDir, parseFixtureOptions, parseWants, runRule } from './helpers.js';

for (const rule of allRules) {
  const dir = join(fixturesDir, rule.meta.id);
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.go')).sort();
  } catch {
    // the meta test reports a missing fixture folder
  }
  for (const f of files) {
    test(`${rule.meta.id}: fixtures/${f}`, async () => {
      const text = readFileSync(join(dir, f), 'utf8');
      const result = await runRule(rule, text, parseFixtureOptions(text), f);
      const { missing, noisy } = compareWants(result, parseWants(text));
      const notices = result.notices.map((n) => `notice: ${n.kind} ${n.message} at ${n.line}`);
      assert.equal([...missing.map((m) => 'Missing ' + m), ...noisy.map((n) => 'Noisy ' + n), ...notices], []);
    });
  }
}

test.run();

// Every rule over its fixture folder: each `// want` line must be reported (Missing), and
// every other line must stay silent (Noisy). A sub-folder is one Go package: each of its
// files is analysed with the others as its package (read from disk, as a scan would).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { allRules } from '../rules/index.js';
import { Packages } from '../src/engine/packages.js';
import { compareWants, fixturesDir, parseFixtureOptions, parseWants, runRule } from './helpers.js';

function entries(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return []; // the meta test reports a missing fixture folder
  }
}

for (const rule of allRules) {
  const dir = join(fixturesDir, rule.meta.id);
  for (const name of entries(dir)) {
    const isPackage = statSync(join(dir, name)).isDirectory();
    const files = isPackage ? entries(join(dir, name)).filter((f) => f.endsWith('.go')).map((f) => join(name, f)) : name.endsWith('.go') ? [name] : [];
    for (const f of files) {
      test(`${rule.meta.id}: fixtures/${f}`, async () => {
        const path = join(dir, f);
        const text = readFileSync(path, 'utf8');
        const result = await runRule(rule, text, parseFixtureOptions(text), isPackage ? path : f, isPackage ? new Packages() : undefined);
        const { missing, noisy } = compareWants(result, parseWants(text));
        const notices = result.notices.map((n) => `notice: ${n.kind} ${n.message} at ${n.line}`);
        assert.equal([...missing.map((m) => 'Missing ' + m), ...noisy.map((n) => 'Noisy ' + n), ...notices], []);
      });
    }
  }
}

test.run();

// Generated documentation must match the rule metadata (run `npm run docs` to refresh).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { allRules } from '../rules/index.js';
import { rulePage, withRuleTable } from '../src/report/docs.js';
import { packageRoot } from './helpers.js';

test('README rule table is generated from the rule metadata', () => {
  const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8');
  assert.is(readme, withRuleTable(readme, allRules), 'README.md is stale: run npm run docs');
  for (const r of allRules) assert.ok(readme.includes(`\`${r.meta.id}\``), r.meta.id);
});

test('docs/rules has one generated page per rule, and no others', () => {
  const dir = join(packageRoot, 'docs', 'rules');
  const pages = readdirSync(dir).filter((f) => f.endsWith('.md')).sort();
  assert.equal(pages, allRules.map((r) => `${r.meta.id}.md`).sort());
  for (const r of allRules) {
    assert.is(readFileSync(join(dir, `${r.meta.id}.md`), 'utf8'), rulePage(r), `docs/rules/${r.meta.id}.md is stale: run npm run docs`);
  }
});

test('README commands exist in package.json', () => {
  const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8');
  const pkg = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  for (const m of readme.matchAll(/npm run (\w+)/g)) assert.ok(pkg.scripts[m[1]!], `npm run ${m[1]} is a script`);
  assert.match(readme, /npm ci && npm run scan/);
  assert.match(readme, /npm ci && npm test/);
});

test.run();

// Every rule over its fixture folder: each `// want` line must be reported (Missing), and
// every other line must stay silent (Noisy). Subfolders are fixtures too; a go.mod in a
// subfolder sets the Go version for the files under it, as it would for a user (the
// lookup stops at the rule's folder, so nothing outside the fixtures decides). The files of
// a subfolder are one Go package: each is analysed with the others as its package (read
// from disk, as a scan would); a file directly in the rule's folder is a package of its own.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { allRules } from '../rules/index.js';
import { Packages } from '../src/engine/packages.js';
import { ModuleVersions } from '../src/go/gomod.js';
import { compareWants, fixturesDir, parseFixtureOptions, parseWants, runRule } from './helpers.js';

/** The .go files under `dir`, recursively, sorted. */
function goFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...goFiles(join(dir, e.name)));
    else if (e.name.endsWith('.go')) out.push(join(dir, e.name));
  }
  return out.sort();
}

for (const rule of allRules) {
  const dir = join(fixturesDir, rule.meta.id);
  let files: string[] = [];
  try {
    files = goFiles(dir);
  } catch {
    // the meta test reports a missing fixture folder
  }
  const modules = new ModuleVersions({ stopAt: dir });
  for (const path of files) {
    const f = relative(dir, path);
    test(`${rule.meta.id}: fixtures/${f}`, async () => {
      const text = readFileSync(path, 'utf8');
      const inPackage = f.includes('/');
      const packages = inPackage ? new Packages() : undefined;
      const result = await runRule(rule, text, parseFixtureOptions(text), inPackage ? path : f, modules.forFile(path), packages);
      packages?.dispose();
      const { missing, noisy } = compareWants(result, parseWants(text));
      const notices = result.notices.map((n) => `notice: ${n.kind} ${n.message} at ${n.line}`);
      assert.equal([...missing.map((m) => 'Missing ' + m), ...noisy.map((n) => 'Noisy ' + n), ...notices], []);
    });
  }
}

test.run();

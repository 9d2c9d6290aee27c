// The language server keeps a package's summaries from one keystroke to the next
// (Package.carryOver through src/lsp/overlay.ts). Whatever is edited, every file's findings
// must be those of a package read afresh: each multi-file fixture package is edited file by
// file (a release removed, lines moved, the text put back) and every file compared.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { allRules } from '../rules/index.js';
import { activeRules, defaultRuleSettings } from '../src/cli/config.js';
import { scanBuffer } from '../src/engine/scan.js';
import { EditorPackages } from '../src/lsp/overlay.js';
import { fixturesDir, packageRoot, parser_ } from './helpers.js';

const rules = activeRules({ rules: defaultRuleSettings(allRules) }, allRules);

/** Fixture folders with more than one Go file: packages whose files consult each other. */
function packages(): string[] {
  const out: string[] = [];
  for (const rule of readdirSync(fixturesDir)) {
    for (const sub of readdirSync(join(fixturesDir, rule))) {
      const dir = join(fixturesDir, rule, sub);
      if (statSync(dir).isDirectory() && readdirSync(dir).filter((f) => f.endsWith('.go')).length > 1) out.push(dir);
    }
  }
  return out;
}

const MUTATIONS: [string, (text: string) => string][] = [
  ['releases removed', (t) => t.split('\n').filter((l) => !/\.(Close|Stop|Unlock|Done)\(\)|close\(/.test(l)).join('\n')],
  ['lines moved down', (t) => t.replace(/^(package \w+\n)/m, '$1\n\n')],
  ['put back', (t) => t],
];

const carry = suite('editor packages');

carry('every file of every multi-file fixture package: warm from the last keystroke = read afresh', async () => {
  const parser = await parser_();
  const dirs = packages();
  assert.ok(dirs.length >= 5, `multi-file fixture packages: ${dirs.length}`);
  let compared = 0;
  for (const dir of dirs) {
    const names = readdirSync(dir).filter((f) => f.endsWith('.go')).sort();
    const original = new Map(names.map((n) => [join(dir, n), readFileSync(join(dir, n), 'utf8')]));
    const buffers = new Map(original);
    const warm = EditorPackages.create();
    const scanAll = (pkgs: () => EditorPackages) =>
      [...buffers].map(([path, text]) => JSON.stringify(scanBuffer(parser, path, Buffer.from(text), { rules, skipGenerated: true }, {}, {}, pkgs().withBuffers(buffers)).diagnostics));
    scanAll(() => warm);
    for (const edited of names) {
      for (const [what, mutate] of MUTATIONS) {
        const path = join(dir, edited);
        buffers.set(path, mutate(original.get(path)!));
        const got = scanAll(() => warm);
        const want = scanAll(() => EditorPackages.create());
        assert.equal(got, want, `${dir.slice(packageRoot.length + 1)}: ${edited}, ${what}`);
        compared += got.length;
      }
    }
  }
  assert.ok(compared > 50, `${compared} file results compared`);
});

carry('an edit keeps the summaries of the files it did not touch, and drops those that read the edited file', async () => {
  const dir = join(fixturesDir, 'unclosed-client', 'pkghelpers');
  const main = join(dir, 'main.go');
  const clients = join(dir, 'clients.go');
  const texts = new Map([main, clients, join(dir, 'closers.go')].map((p) => [p, readFileSync(p, 'utf8')]));
  const parser = await parser_();
  const ep = EditorPackages.create();
  scanBuffer(parser, main, Buffer.from(texts.get(main)!), { rules, skipGenerated: true }, {}, {}, ep.withBuffers(texts));
  const before = ep.packageOf(main, texts.get(main)!); // carried over from the scan: nothing changed
  const memos = (p: typeof before) => [...p.summaries.values()].reduce((n, m) => n + m.size, 0);
  const all = memos(before);
  assert.ok(all > 0, 'the scan summarized functions of the package');
  texts.set(clients, texts.get(clients)! + '\nfunc added() {}\n');
  const after = ep.withBuffers(texts).packageOf(main, texts.get(main)!);
  const kept = memos(after);
  assert.ok(kept > 0 && kept < all, `kept ${kept} of ${all}`);
  for (const byId of after.summaries.values()) {
    for (const m of byId.values()) for (const k of m.deps) assert.not.ok(after.index.lookup(k).some((r) => r.file === 'clients.go'), `a memo that read clients.go was kept (${k})`);
  }
});

carry.run();

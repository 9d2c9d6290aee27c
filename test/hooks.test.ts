// The pre-commit hook definitions and the examples users copy: shapes pre-commit and GitHub
// expect, and the commands in them are ones leakhound accepts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import YAML from 'yaml';
import { parseCli } from '../src/cli/config.js';
import { packageRoot } from './helpers.js';

const load = (p: string) => YAML.parse(readFileSync(join(packageRoot, p), 'utf8')) as any;

test('.pre-commit-hooks.yaml: a staged-files hook and a whole-repository hook', () => {
  const hooks = load('.pre-commit-hooks.yaml') as Record<string, unknown>[];
  assert.equal(hooks.map((h) => h.id), ['leakhound', 'leakhound-all']);
  for (const h of hooks) {
    assert.is(h.language, 'node');
    assert.is(h.entry, 'leakhound');
    assert.equal(h.types, ['go']);
    assert.is(h.require_serial, true);
    assert.ok(typeof h.name === 'string' && typeof h.description === 'string');
  }
  assert.is(hooks[0]!.pass_filenames, undefined, 'staged files are passed');
  assert.is(hooks[1]!.pass_filenames, false);
  assert.is(hooks[1]!.always_run, true);
});

test('the package ships what the hook needs: bin, prepare build, WASM', () => {
  const pkg = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8'));
  assert.is(pkg.bin.leakhound, 'dist/src/cli.js');
  assert.match(pkg.scripts.prepare, /build/);
  assert.ok(pkg.files.includes('wasm') && pkg.files.includes('dist/src'));
});

test('examples/.pre-commit-config.yaml uses the hook ids that exist', () => {
  const cfg = load('examples/.pre-commit-config.yaml');
  const ids = cfg.repos.flatMap((r: { hooks: { id: string }[] }) => r.hooks.map((h) => h.id));
  const known = (load('.pre-commit-hooks.yaml') as { id: string }[]).map((h) => h.id);
  for (const id of ids) assert.ok(known.includes(id), id);
});

test('examples/github-workflow.yml uploads the SARIF file leakhound writes', () => {
  const wf = load('examples/github-workflow.yml');
  assert.is(wf.permissions['security-events'], 'write');
  const steps = wf.jobs.leakhound.steps as { uses?: string; run?: string; with?: Record<string, string> }[];
  const run = steps.find((s) => s.run?.includes('leakhound'))!.run!;
  const args = /leakhound@[\w.]+ (.*?) \|\|/.exec(run)![1]!.split(/\s+/);
  const req = parseCli(args, []);
  assert.is(req.config.format, 'sarif');
  const upload = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif'))!;
  assert.is(upload.with!.sarif_file, req.config.outputFile);
});

test.run();

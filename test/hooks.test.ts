// The pre-commit hook definitions and the examples users copy: shapes pre-commit and GitHub
// expect, and the commands in them are ones leakhound accepts.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import YAML from 'yaml';
import { parseCli } from '../src/cli/config.js';
import { CLIENT_LEAK_GO as leakingGo, packageRoot } from './helpers.js';

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
  assert.is(pkg.bin.leakhound, 'dist/src/cli.cjs');
  assert.match(pkg.scripts.prepare, /build/);
  assert.ok(pkg.files.includes('wasm') && pkg.files.includes('dist/src'));
});

test('examples/.pre-commit-config.yaml uses the hook ids that exist', () => {
  const cfg = load('examples/.pre-commit-config.yaml');
  const ids = cfg.repos.flatMap((r: { hooks: { id: string }[] }) => r.hooks.map((h) => h.id));
  const known = (load('.pre-commit-hooks.yaml') as { id: string }[]).map((h) => h.id);
  for (const id of ids) assert.ok(known.includes(id), id);
});

type Step = { id?: string; name?: string; uses?: string; run?: string; shell?: string; with?: Record<string, string>; env?: Record<string, string>; if?: string };

const action = () => load('action.yml') as { name: string; description: string; inputs: Record<string, { default?: string; description: string }>; outputs: Record<string, { value: string }>; runs: { using: string; steps: Step[] } };

/** A commit of this repository (examples pin one: there is no release tag yet). */
function isCommitHere(rev: string): boolean {
  return /^[0-9a-f]{40}$/.test(rev) && spawnSync('git', ['cat-file', '-e', `${rev}^{commit}`], { cwd: packageRoot }).status === 0;
}

test('action.yml is a composite action whose expressions name declared inputs and steps', () => {
  const a = action();
  assert.ok(a.name && a.description);
  assert.is(a.runs.using, 'composite');
  const ids = new Set(a.runs.steps.map((st) => st.id).filter(Boolean));
  const text = readFileSync(join(packageRoot, 'action.yml'), 'utf8');
  for (const m of text.matchAll(/\binputs\.([\w-]+)/g)) assert.ok(m[1]! in a.inputs, `input ${m[1]} is declared`);
  for (const m of text.matchAll(/\bsteps\.([\w-]+)\.outputs/g)) assert.ok(ids.has(m[1]!), `step ${m[1]} exists`);
  for (const st of a.runs.steps) {
    assert.ok(st.run !== undefined || st.uses !== undefined, `${st.name}: run or uses`);
    if (st.run !== undefined) {
      assert.is(st.shell, 'bash', `${st.name}: a composite run step needs a shell`);
      assert.not.match(st.run, /\$\{\{/, `${st.name}: inputs reach the script through env, never spliced into it`);
    }
    if (st.uses) assert.match(st.uses, /^[\w-]+\/[\w/-]+@v\d+$/, `${st.name}: a released action`);
  }
  const upload = a.runs.steps.find((st) => st.uses?.startsWith('github/codeql-action/upload-sarif'))!;
  assert.is(upload.with!.sarif_file, '${{ inputs.sarif-file }}');
});

test('action.yml: its scan step writes SARIF, exits 0 on findings (exit-code 1) and fails on errors (exit-code 2)', () => {
  const a = action();
  const scan = a.runs.steps.find((st) => st.id === 'scan')!;
  const runStep = (inputs: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), 'leakhound-action-'));
    writeFileSync(join(dir, 'leak.go'), leakingGo);
    const value = (v: string) => v.replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_m, k: string) => inputs[k] ?? a.inputs[k]!.default ?? '');
    const env: Record<string, string> = { ...(process.env as Record<string, string>), GITHUB_ACTION_PATH: packageRoot, GITHUB_OUTPUT: join(dir, 'output') };
    for (const [k, v] of Object.entries(scan.env ?? {})) env[k] = value(v);
    const r = spawnSync('bash', ['-e', '-c', scan.run!], { cwd: dir, env, encoding: 'utf8' });
    const output = existsSync(env.GITHUB_OUTPUT!) ? readFileSync(env.GITHUB_OUTPUT!, 'utf8') : '';
    return { code: r.status, output, dir, stderr: r.stderr };
  };
  const found = runStep({ paths: './...' });
  assert.is(found.code, 0, found.stderr);
  assert.is(found.output, 'exit-code=1\n');
  const log = JSON.parse(readFileSync(join(found.dir, 'leakhound.sarif'), 'utf8')) as { runs: { results: { ruleId: string }[] }[] };
  assert.ok(log.runs[0]!.results.length > 0);
  const broken = runStep({ args: '--config missing.yaml' });
  assert.is.not(broken.code, 0);
  assert.is(broken.output, 'exit-code=2\n');
});

test('examples/github-workflow.yml uses the action, pinned to a commit, with inputs it declares', () => {
  const wf = load('examples/github-workflow.yml');
  assert.is(wf.permissions['security-events'], 'write');
  const steps = wf.jobs.leakhound.steps as Step[];
  const use = steps.find((st) => st.uses?.startsWith('leakhound/leakhound@'))!;
  assert.ok(isCommitHere(use.uses!.split('@')[1]!), `${use.uses} pins a commit of this repository`);
  for (const k of Object.keys(use.with ?? {})) assert.ok(k in action().inputs, `input ${k}`);
  assert.is(parseCli([use.with!.paths!], []).config.paths[0], './...');
});

test('the pre-commit examples pin a commit of this repository (no release tag exists yet)', () => {
  const cfg = load('examples/.pre-commit-config.yaml');
  assert.ok(isCommitHere(cfg.repos[0].rev), cfg.repos[0].rev);
  const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8');
  const block = /```yaml\nrepos:[^]*?```/.exec(readme)![0];
  assert.ok(isCommitHere(/rev: (\S+)/.exec(block)![1]!), 'README pre-commit snippet');
  for (const f of ['README.md', 'examples/github-workflow.yml', 'examples/.pre-commit-config.yaml']) {
    const text = readFileSync(join(packageRoot, f), 'utf8');
    assert.not.match(text, /rev: v\d/, `${f}: no release tag`);
    for (const m of text.matchAll(/npx[^\n]*leakhound@|npm install[^\n]* leakhound(\s|$)/g)) {
      const around = text.slice(Math.max(0, m.index! - 300), m.index! + 300);
      assert.match(around, /not (yet )?(published|available)/, `${f}: the package route is marked as not yet available`);
    }
  }
});

test.run();

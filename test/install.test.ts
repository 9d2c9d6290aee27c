// Installs leakhound the way pre-commit's `language: node` does (npm pack, then a global
// install of the tarball into a prefix) and runs the installed command: the grammar WASM must
// be found inside the installed package. The tarball bundles its dependencies, so that install
// needs no registry and no npm cache at all (it runs offline with an empty cache here; a
// machine whose cache holds only what `npm ci` put there has no package documents). Where
// Debian's pre-commit is installed, the real framework runs on a temporary repository too
// (offline: its `npm install` of the hook's sources takes the tarballs `npm ci` cached).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { allRules } from '../rules/index.js';
import { packageRoot } from './helpers.js';

const OFFLINE = { ...process.env, npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', NO_COLOR: '1' };

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = OFFLINE) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 240_000 });
  return { code: r.status, stdout: r.stdout ?? '', stderr: (r.stderr ?? '') + (r.error ? String(r.error) : '') };
}

/** A file the installed leakhound must reject: a warning-level rule's documented bad example (any
 * reported finding exits 1, warnings too), else a directive without a reason (also a warning). */
const warned = allRules.find((r) => r.meta.severity === 'warning');
const leaking = warned?.meta.docs.example ?? 'package p\n\n//leakhound:ignore\nfunc f() {}\n';
const leakingRule = warned?.meta.id ?? 'leakhound-directive';
const clean = 'package p\n\nfunc f() int { return 1 }\n';

test('npm pack prints only the tarball name (pre-commit reads it), and the installed command finds its WASM', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'leakhound-install-'));
  const pack = run('npm', ['pack', '--pack-destination', tmp], packageRoot);
  assert.is(pack.code, 0, pack.stderr);
  assert.is(pack.stdout, 'leakhound-0.1.0.tgz\n', 'stdout is the tarball name alone');
  const prefix = join(tmp, 'prefix');
  const emptyCache = { ...OFFLINE, npm_config_cache: join(tmp, 'empty-npm-cache') };
  const install = run('npm', ['install', '-g', '--prefix', prefix, join(tmp, 'leakhound-0.1.0.tgz')], tmp, emptyCache);
  assert.is(install.code, 0, install.stderr);
  const bin = join(prefix, 'bin', 'leakhound');
  assert.ok(existsSync(bin), 'bin/leakhound installed');
  assert.ok(existsSync(join(prefix, 'lib', 'node_modules', 'leakhound', 'wasm', 'tree-sitter-go.wasm')), 'WASM shipped');

  const work = mkdtempSync(join(tmpdir(), 'leakhound-work-'));
  writeFileSync(join(work, 'leak.go'), leaking);
  writeFileSync(join(work, 'clean.go'), clean);
  const bad = run(bin, ['leak.go', 'clean.go'], work);
  assert.is(bad.code, 1, bad.stdout + bad.stderr);
  assert.match(bad.stdout, leakingRule);
  const good = run(bin, ['clean.go'], work);
  assert.is(good.code, 0, good.stdout + good.stderr);
  assert.is(good.stderr, '');
  // The language server's protocol libraries are bundled too.
  const lsp = run(bin, ['lsp', '--help'], work);
  assert.is(lsp.code, 0, lsp.stderr);
  assert.match(lsp.stdout, 'Usage: leakhound lsp');
});

const havePreCommit = spawnSync('pre-commit', ['--version']).status === 0;

(havePreCommit ? test : test.skip)('pre-commit (system node, offline): a staged file with a warning is refused and the finding shown, a clean one accepted', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'leakhound-precommit-'));
  const git = (cwd: string, ...args: string[]) =>
    run('git', ['-c', 'user.name=t', '-c', 'user.email=t@e', '-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main', ...args], cwd, env);
  const env = { ...OFFLINE, PRE_COMMIT_HOME: join(tmp, 'home'), GIT_CONFIG_NOSYSTEM: '1' };

  // The hook repository: this package's sources, committed (pre-commit clones a rev).
  const hook = join(tmp, 'hook');
  for (const f of ['package.json', 'package-lock.json', 'tsconfig.json', '.npmrc', '.pre-commit-hooks.yaml', 'scripts', 'src', 'rules', 'test']) {
    cpSync(join(packageRoot, f), join(hook, f), { recursive: true });
  }
  assert.is(git(hook, 'init', '-q').code, 0);
  git(hook, 'add', '-A');
  assert.is(git(hook, 'commit', '-qm', 'hook').code, 0);
  const rev = run('git', ['rev-parse', 'HEAD'], hook).stdout.trim();

  const repo = join(tmp, 'repo');
  git(tmp, 'init', '-q', 'repo');
  writeFileSync(
    join(repo, '.pre-commit-config.yaml'),
    `repos:\n  - repo: ${hook}\n    rev: ${rev}\n    hooks:\n      - id: leakhound\n`,
  );
  const installed = run('pre-commit', ['install'], repo, env);
  assert.is(installed.code, 0, installed.stderr);
  writeFileSync(join(repo, 'leak.go'), leaking);
  git(repo, 'add', '-A');
  const refused = git(repo, 'commit', '-m', 'leak');
  assert.is(refused.code, 1, refused.stdout + refused.stderr);
  assert.match(refused.stdout + refused.stderr, /leakhound\.+Failed/, refused.stdout + refused.stderr);
  assert.match(refused.stdout + refused.stderr, leakingRule);

  writeFileSync(join(repo, 'leak.go'), clean);
  git(repo, 'add', '-A');
  const accepted = git(repo, 'commit', '-m', 'clean');
  assert.is(accepted.code, 0, accepted.stdout + accepted.stderr);
  assert.match(accepted.stdout + accepted.stderr, /leakhound\.+Passed/);
});

test.run();

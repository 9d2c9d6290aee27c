// A real editor: Neovim's built-in LSP client, headless, attached to `leakhound lsp`. It opens
// a leaking file, records the diagnostics it received, types the fix and records them again
// (test/support/nvim-lsp.lua). Skipped, with a notice, where Neovim is not installed
// (.ci/run installs Debian's).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cliPath, packageRoot, runCli } from './helpers.js';

const nvim = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
const haveNvim = nvim.status === 0;
if (!haveNvim) console.log('notice: Neovim (nvim) is not installed: the editor test is skipped (apt-get install neovim)');

interface NvimDiagnostic {
  lnum: number;
  col: number;
  severity: number;
  message: string;
  source: string;
  code: string;
  href: string | null;
}

(haveNvim ? test : test.skip)('Neovim attached to leakhound lsp shows the findings of the file it opens, and clears them when the fix is typed', () => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'leakhound-nvim-')));
  try {
    const source = readFileSync(join(packageRoot, 'examples', 'secret-proxy', 'main.go'), 'utf8');
    const file = join(dir, 'main.go');
    writeFileSync(file, source);
    const result = join(dir, 'result.json');
    // The fix `--fix` would make: `defer client.Close()` after the error check (line 23).
    const lines = source.split('\n');
    const after = lines.findIndex((l, i) => i > 19 && l === '\t}') + 1;
    const r = spawnSync('nvim', ['--headless', '--clean', '-n', '-c', `luafile ${join(packageRoot, 'test', 'support', 'nvim-lsp.lua')}`], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 60_000,
      env: {
        ...process.env,
        LEAKHOUND_LSP_CMD: JSON.stringify([process.execPath, cliPath, 'lsp']),
        LEAKHOUND_FILE: file,
        LEAKHOUND_RESULT: result,
        LEAKHOUND_INSERT_AFTER: String(after),
        LEAKHOUND_INSERT: '\tdefer client.Close()',
      },
    });
    assert.is(r.status, 0, `nvim: ${r.stderr}${r.stdout}${r.error ?? ''}`);
    const got = JSON.parse(readFileSync(result, 'utf8')) as { opened: boolean; first: NvimDiagnostic[]; cleared: boolean; after: NvimDiagnostic[] };
    console.log(`Neovim ${/NVIM v\S+/.exec(nvim.stdout)?.[0] ?? ''} received: ${JSON.stringify(got.first)}`);
    assert.ok(got.opened, 'diagnostics arrived');
    const cli = JSON.parse(runCli(['--no-cache', '-f', 'json', 'main.go'], dir).stdout) as { messages: { line: number; column: number; ruleId: string; message: string }[] }[];
    const want = cli[0]!.messages.map((m) => `${m.line - 1}:${m.column - 1} ${m.ruleId} ${m.message}`);
    assert.equal(got.first.map((d) => `${d.lnum}:${d.col} ${d.code} ${d.message}`), want);
    assert.equal(want.length, 1);
    const d = got.first[0]!;
    assert.is(d.code, 'unclosed-client');
    assert.is(d.source, 'leakhound');
    assert.is(d.severity, 1, 'vim.diagnostic.severity.ERROR');
    assert.is(d.lnum, 19);
    assert.is(d.href, 'https://github.com/leakhound/leakhound/blob/main/docs/rules/unclosed-client.md');
    assert.ok(got.cleared, `the typed fix cleared the diagnostics: ${JSON.stringify(got.after)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();

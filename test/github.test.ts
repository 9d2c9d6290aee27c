// `--format github`: workflow commands with the runner's escaping.
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { escapeData, escapeProperty, formatGithub } from '../src/report/github.js';
import { runMain, tempTree, TICKER_GO } from './inproc.js';

test('escaping: % CR LF in data; also : and , in properties', () => {
  assert.is(escapeData('50% done\r\nnext: a,b'), '50%25 done%0D%0Anext: a,b');
  assert.is(escapeProperty('C:\\a,b%\n'), 'C%3A\\a%2Cb%25%0A');
});

test('one annotation per finding, with its span, rule title and related locations', async () => {
  const dir = tempTree({ 'a,b.go': TICKER_GO });
  const r = await runMain(['--format', 'github'], dir);
  assert.is(r.code, 1);
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines, [
    '::error file=a%2Cb.go,line=6,col=7,endLine=6,endColumn=24,title=leakhound(test-ticker)::ticker from time.NewTicker in poll is never stopped (it keeps firing); add defer t.Stop()%0Aa,b.go:5:6: enclosing function poll',
    '::warning file=a%2Cb.go,line=11,col=9,endLine=11,endColumn=23,title=leakhound(test-chan)::channel made here',
  ]);
});

test('file names are relative to the repository root, from any working directory', async () => {
  const dir = tempTree({ '.git/HEAD': 'ref: refs/heads/main\n', 'pkg/a.go': TICKER_GO });
  const r = await runMain(['--format', 'github', 'a.go'], join(dir, 'pkg'));
  assert.match(r.stdout, /^::error file=pkg\/a.go,line=6,/);
  assert.match(r.stdout, /%0Apkg\/a.go:5:6: enclosing function poll/);
});

test('file problems are annotations too', () => {
  const out = formatGithub([{ filePath: 'x.go', diagnostics: [], notices: [{ kind: 'read-error', message: 'cannot read file: permission denied' }] }]);
  assert.is(out, '::error file=x.go,title=leakhound::cannot read file: permission denied\n');
});

test.run();

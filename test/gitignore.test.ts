// Explicitly named files (pre-commit passes names) honour the .gitignore files between the
// repository root and the file, read without globbing the tree.
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { selectFiles } from '../src/files.js';
import { isGitIgnoredFile } from '../src/gitignore.js';
import { tempTree } from './inproc.js';

test('root and nested .gitignore files apply to explicit files; outside a repository nothing is ignored', async () => {
  const dir = tempTree({
    '.git/HEAD': 'ref: refs/heads/main\n',
    '.gitignore': 'gen/\n*_mock.go\n',
    'sub/.gitignore': 'local.go\n',
    'sub/a.go': 'package p\n',
    'sub/local.go': 'package p\n',
    'sub/x_mock.go': 'package p\n',
    'gen/b.go': 'package p\n',
    'sub/deep/local.go': 'package p\n',
  });
  assert.is(isGitIgnoredFile(join(dir, 'gen', 'b.go')), true, 'ignored directory');
  assert.is(isGitIgnoredFile(join(dir, 'sub', 'deep', 'local.go')), true, 'nested .gitignore applies below it');
  assert.is(isGitIgnoredFile(join(dir, 'sub', 'a.go')), false);
  const sel = await selectFiles(['a.go', 'local.go', 'x_mock.go', '../gen/b.go'], { cwd: join(dir, 'sub'), defaultSkips: true, ignore: [] });
  assert.equal(sel.files, ['a.go']);
  const all = await selectFiles(['a.go', 'local.go'], { cwd: join(dir, 'sub'), defaultSkips: false, ignore: [] });
  assert.equal(all.files, ['a.go', 'local.go'], '--no-default-skips keeps them');

  const plain = tempTree({ '.gitignore': 'a.go\n', 'a.go': 'package p\n' });
  assert.is(isGitIgnoredFile(join(plain, 'a.go')), false, 'not a repository');
});

test.run();

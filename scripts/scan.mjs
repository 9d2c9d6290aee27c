#!/usr/bin/env node
// `npm run scan [-- options/paths]`: the CLI, scanning the bundled examples/ when no path is given.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const valued = new Set(['-f', '--format', '-o', '--output-file', '--rule', '--disable', '--max-warnings', '--config', '--jobs', '--cache-location', '--baseline', '--write-baseline', '--new-from-rev', '--shard']);
let hasPath = false;
for (let i = 0; i < args.length; i++) {
  if (valued.has(args[i])) i++;
  else if (!args[i].startsWith('-')) hasPath = true;
}
if (!hasPath) args.push(join(root, 'examples'));
const r = spawnSync(process.execPath, [join(root, 'dist', 'src', 'cli.cjs'), ...args], { stdio: 'inherit' });
process.exit(r.status ?? 2);

#!/usr/bin/env node
// What a pre-commit run costs: `leakhound` on five staged files, Node start included, as the
// hook runs it (wall time of the whole process). The bar is 300 ms.
//   node bench/precommit.mjs [runs] [files…]
// Default files: five mid-sized files of the Go standard library (net/http), copied into a
// temporary git repository so the .gitignore lookup and file selection run as in a hook.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'src', 'cli.js');
const runs = Number(process.argv[2] ?? 15);
const GOROOT = '/usr/share/go-1.19/src';
const defaults = ['net/http/client.go', 'net/http/transport.go', 'net/http/server.go', 'os/exec/exec.go', 'database/sql/sql.go'].map((f) => join(GOROOT, f));
const given = process.argv.slice(3);
const sources = given.length ? given : defaults;
for (const f of sources) {
  if (!existsSync(f)) {
    console.error(`bench/precommit: ${f} is missing (install the Go corpus: shared/corpus/setup.sh)`);
    process.exit(2);
  }
}
if (!existsSync(cli)) {
  console.error('bench/precommit: build first (npm run build)');
  process.exit(2);
}

const repo = mkdtempSync(join(tmpdir(), 'leakhound-bench-'));
spawnSync('git', ['init', '-q'], { cwd: repo });
const files = sources.map((f, i) => {
  const name = `${i}_${basename(f)}`;
  copyFileSync(f, join(repo, name));
  return name;
});
const bytes = files.reduce((n, f) => n + statSync(join(repo, f)).size, 0);

const times = [];
let code;
for (let i = 0; i < runs + 2; i++) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [cli, ...files], { cwd: repo, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  code = r.status;
  if (r.status === 2) {
    console.error(r.stderr);
    process.exit(2);
  }
  if (i >= 2) times.push(ms); // the first two warm the file cache
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
const p90 = times[Math.floor(times.length * 0.9)];
console.log(`pre-commit on ${files.length} files (${(bytes / 1024).toFixed(0)} KiB), ${runs} runs, exit ${code}:`);
console.log(`  min ${times[0].toFixed(0)} ms, median ${median.toFixed(0)} ms, p90 ${p90.toFixed(0)} ms (bar: 300 ms)`);

// Runs the CLI's main() in this process with test-only rules: the command-line flow end to
// end (config file, suppressions, baseline, formats) without depending on the real rules.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { main } from '../src/cli/main.js';
import type { AnyRule } from '../src/engine/types.js';
import { testRules } from './support/rules.js';
import type { CliRun } from './helpers.js';

/** Runs main(args) in `cwd`, capturing stdout and stderr. */
export async function runMain(args: string[], cwd: string, rules: AnyRule[] = testRules): Promise<CliRun> {
  const saved = { out: process.stdout.write, err: process.stderr.write, cwd: process.cwd(), noColor: process.env.NO_COLOR };
  let stdout = '';
  let stderr = '';
  process.stdout.write = ((s: string | Uint8Array) => ((stdout += String(s)), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string | Uint8Array) => ((stderr += String(s)), true)) as typeof process.stderr.write;
  process.env.NO_COLOR = '1';
  process.chdir(cwd);
  try {
    const code = await main(args, rules);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
    process.chdir(saved.cwd);
    if (saved.noColor === undefined) delete process.env.NO_COLOR;
    else process.env.NO_COLOR = saved.noColor;
  }
}

/** A fresh temporary directory holding `files` (path → content). */
export function tempTree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'leakhound-'));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  return dir;
}

/** Go source with one time.NewTicker call (flagged by test-ticker) and one make(chan) (test-chan). */
export const TICKER_GO = `package p

import "time"

func poll(d time.Duration) {
	t := time.NewTicker(d)
	_ = t
}

func pipe() chan int {
	return make(chan int)
}
`;

// Shared test helpers: run rules over Go source in memory, run the CLI as a user would.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Parser, Tree } from 'web-tree-sitter';
import { getParser, packageRoot } from '../src/engine/parser.js';
import { scanText } from '../src/engine/scan.js';
import type { Packages } from '../src/engine/packages.js';
import type { AnyRule, FileResult } from '../src/engine/types.js';
import type { GoVersion } from '../src/go/gomod.js';

export { packageRoot };
export const fixturesDir = join(packageRoot, 'test', 'fixtures');
export const cliPath = join(packageRoot, 'dist', 'src', 'cli.cjs');

let parser: Parser | undefined;
export async function parser_(): Promise<Parser> {
  parser ??= await getParser();
  return parser;
}

/**
 * Runs one rule (default severity, default options overlaid with `options`) on source text,
 * as built with Go `go` (default: no go.mod, the newest Go). With `packages`, the file's
 * package is read from there (a fixture package folder on disk); without, the file is its
 * own package.
 */
export async function runRule(
  rule: AnyRule,
  text: string,
  options: Record<string, unknown> = {},
  filePath = 'test.go',
  go: GoVersion = {},
  packages?: Packages,
): Promise<FileResult> {
  const p = await parser_();
  return scanText(
    p,
    filePath,
    text,
    [{ rule, severity: rule.meta.severity, options: { ...structuredClone(rule.meta.defaultOptions), ...options } }],
    go,
    packages ? { packages } : {},
  );
}

/** A file the shipped rules flag (an unclosed Google Cloud client; unclosed-client line 10). */
export const CLIENT_LEAK_GO = `package main

import (
	"context"

	secretmanager "cloud.google.com/go/secretmanager/apiv1"
)

func access(ctx context.Context) {
	c, _ := secretmanager.NewClient(ctx)
	_ = c
}
`;

/** The same leak behind an error check: `--fix` inserts `defer client.Close()` after it (line 10). */
export const CHECKED_CLIENT_LEAK_GO = `package main

import (
	"context"

	secretmanager "cloud.google.com/go/secretmanager/apiv1"
)

func access(ctx context.Context) error {
	client, err := secretmanager.NewClient(ctx)
	if err != nil {
		return err
	}
	_ = client
	return nil
}
`;

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI in `cwd` with `args`; no color, CI-like environment. */
export function runCli(args: string[], cwd = packageRoot, env: Record<string, string> = {}): CliRun {
  const r = spawnSync(process.execPath, [cliPath, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export interface Want {
  line: number;
  patterns: RegExp[];
}

/** `// want "re" "re2"` comments: each pattern must match one diagnostic on that line. */
export function parseWants(text: string): Want[] {
  const wants: Want[] = [];
  text.split('\n').forEach((l, i) => {
    const m = /\/\/\s*want\s+((?:"(?:[^"\\]|\\.)*"\s*)+)/.exec(l);
    if (!m) return;
    const patterns = [...m[1]!.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((x) => new RegExp(JSON.parse(`"${x[1]}"`) as string));
    wants.push({ line: i + 1, patterns });
  });
  return wants;
}

/** `// fixture-options: {json}` at the top of a fixture sets the rule's options for that file. */
export function parseFixtureOptions(text: string): Record<string, unknown> {
  const m = /^\/\/\s*fixture-options:\s*(\{.*\})\s*$/m.exec(text);
  return m ? (JSON.parse(m[1]!) as Record<string, unknown>) : {};
}

/** Compares diagnostics with wants; returns Missing and Noisy lists (empty when they agree). */
export function compareWants(result: FileResult, wants: Want[]): { missing: string[]; noisy: string[] } {
  const missing: string[] = [];
  const noisy: string[] = [];
  const unmatched = [...result.diagnostics];
  for (const w of wants) {
    for (const re of w.patterns) {
      const i = unmatched.findIndex((d) => d.span.start.line === w.line && re.test(d.message));
      if (i >= 0) unmatched.splice(i, 1);
      else missing.push(`line ${w.line}: no diagnostic matching ${re}`);
    }
  }
  for (const d of unmatched) noisy.push(`line ${d.span.start.line}: unexpected [${d.ruleId}] ${d.message}`);
  return { missing, noisy };
}

/** The .go files under `dir`, recursively, sorted. */
export function goFilesIn(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...goFilesIn(p));
    else if (e.name.endsWith('.go')) out.push(p);
  }
  return out.sort();
}

/**
 * Every rule fixture and speed test file, and each again behind lines whose comment and
 * string say `func` and hold brackets: offset 0 is then no token, and the text has words
 * that are no code.
 */
export function fixtureSources(): { name: string; text: string }[] {
  const files = [...goFilesIn(fixturesDir), ...goFilesIn(join(packageRoot, 'test', 'data', 'speed'))];
  return files.flatMap((f) => {
    const text = readFileSync(f, 'utf8');
    const name = relative(packageRoot, f);
    return [
      { name, text },
      { name: `${name} (shifted)`, text: '\n \n\t// func x() { ( [ in a comment\nvar _ = "func y() {" + `\nfunc z() {\n`\n' + text },
    ];
  });
}

/** Parses each source whole, hands its tree to `fn`, and frees it. */
export async function withTrees<S extends { text: string }>(sources: S[], fn: (tree: Tree, source: S) => void): Promise<void> {
  const parser = await parser_();
  for (const s of sources) {
    const tree = parser.parse(s.text)!;
    try {
      fn(tree, s);
    } finally {
      tree.delete();
    }
  }
}

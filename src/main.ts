// argv → config → files → scan → report → exit code.
// Exit codes: 0 clean, 1 findings, 2 usage, configuration or internal error.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { activeRules, HELP, parseCli, UsageError, type Config } from './config.js';
import { scanFiles, scanFilesWithStats } from './engine/run.js';
import { packageRoot } from './engine/parser.js';
import type { FileResult } from './engine/types.js';
import { applyEdits, fixEdits } from './fix.js';
import { selectFiles } from './files.js';
import { formatJson } from './report/json.js';
import { formatPretty } from './report/pretty.js';
import { allRules } from '../rules/index.js';
import { runMerge } from './merge.js';
import { formatStats, runOptions } from './runopts.js';
import { selectShard } from './shard.js';

export const EXIT = { clean: 0, findings: 1, error: 2 } as const;

export function version(): string {
  return (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

const docsUrl = (id: string) => `https://github.com/leakhound/leakhound#${id}`;

export async function report(results: FileResult[], config: Config): Promise<string> {
  switch (config.format) {
    case 'json':
      return formatJson(results);
    default:
      return formatPretty(results, config.color, docsUrl);
  }
}

function applyFixes(results: FileResult[]): string[] {
  const changed: string[] = [];
  for (const r of results) {
    const edits = fixEdits(r.diagnostics);
    if (!edits.length) continue;
    const text = readFileSync(r.filePath, 'utf8');
    const fixed = applyEdits(text, edits);
    if (fixed.applied && fixed.text !== text) {
      writeFileSync(r.filePath, fixed.text);
      changed.push(r.filePath);
    }
  }
  return changed;
}

export async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'merge') return runMerge(argv.slice(1), report);
  let req;
  try {
    req = parseCli(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`leakhound: ${e.message}\nTry 'leakhound --help' for usage.\n`);
      return EXIT.error;
    }
    throw e;
  }
  const { config } = req;
  if (req.kind === 'help') {
    process.stdout.write(HELP + '\n');
    return EXIT.clean;
  }
  if (req.kind === 'version') {
    process.stdout.write(version() + '\n');
    return EXIT.clean;
  }
  if (req.kind === 'list-rules') {
    for (const r of allRules) process.stdout.write(`${r.meta.id}\t${r.meta.severity}\t${r.meta.title}\n`);
    return EXIT.clean;
  }

  const cwd = process.cwd();
  const selection = await selectFiles(config.paths, { cwd, defaultSkips: config.defaultSkips, ignore: config.ignore });
  let failed = false;
  for (const m of selection.missing) {
    process.stderr.write(`leakhound: ${m}: no such file or directory\n`);
    failed = true;
  }
  const rules = activeRules(config);
  const files = config.shard ? selectShard(selection.files, config.shard) : selection.files;
  const started = performance.now();
  const scanOpts = runOptions(config, rules, version(), cwd);
  const scanned = await scanFilesWithStats(files, scanOpts);
  scanOpts.progress?.end();
  if (config.stats) process.stderr.write(formatStats(scanned.stats, performance.now() - started));
  let results = scanned.results;
  if (config.fix) {
    const changed = applyFixes(results);
    if (changed.length) {
      const again = new Map((await scanFiles(changed, scanOpts)).map((r) => [r.filePath, r]));
      results = results.map((r) => again.get(r.filePath) ?? r);
    }
  }
  if (config.quiet) {
    results = results.map((r) => ({ ...r, diagnostics: r.diagnostics.filter((d) => d.severity === 'error') }));
  }
  for (const r of results) {
    for (const n of r.notices) {
      const where = n.line ? `${r.filePath}:${n.line}:${n.column ?? 1}` : r.filePath;
      process.stderr.write(`leakhound: ${where}: ${n.message}\n`);
      if (n.kind === 'read-error' || n.kind === 'rule-error') failed = true;
    }
  }
  const out = await report(results, config);
  if (config.outputFile) writeFileSync(config.outputFile, out);
  else process.stdout.write(out);

  if (failed) return EXIT.error;
  const errors = results.reduce((n, r) => n + r.diagnostics.filter((d) => d.severity === 'error').length, 0);
  const warnings = results.reduce((n, r) => n + r.diagnostics.filter((d) => d.severity === 'warning').length, 0);
  if (errors > 0) return EXIT.findings;
  if (config.maxWarnings !== undefined && warnings > config.maxWarnings) return EXIT.findings;
  return EXIT.clean;
}


// argv → config → files → scan → report → exit code.
// Exit codes: 0 nothing reported, 1 findings reported (errors or warnings, as golangci-lint and
// staticcheck do; --max-warnings N lets up to N warnings pass), 2 usage, configuration, file or
// internal error.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { activeRules, HELP, mergeAt, parseCli, UsageError, type Config } from './config.js';
import { scanFiles, scanFilesWithStats, startWorkers } from '../engine/run.js';
import type { WorkerPool } from '../engine/pool.js';
import { ModuleVersions } from '../go/gomod.js';
import { packageRoot } from '../engine/parser.js';
import type { AnyRule, FileResult } from '../engine/types.js';
import { applyFixes } from './fix.js';
import { scanDirs, selectFiles } from './files.js';
import { allRules } from '../../rules/index.js';
import { applyConfigFile, ConfigError } from './configfile.js';
import { DIRECTIVE_RULE_ID, directiveRule } from '../engine/suppressions.js';
import { changedLinesIn, findRepoRoot, GitError, isChanged, type ChangedLines } from './gitdiff.js';
import type { BaselineFile } from './baseline.js';
import { runMerge } from './merge.js';
import { cacheDirOf, formatStats, runOptions } from './runopts.js';
import { DirListings } from './dircache.js';
import { selectShard } from './shard.js';
import { applyDirectiveSetting, EXIT, findingsExit, textReader } from './results.js';
import { OutputError, errnoWords, writeReportFile } from './output.js';
import { printable } from '../report/printable.js';
import { docsUrl, REPO_URL } from '../report/docs.js';

export { EXIT };
export const SMALL_RUN = 32;
const SMALL_RUN_FLAGS = ['--liftoff-only', '--no-turbo-inlining', '--no-regexp-tier-up', '--no-baseline-batch-compilation'];
/**
 * A cold run (no cache, or an empty one) starts its workers once the walk has found this many
 * files: a worker needs ~0.23 s to be ready, which the rest of the walk and the files' stats
 * then hide. Far above SMALL_RUN, and about 2.5 MB of Go at the usual ~10 KB a file, so that a
 * run this big nearly always has the MIN_PARALLEL_BYTES that workers need (when it does not,
 * the run ends them unused); on the heavy corpus the walk finds that many in its first few ms.
 */
export const EARLY_WORKERS_AT = 256;

let versionMemo: string | undefined;
export function version(): string {
  versionMemo ??= (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
  return versionMemo;
}


export interface ReportContext {
  cwd: string;
  /** The repository root paths are shown from in SARIF and GitHub annotations (default: cwd's). */
  root?: string;
  rules: AnyRule[];
  failed: boolean;
  readText: (filePath: string) => string | undefined;
}

// Formatters are imported when used, to keep start-up (pre-commit runs) fast.
export async function report(
  results: FileResult[],
  config: Config,
  ctx: ReportContext = { cwd: process.cwd(), rules: allRules, failed: false, readText: textReader(process.cwd()) },
): Promise<string> {
  const root = ctx.root ?? findRepoRoot(ctx.cwd) ?? ctx.cwd;
  const shard = config.shard ? `${config.shard.index}/${config.shard.count}` : undefined;
  switch (config.format) {
    case 'json':
      return (await import('../report/json.js')).formatJson(results, shard);
    case 'line':
      return (await import('../report/line.js')).formatLine(results);
    case 'github':
      return (await import('../report/github.js')).formatGithub(results, { cwd: ctx.cwd, root });
    case 'sarif': {
      const ran = activeRules(config, ctx.rules).map((r) => ({ ...r.rule.meta, severity: r.severity }));
      return (await import('../report/sarif.js')).formatSarif(results, {
        rules: [...ran, directiveRule],
        cwd: ctx.cwd,
        srcRoot: root,
        version: version(),
        informationUri: REPO_URL,
        helpUri: docsUrl,
        readText: ctx.readText,
        executionSuccessful: !ctx.failed,
        shard,
      });
    }
    default:
      return (await import('../report/pretty.js')).formatPretty(results, config.color, docsUrl);
  }
}

export async function main(argv: string[], ruleList: AnyRule[] = allRules): Promise<number> {
  // `leakhound lsp`: the language server (a directory named lsp is scanned as ./lsp).
  if (argv[0] === 'lsp') {
    const lsp = await import('../lsp/main.js');
    try {
      if (lsp.runLsp(argv.slice(1), version()) === 'help') process.stdout.write(lsp.LSP_HELP + '\n');
      return EXIT.clean;
    } catch (e) {
      if (!(e instanceof lsp.LspUsageError)) throw e;
      process.stderr.write(`leakhound: ${e.message}\n`);
      return EXIT.error;
    }
  }
  const at = mergeAt(argv);
  if (at >= 0) return runMerge([...argv.slice(0, at), ...argv.slice(at + 1)], report, ruleList);
  let req;
  try {
    req = parseCli(argv, ruleList);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`leakhound: ${e.message} (see leakhound --help)\n`);
      return EXIT.error;
    }
    throw e;
  }
  let { config } = req;
  if (req.kind === 'help') {
    process.stdout.write(HELP + '\n');
    return EXIT.clean;
  }
  if (req.kind === 'version') {
    process.stdout.write(version() + '\n');
    return EXIT.clean;
  }
  if (req.kind === 'list-rules') {
    for (const r of ruleList) process.stdout.write(`${r.meta.id}\t${r.meta.severity}\t${r.meta.title}\n`);
    return EXIT.clean;
  }

  const cwd = process.cwd();
  let changedSince: ChangedLines | undefined;
  let baseline: BaselineFile | undefined;
  try {
    const withFile = await applyConfigFile(config, req.ruleFlags, cwd, ruleList);
    config = withFile.config;
    if (req.kind === 'print-config') {
      process.stdout.write(JSON.stringify({ ...config, configFile: withFile.configFile ?? null }, null, 2) + '\n');
      return EXIT.clean;
    }
    if (config.newFromRev !== undefined) changedSince = changedLinesIn(config.newFromRev, scanDirs(config.paths, cwd));
    if (config.baseline !== undefined && config.writeBaseline === undefined) baseline = (await import('./baseline.js')).readBaseline(config.baseline);
  } catch (e) {
    if (e instanceof ConfigError || e instanceof GitError || (e instanceof Error && e.name === 'BaselineError')) {
      process.stderr.write(`leakhound: ${e.message}\n`);
      return EXIT.error;
    }
    throw e;
  }
  // Baselines, SARIF and annotations name files from the root of the repository scanned (the
  // first path's), which need not be the one the command runs in.
  const root = findRepoRoot(scanDirs(config.paths, cwd)[0]!) ?? findRepoRoot(cwd) ?? cwd;
  const listings = config.cache ? DirListings.open(cacheDirOf(config, cwd, root)) : undefined;
  const rules = activeRules(config, ruleList);
  const scanOpts = {
    ...runOptions(config, rules, version(), cwd, root),
    knownRules: ruleList.map((r) => r.meta.id),
    ...(listings ? { dirMtime: (d: string) => listings.mtimeOf(d) } : {}),
  };
  // A cold run starts its workers while it walks; a run its cache may answer does not (a warm
  // run must not pay for workers it will not use).
  let pool: WorkerPool | undefined;
  const early = config.jobs > 1 && !scanOpts.cache?.size;
  const onFound = early ? (n: number) => void (n >= EARLY_WORKERS_AT && (pool ??= startWorkers({ ...scanOpts, hashes: config.fix }))) : undefined;
  const selection = await selectFiles(config.paths, { cwd, defaultSkips: config.defaultSkips, ignore: config.ignore, listings, onFound });
  listings?.save();
  let failed = false;
  for (const m of selection.missing) {
    process.stderr.write(`leakhound: ${printable(m)}: no such file or directory\n`);
    failed = true;
  }
  for (const m of selection.special) {
    process.stderr.write(`leakhound: ${printable(m)}: cannot read file: not a regular file\n`);
    failed = true;
  }
  // Unreadable directories are reported like unreadable files: a notice in every format.
  const unreadable: FileResult[] = selection.unreadable.map((u) => ({ filePath: u.path, diagnostics: [], notices: [{ kind: 'read-error', message: u.why }] }));
  const files = config.shard ? selectShard(selection.files, config.shard) : selection.files;
  // A few files (a pre-commit run): tiering the parser's WASM up to V8's optimizing compiler
  // costs more than it saves (bench/precommit.mjs: about a quarter of the run; without the
  // flag, 1,200 M instructions in all threads instead of 760 M, callgrind). TurboFan without
  // inlining: 75 M fewer instructions on its threads, the main thread's unchanged. RegExps
  // compiled once to native code instead of to bytecode first and again at their second
  // use (about 100 in such a run): 8-10 M fewer on the main thread (3 runs each). Sparkplug
  // compiling each function when it is due instead of in batches: main thread median 519 ->
  // 514 M (5 runs each, +-8 M between runs).
  const small = files.length <= SMALL_RUN;
  if (small) {
    pool?.close();
    pool = undefined;
  }
  // Timed only for --stats: the global `performance` loads perf_hooks and its 10 modules (about 4 M instructions).
  const started = config.stats ? performance.now() : 0;
  const withModules = { ...scanOpts, modules: new ModuleVersions({ known: selection.goMods }) };
  const scanned = await scanFilesWithStats(files, { ...withModules, hashes: config.fix, pool, ...(small ? { v8Flags: SMALL_RUN_FLAGS } : {}) });
  scanOpts.progress?.end();
  if (config.stats) process.stderr.write(formatStats(scanned.stats, performance.now() - started));
  let results = scanned.results;
  const baselineMod = baseline || config.writeBaseline ? await import('./baseline.js') : undefined;
  // What the run reports: the findings that survive the baseline, --new-from-rev, the
  // config's verdict on directive problems and --quiet. Only these may be fixed.
  const reported = (all: FileResult[], readText: (f: string) => string | undefined): FileResult[] => {
    let out = all;
    if (baseline) out = baselineMod!.filterBaseline(out, baseline, { cwd, root, readText });
    if (changedSince) {
      const lines = changedSince;
      out = out.map((r) => ({ ...r, diagnostics: r.diagnostics.filter((d) => isChanged(lines, resolve(cwd, r.filePath), d.span.start.line)) }));
    }
    out = applyDirectiveSetting(out, config.rules[DIRECTIVE_RULE_ID]); // set by the config file
    if (config.quiet) out = out.map((r) => ({ ...r, diagnostics: r.diagnostics.filter((d) => d.severity === 'error') }));
    return out;
  };
  if (config.fix) {
    const hashes = new Map(files.map((f, i) => [f, scanned.hashes[i]]));
    const fixed = applyFixes(reported(results, textReader(cwd)), (f) => hashes.get(f), (f) => resolve(cwd, f));
    for (const s of fixed.skipped) process.stderr.write(`leakhound: ${printable(s.filePath)}: ${s.why}\n`);
    if (fixed.unwritable) failed = true;
    process.stderr.write(`leakhound: fixed ${fixed.fixed} problem${fixed.fixed === 1 ? '' : 's'} in ${fixed.files.length} file${fixed.files.length === 1 ? '' : 's'}\n`);
    if (fixed.files.length) {
      const again = new Map((await scanFiles(fixed.files, withModules)).map((r) => [r.filePath, r]));
      results = results.map((r) => again.get(r.filePath) ?? r);
      // The fixes moved lines: ask git again which ones changed.
      if (config.newFromRev !== undefined) changedSince = changedLinesIn(config.newFromRev, scanDirs(config.paths, cwd));
    }
  }
  results = [...results, ...unreadable];
  // File notices go to stderr, one line each, unless a human-readable report on stdout shows them.
  const noticesInReport = (config.format === 'pretty' || config.format === 'line') && !config.outputFile;
  // Indexes, not for…of: a loop over every file that runs once, mostly before V8 optimizes it
  // (an iterator result per step in unoptimized code).
  for (let i = 0; i < results.length; i++) {
    const r = results[i]!;
    for (let k = 0; k < r.notices.length; k++) {
      const n = r.notices[k]!;
      const where = n.line ? `${r.filePath}:${n.line}:${n.column ?? 1}` : r.filePath;
      if (!noticesInReport) process.stderr.write(`leakhound: ${printable(where)}: ${printable(n.message)}\n`);
      if (n.kind === 'read-error' || n.kind === 'rule-error') failed = true;
    }
  }
  const readText = textReader(cwd);
  if (config.writeBaseline) {
    let n;
    try {
      n = baselineMod!.writeBaseline(config.writeBaseline, results, { cwd, root, readText });
    } catch (e) {
      process.stderr.write(`leakhound: cannot write the baseline to ${printable(config.writeBaseline)}: ${errnoWords(e)}\n`);
      return EXIT.error;
    }
    process.stderr.write(`leakhound: wrote ${n} finding(s) to the baseline ${printable(config.writeBaseline)}\n`);
    return failed ? EXIT.error : EXIT.clean;
  }
  results = reported(results, readText);
  const out = await report(results, config, { cwd, root, rules: ruleList, failed, readText });
  try {
    if (config.outputFile) writeReportFile(config.outputFile, out);
    else process.stdout.write(out);
  } catch (e) {
    if (!(e instanceof OutputError)) throw e;
    process.stderr.write(`leakhound: ${e.message}\n`);
    return EXIT.error;
  }
  if (failed) return EXIT.error;
  return findingsExit(results, config.maxWarnings);
}

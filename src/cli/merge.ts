// `leakhound merge a.json b.json … [--format F] [-o FILE]`: joins the reports of sharded runs
// (`--shard K/N`) into the report one machine would have written, byte for byte.
// JSON inputs are read back into results and written by the ordinary reporters (so any
// output format works); SARIF inputs are joined as SARIF (rules united, results re-sorted).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { HELP, parseCli, UsageError, type Config } from './config.js';
import type { EslintResult } from '../report/eslint.js';
import type { AnyRule, Diagnostic, FileResult, Notice } from '../engine/types.js';
import { allRules } from '../../rules/index.js';
import { findRepoRoot } from './gitdiff.js';
import type { ReportContext } from './main.js';
import { findingsExit, textReader } from './results.js';
import { errnoWords, OutputError, writeReportFile } from './output.js';

type Reporter = (results: FileResult[], config: Config, ctx: ReportContext) => Promise<string>;

/** ESLint-shaped JSON back into results: the inverse of toEslintResults. */
export function fromEslintResults(input: EslintResult[]): FileResult[] {
  return input.map((r) => {
    const diagnostics: Diagnostic[] = [];
    const notices: Notice[] = [];
    for (const m of r.messages) {
      if (m.ruleId === null) {
        notices.push({ kind: m.fatal ? 'read-error' : 'parse-error', message: m.message, line: m.line, column: m.column });
        continue;
      }
      const d: Diagnostic = {
        ruleId: m.ruleId,
        severity: m.severity === 2 ? 'error' : 'warning',
        message: m.message,
        span: { start: { line: m.line, column: m.column }, end: { line: m.endLine ?? m.line, column: m.endColumn ?? m.column } },
      };
      if (m.related?.length) {
        d.related = m.related.map((x) => ({ span: { start: { line: x.line, column: x.column }, end: { line: x.endLine, column: x.endColumn } }, message: x.message }));
      }
      if (m.suggestions?.length) d.suggestions = m.suggestions.map((s) => ({ desc: s.desc, edits: [s.fix] }));
      diagnostics.push(d);
    }
    return { filePath: r.filePath, diagnostics, notices };
  });
}

/** Joins several runs' results: one entry per file (a file seen twice keeps its messages once). */
export function mergeResults(runs: FileResult[][]): FileResult[] {
  const byPath = new Map<string, FileResult>();
  for (const run of runs) {
    for (const r of run) {
      const had = byPath.get(r.filePath);
      if (!had) {
        byPath.set(r.filePath, { filePath: r.filePath, diagnostics: [...r.diagnostics], notices: [...r.notices] });
        continue;
      }
      const seen = new Set([...had.diagnostics, ...had.notices].map((x) => JSON.stringify(x)));
      for (const d of r.diagnostics) if (!seen.has(JSON.stringify(d))) had.diagnostics.push(d);
      for (const n of r.notices) if (!seen.has(JSON.stringify(n))) had.notices.push(n);
    }
  }
  return [...byPath.values()];
}

// ---- SARIF ----------------------------------------------------------------------------

interface SarifResult {
  ruleId?: string;
  ruleIndex?: number;
  message?: { text?: string };
  locations?: { physicalLocation?: { artifactLocation?: { uri?: string; index?: number }; region?: { startLine?: number; startColumn?: number } } }[];
  [k: string]: unknown;
}
interface SarifRun {
  tool: { driver: { rules?: { id: string }[]; [k: string]: unknown }; [k: string]: unknown };
  results?: SarifResult[];
  artifacts?: { location?: { uri?: string } }[];
  invocations?: { executionSuccessful?: boolean; toolExecutionNotifications?: unknown[]; [k: string]: unknown }[];
  [k: string]: unknown;
}
interface SarifLog {
  version: string;
  runs: SarifRun[];
  [k: string]: unknown;
}

export function isSarif(x: unknown): x is SarifLog {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && Array.isArray((x as SarifLog).runs);
}

const loc = (r: SarifResult) => r.locations?.[0]?.physicalLocation;
function compareSarif(a: SarifResult, b: SarifResult): number {
  const s = (x: string | undefined, y: string | undefined) => ((x ?? '') < (y ?? '') ? -1 : (x ?? '') > (y ?? '') ? 1 : 0);
  return (
    s(loc(a)?.artifactLocation?.uri, loc(b)?.artifactLocation?.uri) ||
    (loc(a)?.region?.startLine ?? 0) - (loc(b)?.region?.startLine ?? 0) ||
    (loc(a)?.region?.startColumn ?? 0) - (loc(b)?.region?.startColumn ?? 0) ||
    s(a.ruleId, b.ruleId) ||
    s(a.message?.text, b.message?.text)
  );
}

/** Joins SARIF logs run by run: rules united by id (ruleIndex remapped), artifacts united by uri, results sorted by location. */
export function mergeSarif(logs: SarifLog[]): SarifLog {
  const out = structuredClone(logs[0]!);
  out.runs.forEach((run, ri) => {
    const rules = run.tool.driver.rules ? [...run.tool.driver.rules] : undefined;
    const ruleAt = new Map(rules?.map((r, i) => [r.id, i]));
    const artifacts = run.artifacts ? [...run.artifacts] : undefined;
    const artAt = new Map(artifacts?.map((a, i) => [a.location?.uri, i]));
    const results: SarifResult[] = [...(run.results ?? [])];
    for (const log of logs.slice(1)) {
      const other = log.runs[ri];
      if (!other) continue;
      for (const r0 of other.results ?? []) {
        const r = structuredClone(r0);
        const rule = r.ruleIndex !== undefined ? other.tool.driver.rules?.[r.ruleIndex] : undefined;
        if (rule && rules) {
          if (!ruleAt.has(rule.id)) {
            ruleAt.set(rule.id, rules.length);
            rules.push(rule);
          }
          r.ruleIndex = ruleAt.get(rule.id)!;
        }
        const al = loc(r)?.artifactLocation;
        if (al?.index !== undefined && artifacts) {
          const art = other.artifacts?.[al.index];
          const uri = art?.location?.uri;
          if (!artAt.has(uri)) {
            artAt.set(uri, artifacts.length);
            artifacts.push(art!);
          }
          al.index = artAt.get(uri)!;
        }
        results.push(r);
      }
      const inv = run.invocations?.[0];
      const oinv = other.invocations?.[0];
      if (inv && oinv) {
        if (oinv.executionSuccessful === false) inv.executionSuccessful = false;
        if (oinv.toolExecutionNotifications?.length) inv.toolExecutionNotifications = [...(inv.toolExecutionNotifications ?? []), ...oinv.toolExecutionNotifications];
      }
    }
    // The joined log is the one a single machine writes: no shard label.
    const props = run.properties as Record<string, unknown> | undefined;
    if (props) {
      delete props.shard;
      if (Object.keys(props).length === 0) delete run.properties;
    }
    if (rules) run.tool.driver.rules = rules;
    if (artifacts) run.artifacts = artifacts;
    run.results = results.sort(compareSarif);
  });
  return out;
}

// ---- the subcommand -----------------------------------------------------------------------

function readReport(path: string): EslintResult[] | SarifLog {
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`merge: cannot read ${path}: ${errnoWords(e)}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    throw new UsageError(`merge: ${path} is not JSON (merge joins --format json or sarif reports)`);
  }
  if (Array.isArray(data) && data.every((r) => typeof r === 'object' && r && typeof r.filePath === 'string' && Array.isArray(r.messages))) {
    return data as EslintResult[];
  }
  if (isSarif(data)) return data;
  throw new UsageError(`merge: ${path} is neither a leakhound JSON report nor a SARIF log`);
}

/** `K/N` labels of the reports (undefined for a report that carries none: not a shard, or an empty one). */
function shardOf(r: EslintResult[] | SarifLog): string | undefined {
  if (isSarif(r)) {
    const p = r.runs[0]?.properties as { shard?: unknown } | undefined;
    return typeof p?.shard === 'string' ? p.shard : undefined;
  }
  return r.find((x) => typeof x.shard === 'string')?.shard;
}

/** A warning when the reports are not one whole set of shards, else undefined. */
export function missingShards(labels: (string | undefined)[]): string | undefined {
  const parsed = labels.map((l) => (l ? /^(\d+)\/(\d+)$/.exec(l) : null));
  const counts = new Set(parsed.filter((m) => m).map((m) => Number(m![2])));
  if (counts.size === 0) return undefined;
  if (counts.size > 1) return `the reports come from different shard counts (${[...counts].sort((a, b) => a - b).map((n) => `/${n}`).join(', ')}): the merged report is not one scan`;
  const n = [...counts][0]!;
  const seen = new Map<number, number>();
  for (const m of parsed) if (m) seen.set(Number(m[1]), (seen.get(Number(m[1])) ?? 0) + 1);
  const twice = [...seen].filter(([, c]) => c > 1).map(([k]) => k);
  if (twice.length) return `shard ${twice.map((k) => `${k}/${n}`).join(', ')} given more than once`;
  const missing = Array.from({ length: n }, (_, i) => i + 1).filter((k) => !seen.has(k));
  // A shard that scanned no file writes `[]`, which carries no label: it may be one of those.
  const unlabeled = labels.filter((l) => !l).length;
  if (missing.length > unlabeled) return `shard ${missing.map((k) => `${k}/${n}`).join(', ')} missing: the merged report covers only part of the files`;
  return undefined;
}

/**
 * JSON reports name files relative to the directory they were scanned from. Run from there,
 * the paths hold; run from elsewhere, a path is looked up beside the report file too, and
 * shown relative to here. Returns the results and how many files were found nowhere (SARIF
 * results for those carry no fingerprint).
 */
function locate(results: FileResult[], reportPath: string, cwd: string): { results: FileResult[]; lost: number } {
  const beside = dirname(resolve(cwd, reportPath));
  let lost = 0;
  const out = results.map((r) => {
    if (isAbsolute(r.filePath) || existsSync(resolve(cwd, r.filePath))) return r;
    const there = resolve(beside, r.filePath);
    if (!existsSync(there)) {
      lost++;
      return r;
    }
    const rel = relative(cwd, there);
    return { ...r, filePath: (rel.startsWith('..') || isAbsolute(rel) ? there : rel).split(sep).join('/') };
  });
  return { results: out, lost };
}

function write(config: Config, text: string): void {
  if (config.outputFile) writeReportFile(config.outputFile, text);
  else process.stdout.write(text);
}

export async function runMerge(argv: string[], report: Reporter, ruleList: AnyRule[] = allRules): Promise<number> {
  try {
    const explicitFormat = argv.some((a) => /^(-f|--format)(=.*)?$/.test(a) || /^-f./.test(a));
    const req = parseCli(argv, ruleList);
    if (req.kind === 'help') {
      process.stdout.write(HELP + '\n');
      return 0;
    }
    const inputs = req.config.paths;
    if (inputs.length === 0) throw new UsageError('merge: name the reports to join (leakhound merge a.json b.json …)');
    const reports = inputs.map(readReport);
    const sarif = reports.filter(isSarif);
    if (sarif.length && sarif.length !== reports.length) throw new UsageError('merge: cannot mix JSON and SARIF reports');
    const { config } = parseCli(explicitFormat ? argv : [...argv, '--format', sarif.length ? 'sarif' : 'json'], ruleList);
    const gap = missingShards(reports.map(shardOf));
    if (gap) process.stderr.write(`leakhound: merge: warning: ${gap}\n`);
    if (sarif.length) {
      if (config.format !== 'sarif') throw new UsageError('merge: SARIF reports can only be joined into SARIF (--format sarif)');
      const merged = mergeSarif(sarif);
      write(config, JSON.stringify(merged, null, 2) + '\n');
      let errors = 0;
      let warnings = 0;
      for (const run of merged.runs) for (const x of run.results ?? []) x.level === 'error' ? errors++ : warnings++;
      return errors > 0 || warnings > (config.maxWarnings ?? 0) ? 1 : 0;
    }
    const cwd = process.cwd();
    let lost = 0;
    const runs = (reports as EslintResult[][]).map((r, i) => {
      const found = locate(fromEslintResults(r), inputs[i]!, cwd);
      lost += found.lost;
      return found.results;
    });
    const results = mergeResults(runs);
    // A rule the shards ran (a config may turn on one that is off by default) is a rule of the report.
    for (const r of results) for (const d of r.diagnostics) if (config.rules[d.ruleId]) config.rules[d.ruleId]!.enabled = true;
    if (lost && config.format === 'sarif') {
      process.stderr.write(`leakhound: merge: warning: ${lost} file(s) named in the reports are found neither from here nor beside the reports: their SARIF results carry no fingerprint (run merge where the shards were scanned)\n`);
    }
    // SARIF paths are relative to the repository the files are in, wherever merge runs.
    const first = results.find((r) => existsSync(resolve(cwd, r.filePath)));
    const root = first ? findRepoRoot(dirname(resolve(cwd, first.filePath))) : undefined;
    const failed = results.some((r) => r.notices.some((n) => n.kind === 'read-error'));
    write(config, await report(results, config, { cwd, root, rules: ruleList, failed, readText: textReader(cwd) }));
    if (failed) return 2;
    return findingsExit(results, config.maxWarnings);
  } catch (e) {
    if (e instanceof UsageError || e instanceof OutputError) {
      process.stderr.write(`leakhound: ${e.message}\n${e instanceof UsageError ? "Try 'leakhound --help' for usage.\n" : ''}`);
      return 2;
    }
    throw e;
  }
}

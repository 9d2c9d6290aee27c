// `leakhound merge a.json b.json … [--format F] [-o FILE]`: joins the reports of sharded runs
// (`--shard K/N`) into the report one machine would have written, byte for byte.
// JSON inputs are read back into results and written by the ordinary reporters (so any
// output format works); SARIF inputs are joined as SARIF (rules united, results re-sorted).
import { readFileSync, writeFileSync } from 'node:fs';
import { HELP, parseCli, UsageError, type Config } from './config.js';
import type { EslintResult } from '../report/eslint.js';
import type { Diagnostic, FileResult, Notice } from '../engine/types.js';

type Reporter = (results: FileResult[], config: Config) => Promise<string>;

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
    throw new UsageError(`merge: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
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

export async function runMerge(argv: string[], report: Reporter): Promise<number> {
  try {
    const explicitFormat = argv.some((a) => /^(-f|--format)(=.*)?$/.test(a) || /^-f./.test(a));
    const req = parseCli(argv);
    if (req.kind === 'help') {
      process.stdout.write(HELP + '\n');
      return 0;
    }
    const inputs = req.config.paths;
    if (inputs.length === 0) throw new UsageError('merge: name the reports to join (leakhound merge a.json b.json …)');
    const reports = inputs.map(readReport);
    const sarif = reports.filter(isSarif);
    if (sarif.length && sarif.length !== reports.length) throw new UsageError('merge: cannot mix JSON and SARIF reports');
    const { config } = parseCli(explicitFormat ? argv : [...argv, '--format', sarif.length ? 'sarif' : 'json']);
    if (sarif.length) {
      if (config.format !== 'sarif') throw new UsageError('merge: SARIF reports can only be joined into SARIF (--format sarif)');
      const text = JSON.stringify(mergeSarif(sarif), null, 2) + '\n';
      if (config.outputFile) writeFileSync(config.outputFile, text);
      else process.stdout.write(text);
      const errors = sarif.some((l) => l.runs.some((r) => r.results?.some((x) => x.level === 'error')));
      return errors ? 1 : 0;
    }
    const results = mergeResults((reports as EslintResult[][]).map(fromEslintResults));
    const text = await report(results, config);
    if (config.outputFile) writeFileSync(config.outputFile, text);
    else process.stdout.write(text);
    if (results.some((r) => r.notices.some((n) => n.kind === 'read-error'))) return 2;
    const count = (sev: string) => results.reduce((n, r) => n + r.diagnostics.filter((d) => d.severity === sev).length, 0);
    if (count('error') > 0) return 1;
    if (config.maxWarnings !== undefined && count('warning') > config.maxWarnings) return 1;
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`leakhound: ${e.message}\nTry 'leakhound --help' for usage.\n`);
      return 2;
    }
    throw e;
  }
}


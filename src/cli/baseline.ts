// Baselines: `--write-baseline FILE` records today's findings, `--baseline FILE` reports only
// the ones that are not recorded. A finding is keyed by file (relative to the repository
// root), rule and a fingerprint of its message and the text of its line with whitespace
// removed, so it survives lines moving; each key has a count, so a second identical finding
// on another line is new.
import { createHash } from '../engine/hash.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import type { Diagnostic, FileResult } from '../engine/types.js';
import { errnoWords } from './output.js';

export class BaselineError extends Error {
  override name = 'BaselineError';
}

export interface BaselineFile {
  version: 1;
  /** path → rule id → fingerprint → count */
  findings: Record<string, Record<string, Record<string, number>>>;
}

export function fingerprint(d: Diagnostic, lines: string[]): string {
  const line = (lines[d.span.start.line - 1] ?? '').replace(/\s+/g, '');
  return createHash('sha256').update(`${line}\0${d.message}`).digest('hex').slice(0, 16);
}

export interface BaselineContext {
  cwd: string;
  /** Paths in the baseline are relative to this directory (the repository root). */
  root: string;
  readText: (filePath: string) => string | undefined;
}

function keyPath(filePath: string, ctx: BaselineContext): string {
  return relative(ctx.root, resolve(ctx.cwd, filePath)).split(sep).join('/');
}

function linesOf(filePath: string, ctx: BaselineContext): string[] {
  return (ctx.readText(filePath) ?? '').split(/\r?\n|\r/);
}

export function buildBaseline(results: FileResult[], ctx: BaselineContext): BaselineFile {
  const findings: BaselineFile['findings'] = {};
  const sorted = [...results].sort((a, b) => (keyPath(a.filePath, ctx) < keyPath(b.filePath, ctx) ? -1 : 1));
  for (const r of sorted) {
    if (!r.diagnostics.length) continue;
    const lines = linesOf(r.filePath, ctx);
    const byRule: Record<string, Record<string, number>> = {};
    for (const d of [...r.diagnostics].sort((a, b) => (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0))) {
      const fp = fingerprint(d, lines);
      const rule = (byRule[d.ruleId] ??= {});
      rule[fp] = (rule[fp] ?? 0) + 1;
    }
    findings[keyPath(r.filePath, ctx)] = byRule;
  }
  return { version: 1, findings };
}

export function writeBaseline(file: string, results: FileResult[], ctx: BaselineContext): number {
  const b = buildBaseline(results, ctx);
  writeFileSync(file, JSON.stringify(b, null, 2) + '\n');
  return results.reduce((n, r) => n + r.diagnostics.length, 0);
}

export function readBaseline(file: string): BaselineFile {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new BaselineError(`--baseline: ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.code ? errnoWords(err) : 'invalid JSON'}`);
  }
  const b = data as BaselineFile;
  const ok =
    typeof b === 'object' &&
    b !== null &&
    b.version === 1 &&
    typeof b.findings === 'object' &&
    b.findings !== null &&
    Object.values(b.findings).every(
      (rules) =>
        typeof rules === 'object' &&
        rules !== null &&
        Object.values(rules).every((fps) => typeof fps === 'object' && fps !== null && Object.values(fps).every((n) => Number.isInteger(n))),
    );
  if (!ok) throw new BaselineError(`--baseline: ${file}: not a leakhound baseline (write one with --write-baseline)`);
  return b;
}

/** The results without the findings the baseline records (each recorded count absorbs that many). */
export function filterBaseline(results: FileResult[], baseline: BaselineFile, ctx: BaselineContext): FileResult[] {
  return results.map((r) => {
    const known = baseline.findings[keyPath(r.filePath, ctx)];
    if (!known || !r.diagnostics.length) return r;
    const budget = new Map<string, number>();
    for (const [rule, fps] of Object.entries(known)) for (const [fp, n] of Object.entries(fps)) budget.set(`${rule}\0${fp}`, n);
    const lines = linesOf(r.filePath, ctx);
    const diagnostics = r.diagnostics.filter((d) => {
      const key = `${d.ruleId}\0${fingerprint(d, lines)}`;
      const left = budget.get(key) ?? 0;
      if (left <= 0) return true;
      budget.set(key, left - 1);
      return false;
    });
    return { ...r, diagnostics };
  });
}

// What the command line concludes from results, shared by a scan and by `merge`: the exit
// code, and the file text that fingerprints are computed from.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FileResult } from '../engine/types.js';
import { DIRECTIVE_RULE_ID } from '../engine/suppressions.js';
import type { RuleSetting } from './config.js';

export const EXIT = { clean: 0, findings: 1, error: 2 } as const;

/** File text for fingerprints (SARIF, baselines), read once per file. */
export function textReader(cwd: string): (filePath: string) => string | undefined {
  const cache = new Map<string, string | undefined>();
  return (f) => {
    if (!cache.has(f)) {
      try {
        cache.set(f, readFileSync(resolve(cwd, f), 'utf8'));
      } catch {
        cache.set(f, undefined);
      }
    }
    return cache.get(f);
  };
}

/** The one exit rule: 1 when anything is reported (errors, or more warnings than --max-warnings, default 0), else 0. */
export function findingsExit(results: FileResult[], maxWarnings = 0): number {
  let errors = 0;
  let warnings = 0;
  // Indexes: once per file of the run, mostly unoptimized (see main.ts's loop over notices).
  for (let i = 0; i < results.length; i++) {
    const ds = results[i]!.diagnostics;
    for (let k = 0; k < ds.length; k++) ds[k]!.severity === 'error' ? errors++ : warnings++;
  }
  return errors > 0 || warnings > maxWarnings ? EXIT.findings : EXIT.clean;
}


/** The config file's verdict on directive problems (`leakhound-directive`: off, or a severity). */
export function applyDirectiveSetting(results: FileResult[], directives: RuleSetting | undefined): FileResult[] {
  if (!directives) return results;
  return results.map((r) => ({
    ...r,
    diagnostics: r.diagnostics
      .filter((d) => d.ruleId !== DIRECTIVE_RULE_ID || directives.enabled)
      .map((d) => (d.ruleId === DIRECTIVE_RULE_ID ? { ...d, severity: directives.severity } : d)),
  }));
}

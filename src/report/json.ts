// `--format json`: ESLint's JSON shape, sorted by path, line, column and rule, so that the
// same input always gives the same bytes. A --shard run marks each result with `shard: "K/N"`
// (an extra key, as ESLint's results have several) so that `merge` can tell a shard is missing.
import type { FileResult } from '../engine/types.js';
import { toEslintResults } from './eslint.js';

export function formatJson(results: FileResult[], shard?: string): string {
  const out = toEslintResults(results);
  return JSON.stringify(shard ? out.map((r) => ({ ...r, shard })) : out, null, 2) + '\n';
}

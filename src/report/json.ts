// `--format json`: ESLint's JSON shape, sorted by path, line, column and rule, so that the
// same input always gives the same bytes.
import type { FileResult } from '../engine/types.js';
import { toEslintResults } from './eslint.js';

export function formatJson(results: FileResult[]): string {
  return JSON.stringify(toEslintResults(results), null, 2) + '\n';
}

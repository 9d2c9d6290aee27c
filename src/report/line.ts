// `--format line` (alias `unix`): one line per finding, `file:line:col: message (rule-id)`, as
// go vet and staticcheck print them, for editors' quickfix lists and grep. File problems are
// `file:line:col: message`. Sorted like the JSON output; file names and messages printable.
import type { FileResult } from '../engine/types.js';
import { toEslintResults } from './eslint.js';
import { printableResults } from './printable.js';

export function formatLine(results: FileResult[]): string {
  let out = '';
  for (const r of toEslintResults(printableResults(results))) {
    for (const m of r.messages) out += `${r.filePath}:${m.line}:${m.column}: ${m.message}${m.ruleId ? ` (${m.ruleId})` : ''}\n`;
  }
  return out;
}

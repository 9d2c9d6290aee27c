// `--format pretty`: eslint-formatter-pretty, grouped by file. Colors follow --color /
// --no-color (chalk reads FORCE_COLOR when it is first imported). File names and messages are
// made printable first (control characters escaped).
import type { FileResult } from '../engine/types.js';
import { toEslintResults } from './eslint.js';
import { printableResults } from './printable.js';

export async function formatPretty(results: FileResult[], color: boolean, docsUrl: (ruleId: string) => string): Promise<string> {
  const eslint = toEslintResults(printableResults(results)).filter((r) => r.messages.length > 0);
  if (eslint.length === 0) return ''; // nothing to show: don't load the formatter
  process.env.FORCE_COLOR = color ? '1' : '0';
  const { default: pretty } = await import('eslint-formatter-pretty');
  const rulesMeta: Record<string, { docs: { url: string } }> = {};
  for (const r of eslint) for (const m of r.messages) if (m.ruleId) rulesMeta[m.ruleId] = { docs: { url: docsUrl(m.ruleId) } };
  // eslint-formatter-pretty's types expect ESLint's own LintResult; ours is the same shape.
  const out = (pretty as unknown as (r: unknown, d: unknown) => string)(eslint, { rulesMeta });
  return out ? out + '\n' : '';
}

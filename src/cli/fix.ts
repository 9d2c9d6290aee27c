// Applies suggested fixes to file text: the first suggestion of each diagnostic, edits that
// overlap an earlier one are left for the next run (like ESLint's fix passes).
import type { Diagnostic, TextEdit } from '../engine/types.js';

export function applyEdits(text: string, edits: TextEdit[]): { text: string; applied: number } {
  const sorted = [...edits].sort((a, b) => a.range[0] - b.range[0] || a.range[1] - b.range[1]);
  let out = '';
  let pos = 0;
  let applied = 0;
  let lastKey = '';
  for (const e of sorted) {
    const key = `${e.range[0]}:${e.range[1]}:${e.text}`;
    if (key === lastKey) continue; // the same edit twice (two diagnostics, one fix)
    if (e.range[0] < pos) continue;
    out += text.slice(pos, e.range[0]) + e.text;
    pos = e.range[1];
    applied++;
    lastKey = key;
  }
  return { text: out + text.slice(pos), applied };
}

export function fixEdits(diagnostics: Diagnostic[]): TextEdit[] {
  return diagnostics.flatMap((d) => d.suggestions?.[0]?.edits ?? []);
}

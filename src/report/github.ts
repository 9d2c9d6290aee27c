// `--format github`: GitHub Actions workflow commands that become annotations on the pull
// request, e.g. `::error file=a.go,line=3,col=2,endLine=3,endColumn=9,title=leakhound(rule)::msg`.
// Escaping follows the runner's toolkit: % CR LF in the message; also : and , in properties.
// Other control characters (escape sequences) are written as escapes first; the newlines
// that join a finding to its related locations stay newlines (%0A).
// File names are relative to the repository root (GitHub resolves them there), whatever the
// working directory.
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { FileResult, Notice } from '../engine/types.js';
import { printable } from './printable.js';

export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function command(kind: 'error' | 'warning' | 'notice', props: Record<string, string | number | undefined>, message: string): string {
  const p = Object.entries(props)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
    .join(',');
  return `::${kind} ${p}::${escapeData(message)}\n`;
}

function noticeKind(n: Notice): 'error' | 'warning' | 'notice' {
  return n.kind === 'read-error' || n.kind === 'rule-error' ? 'error' : n.kind === 'parse-error' ? 'warning' : 'notice';
}

/** `filePath` (relative to `cwd`) as GitHub wants it: relative to the repository root. */
function fromRoot(filePath: string, where: { cwd: string; root: string }): string {
  const rel = relative(where.root, resolve(where.cwd, filePath));
  return rel.startsWith('..') || isAbsolute(rel) ? filePath : rel.split(sep).join('/');
}

export function formatGithub(results: FileResult[], where = { cwd: '.', root: '.' }): string {
  let out = '';
  const sorted = [...results].sort((a, b) => (a.filePath < b.filePath ? -1 : a.filePath > b.filePath ? 1 : 0));
  for (const r of sorted) {
    const file = printable(fromRoot(r.filePath, where));
    for (const d of r.diagnostics) {
      const related = (d.related ?? []).map((x) => `\n${file}:${x.span.start.line}:${x.span.start.column}: ${printable(x.message)}`).join('');
      out += command(
        d.severity,
        {
          file,
          line: d.span.start.line,
          col: d.span.start.column,
          endLine: d.span.end.line,
          endColumn: d.span.end.column,
          title: `leakhound(${d.ruleId})`,
        },
        printable(d.message) + related,
      );
    }
    for (const n of r.notices) {
      out += command(noticeKind(n), { file, line: n.line, col: n.column, title: 'leakhound' }, printable(n.message));
    }
  }
  return out;
}

// Our results in ESLint's result shape, the one eslint-formatter-pretty and the JSON
// output share: 1-based lines and columns, severity 2 = error, 1 = warning.
import type { Diagnostic, FileResult, Notice } from '../engine/types.js';

export interface EslintSuggestion {
  desc: string;
  fix: { range: [number, number]; text: string };
}

export interface EslintMessage {
  ruleId: string | null;
  severity: 1 | 2;
  message: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  fatal?: boolean;
  related?: { line: number; column: number; endLine: number; endColumn: number; message: string }[];
  suggestions?: EslintSuggestion[];
}

export interface EslintResult {
  filePath: string;
  messages: EslintMessage[];
  errorCount: number;
  warningCount: number;
  /** `K/N` in the report of a --shard run. */
  shard?: string;
}

function fromDiagnostic(d: Diagnostic): EslintMessage {
  const m: EslintMessage = {
    ruleId: d.ruleId,
    severity: d.severity === 'error' ? 2 : 1,
    message: d.message,
    line: d.span.start.line,
    column: d.span.start.column,
    endLine: d.span.end.line,
    endColumn: d.span.end.column,
  };
  if (d.related?.length) {
    m.related = d.related.map((r) => ({
      line: r.span.start.line,
      column: r.span.start.column,
      endLine: r.span.end.line,
      endColumn: r.span.end.column,
      message: r.message,
    }));
  }
  if (d.suggestions?.length) {
    m.suggestions = d.suggestions.flatMap((s) => s.edits.map((e) => ({ desc: s.desc, fix: { range: e.range, text: e.text } })));
  }
  return m;
}

/** A notice as ESLint shows a file problem: no rule id; read errors are fatal. */
function fromNotice(n: Notice): EslintMessage {
  const fatal = n.kind === 'read-error' || n.kind === 'rule-error';
  return {
    ruleId: null,
    severity: fatal ? 2 : 1,
    message: n.message,
    line: n.line ?? 1,
    column: n.column ?? 1,
    ...(fatal ? { fatal: true } : {}),
  };
}

export function toEslintResults(results: FileResult[]): EslintResult[] {
  return [...results]
    .sort((a, b) => (a.filePath < b.filePath ? -1 : a.filePath > b.filePath ? 1 : 0))
    .map((r) => {
      // Most files of a big run have nothing to say.
      if (!r.diagnostics.length && !r.notices.length) return { filePath: r.filePath, messages: [], errorCount: 0, warningCount: 0 };
      const messages = [...r.diagnostics.map(fromDiagnostic), ...r.notices.map(fromNotice)].sort(
        (a, b) =>
          a.line - b.line ||
          a.column - b.column ||
          String(a.ruleId ?? '').localeCompare(String(b.ruleId ?? '')) ||
          (a.message < b.message ? -1 : a.message > b.message ? 1 : 0),
      );
      return {
        filePath: r.filePath,
        messages,
        errorCount: messages.filter((m) => m.severity === 2).length,
        warningCount: messages.filter((m) => m.severity === 1).length,
      };
    });
}

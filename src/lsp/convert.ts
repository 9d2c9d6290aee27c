// leakhound's results in the protocol's terms: findings as diagnostics (the rule id as the
// code, linked to its docs page; related locations as relatedInformation), file notices as
// one informational line, and code actions made from a finding's suggestions, from a
// suppression directive, and from all fixes at once (exactly what `--fix` writes).
import type { TextDocument } from 'vscode-languageserver-textdocument';
import {
  CodeActionKind,
  DiagnosticSeverity,
  type CodeAction,
  type Diagnostic as LspDiagnostic,
  type Range,
  type TextEdit as LspTextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import { chooseEdits, fixesOf } from '../cli/fix.js';
import { docsUrl } from '../report/docs.js';
import { DIRECTIVE_RULE_ID, parseDirectives } from '../engine/suppressions.js';
import type { Diagnostic, Notice, Span, TextEdit } from '../engine/types.js';

export const SOURCE = 'leakhound';
/** The kind of the action that applies every fix of a file, as `--fix` does. */
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.leakhound`;

export function rangeOf(span: Span): Range {
  return {
    start: { line: span.start.line - 1, character: span.start.column - 1 },
    end: { line: span.end.line - 1, character: span.end.column - 1 },
  };
}

export function toLsp(d: Diagnostic, uri: string): LspDiagnostic {
  const out: LspDiagnostic = {
    range: rangeOf(d.span),
    severity: d.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    code: d.ruleId,
    codeDescription: { href: docsUrl(d.ruleId) },
    source: SOURCE,
    message: d.message,
  };
  if (d.related?.length) {
    out.relatedInformation = d.related.map((r) => ({ location: { uri, range: rangeOf(r.span) }, message: r.message }));
  }
  return out;
}

/** A notice about the file itself (binary, too large, a rule that failed): one informational line. */
export function noticeToLsp(n: Pick<Notice, 'message' | 'line' | 'column'>): LspDiagnostic {
  const at = { line: (n.line ?? 1) - 1, character: (n.column ?? 1) - 1 };
  return { range: { start: at, end: at }, severity: DiagnosticSeverity.Information, source: SOURCE, message: n.message };
}

function before(a: Range['start'], b: Range['start']): boolean {
  return a.line < b.line || (a.line === b.line && a.character <= b.character);
}

/** True when a finding's range touches the range the client asks about (a cursor is an empty one). */
export function touches(d: Diagnostic, r: Range): boolean {
  const own = rangeOf(d.span);
  return before(own.start, r.end) && before(r.start, own.end);
}

function lspEdits(doc: TextDocument, edits: TextEdit[]): LspTextEdit[] {
  return edits.map((e) => ({ range: { start: doc.positionAt(e.range[0]), end: doc.positionAt(e.range[1]) }, newText: e.text }));
}

/** A workspace edit on one document, pinned to the version analysed when the client can check it. */
export function editOf(doc: TextDocument, edits: LspTextEdit[], versioned: boolean): WorkspaceEdit {
  if (versioned) return { documentChanges: [{ textDocument: { uri: doc.uri, version: doc.version }, edits }] };
  return { changes: { [doc.uri]: edits } };
}

/**
 * The edit that suppresses one finding: `//leakhound:ignore <rule>` on a line of its own
 * before the finding's line, indented like it. The reason is left for the user to write:
 * a directive without one is reported (leakhound-directive) until it has one, so a click
 * cannot hide a finding without a word of why.
 *
 *   //leakhound:ignore other-rule why        a directive already there covers that line:
 *   x := f()                                 the rule joins its list instead
 *                                            (//leakhound:ignore other-rule,rule why)
 */
export function suppressionEdit(doc: TextDocument, d: Diagnostic): LspTextEdit {
  const row = d.span.start.line - 1;
  const lineText = (r: number) => doc.getText({ start: { line: r, character: 0 }, end: { line: r + 1, character: 0 } }).replace(/\r?\n$/, '');
  const prev = row > 0 ? parseDirectives(lineText(row - 1), () => true)[0] : undefined;
  if (prev?.ownLine) {
    const m = /(\/\/ ?leakhound:ignore[ \t]+)([\w,-]+)/.exec(lineText(row - 1));
    if (prev.kind === 'ignore' && m) {
      const at = { line: row - 1, character: m.index + m[0].length };
      return { range: { start: at, end: at }, newText: `,${d.ruleId}` };
    }
    // Another tool's directive covers the line: a comment at the end of the line leaves it be.
    const eol = { line: row, character: lineText(row).length };
    return { range: { start: eol, end: eol }, newText: ` //leakhound:ignore ${d.ruleId}` };
  }
  const indent = /^[ \t]*/.exec(lineText(row))![0];
  const at = { line: row, character: 0 };
  return { range: { start: at, end: at }, newText: `${indent}//leakhound:ignore ${d.ruleId}\n` };
}

/** Quick fixes for one finding: each suggestion (the first preferred), then its suppression. */
export function quickFixes(doc: TextDocument, d: Diagnostic, versioned: boolean): CodeAction[] {
  const diagnostics = [toLsp(d, doc.uri)];
  const out: CodeAction[] = (d.suggestions ?? []).map((s, i) => ({
    title: s.desc,
    kind: CodeActionKind.QuickFix,
    diagnostics,
    isPreferred: i === 0,
    edit: editOf(doc, lspEdits(doc, s.edits), versioned),
  }));
  if (d.ruleId !== DIRECTIVE_RULE_ID) {
    out.push({
      title: `Suppress ${d.ruleId} here with //leakhound:ignore (then write the reason)`,
      kind: CodeActionKind.QuickFix,
      diagnostics,
      edit: editOf(doc, [suppressionEdit(doc, d)], versioned),
    });
  }
  return out;
}

/** Every finding's first suggestion that fits with the others: the edits `--fix` makes. */
export function fixAll(doc: TextDocument, findings: Diagnostic[], versioned: boolean): CodeAction | undefined {
  const { edits, fixes } = chooseEdits(fixesOf(findings));
  if (fixes === 0) return undefined;
  return {
    title: `Fix all leakhound problems (${fixes})`,
    kind: FIX_ALL_KIND,
    edit: editOf(doc, lspEdits(doc, edits), versioned),
  };
}

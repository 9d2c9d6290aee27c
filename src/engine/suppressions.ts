// Inline suppressions, found with a text search (never a tree walk):
//
//   c, _ := pkg.NewClient(ctx) //leakhound:ignore unclosed-client closed by the caller's Stop
//   //leakhound:ignore unclosed-client closed by the caller's Stop      (the line before)
//   //leakhound:file-ignore unbounded-read inputs are size-checked by the proxy
//   c, _ := pkg.NewClient(ctx) //nolint:unclosed-client // closed by Stop   (golangci-lint style;
//                                                       also //nolint:leakhound, //nolint:a,b)
//   //lint:ignore unclosed-client closed by Stop                       (staticcheck style; also
//   //lint:file-ignore unbounded-read bodies are size-limited            lint:ignore SA1000,leakhound)
//
// A space after the slashes (`// leakhound:ignore`, `// nolint`) is accepted: it is an easy
// slip, and a directive that silently did nothing would be worse.
//
// A directive alone on its line covers the next line; one after code covers its own line.
// As in golangci-lint, a //nolint alone on the line before a top-level declaration covers the
// whole declaration (found from gofmt's layout: it ends at the first `}` or `)` in column 1).
// A directive without a reason, one naming an unknown rule, or one that suppressed nothing
// is reported as a warning of the pseudo-rule `leakhound-directive`. A bare `//nolint`, or
// one naming only other linters (or a //lint:ignore naming only staticcheck's checks), belongs
// to that tool: it is honoured (bare) or ignored, never reported. When a directive names other
// tools' checks beside ours, the advice keeps their part.
import { compareDiagnostics } from './scan.js';
import type { Diagnostic, FileResult, RuleMeta, Span } from './types.js';

export const DIRECTIVE_RULE_ID = 'leakhound-directive';

/** Descriptor of the pseudo-rule that reports bad directives (for SARIF and docs). */
export const directiveRule: Pick<RuleMeta, 'id' | 'title' | 'severity' | 'precision' | 'tags' | 'docs'> = {
  id: DIRECTIVE_RULE_ID,
  title: 'Suppression directive without a reason or without effect',
  severity: 'warning',
  precision: 'very-high',
  tags: ['maintainability'],
  docs: {
    whatItDoes:
      'Reports a //leakhound:ignore, //leakhound:file-ignore or //nolint directive that gives no reason, names an unknown rule, or suppressed nothing.',
    whyIsThisBad:
      'A suppression without a reason cannot be reviewed, and one that suppresses nothing hides the next real finding on that line.',
    example: 'c, _ := storage.NewClient(ctx) //leakhound:ignore unclosed-client\n',
    useInstead: 'c, _ := storage.NewClient(ctx) //leakhound:ignore unclosed-client closed by the server Stop hook\n',
  },
};

export interface Directive {
  kind: 'ignore' | 'file-ignore' | 'nolint' | 'lint-ignore' | 'lint-file-ignore';
  /** The directive as written, up to the reason (for messages). */
  head: string;
  /** Rule ids named; `all` for `//nolint:leakhound` and a bare `//nolint`. */
  rules: string[] | 'all';
  /** Other tools' names in the same list (`errcheck` in //nolint:errcheck,leakhound). */
  others: string[];
  reason: string;
  /** 1-based line of the comment. */
  line: number;
  /** True when only whitespace precedes the comment on its line. */
  ownLine: boolean;
  /** The last line it covers (a //nolint before a declaration covers all of it). */
  until: number;
  span: Span;
  /** Whether leakhound should report problems with it (false for other linters' nolint). */
  ours: boolean;
}

const DIRECTIVE = /\/\/ ?(leakhound:(?:file-)?ignore\b|nolint\b|lint:(?:file-)?ignore\b)([^\r\n]*)/g;

/** The words every directive holds (`lint` covers nolint and lint:ignore). */
export const DIRECTIVE_MARKS = ['leakhound:', 'lint'];

/** Cheap check before any regexp work. */
export function mayHaveDirectives(text: string): boolean {
  return DIRECTIVE_MARKS.some((w) => text.includes(w));
}

/** True when `prefix` (the line before a `//`) leaves us inside a string literal. */
function inString(prefix: string): boolean {
  let quotes = 0;
  for (let i = 0; i < prefix.length; i++) {
    const c = prefix[i];
    if (c === '\\') i++;
    else if (c === '"') quotes++;
  }
  return quotes % 2 === 1 || (prefix.split('`').length - 1) % 2 === 1;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function lineOf(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Every directive in the file; `isOurs(id)` tells leakhound rule ids from other linters' names. */
export function parseDirectives(text: string, isOurs: (name: string) => boolean, mayHave = mayHaveDirectives(text)): Directive[] {
  if (!mayHave) return [];
  const out: Directive[] = [];
  let starts: number[] | undefined;
  for (const m of text.matchAll(DIRECTIVE)) {
    starts ??= lineStarts(text);
    const at = m.index!;
    const row = lineOf(starts, at);
    const prefix = text.slice(starts[row], at);
    if (inString(prefix)) continue;
    const word = m[1]!.trim();
    const rest = m[2]!;
    const end = at + m[0].length;
    const span: Span = {
      start: { line: row + 1, column: at - starts[row]! + 1 },
      end: { line: row + 1, column: end - starts[row]! + 1 },
    };
    const ownLine = prefix.trim() === '';
    const base = { line: row + 1, ownLine, until: ownLine ? row + 2 : row + 1, span };
    if (word === 'nolint') {
      // //nolint, //nolint:a,b, each optionally followed by `// reason`
      const list = /^:([\w,-]+)/.exec(rest);
      const names = list ? list[1]!.split(',').filter(Boolean) : [];
      const after = rest.slice(list ? list[0].length : 0);
      if (/^\w/.test(after)) continue; // `//nolintfoo`: not a directive
      const reason = /^\s*\/\/(.*)$/.exec(after)?.[1]?.trim() ?? '';
      const mine = names.filter((n) => n === 'leakhound' || isOurs(n));
      const rules = !list || mine.includes('leakhound') ? 'all' : mine;
      if (rules !== 'all' && rules.length === 0) continue; // only other linters
      if (ownLine) base.until = declarationEnd(text, starts, row + 1) ?? base.until;
      const others = names.filter((n) => !mine.includes(n));
      out.push({ ...base, kind: 'nolint', head: `//nolint${list ? list[0] : ''}`, rules, others, reason, ours: !!list });
    } else if (word.startsWith('lint:')) {
      // staticcheck: //lint:ignore Check1,Check2 reason; names that are not ours are its checks.
      const kind = word === 'lint:ignore' ? 'lint-ignore' : 'lint-file-ignore';
      const parts = /^\s+([\w,-]+)\s*(.*)$/.exec(rest);
      if (!parts) continue; // nothing of ours named (staticcheck reports its own malformed directives)
      const names = parts[1]!.split(',').filter(Boolean);
      const mine = names.filter((n) => n === 'leakhound' || isOurs(n));
      if (mine.length === 0) continue;
      const others = names.filter((n) => !mine.includes(n));
      const rules = mine.includes('leakhound') ? 'all' : mine;
      out.push({ ...base, kind, head: `//${word} ${names.join(',')}`, rules, others, reason: parts[2]!.trim(), ours: true });
    } else {
      const kind = word === 'leakhound:ignore' ? 'ignore' : 'file-ignore';
      const parts = /^\s+([\w,-]+)?\s*(.*)$/.exec(rest);
      if (!parts && rest !== '') continue; // `//leakhound:ignored…`
      const ids = parts?.[1]?.split(',').filter(Boolean) ?? [];
      out.push({ ...base, kind, head: `//${word}${ids.length ? ' ' + ids.join(',') : ''}`, rules: ids, others: [], reason: parts?.[2]?.trim() ?? '', ours: true });
    }
  }
  return out;
}

/**
 * The last line (1-based) of the top-level declaration that starts on 0-based line `row`,
 * read from gofmt's layout; undefined when no declaration starts there.
 */
function declarationEnd(text: string, starts: number[], row: number): number | undefined {
  const lineText = (r: number) => text.slice(starts[r], (starts[r + 1] ?? text.length + 1) - 1).replace(/\r$/, '');
  if (row >= starts.length) return undefined;
  const first = lineText(row);
  if (!/^(func|type|var|const)\b/.test(first)) return undefined;
  if (!/[{(]\s*(\/\/.*)?$/.test(first)) return row + 1;
  for (let r = row + 1; r < starts.length; r++) {
    if (/^[})]/.test(lineText(r))) return r + 1;
  }
  return undefined;
}

function covers(d: Directive, diag: Diagnostic): boolean {
  if (d.rules !== 'all' && !d.rules.includes(diag.ruleId)) return false;
  if (d.kind === 'file-ignore' || d.kind === 'lint-file-ignore') return true;
  const line = diag.span.start.line;
  return line >= d.line && line <= d.until;
}

/** How to remove leakhound's part of a directive that suppressed nothing, keeping other tools' part. */
function removal(d: Directive): string {
  if (d.others.length === 0) return 'remove it';
  const ours = d.rules === 'all' ? 'leakhound' : d.rules.join(',');
  const kept = d.kind === 'nolint' ? `//nolint:${d.others.join(',')}` : `//${d.kind === 'lint-ignore' ? 'lint:ignore' : 'lint:file-ignore'} ${d.others.join(',')}`;
  return `remove ${ours} from it and keep ${kept}`;
}

function problem(d: Directive, message: string): Diagnostic {
  return { ruleId: DIRECTIVE_RULE_ID, severity: 'warning', message, span: d.span };
}

export interface SuppressionOptions {
  /** Ids of the rules that ran on this file (only their directives can be unused). */
  active: ReadonlySet<string>;
  /** Every rule id leakhound knows (undefined: don't check names). */
  known?: ReadonlySet<string>;
  /** Whether the text holds a DIRECTIVE_MARKS word, when a search of it already told. */
  mayHave?: boolean;
}

/**
 * Drops the diagnostics that directives suppress and adds one warning per bad directive.
 */
export function applySuppressions(result: FileResult, text: string, opts: SuppressionOptions): FileResult {
  const isOurs = (n: string) => opts.known?.has(n) ?? opts.active.has(n);
  const directives = parseDirectives(text, isOurs, opts.mayHave ?? mayHaveDirectives(text));
  if (directives.length === 0) return result;
  const used = new Set<Directive>();
  const kept = result.diagnostics.filter((diag) => {
    const by = directives.filter((d) => covers(d, diag));
    for (const d of by) used.add(d);
    return by.length === 0;
  });
  const problems: Diagnostic[] = [];
  for (const d of directives) {
    if (!d.ours) continue;
    if (d.rules !== 'all' && d.rules.length === 0) {
      problems.push(problem(d, `directive ${d.head} names no rule; write ${d.head} <rule-id> <reason>`));
      continue;
    }
    const unknown = d.rules === 'all' || !opts.known ? [] : d.rules.filter((id) => !opts.known!.has(id));
    for (const id of unknown) {
      problems.push(problem(d, `directive ${d.head} names unknown rule '${id}'; leakhound --list-rules lists the rule ids`));
    }
    if (!d.reason) {
      const example = d.kind === 'nolint' ? `${d.head} // <why this finding does not apply>` : `${d.head} <why this finding does not apply>`;
      problems.push(problem(d, `directive ${d.head} gives no reason; write ${example}`));
    }
    const ran = d.rules === 'all' ? opts.active.size > 0 : d.rules.some((id) => opts.active.has(id));
    if (ran && !used.has(d)) problems.push(problem(d, `directive ${d.head} suppressed nothing; ${removal(d)}`));
  }
  return { ...result, diagnostics: [...kept, ...problems].sort(compareDiagnostics) };
}

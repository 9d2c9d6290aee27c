// Control characters in file names and messages are escaped in every human-readable output
// (pretty, line, github, the notices on stderr): a file name holding a newline and `::error`
// would otherwise become a GitHub Actions workflow command, and escape sequences would reach
// the terminal. JSON and SARIF escape them already.
import type { FileResult } from '../engine/types.js';

// C0 and C1 controls, DEL, line and paragraph separators, and the bidirectional overrides
// and isolates that reorder what a reader sees (Trojan Source).
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `s` with control characters written as escapes (`\n`, `\x1b`, `\u202e`), as Go's %q would. */
export function printable(s: string): string {
  return s.replace(CONTROL, (c) => NAMED[c] ?? (c.charCodeAt(0) < 0x100 ? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}` : `\\u${c.charCodeAt(0).toString(16)}`));
}

/** The results with every file name and message made printable. */
export function printableResults(results: FileResult[]): FileResult[] {
  return results.map((r) => ({
    filePath: printable(r.filePath),
    diagnostics: r.diagnostics.map((d) => ({
      ...d,
      message: printable(d.message),
      ...(d.related ? { related: d.related.map((x) => ({ ...x, message: printable(x.message) })) } : {}),
    })),
    notices: r.notices.map((n) => ({ ...n, message: printable(n.message) })),
  }));
}

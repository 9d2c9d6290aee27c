// The top-level declarations of a Go file, found from its text alone: one pass over the
// characters that skips comments, strings and runes, follows bracket depth and Go's
// automatic semicolons. No tree: this is what decides which declarations get parsed at all.
//
//   package p                      ← package clause  (a declaration starts at depth 0,
//   import "net/http"              ← import             as the first token after a
//   func (s *srv) Serve() { … }    ← method Serve       statement end)
//   var f = func() { … }           ← var: the func literal is inside it
//
// Offsets are UTF-16 code units (JS string indices), the unit web-tree-sitter uses for a tree
// parsed from a JS string; rows and columns are 0-based, columns in the same unit.

export type DeclKind = 'package' | 'import' | 'func' | 'method' | 'var' | 'const' | 'type' | 'other';

export interface Decl {
  kind: DeclKind;
  /** The function's or method's name (empty for other kinds, or when it has none). */
  name: string;
  /** Offset of the first token, and just past the last one. */
  start: number;
  end: number;
  startRow: number;
  startColumn: number;
  endRow: number;
  endColumn: number;
  /** The deepest nesting of brackets ((), [], {}) inside. */
  depth: number;
}

export interface Outline {
  decls: Decl[];
  /** Offsets where lines start (index = row). */
  lineStarts: Int32Array;
  /**
   * Comments and string, rune and raw-string literals as sorted, disjoint [start, end)
   * pairs: a word found there is not code.
   */
  literals: Int32Array;
}

const KINDS: Record<string, DeclKind> = { package: 'package', import: 'import', func: 'func', var: 'var', const: 'const', type: 'type' };
// Keywords after which a newline ends a statement (with identifiers, literals, ) ] } ++ --).
const ENDING_KEYWORDS = new Set(['break', 'continue', 'fallthrough', 'return']);

const isIdentStart = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c >= 0x80;
const isIdentPart = (c: number) => isIdentStart(c) || (c >= 48 && c <= 57);

const memo = new WeakMap<object, Outline>();

/** The outline of a file's text, memoized per text box (the FileFacts or the caller). */
export function outlineOf(owner: object, text: string): Outline {
  let o = memo.get(owner);
  if (!o) memo.set(owner, (o = outline(text)));
  return o;
}

export function outline(text: string): Outline {
  const n = text.length;
  const decls: Decl[] = [];
  const lines: number[] = [0];
  const lits: number[] = [];
  let depth = 0;
  // A statement ended (newline after an ending token, or `;`): the next token at depth 0 starts a declaration.
  let atStart = true;
  let endsStatement = false;
  let cur: Decl | undefined;
  // For the name of a func or method: the state after `func` at depth 0.
  let nameState: 'none' | 'afterFunc' | 'receiver' | 'afterReceiver' = 'none';
  let receiverDepth = 0;
  let lastEnd = 0;

  const rowOf = (off: number) => {
    let lo = 0;
    let hi = lines.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lines[mid]! <= off) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const finish = () => {
    if (!cur) return;
    cur.end = lastEnd;
    const row = rowOf(lastEnd);
    cur.endRow = row;
    cur.endColumn = lastEnd - lines[row]!;
    decls.push(cur);
    cur = undefined;
  };
  // `isWord`: an identifier or keyword, sliced from the text only when it matters here.
  const token = (start: number, end: number, isWord: boolean) => {
    if (atStart && depth === 0) {
      finish();
      const row = lines.length - 1;
      const kind = (isWord && KINDS[text.slice(start, end)]) || 'other';
      cur = { kind, name: '', start, end, startRow: row, startColumn: start - lines[row]!, endRow: row, endColumn: 0, depth: 0 };
      nameState = kind === 'func' ? 'afterFunc' : 'none';
      atStart = false;
      lastEnd = end;
      return;
    }
    atStart = false;
    lastEnd = end;
    if (nameState === 'none' || !cur) return;
    if (nameState === 'afterFunc') {
      if (isWord) {
        cur.name = text.slice(start, end);
        nameState = 'none';
      } else if (text.charCodeAt(start) === 40 /* ( */) {
        cur.kind = 'method';
        nameState = 'receiver';
        receiverDepth = depth;
      } else nameState = 'none';
    } else if (nameState === 'receiver') {
      // The receiver's closing parenthesis (the depth changes after this call).
      if (text.charCodeAt(start) === 41 && depth === receiverDepth + 1) nameState = 'afterReceiver';
    } else if (nameState === 'afterReceiver') {
      if (isWord) cur.name = text.slice(start, end);
      nameState = 'none';
    }
  };

  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      lines.push(i + 1);
      if (endsStatement) atStart = true;
      endsStatement = false;
      i++;
      continue;
    }
    if (c === 32 || c === 9 || c === 13 || c === 0xfeff) {
      i++;
      continue;
    }
    if (c === 47 /* / */ && i + 1 < n) {
      const d = text.charCodeAt(i + 1);
      if (d === 47) {
        const e = text.indexOf('\n', i);
        const end = e < 0 ? n : e;
        lits.push(i, end);
        i = end;
        continue;
      }
      if (d === 42) {
        const e = text.indexOf('*/', i + 2);
        const end = e < 0 ? n : e + 2;
        lits.push(i, end);
        // A block comment spanning lines ends a statement like a newline does.
        let multi = false;
        for (let k = text.indexOf('\n', i); k >= 0 && k < end; k = text.indexOf('\n', k + 1)) {
          lines.push(k + 1);
          multi = true;
        }
        if (multi && endsStatement) {
          atStart = true;
          endsStatement = false;
        }
        i = end;
        continue;
      }
    }
    if (c === 34 /* " */ || c === 39 /* ' */) {
      let k = i + 1;
      while (k < n) {
        const d = text.charCodeAt(k);
        if (d === 92 /* \ */) k += 2;
        else if (d === c) {
          k++;
          break;
        } else if (d === 10) break;
        else k++;
      }
      if (k > n) k = n;
      lits.push(i, k);
      token(i, k, false);
      endsStatement = true;
      i = k;
      continue;
    }
    if (c === 96 /* ` */) {
      const e = text.indexOf('`', i + 1);
      const end = e < 0 ? n : e + 1;
      lits.push(i, end);
      for (let k = text.indexOf('\n', i); k >= 0 && k < end; k = text.indexOf('\n', k + 1)) lines.push(k + 1);
      token(i, end, false);
      endsStatement = true;
      i = end;
      continue;
    }
    if (isIdentStart(c)) {
      let k = i + 1;
      while (k < n && isIdentPart(text.charCodeAt(k))) k++;
      token(i, k, true);
      // Keywords are 2 to 11 lowercase letters; anything else is an identifier, which ends a statement.
      const len = k - i;
      if (len >= 2 && len <= 11 && c >= 97 && c <= 122) {
        const word = text.slice(i, k);
        endsStatement = !KEYWORDS.has(word) || ENDING_KEYWORDS.has(word);
      } else endsStatement = true;
      i = k;
      continue;
    }
    if (c >= 48 && c <= 57) {
      // A number (digits, letters of hex and exponents, dots, underscores): one token.
      let k = i + 1;
      while (k < n) {
        const d = text.charCodeAt(k);
        if (isIdentPart(d) || d === 46) k++;
        else if ((d === 43 || d === 45) && EXPONENTS.has(text.charCodeAt(k - 1))) k++;
        else break;
      }
      token(i, k, false);
      endsStatement = true;
      i = k;
      continue;
    }
    // Punctuation. A `;` at depth 0 ends a declaration without being part of it.
    if (c === 59 && depth === 0) {
      atStart = true;
      endsStatement = false;
      i++;
      continue;
    }
    token(i, i + 1, false);
    if (c === 40 || c === 91 || c === 123) {
      depth++;
      if (cur && depth > cur.depth) cur.depth = depth;
      endsStatement = false;
    } else if (c === 41 || c === 93 || c === 125) {
      if (depth > 0) depth--;
      endsStatement = true;
    } else if ((c === 43 || c === 45) && i + 1 < n && text.charCodeAt(i + 1) === c) {
      // ++ and -- end a statement.
      token(i + 1, i + 2, false);
      endsStatement = true;
      i += 2;
      continue;
    } else endsStatement = false;
    i++;
  }
  finish();
  return { decls, lineStarts: Int32Array.from(lines), literals: Int32Array.from(lits) };
}

// e E p P: a sign after one of them belongs to the number (1e-9, 0x1p+3).
const EXPONENTS = new Set([101, 69, 112, 80]);

const KEYWORDS = new Set([
  'break', 'case', 'chan', 'const', 'continue', 'default', 'defer', 'else', 'fallthrough', 'for', 'func', 'go', 'goto',
  'if', 'import', 'interface', 'map', 'package', 'range', 'return', 'select', 'struct', 'switch', 'type', 'var',
]);

/** True when `offset` is inside a comment or a string, rune or raw-string literal. */
export function inLiteral(o: Outline, offset: number): boolean {
  const a = o.literals;
  // The last pair starting at or before offset.
  let lo = 0;
  let hi = (a.length >> 1) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid * 2]! <= offset) lo = mid + 1;
    else hi = mid - 1;
  }
  return hi >= 0 && offset < a[hi * 2 + 1]!;
}

/** The index of the declaration containing `offset` (start ≤ offset < end), or -1. */
export function declAt(o: Outline, offset: number): number {
  const d = o.decls;
  let lo = 0;
  let hi = d.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (d[mid]!.start <= offset) lo = mid + 1;
    else hi = mid - 1;
  }
  return hi >= 0 && offset < d[hi]!.end ? hi : -1;
}

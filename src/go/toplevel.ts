// The top-level declarations of a Go file, found from its text alone (no parse): where each
// `func`, `type`, `var`, `const`, `import` and `package` declaration starts and ends, and the
// names it declares. The package view uses it to find a declaration in a sibling file and
// parse only that range; anything else that wants a function's range without a tree can too.
//
//	package p                               → package  [p]
//	import ( "fmt" )                        → import
//	type ( A int; B struct{ c chan int } )  → type     [A, B]
//	var x, y = 1, func() {}                 → var      [x, y]
//	func (s *Server[K]) Stop() { … }        → method   [Stop], recv Server
//
// A small lexer that knows Go's comments, strings, raw strings, runes and its semicolon rule
// (a newline ends a statement after an identifier, a literal, `)`, `]`, `}`, `++`, `--` and
// the keywords break, continue, fallthrough, return): a declaration ends at the first
// statement end outside every bracket. Linear in the text; never throws on bad input (an
// unbalanced file just yields fewer or longer declarations, which the parse then checks).

export type TopDeclKind = 'package' | 'import' | 'func' | 'method' | 'type' | 'var' | 'const';

export interface DeclName {
  name: string;
  /** Offset (UTF-16 code units) of the name in the text. */
  at: number;
}

export interface TopDecl {
  kind: TopDeclKind;
  /** Offset of the keyword. */
  start: number;
  /** Offset just past the declaration's last token. */
  end: number;
  /** The names it declares: the function's, each spec's of a type/var/const declaration. */
  names: DeclName[];
  /** A method's receiver base type (`*Server[K]` → Server). */
  recv?: string;
  /** The deepest nesting of brackets ((), [], {}) inside. */
  depth: number;
}

/** A file's declarations, and what else the same pass over its text learns. */
export interface Outline {
  decls: TopDecl[];
  /** Where each declaration starts (for searches by offset). */
  starts: Int32Array;
  /** Offsets where lines start (index = row). */
  lineStarts: Int32Array;
  /** Comments and string, rune and raw-string literals: sorted, disjoint [start, end) pairs. */
  literals: Int32Array;
}

const KEYWORDS = new Set(['package', 'import', 'func', 'type', 'var', 'const']);
const ENDS_STATEMENT = new Set(['break', 'continue', 'fallthrough', 'return']);
const OTHER_KEYWORDS = new Set([
  'case', 'chan', 'default', 'defer', 'else', 'for', 'go', 'goto', 'if', 'interface', 'map', 'range', 'select', 'struct', 'switch',
  ...KEYWORDS,
]);

/** The keywords after which a newline does not end a statement, by length and first letter. */
const CONTINUING = new Map<number, string[]>();
for (const k of OTHER_KEYWORDS) {
  if (ENDS_STATEMENT.has(k)) continue;
  const key = (k.length << 8) | k.charCodeAt(0);
  CONTINUING.set(key, [...(CONTINUING.get(key) ?? []), k]);
}

/**
 * True when text[i, j) is such a keyword, compared in place: the lexer meets an identifier
 * every few characters, and slicing each one out allocated a string for it (outlines of
 * 8,175 files, identical: about 10% less CPU).
 */
function continuesAt(text: string, i: number, j: number): boolean {
  const list = CONTINUING.get(((j - i) << 8) | text.charCodeAt(i));
  if (list === undefined) return false;
  for (const k of list) if (text.startsWith(k, i)) return true;
  return false;
}

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c >= 0x80;
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}

/** What skipNested does with an ASCII character (NESTED_CLASS); anything else is PLAIN. */
const PLAIN = 0;
const NEWLINE = 1;
const SPACE = 2; // blanks and `;`
const SLASH = 3;
const QUOTE = 4; // " and '
const BACKTICK = 5;
const OPEN = 6;
const CLOSE = 7;
const NESTED_CLASS = new Uint8Array(128);
NESTED_CLASS[10] = NEWLINE;
for (const c of [32, 9, 13, 12, 11, 59]) NESTED_CLASS[c] = SPACE;
NESTED_CLASS[47] = SLASH;
NESTED_CLASS[34] = NESTED_CLASS[39] = QUOTE;
NESTED_CLASS[96] = BACKTICK;
for (const c of [40, 91, 123]) NESTED_CLASS[c] = OPEN;
for (const c of [41, 93, 125]) NESTED_CLASS[c] = CLOSE;

type TokKind = 'ident' | 'open' | 'close' | 'comma' | 'semi' | 'op' | 'lit';

/**
 * The tokens the declaration scanner looks at, one at a time: identifiers (with their text),
 * brackets, commas, statement ends (`;` written or inserted at a newline) and the rest as
 * `op` or `lit`. Comments are skipped.
 */
class Lexer {
  kind: TokKind = 'op';
  start = 0;
  end = 0;
  /** The identifier's text (of an `ident` token). */
  get word(): string {
    return this.text.slice(this.start, this.end);
  }
  private i = 0;
  private semi = false; // a newline here would end the statement
  private readonly n: number;

  /**
   * `record`: also collect line starts and the ranges of comments and literals; `start`: the
   * offset to start lexing at (a declaration's keyword).
   */
  constructor(
    readonly text: string,
    readonly record?: { lines: number[]; lits: number[] },
    start = 0,
  ) {
    this.n = text.length;
    this.i = start;
  }

  /** After `skipNested`: the depth reached, the deepest seen, the end of the last token. */
  depth = 0;
  maxDepth = 0;
  last = 0;

  /**
   * Skips ahead from `depth` open brackets to the close that brings them down to `floor`
   * (which it consumes, as `next` would) or to the end of the text. A declaration's scanner
   * only counts brackets inside a function's body or below a spec, so those tokens are not
   * made: the comments, literals and lines are recorded as `next` records them, and `last` is
   * the end of the last token (a `;` is no token the scanner keeps). Most of a file's text is
   * function bodies; making each token there was most of the outline's time.
   */
  skipNested(depth: number, floor: number, last: number): void {
    const { text, n } = this;
    let i = this.i;
    let max = depth;
    scan: while (i < n) {
      const c = text.charCodeAt(i);
      // Most characters are none of those below: one table lookup tells, where a chain of
      // comparisons tested each against all of them.
      switch (c < 128 ? NESTED_CLASS[c]! : PLAIN) {
        case PLAIN:
          last = ++i;
          break;
        case NEWLINE:
          this.record?.lines.push(i + 1);
          i++;
          break;
        case SPACE:
          i++;
          break;
        case SLASH: {
          const d = text.charCodeAt(i + 1);
          if (d === 47) {
            const nl = text.indexOf('\n', i);
            this.literal(i, nl < 0 ? n : nl);
            i = nl < 0 ? n : nl;
          } else if (d === 42) {
            const close = text.indexOf('*/', i + 2);
            const stop = close < 0 ? n : close + 2;
            this.literal(i, stop);
            i = stop;
          } else last = ++i;
          break;
        }
        case QUOTE:
          i = last = this.quoted(i, c);
          break;
        case BACKTICK: {
          const close = text.indexOf('`', i + 1);
          const end = close < 0 ? n : close + 1;
          this.literal(i, end);
          i = last = end;
          break;
        }
        case OPEN:
          if (++depth > max) max = depth;
          last = ++i;
          break;
        default: // CLOSE
          depth = Math.max(0, depth - 1);
          last = ++i;
          if (depth <= floor) {
            this.tok('close', i - 1, i, true);
            break scan;
          }
      }
    }
    if (i >= n) {
      this.i = n;
      this.semi = false;
    }
    this.depth = depth;
    this.maxDepth = max;
    this.last = last;
  }

  /** The end of the "…" or '…' literal starting at `i` (escapes; no newline inside), recorded. */
  private quoted(i: number, quote: number): number {
    const { text, n } = this;
    let j = i + 1;
    while (j < n) {
      const d = text.charCodeAt(j);
      if (d === 92) j += 2;
      else if (d === quote) {
        j++;
        break;
      } else if (d === 10) break;
      else j++;
    }
    this.literal(i, Math.min(j, n));
    return Math.min(j, n);
  }

  /** Records a comment or literal [start, end), and the lines starting inside it. */
  private literal(start: number, end: number): void {
    const r = this.record;
    if (!r) return;
    r.lits.push(start, end);
    for (let k = this.text.indexOf('\n', start); k >= 0 && k < end; k = this.text.indexOf('\n', k + 1)) r.lines.push(k + 1);
  }

  private tok(kind: TokKind, start: number, end: number, semi: boolean): true {
    this.kind = kind;
    this.start = start;
    this.end = end;
    this.semi = semi;
    this.i = end > start ? end : start + (kind === 'semi' && start < this.n ? 1 : 0);
    return true;
  }

  next(): boolean {
    const { text, n } = this;
    let i = this.i;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 10) {
        this.record?.lines.push(i + 1);
        if (this.semi) return this.tok('semi', i, i, false);
        i++;
        continue;
      }
      if (c === 32 || c === 9 || c === 13 || c === 12 || c === 11) {
        i++;
        continue;
      }
      if (c === 47 && text.charCodeAt(i + 1) === 47) {
        const nl = text.indexOf('\n', i);
        this.literal(i, nl < 0 ? n : nl);
        i = nl < 0 ? n : nl;
        continue;
      }
      if (c === 47 && text.charCodeAt(i + 1) === 42) {
        const close = text.indexOf('*/', i + 2);
        const stop = close < 0 ? n : close + 2;
        this.literal(i, stop);
        // A comment spanning lines acts as a newline.
        if (this.semi && text.slice(i, stop).includes('\n')) {
          this.i = stop;
          this.kind = 'semi';
          this.start = this.end = i;
          this.semi = false;
          return true;
        }
        i = stop;
        continue;
      }
      if (isIdentStart(c)) {
        let j = i + 1;
        while (j < n && isIdentPart(text.charCodeAt(j))) j++;
        return this.tok('ident', i, j, !continuesAt(text, i, j));
      }
      if ((c >= 48 && c <= 57) || (c === 46 && text.charCodeAt(i + 1) >= 48 && text.charCodeAt(i + 1) <= 57)) {
        const hex = c === 48 && (text.charCodeAt(i + 1) | 32) === 120;
        let j = i + 1;
        for (;;) {
          const d = text.charCodeAt(j);
          if (j < n && (isIdentPart(d) || d === 46)) j++;
          else if ((d === 43 || d === 45) && exponent(text.charCodeAt(j - 1), hex)) j++;
          else break;
        }
        return this.tok('lit', i, j, true);
      }
      // "…" or '…': escapes, and no newline inside (an unterminated one stops at the line end).
      if (c === 34 || c === 39) return this.tok('lit', i, this.quoted(i, c), true);
      if (c === 96) {
        const close = text.indexOf('`', i + 1);
        this.literal(i, close < 0 ? n : close + 1);
        return this.tok('lit', i, close < 0 ? n : close + 1, true);
      }
      if (c === 40 || c === 91 || c === 123) return this.tok('open', i, i + 1, false);
      if (c === 41 || c === 93 || c === 125) return this.tok('close', i, i + 1, true);
      if (c === 59) return this.tok('semi', i, i + 1, false);
      if (c === 44) return this.tok('comma', i, i + 1, false);
      // ++ and -- end a statement; any other operator continues it.
      if ((c === 43 || c === 45) && text.charCodeAt(i + 1) === c) return this.tok('op', i, i + 2, true);
      return this.tok('op', i, i + 1, false);
    }
    this.i = n;
    if (this.semi) {
      this.semi = false;
      this.kind = 'semi';
      this.start = this.end = n;
      return true;
    }
    return false;
  }
}

/** `e+`/`E-` in a decimal number, `p+`/`P-` in a hexadecimal one. */
function exponent(prev: number, hex: boolean): boolean {
  const l = prev | 32;
  return hex ? l === 112 : l === 101;
}

/** The top-level declarations of a Go file, in text order. */
export function topLevelDecls(text: string): TopDecl[] {
  return declarations(new Lexer(text));
}

/** The declarations, line starts and comment and literal ranges of a Go file, in one pass. */
export function outline(text: string): Outline {
  const record = { lines: [0], lits: [] as number[] };
  const decls = declarations(new Lexer(text, record));
  // From arrays (not Int32Array.from, which walks an iterator: a tenth of the outline's time).
  return { decls, starts: new Int32Array(decls.map((d) => d.start)), lineStarts: new Int32Array(record.lines), literals: new Int32Array(record.lits) };
}

function declarations(lx: Lexer): TopDecl[] {
  const text = lx.text;
  const out: TopDecl[] = [];
  let depth = 0;
  let cur: TopDecl | undefined;
  let lastEnd = 0;
  // Header state of the current declaration.
  let grouped = false; // `type (`, `var (`…
  let specStart = false; // the next identifier starts a spec (its first name)
  let afterComma = false; // in a var/const spec's name list, right after a comma
  let inNames = false; // still in that name list
  let funcStage = 0; // func: 0 after `func`, 1 in the receiver, 2 after it, 3 named
  let recvDepth = 0;
  let recvBrackets = 0;
  let recvIdent = '';
  for (;;) {
    // Below the level where a declaration's names and ends are, only brackets count.
    const floor = !cur || cur.kind === 'package' ? -1 : cur.kind === 'func' || cur.kind === 'method' ? (funcStage === 3 ? 0 : -1) : grouped ? 1 : 0;
    if (floor >= 0 && depth > floor) {
      lx.skipNested(depth, floor, lastEnd);
      depth = lx.depth;
      lastEnd = lx.last;
      if (lx.maxDepth > cur!.depth) cur!.depth = lx.maxDepth;
      // Still deeper: the text ended, and what is left is the declaration so far.
      if (depth > floor) break;
      continue;
    }
    if (!lx.next()) break;
    const kind = lx.kind;
    if (!cur) {
      if (depth === 0 && kind === 'ident' && KEYWORDS.has(lx.word)) {
        cur = { kind: lx.word as TopDeclKind, start: lx.start, end: lx.end, names: [], depth: 0 };
        grouped = false;
        specStart = cur.kind !== 'func' && cur.kind !== 'import' && cur.kind !== 'package';
        inNames = afterComma = false;
        funcStage = 0;
        recvIdent = '';
        lastEnd = lx.end;
      } else if (kind === 'open') depth++;
      else if (kind === 'close') depth = Math.max(0, depth - 1);
      continue;
    }
    if (kind === 'semi') {
      if (depth === 0) {
        cur.end = lastEnd;
        out.push(cur);
        cur = undefined;
      } else if (grouped && depth === 1) {
        specStart = true;
        inNames = false;
      }
      continue;
    }
    lastEnd = lx.end;
    const d = depth;
    if (kind === 'open') {
      depth++;
      if (depth > cur.depth) cur.depth = depth;
    } else if (kind === 'close') depth = Math.max(0, depth - 1);
    if (cur.kind === 'func' || cur.kind === 'method') {
      if (funcStage === 0) {
        if (kind === 'open' && d === 0 && text[lx.start] === '(') {
          funcStage = 1;
          recvDepth = depth;
          recvBrackets = 0;
        } else {
          if (kind === 'ident') cur.names.push({ name: lx.word, at: lx.start });
          funcStage = 3;
        }
      } else if (funcStage === 1) {
        // The receiver's type is its last name outside type arguments: `s *Server[K]`, `((T))`.
        if (kind === 'close' && depth < recvDepth) funcStage = 2;
        else if (kind === 'open' && text[lx.start] === '[') recvBrackets++;
        else if (kind === 'close' && text[lx.start] === ']') recvBrackets--;
        else if (kind === 'ident' && recvBrackets === 0) recvIdent = lx.word;
      } else if (funcStage === 2) {
        if (kind === 'ident') {
          cur.kind = 'method';
          cur.names.push({ name: lx.word, at: lx.start });
          if (recvIdent) cur.recv = recvIdent;
        }
        funcStage = 3;
      }
      continue;
    }
    if (cur.kind === 'package') {
      if (kind === 'ident' && !cur.names.length) cur.names.push({ name: lx.word, at: lx.start });
      continue;
    }
    if (cur.kind === 'import') continue;
    // type / var / const: `(` right after the keyword opens a group of specs.
    if (d === 0 && kind === 'open' && text[lx.start] === '(' && !cur.names.length && !grouped) {
      grouped = true;
      specStart = true;
      continue;
    }
    if (d !== (grouped ? 1 : 0)) continue;
    if (specStart) {
      specStart = false;
      if (kind === 'ident') {
        cur.names.push({ name: lx.word, at: lx.start });
        inNames = cur.kind !== 'type';
        afterComma = false;
      }
      continue;
    }
    if (!inNames) continue;
    if (kind === 'comma' && !afterComma) afterComma = true;
    else if (kind === 'ident' && afterComma) {
      cur.names.push({ name: lx.word, at: lx.start });
      afterComma = false;
    } else inNames = false;
  }
  if (cur) {
    cur.end = lastEnd;
    out.push(cur);
  }
  return out;
}

/**
 * Where the top-level declaration starting at `start` ends (just past its last token): the
 * lexer run from there to the first statement end outside every bracket.
 */
export function declEnd(text: string, start: number): number {
  const lx = new Lexer(text, undefined, start);
  let last = start;
  while (lx.next()) {
    if (lx.kind === 'semi') return last;
    last = lx.end;
    if (lx.kind === 'open') {
      // Inside brackets no statement ends: skipped to the matching close without making
      // tokens (a function's body is most of its text; the outline skips it the same way).
      lx.skipNested(1, 0, last);
      last = lx.last;
      if (lx.depth > 0) return last; // the text ended inside them
    }
  }
  return last;
}

const QUICK = /^(func|type|var|const)\b[ \t]*(\()?/gm;

/** `make()`, made at the first call and kept. */
function once<T>(make: () => T): () => T {
  let made: T | undefined;
  return () => (made ??= make());
}

// The RegExps with Unicode classes are made at their first use, not when the scan's code
// loads: V8 builds the ICU sets of `\p{L}`/`\p{N}` at each parse, about 1.5 M instructions for
// FUNC_HEAD and 3 M each for SPEC_LINE and SPEC_AT (callgrind, 100 fresh copies), and a file
// that is ASCII with `\n` line ends (quickDeclsLf) needs none of them.
const FUNC_HEAD = once(() => /^func[ \t]*(?:\(([^()]*)\)[ \t]*)?([\p{L}_][\p{L}\p{N}_]*)/u);
const SPEC_SOURCE = '\\t([\\p{L}_][\\p{L}\\p{N}_]*(?:[ \\t]*,[ \\t]*[\\p{L}_][\\p{L}\\p{N}_]*)*)';
const SPEC_LINE = once(() => new RegExp(`^${SPEC_SOURCE}`, 'gmu'));

/** SPEC_LINE without its `^`, tried at one offset (sticky). */
const SPEC_AT = once(() => new RegExp(SPEC_SOURCE, 'uy'));

/**
 * The top-level declarations of a gofmt'd file, from its lines: keywords at the start of a line,
 * a group's specs one tab in. Linear and about ten times faster than topLevelDecls, for indexing
 * every file of a package by name; `end` and `depth` are -1 (declEnd gives the end when needed). A declaration
 * this misses (code that is not gofmt'd) is not found; one it finds by mistake (a column-0
 * `func` in a raw string) fails its parse and is dropped by the caller.
 */
export function quickDecls(text: string): TopDecl[] {
  const lf = text.indexOf('\r') < 0 && text.indexOf('\u2028') < 0 && text.indexOf('\u2029') < 0;
  return lf ? quickDeclsLf(text) : quickDeclsByRegex(text);
}

/** quickDecls with its RegExps: for texts with line breaks other than `\n` (see quickDeclsLf). */
function quickDeclsByRegex(text: string): TopDecl[] {
  const out: TopDecl[] = [];
  QUICK.lastIndex = 0;
  for (let m = QUICK.exec(text); m; m = QUICK.exec(text)) {
    const kind = m[1] as 'func' | 'type' | 'var' | 'const';
    const start = m.index;
    if (kind === 'func') {
      const d = funcHead(text, start);
      if (d) out.push(d);
      continue;
    }
    if (!m[2]) {
      const d = singleSpec(text, kind, start, start + m[0].length);
      if (d) out.push(d);
      continue;
    }
    // A group: specs on lines one tab in, up to the `)` that starts a line.
    const close = text.indexOf('\n)', start);
    const body = text.slice(start, close < 0 ? text.length : close);
    const d: TopDecl = { kind, start, end: -1, depth: -1, names: [] };
    const specLine = SPEC_LINE();
    specLine.lastIndex = 0;
    for (let s = specLine.exec(body); s; s = specLine.exec(body)) specNames(body, start, kind, s, d.names);
    out.push(d);
    QUICK.lastIndex = close < 0 ? text.length : close;
  }
  return out;
}

/** The last name of a receiver's text outside type arguments (`[…]`): its type; undefined when it has none. */
function lastTypeName(recv: string): string | undefined {
  const names = recv.replace(/\[[^\]]*\]/g, '').match(/[\p{L}_][\p{L}\p{N}_]*/gu) ?? [];
  return names[names.length - 1];
}

/** A func declaration's head at `start` (FUNC_HEAD on its first 400 characters), as a TopDecl; null when it has none. */
function funcHead(text: string, start: number): TopDecl | null {
  const h = FUNC_HEAD().exec(text.slice(start, start + 400));
  if (!h) return null;
  const d: TopDecl = { kind: h[1] !== undefined ? 'method' : 'func', start, end: -1, depth: -1, names: [{ name: h[2]!, at: start + h[0].length - h[2]!.length }] };
  if (h[1] !== undefined) {
    // The receiver's type: its last name outside type arguments.
    const recv = lastTypeName(h[1]);
    if (recv !== undefined) d.recv = recv;
  }
  return d;
}

/** An ungrouped `type`/`var`/`const` declaration whose first name is at `at` (`var a, b = …`); null when no name is there. */
function singleSpec(text: string, kind: 'type' | 'var' | 'const', start: number, at: number): TopDecl | null {
  const name = /^[\p{L}_][\p{L}\p{N}_]*/u.exec(text.slice(at));
  if (!name) return null;
  const d: TopDecl = { kind, start, end: -1, depth: -1, names: [{ name: name[0], at }] };
  if (kind !== 'type') {
    const more = /^(?:[ \t]*,[ \t]*([\p{L}_][\p{L}\p{N}_]*))+/u.exec(text.slice(at + name[0].length));
    if (more) for (const x of more[0].matchAll(/[\p{L}_][\p{L}\p{N}_]*/gu)) d.names.push({ name: x[0], at: at + name[0].length + x.index! });
  }
  return d;
}

/** The names of a group's spec line `s` (SPEC_LINE's match in `body`, which starts at `start` of the file). */
function specNames(body: string, start: number, kind: TopDeclKind, s: RegExpExecArray, into: DeclName[]): void {
  const names = kind === 'type' ? [s[1]!.split(/[ \t,]/)[0]!] : s[1]!.split(/[ \t]*,[ \t]*/);
  let at = start + s.index + 1;
  for (const n of names) {
    const off = body.indexOf(n, at - start);
    into.push({ name: n, at: start + off });
    at = start + off + n.length;
  }
}

/** `\w` (and `\b`'s word side) of a RegExp without the u flag: an ASCII letter, digit or `_` (NaN, off the text's ends: no). */
export function isWordCode(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

/**
 * The end of the identifier (`[\p{L}_][\p{L}\p{N}_]*`) at `i`: `i` when none starts there, -1
 * when a character that is not ASCII comes first or in it (the caller asks the RegExp).
 */
function asciiIdentEnd(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c >= 0x80) return -1;
  if (!isWordCode(c) || (c >= 48 && c <= 57)) return i;
  for (let j = i + 1; ; j++) {
    const d = text.charCodeAt(j);
    if (d >= 0x80) return -1;
    if (!isWordCode(d)) return j;
  }
}

const PACKAGE_LINE = once(() => /^package[ \t]+([\p{L}_][\p{L}\p{N}_]*)/mu);

/**
 * The first match of /^package[ \t]+([\p{L}_][\p{L}\p{N}_]*)/mu in `text`: where it starts,
 * where it ends and the name. Found in place while the name is ASCII; the RegExp decides only
 * when a character that is not ASCII starts or continues a name (it finds no match before
 * there either: each `package` before failed on ASCII). The RegExp's parse and two compiles
 * (bytecode, then native at its second use) were about 4 M instructions of a 5-file run.
 */
export function packageLine(text: string): { at: number; end: number; name: string } | undefined {
  for (let at = text.indexOf('package'); at >= 0; at = text.indexOf('package', at + 1)) {
    const prev = text.charCodeAt(at - 1);
    // `^` with the m flag: the text's start or after a line terminator.
    if (at > 0 && prev !== 10 && prev !== 13 && prev !== 0x2028 && prev !== 0x2029) continue;
    const from = skipBlanks(text, at + 7);
    if (from === at + 7) continue;
    const end = asciiIdentEnd(text, from);
    if (end < 0) {
      const m = PACKAGE_LINE().exec(text);
      return m ? { at: m.index, end: m.index + m[0].length, name: m[1]! } : undefined;
    }
    if (end > from) return { at, end, name: text.slice(from, end) };
  }
  return undefined;
}

function skipBlanks(text: string, i: number): number {
  for (let c = text.charCodeAt(i); c === 32 || c === 9; c = text.charCodeAt(++i));
  return i;
}

/** The keyword QUICK matches at line start `at`, if any. */
function keywordAt(text: string, at: number): 'func' | 'type' | 'var' | 'const' | undefined {
  const c = text.charCodeAt(at);
  const kw = c === 102 ? 'func' : c === 116 ? 'type' : c === 118 ? 'var' : c === 99 ? 'const' : undefined;
  return kw && text.startsWith(kw, at) && !isWordCode(text.charCodeAt(at + kw.length)) ? kw : undefined;
}

/**
 * The last name of `text[from, to)` outside type arguments (a receiver's type), as funcHead
 * finds it; undefined when it has none. In place for ASCII text without `[`.
 */
function receiverType(text: string, from: number, to: number): string | undefined {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80 || c === 91) return lastTypeName(text.slice(from, to));
  }
  // The last run of word characters that holds a letter or `_`; its name starts there.
  let j = to;
  while (j > from) {
    while (j > from && !isWordCode(text.charCodeAt(j - 1))) j--;
    const end = j;
    while (j > from && isWordCode(text.charCodeAt(j - 1))) j--;
    let k = j;
    while (k < end && text.charCodeAt(k) <= 57 && text.charCodeAt(k) >= 48) k++;
    if (k < end) return text.slice(k, end);
  }
  return undefined;
}

/**
 * quickDecls for a text whose lines all end with `\n`, read in place: the RegExps (and the
 * slices they ran on) made about a tenth of a cold run's young garbage, on every file of every
 * package read (a `const (…)` of thousands of lines made a match and a split per line). The
 * RegExps still read what is not ASCII, where an identifier may hold any letter.
 */
function quickDeclsLf(text: string): TopDecl[] {
  const out: TopDecl[] = [];
  const n = text.length;
  for (let at = 0; at < n; ) {
    const kind = keywordAt(text, at);
    let resume = at;
    if (kind) {
      const start = at;
      let p = skipBlanks(text, at + kind.length);
      const paren = text.charCodeAt(p) === 40;
      if (paren) p++;
      resume = p;
      if (kind === 'func') {
        const d = quickFunc(text, start);
        if (d) out.push(d);
      } else if (!paren) {
        const e = asciiIdentEnd(text, p);
        if (e < 0 || (kind !== 'type' && text.charCodeAt(skipBlanks(text, e)) === 44)) {
          const d = singleSpec(text, kind, start, p);
          if (d) out.push(d);
        } else if (e > p) out.push({ kind, start, end: -1, depth: -1, names: [{ name: text.slice(p, e), at: p }] });
      } else {
        // A group: specs on lines one tab in, up to the `)` that starts a line.
        const close = text.indexOf('\n)', start);
        const bodyEnd = close < 0 ? n : close;
        const d: TopDecl = { kind, start, end: -1, depth: -1, names: [] };
        for (let k = text.indexOf('\n\t', start); k >= 0 && k < bodyEnd; ) {
          const from = groupSpec(text, start, bodyEnd, kind, k, d.names);
          k = text.indexOf('\n\t', from);
        }
        out.push(d);
        resume = bodyEnd;
      }
    }
    const nl = text.indexOf('\n', resume);
    if (nl < 0) break;
    at = nl + 1;
  }
  return out;
}

/** funcHead in place, for the usual ASCII head within its 400 characters. */
function quickFunc(text: string, start: number): TopDecl | null {
  let i = skipBlanks(text, start + 4);
  let recvFrom = -1;
  let recvTo = -1;
  if (text.charCodeAt(i) === 40) {
    // `(…)` up to the first parenthesis after it, which must close it.
    let j = i + 1;
    for (let c = text.charCodeAt(j); j < text.length && c !== 40 && c !== 41; c = text.charCodeAt(++j));
    if (text.charCodeAt(j) === 41) {
      recvFrom = i + 1;
      recvTo = j;
      i = skipBlanks(text, j + 1);
    }
  }
  const e = asciiIdentEnd(text, i);
  if (e < 0 || e > start + 400) return funcHead(text, start);
  if (e === i) return null;
  const d: TopDecl = { kind: recvFrom >= 0 ? 'method' : 'func', start, end: -1, depth: -1, names: [{ name: text.slice(i, e), at: i }] };
  if (recvFrom >= 0) {
    const recv = receiverType(text, recvFrom, recvTo);
    if (recv !== undefined) d.recv = recv;
  }
  return d;
}

/**
 * The names of the spec on the line after the `\n\t` at `k` of a group that starts at `start`
 * and ends at `bodyEnd` (SPEC_AT there, in place for ASCII names); where to look for the next.
 */
function groupSpec(text: string, start: number, bodyEnd: number, kind: TopDeclKind, k: number, into: DeclName[]): number {
  const p = k + 2;
  let e = asciiIdentEnd(text, p);
  if (e === p) return k + 1;
  const mark = into.length;
  if (e > p) {
    into.push({ name: text.slice(p, e), at: p });
    while (kind !== 'type') {
      let q = skipBlanks(text, e);
      if (text.charCodeAt(q) !== 44) break;
      q = skipBlanks(text, q + 1);
      const f = asciiIdentEnd(text, q);
      if (f === q) break;
      e = f;
      if (f < 0) break;
      into.push({ name: text.slice(q, f), at: q });
    }
  }
  if (e >= 0) return e - 1;
  // A name that is not ASCII: SPEC_AT decides, for the whole line.
  into.length = mark;
  const body = text.slice(start, bodyEnd);
  const specAt = SPEC_AT();
  specAt.lastIndex = k + 1 - start;
  const s = specAt.exec(body);
  if (!s) return k + 1;
  specNames(body, start, kind, s, into);
  return start + s.index + s[0].length - 1;
}

/** The package clause's name, from the text, or undefined. */
export function packageClause(decls: readonly TopDecl[]): string | undefined {
  const p = decls[0];
  return p?.kind === 'package' ? p.names[0]?.name : undefined;
}

/** The last index of sorted `a` (every `step`-th value from `offset`) at or below `v`, or -1. */
function lastAtOrBelow(a: ArrayLike<number>, v: number, step = 1, offset = 0): number {
  let lo = 0;
  let hi = Math.floor((a.length - offset + step - 1) / step) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid * step + offset]! <= v) lo = mid + 1;
    else hi = mid - 1;
  }
  return hi;
}

/** True when `offset` is inside a comment or a string, rune or raw-string literal. */
export function inLiteral(o: Outline, offset: number): boolean {
  const i = lastAtOrBelow(o.literals, offset, 2);
  return i >= 0 && offset < o.literals[i * 2 + 1]!;
}

/** The index of the declaration whose [start, end) holds `offset`, or -1. */
export function declAt(o: Outline, offset: number): number {
  const i = lastAtOrBelow(o.starts, offset);
  return i >= 0 && offset < o.decls[i]!.end ? i : -1;
}

/** 0-based row and column (UTF-16 code units) of an offset. */
export function pointAt(o: Outline, offset: number): { row: number; column: number } {
  const row = Math.max(0, lastAtOrBelow(o.lineStarts, offset));
  return { row, column: offset - o.lineStarts[row]! };
}

/** A function's or method's name ('' for other declarations). */
export function funcName(d: TopDecl): string {
  return d.kind === 'func' || d.kind === 'method' ? (d.names[0]?.name ?? '') : '';
}

/** One spec of an import declaration read from the text: its name as written, if any, and its path literal. */
export interface PlainImport {
  /** The name before the path (`.`, `_` or an identifier), if any. */
  name?: string;
  /** The path literal as written, quotes included. */
  literal: string;
}

/** Go's 25 keywords. */
export const GO_KEYWORDS: ReadonlySet<string> = new Set([...OTHER_KEYWORDS, 'break', 'continue', 'fallthrough', 'return']);

/**
 * The specs of the import declaration in [start, end) of `text`, read without a parse, when it
 * is written plainly: `import "p"`, `import n "p"` or a parenthesized list with one spec per
 * line (or `;`), ASCII names, paths without escapes, comments only on lines of their own or
 * after a spec, and nothing but comments from `end` to `next` (the next declaration). Null
 * for anything else (the caller parses the declaration): such a declaration is one the
 * grammar reads without error, into the same specs.
 */
export function plainImports(text: string, start: number, end: number, next = end): PlainImport[] | null {
  const specs = plainSpecs(text, start, end);
  if (!specs) return null;
  // Up to the next declaration (what a parse of this one takes in), only comments: else the
  // parse would see the stray text too, and tell of it.
  for (let i = end; i < next; ) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') i++;
    else if (c === '/' && text[i + 1] === '/') while (i < next && text[i] !== '\n') i++;
    else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close < 0 || close + 2 > next) return null;
      i = close + 2;
    } else return null;
  }
  return specs;
}

function plainSpecs(text: string, start: number, end: number): PlainImport[] | null {
  let i = start + 'import'.length;
  if (text.slice(start, i) !== 'import') return null;
  const blanks = (lines: boolean) => {
    for (;;) {
      const c = text[i];
      if (c === ' ' || c === '\t' || c === '\r' || (lines && c === '\n')) i++;
      else if (lines && c === '/' && text[i + 1] === '/') while (i < end && text[i] !== '\n') i++;
      else if (lines && c === '/' && text[i + 1] === '*') {
        const close = text.indexOf('*/', i + 2);
        if (close < 0 || close + 2 > end) return false;
        i = close + 2;
      } else return true;
    }
  };
  const spec = (): PlainImport | null => {
    let name: string | undefined;
    const m = /[A-Za-z_][A-Za-z0-9_]*|\./y;
    m.lastIndex = i;
    const w = m.exec(text);
    if (w) {
      name = w[0];
      if (GO_KEYWORDS.has(name) || name === 'new' || name === 'make') return null;
      i += name.length;
      const at = i;
      blanks(false);
      if (i === at && name !== '.') return null;
    }
    const q = text[i];
    const close = q === '"' ? /"[^"\\\n]*"/y : q === '`' ? /`[^`]*`/y : null;
    if (!close) return null;
    close.lastIndex = i;
    const lit = close.exec(text);
    if (!lit || i + lit[0].length > end) return null;
    i += lit[0].length;
    return name === undefined ? { literal: lit[0] } : { name, literal: lit[0] };
  };
  // After a spec: a comment to the end of the line, then the line's end, a `;` or the list's end.
  const after = (): boolean => {
    blanks(false);
    if (text[i] === '/' && text[i + 1] === '/') while (i < end && text[i] !== '\n') i++;
    const c = text[i];
    if (c === ';' || c === '\n') {
      i++;
      return true;
    }
    return c === ')';
  };
  blanks(false);
  if (text[i] !== '(') {
    if (i === start + 'import'.length && text[i] !== '"' && text[i] !== '`') return null;
    const one = spec();
    return one && i === end ? [one] : null;
  }
  i++;
  const out: PlainImport[] = [];
  for (;;) {
    if (!blanks(true)) return null;
    if (text[i] === ')') return i + 1 === end ? out : null;
    if (i >= end) return null;
    const s = spec();
    if (!s || !after()) return null;
    out.push(s);
  }
}

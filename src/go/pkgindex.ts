// A Go package as text: which files of a directory belong to it, and where each top-level name
// is declared. No parser: the package view parses only what a rule asks for, and the result
// cache checks what a file consulted with this index alone.
//
// A package is the `.go` files of one directory with the same package clause, as `go build`
// sees them:
//   - a non-test file's package is the non-test files with its clause;
//   - a `_test.go` file with the same clause (an internal test) sees those and the other
//     internal test files;
//   - a `_test.go` file whose clause ends in `_test` (an external test package) sees only the
//     test files with that clause;
//   - a file whose build constraints hold on no build (`//go:build ignore`) belongs to no
//     package: it is its own.
// Files are taken in name order, so every answer is the same whichever file asks first.
import { basename, dirname, join } from 'node:path';
import { buildIgnored } from './build.js';
import { nodeCrypto } from '../engine/hash.js';
import { declEnd, packageClause, packageLine, quickDecls, topLevelDecls, type DeclName, type TopDecl } from './toplevel.js';

/** Size, mtime and inode of a file as read: what the cache compares on the next run. */
export type Stamp = [size: number, mtimeMs: number, ino: number];

/** Where the package view reads files from: the disk, or memory in tests. */
export interface PackageSource {
  /** Names of the `.go` files of a directory, [] when it cannot be listed. */
  list(dir: string): string[];
  /**
   * A file's text and stamp (taken before reading), or undefined when it cannot be read; and
   * the bytes the text was decoded from, when the source keeps them for the scan.
   */
  read(path: string): { text: string; stamp?: Stamp; bytes?: Buffer } | undefined;
  /** A file's stamp alone (for the file being analysed, whose text is in memory). */
  stamp?(path: string): Stamp | undefined;
  /** The directory's mtime, when the source has one (the cache's fast path). */
  dirMtime?(dir: string): number | undefined;
}

/**
 * What a lookup key names:
 *   `func:F`       top-level function F
 *   `method:T.M`   method M of type T (pointer or value receiver)
 *   `methods:M`    every method named M, whatever the type
 *   `type:T`       type T
 *   `var:V`        package-level variable V
 *   `const:C`      package-level constant C
 *   `methodsof:T`  every method of type T
 *   `mentions:W`   every function and method whose text has the word W (outside its name)
 *   `matches:RE`   every function and method whose text matches the regular expression RE
 *   `typesmentioning:W`  every type declaration whose text has the word W (outside its first name)
 *   `varsmentioning:W`   every package-level var declaration whose text has the word W (outside its first name)
 */
export type DeclKey = string;

/** The function's or method's own name in a key that names one (`func:F`, `method:T.M`, `methods:M`): F, M. */
export const nameOfKey = (k: DeclKey): string => k.slice(k.lastIndexOf(k.startsWith('method:') ? '.' : ':') + 1);

/** The key of the function or method a lookup found (`func:F`, `method:T.M`); `other` for any other declaration. */
export function keyOfRef(r: DeclRef, other: DeclKey): DeclKey {
  return r.kind === 'method' ? `method:${r.recv}.${r.name}` : r.kind === 'func' ? `func:${r.name}` : other;
}

/** One declaration found by a lookup. */
export interface DeclRef {
  /** The file's base name. */
  file: string;
  kind: TopDecl['kind'];
  name: string;
  recv?: string;
  /** The whole top-level declaration (a grouped `type (…)` is one). */
  start: number;
  end: number;
  /** Offset of the declared name. */
  nameAt: number;
}

export interface IndexedFile {
  name: string;
  path: string;
  text: string;
  stamp?: Stamp;
  /** Set once the file's declarations are needed. */
  decls?: TopDecl[];
  /** Of those, the named functions and methods, and the types (declsOfKind). */
  funcs?: TopDecl[];
  types?: TopDecl[];
  vars?: TopDecl[];
  imports?: TopDecl[];
  /** Offsets where lines start, once positions are needed. */
  lines?: number[];
  /** The functions and methods a `mentions:` or `matches:` key finds in the file (the packages of a directory share the file). */
  found?: Map<DeclKey, TopDecl[]>;
  /**
   * Where each name looked up first occurs in the text as a whole word (-1: nowhere). The
   * lookups of one name (`func:F`, `method:T.F`, `methods:F`, `mentions:F`), of the library
   * and test packages of a directory, searched the same text for it again.
   */
  firstHits?: Map<string, number>;
  /** Hashes of the text of the declaration at each offset, and of the imports (at -1): see PackageIndex.hash. */
  hashes?: Map<number, string>;
}

/** 0-based row and column (UTF-16 code units) of an offset of an indexed file. */
export function pointIn(f: IndexedFile, at: number): { row: number; column: number } {
  if (!f.lines) {
    const lines = [0];
    for (let i = f.text.indexOf('\n'); i >= 0; i = f.text.indexOf('\n', i + 1)) lines.push(i + 1);
    f.lines = lines;
  }
  const ls = f.lines;
  let lo = 0;
  let hi = ls.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ls[mid]! <= at) lo = mid;
    else hi = mid - 1;
  }
  return { row: lo, column: at - ls[lo]! };
}

/** Which package a file of a directory is in: its clause, and the test side it sees. */
export interface Membership {
  dir: string;
  clause: string;
  /** 'lib': non-test files; 'test': internal test files with them; 'xtest': an external test package; 'alone': build-ignored. */
  mode: 'lib' | 'test' | 'xtest' | 'alone';
  /** For 'alone': the file itself. */
  file?: string;
}

/** The package clause of a file from its text. */
export function clauseOf(text: string): string | undefined {
  const m = packageLine(text);
  if (!m) return undefined;
  // Confirm with the lexer on the text up to it: `package` in a comment or a raw string is
  // not the clause (then lex the whole file).
  const upto = packageClause(topLevelDecls(text.slice(0, m.end)));
  return upto === m.name ? upto : packageClause(topLevelDecls(text));
}

export function membershipOf(path: string, text: string): Membership {
  const dir = dirname(path);
  const name = basename(path);
  const clause = clauseOf(text) ?? '';
  if (buildIgnored(text)) return { dir, clause, mode: 'alone', file: name };
  const test = name.endsWith('_test.go');
  return { dir, clause, mode: test ? (clause.endsWith('_test') ? 'xtest' : 'test') : 'lib' };
}

export function membershipKey(m: Membership): string {
  return `${m.dir}\0${m.clause}\0${m.mode}\0${m.file ?? ''}`;
}

type OneShot = (algorithm: string, data: string, encoding: 'hex') => string;
/** Node's one-call hash (20.12 and later): no Hash object per call. Looked up at the first hash (node:crypto loads then: src/engine/hash.ts). */
let oneShot: OneShot | null | undefined;

/**
 * The sha1 of the parts, each followed by a NUL (16 hex digits). One crypto.hash of their
 * concatenation where Node has it: the same digest, and a cold run with a fresh cache hashes
 * every declaration its files consulted (20,000 declarations' texts, micro: 10-31 ms instead
 * of 15-114 ms with a Hash object each).
 */
function hashOf(parts: string[]): string {
  const crypto = nodeCrypto();
  oneShot ??= (crypto as { hash?: OneShot }).hash ?? null;
  if (oneShot) return oneShot('sha1', parts.length ? parts.join('\0') + '\0' : '', 'hex').slice(0, 16);
  const h = crypto.createHash('sha1');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex').slice(0, 16);
}

/**
 * The indexed file of each read of a sibling (a source that keeps its reads, as the engine's
 * does for the directory it scans, hands the same object to each package of the directory):
 * the library, internal-test and external-test packages share their files' clause and
 * lexing (declarations, imports, lines), which are all functions of the text. A file left
 * out of every build (buildIgnored) is not kept: it is tested again, as before.
 */
const filesRead = new WeakMap<object, { file: IndexedFile; clause: string | undefined }>();

/** Lookups answered by searching the texts before the whole package is lexed into a map. */
const FULL_INDEX_AFTER = 8;

/** The hash a lookup of nothing gets. */
export const ABSENT = 'absent';

/**
 * The files of one package and the declarations in them, read lazily: a file is lexed only
 * when a looked-up name occurs in its text.
 */
export class PackageIndex {
  readonly files: IndexedFile[];
  /** The directory's mtime when it was listed (when the source tells). */
  readonly dirMtime?: number;
  /** Stamps of every `.go` file of the directory that was read, members or not (the cache's fast path). */
  readonly stamps: [name: string, stamp: Stamp][] = [];
  private readonly lookups = new Map<DeclKey, DeclRef[]>();
  private readonly hashes = new Map<DeclKey, string>();
  private byFileName?: Map<string, IndexedFile>;
  /** Every file lexed, names mapped to their declarations: built after a few lookups. */
  private byName?: Map<string, { f: IndexedFile; d: TopDecl; n: DeclName }[]>;

  /**
   * `own` is the file that asks, with the text being analysed (it is a member even when the
   * disk says otherwise, and its text is what the answers are about).
   */
  constructor(
    readonly membership: Membership,
    source: PackageSource,
    own?: { path: string; text: string },
  ) {
    const { dir, clause, mode } = membership;
    this.dirMtime = source.dirMtime?.(dir);
    const files: IndexedFile[] = [];
    const names = mode === 'alone' ? [membership.file!] : source.list(dir);
    const ownName = own && basename(own.path);
    for (const name of [...new Set(ownName && mode !== 'alone' ? [...names, ownName] : names)].sort()) {
      const test = name.endsWith('_test.go');
      if (mode === 'lib' && test) continue;
      if (mode === 'xtest' && !test) continue;
      const path = join(dir, name);
      const read = name === ownName ? { text: own!.text, stamp: source.stamp?.(path) } : source.read(path);
      if (!read) continue;
      if (read.stamp) this.stamps.push([name, read.stamp]);
      const known = filesRead.get(read);
      if (known) {
        if (known.clause === clause) files.push(known.file);
        continue;
      }
      const file: IndexedFile = { name, path, text: read.text, ...(read.stamp ? { stamp: read.stamp } : {}) };
      if (name !== ownName && mode !== 'alone') {
        const c = clauseOf(read.text);
        if (buildIgnored(read.text)) continue;
        filesRead.set(read, { file, clause: c });
        if (c !== clause) continue;
      }
      files.push(file);
    }
    this.files = files;
  }

  /**
   * Names of the files whose text differs from `previous`'s (added and removed ones
   * included); the lexed declarations of the others are taken over from it.
   */
  changedSince(previous: PackageIndex): Set<string> {
    const old = new Map(previous.files.map((f) => [f.name, f]));
    const changed = new Set<string>();
    for (const f of this.files) {
      const o = old.get(f.name);
      old.delete(f.name);
      if (o?.text !== f.text) {
        changed.add(f.name);
        continue;
      }
      f.decls ??= o.decls;
      f.lines ??= o.lines;
      f.imports ??= o.imports;
    }
    for (const name of old.keys()) changed.add(name);
    return changed;
  }

  /**
   * A file's top-level declarations from its lines (quickDecls: `end` found on demand, see
   * endOf), or from the lexer when the file is not laid out by gofmt.
   */
  private declsOf(f: IndexedFile): TopDecl[] {
    if (!f.decls) {
      const quick = quickDecls(f.text);
      f.decls = quick.length || !/\bfunc\b|\btype\b/.test(f.text) ? quick : topLevelDecls(f.text).filter((d) => d.kind !== 'import' && d.kind !== 'package');
    }
    return f.decls;
  }

  /**
   * The declarations of `decls` (in file order) around the hits (offsets in order), each once:
   * for a hit, the last declaration starting before it, if it reaches that far and the hit is
   * not its name.
   */
  private declsAround(f: IndexedFile, decls: TopDecl[], hits: number[]): TopDecl[] {
    const found: TopDecl[] = [];
    let j = -1;
    for (const at of hits) {
      while (j + 1 < decls.length && decls[j + 1]!.start <= at) j++;
      const d = decls[j];
      // Hits come in order, so each declaration's are together.
      if (d && d !== found[found.length - 1] && at < this.endOf(f, d) && d.names[0]!.at !== at) found.push(d);
    }
    return found;
  }

  /**
   * Finds, file by file, what the `mentions:` keys of `words` will find, ahead of their lookups
   * (which then take it from each file): a word that ends another (`Lock` of `RLock`) is
   * searched for once for both, where each lookup searched every file for its own.
   */
  mentionsAhead(words: readonly string[]): void {
    for (const f of this.files) {
      const todo = words.filter((w) => !f.found?.has(`mentions:${w}`));
      if (!todo.length) continue;
      const hits = wordHits(f.text, todo);
      const firsts = (f.firstHits ??= new Map());
      for (const w of todo) {
        const at = hits.get(w)!;
        if (!firsts.has(w)) firsts.set(w, at[0] ?? -1);
        (f.found ??= new Map()).set(`mentions:${w}`, at.length ? this.declsAround(f, this.declsOfKind(f, 'funcs'), at) : []);
      }
    }
  }

  /** The file's named functions and methods (or its types, or its vars), in file order: what `mentions:` (`typesmentioning:`, `varsmentioning:`) keys find. */
  private declsOfKind(f: IndexedFile, kind: 'funcs' | 'types' | 'vars'): TopDecl[] {
    if (kind === 'types') return (f.types ??= this.declsOf(f).filter((d) => d.kind === 'type' && d.names[0]));
    if (kind === 'vars') return (f.vars ??= this.declsOf(f).filter((d) => d.kind === 'var' && d.names[0]));
    return (f.funcs ??= this.declsOf(f).filter((d) => (d.kind === 'func' || d.kind === 'method') && d.names[0]));
  }

  private endOf(f: IndexedFile, d: TopDecl): number {
    if (d.end < 0) d.end = gofmtEnd(f.text, d.start) ?? declEnd(f.text, d.start);
    return d.end;
  }

  /** The declarations a key names, in file order (several for build-tag variants of a function). */
  lookup(key: DeclKey): DeclRef[] {
    const known = this.lookups.get(key);
    if (known) return known;
    const colon = key.indexOf(':');
    const what = key.slice(0, colon);
    const arg = key.slice(colon + 1);
    const dot = arg.indexOf('.');
    const recv = what === 'method' ? arg.slice(0, dot) : what === 'methodsof' ? arg : undefined;
    const name = what === 'method' ? arg.slice(dot + 1) : arg;
    const out: DeclRef[] = [];
    const ref = (f: IndexedFile, d: TopDecl, n: DeclName): DeclRef => ({
      file: f.name,
      kind: d.kind,
      name: n.name,
      ...(d.recv ? { recv: d.recv } : {}),
      start: d.start,
      end: this.endOf(f, d),
      nameAt: n.at,
    });
    // The hits of the name as a whole word (or of the pattern), from `from` on: a native
    // substring search for a name (a RegExp that starts with a lookbehind tries every offset).
    let re: RegExp | undefined;
    const hit = (text: string, from: number): number => {
      if (what !== 'matches') return wordAt(text, name, from);
      re ??= new RegExp(name, 'g');
      re.lastIndex = from;
      const m = re.exec(text);
      return m ? m.index : -1;
    };
    // The first hit in a file's text: a name's is kept on the file (see firstHits).
    const first = (f: IndexedFile): number => {
      if (what === 'matches') return hit(f.text, 0);
      const hits = (f.firstHits ??= new Map());
      let at = hits.get(name);
      if (at === undefined) hits.set(name, (at = wordAt(f.text, name)));
      return at;
    };
    // A text that lacks what every match of the pattern spells out cannot match (a native
    // search first: the pattern is tried at every line of a file that may).
    const needs = what === 'matches' ? requiredLiterals(name) : [];
    const has = (f: IndexedFile) => needs.every((n) => f.text.includes(n)) && first(f) >= 0;
    const filesWith = () => this.files.filter(has);
    if (what === 'methodsof') {
      for (const f of filesWith()) for (const d of this.declsOf(f)) if (d.kind === 'method' && d.recv === recv && d.names[0]) out.push(ref(f, d, d.names[0]));
    } else if (what === 'mentions' || what === 'matches' || what === 'typesmentioning' || what === 'varsmentioning') {
      // Functions and methods (or types, or vars) whose text uses the word (their name aside).
      for (const f of this.files) {
        let found = f.found?.get(key);
        if (!found) {
          found = [];
          if (has(f)) {
            const hits: number[] = [];
            for (let at = first(f); at >= 0; at = hit(f.text, what === 'matches' ? re!.lastIndex + (re!.lastIndex === at ? 1 : 0) : at + name.length)) hits.push(at);
            found = this.declsAround(f, this.declsOfKind(f, what === 'typesmentioning' ? 'types' : what === 'varsmentioning' ? 'vars' : 'funcs'), hits);
          }
          (f.found ??= new Map()).set(key, found);
        }
        for (const d of found) out.push(ref(f, d, d.names[0]!));
      }
    } else {
      const add = (f: IndexedFile, d: TopDecl, n: DeclName) => {
        if (n.name === name && matches(d, what, recv)) out.push(ref(f, d, n));
      };
      // A few lookups search the texts for the name and lex only the files that have it; past
      // that, lexing every file once and answering from a map is cheaper.
      if (!this.byName && this.lookups.size >= FULL_INDEX_AFTER) this.byName = this.indexAll();
      if (this.byName) {
        for (const { f, d, n } of this.byName.get(name) ?? []) add(f, d, n);
      } else {
        for (const f of filesWith()) for (const d of this.declsOf(f)) for (const n of d.names) add(f, d, n);
      }
    }
    this.lookups.set(key, out);
    return out;
  }

  private indexAll(): Map<string, { f: IndexedFile; d: TopDecl; n: DeclName }[]> {
    const m = new Map<string, { f: IndexedFile; d: TopDecl; n: DeclName }[]>();
    for (const f of this.files) {
      for (const d of this.declsOf(f)) {
        for (const n of d.names) {
          const list = m.get(n.name);
          if (list) list.push({ f, d, n });
          else m.set(n.name, [{ f, d, n }]);
        }
      }
    }
    return m;
  }

  /** True when the text of declaration `r` has one of `words` as a whole word, outside its own name. */
  mentions(r: DeclRef, words: ReadonlySet<string>): boolean {
    const f = this.file(r.file);
    return !!f && wordsAt(f.text.slice(r.start, r.end), words).some((at) => r.start + at !== r.nameAt);
  }

  file(name: string): IndexedFile | undefined {
    if (!this.byFileName) {
      this.byFileName = new Map();
      for (const f of this.files) this.byFileName.set(f.name, f);
    }
    return this.byFileName.get(name);
  }

  /** The import declarations of a file (what qualified names in its functions mean). */
  imports(f: IndexedFile): TopDecl[] {
    // The file's header: everything before its first other declaration.
    f.imports ??= topLevelDecls(f.text.slice(0, this.declsOf(f)[0]?.start ?? f.text.length)).filter((d) => d.kind === 'import');
    return f.imports;
  }

  /**
   * Records that `key` names nothing, for a caller that told so from a cheaper test of the
   * same texts: its hash is ABSENT without the search (a `matches:` pattern tried on every
   * function of the package only to hash the empty answer was a tenth of a cold run's
   * dependency hashing).
   */
  settleAbsent(key: DeclKey): void {
    if (!this.hashes.has(key)) this.hashes.set(key, ABSENT);
  }

  /**
   * A hash of what a key names: each declaration's file, line and text, and its file's
   * imports. Equal hashes mean every answer derived from the key still holds.
   */
  hash(key: DeclKey): string {
    const known = this.hashes.get(key);
    if (known) return known;
    const refs = this.lookup(key);
    let h = ABSENT;
    if (refs.length) {
      // Each declaration's text and each file's imports are hashed once (a declaration is
      // found by many keys: every word it mentions), and a key's hash is of those hashes.
      const parts: string[] = [];
      for (const r of refs) {
        const f = this.file(r.file)!;
        const texts = (f.hashes ??= new Map());
        let decl = texts.get(r.start);
        if (decl === undefined) texts.set(r.start, (decl = hashOf([f.text.slice(r.start, r.end)])));
        let imports = texts.get(-1);
        if (imports === undefined) texts.set(-1, (imports = hashOf(this.imports(f).map((imp) => f.text.slice(imp.start, imp.end)))));
        parts.push(r.file, String(pointIn(f, r.start).row), decl, imports);
      }
      h = hashOf([parts.join('\0')]);
    }
    this.hashes.set(key, h);
    return h;
  }
}

/**
 * The end of a declaration laid out by gofmt, without the lexer (declEnd costs more than the
 * rest of a lookup): a first line that ends with `{`, then lines that are empty or start with
 * a tab, up to a line that is just `}` where the braces (outside strings, runes and line
 * comments) close. Undefined when the text could hide a line break that is not one (a raw
 * string, a block comment) or the layout is anything else: declEnd decides.
 *
 *	func (s *Server) Stop() {      ← ends with `{`
 *		s.mu.Lock()                ← a tab
 *
 *	}                              ← the end: just after this brace
 */
export function gofmtEnd(text: string, start: number): number | undefined {
  let depth = 0;
  let lineStart = start;
  for (;;) {
    const nl = text.indexOf('\n', lineStart);
    const lineEnd = nl < 0 ? text.length : nl;
    if (lineStart > start) {
      const c = text.charCodeAt(lineStart);
      if (c === 0x7d && depth === 1) {
        // `}` alone on its line, where the braces close.
        return lineEnd === lineStart + 1 || (lineEnd === lineStart + 2 && text.charCodeAt(lineStart + 1) === 0x0d) ? lineStart + 1 : undefined;
      }
      // A line that is not empty and not indented: not gofmt's layout of one declaration.
      if (c !== 0x09 && lineStart !== lineEnd && !(c === 0x0d && lineEnd === lineStart + 1)) return undefined;
    }
    // The braces of the line, strings, runes and a trailing comment aside.
    for (let i = lineStart; i < lineEnd; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 0x7b) depth++; // {
      else if (ch === 0x7d) depth--; // }
      else if (ch === 0x60) return undefined; // ` a raw string may span lines
      else if (ch === 0x2f) {
        const next = text.charCodeAt(i + 1);
        if (next === 0x2f) break; // a line comment
        if (next === 0x2a) return undefined; // a block comment may span lines
      } else if (ch === 0x22 || ch === 0x27) {
        // "…" or '…': to the closing quote, escapes skipped.
        for (i++; i < lineEnd && text.charCodeAt(i) !== ch; i++) if (text.charCodeAt(i) === 0x5c) i++;
        if (i >= lineEnd) return undefined;
      }
    }
    // The first line opens the declaration's one brace and ends with it.
    if (lineStart === start && (depth !== 1 || !text.slice(start, lineEnd).trimEnd().endsWith('{'))) return undefined;
    if (depth < 1 || nl < 0) return undefined;
    lineStart = nl + 1;
  }
}

/**
 * Runs of plain characters that every match of a regular expression contains (`range` and
 * `.qch` of `\brange[ \t]+[\w.]*\.qch\b`), of two characters or more; none when it has an
 * alternation outside a group. Conservative: groups, classes, escapes that are not
 * punctuation and quantified characters end a run.
 */
export function requiredLiterals(pattern: string): string[] {
  const out: string[] = [];
  let run = '';
  const end = () => {
    if (run.length >= 2) out.push(run);
    run = '';
  };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '|') return [];
    if (c === '*' || c === '+' || c === '?' || c === '{') {
      // Quantifies the last character: it may be absent or repeated.
      run = run.slice(0, -1);
      end();
      if (c === '{') while (i + 1 < pattern.length && pattern[i] !== '}') i++;
      continue;
    }
    if (c === '\\') {
      const e = pattern[i + 1];
      i++;
      if (e !== undefined && /[^\w\s]/.test(e)) run += e;
      else end();
      continue;
    }
    if (c === '[') {
      end();
      for (i++; i < pattern.length && pattern[i] !== ']'; i++) if (pattern[i] === '\\') i++;
      continue;
    }
    if (c === '(') {
      end();
      // Skip the group, nested ones and classes included.
      let depth = 1;
      for (i++; i < pattern.length && depth > 0; i++) {
        const g = pattern[i];
        if (g === '\\') i++;
        else if (g === '[') {
          for (i++; i < pattern.length && pattern[i] !== ']'; i++) if (pattern[i] === '\\') i++;
        } else if (g === '(') depth++;
        else if (g === ')') depth--;
      }
      i--;
      continue;
    }
    if (c === ')' || c === ']' || c === '}' || c === '.' || c === '^' || c === '$') {
      end();
      continue;
    }
    run += c;
  }
  end();
  return out;
}

/** `[\w$]`: a character that continues a word (ASCII letters, digits, `_`, `$`). */
function wordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36;
}

/** What wordsAt needs of a word set, made once per set (a set of hundreds of names is searched in many declarations). */
interface WordShape {
  lengths: Set<number>;
  firsts: Set<number>;
  /** Words with other characters (a Unicode letter), searched for one by one. */
  other: string[];
}

const shapes = new WeakMap<ReadonlySet<string>, WordShape>();

function shapeOf(words: ReadonlySet<string>): WordShape {
  let s = shapes.get(words);
  if (!s) {
    s = { lengths: new Set(), firsts: new Set(), other: [] };
    for (const w of words) {
      s.lengths.add(w.length);
      s.firsts.add(w.charCodeAt(0));
      if (!/^[\w$]+$/.test(w)) s.other.push(w);
    }
    shapes.set(words, s);
  }
  return s;
}

/** The offsets of the whole-word occurrences of any of `words` in `text`, in order. */
function wordsAt(text: string, words: ReadonlySet<string>): number[] {
  const out: number[] = [];
  // A run of word characters is a whole word: only runs of a length some word has, starting
  // with a character some word starts with, are cut out and looked up.
  const { lengths, firsts, other } = shapeOf(words);
  const n = text.length;
  for (let i = 0; i < n; ) {
    if (!wordChar(text.charCodeAt(i))) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < n && wordChar(text.charCodeAt(j))) j++;
    if (lengths.has(j - i) && firsts.has(text.charCodeAt(i)) && words.has(text.slice(i, j))) out.push(i);
    i = j;
  }
  for (const w of other) for (let at = wordAt(text, w); at >= 0; at = wordAt(text, w, at + w.length)) out.push(at);
  return other.length ? [...new Set(out)].sort((a, b) => a - b) : out;
}

/**
 * The offsets of the whole-word occurrences of each of `words` in `text`, in order, as wordAt
 * finds them one by one; a word that ends with another of them (`RLock`, `Lock`) is found
 * where the shorter one occurs, in the same search of the text.
 */
export function wordHits(text: string, words: readonly string[]): Map<string, number[]> {
  const out = new Map<string, number[]>(words.map((w) => [w, []]));
  for (const a of words) {
    if (words.some((b) => b !== a && a.endsWith(b))) continue; // found with a shorter one
    const longer = words.filter((b) => b !== a && b.endsWith(a));
    const mine = out.get(a)!;
    for (let at = text.indexOf(a); at >= 0; at = text.indexOf(a, at + 1)) {
      if (wordChar(text.charCodeAt(at + a.length))) continue;
      if (at === 0 || !wordChar(text.charCodeAt(at - 1))) mine.push(at);
      for (const b of longer) {
        const s = at + a.length - b.length;
        if (s >= 0 && (s === 0 || !wordChar(text.charCodeAt(s - 1))) && text.startsWith(b, s)) out.get(b)!.push(s);
      }
    }
  }
  // wordAt searches on from the end of a hit: occurrences that overlap it (only possible for a
  // word with characters that are no word characters) are not hits.
  for (const [w, list] of out) {
    let k = 0;
    for (const at of list) if (!k || at >= list[k - 1]! + w.length) list[k++] = at;
    list.length = k;
  }
  return out;
}

/** The offset of the first whole-word occurrence of `word` in `text` from `from` (as `(?<![\w$])word(?![\w$])`), or -1. */
export function wordAt(text: string, word: string, from = 0): number {
  for (let at = text.indexOf(word, from); at >= 0; at = text.indexOf(word, at + 1)) {
    if ((at === 0 || !wordChar(text.charCodeAt(at - 1))) && !wordChar(text.charCodeAt(at + word.length))) return at;
  }
  return -1;
}

function matches(d: TopDecl, what: string, recv: string | undefined): boolean {
  switch (what) {
    case 'func':
      return d.kind === 'func';
    case 'method':
      return d.kind === 'method' && d.recv === recv;
    case 'methods':
      return d.kind === 'method';
    case 'type':
    case 'var':
    case 'const':
      return d.kind === what;
    default:
      return false;
  }
}


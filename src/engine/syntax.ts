// Parsing Go that is newer than the grammar. tree-sitter-go 0.25 reads `new` and `make` as
// the built-ins, whose first argument must be a type, so Go 1.26's `new(expr)` (and a call
// of a function of one's own named `new` or `make`) turns into ERROR nodes, and the error
// recovery can swallow the statements around it:
//
//   p := new(n * 2)          the ERROR runs on into the next line,
//   ch := make(chan int)     and this declaration is lost with it
//
// Such a call is parsed again as the ordinary call it is: the parser reads the file with
// that one name spelled as another identifier of the same length, so every offset, line
// and column stays, and node texts still come from the file as written.
import type { Parser, ParseOptions, Tree } from 'web-tree-sitter';
import { treeText } from './nodes.js';
import type { Notice } from './types.js';

/** The grammar wasm/ holds (the tree-sitter-go devDependency; a test keeps them in step). */
export const GRAMMAR = 'tree-sitter-go 0.25';

/** The names the grammar treats as built-ins, and a same-length stand-in for each. */
const STAND_IN: Record<string, string> = { new: 'n_w', make: 'm_ke' };
const CALL = /\b(new|make)\s*([([])/g;

export interface ParsedGo {
  tree: Tree;
  /** Set when the file has syntax the grammar could not read. */
  notice?: Notice;
  /** What the notice is made of (several parses of one file combine theirs: `syntaxNotice`). */
  problem?: SyntaxProblem;
}

/** The calls read again as ordinary calls, and where a syntax error remains (if one does). */
export interface SyntaxProblem {
  sites: Site[];
  error?: { line: number; column: number };
}

export interface Site {
  name: string;
  at: number;
  line: number;
  column: number;
  /** `new(expr)`, or a call of a function named new/make (`make[T](…)`, a shadowing local). */
  construct: string;
}

/** True when the file declares `name` itself (`func new(…)`, `new := …`, a parameter `new func…`). */
function declares(text: string, name: string): boolean {
  return new RegExp(`\\b(?:func|var)\\s+${name}\\b|\\b${name}\\s*:=|[(,]\\s*${name}\\s+func\\b`).test(text);
}

/**
 * Calls spelled `new(`/`make(` (or `[`) that the tree does not hold as a sound call: the
 * name is not the function of an error-free call_expression. Names inside comments and
 * strings are not identifier tokens and are skipped. Only in [from, to) of the text.
 */
function brokenCalls(tree: Tree, text: string, from: number, to: number): Site[] {
  const root = tree.rootNode;
  const sites: Site[] = [];
  CALL.lastIndex = from;
  for (let m = CALL.exec(text); m && m.index < to; m = CALL.exec(text)) {
    const name = m[1]!;
    const tok = root.descendantForIndex(m.index, m.index + name.length);
    if (!tok || tok.startIndex !== m.index || tok.endIndex !== m.index + name.length) continue;
    if (tok.type !== 'identifier' && tok.type !== name) continue;
    const call = tok.parent;
    if (call?.type === 'call_expression' && call.childForFieldName('function')?.id === tok.id && !call.hasError) continue;
    const builtin = name === 'new' && m[2] === '(' && !declares(text, name);
    const construct = builtin ? "Go 1.26's new(expr)" : `a call of a function of the code's own named ${name}`;
    sites.push({ name, at: m.index, line: tok.startPosition.row + 1, column: tok.startPosition.column + 1, construct });
  }
  return sites;
}

/** ERROR nodes, or 1 for a tree whose only errors are MISSING nodes. */
function errorCount(tree: Tree): number {
  const n = tree.rootNode.descendantsOfType('ERROR').length;
  return n || (tree.rootNode.hasError ? 1 : 0);
}

/** Where the first syntax error is: the first ERROR node, or the start of the file (MISSING nodes only). */
function firstError(tree: Tree): { line: number; column: number } {
  const where = tree.rootNode.descendantsOfType(['ERROR'])[0] ?? tree.rootNode;
  return { line: where.startPosition.row + 1, column: where.startPosition.column + 1 };
}

/** The text from `index` up to `end`, in pieces: a whole string makes web-tree-sitter copy 5,000 characters at every call, however short the range parsed. */
function reader(text: () => string, end: number): (index: number) => string {
  return (index) => (index < end ? text().slice(index, Math.min(end, index + 4096)) : '');
}

/**
 * Parses a Go file, or the part of it in `options.includedRanges` (then `end` is where the
 * last range ends); when it holds calls the grammar cannot read as calls, parses it again
 * with them read as ordinary calls and keeps that tree if it has fewer errors. The notice
 * names the construct, or says where a syntax error is that no such reading explains.
 */
export function parseGo(parser: Parser, text: string, options?: ParseOptions, end = text.length): ParsedGo | undefined {
  const tree = parser.parse(reader(() => text, end), null, options);
  if (tree) treeText(tree, text);
  if (!tree || !tree.rootNode.hasError) return tree ? { tree } : undefined;
  const from = options?.includedRanges?.[0]?.startIndex ?? 0;
  const sites = brokenCalls(tree, text, from, end);
  let best = tree;
  if (sites.length) {
    let masked = text;
    for (const s of sites) masked = masked.slice(0, s.at) + STAND_IN[s.name]! + masked.slice(s.at + s.name.length);
    // The tree reads node texts through the callback it was parsed with: the stand-in
    // names while parsing, the file as written afterwards.
    let source = masked;
    const reparsed = parser.parse(reader(() => source, end), null, options);
    source = text;
    if (reparsed) treeText(reparsed, text);
    if (reparsed && errorCount(reparsed) < errorCount(tree)) {
      tree.delete();
      best = reparsed;
    } else reparsed?.delete();
  }
  const problem: SyntaxProblem = best === tree ? { sites: [], error: firstError(tree) } : { sites, ...(best.rootNode.hasError ? { error: firstError(best) } : {}) };
  return { tree: best, notice: syntaxNotice([problem]), problem };
}

/**
 * One notice for the problems of one file's parses (in text order): the calls the grammar
 * could not read, where the first is and how many there are, or where a syntax error is.
 */
export function syntaxNotice(problems: SyntaxProblem[]): Notice | undefined {
  const sites = problems.flatMap((p) => p.sites);
  const error = problems.find((p) => p.error)?.error;
  if (!sites.length) {
    return error && { kind: 'parse-error', message: 'syntax error; the file was analysed where its tree is sound', ...error };
  }
  const first = sites[0]!;
  const where = sites.length > 1 ? ` (${sites.length} places, the first here)` : '';
  const rest = error
    ? `; a syntax error remains at ${error.line}:${error.column}, and the file was analysed where its tree is sound`
    : ', and the file was analysed as sound';
  return {
    kind: 'parse-error',
    message: `the grammar (${GRAMMAR}) does not know ${first.construct}${where}: it was read as an ordinary call${rest}`,
    line: first.line,
    column: first.column,
  };
}

// A file's syntax trees, parsed one top-level declaration at a time and only when asked for.
// The text outline (toplevel.ts) finds every declaration; a rule's words lead to the
// declarations that can matter, and only those get a tree. Each declaration is parsed with
// the file's text and an included range, so its nodes carry their positions in the file.
//
// `root` stands in for the file's source_file node: its lookups by offset, its top-level
// children and its descendantsOfType parse what they touch, so code written against one
// tree for the whole file gets the same nodes. `wholeFile` parses the file in one piece
// instead (the reference the lazy mode is checked against).
//
// Two guards keep a scan linear in the file's size whatever the input: a declaration
// nested deeper than `maxDepth` brackets, or bigger than `maxDeclChars`, is not parsed; it
// is reported as skipped. Real code stays far below both (the deepest declaration in 1.3
// million of Debian's Go sources nests 43 brackets).
import type { Node, Parser, Point, Range, Tree } from 'web-tree-sitter';
import { parseGo, type SyntaxProblem, syntaxNotice } from '../engine/syntax.js';
import type { Notice } from '../engine/types.js';
import { declAt, inLiteral, type Outline, outline, pointAt, type TopDecl, type TopDeclKind } from './toplevel.js';

export interface SyntaxOptions {
  /** Parse the whole file in one piece (no guards). */
  wholeFile?: boolean;
  maxDepth?: number;
  maxDeclChars?: number;
}

/** Deeper than this many nested brackets, a declaration is not analysed. */
export const MAX_DEPTH = 64;
/** Bigger than this (UTF-16 code units), a declaration is not analysed. */
export const MAX_DECL_CHARS = 4 << 20;

export interface SkippedDecl {
  decl: TopDecl;
  why: 'depth' | 'size';
  /** 1-based line and column of the declaration. */
  line: number;
  column: number;
}

/** The node type of each kind of top-level declaration. */
export const DECL_TYPES: Record<TopDeclKind, string> = {
  package: 'package_clause',
  import: 'import_declaration',
  func: 'function_declaration',
  method: 'method_declaration',
  var: 'var_declaration',
  const: 'const_declaration',
  type: 'type_declaration',
};

/**
 * Node types that always contain a given token: a declaration without that token (as
 * code, not in a comment or string) has none of these nodes, and need not be parsed to
 * know it.
 */
const ANCHORS: Record<string, string> = {
  go_statement: 'go',
  defer_statement: 'defer',
  select_statement: 'select',
  send_statement: '<-',
  channel_type: 'chan',
  func_literal: 'func',
  function_declaration: 'func',
  method_declaration: 'func',
  for_statement: 'for',
  range_clause: 'range',
  if_statement: 'if',
  return_statement: 'return',
  expression_switch_statement: 'switch',
  type_switch_statement: 'switch',
  const_declaration: 'const',
  const_spec: 'const',
  var_declaration: 'var',
  short_var_declaration: ':=',
  inc_statement: '++',
  dec_statement: '--',
  import_declaration: 'import',
  import_spec: 'import',
  type_declaration: 'type',
  labeled_statement: ':',
  goto_statement: 'goto',
};

const bySyntax = new WeakMap<object, Syntax>();

// Outlines of the texts seen last (least recently used first): the package view wraps each
// sibling declaration it parses in facts of its own, over the texts of the package's files.
// A thread scans one directory at a time, so a few of its packages' worth is enough; each
// entry holds its text alive (64 MB of them held 70 MB more peak RSS per thread on Go's
// standard library than 8 MB, for no measurable CPU).
const outlines = new Map<string, Outline>();
let outlinedChars = 0;
const OUTLINED_CHARS = 8 << 20;
function outlineOf(text: string): Outline {
  let o = outlines.get(text);
  if (o) outlines.delete(text);
  else {
    o = outline(text);
    outlinedChars += text.length;
    for (const [t] of outlines) {
      if (outlinedChars <= OUTLINED_CHARS) break;
      outlines.delete(t);
      outlinedChars -= t.length;
    }
  }
  outlines.set(text, o);
  return o;
}

/** A test of a declaration's text before it is parsed (a RegExp, or a function's own test). */
export interface TextTest {
  test(text: string): boolean;
}

export class Syntax {
  private outlineMemo?: Outline;
  readonly root: Node;
  /** Declarations left unparsed by the guards. */
  readonly skipped: SkippedDecl[] = [];
  /** Characters parsed so far. */
  parsedChars = 0;
  private readonly trees: (Tree | null | undefined)[] = [];
  private readonly nodes: (Node | null | undefined)[] = [];
  private readonly owned: Tree[] = [];
  private whole?: Node;
  private readonly wordMemo = new Map<string, boolean>();
  /** Syntax problems of the parses, by where the parsed text starts. */
  private readonly problems: { at: number; problem: SyntaxProblem }[] = [];

  /**
   * Parses lazily with `parser`, or wraps the root of a tree that is already parsed whole
   * (`root`: the caller keeps ownership, nothing is parsed again).
   */
  constructor(
    private readonly parser: Parser | null,
    readonly text: string,
    private readonly opts: SyntaxOptions = {},
    root?: Node,
  ) {
    if (root) {
      this.whole = root;
    } else if (opts.wholeFile) {
      const parsed = parseGo(parser!, text);
      if (!parsed) throw new Error('the parser could not read this file');
      this.owned.push(parsed.tree);
      if (parsed.problem) this.problems.push({ at: 0, problem: parsed.problem });
      this.whole = parsed.tree.rootNode;
      this.parsedChars = text.length;
    }
    this.root = this.whole ?? this.virtualRoot();
    bySyntax.set(this.root, this);
  }

  /** The text's top-level declarations, comments and literals (made on first use). */
  get outline(): Outline {
    this.outlineMemo ??= outlineOf(this.text);
    return this.outlineMemo;
  }

  /** The Syntax a root node (real or stand-in) belongs to, if it was made by one. */
  static of(root: Node): Syntax | undefined {
    return bySyntax.get(root);
  }

  get lazy(): boolean {
    return this.whole === undefined;
  }

  /**
   * The node of top-level declaration `i` (the outline's numbering), parsed on first use:
   * the one way a declaration's tree is obtained. Null when a guard skipped it.
   */
  decl(i: number): Node | null {
    const known = this.nodes[i];
    if (known !== undefined) return known;
    const d = this.outline.decls[i]!;
    let node: Node | null = null;
    if (this.whole) {
      node = this.whole.descendantForIndex(d.start, d.end);
      // The declaration itself, not a token that happens to span it (a one-token junk line).
      while (node && node.parent && node.parent.startIndex === d.start && node.parent.endIndex === d.end && node.parent.type !== 'source_file') node = node.parent;
    } else {
      const tree = this.treeOf(i);
      if (tree) {
        const kids = tree.rootNode.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
        node = kids.length === 1 ? kids[0]! : tree.rootNode;
      }
    }
    this.nodes[i] = node;
    return node;
  }

  /**
   * The top-level declarations of these node types (all when omitted), in order; with
   * `text`, only those whose text it matches (tested before any parse).
   */
  declarations(types?: readonly string[], text?: TextTest): Node[] {
    const out: Node[] = [];
    const want = types && new Set(types);
    this.outline.decls.forEach((d, i) => {
      if (want && !want.has(DECL_TYPES[d.kind])) return;
      if (text && !text.test(this.text.slice(d.start, d.end))) return;
      const n = this.decl(i);
      if (n && (!want || want.has(n.type))) out.push(n);
    });
    return out;
  }


  /** True when `offset` is inside a comment or a literal, where no code word can be. */
  inLiteral(offset: number): boolean {
    return inLiteral(this.outline, offset);
  }

  /** The smallest node spanning [start, end), as `Node.descendantForIndex` on the file's root. */
  nodeAt(start: number, end: number, named: boolean): Node | null {
    if (this.whole) return named ? this.whole.namedDescendantForIndex(start, end) : this.whole.descendantForIndex(start, end);
    const i = declAt(this.outline, start);
    if (i < 0 || end > this.outline.decls[i]!.end) return null;
    const tree = this.treeOf(i);
    if (!tree) return null;
    return named ? tree.rootNode.namedDescendantForIndex(start, end) : tree.rootNode.descendantForIndex(start, end);
  }

  /** Every node of these types in the file, in document order. */
  descendantsOfType(types: string | readonly string[]): Node[] {
    const list = typeof types === 'string' ? [types] : [...types];
    if (this.whole) return this.whole.descendantsOfType(list).filter((n): n is Node => n !== null);
    const anchors = list.map((t) => ANCHORS[t]);
    const anchored = anchors.every((a) => a !== undefined);
    const out: Node[] = [];
    for (let i = 0; i < this.outline.decls.length; i++) {
      if (anchored && !anchors.some((a) => this.hasWord(i, a!))) continue;
      const tree = this.treeOf(i);
      if (!tree) continue;
      for (const n of tree.rootNode.descendantsOfType(list)) if (n && n.type !== 'source_file') out.push(n);
    }
    return out;
  }

  /** True when declaration `i` has `word` as code (outside comments and literals). */
  hasWord(i: number, word: string): boolean {
    const key = `${i}:${word}`;
    let v = this.wordMemo.get(key);
    if (v !== undefined) return v;
    v = false;
    const d = this.outline.decls[i]!;
    const isWord = /^\w+$/.test(word);
    for (let at = this.text.indexOf(word, d.start); at >= 0 && at + word.length <= d.end; at = this.text.indexOf(word, at + 1)) {
      if (isWord && (/\w/.test(this.text[at - 1] ?? '') || /\w/.test(this.text[at + word.length] ?? ''))) continue;
      if (this.inLiteral(at)) continue;
      v = true;
      break;
    }
    this.wordMemo.set(key, v);
    return v;
  }

  /** The syntax notice of the parses so far (of the file, or of the declarations parsed). */
  notice(): Notice | undefined {
    return syntaxNotice([...this.problems].sort((a, b) => a.at - b.at).map((p) => p.problem));
  }

  /** True when a tree parsed so far has a syntax error. */
  hasError(): boolean {
    return this.problems.some((p) => p.problem.error);
  }

  /** Frees every tree this Syntax parsed. */
  delete(): void {
    for (const t of this.owned) t.delete();
    this.owned.length = 0;
  }

  /** Why the guards leave declaration `i` unparsed, or null (always null for a whole-file parse). */
  guarded(i: number): SkippedDecl['why'] | null {
    if (this.whole) return null;
    const d = this.outline.decls[i]!;
    if (d.depth > (this.opts.maxDepth ?? MAX_DEPTH)) return 'depth';
    if (d.end - d.start > (this.opts.maxDeclChars ?? MAX_DECL_CHARS)) return 'size';
    return null;
  }

  private treeOf(i: number): Tree | null {
    const known = this.trees[i];
    if (known !== undefined) return known;
    const d = this.outline.decls[i]!;
    let tree: Tree | null = null;
    const why = this.guarded(i);
    if (why) {
      const p = pointAt(this.outline, d.start);
      this.skipped.push({ decl: d, why, line: p.row + 1, column: p.column + 1 });
    } else {
      // Up to the next declaration: var, const and type declarations are statements that
      // need their terminator (the newline or `;` after them), and the comments between
      // declarations land where a whole-file parse puts them, beside the declaration.
      const end = this.rangeEnd(i);
      const range: Range = {
        startIndex: d.start,
        endIndex: end,
        startPosition: pointAt(this.outline, d.start) as Point,
        endPosition: pointAt(this.outline, end) as Point,
      };
      const parsed = parseGo(this.parser!, this.text, { includedRanges: [range] }, end);
      if (parsed) {
        tree = parsed.tree;
        this.owned.push(tree);
        this.parsedChars += d.end - d.start;
        if (parsed.problem) this.problems.push({ at: d.start, problem: parsed.problem });
      }
    }
    this.trees[i] = tree;
    return tree;
  }

  /** The offset of a row and column (UTF-16 code units, as tree-sitter counts them here). */
  offsetOf(p: Point): number {
    const starts = this.outline.lineStarts;
    return (starts[Math.min(p.row, starts.length - 1)] ?? 0) + p.column;
  }

  private rangeEnd(i: number): number {
    return this.outline.decls[i + 1]?.start ?? this.text.length;
  }

  /**
   * A stand-in for the file's source_file node that answers from the declarations' trees.
   * Only what code asks of a file's root is there; anything else is a programming error
   * and throws.
   */
  private virtualRoot(): Node {
    const self = this;
    const end = this.text.length;
    let endPosition: Point | undefined;
    const stub = {
      type: 'source_file',
      grammarType: 'source_file',
      isNamed: true,
      isMissing: false,
      isExtra: false,
      isError: false,
      id: -1,
      startIndex: 0,
      endIndex: end,
      startPosition: { row: 0, column: 0 },
      // On first use: a scan whose rules all decline the file (a test file, most rules) never
      // needs the outline, and this was the one thing that made it for every file.
      get endPosition(): Point {
        const lines = self.outline.lineStarts;
        endPosition ??= { row: lines.length - 1, column: end - lines[lines.length - 1]! };
        return endPosition;
      },
      parent: null,
      tree: {},
      get text() {
        return self.text;
      },
      get hasError() {
        return self.hasError();
      },
      get namedChildren() {
        return self.declarations();
      },
      get children() {
        return self.declarations();
      },
      get namedChildCount() {
        return self.declarations().length;
      },
      get childCount() {
        return self.declarations().length;
      },
      namedChild(i: number) {
        return self.declarations()[i] ?? null;
      },
      child(i: number) {
        return self.declarations()[i] ?? null;
      },
      descendantsOfType(types: string | string[]) {
        return self.descendantsOfType(types);
      },
      descendantForIndex(start: number, e = start) {
        return self.nodeAt(start, e, false) ?? proxy;
      },
      namedDescendantForIndex(start: number, e = start) {
        return self.nodeAt(start, e, true) ?? proxy;
      },
      descendantForPosition(start: Point, e = start) {
        return self.nodeAt(self.offsetOf(start), self.offsetOf(e), false) ?? proxy;
      },
      namedDescendantForPosition(start: Point, e = start) {
        return self.nodeAt(self.offsetOf(start), self.offsetOf(e), true) ?? proxy;
      },
      childForFieldName() {
        return null;
      },
      childrenForFieldName() {
        return [];
      },
      toString() {
        return '(source_file)';
      },
    };
    const proxy = new Proxy(stub, {
      get(target, key, receiver) {
        if (key in target || typeof key === 'symbol') return Reflect.get(target, key, receiver);
        throw new Error(`the file's root stand-in has no ${String(key)}`);
      },
    }) as unknown as Node;
    return proxy;
  }
}

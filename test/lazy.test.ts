// The per-declaration parse (src/go/syntax.ts) against the parse of the whole file: the text
// outline finds what the tree finds, a declaration parsed alone is the same subtree, the
// memoized node answers (src/engine/nodes.ts) and the cheaper calls into WebAssembly
// (src/engine/wasmnodes.ts) are the library's own, and every rule reports
// the same findings either way.
import { relative } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Node, Tree } from 'web-tree-sitter';
import { allRules } from '../rules/index.js';
import { scanFilesWithStats } from '../src/engine/run.js';
import { parseGo } from '../src/engine/syntax.js';
import { fastMethods, libraryMethods } from '../src/engine/wasmnodes.js';
import { declaringOffsets, FileFacts } from '../src/go/facts.js';
import { DECL_TYPES, Syntax } from '../src/go/syntax.js';
import { declAt, inLiteral, outline, plainImports, pointAt } from '../src/go/toplevel.js';
import { formatJson } from '../src/report/json.js';
import { fixtureSources, fixturesDir, goFilesIn, parser_, withTrees } from './helpers.js';


/** The deepest nesting of bracket tokens inside a node. */
function maxDepth(n: Node): number {
  let depth = 0;
  let max = 0;
  for (const { node } of walk(n.tree)) {
    if (node.startIndex < n.startIndex || node.endIndex > n.endIndex || node.childCount) continue;
    if (['(', '[', '{'].includes(node.type)) max = Math.max(max, ++depth);
    else if ([')', ']', '}'].includes(node.type)) depth--;
  }
  return max;
}

/** Every node of a tree with its parent, by a cursor walk (no `parent` asked). */
function walk(tree: Tree): { node: Node; parent: Node | null }[] {
  const out: { node: Node; parent: Node | null }[] = [];
  const stack: Node[] = [];
  const c = tree.walk();
  for (;;) {
    const n = c.currentNode;
    out.push({ node: n, parent: stack[stack.length - 1] ?? null });
    if (c.gotoFirstChild()) {
      stack.push(n);
      continue;
    }
    while (!c.gotoNextSibling()) {
      if (!c.gotoParent()) return out;
      stack.pop();
    }
  }
}

test('the outline finds the declarations the tree has, with their kinds, names and depth', async () => {
  let checked = 0;
  await withTrees(fixtureSources(), (tree, { name, text }) => {
    if (tree.rootNode.hasError) return;
    const o = outline(text);
    const kids = tree.rootNode.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
    assert.equal(
      o.decls.map((d) => `${DECL_TYPES[d.kind]} ${d.start}-${d.end}`),
      kids.map((k) => `${k.type} ${k.startIndex}-${k.endIndex}`),
      name,
    );
    o.decls.forEach((d, i) => {
      const k = kids[i]!;
      if (d.kind === 'func' || d.kind === 'method') assert.is(d.names[0]?.name, k.childForFieldName('name')?.text, name);
      assert.equal(pointAt(o, d.start), k.startPosition, name);
      assert.is(declAt(o, d.start), i);
      assert.is(declAt(o, d.end), i + 1 < o.decls.length && o.decls[i + 1]!.start === d.end ? i + 1 : -1);
      assert.is(d.depth, maxDepth(k), `${name} #${i} depth`);
    });
    // Comments and literals, and nothing else, are literal text; lines start where the tree says.
    for (const { node } of walk(tree)) {
      const lit = node.type === 'comment' || node.type.endsWith('string_literal') || node.type === 'rune_literal';
      if (lit) assert.ok(inLiteral(o, node.startIndex) && inLiteral(o, node.endIndex - 1), `${name}: ${node.type} at ${node.startIndex}`);
      else if (node.childCount === 0 && node.startIndex < node.endIndex && !node.parent?.type.endsWith('string_literal')) {
        assert.not.ok(inLiteral(o, node.startIndex), `${name}: ${node.type} at ${node.startIndex}`);
      }
      assert.equal(pointAt(o, node.startIndex), node.startPosition);
    }
    checked++;
  });
  assert.ok(checked > 100, `checked ${checked} files`);
});

test('a declaration parsed alone is the subtree the whole file has, at the same positions', async () => {
  const parser = await parser_();
  for (const { name, text } of fixtureSources()) {
    const whole = parser.parse(text)!;
    const lazy = new Syntax(parser, text);
    try {
      if (whole.rootNode.hasError) continue;
      const kids = whole.rootNode.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
      lazy.outline.decls.forEach((_, i) => {
        const alone = lazy.decl(i)!;
        const k = kids[i]!;
        assert.is(alone.toString(), k.toString(), `${name} #${i}`);
        assert.equal([alone.startIndex, alone.endIndex, alone.startPosition, alone.endPosition], [k.startIndex, k.endIndex, k.startPosition, k.endPosition], `${name} #${i}`);
        assert.is(alone.text, k.text);
      });
      assert.is(lazy.parsedChars, lazy.outline.decls.reduce((n, d) => n + d.end - d.start, 0));
    } finally {
      lazy.delete();
      whole.delete();
    }
  }
});

test('memoized parents, types and ends are the native answers, in any order of asking', async () => {
  const parser = await parser_();
  let checked = 0;
  for (const { name, text } of fixtureSources().slice(0, 120)) {
    const tree = parser.parse(text)!;
    try {
      assert.is(sig(tree.rootNode), sig(libraryMethods.rootNode!.get!.call(tree) as Node), name);
      const all = walk(tree);
      // Backwards, then from the middle out: the descent cache must not depend on order.
      const order = [...all.keys()].reverse();
      const mid = all.length >> 1;
      for (let k = 0; k < mid; k++) order.push(mid + k, mid - k);
      for (const i of order) {
        const { node, parent } = all[i]!;
        assert.is(node.parent?.id ?? null, parent?.id ?? null, `${name}: parent of ${node.type} at ${node.startIndex}`);
        checked++;
      }
      for (const { node } of all) {
        const again = tree.rootNode.descendantForIndex(node.startIndex, node.endIndex)!;
        assert.ok(typeof node.type === 'string' && node.endIndex >= node.startIndex);
        assert.ok(again.endIndex >= again.startIndex);
      }
    } finally {
      tree.delete();
    }
  }
  assert.ok(checked > 10_000, `checked ${checked} parents`);
});

/** What identifies a node to the library: the words it marshals, and its type. */
function sig(n: Node | null): string {
  if (!n) return 'null';
  const raw = n as unknown as { 0: number };
  return `${n.id} ${raw[0]} ${n.startIndex} ${n.startPosition.row}:${n.startPosition.column} ${n.endIndex} ${n.type}`;
}

/** The library's own answer: its method or getter `name` called on a copy of `n` (no list or answer kept on it). */
function library(n: Node, name: string, ...args: unknown[]): unknown {
  const d = libraryMethods[name];
  assert.ok(d, `the library's ${name} was kept`);
  const copy = Object.assign(Object.create(Object.getPrototypeOf(n) as object) as object, n, { _children: undefined, _namedChildren: undefined });
  return d.get ? d.get.call(copy) : (d.value as (...a: unknown[]) => unknown).apply(copy, args);
}

/** Lists of node types asked of descendantsOfType: one type, several, an alias-free keyword, ERROR, none known. */
const TYPE_LISTS: (string | string[])[] = ['identifier', ['call_expression', 'func_literal', 'go_statement'], ['ERROR', 'identifier'], 'chan', [], ['no_such_type']];

test('the cheaper calls into WebAssembly answer as the library does, and node texts are the parsed text', async () => {
  const parser = await parser_();
  // Characters outside ASCII and outside the BMP: offsets are UTF-16 code units throughout.
  const sources = [...fixtureSources().slice(0, 60), { name: 'unicode.go', text: 'package p\n\n// héllo 😀\nfunc f(s string) string { x := "ü😀" + s; return x }\n\nvar π = 3.14\n' }];
  const fields = parser.language!.fields.length;
  const names = parser.language!.fields.filter((f): f is string => f !== null);
  let checked = 0;
  for (const { name, text } of sources) {
    const tree = parseGo(parser, text)!.tree;
    const plain = parser.parse(text)!;
    try {
      const all = walk(tree);
      const same = walk(plain);
      assert.is(all.length, same.length, name);
      all.forEach(({ node }, i) => {
        const at = `${name}: ${node.type} at ${node.startIndex}`;
        assert.is(node.text, same[i]!.node.text, at);
        assert.is(node.typeId, library(node, 'typeId'), at);
        assert.is(node.endIndex, library(node, 'endIndex'), at);
        for (const m of ['hasError', 'childCount', 'namedChildCount']) assert.is((node as unknown as Record<string, unknown>)[m], library(node, m), `${at}: ${m}`);
        assert.equal(node.endPosition, library(node, 'endPosition'), at);
        // The library's own methods that read the word as `node[0]` (its getter on these nodes)
        // answer as on a node holding it as an element, as the library's nodes do.
        const element = Object.assign(Object.create(Object.getPrototypeOf(node) as object) as object, node, { 0: (node as unknown as { 0: number })[0] });
        for (const m of ['isNamed', 'isMissing', 'isExtra', 'descendantCount']) {
          assert.is((node as unknown as Record<string, unknown>)[m], (element as Record<string, unknown>)[m], `${at}: ${m}`);
        }
        assert.equal(node.namedChildren.map(sig), (library(node, 'namedChildren') as Node[]).map(sig), at);
        assert.equal(node.children.map(sig), (library(node, 'children') as Node[]).map(sig), at);
        for (let k = 0; k <= node.childCount; k++) {
          assert.is(sig(node.child(k)), sig(library(node, 'child', k) as Node | null), at);
          assert.is(sig(node.namedChild(k)), sig(library(node, 'namedChild', k) as Node | null), at);
        }
        for (let f = 1; f < fields; f++) assert.is(sig(node.childForFieldId(f)), sig(library(node, 'childForFieldId', f) as Node | null), at);
        for (const f of [...names, 'no_such_field']) {
          assert.is(sig(node.childForFieldName(f)), sig(library(node, 'childForFieldName', f) as Node | null), at);
          assert.equal(node.childrenForFieldName(f).map(sig), (library(node, 'childrenForFieldName', f) as Node[]).map(sig), at);
        }
        for (const types of TYPE_LISTS) assert.equal(node.descendantsOfType(types).map(sig), (library(node, 'descendantsOfType', types) as Node[]).map(sig), at);
        for (const m of ['parent', 'nextSibling', 'previousSibling', 'nextNamedSibling', 'previousNamedSibling']) {
          // The replaced getter itself (for parent, what the parent memo falls back on), and as code asks.
          assert.is(sig(fastMethods[m]!.get!.call(node) as Node | null), sig(library(node, m) as Node | null), `${at}: ${m}`);
          assert.is(sig((node as unknown as Record<string, Node | null>)[m]!), sig(library(node, m) as Node | null), `${at}: ${m}`);
        }
        const root = tree.rootNode;
        assert.is(sig(root.childWithDescendant(node)), sig(library(root, 'childWithDescendant', node) as Node | null), at);
        for (const [a, b] of [[node.startIndex, node.endIndex], [node.startIndex, node.startIndex], [node.endIndex, node.endIndex]] as const) {
          assert.is(sig(root.descendantForIndex(a, b)), sig(library(root, 'descendantForIndex', a, b) as Node | null), at);
          assert.is(sig(root.namedDescendantForIndex(a, b)), sig(library(root, 'namedDescendantForIndex', a, b) as Node | null), at);
        }
        checked++;
      });
    } finally {
      tree.delete();
      plain.delete();
    }
  }
  assert.ok(checked > 5_000, `checked ${checked} nodes`);
});

test('a node asked for again is the one made before; a node of another tree, or of a tree parsed where a deleted one was, never is', async () => {
  const parser = await parser_();
  let checked = 0;
  for (const { name, text } of fixtureSources().slice(0, 40)) {
    const a = parser.parse(text)!;
    const b = parser.parse(text)!;
    const seen = walk(a).map(({ node }) => a.rootNode.descendantForIndex(node.startIndex, node.endIndex)!);
    for (const n of seen) {
      for (let j = 0; j < n.childCount; j++) {
        const k = n.child(j)!;
        assert.ok(n.child(j) === k && k.parent?.id === n.id, `${name}: child ${j} of ${n.type} at ${n.startIndex}`);
      }
    }
    for (const n of seen) assert.ok(b.rootNode.descendantForIndex(n.startIndex, n.endIndex) !== n, `${name}: another tree's node`);
    a.delete();
    // Its memory is reused: ids may repeat, the nodes must not.
    const c = parser.parse(text)!;
    try {
      for (const n of seen) {
        const m = c.rootNode.descendantForIndex(n.startIndex, n.endIndex)!;
        assert.ok(m !== n && m.tree === c, `${name}: a node of the tree parsed after`);
        assert.is(sig(m), sig(library(c.rootNode, 'descendantForIndex', n.startIndex, n.endIndex) as Node), name);
        checked++;
      }
    } finally {
      b.delete();
      c.delete();
    }
  }
  assert.ok(checked > 2_000, `checked ${checked} nodes`);
});

test('the word searches in place find what their RegExps find', async () => {
  const parser = await parser_();
  const odd = ['x := 1; var v, const c', 'avar := varx; _var var_ var9 π:=var', ':=:=', 'const', 'constant var\nvar'];
  for (const text of [...odd, ...fixtureSources().map((f) => f.text)]) {
    const want = [...text.matchAll(/:=|\bvar\b|\bconst\b/g)].map((m) => m.index);
    assert.equal(declaringOffsets(text), want, text.slice(0, 60));
  }
  let checked = 0;
  for (const { name, text } of fixtureSources().slice(0, 60)) {
    const syntax = new Syntax(parser, text);
    try {
      const facts = new FileFacts(syntax, text);
      for (const fn of syntax.descendantsOfType(['function_declaration', 'method_declaration', 'func_literal'])) {
        const own = text.slice(fn.startIndex, fn.endIndex);
        // The words of the function, a word cut short, and one that spans its end.
        const words = [...new Set(own.match(/\w+/g) ?? [])].slice(0, 30);
        for (const w of [...words, ...words.slice(0, 5).map((x) => x.slice(1)).filter((x) => x), text.slice(fn.endIndex - 2, fn.endIndex + 2).replace(/\W/g, '') || 'x']) {
          const want = [...own.matchAll(new RegExp(`\\b${w}\\b`, 'g'))].map((m) => fn.startIndex + m.index).filter((at) => !syntax.inLiteral(at));
          assert.equal(facts.wordOffsets(fn, w), want, `${name}: ${w} in the function at ${fn.startIndex}`);
          checked++;
        }
      }
    } finally {
      syntax.delete();
    }
  }
  assert.ok(checked > 3_000, `checked ${checked} words`);
});

/** The specs of the import declarations of a tree, as `name=literal` (name: `.`, `_`, the identifier or empty). */
function treeImports(tree: Tree): string[][] {
  return tree.rootNode.namedChildren
    .filter((d): d is Node => d?.type === 'import_declaration')
    .map((d) =>
      d.descendantsOfType('import_spec').map((s) => {
        const n = s!.childForFieldName('name');
        return `${!n ? '' : n.type === 'dot' ? '.' : n.type === 'blank_identifier' ? '_' : n.text}=${s!.childForFieldName('path')!.text}`;
      }),
    );
}

test('import declarations read from the text are the specs the tree has; any other shape is left to the parse', async () => {
  const parser = await parser_();
  const plain = [
    'package p\n\nimport "fmt"\n',
    'package p\nimport f "fmt"\nimport . "strings"\nimport _ `embed`\n',
    'package p\n\nimport (\n\t"fmt" // printing\n\n\t// the clock\n\tt "time"; _ "embed"\n\t/* dot */\n\t. "strings"\n)\n\n// after\nfunc f() {}\n',
    'package p\nimport()\nimport"os"\n',
  ];
  const other = [
    'package p\nimport ( "fmt" "os" )\n', // two specs on one line: a syntax error
    'package p\nimport func "fmt"\n', // a keyword for a name
    'package p\nimport "f\\u006dt"\n', // an escape in the path
    'package p\nimport ( f /* x */ "fmt" )\n', // a comment inside a spec
    'package p\nimport "fmt"\n}\nfunc f() {}\n', // stray text before the next declaration
    'package p\nimport é "fmt"\n', // a name outside ASCII
  ];
  for (const text of [...plain, ...other]) {
    const o = outline(text);
    const tree = parser.parse(text)!;
    try {
      const got = o.decls.flatMap((d, i) => (d.kind === 'import' ? [plainImports(text, d.start, d.end, o.decls[i + 1]?.start ?? text.length)] : []));
      if (plain.includes(text)) {
        assert.not.ok(tree.rootNode.hasError, text);
        assert.equal(
          got.map((specs) => specs?.map((s) => `${s.name ?? ''}=${s.literal}`)),
          treeImports(tree),
          text,
        );
      } else assert.ok(got.some((specs) => specs === null), text);
    } finally {
      tree.delete();
    }
  }
});

test('every rule finds the same on every fixture, parsed per declaration or whole', async () => {
  const files = goFilesIn(fixturesDir).map((f) => relative(process.cwd(), f));
  const rules = allRules.map((rule) => ({ rule, severity: rule.meta.severity, options: structuredClone(rule.meta.defaultOptions) }));
  const lazy = await scanFilesWithStats(files, { rules });
  const whole = await scanFilesWithStats(files, { rules, wholeFile: true });
  assert.ok(lazy.stats.parsedChars < whole.stats.parsedChars, `parsed ${lazy.stats.parsedChars} of ${whole.stats.parsedChars} characters`);
  const json = formatJson(lazy.results);
  assert.ok(json.split('"ruleId"').length > 100, 'the fixtures have findings');
  assert.equal(json, formatJson(whole.results));
});

test.run();

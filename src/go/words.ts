// Finding nodes by the words a rule's prefilter already looked for. A rule that cares about
// a rare method name (`MakeSlice`, `ReadAll`) asks for the identifiers spelled that way
// instead of subscribing to every call of the file: the text search runs in native code and
// the tree is only touched at each hit. Hits inside comments and strings are dropped because
// the node found there is not an identifier.
import type { Node } from 'web-tree-sitter';
import { Syntax } from './syntax.js';

const IDENT_TYPES = new Set(['identifier', 'field_identifier', 'type_identifier', 'package_identifier']);

/**
 * Identifier-like nodes (identifier, field_identifier, …) spelled exactly as one of
 * `words`, in document order. Offsets from the JS string are UTF-16 code units, the same
 * unit web-tree-sitter uses for indices of a tree parsed from a JS string.
 */
export function wordNodes(root: Node, text: string, words: readonly string[], from = 0, to = text.length, keep?: (at: number, word: string) => boolean): Node[] {
  return identifiersMatching(root, text, new RegExp(`\\b(?:${words.map(escapeRegExp).join('|')})\\b`, 'g'), from, to, keep);
}

/**
 * Identifier-like nodes whose whole text is a match of `re` (a global regex), in document
 * order; only those within [from, to) when given, and only hits at offsets `keep` lets
 * through: a test on the text around a hit, asked before the hit's declaration is parsed.
 */
export function identifiersMatching(root: Node, text: string, re: RegExp, from = 0, to = text.length, keep?: (at: number, word: string) => boolean): Node[] {
  re.lastIndex = from;
  const out: Node[] = [];
  // Hits in comments and literals are no identifiers: the outline says so without a tree.
  const syntax = Syntax.of(root);
  for (let m = re.exec(text); m && m.index + m[0].length <= to; m = re.exec(text)) {
    if (syntax?.inLiteral(m.index) || (keep && !keep(m.index, m[0]))) continue;
    const n = root.namedDescendantForIndex(m.index, m.index + m[0].length);
    if (n && IDENT_TYPES.has(n.type) && n.startIndex === m.index && n.text === m[0]) out.push(n);
  }
  return out;
}

/** The call whose function is `name` (an identifier, or the field of a selector), or null. */
export function callOfName(name: Node): Node | null {
  const p = name.parent;
  if (!p) return null;
  if (p.type === 'call_expression') return p.childForFieldName('function')?.id === name.id ? p : null;
  if (p.type === 'selector_expression' && p.childForFieldName('field')?.id === name.id) {
    const call = p.parent;
    return call?.type === 'call_expression' && call.childForFieldName('function')?.id === p.id ? call : null;
  }
  return null;
}

/** The arguments of a call, named children of its argument_list (comments left out). */
export function callArgs(call: Node): Node[] {
  const list = call.childForFieldName('arguments');
  if (!list) return [];
  return list.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

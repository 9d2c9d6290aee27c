// Cheaper tree-sitter nodes. web-tree-sitter answers every question about a node with a
// call into WebAssembly, and some answers cost more than a call:
//
// - `parent`: tree-sitter keeps no parent links, so web-tree-sitter descends from the root
//   of the tree to the node: one step up from n levels deep costs n steps, a walk up costs
//   n², and rules walk up a lot (from every use of a variable to its loop, its goroutine,
//   its function). Each tree remembers the parents it was asked for and the last path it
//   descended; the next node asked about is usually near the last one, so the descent to
//   it starts from the deepest node of that path around it, not from the root.
// - `typeId` (behind `type`) and `endIndex`: asked again and again of the same ancestors
//   on every walk up; each node object keeps its answers (a tree never changes: leakhound
//   does not edit trees).
//
// - `text`: web-tree-sitter reads it through the parse's text callback, 4,096 characters at a
//   time (and a long node's text is glued from such pieces); a tree parsed by parseGo
//   (engine/syntax.ts) slices the file's text instead.
//
// Installed once, on the Node class, when the parser loads; the answers are the native
// ones (test/lazy.test.ts compares them on every fixture).
import type { Node } from 'web-tree-sitter';

interface TreeParents {
  parent: Map<number, Node | null>;
  /** The last path descended, from the root down (each node encloses the next), and its ranges. */
  path: Node[];
  starts: number[];
  ends: number[];
}

const byTree = new WeakMap<object, TreeParents>();

// The tree asked about last, and its memo: rules ask about one tree many times in a row, and
// a WeakMap lookup at every parent asked for was a few percent of the node code's time.
let lastTree: object | undefined;
let lastParents: TreeParents | undefined;

function parentsOf(tree: object): TreeParents {
  if (tree === lastTree) return lastParents!;
  let t = byTree.get(tree);
  if (!t) byTree.set(tree, (t = { parent: new Map(), path: [], starts: [], ends: [] }));
  lastTree = tree;
  lastParents = t;
  return t;
}

/** [s, e) encloses [start, end) and is not the same range. */
function strictlyEncloses(s: number, e: number, start: number, end: number): boolean {
  return s <= start && end <= e && (s < start || end < e);
}

/** The depth of the deepest node of the last path that strictly encloses [start, end); -1 when none. */
function enclosingDepth(t: TreeParents, start: number, end: number): number {
  let depth = t.path.length - 1;
  while (depth >= 0 && !strictlyEncloses(t.starts[depth]!, t.ends[depth]!, start, end)) depth--;
  return depth;
}

export function installNodeMemo(proto: object): void {
  const native = Object.getOwnPropertyDescriptor(proto, 'parent')?.get as ((this: Node) => Node | null) | undefined;
  if (!native || (native as { memoized?: true }).memoized) return;
  const parent = function (this: Node): Node | null {
    const t = parentsOf(this.tree);
    const known = t.parent.get(this.id);
    if (known !== undefined) return known;
    const p = descend(t, this) ?? native.call(this);
    t.parent.set(this.id, p);
    return p;
  };
  (parent as { memoized?: true }).memoized = true;
  Object.defineProperty(proto, 'parent', { get: parent, configurable: true });
  keep(proto, 'typeId');
  keep(proto, 'endIndex');
  // `type` looks the name of typeId up in the language's list at every ask: kept too.
  const type = Object.getOwnPropertyDescriptor(proto, 'type')?.get as ((this: object) => string) | undefined;
  if (type) {
    Object.defineProperty(proto, 'type', {
      get(this: { _type?: string }) {
        let t = this._type;
        if (t === undefined) this._type = t = type.call(this);
        return t;
      },
      configurable: true,
    });
  }
  const text = Object.getOwnPropertyDescriptor(proto, 'text')?.get as ((this: Node) => string) | undefined;
  if (text) {
    Object.defineProperty(proto, 'text', {
      get(this: Node) {
        const source = sources.get(this.tree);
        return source === undefined ? text.call(this) : source.slice(this.startIndex, this.endIndex);
      },
      configurable: true,
    });
  }
}

const sources = new WeakMap<object, string>();

/**
 * Node texts of `tree` are slices of `text` (the text it was parsed from, or one with the same
 * characters at every offset the tree covers).
 */
export function treeText(tree: object, text: string): void {
  sources.set(tree, text);
}

/**
 * Replaces getter `name` (a count: never negative) with one that keeps its first answer on
 * the node object, in the slot `_name`: wasmnodes.ts makes nodes with these slots already
 * there, holding -1 (a node the library made gets the slot when first asked). A string slot,
 * not a symbol added on first use: those gave nodes a new shape each (see wasmnodes.ts).
 */
function keep(proto: object, name: 'typeId' | 'endIndex'): void {
  const native = Object.getOwnPropertyDescriptor(proto, name)?.get as ((this: object) => number) | undefined;
  if (!native) return;
  const slot = `_${name}`;
  Object.defineProperty(proto, name, {
    get(this: Record<string, number | undefined>) {
      let v = this[slot];
      if (v === undefined || v === -1) this[slot] = v = native.call(this);
      return v;
    },
    configurable: true,
  });
}

/**
 * The parent of n from a descent that starts at the deepest node of the last path that
 * strictly encloses n (so it cannot be n or below it), recording every parent on the way.
 * Undefined when the descent loses its way (zero-width nodes at a boundary): then the
 * native answer is used.
 */
function descend(t: TreeParents, n: Node): Node | null | undefined {
  const { path, starts, ends } = t;
  const start = n.startIndex;
  const end = n.endIndex;
  const depth = enclosingDepth(t, start, end);
  let cur: Node;
  if (depth < 0) {
    cur = n.tree.rootNode;
    if (cur.id === n.id) return null;
    path.length = starts.length = ends.length = 0;
    push(t, cur);
  } else {
    path.length = starts.length = ends.length = depth + 1;
    cur = path[depth]!;
  }
  for (let steps = 0; steps < 100_000; steps++) {
    const next = cur.childWithDescendant(n);
    if (!next || next.id === cur.id) return undefined;
    t.parent.set(next.id, cur);
    push(t, next);
    if (next.id === n.id) return cur;
    cur = next;
  }
  return undefined;
}

function push(t: TreeParents, n: Node): void {
  t.path.push(n);
  t.starts.push(n.startIndex);
  t.ends.push(n.endIndex);
}

/**
 * Tells the parent memo that `ancestor()`, found by a lookup by offset, encloses `n`: the next
 * descent to `n` starts there rather than at the root, unless the last path already reaches
 * inside `anc` around it. Deeply nested code asks for the parents of a few deep nodes; a
 * descent from the root costs their whole depth. (The path only needs each node to enclose
 * the next: parents are recorded on the way down from it.)
 */
export function descendFrom(n: Node, ancestor: () => Node): void {
  const t = parentsOf(n.tree);
  if (t.parent.has(n.id)) return;
  const { path, starts, ends } = t;
  const start = n.startIndex;
  const end = n.endIndex;
  const depth = enclosingDepth(t, start, end);
  const anc = ancestor();
  const aStart = anc.startIndex;
  const aEnd = anc.endIndex;
  if (!strictlyEncloses(aStart, aEnd, start, end)) return;
  if (depth >= 0 && starts[depth]! >= aStart && ends[depth]! <= aEnd) return;
  path.length = starts.length = ends.length = depth + 1;
  push(t, anc);
}

/** Records `parent` as `n`'s parent, when a caller has proven it another way (a child's field, ranges). */
export function knownParent(n: Node, parent: Node): void {
  const t = parentsOf(n.tree);
  t.parent.set(n.id, parent);
}

/**
 * The deepest node of the last path descended in `n`'s tree that encloses [start, end), or
 * null: where a lookup by offset near the last one can start its descent (from the root, a
 * lookup deep in nested code costs the whole depth).
 */
export function knownAround(n: Node, start: number, end: number): Node | null {
  const t = parentsOf(n.tree);
  for (let depth = t.path.length - 1; depth >= 0; depth--) if (t.starts[depth]! <= start && end <= t.ends[depth]!) return t.path[depth]!;
  return null;
}

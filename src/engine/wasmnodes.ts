// Cheaper calls from node objects into tree-sitter's WebAssembly. web-tree-sitter hands a
// node to C through a transfer buffer: it writes the node's five words with a generic
// `setValue(address, value, 'i32')` (a switch on the type name, then a DataView store),
// reads the answer back the same way, and builds the answer's node with class-field
// initializers. Rules ask millions of such questions (children, fields, parents, types): on
// nats-server that marshalling and node building were a tenth of the scan's CPU profile.
//
// Here the hottest of those methods read and write the transfer buffer as an Int32Array and
// build nodes with a plain constructor over the same prototype: the same WebAssembly calls,
// in the same buffer layout, with the same answers (test/lazy.test.ts compares them with the
// library's own on every fixture). The layout is web-tree-sitter's, so this is installed only
// for the version it was written against; any other version keeps the library's own methods.
import type { Node } from 'web-tree-sitter';

/** The web-tree-sitter release whose transfer-buffer layout this file follows. */
export const FAST_VERSION = '0.25.10';

/** Words per node in the transfer buffer: id, start index, start row, start column, tree-internal word. */
const NODE_WORDS = 5;

/** Slots of the table of nodes made last (a power of two). */
const RECENT = 4096;

/** What `Parser.init(module)` fills in: the Emscripten module (its heap views and exports). */
export interface WasmModule {
  HEAP32?: Int32Array;
  [name: string]: unknown;
}

type Call = (tree: number, ...args: number[]) => number;

interface Point {
  row: number;
  column: number;
}

const ZERO: Point = { row: 0, column: 0 };

/** What of a Language the calls below read: its field names and node types, by id. */
interface Language {
  fields: (string | null)[];
  types: string[];
}

interface Raw {
  0: number;
  _o?: number;
  id: number;
  tree: { 0: number; language: Language };
  startIndex: number;
  startPosition: { row: number; column: number };
}

/** The library's own methods, before `installFastCalls` replaced them (for tests). */
export const libraryMethods: Record<string, PropertyDescriptor> = {};

/** The node getters `installFastCalls` put in their place (for tests: nodes.ts wraps `parent`). */
export const fastMethods: Record<string, PropertyDescriptor> = {};

/**
 * Replaces the hottest methods of web-tree-sitter's Node prototype with ones that marshal
 * through `mod`'s heap. False (nothing replaced) when `mod` lacks anything they need.
 */
export function installFastCalls(proto: object, mod: WasmModule, version: string, treeProto?: object): boolean {
  if (version !== FAST_VERSION || !(mod.HEAP32 instanceof Int32Array)) return false;
  const names = [
    'ts_init',
    'free',
    'ts_node_child_by_field_id_wasm',
    'ts_node_child_with_descendant_wasm',
    'ts_node_named_children_wasm',
    'ts_node_children_wasm',
    'ts_node_named_child_wasm',
    'ts_node_child_wasm',
    'ts_node_descendant_for_index_wasm',
    'ts_node_named_descendant_for_index_wasm',
    'ts_node_symbol_wasm',
    'ts_node_end_index_wasm',
    'ts_node_children_by_field_id_wasm',
    'ts_node_descendants_of_type_wasm',
    'ts_node_parent_wasm',
    'ts_node_next_sibling_wasm',
    'ts_node_prev_sibling_wasm',
    'ts_node_next_named_sibling_wasm',
    'ts_node_prev_named_sibling_wasm',
    'ts_tree_root_node_wasm',
    'ts_node_has_error_wasm',
    'ts_node_child_count_wasm',
    'ts_node_named_child_count_wasm',
    'ts_node_end_point_wasm',
    'malloc',
  ];
  const fn: Record<string, Call> = {};
  for (const n of names) {
    const f = mod[`_${n}`];
    if (typeof f !== 'function') return false;
    fn[n] = f as Call;
  }
  const methods = [
    'childForFieldId',
    'childForFieldName',
    'childrenForFieldName',
    'childWithDescendant',
    'namedChildren',
    'children',
    'namedChild',
    'child',
    'descendantForIndex',
    'namedDescendantForIndex',
    'descendantsOfType',
    'parent',
    'nextSibling',
    'previousSibling',
    'nextNamedSibling',
    'previousNamedSibling',
    'typeId',
    'endIndex',
    'hasError',
    'childCount',
    'namedChildCount',
    'endPosition',
  ];
  for (const m of methods) {
    const d = Object.getOwnPropertyDescriptor(proto, m);
    if (!d) return false;
    libraryMethods[m] = d;
  }
  const rootNode = treeProto && Object.getOwnPropertyDescriptor(treeProto, 'rootNode');
  if (treeProto && !rootNode?.get) return false;
  // The buffer's address: ts_init only stores the language versions there and returns it.
  const word = fn.ts_init!(0) >> 2;

  function heap(): Int32Array {
    // Growing the memory replaces the views; the module keeps HEAP32 current.
    return mod.HEAP32!;
  }
  function marshal(h: Int32Array, n: Raw, at: number): void {
    h[at] = n.id;
    h[at + 1] = n.startIndex;
    h[at + 2] = n.startPosition.row;
    h[at + 3] = n.startPosition.column;
    const o = n._o;
    // A node the library made (a tree cursor's, a query's) has the word as its element.
    h[at + 4] = o !== undefined ? o : n[0];
  }
  // A node object with the library's fields, and the slots of the answers nodes.ts keeps
  // (`_typeId`, `_endIndex`, `_type`) from the start. Every node the rules see is made here
  // (the calls that make nodes are all replaced), so code that reads nodes sees one hidden
  // class: with the library's nodes beside these, and the slots added to each node as it was
  // first asked, a property read saw up to ten and V8 gave up on caching it.
  //
  // The library keeps its tree-internal word in the element `[0]`; an element makes V8 give
  // each node an elements store of its own (17 slots when assigned, and defining it as a
  // class field goes through the runtime): four times the cost of the rest of the node. Here
  // the word is the named slot `_o`, and the getter `0` on the prototype answers the library's
  // own methods that still read `node[0]` (the rarely asked ones this file leaves alone).
  class FastNode {
    _o: number;
    _children: Node[] | undefined;
    _namedChildren: Node[] | undefined;
    id: number;
    startIndex: number;
    startPosition: { row: number; column: number };
    tree: object;
    _typeId: number;
    _endIndex: number;
    _type: string | undefined;
    constructor(other: number, id: number, tree: object, index: number, row: number, column: number) {
      this._o = other;
      this._children = undefined;
      this._namedChildren = undefined;
      this.id = id;
      this.startIndex = index;
      this.startPosition = { row, column };
      this.tree = tree;
      this._typeId = -1;
      this._endIndex = -1;
      this._type = undefined;
    }
  }
  Object.defineProperty(FastNode.prototype, 0, {
    get(this: FastNode) {
      return this._o;
    },
    configurable: true,
  });
  Object.setPrototypeOf(FastNode.prototype, proto);
  // The nodes made last, in a table by id: rules ask for the same nodes again and again (the
  // parents of a walk up, the children of a statement, the identifier at a hit), and on the
  // heavy corpus nearly half of the nodes asked for were in this table, which saves making
  // them and keeps the answers memoized on them (type, end, children). An id is the address
  // of the node's slot in its parent, unique in its tree while the tree lives; the tree
  // object tells a node of a tree deleted since from one of a tree parsed into its memory.
  const recent: (FastNode | undefined)[] = new Array<FastNode | undefined>(RECENT).fill(undefined);
  function unmarshal(h: Int32Array, tree: object, at: number): Node | null {
    const id = h[at]!;
    if (id === 0) return null;
    const slot = (id >>> 3) & (RECENT - 1);
    const known = recent[slot];
    if (known !== undefined && known.id === id && known.tree === tree) return known as unknown as Node;
    const n = new FastNode(h[at + 4]!, id, tree, h[at + 1]!, h[at + 2]!, h[at + 3]!);
    recent[slot] = n;
    return n as unknown as Node;
  }
  function list(self: Raw, call: Call): Node[] {
    let h = heap();
    marshal(h, self, word);
    call(self.tree[0]);
    h = heap();
    const count = h[word]!;
    const buffer = h[word + 1]!;
    const out = new Array<Node>(count);
    if (count > 0) {
      for (let i = 0, at = buffer >> 2; i < count; i++, at += NODE_WORDS) out[i] = unmarshal(h, self.tree, at)!;
      fn.free!(buffer);
    }
    return out;
  }
  function one(self: Raw, call: Call, a?: number, b?: number): Node | null {
    marshal(heap(), self, word);
    call(self.tree[0], a!, b!);
    return unmarshal(heap(), self.tree, word);
  }
  function range(self: Raw, call: Call, start: number, end: number): Node | null {
    if (typeof start !== 'number' || typeof end !== 'number') throw new Error('Arguments must be numbers');
    const h = heap();
    marshal(h, self, word);
    h[word + NODE_WORDS] = start;
    h[word + NODE_WORDS + 1] = end;
    call(self.tree[0]);
    return unmarshal(heap(), self.tree, word);
  }
  // The library finds a field's id with `fields.indexOf(name)` on every call, and a type's
  // symbols by testing every symbol of the grammar against the types asked for: both are
  // the same for the life of the language, so they are looked up once.
  const fieldIds = new WeakMap<Language, Map<string, number>>();
  function fieldId(self: Raw, name: string): number {
    const lang = self.tree.language;
    let ids = fieldIds.get(lang);
    if (!ids) {
      ids = new Map();
      lang.fields.forEach((f, i) => {
        if (f !== null && !ids!.has(f)) ids!.set(f, i);
      });
      fieldIds.set(lang, ids);
    }
    return ids.get(name) ?? -1;
  }
  // A list of symbols in the module's memory, per language and list of types, kept for the
  // life of the thread (a few dozen lists).
  const symbolLists = new WeakMap<Language, Map<string, { at: number; count: number }>>();
  function symbolsOf(lang: Language, types: readonly string[]): { at: number; count: number } {
    let lists = symbolLists.get(lang);
    if (!lists) symbolLists.set(lang, (lists = new Map()));
    const key = types.join('\0');
    let list = lists.get(key);
    if (!list) {
      // As the library builds it: ERROR first (once per time it is asked for), then every
      // symbol whose type is asked for, in symbol order.
      const symbols: number[] = [];
      for (const t of types) if (t == 'ERROR') symbols.push(65535);
      for (let i = 0; i < lang.types.length; i++) if (types.includes(lang.types[i]!)) symbols.push(i);
      const at = fn.malloc!(4 * Math.max(1, symbols.length));
      const h = heap();
      symbols.forEach((sym, i) => (h[(at >> 2) + i] = sym));
      list = { at, count: symbols.length };
      lists.set(key, list);
    }
    return list;
  }
  const value = (name: string, v: unknown) => Object.defineProperty(proto, name, { value: v, configurable: true, writable: true });
  const getter = (name: string, get: () => unknown) => Object.defineProperty(proto, name, { get, configurable: true });
  const byField = fn.ts_node_child_by_field_id_wasm!;
  const withDescendant = fn.ts_node_child_with_descendant_wasm!;
  const namedChildren = fn.ts_node_named_children_wasm!;
  const children = fn.ts_node_children_wasm!;
  const namedChild = fn.ts_node_named_child_wasm!;
  const child = fn.ts_node_child_wasm!;
  const forIndex = fn.ts_node_descendant_for_index_wasm!;
  const namedForIndex = fn.ts_node_named_descendant_for_index_wasm!;
  const symbol = fn.ts_node_symbol_wasm!;
  const endIndex = fn.ts_node_end_index_wasm!;
  const childrenByField = fn.ts_node_children_by_field_id_wasm!;
  const descendantsOfType = fn.ts_node_descendants_of_type_wasm!;
  value('childForFieldId', function (this: Raw, id: number) {
    return one(this, byField, id);
  });
  value('childForFieldName', function (this: Raw, name: string) {
    const id = fieldId(this, name);
    return id !== -1 ? one(this, byField, id) : null;
  });
  value('childrenForFieldName', function (this: Raw, name: string) {
    const id = fieldId(this, name);
    return id !== -1 && id !== 0 ? list(this, (tree) => childrenByField(tree, id)) : [];
  });
  value('descendantsOfType', function (this: Raw, types: string | readonly string[], start: Point = ZERO, end: Point = ZERO) {
    const { at, count } = symbolsOf(this.tree.language, Array.isArray(types) ? types : [types as string]);
    return list(this, (tree) => descendantsOfType(tree, at, count, start.row, start.column, end.row, end.column));
  });
  const sibling = (name: string, call: Call) => {
    getter(name, function (this: Raw) {
      return one(this, call);
    });
    fastMethods[name] = Object.getOwnPropertyDescriptor(proto, name)!;
  };
  sibling('parent', fn.ts_node_parent_wasm!);
  sibling('nextSibling', fn.ts_node_next_sibling_wasm!);
  sibling('previousSibling', fn.ts_node_prev_sibling_wasm!);
  sibling('nextNamedSibling', fn.ts_node_next_named_sibling_wasm!);
  sibling('previousNamedSibling', fn.ts_node_prev_named_sibling_wasm!);
  if (treeProto) {
    libraryMethods.rootNode = rootNode!;
    const treeRoot = fn.ts_tree_root_node_wasm!;
    Object.defineProperty(treeProto, 'rootNode', {
      get(this: { 0: number }) {
        treeRoot(this[0]);
        return unmarshal(heap(), this, word);
      },
      configurable: true,
    });
  }
  value('childWithDescendant', function (this: Raw, d: Raw) {
    const h = heap();
    marshal(h, this, word);
    marshal(h, d, word + NODE_WORDS);
    withDescendant(this.tree[0]);
    return unmarshal(heap(), this.tree, word);
  });
  value('namedChild', function (this: Raw, i: number) {
    return one(this, namedChild, i);
  });
  value('child', function (this: Raw, i: number) {
    return one(this, child, i);
  });
  value('descendantForIndex', function (this: Raw, start: number, end = start) {
    return range(this, forIndex, start, end);
  });
  value('namedDescendantForIndex', function (this: Raw, start: number, end = start) {
    return range(this, namedForIndex, start, end);
  });
  // The library keeps each list on the node object; so do these.
  getter('namedChildren', function (this: Raw & { _namedChildren?: Node[] }) {
    return (this._namedChildren ??= list(this, namedChildren));
  });
  getter('children', function (this: Raw & { _children?: Node[] }) {
    return (this._children ??= list(this, children));
  });
  getter('typeId', function (this: Raw) {
    marshal(heap(), this, word);
    return symbol(this.tree[0]);
  });
  getter('endIndex', function (this: Raw) {
    marshal(heap(), this, word);
    return endIndex(this.tree[0]);
  });
  const count = (name: string, call: Call) =>
    getter(name, function (this: Raw) {
      marshal(heap(), this, word);
      return call(this.tree[0]);
    });
  count('childCount', fn.ts_node_child_count_wasm!);
  count('namedChildCount', fn.ts_node_named_child_count_wasm!);
  const hasError = fn.ts_node_has_error_wasm!;
  getter('hasError', function (this: Raw) {
    marshal(heap(), this, word);
    return hasError(this.tree[0]) === 1;
  });
  const endPoint = fn.ts_node_end_point_wasm!;
  getter('endPosition', function (this: Raw) {
    marshal(heap(), this, word);
    endPoint(this.tree[0]);
    const h = heap();
    return { row: h[word]! >>> 0, column: h[word + 1]! >>> 0 };
  });
  return true;
}

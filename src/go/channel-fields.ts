// Channels handed to a worker through a struct field, the shape of seed 002:
//
//	func NewHttpWorker(jobs chan *http.Request) *HttpWorker {
//		return &HttpWorker{jobs: jobs}              // the field takes a parameter
//	}
//	func (h *HttpWorker) Run() {
//		for job := range h.jobs { … }               // ranged in a method…
//	}
//	func (b *Benchmark) Run() {
//		jobs := make(chan *http.Request, n)         // …of a channel made here,
//		go NewHttpWorker(jobs).Run()                // started as a goroutine,
//		jobs <- req                                 // sent on, and never closed
//	}
//
// Only this chain is followed; a field made in place, assigned elsewhere, or closed
// anywhere in the file (`close(x.jobs)`) is left alone.
import type { Node } from 'web-tree-sitter';
import { enclosingFunction, type FileFacts, unparen, unparenUp } from './facts.js';

export interface FieldRange {
  /** The `for … range recv.field` loop. */
  loop: Node;
  field: string;
  /** The local channel's make in the producing function, and its name there. */
  make: Node;
  name: string;
}

/** The receiver's name and base type name of a method declaration. */
function receiverOf(m: Node): { name: string; type: string } | undefined {
  const p = m.childForFieldName('receiver')?.namedChildren.find((c) => c?.type === 'parameter_declaration');
  const name = p?.childForFieldName('name')?.text;
  let t = p?.childForFieldName('type') ?? null;
  if (t?.type === 'pointer_type') t = t.namedChild(0);
  return name && t ? { name, type: t.text } : undefined;
}

/** Fields of the file's struct types whose type is a channel: "Type.field". */
function channelFields(facts: FileFacts): Set<string> {
  const out = new Set<string>();
  // (A type declaration without the word has no channel field: it is not parsed.)
  const decls = facts.declarations(['type_declaration'], /\bchan\b/);
  for (const spec of decls.flatMap((d) => d!.namedChildren)) {
    if (spec?.type !== 'type_spec') continue;
    const st = spec?.childForFieldName('type');
    if (!spec || st?.type !== 'struct_type') continue;
    const tname = spec.childForFieldName('name')?.text;
    for (const fd of st.descendantsOfType('field_declaration')) {
      if (fd?.childForFieldName('type')?.type !== 'channel_type') continue;
      for (const n of fd.childrenForFieldName('name')) if (n) out.add(`${tname}.${n.text}`);
    }
  }
  return out;
}

function selectorField(n: Node | null): string | undefined {
  n = n && unparen(n);
  return n?.type === 'selector_expression' ? n.childForFieldName('field')?.text : undefined;
}

function computeFieldRanges(facts: FileFacts): FieldRange[] {
  const root = facts.root;
  const text = facts.text;
  if (!text.includes('chan') || !/\bgo\s/.test(text)) return [];
  // cheap text checks first: a struct field of channel type, a range over a selector
  if (!/^[ \t]+\w[\w, \t]*?[ \t](?:<-[ \t]*)?chan\b/m.test(text) || !/\brange\s+\w+\.\w+/.test(text)) return [];
  const fields = channelFields(facts);
  if (fields.size === 0) return [];
  // Methods that range over a channel field of their receiver, found by text first (only
  // those get a tree).
  const fieldNames = new Set([...fields].map((f) => f.slice(f.indexOf('.') + 1)));
  const candidates = facts.syntax.outline.decls.flatMap((d, i) => {
    if (d.kind !== 'method') return [];
    const ranged = [...text.slice(d.start, d.end).matchAll(/\brange\s+\w+\.(\w+)/g)].some((x) => fieldNames.has(x[1]!));
    const m = ranged ? facts.syntax.decl(i) : null;
    return m ? [m] : [];
  }).filter((m) => {
    const recv = m.type === 'method_declaration' ? receiverOf(m) : undefined;
    if (!recv) return false;
    const re = new RegExp(`\\brange\\s+${recv.name}\\.(\\w+)`, 'g');
    return [...m.text.matchAll(re)].some((x) => fields.has(`${recv.type}.${x[1]}`));
  });
  if (candidates.length === 0) return [];
  // Methods started as goroutines: `go x.M()` / `go NewT(…).M()`.
  const started = new Set<string>();
  for (const g of root.descendantsOfType('go_statement')) {
    const call = g?.namedChild(0);
    const m = call?.type === 'call_expression' ? selectorField(call.childForFieldName('function')) : undefined;
    if (m) started.add(m);
  }
  const out: FieldRange[] = [];
  let calls: Node[] | undefined;
  let closed: Set<string> | undefined;
  const prepare = () => {
    calls = root.descendantsOfType('call_expression').filter((c): c is Node => !!c);
    // close(x.f) anywhere closes field f (whatever x is: stay silent).
    closed = new Set<string>();
    for (const c of calls) {
      const f = c.childForFieldName('function');
      if (f?.type === 'identifier' && f.text === 'close') {
        const field = selectorField(c.childForFieldName('arguments')?.namedChild(0) ?? null);
        if (field) closed.add(field);
      }
    }
    return { calls, closed };
  };
  for (const m of candidates) {
    if (!started.has(m.childForFieldName('name')?.text ?? '')) continue;
    const recv = receiverOf(m);
    if (!recv) continue;
    for (const loop of m.descendantsOfType('for_statement')) {
      const rc = loop?.namedChildren.find((c) => c?.type === 'range_clause');
      const right = rc?.childForFieldName('right');
      if (!loop || !right || right.type !== 'selector_expression' || enclosingFunction(loop)?.id !== m.id) continue;
      if (right.childForFieldName('operand')?.text !== recv.name) continue;
      const field = right.childForFieldName('field')!.text;
      if (!fields.has(`${recv.type}.${field}`)) continue;
      const ready = calls && closed ? { calls, closed } : prepare();
      if (ready.closed.has(field)) continue;
      const src = sourceChannel(facts, ready.calls, recv.type, field);
      if (src) out.push({ loop, field, ...src });
    }
  }
  return out;
}

/**
 * The local channel that reaches `Type.field` through a constructor parameter, when its
 * maker sends on it, never closes it, and hands it to nothing else.
 */
function sourceChannel(facts: FileFacts, calls: Node[], type: string, field: string): { make: Node; name: string } | undefined {
  // `Type{field: p}` / `&Type{…, field: p}` in a function whose parameter p is the channel.
  let found: { make: Node; name: string } | undefined;
  for (const lit of facts.root.descendantsOfType('composite_literal')) {
    if (!lit || lit.childForFieldName('type')?.text !== type) continue;
    for (const kv of lit.descendantsOfType('keyed_element')) {
      if (!kv || kv.parent?.parent?.id !== lit.id) continue;
      const [k, v] = kv.namedChildren;
      if (k?.text !== field || !v) continue;
      const val = unparen(v.type === 'literal_element' ? v.namedChild(0)! : v);
      const ctor = enclosingFunction(lit);
      if (val.type !== 'identifier' || !ctor || ctor.type !== 'function_declaration') return undefined;
      const idx = paramIndex(ctor, val.text);
      if (idx < 0) return undefined;
      // the parameter is only stored, never closed or passed on
      if (facts.uses(ctor, val.text).filter((u) => unparenUp(u).parent?.type !== 'parameter_declaration' && !isKey(u)).length !== 1) return undefined;
      const ctorName = ctor.childForFieldName('name')!.text;
      for (const c of calls) {
        const f = c.childForFieldName('function');
        if (f?.type !== 'identifier' || f.text !== ctorName) continue;
        const arg = c.childForFieldName('arguments')?.namedChildren[idx];
        if (arg?.type !== 'identifier') return undefined;
        const src = localProducer(facts, c, arg.text, ctorName);
        if (!src || (found && found.make.id !== src.make.id)) return undefined;
        found = src;
      }
    }
  }
  return found;
}

/** The `jobs` of `T{jobs: …}`: a field name, not a use of a variable. */
function isKey(id: Node): boolean {
  const el = id.parent;
  return el?.type === 'literal_element' && el.parent?.type === 'keyed_element' && el.parent.namedChild(0)?.id === el.id;
}

function paramIndex(fn: Node, name: string): number {
  let i = 0;
  for (const p of fn.childForFieldName('parameters')?.namedChildren ?? []) {
    if (!p) continue;
    const names = p.childrenForFieldName('name');
    for (const n of names.length ? names : [null]) {
      if (n?.text === name) return i;
      i++;
    }
  }
  return -1;
}

/** `name := make(chan …)` in the caller, sent on, never closed, passed only to `ctor`. */
function localProducer(facts: FileFacts, call: Node, name: string, ctor: string): { make: Node; name: string } | undefined {
  const owner = facts.resolveName(name, call);
  if (typeof owner === 'string') return undefined;
  const top = facts.topLevelDeclaration(owner);
  const fname = top?.childForFieldName('name')?.text;
  if (top?.type === 'function_declaration' && (fname === 'main' || fname === 'init')) return undefined;
  let make: Node | undefined;
  let sends = 0;
  for (const u of facts.uses(owner, name)) {
    const up = unparenUp(u);
    const p = up.parent;
    if (!p) return undefined;
    if (p.type === 'expression_list' && p.parent?.type === 'short_var_declaration' && p.parent.childForFieldName('left')?.id === p.id) {
      const rhs = p.parent.childForFieldName('right')?.namedChildren[p.namedChildren.findIndex((x) => x?.id === up.id)];
      if (rhs?.type === 'call_expression' && rhs.childForFieldName('function')?.text === 'make') make = rhs;
      else return undefined;
    } else if (p.type === 'send_statement' && p.childForFieldName('channel')?.id === up.id) sends++;
    else if (p.type === 'argument_list') {
      const f = p.parent?.childForFieldName('function');
      if (f?.type !== 'identifier' || !['len', 'cap', ctor].includes(f.text)) return undefined;
    } else return undefined;
  }
  return make && sends > 0 ? { make, name } : undefined;
}

const memo = new WeakMap<FileFacts, FieldRange[]>();

/** Range loops over a channel field that the producer never closes (memoized per file). */
export function fieldRanges(facts: FileFacts): FieldRange[] {
  let r = memo.get(facts);
  if (!r) {
    r = computeFieldRanges(facts);
    memo.set(facts, r);
  }
  return r;
}

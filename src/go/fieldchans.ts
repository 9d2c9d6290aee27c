// Channels kept in struct fields and used across the methods of their type, read through the
// package view: where the package makes the field's channel, what each method of the type does
// with it (through its callees too), which methods run as goroutines, and how the type is
// stopped.
//
//	type Pool struct{ jobs chan Job }                  // pool.go
//	func NewPool() *Pool {
//		p := &Pool{jobs: make(chan Job)}                // made: unbuffered, here
//		go p.worker()                                   // started: worker, by NewPool
//		return p
//	}
//	func (p *Pool) worker() { for j := range p.jobs {…} }   // worker.go: uses: range
//	func (p *Pool) Submit(j Job) { p.jobs <- j }            // uses: send
//	func (p *Pool) Stop() { … }                             // lifecycle: Stop (closes nothing)
//
// Plain data, computed once per package and field (PackageView.cached).
import type { Node } from 'web-tree-sitter';
import { unparen } from './facts.js';
import type { Decl, PackageView } from './package.js';
import type { DeclKey } from './pkgindex.js';
import { coreSummary, type Site } from './summary.js';

/** Methods that end a value's life: the type's way to be stopped. */
export const LIFECYCLE = new Set(['Stop', 'Close', 'Shutdown', 'Cancel', 'Release', 'Terminate', 'Quit', 'stop', 'close', 'shutdown', 'cancel']);

export interface FieldUse {
  /** The method of the type that does it. */
  fn: DeclKey;
  op: string;
  how: number;
  at: Site;
}

export interface ChannelField {
  type: string;
  field: string;
  /** Declared `chan T` (a `<-chan T` or `chan<- T` field's channel is someone else's to close). */
  bidirectional: boolean;
  /** Where the package puts a new channel in the field: `f: make(chan T, n)` in a literal of the type, `x.f = make(…)`. */
  made: { capacity: number | 'unknown'; at: Site }[];
  /** Something else is stored in the field (a parameter, another channel): its owner is elsewhere. */
  setOtherwise: boolean;
  /** What the type's methods do with the receiver's field (`recv.f`), through their callees too. */
  uses: FieldUse[];
  /** `close(x.f)` written anywhere in the package, on any value (then stay silent). */
  closedSomewhere: boolean;
  /** The type's lifecycle methods (Stop, Close, Shutdown…), in file order. */
  lifecycle: DeclKey[];
}

function siteOf(d: Decl, n: Node): Site {
  const file = d.file.slice(Math.max(d.file.lastIndexOf('/'), d.file.lastIndexOf('\\')) + 1);
  return { file, line: n.startPosition.row + 1, column: n.startPosition.column + 1 };
}

/** `make(chan T)` → 0, `make(chan T, 8)` → 8, `make(chan T, n)` → 'unknown'; not a channel make → undefined. */
function makeCapacity(e: Node | null): number | 'unknown' | undefined {
  const call = e && unparen(e);
  if (call?.type !== 'call_expression' || call.childForFieldName('function')?.text !== 'make') return undefined;
  const args = call.childForFieldName('arguments')?.namedChildren.filter((a): a is Node => a !== null && a.type !== 'comment') ?? [];
  if (args[0]?.type !== 'channel_type') return undefined;
  if (args.length < 2) return 0;
  const n = args[1]!.type === 'int_literal' ? Number(args[1]!.text.replace(/_/g, '')) : NaN;
  return Number.isFinite(n) ? n : 'unknown';
}

/** `T{…}` or `&T{…}` (also `new`-less generic `T[K]{…}`): T's name. */
function literalTypeName(lit: Node): string | undefined {
  let t = lit.childForFieldName('type');
  if (t?.type === 'generic_type') t = t.childForFieldName('type');
  return t?.type === 'type_identifier' ? t.text : undefined;
}

/** The facts of field `field` of the package's struct type `type`, when it is a channel. */
export function channelField(pkg: PackageView, type: string, field: string): ChannelField | undefined {
  return pkg.cached(`channel-field:${type}.${field}`, () => compute(pkg, type, field));
}

function compute(pkg: PackageView, type: string, field: string): ChannelField | undefined {
  const f = pkg.field(type, field);
  if (f?.type.type !== 'channel_type') return undefined;
  const bidirectional = !f.type.text.startsWith('<-') && !/^chan\s*<-/.test(f.type.text);
  const out: ChannelField = { type, field, bidirectional, made: [], setOtherwise: false, uses: [], closedSomewhere: false, lifecycle: [] };

  // Every function that writes the field's name: where it is made, set, closed.
  for (const d of pkg.mentioning(field)) {
    for (const n of d.node.descendantsOfType(['keyed_element', 'assignment_statement', 'call_expression'])) {
      if (!n) continue;
      if (n.type === 'call_expression') {
        const fn = n.childForFieldName('function');
        const arg = n.childForFieldName('arguments')?.namedChildren.find((a) => a?.type !== 'comment');
        const target = arg && unparen(arg);
        if (fn?.text === 'close' && target?.type === 'selector_expression' && target.childForFieldName('field')?.text === field) out.closedSomewhere = true;
        continue;
      }
      if (n.type === 'keyed_element') {
        const [k, v] = n.namedChildren;
        const lit = n.parent?.parent;
        if (k?.text !== field || !v || lit?.type !== 'composite_literal' || literalTypeName(lit) !== type) continue;
        const value = v.type === 'literal_element' ? v.namedChild(0) : v;
        const cap = makeCapacity(value);
        if (cap !== undefined) out.made.push({ capacity: cap, at: siteOf(d, value!) });
        else out.setOtherwise = true;
        continue;
      }
      // `x.f = make(chan T)`, with x of this type (or unknown: a field of that name elsewhere does not count).
      const left = n.childForFieldName('left')?.namedChildren ?? [];
      const right = n.childForFieldName('right')?.namedChildren ?? [];
      left.forEach((l, i) => {
        if (l?.type !== 'selector_expression' || l.childForFieldName('field')?.text !== field) return;
        const operand = l.childForFieldName('operand');
        if (!operand || pkg.typeOf(operand, d.facts) !== type) return;
        const cap = left.length === right.length ? makeCapacity(right[i] ?? null) : undefined;
        if (cap !== undefined) out.made.push({ capacity: cap, at: siteOf(d, right[i]!) });
        else out.setOtherwise = true;
      });
    }
  }

  const methods = pkg.methodsOf(type);
  for (const m of methods) {
    const s = pkg.summaryOf(coreSummary, m.key);
    for (const e of s?.effects ?? []) if (e.target === `recv.${field}`) out.uses.push({ fn: m.key, op: e.op, how: e.how, at: e.at });
    if (LIFECYCLE.has(m.name)) out.lifecycle.push(m.key);
  }
  return out;
}

/**
 * The functions of the package that start method `key` (`method:T.M`) as a goroutine,
 * themselves or through what they call: found among the functions that name M
 * (`go p.worker()`), confirmed by their summaries.
 */
export function startersOf(pkg: PackageView, key: DeclKey): DeclKey[] {
  const name = key.slice(key.lastIndexOf('.') + 1);
  return pkg.cached(`starters:${key}`, () =>
    pkg.keys(`mentions:${name}`).filter((k) => pkg.summaryOf(coreSummary, k)?.starts.includes(key)),
  );
}

// Constant propagation inside one file, for rules that judge a size (`reflect.MakeSlice(t,
// size, size)`, `make([]byte, 0, bufSize)`): what numbers can this expression be?
//
//   800, 32 << 20, 1e3, int64(n)       literals, constant arithmetic, conversions
//   const poolSize = 800               file-level and function-level const (iota too)
//   var defaultSize = 800              a package var the file never reassigns (a default)
//   size := 800                        a local whose every value is a constant
//   if size <= 0 { size = 800 }        (a default given to a parameter counts too)
//   func newPool(size int, …) { … }    a parameter: the constants the file's calls pass,
//   newPool(800, t)                    each call site its own possibility
//
// Anything else (a field, a call result, another package's constant, len(x)) is unknown:
// no value, and a rule stays silent. Each value carries the hops it came through so a
// rule can point at the const or the call site. Memoized per file.
import type { Node } from 'web-tree-sitter';
import { definitions } from './decls.js';
import { type FileFacts, unparen } from './facts.js';
import { argumentFor, funcsOf, paramOf } from './funcs.js';

/** One step on the way from a use to a constant's origin. */
export interface ConstHop {
  kind: 'const' | 'package-var' | 'local' | 'argument';
  /** The name followed (the const, var or parameter). */
  name: string;
  /** The const_spec / var_spec / declaration, or the argument at a call site. */
  node: Node;
  /** For 'argument': the call that passes it. */
  call?: Node;
}

export interface ConstValue {
  value: number;
  /** An untyped float constant (`7.0`, `1e3`), whose division does not truncate. */
  float?: boolean;
  /** From the expression asked about outward to where the number is written. */
  hops: ConstHop[];
}

/** How many possibilities a binary expression may combine before giving up. */
const MAX_VALUES = 16;
/** How many names (const → param → call argument → …) may be followed. */
const MAX_DEPTH = 6;

const CONVERSIONS = new Set([
  'int', 'int8', 'int16', 'int32', 'int64',
  'uint', 'uint8', 'uint16', 'uint32', 'uint64', 'uintptr',
  'float32', 'float64', 'byte', 'rune',
]);

/** Parses a Go integer or float literal (`0x1F`, `0o17`, `017`, `1_000`, `1e3`). */
export function parseGoNumber(text: string): number | undefined {
  const t = text.replace(/_/g, '');
  let v: number;
  if (/^0[xX][0-9a-fA-F]+$/.test(t)) v = parseInt(t.slice(2), 16);
  else if (/^0[bB][01]+$/.test(t)) v = parseInt(t.slice(2), 2);
  else if (/^0[oO][0-7]+$/.test(t)) v = parseInt(t.slice(2), 8);
  else if (/^0[0-7]+$/.test(t)) v = parseInt(t.slice(1), 8);
  else if (/^\d+$/.test(t)) v = parseInt(t, 10);
  else if (/^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) v = Number(t);
  else return undefined;
  return Number.isFinite(v) ? v : undefined;
}

function binary(op: string, a: number, b: number, float: boolean): number | undefined {
  const bothInt = !float && Number.isInteger(a) && Number.isInteger(b);
  switch (op) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/': return b === 0 ? undefined : bothInt ? Math.trunc(a / b) : a / b;
    case '%': return b === 0 || !bothInt ? undefined : a % b;
    // Shifts in doubles: 32 << 20 and 1 << 40 stay exact, unlike JS's 32-bit `<<`.
    case '<<': return bothInt && b >= 0 && b < 64 ? a * 2 ** b : undefined;
    case '>>': return bothInt && b >= 0 && b < 64 ? Math.floor(a / 2 ** b) : undefined;
    case '&': case '|': case '^': case '&^': {
      if (!bothInt) return undefined;
      const x = BigInt(a), y = BigInt(b);
      const r = op === '&' ? x & y : op === '|' ? x | y : op === '^' ? x ^ y : x & ~y;
      return Number(r);
    }
    default: return undefined;
  }
}

export class Constants {
  private readonly memo = new Map<string, ConstValue[]>();
  private packageSpecsMemo?: Map<string, Node>;
  private packageAssignedMemo?: Set<string>;

  constructor(private readonly facts: FileFacts) {}

  /** Every constant value `expr` can take, with how each was found; empty when unknown. */
  values(expr: Node): ConstValue[] {
    return this.eval(expr, 0, undefined);
  }

  /** The single value of `expr` when it has exactly one (no parameter fan-out). */
  value(expr: Node): number | undefined {
    const vs = this.values(expr);
    return vs.length === 1 ? vs[0]!.value : undefined;
  }

  private eval(expr: Node, depth: number, iota: number | undefined): ConstValue[] {
    // Memoized by node and depth: an answer cut short by MAX_DEPTH is only that depth's
    // answer, and without the memo a parameter passed down a chain of calls would be
    // re-evaluated once per call site per level. Answers computed with a const group's
    // iota are not memoized. Cycles (`const a = b; const b = a`) end at MAX_DEPTH, since
    // every name followed adds one.
    if (depth > MAX_DEPTH) return [];
    const key = `${expr.id}:${depth}`;
    const m = iota === undefined ? this.memo.get(key) : undefined;
    if (m) return m;
    const r = this.compute(unparen(expr), depth, iota);
    if (iota === undefined) this.memo.set(key, r);
    return r;
  }

  private compute(e: Node, depth: number, iota: number | undefined): ConstValue[] {
    switch (e.type) {
      case 'int_literal':
      case 'float_literal': {
        const v = parseGoNumber(e.text);
        if (v === undefined) return [];
        return [e.type === 'float_literal' ? { value: v, float: true, hops: [] } : { value: v, hops: [] }];
      }
      case 'unary_expression': {
        const op = e.childForFieldName('operator')?.type;
        const operand = e.childForFieldName('operand');
        if (!operand || (op !== '-' && op !== '+' && op !== '^')) return [];
        return this.eval(operand, depth, iota).flatMap((v) => {
          if (op === '^' && !Number.isInteger(v.value)) return [];
          return [{ ...v, value: op === '-' ? -v.value : op === '^' ? -v.value - 1 : v.value }];
        });
      }
      case 'binary_expression': {
        const op = e.childForFieldName('operator')?.type ?? '';
        const l = e.childForFieldName('left');
        const r = e.childForFieldName('right');
        if (!l || !r) return [];
        const ls = this.eval(l, depth, iota);
        const rs = ls.length ? this.eval(r, depth, iota) : [];
        if (ls.length * rs.length > MAX_VALUES) return [];
        const out: ConstValue[] = [];
        for (const a of ls)
          for (const b of rs) {
            const float = a.float === true || b.float === true;
            const v = binary(op, a.value, b.value, float);
            if (v !== undefined) out.push({ value: v, ...(float ? { float } : {}), hops: [...a.hops, ...b.hops] });
          }
        return out;
      }
      case 'call_expression': {
        // Conversions: int64(n), uint(size).
        const fn = e.childForFieldName('function');
        const args = e.childForFieldName('arguments')?.namedChildren.filter((c) => c?.type !== 'comment') ?? [];
        if (fn?.type !== 'identifier' || !CONVERSIONS.has(fn.text) || args.length !== 1) return [];
        if (this.facts.resolveName(fn.text, fn) !== 'unknown') return [];
        const isFloat = fn.text.startsWith('float');
        return this.eval(args[0]!, depth, iota).map((v) =>
          isFloat ? { ...v, float: true } : { value: Math.trunc(v.value), hops: v.hops },
        );
      }
      case 'iota':
        return iota === undefined ? [] : [{ value: iota, hops: [] }];
      case 'identifier':
        if (e.text === 'iota' && iota !== undefined) return [{ value: iota, hops: [] }];
        return this.identifier(e, depth);
      default:
        return [];
    }
  }

  private identifier(id: Node, depth: number): ConstValue[] {
    const name = id.text;
    const where = this.facts.resolveName(name, id);
    if (where === 'unknown') return [];
    if (where === 'package') {
      const spec = this.packageSpecs().get(name);
      if (!spec) return [];
      if (spec.type === 'var_spec' && this.packageAssigned().has(name)) return [];
      return this.spec(spec, name, spec.type === 'const_spec' ? 'const' : 'package-var', depth);
    }
    // A local const.
    const defs = definitions(this.facts, where, name);
    if (defs.length === 1 && defs[0]!.node.type === 'const_spec') return this.spec(defs[0]!.node, name, 'const', depth);
    // A parameter or a local var: every value it is given must be a constant
    // (`size := 800`, `if size <= 0 { size = 800 }`); a parameter's are the file's calls'.
    if (this.stepped(where, name)) return [];
    const out: ConstValue[] = [];
    for (const def of defs) {
      let vs: ConstValue[];
      if (def.node.type === 'parameter_declaration') {
        vs = this.arguments(where, name, depth);
      } else if (def.node.type === 'var_spec') {
        vs = this.spec(def.node, name, 'local', depth);
        if (!vs.length) return [];
      } else if (def.value && (def.node.type === 'short_var_declaration' || def.node.childForFieldName('operator')?.type === '=')) {
        vs = this.eval(def.value, depth + 1, undefined).map((v) => ({ ...v, hops: [{ kind: 'local', name, node: def.node }, ...v.hops] }));
        if (!vs.length) return [];
      } else {
        return []; // a range variable, a multi-value call, a compound assignment
      }
      out.push(...vs);
      if (out.length >= MAX_VALUES) break;
    }
    return out;
  }

  /** The constants the file's calls of `fn` pass for its parameter `name`. */
  private arguments(fn: Node, name: string, depth: number): ConstValue[] {
    const param = paramOf(fn, name);
    if (!param) return [];
    const out: ConstValue[] = [];
    for (const call of funcsOf(this.facts).callsOf(fn)) {
      const arg = argumentFor(call, param);
      if (!arg) continue;
      for (const v of this.eval(arg, depth + 1, undefined)) {
        out.push({ ...v, hops: [{ kind: 'argument', name, node: arg, call }, ...v.hops] });
        if (out.length >= MAX_VALUES) return out;
      }
    }
    return out;
  }

  /** True when `fn` increments, decrements or takes the address of `name`. */
  private stepped(fn: Node, name: string): boolean {
    return this.facts.uses(fn, name).some((use) => {
      const p = use.parent;
      return p?.type === 'inc_statement' || p?.type === 'dec_statement' || (p?.type === 'unary_expression' && p.childForFieldName('operator')?.type === '&');
    });
  }

  /** The value of `name` in a const_spec or var_spec (const groups repeat the last expression). */
  private spec(spec: Node, name: string, kind: ConstHop['kind'], depth: number): ConstValue[] {
    const names = spec.childrenForFieldName('name').filter((n) => n?.type === 'identifier');
    const i = names.findIndex((n) => n?.text === name);
    if (i < 0) return [];
    let source: Node | null = spec;
    let iota: number | undefined;
    if (spec.type === 'const_spec') {
      // const ( A = iota * 10; B; C ): B and C repeat A's expression with their own iota.
      const group = spec.parent?.type === 'const_declaration' ? spec.parent.namedChildren.filter((c) => c?.type === 'const_spec') : [spec];
      iota = group.findIndex((c) => c?.id === spec.id);
      for (let j = iota; j >= 0; j--) {
        if (group[j]?.childForFieldName('value')) {
          source = group[j]!;
          break;
        }
      }
    }
    const values = source.childForFieldName('value')?.namedChildren.filter((c) => c?.type !== 'comment') ?? [];
    if (values.length !== names.length) return [];
    return this.eval(values[i]!, depth + 1, iota).map((v) => ({ ...v, hops: [{ kind, name, node: spec }, ...v.hops] }));
  }

  /** File-level const_spec / var_spec by declared name. */
  private packageSpecs(): Map<string, Node> {
    if (this.packageSpecsMemo) return this.packageSpecsMemo;
    const m = new Map<string, Node>();
    for (const decl of this.facts.declarations(['const_declaration', 'var_declaration'])) {
      for (const spec of decl.descendantsOfType(['const_spec', 'var_spec'])) {
        if (!spec) continue;
        for (const n of spec.childrenForFieldName('name')) if (n?.type === 'identifier') m.set(n.text, spec);
      }
    }
    this.packageSpecsMemo = m;
    return m;
  }

  /**
   * Package-level names the file assigns, increments or takes the address of anywhere
   * (`poolSize = n`, `flag.IntVar(&poolSize, …)`): such a var is no default to trust.
   */
  private packageAssigned(): Set<string> {
    if (this.packageAssignedMemo) return this.packageAssignedMemo;
    const s = new Set<string>();
    const { root } = this.facts;
    for (const st of root.descendantsOfType(['assignment_statement', 'inc_statement', 'dec_statement', 'unary_expression'])) {
      if (!st) continue;
      let targets: (Node | null)[];
      if (st.type === 'assignment_statement') targets = st.childForFieldName('left')?.namedChildren ?? [];
      else if (st.type === 'unary_expression') targets = st.childForFieldName('operator')?.type === '&' ? [st.childForFieldName('operand')] : [];
      else targets = [st.namedChild(0)];
      for (const t of targets) {
        const u = t ? unparen(t) : null;
        if (u?.type === 'identifier' && this.facts.resolveName(u.text, u) === 'package') s.add(u.text);
      }
    }
    this.packageAssignedMemo = s;
    return s;
  }
}

const memo = new WeakMap<FileFacts, Constants>();

/** The file's constant evaluator (one per FileFacts, so memoized per file). */
export function constantsOf(facts: FileFacts): Constants {
  let c = memo.get(facts);
  if (!c) memo.set(facts, (c = new Constants(facts)));
  return c;
}

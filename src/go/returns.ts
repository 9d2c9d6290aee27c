// Values that functions of the package hand to their callers, and calls that only borrow a
// value: the package-wide form of the release obligations (obligations.ts) for the resource
// rules. A rule says which calls make a value that must be released (a `source`); the kind
// below says which results of each function carry such a value, through same-package
// helpers in any file, and `packageBorrows` says which calls only use an argument.
//
//	// clients.go
//	func newClients(ctx context.Context) (*storage.Client, *pubsub.Client, error) {
//		sc, err := storage.NewClient(ctx)       // made here…
//		…
//		return sc, pc, nil                      // …and handed over: results 0 and 1
//	}
//	// main.go
//	s, p, err := newClients(ctx)                // the obligation moves to the caller
import type { Node } from 'web-tree-sitter';
import { enclosingFunction, type EscapeReason, type FileFacts } from './facts.js';
import { bindingOf, borrowCheck, handsOver, reachesReturn, releasesOf, returnedNames, returnedPositions, settle, type Binding } from './obligations.js';
import type { FunctionSyntax, PackageView, SummaryKind } from './package.js';
import { type DeclKey, nameOfKey } from './pkgindex.js';
import { coreSummary, HOW, type FuncSummary, type Site } from './summary.js';

/** A value made by a source call: what the rule said about the call, and where it is. */
export interface Made {
  /** As the rule names the call (`storage.NewClient`). */
  callee: string;
  /** Anything else the rule wants back (plain data), e.g. the method that releases it. */
  data?: string;
  at: Site;
}

type Ref = { made: Made } | { via: DeclKey; result: number | 'all' };

/** Per result position, what the function hands over. */
export type MadeResults = [number, Made][];

interface MadeLocal {
  positions: [number, Ref][];
}

/**
 * Follow a value to the helper's returns path by path (obligations.ts handsOver): a value
 * released on the way to the return (a helper that reads and closes a body, then hands
 * back the response with a replaced one) is not handed over. `field` as in settle.
 */
export interface PathOptions {
  field?: string;
  /** Calls that end a path (terminators.ts). */
  ends: (facts: FileFacts, call: Node) => boolean;
}

/** A summary kind made by madeResultsKind. */
export type MadeKind = SummaryKind<MadeLocal, MadeResults>;

const RETURNED: ReadonlySet<EscapeReason> = new Set(['returned']);
const NO_METHODS: ReadonlySet<string> = new Set();

function siteOf(file: string, n: Node): Site {
  return { file: file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1), line: n.startPosition.row + 1, column: n.startPosition.column + 1 };
}

/**
 * A summary kind: the results of a function that carry a value a `source` call made, in it
 * or in the same-package functions it calls, and that the function neither releases (a
 * `release` method, in a closure it hands out too) nor keeps (stored as well as returned).
 * `id` must change with whatever changes `source` (the rule's options).
 */
export function madeResultsKind(
  id: string,
  source: (call: Node, facts: FileFacts, view: PackageView) => Omit<Made, 'at'> | undefined,
  release: ReadonlySet<string>,
  paths?: PathOptions,
): MadeKind {
  return {
    id,
    local(fx: FunctionSyntax): MadeLocal {
      const { node: fn, facts, file } = fx.decl;
      const holders = new Map<string, Ref>();
      const bindings = new Map<string, Extract<Binding, { kind: 'bound' }>>();
      const direct = new Map<number, Ref>();
      const returned = returnedNames(fn);
      for (const call of fn.descendantsOfType('call_expression')) {
        if (!call || enclosingFunction(call)?.id !== fn.id) continue;
        // `a, b, err := f()`: name i holds result i (a source's value is its first result).
        const first = bindingOf(call, 0);
        const count = first.kind === 'bound' || first.kind === 'discarded' ? first.results : 0;
        if (!reachesReturn(call, count, returned)) continue;
        const src = source(call, facts, fx.view);
        const key = src ? undefined : fx.calleeKey(call);
        if (!src && !key) continue;
        const made = src && { made: { ...src, at: siteOf(file, call) } };
        direct.set(call.id, made ?? { via: key!, result: 'all' });
        for (let i = 0; i < (made ? Math.min(1, count) : count); i++) {
          const b = bindingOf(call, i);
          if (b.kind !== 'bound') continue;
          holders.set(b.ident.text, made ?? { via: key!, result: i });
          bindings.set(b.ident.text, b);
        }
      }
      const borrows = borrowCheck(facts, release, { elsewhere: packageBorrows(fx.view, facts, release) });
      for (const v of [...holders.keys()]) {
        // A variable no return names is handed over or not alike: nothing to follow.
        if (!returned.has(v)) continue;
        if (paths) {
          // Followed path by path: released before the return (or kept), it is not handed over.
          const b = bindings.get(v)!;
          const ends = (c: Node) => paths.ends(facts, c);
          if (!handsOver(facts, fn, v, b, { methods: release, field: paths.field, borrows }, ends)) holders.delete(v);
          continue;
        }
        // `return c, func() { c.Close() }` hands out its own clean-up; `cache = c; return c`
        // keeps it as well: neither is the caller's to close.
        const releases = releasesOf(facts, fn, v, release);
        const kept = settle(facts, fn, v, { methods: NO_METHODS, ignore: RETURNED, borrows });
        if (releases.some((r) => enclosingFunction(r)?.id !== fn.id) || (kept.kind === 'escaped' && kept.reason !== 'named result')) holders.delete(v);
      }
      const fromCall = (call: Node): Map<number, Ref> => {
        const r = direct.get(call.id);
        return r ? new Map([[0, r]]) : new Map();
      };
      const positions = [...returnedPositions(fn, holders, fromCall)].sort((a, b) => a[0] - b[0]);
      return { positions };
    },
    combine(local, callee): MadeResults {
      const out = new Map<number, Made>();
      const put = (pos: number, m: Made) => out.has(pos) || out.set(pos, m);
      for (const [pos, ref] of local.positions) {
        if ('made' in ref) {
          put(pos, ref.made);
          continue;
        }
        // `return helper(ctx)` hands over the helper's results as they are;
        // `c, err := helper(ctx); return c, nil` its result `ref.result` at `pos`.
        for (const [p, m] of callee(ref.via) ?? []) {
          if (ref.result === 'all') put(p, m);
          else if (p === ref.result) put(pos, m);
        }
      }
      return [...out].sort((a, b) => a[0] - b[0]);
    },
    join(a, b) {
      // Build-tag variants: a result counts when every variant hands it over.
      return a.filter(([p]) => b.some(([q]) => q === p));
    },
  };
}

/**
 * A `borrows` check for calls of functions of the package the file does not declare (for
 * borrowCheck's `elsewhere`): the callee's summary shows the parameter only used (methods
 * called on it, read) and not released, kept, returned, or used in a goroutine or closure
 * that may outlive the call. With `field`, an argument that is the variable itself lends
 * that field (a response lends its Body): what the callee does with its other fields (a
 * status, a header) is data and does not count.
 */
export function packageBorrows(pkg: PackageView, facts: FileFacts, release: ReadonlySet<string>, field?: string): (call: Node, index: number) => boolean {
  return (call, index) => {
    const key = pkg.calleeKey(call, facts);
    // The callee's own body first: unless it hands the parameter to a function or method of
    // the package, what deeper calls do cannot touch it, and the full summary (every callee,
    // SUMMARY_DEPTH deep) need not be made.
    const own = key && pkg.summaryOf(coreSummary, key, 0);
    const s = own && handsOn(pkg, own, index) ? pkg.summaryOf(coreSummary, key) : own;
    if (!s || index >= s.params.length || (s.variadic && index >= s.params.length - 1)) return false;
    const target = `$${index}`;
    const arg = field ? call.childForFieldName('arguments')?.namedChildren.filter((c) => c?.type !== 'comment')[index] : undefined;
    const held = arg?.type === 'identifier' ? `${target}.${field}` : undefined;
    for (const e of s.effects) {
      if (e.target !== target && !e.target.startsWith(`${target}.`)) continue;
      if (held && e.target !== target && e.target !== held && !e.target.startsWith(`${held}.`)) continue;
      if (e.op === 'escape' || e.op === 'return' || e.op === 'set' || e.op === 'call') return false;
      if (e.op.startsWith('.') && release.has(e.op.slice(1))) return false;
      if (e.how & (HOW.go | HOW.closure)) return false;
    }
    return !s.results.some((rs) => rs.some((o) => ('param' in o && o.param === index) || ('derived' in o && o.derived === index)));
  };
}

/**
 * A summary made without callees (depth 0) shows parameter `index` handed to a call of the
 * package: as an argument (an escape through a callee, where no callee is asked), or as the
 * receiver of a method whose name the package declares. Only then can the callees' summaries
 * add to what the function does with it (summary.ts combine maps a callee's effects and
 * results onto the caller's targets through those passes alone).
 */
function handsOn(pkg: PackageView, s: FuncSummary, index: number): boolean {
  const target = `$${index}`;
  return s.effects.some(
    (e) => (e.target === target || e.target.startsWith(`${target}.`)) && ((e.how & HOW.callee) !== 0 || (e.op.startsWith('.') && pkg.has(`methods:${e.op.slice(1)}`))),
  );
}

/**
 * The functions and methods of the package whose results carry a made value, found from the
 * text: those that write a source call (`pattern`, e.g. `New\w*Client`), then those that call
 * them, up to the summary depth. Keys, cached per package and kind.
 */
export function madeReturners(pkg: PackageView, kind: MadeKind, pattern: string): DeclKey[] {
  return pkg.cached(`made-returners:${kind.id}`, () => {
    const found = new Set<DeclKey>();
    let frontier = pkg.keys(`matches:${pattern}`);
    for (let depth = 0; depth < 4 && frontier.length; depth++) {
      const next: DeclKey[] = [];
      for (const k of frontier) {
        if (found.has(k) || !(pkg.summaryOf(kind, k)?.length)) continue;
        found.add(k);
        next.push(...pkg.keys(`mentions:${nameOfKey(k)}`));
      }
      frontier = next;
    }
    return [...found].sort();
  });
}

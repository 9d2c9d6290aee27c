// Control flow of one function body, from syntax: the blocks of statements and the edges
// between them (if/else, loops with break and continue, switch with fallthrough, select,
// labels and goto), in the spirit of golang.org/x/tools/go/cfg. Function literals inside
// the body are opaque expressions: they get their own graph when asked.
//
//   ctx, cancel := context.WithTimeout(ctx, d)   ← start
//   if err != nil {
//       return err                               ← reached without a use: reported
//   }
//   defer cancel()                               ← a use: paths through it are settled
//
// A path ends at a return, at the end of the body, or at a call that never returns
// (terminators.ts: panic, os.Exit, log.Fatal, t.Fatal…), and goes nowhere after `select {}`.
import type { Node } from 'web-tree-sitter';
import { type FileFacts, memoPer, unparen } from './facts.js';
import type { PackageView } from './package.js';
import { endingCall } from './terminators.js';

interface Block {
  /** Statements and header expressions, in execution order. */
  nodes: Node[];
  succs: Block[];
  /** Set on the block that leaves the function: the return statement, or the body's closing brace. */
  exit?: Node;
  /** On the first block of an if's branch: the if's condition, and whether it holds there. */
  guard?: { cond: Node; holds: boolean };
}

interface Targets {
  brk?: Block;
  cont?: Block;
}

class Builder {
  private readonly labels = new Map<string, { block: Block; targets?: Targets }>();
  readonly blocks: Block[] = [];
  /** The block each node (statement or header) was put in, and its index there. */
  readonly where = new Map<number, { block: Block; index: number }>();

  constructor(
    private readonly facts: FileFacts,
    private readonly opts: FlowOptions = {},
  ) {}

  block(): Block {
    const b: Block = { nodes: [], succs: [] };
    this.blocks.push(b);
    return b;
  }

  private add(cur: Block, n: Node | null): void {
    if (!n) return;
    this.where.set(n.id, { block: cur, index: cur.nodes.length });
    cur.nodes.push(n);
  }

  private label(name: string): { block: Block; targets?: Targets } {
    let l = this.labels.get(name);
    if (!l) this.labels.set(name, (l = { block: this.block() }));
    return l;
  }

  /** Builds `stmts` from `cur`; returns the block control falls out of (possibly unreachable). */
  list(stmts: Node[], cur: Block, t: Targets): Block {
    for (const s of stmts) cur = this.stmt(s, cur, t);
    return cur;
  }

  private children(n: Node | null): Node[] {
    if (!n) return [];
    const list = n.type === 'block' ? n.namedChildren.find((c) => c?.type === 'statement_list') : n.type === 'statement_list' ? n : null;
    const src = list ?? (n.type === 'block' ? null : n);
    return (src?.namedChildren ?? []).filter((c): c is Node => c !== null && c.type !== 'comment');
  }

  stmt(s: Node, cur: Block, t: Targets, label?: string): Block {
    switch (s.type) {
      case 'block':
      case 'statement_list':
        return this.list(this.children(s), cur, t);
      case 'return_statement': {
        this.add(cur, s);
        cur.exit = s;
        return this.block(); // unreachable
      }
      case 'expression_statement': {
        this.add(cur, s);
        const e = s.namedChild(0);
        if (e && this.opts.testStopExits && endingCall(this.facts, unparen(e)) === 'test-stop') {
          // t.Fatal stops the test's goroutine (runtime.Goexit): the function is left, deferred calls run.
          cur.exit = s;
          return this.block();
        }
        if (e && endingCall(this.facts, unparen(e)) !== null) return this.block();
        return cur;
      }
      case 'labeled_statement': {
        const name = s.childForFieldName('label')?.text ?? s.namedChild(0)?.text ?? '';
        const l = this.label(name);
        cur.succs.push(l.block);
        const inner = s.namedChildren.find((c) => c !== null && c.type !== 'label_name' && c.type !== 'comment') ?? null;
        return inner ? this.stmt(inner, l.block, t, name) : l.block;
      }
      case 'goto_statement': {
        this.add(cur, s);
        const name = s.namedChild(0)?.text ?? '';
        cur.succs.push(this.label(name).block);
        return this.block();
      }
      case 'break_statement':
      case 'continue_statement': {
        this.add(cur, s);
        const name = s.namedChild(0)?.text;
        const targets = name ? this.labels.get(name)?.targets : t;
        const to = s.type === 'break_statement' ? targets?.brk : targets?.cont;
        if (to) cur.succs.push(to);
        return this.block();
      }
      case 'if_statement': {
        this.add(cur, s.childForFieldName('initializer'));
        this.add(cur, s.childForFieldName('condition'));
        const done = this.block();
        const then = this.block();
        // `if false { … }` (code kept for later, or to quiet a linter) never runs; `if true` always does.
        const cond = s.childForFieldName('condition');
        const constant = cond?.type === 'false' ? false : cond?.type === 'true' ? true : undefined;
        if (cond) then.guard = { cond, holds: true };
        if (constant !== false) cur.succs.push(then);
        this.stmt(s.childForFieldName('consequence')!, then, t).succs.push(done);
        const alt = s.childForFieldName('alternative');
        if (alt) {
          const els = this.block();
          if (cond) els.guard = { cond, holds: false };
          if (constant !== true) cur.succs.push(els);
          this.stmt(alt, els, t).succs.push(done);
        } else if (constant !== true) cur.succs.push(done);
        return done;
      }
      case 'for_statement':
        return this.forStmt(s, cur, t, label);
      case 'expression_switch_statement':
      case 'type_switch_statement':
      case 'select_statement':
        return this.switchStmt(s, cur, t, label);
      default:
        // Simple statements: assignments, declarations, sends, go, defer, inc/dec, empty.
        this.add(cur, s);
        return cur;
    }
  }

  private forStmt(s: Node, cur: Block, t: Targets, label?: string): Block {
    const clause = s.namedChildren.find((c) => c?.type === 'for_clause' || c?.type === 'range_clause') ?? null;
    const body = s.childForFieldName('body');
    const head = this.block();
    const done = this.block();
    const post = this.block();
    let endless = false;
    if (clause?.type === 'for_clause') {
      this.add(cur, clause.childForFieldName('initializer'));
      const cond = clause.childForFieldName('condition');
      this.add(head, cond);
      // `for true { … }` and `for ; true; <-t.C { … }` (a ticker loop that runs its body at
      // once) leave only by break, return or goto, like `for { … }`.
      endless = !cond || cond.type === 'true';
      this.add(post, clause.childForFieldName('update'));
    } else if (clause?.type === 'range_clause') {
      this.add(head, clause);
    } else {
      const cond = s.namedChildren.find((c) => c !== null && c.id !== body?.id && c.type !== 'comment') ?? null;
      this.add(head, cond);
      endless = !cond || cond.type === 'true';
    }
    cur.succs.push(head);
    const start = this.block();
    head.succs.push(start);
    if (!endless) head.succs.push(done);
    post.succs.push(head);
    const targets: Targets = { brk: done, cont: post };
    if (label) this.label(label).targets = targets;
    this.stmt(body!, start, targets).succs.push(post);
    return done;
  }

  private switchStmt(s: Node, cur: Block, t: Targets, label?: string): Block {
    const isSelect = s.type === 'select_statement';
    if (!isSelect) {
      this.add(cur, s.childForFieldName('initializer'));
      this.add(cur, s.childForFieldName('value'));
    }
    const done = this.block();
    const targets: Targets = { brk: done, cont: t.cont };
    if (label) this.label(label).targets = targets;
    const cases = s.namedChildren.filter((c): c is Node => c !== null && /_case$/.test(c.type));
    // A switch without default may match nothing; a select always runs one case (and
    // `select {}` blocks forever).
    if (!isSelect && !cases.some((c) => c.type === 'default_case')) cur.succs.push(done);
    const bodies = cases.map(() => this.block());
    cases.forEach((c, i) => {
      const b = bodies[i]!;
      cur.succs.push(b);
      for (const part of c.namedChildren) {
        if (!part || part.type === 'statement_list' || part.type === 'comment') continue;
        if (isSelect || c.type === 'expression_case') this.add(b, part);
      }
      const stmts = this.children(c.namedChildren.find((x) => x?.type === 'statement_list') ?? null);
      const last = stmts[stmts.length - 1];
      const end = this.list(stmts, b, targets);
      if (last?.type === 'fallthrough_statement' && bodies[i + 1]) end.succs.push(bodies[i + 1]!);
      else end.succs.push(done);
    });
    return done;
  }
}

export interface FlowGraph {
  entry: Block;
  where: Map<number, { block: Block; index: number }>;
}

export interface FlowOptions {
  /**
   * `t.Fatal`, `t.FailNow`, `t.Skip`… on a testing value leave the function like a return
   * (the test's goroutine stops, its deferred calls run, other goroutines stay blocked)
   * instead of ending the path.
   */
  testStopExits?: boolean;
}

const graphs = memoPer<FileFacts, FlowGraph | undefined>();

/** The control flow graph of a function's body (memoized per file, function and options). */
export function flowGraph(facts: FileFacts, fn: Node, opts: FlowOptions = {}): FlowGraph | undefined {
  return graphs(facts, `${fn.id}${opts.testStopExits ? 't' : ''}`, () => buildGraph(facts, fn, opts));
}

function buildGraph(facts: FileFacts, fn: Node, opts: FlowOptions): FlowGraph | undefined {
  const body = fn.childForFieldName('body');
  if (!body) return undefined;
  const b = new Builder(facts, opts);
  const entry = b.block();
  const end = b.list((body.namedChildren.find((c) => c?.type === 'statement_list')?.namedChildren ?? []).filter((c): c is Node => c !== null && c.type !== 'comment'), entry, {});
  // Falling off the end of the body returns too; the closing brace stands for that return.
  end.exit = body.lastChild ?? body;
  return { entry, where: b.where };
}

/**
 * The earliest exit in the text (a return statement, or the body's closing brace) that
 * control can reach from just after `start` (a statement of `fn`'s body) without passing a
 * node for which `settles` is true, or null when every path is settled or ends in a call
 * that never returns. `settles` is asked about statements and loop/if/switch headers, whole.
 * `settlesBranch`, when given, is asked about each branch of an if that a path enters: the
 * if's condition and whether it holds in that branch (false in the else); true settles the
 * paths through the branch.
 *
 *	if _, err := f(ctx); err == nil {
 *		…
 *	} else if err == context.DeadlineExceeded {   ← entered with this condition holding
 *		return                                    ← settled when settlesBranch says so
 *	}
 */
export function exitAvoiding(
  facts: FileFacts,
  fn: Node,
  start: Node,
  settles: (n: Node) => boolean,
  settlesBranch?: (cond: Node, holds: boolean) => boolean,
): Node | null {
  const g = flowGraph(facts, fn);
  const at = g?.where.get(start.id);
  if (!g || !at) return null;
  return search(at.block, at.index + 1, settles, settlesBranch);
}

/**
 * True when control can leave `fn` by a return or by running off its end; false for a
 * function that loops forever or ends only in calls that never return (a worker's
 * `for { select { … } }`, a `main` that ends in log.Fatal).
 */
export function mayReturn(facts: FileFacts, fn: Node): boolean {
  const g = flowGraph(facts, fn);
  return !g || search(g.entry, 0, () => false) !== null;
}

/**
 * The call runs a function of the package that never returns to its caller (mayReturn): a
 * function declaration, or a package variable given a func literal, called by its name.
 *
 *	var exitWithError = func(err error) {    func fatalf(f string, a ...any) {
 *		fmt.Fprintln(os.Stderr, err)             fmt.Fprintf(os.Stderr, f, a...)
 *		os.Exit(1)                               os.Exit(2)
 *	}                                        }
 *
 * A call of one ends the path as os.Exit does. A variable that tests swap for a stub is
 * taken at its declared value, the one the program runs with.
 */
export function neverReturns(view: PackageView, facts: FileFacts, call: Node): boolean {
  const f = call.type === 'call_expression' ? call.childForFieldName('function') : null;
  if (f?.type !== 'identifier' || typeof facts.resolveName(f.text, call) === 'object') return false;
  const name = f.text;
  for (const key of [`func:${name}`, `var:${name}`]) {
    if (!view.has(key)) continue;
    return view.cached(`never-returns:${key}`, () => {
      const d = view.decl(key);
      if (!d) return false;
      let fn: Node | null | undefined = d.node;
      if (d.kind === 'var') {
        // `var name = func(…) {…}`, the spec's only name and value.
        const names = d.node.childrenForFieldName('name');
        const values = d.node.childForFieldName('value')?.namedChildren.filter((c) => c !== null && c.type !== 'comment') ?? [];
        fn = names.length === 1 && values.length === 1 ? unparen(values[0]!) : null;
        if (fn?.type !== 'func_literal') return false;
      }
      return !!fn && !!fn.childForFieldName('body') && !mayReturn(d.facts, fn);
    });
  }
  return false;
}

function search(start: Block, from0: number, settles: (n: Node) => boolean, settlesBranch?: (cond: Node, holds: boolean) => boolean): Node | null {
  const seen = new Set<Block>();
  let first: Node | null = null;
  const stack: { block: Block; from: number }[] = [{ block: start, from: from0 }];
  while (stack.length) {
    const { block, from } = stack.pop()!;
    let settled = false;
    for (let i = from; i < block.nodes.length; i++) {
      if (settles(block.nodes[i]!)) {
        settled = true;
        break;
      }
    }
    if (settled) continue;
    if (block.exit && (!first || block.exit.startIndex < first.startIndex)) first = block.exit;
    for (const s of block.succs) {
      if (seen.has(s)) continue;
      seen.add(s);
      if (s.guard && settlesBranch?.(s.guard.cond, s.guard.holds)) continue;
      stack.push({ block: s, from: 0 });
    }
  }
  return first;
}

/** What a walk's visitor says about a node: stop the path there, or go on. */
export type Visit = 'stop' | void;

/**
 * Walks the nodes (statements and loop/if/switch headers, whole) that control can reach in
 * `fn` from just after `start`, or from the entry when `start` is null, each node at most
 * once per block entry; `visit` may stop the path at a node. Returns the exits reached (a
 * return statement, a test-stop call with `testStopExits`, or the body's closing brace), in
 * text order; undefined when `start` is not a node of `fn`'s flow.
 *
 *	mu.Lock()              ← start
 *	if err != nil {
 *		return err         ← an exit reached
 *	}
 *	mu.Unlock()            ← visit says 'stop': the paths through it end here
 */
export function walkFrom(facts: FileFacts, fn: Node, start: Node | null, visit: (n: Node) => Visit, opts: FlowOptions = {}): Node[] | undefined {
  const g = flowGraph(facts, fn, opts);
  if (!g) return undefined;
  const at = start ? g.where.get(start.id) : { block: g.entry, index: -1 };
  if (!at) return undefined;
  const seen = new Set<Block>();
  const exits = new Set<Node>();
  const stack: { block: Block; from: number }[] = [{ block: at.block, from: at.index + 1 }];
  while (stack.length) {
    const { block, from } = stack.pop()!;
    let stopped = false;
    for (let i = from; i < block.nodes.length && !stopped; i++) stopped = visit(block.nodes[i]!) === 'stop';
    if (stopped) continue;
    if (block.exit) exits.add(block.exit);
    for (const s of block.succs) {
      if (seen.has(s)) continue;
      seen.add(s);
      stack.push({ block: s, from: 0 });
    }
  }
  return [...exits].sort((a, b) => a.startIndex - b.startIndex);
}

/** True when `n` is a node of `fn`'s flow (a statement or header `walkFrom` can start at). */
export function inFlow(facts: FileFacts, fn: Node, n: Node, opts: FlowOptions = {}): boolean {
  return flowGraph(facts, fn, opts)?.where.has(n.id) ?? false;
}

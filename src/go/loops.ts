// How bounded a loop's rounds are, read from syntax:
//
//   for { … }  with no return, goto or break out     endless: it never ends
//   for x := range ch   (a chan, a ticker's C, time.Tick)   a stream: as many rounds as sends
//   for rows.Next() { … }, for { hdr, err := tr.Next(); … }   an iterator over data
//
// and the names a loop declares for its rounds. Anything else (a range over a slice, a
// counted loop) has a bound syntax cannot tell: usually a few rounds.
import type { Node } from 'web-tree-sitter';
import { definitionsOf } from './decls.js';
import { blockStatements, enclosingFunction, type FileFacts, unparen } from './facts.js';
import { terminates } from './terminators.js';
import { declAt } from './toplevel.js';
import { baseType } from './types.js';
import { callArgs } from './words.js';

/** Statements an unlabeled break leaves. */
export const BREAKABLE = /^(for|expression_switch|type_switch|select)_statement$/;

/** Names a loop declares for its rounds: `for i := …`, `for k, v := range …`. */
export function loopVars(loop: Node): string[] {
  const clause = loop.namedChildren.find((c) => c?.type === 'for_clause' || c?.type === 'range_clause');
  const decl = clause?.type === 'for_clause' ? clause.childForFieldName('initializer') : clause;
  const left = decl?.childForFieldName('left');
  return (left?.namedChildren ?? []).filter((n): n is Node => n?.type === 'identifier').map((n) => n.text);
}

/** A way out of `loop`: a return, a goto, or a break that targets it. */
export function leaves(loop: Node, fn: Node | null): boolean {
  return (loop.childForFieldName('body')?.descendantsOfType(['return_statement', 'goto_statement', 'break_statement']) ?? []).some((s) => {
    if (!s || enclosingFunction(s)?.id !== fn?.id) return false;
    if (s.type !== 'break_statement') return true;
    const target = s.namedChild(0)?.text;
    if (target !== undefined) return true; // this loop's label or an outer one: both leave it
    for (let p = s.parent; p && p.id !== loop.id; p = p.parent) if (BREAKABLE.test(p.type)) return false;
    return true;
  });
}

/** `for x := range ch` over a channel: a stream with no bound on its rounds (SA9001). */
export function rangesOverChannel(facts: FileFacts, loop: Node): boolean {
  const clause = loop.namedChildren.find((c) => c?.type === 'range_clause');
  const right = clause?.childForFieldName('right');
  if (!right) return false;
  const e = unparen(right);
  if (e.type === 'selector_expression' && e.childForFieldName('field')?.text === 'C') return true; // a ticker's or timer's channel
  if (e.type === 'call_expression') return facts.isCallTo(e, 'time', 'Tick');
  if (e.type !== 'identifier') return false;
  return definitionsOf(facts, e).some((d) => {
    if (baseType(d.type)?.type === 'channel_type') return true;
    const v = d.value ? unparen(d.value) : null;
    return v?.type === 'call_expression' && v.childForFieldName('function')?.text === 'make' && callArgs(v)[0]?.type === 'channel_type';
  });
}

const ADVANCE = /^(Next|Scan|NextRow|NextPart|NextReader|NextResultSet)$/;

/** `for rows.Next()`, or a loop whose first statement reads the next item (`hdr, err := tr.Next()`). */
export function iteratesReader(loop: Node): boolean {
  const advance = (n: Node | null | undefined) => {
    const call = n ? unparen(n) : null;
    const fn = call?.type === 'call_expression' ? call.childForFieldName('function') : null;
    return fn?.type === 'selector_expression' && ADVANCE.test(fn.childForFieldName('field')?.text ?? '');
  };
  const cond = loop.namedChildren.find((c) => c !== null && c.type !== 'block' && c.type !== 'comment' && c.type !== 'for_clause' && c.type !== 'range_clause');
  if (advance(cond)) return true;
  const first = blockStatements(loop.childForFieldName('body')).find((st) => st.type !== 'comment');
  const right = first?.type === 'short_var_declaration' || first?.type === 'assignment_statement' ? first.childForFieldName('right')?.namedChild(0) : null;
  return advance(right);
}

export type Unbounded = 'endless' | 'stream' | 'iterator';

/** Why a loop has no bound on its rounds, or undefined when it may well have one. */
export function unboundedLoop(facts: FileFacts, loop: Node): Unbounded | undefined {
  const headless = !loop.namedChildren.some((c) => c !== null && c.type !== 'block' && c.type !== 'comment');
  if (headless && !leaves(loop, enclosingFunction(loop))) return 'endless';
  if (rangesOverChannel(facts, loop)) return 'stream';
  if (iteratesReader(loop)) return 'iterator';
  return undefined;
}

/**
 * True when the statements after `stmt` in its block (and in the blocks around it, up to
 * the loop body) always leave the loop: a return, a panic, a break out of this loop. Then
 * `stmt` runs at most once (a defer releases when the function returns, as it would
 * outside; a go statement starts one goroutine).
 */
export function lastRound(facts: FileFacts, stmt: Node, loop: Node): boolean {
  const body = loop.childForFieldName('body');
  let cur: Node = stmt;
  for (let p = cur.parent; p && cur.id !== body?.id; cur = p, p = p.parent) {
    if (p.type !== 'statement_list') continue;
    let after = false;
    for (const s of p.namedChildren) {
      if (!s) continue;
      if (s.id === cur.id) after = true;
      else if (after && (terminates(facts, s) || (s.type === 'break_statement' && s.namedChildCount === 0 && breaksLoop(p, loop)))) return true;
    }
  }
  return false;
}

/** An unlabeled break in `list` leaves `loop`: no switch, select or inner loop in between. */
function breaksLoop(list: Node, loop: Node): boolean {
  for (let p: Node | null = list; p && p.id !== loop.id; p = p.parent) if (BREAKABLE.test(p.type)) return false;
  return true;
}

/**
 * A `for` keyword (as code) between the start of the declaration around `at` and `at`: a loop
 * around `at` starts with one. forBlockOpen answers this too (no `for`, no open loop block);
 * this backward search is its cheap first test, since it stops at the nearest `for` where
 * forBlockOpen reads every brace from the declaration's start.
 */
export function forBefore(facts: FileFacts, at: number): boolean {
  const { syntax, text } = facts;
  const start = syntax.outline.decls[declAt(syntax.outline, at)]?.start ?? 0;
  for (let i = text.lastIndexOf('for', at - 3); i >= start; i = i > 0 ? text.lastIndexOf('for', i - 1) : -1) {
    if (/\w/.test(text[i - 1] ?? '') || /\w/.test(text[i + 3] ?? '') || syntax.inLiteral(i)) continue;
    return true;
  }
  return false;
}

/**
 * False when no `for` block of the declaration around `at` can be open at `at`, by the
 * braces of its code: inside a loop's block, more braces are open at `at` than at its `for`
 * keyword (those of a composite literal in its header are closed again, whatever its shape).
 */
export function forBlockOpen(facts: FileFacts, at: number): boolean {
  const { syntax, text } = facts;
  const start = syntax.outline.decls[declAt(syntax.outline, at)]?.start ?? 0;
  let depth = 0;
  let atFor = Infinity;
  const re = /[{}]|\bfor\b/g;
  re.lastIndex = start;
  for (let m = re.exec(text); m && m.index < at; m = re.exec(text)) {
    if (syntax.inLiteral(m.index)) continue;
    if (m[0] === '{') depth++;
    else if (m[0] === '}') depth--;
    else atFor = Math.min(atFor, depth);
  }
  return depth > atFor;
}

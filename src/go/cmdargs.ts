// Loops over the command-line arguments: a bounded number of rounds, after which a command's
// main returns and the process exits.
//
//	for _, name := range flag.Args() { … }     flag.Args(), fs.Args() of a flag.NewFlagSet
//	for _, p := range os.Args[1:] { … }        os.Args, sliced or not
//	args := flag.Args(); for _, a := range args { … }
//	for i := 1; i < len(os.Args); i++ { … }    for i := 0; i < flag.NArg(); i++ { … }
import type { Node } from 'web-tree-sitter';
import { definitionsOf } from './decls.js';
import { isFunction, unparen, type FileFacts } from './facts.js';

const FLAG_PACKAGES = new Set(['flag', 'github.com/spf13/pflag']);

/** Every loop around `n` inside `owner` (not counting nested functions) goes over the command-line arguments. */
export function argumentLoopsOnly(facts: FileFacts, n: Node, owner: Node): boolean {
  for (let p = n.parent; p && p.id !== owner.id; p = p.parent) {
    if (isFunction(p)) return true;
    if (p.type === 'for_statement' && !overArguments(facts, p)) return false;
  }
  return true;
}

/** `for … range ARGS` or `for i := …; i < len(ARGS); i++` (or `i < flag.NArg()`). */
export function overArguments(facts: FileFacts, loop: Node): boolean {
  const head = loop.namedChildren.find((c) => c && c.type !== 'block' && c.type !== 'comment');
  if (head?.type === 'range_clause') {
    const right = head.childForFieldName('right');
    return !!right && isArguments(facts, right, 0);
  }
  const cond = head?.type === 'for_clause' ? head.childForFieldName('condition') : null;
  if (cond?.type !== 'binary_expression' || !['<', '<='].includes(cond.childForFieldName('operator')?.text ?? '')) return false;
  const bound = unparen(cond.childForFieldName('right')!);
  if (bound.type !== 'call_expression') return false;
  const fn = bound.childForFieldName('function');
  const args = bound.childForFieldName('arguments')?.namedChildren.filter((a) => a?.type !== 'comment') ?? [];
  if (fn?.type === 'identifier' && fn.text === 'len' && facts.resolveName('len', fn) === 'unknown') return args.length === 1 && isArguments(facts, args[0]!, 0);
  return flagCall(facts, bound, 'NArg');
}

/** `os.Args` (or a slice of it), `flag.Args()`, or a local every definition of which is one of them. */
function isArguments(facts: FileFacts, expr: Node, depth: number): boolean {
  let e = unparen(expr);
  if (e.type === 'slice_expression') e = unparen(e.childForFieldName('operand')!);
  if (e.type === 'selector_expression') {
    const q = facts.qualified(e);
    return q?.path === 'os' && q.name === 'Args';
  }
  if (e.type === 'call_expression') return flagCall(facts, e, 'Args');
  return e.type === 'identifier' && depth <= 2 && everyValue(facts, e, (v) => isArguments(facts, v, depth + 1));
}

/** `id` is a local whose every definition gives it one value, and each passes `test`. */
function everyValue(facts: FileFacts, id: Node, test: (value: Node) => boolean): boolean {
  const where = facts.resolveName(id.text, id);
  if (where === 'unknown' || where === 'package') return false;
  const defs = definitionsOf(facts, id);
  return defs.length > 0 && defs.every((d) => !d.multi && !!d.value && test(d.value));
}

/** `flag.NAME()` (pflag's too), or `fs.NAME()` where fs is a local from flag.NewFlagSet. */
function flagCall(facts: FileFacts, call: Node, name: string): boolean {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'selector_expression' || fn.childForFieldName('field')?.text !== name) return false;
  if (call.childForFieldName('arguments')?.namedChildCount) return false;
  const q = facts.qualified(fn);
  if (q) return FLAG_PACKAGES.has(q.path);
  const recv = fn.childForFieldName('operand');
  return (
    recv?.type === 'identifier' &&
    everyValue(facts, recv, (v) => {
      const made = v.type === 'call_expression' ? facts.qualified(v.childForFieldName('function')) : undefined;
      return !!made && FLAG_PACKAGES.has(made.path) && made.name === 'NewFlagSet';
    })
  );
}

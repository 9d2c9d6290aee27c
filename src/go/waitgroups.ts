// sync.WaitGroup values, from syntax: which expressions are WaitGroups (by the type the code
// writes down: a local, parameter or package variable, a struct field of the package), and
// the Add, Done and Wait calls of a file on them, with the function whose flow each belongs to.
//
//	var wg sync.WaitGroup            // a WaitGroup by its declaration
//	for _, j := range jobs {
//		wg.Add(1)                    // add  (flow: f)
//		go func() {
//			defer wg.Done()          // done (flow: the literal, deferred)
//			run(j)
//		}()
//	}
//	wg.Wait()                        // wait (flow: f)
import type { Node } from 'web-tree-sitter';
import { definitions } from './decls.js';
import { type FileFacts, unparen } from './facts.js';
import { flowFunction, mutexRef, type MutexRef } from './locks.js';
import type { PackageView } from './package.js';
import { calledFieldPattern } from './leaks.js';
import { declAt, GO_KEYWORDS } from './toplevel.js';
import { callOfName } from './words.js';

export type WaitGroupVerb = 'Add' | 'Done' | 'Wait';

export interface WaitGroupCall extends MutexRef {
  call: Node;
  verb: WaitGroupVerb;
  operand: Node;
  fn: Node;
  deferred: boolean;
}

/** `sync.WaitGroup` or `*sync.WaitGroup` as the file imports sync; `pointer` tells which. */
export function waitGroupType(facts: FileFacts, t: Node | null | undefined): { pointer: boolean } | undefined {
  let cur = t ?? null;
  let pointer = false;
  while (cur && (cur.type === 'pointer_type' || cur.type === 'parenthesized_type')) {
    if (cur.type === 'pointer_type') pointer = true;
    cur = cur.namedChild(0);
  }
  if (cur?.type !== 'qualified_type' || cur.childForFieldName('name')?.text !== 'WaitGroup') return undefined;
  const pkg = cur.childForFieldName('package')?.text;
  return pkg && facts.imports().byAlias.get(pkg) === 'sync' ? { pointer } : undefined;
}

/** The written WaitGroup type of an expression: a local, parameter or package variable, or a field of a package struct. */
export function isWaitGroup(view: PackageView, facts: FileFacts, expr: Node): boolean {
  const e = unparen(expr);
  if (e.type === 'identifier') {
    const where = facts.resolveName(e.text, e);
    if (typeof where === 'object') {
      return definitions(facts, where, e.text).some((d) => {
        if (waitGroupType(facts, d.type)) return true;
        let v = d.value ? unparen(d.value) : null;
        if (v?.type === 'unary_expression' && v.child(0)?.type === '&') v = v.childForFieldName('operand');
        if (v?.type === 'composite_literal') return !!waitGroupType(facts, v.childForFieldName('type'));
        return v?.type === 'call_expression' && v.childForFieldName('function')?.text === 'new' && !!waitGroupType(facts, v.childForFieldName('arguments')?.namedChild(0));
      });
    }
    const v = view.variable(e.text);
    return !!v && !!waitGroupType(v.facts, v.node.childForFieldName('type'));
  }
  if (e.type === 'selector_expression') {
    const owner = e.childForFieldName('operand');
    const field = e.childForFieldName('field')?.text;
    const type = owner && field && !facts.qualified(e) ? view.typeOf(owner, facts) : undefined;
    const f = type && field ? view.field(type, field) : undefined;
    return !!f && !!waitGroupType(f.decl.facts, f.type);
  }
  return false;
}

// Only where written as a method call (`wg.Add(`): no tree for a word in prose or a method value.
const VERB_CALLS = calledFieldPattern(['Add', 'Done', 'Wait']);

/**
 * Whether the verb called at `at` can be a WaitGroup's, from the text, before its declaration
 * is parsed. On a plain name (`ctx.Done()`, `cmd.Wait()`) only when a definition in its
 * declaration writes the type (isWaitGroup: a local or parameter) or the package has a
 * variable of that name; on a field (`s.wg.Add`) only when a type declaration of the package
 * names both the field and WaitGroup (isWaitGroup asks the struct's field); on a call, an
 * index or a composite literal (`r.Context().Done()`, `wgs[i].Wait()`), never (isWaitGroup
 * takes only names and fields); on anything else (`(wg).Wait`, a comment) it may be.
 */
function mayBeWaitGroup(view: PackageView, facts: FileFacts, at: number): boolean {
  const { text, syntax } = facts;
  let i = at - 1;
  while (i >= 0 && /\s/.test(text[i]!)) i--;
  // A dot in a comment (`// done.` on the line above) tells nothing of the call.
  if (text[i] !== '.' || syntax.inLiteral(i)) return true;
  const dot = i;
  i--;
  while (i >= 0 && /\s/.test(text[i]!)) i--;
  const last = text[i];
  if ((last === ')' || last === ']' || last === '}') && !text.slice(i, dot).includes('\n')) return last === ')' && mayBeParenthesized(text, i);
  const end = i + 1;
  while (i >= 0 && /\w/.test(text[i]!)) i--;
  const name = text.slice(i + 1, end);
  if (!/^[A-Za-z_]\w*$/.test(name)) return true;
  while (i >= 0 && /\s/.test(text[i]!)) i--;
  if (text[i] === '.') return syntax.inLiteral(i) || view.typeMentions('WaitGroup', new Set([name]));
  if (text[i] === '/' || !/[\x00-\x7f]/.test(text[i] ?? ' ')) return true;
  const d = declAt(syntax.outline, at);
  return d < 0 || syntax.hasWord(d, 'WaitGroup') || view.has(`var:${name}`);
}

/**
 * False when the `)` at `close` ends a call, a conversion or a type assertion (`f(x)`,
 * `T(x)`, `g[T](x)`, `x.(T)`), by what stands before its `(`; true for a parenthesized
 * operand (`(*wg)`) and whenever a string, rune or comment in between could hide a parenthesis.
 */
function mayBeParenthesized(text: string, close: number): boolean {
  let depth = 0;
  let i = close;
  for (; i >= 0; i--) {
    const c = text[i];
    if (c === '"' || c === "'" || c === '`' || c === '/') return true;
    if (c === ')') depth++;
    else if (c === '(' && --depth === 0) break;
  }
  if (i < 0) return true;
  i--;
  while (i >= 0 && /\s/.test(text[i]!)) i--;
  const c = text[i] ?? '';
  if (c === '.' || c === ']' || c === ')') return false;
  if (!/\w/.test(c)) return true;
  const end = i + 1;
  while (i >= 0 && /\w/.test(text[i]!)) i--;
  // A keyword before the parenthesis is no function: `go (wg).Wait()` parenthesizes an operand.
  return GO_KEYWORDS.has(text.slice(i + 1, end));
}

/** Every `x.Add(n)`, `x.Done()`, `x.Wait()` of a file on a value the code declares as a WaitGroup, memoized. */
export function waitGroupCalls(view: PackageView, facts: FileFacts): WaitGroupCall[] {
  let list = memo.get(facts);
  if (list) return list;
  list = [];
  const known = new Map<string, boolean>();
  const { text, syntax } = facts;
  VERB_CALLS.lastIndex = 0;
  for (let m = VERB_CALLS.exec(text); m; m = VERB_CALLS.exec(text)) {
    if (syntax.inLiteral(m.index) || !mayBeWaitGroup(view, facts, m.index)) continue;
    const w = facts.nodeAt(m.index, m.index + m[0].length, true);
    if (w?.type !== 'field_identifier' || w.startIndex !== m.index || w.text !== m[0]) continue;
    const call = callOfName(w);
    const f = call?.childForFieldName('function');
    const operand = f?.childForFieldName('operand');
    if (!call || !operand || facts.qualified(f ?? null)) continue;
    const argc = call.childForFieldName('arguments')?.namedChildren.filter((a) => a !== null && a.type !== 'comment').length ?? 0;
    const verb = w.text as WaitGroupVerb;
    if ((verb === 'Add') !== (argc === 1) || argc > 1) continue;
    const ref = mutexRef(facts, operand);
    const where = ref && flowFunction(call);
    if (!ref || !where) continue;
    let ok = known.get(ref.key);
    if (ok === undefined) known.set(ref.key, (ok = isWaitGroup(view, facts, operand)));
    if (ok) list.push({ ...ref, call, verb, operand, fn: where.fn, deferred: where.deferred });
  }
  memo.set(facts, list);
  return list;
}

const memo = new WeakMap<FileFacts, WaitGroupCall[]>();

// Values a function keeps open on purpose: what it does with them needs the descriptor to
// stay open after it returns, and a Close would undo it.
//
//	f, err := os.Open(dir)
//	unix.Flock(int(f.Fd()), unix.LOCK_SH)   the open descriptor is the lock: closing it drops the lock
//
//	l, err := net.ListenUnix("unix", addr)
//	return l.File()                         a duplicate descriptor handed to the caller, who serves on it
import type { Node } from 'web-tree-sitter';
import { unparenUp, type FileFacts } from './facts.js';
import { settlements } from './obligations.js';

const LOCK_PACKAGES = new Set(['golang.org/x/sys/unix', 'syscall']);
const LOCKS = ['Flock', 'FcntlFlock'];
/** The words that undo such a lock: a function that unlocks leaves its descriptor no job. */
const UNLOCKS = /\b(?:LOCK_UN|F_UNLCK)\b/;
const NONE: ReadonlySet<string> = new Set();

/** The value held by local `name` of `owner` is kept open for a lock or handed on as a duplicate descriptor. */
export function keptOpen(facts: FileFacts, owner: Node, name: string): boolean {
  return heldAsLock(facts, owner, name) || duplicateHandedOn(facts, owner, name);
}

/** `name.M()` calls in `owner`, M one of `methods`, taking no arguments. */
function methodCalls(facts: FileFacts, owner: Node, name: string, method: string): Node[] {
  const out: Node[] = [];
  for (const use of facts.uses(owner, name)) {
    const sel = use.parent;
    if (sel?.type !== 'selector_expression' || sel.childForFieldName('operand')?.id !== use.id || sel.childForFieldName('field')?.text !== method) continue;
    const call = sel.parent;
    if (call?.type === 'call_expression' && call.childForFieldName('function')?.id === sel.id && !call.childForFieldName('arguments')?.namedChildCount) out.push(call);
  }
  return out;
}

/**
 * `unix.Flock(int(f.Fd()), …)`, `syscall.Flock`, `unix.FcntlFlock(f.Fd(), …)`, directly or
 * through a local (`fd := int(f.Fd())`), in a function that never unlocks.
 */
function heldAsLock(facts: FileFacts, owner: Node, name: string): boolean {
  if (UNLOCKS.test(owner.text)) return false;
  const locks = (expr: Node, depth: number): boolean => {
    // Up through conversions (`int(f.Fd())`, `uintptr(fd)`) to the argument a call gets.
    let e = unparenUp(expr);
    for (let p = e.parent; p?.type === 'argument_list' && p.namedChildCount === 1 && isConversion(p.parent!); p = e.parent) e = unparenUp(p.parent!);
    const list = e.parent;
    if (list?.type === 'argument_list' && list.namedChildren[0]?.id === e.id) {
      const q = facts.qualified(list.parent!.childForFieldName('function'));
      return !!q && LOCK_PACKAGES.has(q.path) && LOCKS.includes(q.name);
    }
    // `fd := int(f.Fd())`, then the lock call on fd.
    const decl = list?.type === 'expression_list' ? list.parent : null;
    const left = decl?.type === 'short_var_declaration' && list!.namedChildCount === 1 ? decl.childForFieldName('left') : null;
    const fd = left?.namedChildCount === 1 ? left.namedChild(0) : null;
    return depth === 0 && fd?.type === 'identifier' && facts.uses(owner, fd.text).some((u) => u.id !== fd.id && locks(u, 1));
  };
  return methodCalls(facts, owner, name, 'Fd').some((c) => locks(c, 0));
}

/** `int(x)`, `uintptr(x)`: a call of a predeclared integer type. */
function isConversion(call: Node): boolean {
  const fn = call.childForFieldName('function');
  return fn?.type === 'identifier' && /^u?int(?:8|16|32|64|ptr)?$/.test(fn.text);
}

/**
 * `return l.File()`, or `fl, err := l.File()` with fl returned, stored or handed to a call:
 * the listener's or connection's descriptor, duplicated, goes to someone who uses it (a
 * daemon hands it to its server loop or to a child process) while the original lives on.
 */
function duplicateHandedOn(facts: FileFacts, owner: Node, name: string): boolean {
  return methodCalls(facts, owner, name, 'File').some((call) => {
    const up = unparenUp(call);
    const list = up.parent;
    if (list?.type === 'expression_list' && list.parent?.type === 'return_statement') return true;
    const decl = list?.parent;
    if (list?.type !== 'expression_list' || (decl?.type !== 'short_var_declaration' && decl?.type !== 'assignment_statement') || decl.childForFieldName('right')?.id !== list.id) return false;
    const fl = decl.childForFieldName('left')?.namedChild(0);
    if (fl?.type !== 'identifier' || fl.text === '_') return false;
    for (const s of settlements(facts, owner, fl.text, { methods: NONE, closuresAnywhere: true })) if (s.kind === 'escaped') return true;
    return false;
  });
}

// Paths that end: the statements after which control never reaches the next statement.
// Go's terminating statements (return, goto, panic, an if/else, switch or select whose
// every branch ends, a for with no condition and no break), plus the calls that end a
// goroutine or the process:
//
//	t.Fatalf("…")          // t *testing.T: runtime.Goexit, the test goroutine stops
//	t.Skip("flaky")        // also FailNow, SkipNow, Skipf (on *testing.T/B/F, testing.TB)
//	log.Fatal(err)         // any X.Fatal/Fatalf/Fatalln: os.Exit(1) (log, logrus, zap, klog…)
//	log.Panicf("…")        // any X.Panic/Panicf/Panicln: panics
//	os.Exit(2)             // also syscall.Exit, unix.Exit
//	runtime.Goexit()
//
// and the code that only runs on a panic:
//
//	defer func() {
//		if r := recover(); r != nil {
//			close(ch)      // onlyOnPanic
//		}
//	}()
//
// Rules ask whether a second close can follow a first one (not after t.Fatal), whether
// code runs at all (not after an unconditional t.Skip), and whether a path that skips a
// release ends the goroutine or the process anyway.
import type { Node } from 'web-tree-sitter';
import { blockStatements, enclosingFunction, type FileFacts, isFunction, unparen, unparenUp } from './facts.js';
import { baseType, writtenType } from './types.js';

/** How a call ends the path it is on. */
export type Ending = 'panic' | 'exit' | 'goexit' | 'fatal' | 'test-stop';

/** Methods that end the process (Fatal: os.Exit after logging) or panic, on any logger. */
const FATAL = new Set(['Fatal', 'Fatalf', 'Fatalln']);
const PANIC = new Set(['Panic', 'Panicf', 'Panicln']);
/** testing.TB methods that stop the test's goroutine with runtime.Goexit. */
const TEST_STOP = new Set(['FailNow', 'SkipNow', 'Skip', 'Skipf']);
const TESTING_TYPES = new Set(['T', 'B', 'F', 'TB']);
/** Package functions that end the process or the goroutine: import path → names. */
const PACKAGE_ENDS: [string, string, Ending][] = [
  ['os', 'Exit', 'exit'],
  ['syscall', 'Exit', 'exit'],
  ['golang.org/x/sys/unix', 'Exit', 'exit'],
  ['runtime', 'Goexit', 'goexit'],
];

/**
 * True when `recv` (the operand of `recv.Skip()`) is a *testing.T, *testing.B, *testing.F
 * or testing.TB by its written type, or a testify suite's `s.T()`.
 */
function isTestingValue(facts: FileFacts, recv: Node): boolean {
  const r = unparen(recv);
  if (r.type === 'call_expression') {
    const f = r.childForFieldName('function');
    return f?.type === 'selector_expression' && f.childForFieldName('field')?.text === 'T' && (r.childForFieldName('arguments')?.namedChildCount ?? 0) === 0;
  }
  if (r.type !== 'identifier') return false;
  const t = baseType(writtenType(facts, r));
  if (t?.type !== 'qualified_type') return false;
  const pkg = t.childForFieldName('package')?.text;
  const name = t.childForFieldName('name')?.text ?? '';
  return pkg !== undefined && TESTING_TYPES.has(name) && facts.importPath(pkg, recv) === 'testing';
}

/** Parameter types that make a function test code: import path → type names. */
const TEST_PARAMS = new Map<string, ReadonlySet<string>>([
  ['testing', TESTING_TYPES],
  ['gopkg.in/check.v1', new Set(['C'])],
  ['github.com/go-check/check', new Set(['C'])],
]);

/**
 * `n` is in test code outside a `_test.go` file: a function that takes a *testing.T, B or F
 * (or a testing.TB, or gocheck's *check.C, also as `*C` where the file imports check with a
 * dot, as gocheck suites do) as a parameter, or a func literal inside one (a fuzz-corpus
 * loader in an internal package, a shared test helper). Rules that leave `_test.go` files out
 * by default leave these out too.
 */
export function inTestHelper(facts: FileFacts, n: Node): boolean {
  const dot = facts.imports().dot;
  for (let fn = enclosingFunction(n); fn; fn = enclosingFunction(fn)) {
    for (const p of fn.childForFieldName('parameters')?.namedChildren ?? []) {
      const t = p?.type === 'parameter_declaration' ? baseType(p.childForFieldName('type')) : null;
      if (t?.type === 'type_identifier') {
        // `c *C` with `. "gopkg.in/check.v1"`: the file cannot declare a C of its own.
        if (dot.some((path) => TEST_PARAMS.get(path)?.has(t.text))) return true;
        continue;
      }
      const pkg = t?.type === 'qualified_type' ? t.childForFieldName('package')?.text : undefined;
      const types = pkg ? TEST_PARAMS.get(facts.importPath(pkg, n) ?? '') : undefined;
      if (types?.has(t!.childForFieldName('name')?.text ?? '')) return true;
    }
  }
  return false;
}

/** A RegExp for any of `words` as a whole word (they are plain identifiers and keywords). */
const anyWord = (words: Iterable<string>) => new RegExp(`\\b(?:${[...new Set(words)].join('|')})\\b`);
/** Words of the calls that end the process. */
const ENDS_PROCESS = anyWord([...PACKAGE_ENDS.filter(([, , e]) => e === 'exit').map(([, n]) => n), ...FATAL]);
/** Words of the statements terminates() can accept (a loop or select that never ends among them). */
const PATH_ENDS = anyWord(['return', 'goto', 'panic', ...PACKAGE_ENDS.map(([, n]) => n), ...PANIC, ...FATAL, ...TEST_STOP, 'for', 'select', 'switch']);

/** How `call` ends its path (a goroutine or the process), or null when it returns normally. */
export function endingCall(facts: FileFacts, call: Node): Ending | null {
  if (call.type !== 'call_expression') return null;
  const f = call.childForFieldName('function');
  if (!f) return null;
  if (f.type === 'identifier') {
    // the builtin, unless the file declares its own panic
    return f.text === 'panic' && facts.resolveName('panic', call) === 'unknown' ? 'panic' : null;
  }
  if (f.type !== 'selector_expression') return null;
  const name = f.childForFieldName('field')?.text ?? '';
  const q = facts.qualified(f);
  if (q) {
    for (const [path, fn, ending] of PACKAGE_ENDS) if (q.path === path && q.name === fn) return ending;
  }
  if (PANIC.has(name)) return 'panic';
  if (!FATAL.has(name) && !TEST_STOP.has(name)) return null;
  const operand = f.childForFieldName('operand');
  if (operand && isTestingValue(facts, operand)) return 'test-stop';
  return FATAL.has(name) ? 'fatal' : null;
}

/** The statement a labeled statement labels, or `s`. */
function unlabel(s: Node): Node {
  return s.type === 'labeled_statement' ? (s.namedChildren.find((c) => c?.type !== 'label_name') ?? s) : s;
}

/** The last statement of a statement list or block, comments left out. */
function lastStatement(list: Node | null): Node | null {
  const stmts = blockStatements(list).filter((s) => s.type !== 'comment' && s.type !== 'empty_statement');
  return stmts[stmts.length - 1] ?? null;
}

const BREAKABLE = new Set(['for_statement', 'expression_switch_statement', 'type_switch_statement', 'select_statement']);

/** A break inside `stmt` (not in a nested function) that leaves `stmt`. */
function breaksOut(stmt: Node): boolean {
  const label = stmt.parent?.type === 'labeled_statement' ? stmt.parent.namedChildren.find((c) => c?.type === 'label_name')?.text : undefined;
  const fn = enclosingFunction(stmt);
  for (const b of stmt.descendantsOfType('break_statement')) {
    if (!b || enclosingFunction(b)?.id !== fn?.id) continue;
    const target = b.namedChildren.find((c) => c?.type === 'label_name')?.text;
    if (target !== undefined) {
      if (target === label) return true;
      continue;
    }
    let p = b.parent;
    while (p && !BREAKABLE.has(p.type)) p = p.parent;
    if (p?.id === stmt.id) return true;
  }
  return false;
}

/** Every case of a switch or select ends (or falls through); a switch also needs a default. */
function casesEnd(facts: FileFacts, stmt: Node): boolean {
  const cases = stmt.namedChildren.filter((c): c is Node => !!c && /_case$/.test(c.type));
  if (stmt.type !== 'select_statement' && !cases.some((c) => c.type === 'default_case')) return false;
  return cases.every((c) => {
    const last = lastStatement(c);
    return last !== null && (last.type === 'fallthrough_statement' || terminates(facts, last));
  });
}

/**
 * True when `stmt` is a terminating statement (the Go spec's, with the ending calls
 * above): control never flows from it to the next statement.
 */
export function terminates(facts: FileFacts, stmt: Node): boolean {
  const s = unlabel(stmt);
  switch (s.type) {
    case 'return_statement':
    case 'goto_statement':
      return true;
    case 'expression_statement': {
      const e = s.namedChild(0);
      return !!e && unparen(e).type === 'call_expression' && endingCall(facts, unparen(e)) !== null;
    }
    case 'block': {
      const last = lastStatement(s);
      return last !== null && terminates(facts, last);
    }
    case 'if_statement': {
      const alt = s.childForFieldName('alternative');
      const cons = s.childForFieldName('consequence');
      return !!alt && !!cons && terminates(facts, cons) && terminates(facts, alt);
    }
    case 'for_statement': {
      for (const c of s.namedChildren) {
        if (!c || c.type === 'block' || c.type === 'comment') continue;
        if (c.type === 'for_clause' && !c.childForFieldName('condition')) continue;
        return false; // a condition or a range: the loop can end
      }
      return !breaksOut(s);
    }
    case 'expression_switch_statement':
    case 'type_switch_statement':
    case 'select_statement':
      return casesEnd(facts, s) && !breaksOut(s);
    default:
      return false;
  }
}

/**
 * How far up the walks go: each step up costs a descent from the root in tree-sitter, so
 * an unbounded walk is quadratic in the nesting depth. Real code nests a few dozen deep.
 */
const MAX_UP = 96;

/**
 * The statement that holds `n` directly in a statement list, and that list, walking up
 * from n (at most MAX_UP levels: deeper than that, callers get no answer and assume the
 * path goes on).
 */
function* statementsAround(n: Node, stop: Node | null): Generator<{ stmt: Node; list: Node }> {
  let cur: Node = n;
  // stop null: up to the function declaration, through function literals
  const inside = (p: Node) => (stop === null ? p.type === 'func_literal' || !isFunction(p) : p.id !== stop.id && !isFunction(p));
  let steps = 0;
  for (let p = n.parent; p && inside(p) && steps++ < MAX_UP; cur = p, p = p.parent) {
    if (p.type === 'statement_list' || p.type === 'block') yield { stmt: cur, list: p };
  }
}

/** The statements of `list` before `stmt`, comments left out. */
function before(list: Node, stmt: Node): Node[] {
  const out: Node[] = [];
  for (const s of list.namedChildren) {
    if (!s || s.id === stmt.id) break;
    if (s.type !== 'comment') out.push(s);
  }
  return out;
}

/**
 * True when `n` never runs: a statement before it, in its block or a block around it up to
 * the function declaration (through the function literals on the way: a literal made in
 * code that never runs never runs either), ends the path (`t.Skip("…")` at the top of a
 * test, code after `return`). A label in between may be a goto's target: then it may run.
 */
export function unreachable(facts: FileFacts, n: Node): boolean {
  // Every statement before n in the blocks around it lies between its top-level declaration's
  // start and n, and one that ends the path has one of these words: without them, no walk.
  const top = facts.topLevelDeclaration(n);
  if (top && top.startIndex <= n.startIndex && !PATH_ENDS.test(facts.text.slice(top.startIndex, n.startIndex))) return false;
  for (const { stmt, list } of statementsAround(n, null)) {
    if (stmt.type === 'labeled_statement') return false;
    if (before(list, stmt).some((s) => terminates(facts, s))) return true;
  }
  return false;
}

/**
 * True when no path leads from `from` to `to` (a later position in the same function)
 * because the path ends first: a statement after `from`, in a block around `from` that
 * does not hold `to`, terminates.
 *
 *	if err != nil {
 *		close(ch)          // from
 *		t.Fatalf("…")      // ends the path
 *	}
 *	close(ch)              // to: not a second close
 */
export function endsBetween(facts: FileFacts, from: Node, to: Node): boolean {
  const fn = enclosingFunction(from);
  if (!fn || enclosingFunction(to)?.id !== fn.id || to.startIndex < from.endIndex) return false;
  for (const { stmt, list } of statementsAround(from, fn)) {
    const holdsTo = list.startIndex <= to.startIndex && to.endIndex <= list.endIndex;
    for (let s = stmt.nextNamedSibling; s; s = s.nextNamedSibling) {
      if (s.startIndex >= to.startIndex) break;
      if (s.type !== 'comment' && terminates(facts, s)) return true;
    }
    if (holdsTo) return false;
  }
  return false;
}

/**
 * True when no path from `n` gets back to its function's caller: a statement after `n`, in
 * its block or a block around it, ends the path (`close(ch); t.Fatal(err)` in a test's
 * `fail` helper: a call of the helper never returns). Not past a loop, which may go round
 * to `n` again first.
 */
export function endsAfter(facts: FileFacts, n: Node): boolean {
  const fn = enclosingFunction(n);
  if (!fn) return false;
  for (const { stmt, list } of statementsAround(n, fn)) {
    for (let s = stmt.nextNamedSibling; s; s = s.nextNamedSibling) if (s.type !== 'comment' && terminates(facts, s)) return true;
    if (list.parent?.type === 'for_statement') return false;
  }
  return false;
}

/** `recover()`, the builtin. */
function isRecover(facts: FileFacts, e: Node | null): boolean {
  const c = e && unparen(e);
  const f = c?.type === 'call_expression' ? c.childForFieldName('function') : null;
  return f?.type === 'identifier' && f.text === 'recover' && facts.resolveName('recover', f) === 'unknown';
}

/** The condition tests that a panic was recovered: `recover() != nil`, or `r != nil` with `r := recover()`. */
function recoveredTest(facts: FileFacts, ifStmt: Node): boolean {
  const cond = ifStmt.childForFieldName('condition');
  if (cond?.type !== 'binary_expression' || cond.childForFieldName('operator')?.text !== '!=') return false;
  const [l, r] = [cond.childForFieldName('left'), cond.childForFieldName('right')];
  const value = r?.type === 'nil' ? l : l?.type === 'nil' ? r : null;
  if (!value) return false;
  if (isRecover(facts, value)) return true;
  const v = unparen(value);
  if (v.type !== 'identifier') return false;
  // r := recover() in the if's initializer, or the statement just before the if
  const init = ifStmt.childForFieldName('initializer');
  const prev = ifStmt.previousNamedSibling;
  for (const d of [init, prev]) {
    if (d?.type !== 'short_var_declaration' && d?.type !== 'assignment_statement') continue;
    const names = d.childForFieldName('left')?.namedChildren ?? [];
    const values = d.childForFieldName('right')?.namedChildren ?? [];
    const i = names.findIndex((x) => x?.text === v.text);
    if (i >= 0 && isRecover(facts, values[i] ?? null)) return true;
  }
  return false;
}

/** The function literal is run by `defer func() { … }()`. */
function deferredLiteral(lit: Node): boolean {
  const call = unparenUp(lit).parent;
  return call?.type === 'call_expression' && unparenUp(call).parent?.type === 'defer_statement';
}

/**
 * True when `n` only runs while a panic unwinds: inside the consequence of
 * `if r := recover(); r != nil { … }` in a deferred function literal.
 */
export function onlyOnPanic(facts: FileFacts, n: Node): boolean {
  const fn = enclosingFunction(n);
  if (fn?.type !== 'func_literal' || !deferredLiteral(fn)) return false;
  let cur: Node = n;
  let steps = 0;
  for (let p = n.parent; p && p.id !== fn.id && steps++ < MAX_UP; cur = p, p = p.parent) {
    if (p.type === 'if_statement' && p.childForFieldName('consequence')?.id === cur.id && recoveredTest(facts, p)) return true;
  }
  return false;
}

/**
 * The statements around `n` (a select case, or a return and its block) end the process:
 * `os.Exit`, `log.Fatal` and other loggers' Fatal, `panic`. A goroutine left blocked
 * there dies with the process. A failing test (`t.Fatal`) does not end the test binary:
 * goroutines it leaves blocked stay, and goroutine-leak checkers report them.
 */
export function processEnds(facts: FileFacts, n: Node): boolean {
  const scope = n.type === 'return_statement' ? (n.parent ?? n) : n;
  for (const c of scope.descendantsOfType('call_expression')) {
    const kind = c && endingCall(facts, c);
    if (kind === 'exit' || kind === 'fatal' || kind === 'panic') return true;
  }
  return false;
}

/** The function ends the process after `pos` (`os.Exit`, `log.Fatal`): leftover goroutines die with it. */
export function endsProcessAfter(facts: FileFacts, fn: Node, pos: number): boolean {
  // Only X.Exit and X.Fatal… calls end the process: without those words after pos, no walk.
  if (!ENDS_PROCESS.test(facts.text.slice(Math.max(pos, fn.startIndex), fn.endIndex))) return false;
  for (const c of fn.descendantsOfType('call_expression')) {
    if (!c || c.startIndex < pos || enclosingFunction(c)?.id !== fn.id) continue;
    const kind = endingCall(facts, c);
    if (kind === 'exit' || kind === 'fatal') return true;
  }
  return false;
}

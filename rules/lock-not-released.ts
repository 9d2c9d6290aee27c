// lock-not-released: a mutex locked and then left locked on some path out of the function,
// `defer mu.Lock()` where Unlock was meant, and a lock released by the other kind of unlock.
//
//	mu.Lock()                      ← reported: not released on the path below
//	if err != nil {
//		return err                 ← related: reached with mu still locked
//	}
//	mu.Unlock()
//
// A function that never releases the mutex itself is taking it for its caller (a `lock()`
// helper, a Lock wrapper), and one whose first operation on it is a release runs with it
// held (`…Locked` helpers that unlock around slow work and lock again): both stay silent,
// as do paths that hand the lock on (a deferred or later release, a same-package callee
// that releases it, a goroutine or closure that does, `return mu.Unlock`, the mutex passed
// to other code, the locked value handed to a variable the function unlocks: `found = it;
// break` in a search loop, followed on under found's name) and paths that end in panic, os.Exit, t.Fatal or a call of a function of the
// package that never returns. In `_test.go` files, a test or suite helper that leaves its
// suite's own fixture locked (the receiver's mutex, or a local taken from it) is left alone:
// the next test gets a new fixture. Locks that reach the same exit again are one finding.
import type { Node } from 'web-tree-sitter';
import { defineRule } from '../src/engine/types.js';
import { definitions } from '../src/go/decls.js';
import { enclosingFunction, type FileFacts } from '../src/go/facts.js';
import { acquiresByName, calleeReleases, guardedPair, handedOff, isAcquire, lockFacts, type LockOp, mutexRef, mutexType, releasedElsewhere, releasedInList, releaseOf, walkHeld } from '../src/go/locks.js';
import { inTestHelper } from '../src/go/terminators.js';

type MessageIds = 'notReleased' | 'deferLock' | 'mismatch';

/** A return that hands the caller something besides nil, zero values and errors. */
function returnsValue(exit: Node): boolean {
  if (exit.type !== 'return_statement') return false;
  const list = exit.namedChildren.find((c) => c?.type === 'expression_list');
  return (list?.namedChildren ?? []).some((e) => {
    if (!e || e.type === 'comment' || ['nil', 'true', 'false', 'int_literal', 'interpreted_string_literal', 'raw_string_literal'].includes(e.type)) return false;
    if (e.type === 'identifier' && /^(err|e|ok|nil)$|^err[A-Z_]|^Err|Err$|Error$/.test(e.text)) return false;
    // `fmt.Errorf(…)`, `errors.New(…)`, `newError(…)`.
    if (e.type === 'call_expression' && /err/i.test(e.childForFieldName('function')?.text ?? '')) return false;
    return true;
  });
}

/**
 * In a `_test.go` file, a test or a helper of a test suite locks a mutex of the fixture its
 * suite builds for each test: one reached through the method's receiver, or a local taken from
 * it. SetUpTest makes a new fixture for the next test and nothing locks this one again, so
 * leaving it locked deadlocks nobody. A package-level mutex outlives the test: not this.
 *
 *	func (s *mgrsSuite) TestX(c *C) {     a test method (its name, or a *testing.T, *check.C…)
 *		st := s.o.State()                  a local taken from the receiver
 *		st.Unlock(); settle(); st.Lock()   left locked when the test ends
 *	}
 */
function suiteFixture(facts: FileFacts, filePath: string, a: LockOp): boolean {
  if (!filePath.endsWith('_test.go') || a.key.startsWith('pkg:') || a.key.startsWith('imp:')) return false;
  let method: Node | null = a.fn;
  while (method && method.type === 'func_literal') method = enclosingFunction(method);
  if (method?.type !== 'method_declaration') return false;
  const recv = method.childForFieldName('receiver')?.namedChildren.find((p) => p?.type === 'parameter_declaration')?.childForFieldName('name')?.text;
  if (!recv || (!/^Test/.test(method.childForFieldName('name')?.text ?? '') && !inTestHelper(facts, a.call))) return false;
  // The root is the receiver, or a local whose every value is reached from it (a few steps).
  const fromReceiver = (root: Node, depth: number): boolean => {
    const where = facts.resolveName(root.text, root);
    if (typeof where !== 'object') return false;
    if (where.id === method!.id && root.text === recv) return true;
    if (depth === 0) return false;
    const defs = definitions(facts, where, root.text);
    return (
      defs.length > 0 &&
      defs.every((d) => {
        const ref = d.value ? mutexRef(facts, d.value) : undefined;
        return !!ref && ref.root.id !== root.id && fromReceiver(ref.root, depth - 1);
      })
    );
  };
  return fromReceiver(a.root, 3);
}

/** `a` is nearer before `exit` than `b` in the text (a lock after the exit comes round a loop to it: the farthest). */
function lastBefore(a: LockOp, b: LockOp, exit: Node): boolean {
  const before = (o: LockOp) => o.call.startIndex < exit.startIndex;
  if (before(a) !== before(b)) return before(a);
  return a.call.startIndex > b.call.startIndex;
}

export default defineRule<MessageIds>({
  meta: {
    id: 'lock-not-released',
    title: 'Mutex left locked on a path out of the function',
    severity: 'warning',
    precision: 'high',
    tags: ['goroutine', 'deadlock', 'mutex'],
    docs: {
      whatItDoes:
        'Finds `mu.Lock()` or `mu.RLock()` followed by a path to a return (often an error path) that neither unlocks `mu` nor has a deferred unlock, in a function that releases `mu` on its other paths; `defer mu.Lock()` written where `defer mu.Unlock()` was meant; and a `Lock` released with `RUnlock`, or an `RLock` with `Unlock`, on a `sync.RWMutex` (the `Unlock` of a lock file may release either kind). Functions that take a lock for their caller (they never release it, or their name says so, closures included: `lock`, `acquire`, `…Locked`), paths that hand the lock on (to a callee, a goroutine, a returned closure, a returned value whose release is in a function of the package entered with the lock held, or another variable the function unlocks itself: `found = it`, `found = it.(*T)` or `if found, ok = it.(*T); ok { break }` in a search loop, followed from there under that name up to its unlock, where a branch under `if found == nil` is not taken since found holds the locked value), and paths that end the process or the goroutine (panic, os.Exit, log.Fatal, t.Fatal, or a call of a function of the package, or a package variable holding a func literal, that never returns) are left alone. In `_test.go` files, a test (a method named `Test…`, or one that takes a `*testing.T` or gocheck\'s `*check.C`) that ends with its suite\'s own fixture locked, a mutex reached through the receiver or a local taken from it, is left alone too: the suite builds a new fixture for each test and nothing locks the old one again; a package-level mutex left locked by a test is reported, since the next test deadlocks on it. Several locks of one mutex that reach the same return still held are one finding, at the last lock before it.',
      whyIsThisBad:
        'A mutex left locked blocks every goroutine that locks it next, forever: request handlers pile up behind it, each holding its stack and everything it references, until the process is restarted. The early return that skips the unlock is usually an error path that tests rarely take, so the deadlock shows up in production.',
      example: `package cache

import "sync"

type Cache struct {
	mu    sync.Mutex
	items map[string]string
}

func (c *Cache) Put(k, v string) bool {
	c.mu.Lock()
	if k == "" {
		return false
	}
	c.items[k] = v
	c.mu.Unlock()
	return true
}
`,
      useInstead: `package cache

import "sync"

type Cache struct {
	mu    sync.Mutex
	items map[string]string
}

func (c *Cache) Put(k, v string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if k == "" {
		return false
	}
	c.items[k] = v
	return true
}
`,
    },
    messages: {
      notReleased:
        '{{name}}.{{verb}}() is still held when the function returns on line {{line}}, so every later {{name}}.Lock() blocks forever; call {{name}}.{{release}}() before that return, or defer {{name}}.{{release}}() right after locking',
      deferLock: 'defer {{name}}.{{verb}}() locks {{name}} again when the function returns instead of unlocking it (the next Lock blocks forever); write defer {{name}}.{{release}}()',
      mismatch: '{{name}}.{{verb}}() releases the lock taken by {{name}}.{{acquire}}() on line {{line}} with the wrong kind of unlock (a fatal error at run time); use {{name}}.{{release}}()',
    },
    triggers: ['.Lock()', '.RLock()'],
    defaultOptions: {},
  },
  create(ctx) {
    const { facts } = ctx;
    const check = (fn: Node, ops: LockOp[]) => {
      if (acquiresByName(fn)) return;
      const keys = new Set(ops.map((o) => o.key));
      for (const key of keys) {
        const mine = ops.filter((o) => o.key === key);
        const direct = mine.filter((o) => !o.deferred);
        if (handedOff(ctx.pkg, facts, fn, mine[0]!)) continue;
        // Entered with the lock held (`…Locked`): it releases before it takes.
        if (direct.length && !isAcquire(direct[0]!.verb)) continue;
        for (const d of mine.filter((o) => o.deferred && isAcquire(o.verb) && o.call.parent?.type === 'defer_statement')) {
          const before = direct.filter((o) => o.call.startIndex < d.call.startIndex);
          const last = before[before.length - 1];
          if (last && isAcquire(last.verb)) {
            ctx.report({
              node: d.call,
              messageId: 'deferLock',
              data: { name: d.text, verb: d.verb, release: releaseOf(d.verb) },
              related: [{ node: last.call, message: `${d.text} is locked here` }],
            });
          }
        }
        // A function that never releases the mutex is taking it for its caller.
        const releases = mine.some((o) => !isAcquire(o.verb)) || calleeReleases(ctx.pkg, facts, fn, mine[0]!);
        if (!releases) continue;
        const held = new Map<string, { a: LockOp; exit: Node }>();
        for (const a of direct.filter((o) => isAcquire(o.verb))) {
          // A deferred release registered before it covers every later exit.
          if (mine.some((o) => o.deferred && !isAcquire(o.verb) && o.call.startIndex < a.call.startIndex)) continue;
          if (guardedPair(a, mine)) continue;
          // `mu.Lock()` … `mu.Unlock()` in one statement list with no way out between: no walk.
          if (releasedInList(facts, a)) continue;
          const wrong: LockOp[] = [];
          const seen = new Set<number>();
          const walk = (local: boolean) =>
            walkHeld(ctx.pkg, facts, a, { deferredReleases: true, anyCalleeRelease: true, local, released: (o) => o.verb !== releaseOf(a.verb) && wrong.push(o) }, () => undefined) ?? [];
          // What the file shows first: the package is opened only for a path that would be reported.
          let exits = walk(true);
          if (exits.length) {
            wrong.length = 0;
            exits = walk(false);
          }
          for (const w of wrong) {
            // Only a sync.RWMutex is known to fault on the other kind of unlock: other lock types
            // (a lock file's RLock/Unlock, an interface) may release either kind with Unlock.
            if (seen.has(w.call.id) || mutexType(ctx.pkg, facts, a.operand) !== 'RWMutex') continue;
            seen.add(w.call.id);
            ctx.report({
              node: w.call,
              messageId: 'mismatch',
              data: { name: w.text, verb: w.verb, acquire: a.verb, release: releaseOf(a.verb), line: a.call.startPosition.row + 1 },
              related: [{ node: a.call, message: `${a.text}.${a.verb}() is taken here` }],
            });
          }
          const exit = exits[0];
          // The path returns a value made under the lock (`return t, nil` of a transaction), and
          // another function of the package is entered with the lock held and releases it: the
          // lock goes with the value (asked last: it reads the package).
          if (!exit || (returnsValue(exit) && releasedElsewhere(ctx.pkg, facts, a))) continue;
          if (suiteFixture(facts, ctx.filePath, a)) continue;
          // Locks of the mutex again (`mu.Unlock(); wait(); mu.Lock()` in a branch or a loop)
          // that reach the same exit are one finding, at the last lock before the exit.
          const id = `${a.verb}:${exit.id}`;
          const known = held.get(id);
          if (!known || lastBefore(a, known.a, exit)) held.set(id, { a, exit });
        }
        for (const { a, exit } of held.values()) {
          ctx.report({
            node: a.call,
            messageId: 'notReleased',
            data: { name: a.text, verb: a.verb, release: releaseOf(a.verb), line: exit.startPosition.row + 1 },
            related: [{ node: exit, message: exit.type === 'return_statement' ? `this return is reached with ${a.text} locked` : `the function ends here with ${a.text} locked` }],
          });
        }
      }
    };
    return {
      source_file() {
        const locks = lockFacts(facts);
        const fns = new Map<number, { fn: Node; ops: LockOp[] }>();
        for (const o of locks.all()) {
          const e = fns.get(o.fn.id);
          if (e) e.ops.push(o);
          else fns.set(o.fn.id, { fn: o.fn, ops: [o] });
        }
        for (const { fn, ops } of fns.values()) check(fn, ops);
      },
    };
  },
});

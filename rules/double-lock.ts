// double-lock: a mutex locked again on a path where it is already held. sync.Mutex is not
// reentrant: the second Lock waits for the first to be released, by the goroutine that is
// waiting. Directly, around a loop, or through a same-package call:
//
//	func (s *Store) Put(k string, v V) {
//		s.mu.Lock()                        ← related: held from here
//		defer s.mu.Unlock()
//		s.items[k] = v
//		s.flush()                          ← reported: flush locks s.mu itself
//	}
//	func (s *Store) flush() { s.mu.Lock(); defer s.mu.Unlock(); … }
//
// RLock twice on one path (directly or through a callee) is the RWMutex shape: it blocks
// as soon as a writer queues between the two (sync: "recursive read locking is
// prohibited"); behind the option recursiveRead (off: whether a writer can queue there is
// beyond syntax). A callee counts when the first thing it does to the mutex, on every path,
// is to lock it; mutexes named through an index (`locks[i]`) and loop variables bound again
// (`for _, s := range shards`) are different mutexes each time and stay silent.
import type { Node } from 'web-tree-sitter';
import { defineRule } from '../src/engine/types.js';
import { calleeEffects, declaredKind, guardedPair, handedOff, isAcquire, lockFacts, type LockOp, type LockVerb, heldRegion, mayAcquireAgain, mutexType } from '../src/go/locks.js';

type MessageIds = 'twice' | 'loop' | 'callee' | 'upgrade' | 'readTwice';

/** Which message a second acquire after a first one gets. */
function kindOf(first: LockVerb, second: LockVerb): MessageIds {
  if (first === 'RLock' && second === 'RLock') return 'readTwice';
  if (first === 'RLock' && second === 'Lock') return 'upgrade';
  return 'twice';
}

interface Options {
  /**
   * Report RLock taken twice on one path of a sync.RWMutex (directly or through a callee). Off:
   * on the triage corpus 2 of 3 were real; the third's only writer cannot run while readers are.
   */
  recursiveRead: boolean;
}

export default defineRule<MessageIds, Options>({
  meta: {
    id: 'double-lock',
    title: 'Mutex locked again while it is already held',
    severity: 'error',
    precision: 'high',
    tags: ['goroutine', 'deadlock', 'mutex'],
    docs: {
      whatItDoes:
        'Finds a `Lock` or `RLock` on a path where the same mutex is already held by the same goroutine: a second lock with no unlock in between (a deferred unlock only runs at the return), a loop that goes round again without unlocking (a `continue` that skips the unlock, `defer mu.Unlock()` in a loop body), and a call to a function or method of the package whose first step is to lock the same mutex (found through the package view, in any file of the package). With the option `recursiveRead`, an `RLock` taken twice on one path too: it deadlocks as soon as a writer queues between the two; off by default, because on the triage corpus one of three was in code whose only writer cannot run while readers are.',
      whyIsThisBad:
        "Go's mutexes are not reentrant: the second `Lock` waits for the goroutine that holds the lock, which is itself. The goroutine blocks forever, and so does every other goroutine that needs the mutex. With `RWMutex`, a pending `Lock` blocks new readers, so a second `RLock` on the same path deadlocks under write load: rarely in tests, reliably in production.",
      example: `package store

import "sync"

type Store struct {
	mu    sync.Mutex
	items map[string]string
}

func (s *Store) Put(k, v string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.items[k] = v
	s.flush()
}

func (s *Store) flush() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.items = map[string]string{}
}
`,
      useInstead: `package store

import "sync"

type Store struct {
	mu    sync.Mutex
	items map[string]string
}

func (s *Store) Put(k, v string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.items[k] = v
	s.flushLocked()
}

// flushLocked runs with s.mu held.
func (s *Store) flushLocked() {
	s.items = map[string]string{}
}
`,
    },
    messages: {
      twice: '{{name}}.{{verb}}() while {{name}} is already locked on line {{line}} (sync mutexes are not reentrant): the goroutine blocks forever; unlock first, or do not lock again',
      loop: '{{name}}.{{verb}}() runs again on the next iteration while {{name}} is still locked (a path through the loop does not unlock it): the goroutine blocks forever; unlock on every path through the loop body',
      callee:
        '{{callee}} locks {{name}} while the caller already holds it (locked on line {{line}}): sync mutexes are not reentrant, so the goroutine blocks forever; call a variant that expects the lock held, or unlock first',
      upgrade: '{{name}}.Lock() while this goroutine holds {{name}}.RLock() (line {{line}}): Lock waits for every reader, including this one, so it blocks forever; RUnlock first',
      readTwice:
        '{{name}}.RLock() {{how}} while this goroutine already holds a read lock on {{name}} (line {{line}}): a writer waiting between the two blocks the second RLock, and the writer waits for the first: a deadlock under write load; take the read lock once',
    },
    triggers: ['.Lock()', '.RLock()'],
    defaultOptions: { recursiveRead: false },
  },
  create(ctx) {
    const { facts } = ctx;
    const reported = new Set<number>();
    // Only a lock the code shows to be sync's is known to block on a second Lock: an interface
    // (a store's RLock/Lock), another package's type, or a Lock that returns values (a file
    // lock's `l, err := s.Lock()`, which fails instead of waiting) may not. Asked only when
    // there is something to report (it costs a look at the declarations).
    const reentrant = (a: LockOp) => declaredKind(ctx.pkg, facts, a.operand) !== 'sync';
    const check = (a: LockOp) => {
      for (const n of heldRegion(ctx.pkg, facts, a)) {
        if (visit(a, n) === 'stop') return;
      }
    };
    const visit = (a: LockOp, n: Node): 'stop' | undefined => {
      {
        const again = lockFacts(facts)
          .inside(n, a.fn)
          .find((o) => o.key === a.key && isAcquire(o.verb) && !o.deferred);
        const line = a.call.startPosition.row + 1;
        if (again) {
          if (reported.has(again.call.id) || guardedPair(again, lockFacts(facts).of(a.fn)) || reentrant(a)) return 'stop';
          // Two read locks deadlock only on a sync.RWMutex (a wrapper type may allow them), and only when a writer queues between.
          if (a.verb === 'RLock' && again.verb === 'RLock' && (!ctx.options.recursiveRead || mutexType(ctx.pkg, facts, a.operand) !== 'RWMutex')) return 'stop';
          reported.add(again.call.id);
          const kind = again.call.id === a.call.id ? 'loop' : kindOf(a.verb, again.verb);
          ctx.report({
            node: again.call,
            messageId: kind,
            data: { name: a.text, verb: again.verb, line, how: 'again' },
            related: [{ node: a.call, message: `${a.text} is locked here` }],
          });
          return 'stop';
        }
        for (const e of calleeEffects(ctx.pkg, facts, n, a.fn, a)) {
          if (!e.first || e.first.op === 'release' || e.first.cond) continue;
          if (reported.has(e.call.id) || reentrant(a)) return 'stop';
          const verb: LockVerb = e.first.op === 'racquire' ? 'RLock' : 'Lock';
          const kind = kindOf(a.verb, verb);
          if (kind === 'readTwice' && (!ctx.options.recursiveRead || mutexType(ctx.pkg, facts, a.operand) !== 'RWMutex')) return 'stop';
          reported.add(e.call.id);
          const callee = e.call.childForFieldName('function')?.text ?? 'the callee';
          ctx.report({
            node: e.call,
            messageId: kind === 'twice' ? 'callee' : kind,
            data: { name: a.text, verb, line, callee, how: `(in ${callee})` },
            related: [{ node: a.call, message: `${a.text} is locked here` }],
          });
          return 'stop';
        }
        return undefined;
      }
    };
    return {
      source_file() {
        for (const a of lockFacts(facts).all()) {
          if (!isAcquire(a.verb) || a.deferred || a.indexed || guardedPair(a, lockFacts(facts).of(a.fn))) continue;
          // Nothing can take it again while it is held: no region to walk.
          if (!mayAcquireAgain(ctx.pkg, facts, a) || handedOff(ctx.pkg, facts, a.fn, a)) continue;
          check(a);
        }
      },
    };
  },
});

// The facts the blocking rules stand on: lock operations and which mutex each names
// (src/go/locks.ts), the lock summary through callees in other files (recursion and cycles
// included), the written types of mutexes and WaitGroups, held regions, and the flow walk
// (src/go/flow.ts) with t.Fatal as an exit and `if false` as dead code.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Node } from 'web-tree-sitter';
import { FileFacts } from '../src/go/facts.js';
import { walkFrom } from '../src/go/flow.js';
import { coversText, declaredKind, isAcquire, LOCK_DEPTH, lockFacts, lockSummary, mutexType, needsLock, statementOf, walkHeld } from '../src/go/locks.js';
import { PackageView } from '../src/go/package.js';
import { isWaitGroup, waitGroupCalls } from '../src/go/waitgroups.js';
import { memorySource, Packages } from '../src/engine/packages.js';
import { parser_ } from './helpers.js';

async function viewOf(files: Record<string, string>, path: string) {
  const parser = await parser_();
  const tree = parser.parse(files[path]!)!;
  const facts = new FileFacts(tree.rootNode, files[path]!);
  const packages = new Packages(memorySource(files));
  const view = new PackageView(() => packages.packageOf(path, files[path]!), parser, { path, facts });
  return {
    view,
    facts,
    done() {
      view.release();
      tree.delete();
    },
  };
}

function fnNamed(facts: FileFacts, name: string): Node {
  const fn = facts.root.namedChildren.find((d) => (d?.type === 'function_declaration' || d?.type === 'method_declaration') && d.childForFieldName('name')?.text === name);
  if (!fn) throw new Error(`no function ${name}`);
  return fn;
}

const STORE = {
  '/p/store.go': `package p

import "sync"

type Store struct {
	mu    sync.Mutex
	rw    sync.RWMutex
	inner struct {
		sync.RWMutex
		n int
	}
	items map[string]string
}

type Embeds struct {
	sync.Mutex
	n int
}

var global sync.Mutex

func (s *Store) Put(k string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.flush()
	func() {
		s.rw.RLock()
	}()
	go func() { s.mu.Lock() }()
	defer func() { s.rw.RUnlock() }()
}

func (e *Embeds) Inc(locks []sync.Mutex, i int) {
	e.Lock()
	locks[i].Lock()
	global.Lock()
	e.inner()
}

func (e *Embeds) inner() {}
`,
  '/p/flush.go': `package p

func (s *Store) flush() {
	s.mu.Lock()
	defer s.mu.Unlock()
}

func (s *Store) relock() {
	s.mu.Unlock()
	defer s.mu.Lock()
}

func (s *Store) viaCallee() {
	s.flush()
}

func (s *Store) maybe(ok bool) {
	if ok {
		s.mu.Lock()
		s.mu.Unlock()
	}
}

func (s *Store) ping(n int) {
	if n > 0 {
		s.pong(n - 1)
	}
	s.rw.RLock()
	s.rw.RUnlock()
}

func (s *Store) pong(n int) {
	s.ping(n)
}

func lockIt(m interface{ Lock() }) {
	m.Lock()
}
`,
};

test('lock operations: verb, mutex, the flow they belong to, deferred, indexed', async () => {
  const { facts, done } = await viewOf(STORE, '/p/store.go');
  try {
    const ops = lockFacts(facts).all();
    const put = fnNamed(facts, 'Put');
    const shown = ops.map((o) => `${o.text}.${o.verb}${o.deferred ? ' defer' : ''}${o.indexed ? ' indexed' : ''}${o.fn.id === put.id ? ' Put' : o.fn.type === 'func_literal' ? ' literal' : ''}`);
    assert.equal(shown, [
      's.mu.Lock Put',
      's.mu.Unlock defer Put',
      's.rw.RLock Put', // a literal called in place is part of Put's flow
      's.mu.Lock literal', // a goroutine's literal is its own flow
      's.rw.RUnlock defer Put', // inside a deferred literal: runs at Put's return
      'e.Lock',
      'locks[i].Lock indexed',
      'global.Lock',
    ]);
    // The same text in the same function is the same mutex; a package variable is the package's.
    assert.is(ops[0]!.key, ops[1]!.key);
    assert.match(ops[7]!.key, /^pkg:global$/);
    assert.equal(lockFacts(facts).of(put).map((o) => o.verb), ['Lock', 'Unlock', 'RLock', 'RUnlock']);
  } finally {
    done();
  }
});

test('mutex types from declarations: fields, embedded (also in an anonymous struct), package variables, other types', async () => {
  const { view, facts, done } = await viewOf(STORE, '/p/store.go');
  try {
    const ops = lockFacts(facts).all();
    const kinds = ops.map((o) => `${o.text}:${mutexType(view, facts, o.operand) ?? '-'}:${declaredKind(view, facts, o.operand)}`);
    assert.equal(kinds, [
      's.mu:Mutex:sync',
      's.mu:Mutex:sync',
      's.rw:RWMutex:sync',
      's.mu:Mutex:sync',
      's.rw:RWMutex:sync',
      'e:Mutex:sync',
      'locks[i]:-:unknown',
      'global:Mutex:sync',
    ]);
  } finally {
    done();
  }
  const { view: v2, facts: f2, done: d2 } = await viewOf(
    { '/q/a.go': 'package q\n\nimport "sync"\n\ntype T struct{ inner struct{ sync.RWMutex } ; l sync.Locker }\n\nfunc (t *T) f() {\n\tt.inner.RLock()\n\tt.l.Lock()\n}\n' },
    '/q/a.go',
  );
  try {
    const ops = lockFacts(f2).all();
    assert.equal(ops.map((o) => `${o.text}:${mutexType(v2, f2, o.operand) ?? '-'}:${declaredKind(v2, f2, o.operand)}`), ['t.inner:RWMutex:sync', 't.l:-:other']);
  } finally {
    d2();
  }
});

test('lock summary: first operation per target, through callees in other files, recursion and cycles', async () => {
  const { view, done } = await viewOf(STORE, '/p/store.go');
  try {
    // At the depth the rules ask (the kind's local step keeps only the calls that depth can use).
    const first = (key: string) => view.summaryOf(lockSummary, key, LOCK_DEPTH)?.first.map((f) => `${f.target} ${f.op}${f.cond ? ' cond' : ''}`);
    assert.equal(first('method:Store.flush'), ['recv.mu acquire']);
    assert.equal(first('method:Store.relock'), ['recv.mu release'], 'a deferred Lock is not a first acquire');
    assert.equal(first('method:Store.viaCallee'), ['recv.mu acquire'], 'through a callee');
    assert.equal(first('method:Store.maybe'), ['recv.mu acquire cond']);
    assert.equal(first('method:Store.Put'), ['recv.mu acquire', 'recv.rw racquire']);
    assert.equal(view.summaryOf(lockSummary, 'method:Store.Put', LOCK_DEPTH)?.releases, ['recv.mu', 'recv.rw']);
    assert.equal(first('func:lockIt'), ['$0 acquire'], 'a parameter');
    // ping and pong call each other: the cycle is cut (ping's call of pong, which takes no lock
    // itself, is not followed; pong sees ping's own operations), the same answer from both ends.
    assert.equal(first('method:Store.ping'), ['recv.rw racquire']);
    assert.equal(first('method:Store.pong'), ['recv.rw racquire']);
  } finally {
    done();
  }
});

test('held regions: up to the release, deferred releases kept or not, root bound again, handed over', async () => {
  const text = `package h

import "sync"

func f(mu *sync.Mutex, shards []*struct{ mu sync.Mutex }, work func()) func() {
	mu.Lock()
	work()
	mu.Unlock()
	work()
	for _, s := range shards {
		s.mu.Lock()
		work()
	}
	mu.Lock()
	defer mu.Unlock()
	work()
	return mu.Unlock
}
`;
  const { view, facts, done } = await viewOf({ '/h/a.go': text }, '/h/a.go');
  try {
    const ops = lockFacts(facts).all();
    const lines = (i: number, deferredReleases: boolean) => {
      const seen: number[] = [];
      const exits = walkHeld(view, facts, ops[i]!, { deferredReleases, anyCalleeRelease: false }, (n) => {
        seen.push(n.startPosition.row + 1);
        return undefined;
      });
      return { seen, exits: exits?.map((e) => e.startPosition.row + 1) };
    };
    assert.equal(lines(0, false), { seen: [7], exits: [] }, 'up to the Unlock on line 8');
    assert.equal(lines(2, false), { seen: [12], exits: [] }, 'the loop goes back to the range header, which binds s again: the region ends there');
    assert.equal(lines(3, true), { seen: [], exits: [] }, 'a deferred release ends the region when asked');
    assert.equal(lines(3, false), { seen: [15, 16], exits: [] }, 'the deferred release is walked past; returning the release hands the lock over');
  } finally {
    done();
  }
});

test('needsLock: before the node on every path, around it in a loop, or not', async () => {
  const text = `package n

import "sync"

func g(mu *sync.Mutex, ch chan int, ok bool) {
	mu.Lock()
	mu.Unlock()
	ch <- 1
	for v := range ch {
		_ = v
		mu.Lock()
		mu.Unlock()
	}
}

func h(mu *sync.Mutex, ch chan int, ok bool) {
	if ok {
		mu.Lock()
		mu.Unlock()
	}
	ch <- 1
}
`;
  const { view, facts, done } = await viewOf({ '/n/a.go': text }, '/n/a.go');
  try {
    const g = fnNamed(facts, 'g');
    const h = fnNamed(facts, 'h');
    const sends = facts.root.descendantsOfType('send_statement').filter((s): s is Node => s !== null);
    const loop = g.descendantsOfType('for_statement')[0]!;
    assert.ok(needsLock(view, facts, g, statementOf(sends[0]!, g)!, 'mu'), 'taken on every path before the send');
    assert.ok(needsLock(view, facts, g, loop, 'mu'), 'the loop takes it before it receives again');
    assert.not.ok(needsLock(view, facts, h, statementOf(sends[1]!, h)!, 'mu'), 'only on some paths');
    assert.not.ok(needsLock(view, facts, g, statementOf(sends[0]!, g)!, 'other'));
  } finally {
    done();
  }
});

test('coversText: as the text with white space and a leading & removed, equal to the target or a selector prefix of it', () => {
  const slow = (text: string, target: string) => {
    const t = text.replace(/\s+/g, '').replace(/^&/, '');
    return !!t && (target === t || target.startsWith(`${t}.`));
  };
  const texts = ['s', 's.mu', '&s.mu', '& s . mu', ' s\n.\tmu ', 's.m', 's.mux', 's.mu.x', '&&s.mu', '&', '', '  ', 'x', 'func() {\n\ts.mu.Lock()\n}', 's.mu\u00a0', '&s', 'ss'];
  for (const target of ['s.mu', '&s.mu', 's', 'a.b.c']) {
    for (const text of [...texts, target, `&${target}`, `${target}.`]) assert.is(coversText(text, target), slow(text, target), `${JSON.stringify(text)} for ${target}`);
  }
});

test('flow walk: from the entry, t.Fatal as an exit of a test, `if false` never taken', async () => {
  const text = `package w

import "testing"

func TestX(t *testing.T) {
	if false {
		return
	}
	if bad() {
		t.Fatal("x")
	}
	done()
}

func bad() bool { return false }
func done()     {}
`;
  const { facts, done } = await viewOf({ '/w/a_test.go': text }, '/w/a_test.go');
  try {
    const fn = fnNamed(facts, 'TestX');
    const line = (ns: Node[] | undefined) => ns?.map((n) => n.startPosition.row + 1);
    assert.equal(line(walkFrom(facts, fn, null, () => undefined)), [13], 'the return under `if false` is not reached; t.Fatal ends its path');
    assert.equal(line(walkFrom(facts, fn, null, () => undefined, { testStopExits: true })), [10, 13], 't.Fatal leaves the test function');
    assert.equal(line(walkFrom(facts, fn, null, (n) => (n.text === 'done()' ? 'stop' : undefined))), [], 'stopped before the end');
  } finally {
    done();
  }
});

test('WaitGroups by declared type: locals, pointers, fields; calls on them only', async () => {
  const text = `package g

import "sync"

type S struct {
	wg  *sync.WaitGroup
	ctx interface{ Done() <-chan struct{} }
}

func f(s *S, p *sync.WaitGroup) {
	var wg sync.WaitGroup
	q := &sync.WaitGroup{}
	wg.Add(1)
	q.Add(1)
	p.Done()
	s.wg.Wait()
	<-s.ctx.Done()
}
`;
  const { view, facts, done } = await viewOf({ '/g/a.go': text }, '/g/a.go');
  try {
    assert.equal(
      waitGroupCalls(view, facts).map((c) => `${c.text}.${c.verb}`),
      ['wg.Add', 'q.Add', 'p.Done', 's.wg.Wait'],
      'ctx.Done() is not a WaitGroup',
    );
    const ops = waitGroupCalls(view, facts);
    assert.ok(ops.every((c) => isWaitGroup(view, facts, c.operand)));
    assert.ok(!isAcquire('Unlock'));
  } finally {
    done();
  }
});

test.run();

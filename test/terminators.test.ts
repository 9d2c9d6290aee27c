// Paths that end (src/go/terminators.ts) on their own: which calls end a goroutine or the
// process, which statements terminate, what never runs, and what only runs on a panic.
// Each marked line of the Go source below states the expected answer for its statement.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Node, Tree } from 'web-tree-sitter';
import { FileFacts } from '../src/go/facts.js';
import { endingCall, endsBetween, endsProcessAfter, onlyOnPanic, processEnds, terminates, unreachable } from '../src/go/terminators.js';
import { parser_ } from './helpers.js';

const SRC = `package p

import (
	"log"
	lg "log"
	"os"
	"runtime"
	"testing"

	"github.com/sirupsen/logrus"
)

type reader struct{}

func (reader) Skip(n int) {}

func calls(t *testing.T, b *testing.B, tb testing.TB, r reader, logger *logrus.Logger) {
	t.Fatalf("x")          // ending: test-stop
	t.Fatal("x")           // ending: test-stop
	t.FailNow()            // ending: test-stop
	t.Skip("slow")         // ending: test-stop
	b.SkipNow()            // ending: test-stop
	tb.Skipf("x")          // ending: test-stop
	t.Error("x")           // ending: none
	r.Skip(3)              // ending: none
	log.Fatal("x")         // ending: fatal
	lg.Panicf("x")         // ending: panic
	logger.Fatalf("x")     // ending: fatal
	os.Exit(1)             // ending: exit
	runtime.Goexit()       // ending: goexit
	panic("x")             // ending: panic
	log.Print("x")         // ending: none
	t.Run("x", func(t *testing.T) {
		t.SkipNow()        // ending: test-stop
	})
}

type suite struct{}

func (s *suite) T() *testing.T { return nil }

func (s *suite) TestX() {
	s.T().Skip("x")        // ending: test-stop
}

func mine() {
	exit := func(int) {}
	exit(1)                // ending: none
}

func statements(t *testing.T, x int, ch chan int) {
	if x > 0 {             // terminates: no
		return
	}
	if x > 1 {             // terminates: yes
		return
	} else {
		t.Fatal("x")
	}
	if x > 1 {             // terminates: yes
		return
	} else if x > 2 {
		panic(x)
	} else {
		os.Exit(1)
	}
	for {                  // terminates: yes
		x++
	}
	for {                  // terminates: no
		if x > 3 {
			break
		}
	}
L:
	for {                  // terminates: no
		select {
		case <-ch:
			break L
		}
	}
	for {                  // terminates: yes
		select {
		case <-ch:
			break
		}
	}
	for x < 3 {            // terminates: no
	}
	switch x {             // terminates: yes
	case 1:
		return
	case 2:
		fallthrough
	default:
		log.Fatal("x")
	}
	switch x {             // terminates: no
	case 1:
		return
	}
	select {               // terminates: yes
	case <-ch:
		return
	case v := <-ch:
		panic(v)
	}
	{                      // terminates: yes
		x++
		t.FailNow()
	}
	x++                    // terminates: no
}

func skipped(t *testing.T) {
	t.Skip("broken")
	ch := make(chan int)   // unreachable: yes
	go func() {
		ch <- 1            // unreachable: yes
	}()
	<-ch
}

func guarded(t *testing.T, short bool) {
	if short {
		t.Skip("short")
	}
	ch := make(chan int)   // unreachable: no
	_ = ch
	goto done
done:
	x := 1                 // unreachable: no
	_ = x
}

func paths(t *testing.T, ok bool) {
	a := make(chan int)
	if !ok {
		close(a)           // from: A
		t.Fatalf("x")
	}
	close(a)               // to: A ends
	b := make(chan int)
	if !ok {
		close(b)           // from: B
		t.Logf("x")
	}
	close(b)               // to: B continues
	c := make(chan int)
	close(c)               // from: C
	if !ok {
		return
	}
	close(c)               // to: C continues
	d := make(chan int)
	close(d)               // from: D
	log.Fatal("x")
	close(d)               // to: D ends
}

func process(t *testing.T, ch chan int) {
	select {
	case <-ch:
		log.Fatal("x")     // process: ends
	case <-ch:
		os.Exit(2)         // process: ends
	case <-ch:
		t.Fatal("x")       // process: goes on
	case <-ch:
		log.Print("x")     // process: goes on
	}
}

func recovered(ch chan int) {
	defer func() {
		if r := recover(); r != nil {
			close(ch)      // panic: only
		}
		close(ch)          // panic: always
	}()
	defer func() {
		r := recover()
		if r != nil {
			close(ch)      // panic: only
		}
	}()
	defer func() {
		if recover() != nil {
			close(ch)      // panic: only
		}
	}()
	func() {
		if r := recover(); r != nil {
			close(ch)      // panic: always
		}
	}()
	if r := recover(); r != nil {
		close(ch)          // panic: always
	}
}
`;

interface Marked {
  line: number;
  key: string;
  value: string;
}

function marks(): Marked[] {
  const out: Marked[] = [];
  SRC.split('\n').forEach((l, i) => {
    const m = /\/\/ (ending|terminates|unreachable|from|to|panic|process): (.*)$/.exec(l);
    if (m) out.push({ line: i, key: m[1]!, value: m[2]!.trim() });
  });
  return out;
}

/** The outermost statement that starts on `row` (0-based) at its first non-blank column. */
function statementAt(root: Node, row: number): Node {
  const col = SRC.split('\n')[row]!.search(/\S/);
  let n = root.descendantForPosition({ row, column: col })!;
  while (n.parent && n.parent.startPosition.row === row && n.parent.startPosition.column === col && n.parent.type !== 'statement_list' && n.parent.type !== 'source_file') {
    n = n.parent;
  }
  return n;
}

async function setup(): Promise<{ tree: Tree; facts: FileFacts }> {
  const p = await parser_();
  const tree = p.parse(SRC)!;
  return { tree, facts: new FileFacts(tree.rootNode, SRC) };
}

test('terminators: calls that end a goroutine or the process', async () => {
  const { tree, facts } = await setup();
  try {
    for (const m of marks().filter((x) => x.key === 'ending')) {
      const stmt = statementAt(tree.rootNode, m.line);
      const call = stmt.type === 'expression_statement' ? stmt.namedChild(0)! : stmt;
      assert.is(endingCall(facts, call) ?? 'none', m.value, `line ${m.line + 1}: ${stmt.text}`);
    }
  } finally {
    tree.delete();
  }
});

test('terminators: terminating statements (the Go spec, plus ending calls)', async () => {
  const { tree, facts } = await setup();
  try {
    const ms = marks().filter((x) => x.key === 'terminates');
    assert.ok(ms.length >= 12);
    for (const m of ms) {
      const stmt = statementAt(tree.rootNode, m.line);
      assert.is(terminates(facts, stmt), m.value === 'yes', `line ${m.line + 1}: ${stmt.type}`);
    }
  } finally {
    tree.delete();
  }
});

test('terminators: code after an unconditional t.Skip never runs; a goto label may', async () => {
  const { tree, facts } = await setup();
  try {
    for (const m of marks().filter((x) => x.key === 'unreachable')) {
      const stmt = statementAt(tree.rootNode, m.line);
      assert.is(unreachable(facts, stmt), m.value === 'yes', `line ${m.line + 1}: ${stmt.text}`);
    }
  } finally {
    tree.delete();
  }
});

test('terminators: a close followed by t.Fatalf does not reach the next close', async () => {
  const { tree, facts } = await setup();
  try {
    const all = marks();
    const froms = all.filter((x) => x.key === 'from');
    assert.is(froms.length, 4);
    for (const f of froms) {
      const to = all.find((x) => x.key === 'to' && x.value.startsWith(f.value + ' '))!;
      const a = statementAt(tree.rootNode, f.line);
      const b = statementAt(tree.rootNode, to.line);
      assert.is(endsBetween(facts, a, b), to.value.endsWith('ends'), `${f.value}: ${a.text} → ${b.text}`);
      // never the other way round
      assert.not.ok(endsBetween(facts, b, a));
    }
  } finally {
    tree.delete();
  }
});

test('terminators: os.Exit and log.Fatal end the process; a failing test does not', async () => {
  const { tree, facts } = await setup();
  try {
    const ms = marks().filter((x) => x.key === 'process');
    assert.is(ms.length, 4);
    for (const m of ms) {
      const caseNode = statementAt(tree.rootNode, m.line).parent!.parent!;
      assert.is(caseNode.type, 'communication_case');
      assert.is(processEnds(facts, caseNode), m.value === 'ends', `line ${m.line + 1}`);
    }
    const fn = tree.rootNode.namedChildren.find((d) => d?.childForFieldName('name')?.text === 'process')!;
    const at = (line: number) => statementAt(tree.rootNode, line).startIndex;
    assert.ok(endsProcessAfter(facts, fn, at(ms[1]!.line)), 'os.Exit after the position');
    assert.not.ok(endsProcessAfter(facts, fn, at(ms[2]!.line)), 't.Fatal and log.Print do not end the process');
  } finally {
    tree.delete();
  }
});

test('terminators: a close in a deferred recover branch only runs on a panic', async () => {
  const { tree, facts } = await setup();
  try {
    const ms = marks().filter((x) => x.key === 'panic');
    assert.is(ms.length, 6);
    for (const m of ms) {
      const stmt = statementAt(tree.rootNode, m.line);
      assert.is(onlyOnPanic(facts, stmt), m.value === 'only', `line ${m.line + 1}`);
    }
  } finally {
    tree.delete();
  }
});

test.run();

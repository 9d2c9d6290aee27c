// The senders-done facts (src/go/senders-done.ts) and the signal case (channels.ts) on
// their own: when the side that closes a channel has heard from every goroutine that
// sends on it, and when a select case waits for the process to be told to stop.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Node } from 'web-tree-sitter';
import { awaitsSignal, type Channel, channelFacts } from '../src/go/channels.js';
import { FileFacts } from '../src/go/facts.js';
import { countdown, receivesFromEvery, waitsBefore } from '../src/go/senders-done.js';
import { parser_ } from './helpers.js';

const SRC = `package p

import (
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
)

func work(string) error { return nil }

func sameRange(files []string) {
	ch := make(chan error)
	for _, f := range files {
		go func(f string) { ch <- work(f) }(f)
	}
	for range files {
		<-ch
	}
	close(ch) // done: yes
}

func otherRange(files, names []string) {
	ch := make(chan error)
	for _, f := range files {
		go func(f string) { ch <- work(f) }(f)
	}
	for range names {
		<-ch
	}
	close(ch) // done: no
}

func counted(groups [][]string) {
	ch := make(chan error)
	n := 0
	for _, g := range groups {
		for _, f := range g {
			n++
			go func(f string) { ch <- work(f) }(f)
		}
	}
	for i := 0; i < n; i++ {
		<-ch
	}
	close(ch) // done: yes
}

func constant() {
	ch := make(chan error)
	defer close(ch) // done: yes
	go func() { ch <- work("a") }()
	go func() { ch <- work("b") }()
	for i := 0; i < 2; i++ {
		<-ch
	}
}

func tooFew() {
	ch := make(chan error)
	go func() { ch <- work("a") }()
	go func() { ch <- work("b") }()
	for i := 0; i < 1; i++ {
		<-ch
	}
	close(ch) // done: no
}

func loops(files []string) {
	ch := make(chan error)
	for _, f := range files {
		go func(f string) {
			for {
				ch <- work(f)
			}
		}(f)
	}
	for range files {
		<-ch
	}
	close(ch) // done: no
}

func breaks(files []string) {
	ch := make(chan error)
	for _, f := range files {
		go func(f string) { ch <- work(f) }(f)
	}
	for range files {
		if err := <-ch; err != nil {
			break
		}
	}
	close(ch) // done: no
}

func waited(files []string) {
	ch := make(chan error, len(files))
	var wg sync.WaitGroup
	defer close(ch) // wait: yes
	for _, f := range files {
		wg.Add(1)
		go func(f string) {
			defer wg.Done()
			ch <- work(f)
		}(f)
	}
	wg.Wait()
}

func notWaited(files []string) {
	ch := make(chan error, len(files))
	var wg sync.WaitGroup
	close(ch) // wait: no
	wg.Wait()
}

func last(n *int64, ch chan error) {
	if atomic.AddInt64(n, -1) == 0 {
		close(ch) // countdown: yes
	}
	if *n > 0 {
		close(ch) // countdown: no
	}
}

func signals(stop, other chan struct{}) {
	quit := make(chan os.Signal, 1)
	signal.Notify(quit, os.Interrupt)
	select {
	case <-quit: // signal: yes
	case <-other: // signal: no
	case <-stop: // signal: no
	}
}
`;

async function setup() {
  const p = await parser_();
  const tree = p.parse(SRC)!;
  return { tree, facts: new FileFacts(tree.rootNode, SRC) };
}

/** The marked lines: 0-based row, kind and expected answer. */
function marks(kind: string): { row: number; yes: boolean }[] {
  const out: { row: number; yes: boolean }[] = [];
  SRC.split('\n').forEach((l, row) => {
    const m = new RegExp(`// ${kind}: (yes|no)`).exec(l);
    if (m) out.push({ row, yes: m[1] === 'yes' });
  });
  return out;
}

function fnNamed(root: Node, name: string): Node {
  return root.namedChildren.find((d) => d?.childForFieldName('name')?.text === name)!;
}

test('senders done: a counted receive loop takes one value from every goroutine started', async () => {
  const { tree, facts } = await setup();
  try {
    const cf = channelFacts(facts);
    const ms = marks('done');
    assert.is(ms.length, 7);
    for (const m of ms) {
      const fn = tree.rootNode.namedChildren.find((d) => d && d.startPosition.row < m.row && d.endPosition.row > m.row)!;
      const ch: Channel = cf.of(fn).channels.find((c) => c.name === 'ch')!;
      const close = ch.ops.find((o) => o.kind === 'close' && o.node.startPosition.row === m.row)!;
      assert.ok(close, `close on line ${m.row + 1}`);
      assert.is(receivesFromEvery(facts, ch, close, (n) => cf.constantInt(n)), m.yes, `${fn.childForFieldName('name')!.text}, line ${m.row + 1}`);
    }
  } finally {
    tree.delete();
  }
});

test('senders done: a Wait before the close (anywhere, for a deferred one), and countdowns', async () => {
  const { tree, facts } = await setup();
  try {
    const cf = channelFacts(facts);
    for (const m of marks('wait')) {
      const fn = tree.rootNode.namedChildren.find((d) => d && d.startPosition.row < m.row && d.endPosition.row > m.row)!;
      const close = cf.of(fn).channels[0]!.ops.find((o) => o.kind === 'close')!;
      assert.is(waitsBefore(close), m.yes, `line ${m.row + 1}`);
    }
    const fn = fnNamed(tree.rootNode, 'last');
    const name = fn.childForFieldName('parameters')!.namedChildren[1]!.childForFieldName('name')!;
    const ch = cf.param(fn, name, fn.childForFieldName('parameters')!.namedChildren[1]!.childForFieldName('type')!);
    for (const m of marks('countdown')) {
      const close = ch.ops.find((o) => o.kind === 'close' && o.node.startPosition.row === m.row)!;
      assert.is(countdown(close), m.yes, `line ${m.row + 1}`);
    }
  } finally {
    tree.delete();
  }
});

test('signal case: a receive from a channel handed to signal.Notify', async () => {
  const { tree, facts } = await setup();
  try {
    const fn = fnNamed(tree.rootNode, 'signals');
    const sel = fn.descendantsOfType('select_statement')[0]!;
    const cases = sel.namedChildren.filter((c) => c?.type === 'communication_case') as Node[];
    const ms = marks('signal');
    assert.is(cases.length, ms.length);
    cases.forEach((c, i) => assert.is(awaitsSignal(facts, c, fn), ms[i]!.yes, c.text));
  } finally {
    tree.delete();
  }
});

test.run();

// unclosed-body: an HTTP response whose body is not closed on some path. Until the body is
// closed the client cannot reuse the connection, and the transport's goroutines for it stay.
//
//	resp, err := client.Do(req)          // ← reported here
//	if err != nil { return err }
//	                                     // ← the fix: defer resp.Body.Close()
//	if resp.StatusCode != 200 {
//		return errStatus                 // ← the path that leaves the body open
//	}
//
// Responses come from net/http's Get, Post and PostForm, ctxhttp, the Do/Get/Post/PostForm
// methods of a value that syntax shows is an *http.Client (Head with the `head` option), the
// RoundTrip of an *http.Transport, a one-argument Do(req) of a request this code built,
// and same-file helpers that hand such a response to their caller.
import type { Node } from 'web-tree-sitter';
import { defineRule, type Handlers } from '../src/engine/types.js';
import { stdBorrows } from '../src/go/borrowers.js';
import type { FileFacts } from '../src/go/facts.js';
import { candidateCalls, deferFix, describe, judge, packageHelperSites, returnsMatching, sitesOf, type Kind, type Site } from '../src/go/leaks.js';
import { borrowCheck, Makers } from '../src/go/obligations.js';
import { failsTest } from '../src/go/paths.js';
import { bodyDrains, HANDS_OVER, mayMakeResponse, NAMES, NAMES_WITH_HEAD, noBody, requestDone, responseIn, RETURNS_RESPONSE } from '../src/go/responses.js';
import { madeResultsKind, packageBorrows, type MadeKind } from '../src/go/returns.js';
import { endingCall, inTestHelper } from '../src/go/terminators.js';

type MessageId = 'unclosed' | 'path' | 'replaced' | 'discarded' | 'deferInLoop' | 'beforeCheck';

export interface BodyOptions {
  /** Also scan test code: `_test.go` files and functions that take a `*testing.T`/`B`/`F`, `testing.TB` or `*check.C` (their responses mostly come from a local test server and die with the test). */
  tests: boolean;
  /** Also report responses to HEAD requests (net/http asks callers to close them too, though nothing is held). */
  head: boolean;
  /**
   * Also report a body read to its end (`io.ReadAll(resp.Body)`) and never closed: net/http's
   * documentation asks for the Close, but the read already gave the connection back.
   */
  drained: boolean;
}

const CLOSE: ReadonlySet<string> = new Set(['Close']);
// httputil.DumpResponse(resp, true) closes the body it reads, whatever the options.
// A defer in a loop holds nothing across rounds when the round copied the body (to any
// writer) before going on: the copy reached EOF or its read failed, and either way the
// transport holds no connection for it. A copy its writer stopped leaves the body half read;
// a loop that goes round after such a failure is not told apart (goproxy's MITM loop, where
// it was found, returns on every failure).
const BODY: Kind = {
  methods: CLOSE,
  field: 'Body',
  paths: true,
  deferInLoop: true,
  emptyWhen: noBody,
  drains: (f, o, n) => bodyDrains(f, o, n, false),
  roundDrains: (f, o, n) => bodyDrains(f, o, n, true, true),
};
// By default a read to the end counts as a close: once the transport sees EOF it puts the
// connection back in its pool (a failed read makes it close the connection), so a body read
// with io.ReadAll and never closed holds nothing; on the corpus such findings were the
// rule's main noise (bench/triage).
const DRAINED_BODY: Kind = { ...BODY, drains: bodyDrains };

/** The documented example: a status check that returns before the body is closed. */
const EXAMPLE = [
  'package fetch',
  '',
  'import (',
  '\t"fmt"',
  '\t"io"',
  '\t"net/http"',
  ')',
  '',
  'func fetch(url string) ([]byte, error) {',
  '\tresp, err := http.Get(url)',
  '\tif err != nil {',
  '\t\treturn nil, err',
  '\t}',
  '\tif resp.StatusCode != http.StatusOK {',
  '\t\treturn nil, fmt.Errorf("GET %s: %s", url, resp.Status)',
  '\t}',
  '\treturn io.ReadAll(resp.Body)',
  '}',
  '',
];

const madeKinds = new Map<boolean, MadeKind>();

/** Which results of the package's functions carry a response they made and did not close (package.ts summaries). */
function responsesKind(head: boolean): MadeKind {
  let k = madeKinds.get(head);
  if (!k) {
    const ends = (facts: FileFacts, call: Node) => endingCall(facts, call) !== null || failsTest(call);
    k = madeResultsKind(`unclosed-body:${head}`, (call, facts, view) => {
      const callee = responseIn(facts, call, head, view);
      return callee ? { callee } : undefined;
    }, CLOSE, { field: 'Body', ends });
    madeKinds.set(head, k);
  }
  return k;
}

export default defineRule<MessageId, Partial<BodyOptions>>({
  meta: {
    id: 'unclosed-body',
    title: 'HTTP response body is not closed',
    severity: 'warning',
    // bench/triage: 20 of 21 findings real (node bench/triage/run.mjs --rules unclosed-body);
    // 20 of 28 with drained on (the 8 others hold nothing).
    precision: 'high',
    tags: ['resource', 'http', 'goroutine'],
    fixable: true,
    docs: {
      whatItDoes:
        'Finds HTTP responses (from `http.Get`/`Post`/`PostForm`, `ctxhttp`, the methods of a value that is an `*http.Client` by what the code shows, `RoundTrip` of an `*http.Transport`, or a same-file helper that hands one over) whose `Body` is not closed on some path after the error check: never closed, closed only on the success path while a status check returns first, discarded (`_, err := http.Get(…)`), replaced before it is closed, or closed by a `defer` inside the loop that makes a response per iteration (unless every round that goes on has first copied the body to its end, `io.Copy(w, resp.Body)` or `io.ReadAll`). Also `defer resp.Body.Close()` written before the error check. Silent when the response or its body is returned, stored, sent, or handed to a function that may close it (a same-file function that closes it counts as a close), and when a copy of the response (`*resp`, also converted: `r := Response(*resp); return &r`) goes the same way, since the copy holds the same Body (a copy closed, `c := *resp; defer c.Body.Close()`, is a close; a copy only printed or read, `(*resp).StatusCode`, is not), and on paths after the body is read to its end (`io.ReadAll(resp.Body)`, `io.Copy(io.Discard, resp.Body)`, a same-file helper that starts with such a read): the transport takes the connection back at EOF and closes it when a read fails, so nothing stays open (`drained: true` reports those too, as net/http asks for the Close).',
      whyIsThisBad:
        "Until a response body is closed, the client's transport cannot reuse the connection and keeps the goroutines that read and write it: every leaked body is an open connection and two parked goroutines. A client that fetches in a loop or per request runs out of file descriptors or memory. On the error path the response is nil (and a deferred `resp.Body.Close()` placed before the check panics).",
      example: EXAMPLE.join('\n'),
      useInstead: [...EXAMPLE.slice(0, 13), '\tdefer resp.Body.Close()', ...EXAMPLE.slice(13)].join('\n'),
    },
    messages: {
      unclosed:
        'response body of {{name}} from {{callee}} is never closed (the connection and its goroutines stay open); add defer {{name}}.Body.Close() after the error check',
      path:
        'response body of {{name}} from {{callee}} is not closed when {{where}} on line {{line}} (the connection and its goroutines stay open); add defer {{name}}.Body.Close() after the error check',
      replaced:
        'response {{name}} from {{callee}} is replaced on line {{line}} before its body is closed (the connection and its goroutines stay open); close {{name}}.Body before reusing the variable',
      discarded:
        'response from {{callee}} is discarded, so its body is never closed (the connection and its goroutines stay open); keep it and add defer resp.Body.Close() after the error check',
      deferInLoop:
        'response body of {{name}} from {{callee}} is closed by a defer that waits for the function to return, while the loop makes a new response on every iteration (the connections pile up); close the body at the end of each iteration',
      beforeCheck:
        '{{name}}.Body.Close is deferred before {{err}} is checked: when {{callee}} fails, {{name}} is nil and the deferred call panics; move the defer after the error check',
    },
    // A file may send requests through a client declared in another file of its package,
    // without importing net/http itself: the method names are triggers too.
    triggers: ['net/http', '.Do(', '.Get(', '.Post(', '.PostForm(', '.RoundTrip('],
    defaultOptions: { tests: false, head: false, drained: false },
  },

  create(ctx): Handlers {
    if (!ctx.options?.tests && ctx.filePath.endsWith('_test.go')) return {};
    const { facts, text } = ctx;
    const calls: Node[] = [];
    const ends = (call: Node): boolean => endingCall(facts, call) !== null || failsTest(call);

    const head = ctx.options?.head === true;
    const body = ctx.options?.drained === true ? BODY : DRAINED_BODY;
    const responseCall = (call: Node): string | undefined => responseIn(facts, call, head, ctx.pkg);

    const borrows = borrowCheck(facts, CLOSE, { field: 'Body', methods: true, known: (call) => stdBorrows(facts, call), elsewhere: packageBorrows(ctx.pkg, facts, CLOSE, 'Body') });
    const makers = new Makers(facts, calls, (call) => (responseCall(call) ? body : undefined), () => ({ methods: CLOSE, field: 'Body', borrows }), true, ends, returnsMatching(RETURNS_RESPONSE));

    const source = (call: Node) => {
      const callee = responseCall(call);
      return callee ? { kind: body, callee } : undefined;
    };
    const sites: Site[] = [];
    return {
      source_file(root) {
        calls.push(...candidateCalls(root, text, facts, head ? NAMES_WITH_HEAD : NAMES, (c) => !!responseCall(c), HANDS_OVER, (at, word) => mayMakeResponse(facts, at, word, head)));
        sites.push(...packageHelperSites(ctx.pkg, facts, root, text, responsesKind(head), RETURNS_RESPONSE, () => body, (c) => !!responseCall(c)));
      },
      'source_file:exit'() {
        sites.push(...sitesOf(facts, calls, source, makers));
        if (!sites.length) return;
        sites.sort((a, b) => a.call.startIndex - b.call.startIndex);
        for (const v of judge(facts, sites, { borrows, ends, view: ctx.pkg, releasedOn: (site, comm) => requestDone(facts, site.call, comm) })) {
          if (!ctx.options?.tests && inTestHelper(facts, v.site.call)) continue;
          const d = describe(v);
          const suggestions = deferFix(text, v, (name) => `defer ${name}.Body.Close()`);
          ctx.report({ node: d.node, messageId: d.messageId, data: d.data, related: d.related, suggestions });
        }
      },
    };
  },
});

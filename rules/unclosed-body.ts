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
import { definitionsOf } from '../src/go/decls.js';
import { enclosingFunction, unparen, type FileFacts } from '../src/go/facts.js';
import { httpKind } from '../src/go/http.js';
import { candidateCalls, deferFix, describe, followable, judge, packageHelperSites, returnsMatching, sitesOf, type Kind, type Site } from '../src/go/leaks.js';
import { bindingOf, borrowCheck, Makers } from '../src/go/obligations.js';
import { failsTest } from '../src/go/paths.js';
import { endingCall } from '../src/go/terminators.js';
import { madeResultsKind, packageBorrows, type MadeKind } from '../src/go/returns.js';
import type { PackageView } from '../src/go/package.js';
import { valueType } from '../src/go/valuetypes.js';

type MessageId = 'unclosed' | 'path' | 'replaced' | 'discarded' | 'deferInLoop' | 'beforeCheck';

export interface BodyOptions {
  /** Also scan `_test.go` files (their responses mostly come from a local test server and die with the test). */
  tests: boolean;
  /** Also report responses to HEAD requests (net/http asks callers to close them too, though nothing is held). */
  head: boolean;
}

const CLOSE: ReadonlySet<string> = new Set(['Close']);
const BODY: Kind = { methods: CLOSE, field: 'Body', paths: true, deferInLoop: true, emptyWhen: noBody };

const HTTP = 'net/http';
// HEAD is left out by default (the `head` option adds it): a response to HEAD has no body,
// and the transport puts the connection back in its pool before it hands the response over,
// so nothing is held. ReadResponse reads from a connection the caller owns and closes.
/** Package functions that return a response: import path → names. */
const RESPONSE_FUNCS = new Map<string, ReadonlySet<string>>([
  [HTTP, new Set(['Get', 'Post', 'PostForm'])],
  ['golang.org/x/net/context/ctxhttp', new Set(['Do', 'Get', 'Post', 'PostForm'])],
]);
/** Methods of *http.Client that return a response, with their number of arguments. */
const CLIENT_METHODS = new Map([
  ['Do', 1],
  ['Get', 1],
  ['Post', 3],
  ['PostForm', 2],
]);
const TRANSPORTS = new Set(['net/http.Transport', 'golang.org/x/net/http2.Transport']);
/** Every name a response-making call can have, as one regex over the file text. */
const NAMES = /\b(?:Get|Post|PostForm|Do|RoundTrip)\b/g;
/** Functions of the package that may hand a response over name its type (to find them without parsing). */
const RETURNS_RESPONSE = String.raw`\bhttp\.Response\b`;
const NAMES_WITH_HEAD = /\b(?:Get|Head|Post|PostForm|Do|RoundTrip)\b/g;

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

/** Statuses whose responses have no body: the transport reuses the connection at once. */
const EMPTY_STATUS = new Set(['204', '304', 'StatusNoContent', 'StatusNotModified']);

/**
 * `resp.StatusCode == http.StatusNoContent` (or 304), `resp.ContentLength == 0`: the outcome
 * of the comparison under which the response has no body to close.
 */
function noBody(name: string, atom: Node): boolean | undefined {
  if (atom.type !== 'binary_expression') return undefined;
  const op = atom.childForFieldName('operator')?.text;
  if (op !== '==' && op !== '!=') return undefined;
  const sides = [atom.childForFieldName('left'), atom.childForFieldName('right')].map((n) => (n ? unparen(n) : null));
  const field = sides.find((n) => n?.type === 'selector_expression' && n.childForFieldName('operand')?.text === name);
  const other = sides.find((n) => n !== field);
  const f = field?.childForFieldName('field')?.text;
  const value = other?.type === 'selector_expression' ? other.childForFieldName('field')?.text : other?.text;
  const empty = (f === 'StatusCode' && EMPTY_STATUS.has(value ?? '')) || (f === 'ContentLength' && value === '0');
  return empty ? op === '==' : undefined;
}

/**
 * `case <-ctx.Done():` where ctx is the context of the request that made the response (an
 * argument of the call, or of the NewRequestWithContext that built its request): once that
 * context is done the transport closes the connection itself.
 */
function requestDone(facts: FileFacts, call: Node, communication: Node): boolean {
  const done = communication.descendantsOfType('call_expression').find((c) => c?.childForFieldName('function')?.childForFieldName('field')?.text === 'Done');
  const ctxName = done?.childForFieldName('function')?.childForFieldName('operand')?.text;
  if (!ctxName) return false;
  const args = (c: Node) => c.childForFieldName('arguments')?.namedChildren.map((a) => a?.text) ?? [];
  if (args(call).includes(ctxName)) return true;
  const req = call.childForFieldName('arguments')?.namedChild(0);
  if (req?.type !== 'identifier') return false;
  return definitionsOf(facts, req).some((d) => {
    const made = d.multi?.index === 0 ? d.multi.call : d.value ? unparen(d.value) : null;
    return made?.type === 'call_expression' && facts.isCallTo(made, HTTP, 'NewRequestWithContext') && args(made)[0] === ctxName;
  });
}

/** A request made with method HEAD: `http.NewRequest("HEAD", …)`, `http.MethodHead`. */
function headRequest(facts: FileFacts, req: Node): boolean {
  const r = unparen(req);
  if (r.type !== 'identifier') return false;
  return definitionsOf(facts, r).some((d) => {
    const call = d.multi?.index === 0 ? d.multi.call : d.value ? unparen(d.value) : null;
    if (call?.type !== 'call_expression' || !facts.isCallTo(call, HTTP, ['NewRequest', 'NewRequestWithContext'])) return false;
    const args = call.childForFieldName('arguments')?.namedChildren.filter((a) => a?.type !== 'comment') ?? [];
    const method = args[facts.isCallTo(call, HTTP, 'NewRequest') ? 0 : 1];
    return method?.text === '"HEAD"' || (method?.type === 'selector_expression' && method.childForFieldName('field')?.text === 'MethodHead');
  });
}

/** The function takes the connection over (`clientconn.Hijack()`): the response is only a handshake. */
function hijacks(call: Node, recv: Node): boolean {
  const owner = enclosingFunction(call);
  return !!owner && owner.text.includes(`${recv.text}.Hijack(`);
}

/**
 * The call makes a response: returns how it is written (`http.Get`, `client.Do`), else
 * undefined. `pkg` resolves receivers whose types are declared in other files.
 */
function responseIn(facts: FileFacts, call: Node, head: boolean, pkg?: PackageView): string | undefined {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'selector_expression') return undefined;
  const q = facts.qualified(fn);
  if (q) {
    const made = RESPONSE_FUNCS.get(q.path)?.has(q.name) || (head && q.name === 'Head' && RESPONSE_FUNCS.has(q.path));
    return made ? `${q.alias}.${q.name}` : undefined;
  }
  const name = fn.childForFieldName('field')?.text ?? '';
  const recv = fn.childForFieldName('operand');
  const args = call.childForFieldName('arguments')?.namedChildren.filter((a) => a?.type !== 'comment') ?? [];
  // A client's methods return (resp, err): `x := m.Get(k)` is something else.
  if (!recv || !followable(call)) return undefined;
  const callee = fn.text.length <= 40 ? fn.text : `….${name}`;
  if (name === 'RoundTrip' || name === 'Do') {
    if (args.length !== 1 || (!head && headRequest(facts, args[0]!)) || hijacks(call, recv)) return undefined;
    const rt = valueType(facts, recv, pkg);
    if (name === 'RoundTrip' ? rt && TRANSPORTS.has(rt) : rt === 'net/http.Client') return callee;
    // Any Do(req) or RoundTrip(req) of a request this code holds, with (resp, err) results:
    // the net/http signature, whatever the receiver's declared type.
    const b = bindingOf(call);
    return b.kind !== 'other' && b.results === 2 && httpKind(facts, args[0]!) === 'request' ? callee : undefined;
  }
  if ((CLIENT_METHODS.get(name) ?? (head && name === 'Head' ? 1 : -1)) !== args.length) return undefined;
  return valueType(facts, recv, pkg) === 'net/http.Client' ? callee : undefined;
}

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
    // bench/triage: 13 of 15 findings real (node bench/triage/run.mjs --rules unclosed-body).
    precision: 'high',
    tags: ['resource', 'http', 'goroutine'],
    fixable: true,
    docs: {
      whatItDoes:
        'Finds HTTP responses (from `http.Get`/`Post`/`PostForm`, `ctxhttp`, the methods of a value that is an `*http.Client` by what the code shows, `RoundTrip` of an `*http.Transport`, or a same-file helper that hands one over) whose `Body` is not closed on some path after the error check: never closed, closed only on the success path while a status check returns first, discarded (`_, err := http.Get(…)`), replaced before it is closed, or closed by a `defer` inside the loop that makes a response per iteration. Also `defer resp.Body.Close()` written before the error check. Silent when the response or its body is returned, stored, sent, or handed to a function that may close it (a same-file function that closes it counts as a close).',
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
    defaultOptions: { tests: false, head: false },
  },

  create(ctx): Handlers {
    if (!ctx.options?.tests && ctx.filePath.endsWith('_test.go')) return {};
    const { facts, text } = ctx;
    const calls: Node[] = [];
    const ends = (call: Node): boolean => endingCall(facts, call) !== null || failsTest(call);

    const head = ctx.options?.head === true;
    const responseCall = (call: Node): string | undefined => responseIn(facts, call, head, ctx.pkg);

    const borrows = borrowCheck(facts, CLOSE, { field: 'Body', methods: true, known: (call) => stdBorrows(facts, call), elsewhere: packageBorrows(ctx.pkg, facts, CLOSE, 'Body') });
    const makers = new Makers(facts, calls, (call) => (responseCall(call) ? BODY : undefined), () => ({ methods: CLOSE, field: 'Body', borrows }), true, ends, returnsMatching(RETURNS_RESPONSE));

    const source = (call: Node) => {
      const callee = responseCall(call);
      return callee ? { kind: BODY, callee } : undefined;
    };
    const sites: Site[] = [];
    return {
      source_file(root) {
        calls.push(...candidateCalls(root, text, facts, head ? NAMES_WITH_HEAD : NAMES, (c) => !!responseCall(c)));
        sites.push(...packageHelperSites(ctx.pkg, facts, root, text, responsesKind(head), RETURNS_RESPONSE, () => BODY));
      },
      'source_file:exit'() {
        sites.push(...sitesOf(facts, calls, source, makers));
        if (!sites.length) return;
        sites.sort((a, b) => a.call.startIndex - b.call.startIndex);
        for (const v of judge(facts, sites, { borrows, ends, releasedOn: (site, comm) => requestDone(facts, site.call, comm) })) {
          const d = describe(v);
          const suggestions = deferFix(text, v, (name) => `defer ${name}.Body.Close()`);
          ctx.report({ node: d.node, messageId: d.messageId, data: d.data, related: d.related, suggestions });
        }
      },
    };
  },
});

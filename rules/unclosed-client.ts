// unclosed-client: a client from a `New…Client(ctx, …)` constructor that the function which
// made it never closes (seed 004: secretmanager.NewClient per request, never closed).
//
//	c, err := secretmanager.NewClient(ctx)   // ← reported here
//	if err != nil { … }
//	                                         // ← the fix: defer c.Close()
//
// Constructor calls are collected as the scan meets them (a name test first: nothing else is
// looked at); the file is judged at the end, when every call and every same-file helper
// that hands a client to its caller is known.
import type { Node } from 'web-tree-sitter';
import { defineRule, type Handlers, type Suggestion } from '../src/engine/types.js';
import type { EscapeReason, FileFacts } from '../src/go/facts.js';
import { enclosingFunction } from '../src/go/facts.js';
import {
  bindingOf,
  borrowCheck,
  errorCheckAfter,
  followsInSequence,
  inLoop,
  insertAfterErrorCheck,
  ownerOf,
  releasedValue,
  releasesOf,
  returnedPositions,
  settle,
  topLevelFunctions,
  type Binding,
} from '../src/go/obligations.js';
import { stdBorrows } from '../src/go/borrowers.js';
import { compileCalleeList, listHas, nameMayBeIn, stringList, underPath } from '../src/go/callees.js';
import { isContextArgument } from '../src/go/contexts.js';
import { derivedEscape } from '../src/go/derived.js';
import { mayCallKeys } from '../src/go/leaks.js';
import { isProgramMain, resultHasMethod } from '../src/go/funcs.js';
import { baseTypeName } from '../src/go/package.js';
import { type DeclKey, nameOfKey } from '../src/go/pkgindex.js';
import { coreSummary } from '../src/go/summary.js';
import { madeResultsKind, madeReturners, packageBorrows, type MadeKind } from '../src/go/returns.js';
import { baseType, resultTypes } from '../src/go/types.js';
import { callArgs, callOfName, identifiersMatching, wordNodes } from '../src/go/words.js';

type MessageId = 'unclosed' | 'discarded' | 'reassigned' | 'inLoop';

export interface ClientOptions {
  /** Extra constructors: regexes over the function name, or `importPath.Func`. */
  constructors: string[];
  /** Methods other than Close that release a client. */
  releaseMethods: string[];
  /** Import paths (with their sub-packages) or `importPath.Func` whose result needs no release. */
  noClose: string[];
  /** Import paths (with their sub-packages) whose `New…Client(ctx, …)` clients need closing. */
  knownPackages: string[];
  /** Also report `New…Client(ctx, …)` of other packages, with no sign in the file that its clients need closing. */
  otherPackages: boolean;
  /** Also report in `_test.go` files (tests, their helpers, and Example functions), and documentation snippets elsewhere (an error check left empty). */
  tests: boolean;
}

/**
 * The default name test, the shape of every Google Cloud constructor: `NewClient`,
 * `NewKeyManagementClient`, and the variants that take a config (`spanner.NewClientWithConfig`,
 * `firestore.NewClientWithDatabase`).
 */
const CLIENT_CTOR = /^New\w*Client(?:With\w+)?$/;

const OPTION = 'google.golang.org/api/option';

/** Packages whose clients are released by something other than Close: the fix calls it. */
const FIX_METHOD: [string, string][] = [['cloud.google.com/go/pubsublite/pscompat', 'Stop']];

interface Compiled {
  nameMayMatch(name: string): boolean;
  /** Every name a constructor may have, as one global regex over the file text. */
  namePattern: RegExp;
  /** A configured name pattern could match any name: look at every call. */
  anyName: boolean;
  /** Constructors are configured by `importPath.Func` (they need no context argument). */
  explicitNames: boolean;
  /** 'explicit' for a configured `path.Func`, 'configured' for a configured name pattern, 'name' for the default name shape. */
  constructorKind(path: string | undefined, name: string): 'explicit' | 'configured' | 'name' | undefined;
  noClose(path: string, name: string): boolean;
  known(path: string): boolean;
  otherPackages: boolean;
  tests: boolean;
  releaseMethods: ReadonlySet<string>;
  fixMethod(path: string): string | undefined;
}

/** The documented example: the golang-samples function of seed 004. */
const EXAMPLE = [
  'package secrets',
  '',
  'import (',
  '\t"context"',
  '\t"fmt"',
  '',
  '\tsecretmanager "cloud.google.com/go/secretmanager/apiv1"',
  '\tsecretmanagerpb "google.golang.org/genproto/googleapis/cloud/secretmanager/v1"',
  ')',
  '',
  'func accessSecret(ctx context.Context, name string) ([]byte, error) {',
  '\tclient, err := secretmanager.NewClient(ctx)',
  '\tif err != nil {',
  '\t\treturn nil, fmt.Errorf("secretmanager.NewClient: %w", err)',
  '\t}',
  '\tresp, err := client.AccessSecretVersion(ctx, &secretmanagerpb.AccessSecretVersionRequest{Name: name})',
  '\tif err != nil {',
  '\t\treturn nil, err',
  '\t}',
  '\treturn resp.Payload.Data, nil',
  '}',
  '',
];

const NO_METHODS: ReadonlySet<string> = new Set();
const RETURNED: ReadonlySet<EscapeReason> = new Set(['returned']);

const compiled = new WeakMap<object, Compiled>();

/** Options as config gives them (possibly of the wrong types) → matchers, once per options object. */
function compileOptions(options: Partial<ClientOptions>): Compiled {
  const hit = compiled.get(options);
  if (hit) return hit;
  const ctors = compileCalleeList(options.constructors, false);
  const deny = compileCalleeList(options.noClose, true);
  const known = stringList(options.knownPackages).map((p) => p.replace(/\/+$/, ''));
  const c: Compiled = {
    nameMayMatch: (name) => CLIENT_CTOR.test(name) || nameMayBeIn(ctors, name),
    namePattern: new RegExp(`\\b(?:New\\w*Client(?:With\\w+)?${[...ctors.funcNames].map((n) => `|${n}`).join('')})\\b`, 'g'),
    anyName: ctors.regexes.length > 0,
    explicitNames: ctors.funcNames.size > 0,
    constructorKind(path, name) {
      const how = listHas(ctors, path, name);
      if (how === 'func') return 'explicit';
      if (how) return 'configured';
      return CLIENT_CTOR.test(name) ? 'name' : undefined;
    },
    noClose: (path, name) =>
      deny.funcs.has(`${path}.${name}`) || deny.paths.some((p) => underPath(path, p)) || deny.regexes.some((r) => r.test(`${path}.${name}`)),
    releaseMethods: new Set(['Close', ...stringList(options.releaseMethods).filter((m) => /^[A-Za-z_]\w*$/.test(m))]),
    fixMethod: (path) => FIX_METHOD.find(([p]) => underPath(path, p))?.[1],
    known: (path) => known.some((p) => underPath(path, p)),
    otherPackages: options.otherPackages === true,
    tests: options.tests === true,
  };
  compiled.set(options, c);
  return c;
}

/** One place a client comes into a function: a constructor call, or a helper that returns one. */
interface Site {
  call: Node;
  /** As written at the call: `secretmanager.NewClient`, or the helper `createClients`. */
  callee: string;
  /** For a helper, the constructor call inside it that made the client (no node when in another file). */
  madeBy?: { call?: Node; callee: string };
  binding: Binding;
  method: string;
}

/** A call's function as written: `newClients`, `f.NewStorageClient`. */
function calleeText(call: Node): string {
  return call.childForFieldName('function')?.text ?? '';
}

/** The statement that stores a site's client (sites in groups are all bound). */
function stmtOf(s: Site): Node {
  return (s.binding as Extract<Binding, { kind: 'bound' }>).stmt;
}

interface Ctor {
  callee: string;
  path?: string;
  name: string;
  /** Named explicitly in `constructors` as importPath.Func: always a client. */
  explicit: boolean;
  /** Matched by a name pattern of `constructors`. */
  configured: boolean;
}

/**
 * False when the text shows the name at `at` (a hit of namePattern) is no call that
 * constructorIn takes: not followed by its arguments (a type, a value, `New…Client[T]`), a
 * method or field of a value (`s.newClient(`, `x.y.NewClient(`), or a function of an
 * imported package that is no constructor (noClose). Its declaration need not be parsed.
 */
function mayBeConstructorCall(opts: Compiled, facts: FileFacts, at: number, name: string): boolean {
  const { text } = facts;
  let i = at + name.length;
  while (text[i] === ' ' || text[i] === '\t') i++;
  if (text[i] !== '(' && text[i] !== '/') return false;
  const sel = facts.selectorAt(at);
  if (sel === undefined) return true;
  return sel.path !== undefined && !!opts.constructorKind(sel.path, name) && !opts.noClose(sel.path, name);
}

/** The constructor a call is (`storage.NewClient`, a configured one, the package's own `NewClient`), or undefined. */
function constructorIn(opts: Compiled, facts: FileFacts, call: Node): Ctor | undefined {
  const fn = call.childForFieldName('function');
  if (!fn) return undefined;
  if (fn.type === 'selector_expression') {
    const name = fn.childForFieldName('field')?.text ?? '';
    if (!opts.nameMayMatch(name)) return undefined;
    // `x.NewClient(…)` on a local value is a method, not a package's constructor.
    const q = facts.qualified(fn);
    if (!q) return undefined;
    const kind = opts.constructorKind(q.path, q.name);
    if (!kind || opts.noClose(q.path, q.name)) return undefined;
    return { callee: `${q.alias}.${q.name}`, path: q.path, name: q.name, explicit: kind === 'explicit', configured: kind === 'configured' };
  }
  if (fn.type === 'identifier') {
    // The package's own constructor (`NewClient(ctx)` in its tests), or a dot import.
    const kind = opts.constructorKind(undefined, fn.text);
    return kind ? { callee: fn.text, name: fn.text, explicit: false, configured: kind === 'configured' } : undefined;
  }
  return undefined;
}

/**
 * A client that owns connections is made from a context: every Google Cloud constructor
 * takes one first. Generated gRPC stubs (`pb.NewGreeterClient(conn)`: the conn is what
 * needs closing) and plain wrappers (`plugins.NewClient(addr, tls)`, `api.NewClient(cfg)`,
 * many without a Close) take none and are left alone, unless configured by name. Of the
 * rest, only packages known to make clients that need closing, unless the file shows it
 * ('evidence': many `New…Client(ctx, …)` return a client with no Close, govmomi's, an
 * *http.Client).
 */
function needsReleaseIn(opts: Compiled, facts: FileFacts, call: Node, ctor: Ctor): boolean | 'evidence' {
  if (ctor.explicit) return true;
  const args = callArgs(call);
  if (!isContextArgument(facts, args[0])) return false;
  // `option.WithGRPCConn(conn)`: the client wraps a connection its caller made and owns;
  // closing that connection is the caller's business, as for a gRPC stub.
  if (args.some((a) => a.type === 'call_expression' && facts.isCallTo(a, OPTION, ['WithGRPCConn', 'WithGRPCConnectionPool']))) return false;
  return ctor.configured || (ctor.path !== undefined && opts.known(ctor.path)) || opts.otherPackages || 'evidence';
}

function releaseMethodOf(opts: Compiled, ctor: Ctor | undefined): string {
  return (ctor?.path && opts.fixMethod(ctor.path)) || 'Close';
}

const kinds = new WeakMap<object, MadeKind>();

/**
 * Which results of a function of the package carry a client it (or a helper it calls) made
 * and handed over: the package-wide form of the same-file helpers. A constructor of another
 * package counts here only when known, configured or explicit (or with otherPackages): the
 * helper's file is not where the evidence is looked for.
 */
function clientResultsKind(options: Partial<ClientOptions>): MadeKind {
  let k = kinds.get(options);
  if (!k) {
    const opts = compileOptions(options);
    k = madeResultsKind(
      `unclosed-client:${JSON.stringify(options)}`,
      (call, facts) => {
        const ctor = constructorIn(opts, facts, call);
        if (!ctor || needsReleaseIn(opts, facts, call, ctor) !== true) return undefined;
        return { callee: ctor.callee, data: releaseMethodOf(opts, ctor) };
      },
      opts.releaseMethods,
    );
    kinds.set(options, k);
  }
  return k;
}

/**
 * `if err != nil { // TODO: Handle error. }` after the constructor: the function is a
 * documentation snippet (it would go on with a nil client), not code that runs; such
 * snippets leave their clients open on purpose, to stay short.
 */
function placeholderCheck(stmt: Node, errName: string | undefined): boolean {
  const body = errorCheckAfter(stmt, errName)?.childForFieldName('consequence');
  return !!body && body.text.replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, '').replace(/\s+/g, '') === '{}';
}

export default defineRule
<MessageId, Partial<ClientOptions>>({
  meta: {
    id: 'unclosed-client',
    title: 'Client from a New…Client constructor is never closed',
    severity: 'error',
    // bench/triage: 3 of 4 findings real (node bench/triage/run.mjs --rules unclosed-client); on
    // golang-samples, against its maintainers' fixes, 58 of 60 leaks found and no other finding.
    precision: 'high',
    tags: ['resource', 'memory', 'grpc', 'google-cloud'],
    fixable: true,
    docs: {
      whatItDoes: [
        'Finds clients made by `New…Client(ctx, …)` constructors (and `New…ClientWith…(ctx, …)`, e.g. `spanner.NewClientWithConfig`) that the function which made them never closes: no `c.Close()` (or Stop, Disconnect, Shutdown, Release, Terminate) anywhere in the function, its closures or deferred funcs, and the client does not escape (returned, also through a type assertion or conversion; stored; passed on). Also a discarded result, a client re-assigned before the first one is closed, a client made on every loop iteration, and a client handed over by a helper of the package that the caller never closes.',
        '',
        'Passing the client to a function or method of the package that only uses it is not an escape: the package view follows it, and a handle made from it (`rc := c.Bucket(b).Object(o).NewReader(ctx)`) into the functions that handle goes to. So is passing it through a function value whose every possible value the file shows (`send = sendGCS` or `send = sendFile`; `cmdFn := commands[name]` with `commands` a package map literal of functions), and printing it (`log.Fatalf("…: %v", c)`).',
        '',
        'The context is recognised by its declared type where the file shows it (`ctx context.Context`, `context.Background()`, `r.Context()`, `t.Context()`, the first result of `context.WithTimeout`), so `commands.NewClient(context)` with `context *cli.Context` is left alone; a name declared elsewhere counts when it reads like a context (`ctx`, `reqCtx`). Constructors of the packages in `knownPackages` are reported (Google Cloud, whose clients hold gRPC connections until Close); those of other packages only when the file shows that their clients need a release (another one is closed here, or the file declares a Close on the type its own constructor returns), because many `New…Client(ctx, …)` return a client with no Close (govmomi, an `*http.Client`). A client built on a connection its caller passed in (`option.WithGRPCConn(conn)`) is the caller\'s to close, through the conn.',
        '',
        'A handle made from the client (`c.Bucket(…)`, an iterator, a reader) that is returned or stored keeps the client in use: no finding and no fix, since a `defer c.Close()` there breaks the handle. A call that only returns data or an error (`return c.Bucket(x).Delete(ctx)`) is not such a handle. `_test.go` files are not checked by default: a test\'s client lives as long as the test binary, and Example functions are documentation that is compiled but not run (on the triage corpus, google-cloud-go\'s 203 unclosed example clients are unchanged upstream to this day). Clients made in `main` are reported: the samples this rule comes from were fixed there too; there a handle stored in a package variable (`topic = client.Topic(name)` for the HTTP handlers) does not silence the finding, because the deferred Close runs only when the program ends, and a package variable that `main` sets from a constructor is reported when no function of the package closes it or hands it on. Package variables set anywhere else (`init`, a Cloud Function\'s `sync.Once`, a lazy `if client == nil`) are left alone.',
        '',
        'Options: `knownPackages` (import paths whose constructors are always reported), `otherPackages: true` (every `New…Client(ctx, …)`, as before issue 9), `tests: true` (tests, their helpers and Example functions too, and documentation snippets whose error check is left empty: `if err != nil { // TODO: Handle error. }`), `constructors` (extra constructors: `importPath.Func` or a name regex), `releaseMethods`, `noClose` (import paths or `importPath.Func` whose result needs no release).',
        '',
        'Where this differs from RULES.md (issue 9, measured on the triage corpus, wins): tests are off by default, other packages need evidence, and a function that returns a handle made from its client gets no finding at all.',
      ].join('\n'),
      whyIsThisBad:
        'A client holds a gRPC connection pool (or HTTP transport) until Close is called. A function that makes one per call, a request handler above all, leaks connections, goroutines and buffers on every call: memory grows like a saw tooth until the process dies. Google found this in a production bot (secretmanager.NewClient per request) and in 180 files of its Go samples.',
      example: EXAMPLE.join('\n'),
      // The same program with the fix the rule suggests.
      useInstead: [...EXAMPLE.slice(0, 15), '\tdefer client.Close()', ...EXAMPLE.slice(15)].join('\n'),
    },
    messages: {
      // {{client}} is `client c`, or just `client` when the variable is called client.
      unclosed: '{{client}} from {{callee}} is never closed (its connections stay open); add defer {{name}}.{{method}}() {{where}}',
      discarded:
        'client from {{callee}} is discarded without being closed (its connections stay open); keep it in a variable and close it with defer c.{{method}}()',
      reassigned:
        '{{client}} from {{callee}} is replaced on line {{line}} before it is closed (its connections stay open); add defer {{name}}.{{method}}() {{where}}',
      inLoop:
        '{{client}} from {{callee}} is never closed and a new one is made on every iteration (their connections stay open); call {{name}}.{{method}}() when the iteration is done with it',
    },
    triggers: ['Client'],
    defaultOptions: {
      constructors: [],
      releaseMethods: ['Stop', 'Disconnect', 'Shutdown', 'Release', 'Terminate'],
      noClose: [
        'google.golang.org/api/idtoken',
        'google.golang.org/genai',
        'github.com/sendgrid',
        'golang.org/x/oauth2',
        // transport.NewHTTPClient and transport/http.NewClient return an *http.Client.
        'google.golang.org/api/transport',
        // Stopped by cancelling Receive's context; it has no Close or Stop.
        'cloud.google.com/go/pubsublite/pscompat.NewSubscriberClient',
      ],
      // google.golang.org/cloud: the same libraries before they moved (2016).
      knownPackages: ['cloud.google.com/go', 'google.golang.org/cloud', 'github.com/google/generative-ai-go'],
      otherPackages: false,
      tests: false,
    },
  },

  // A configured `importPath.Func` adds its name to the triggers; a configured name pattern
  // may match any name, so the file can no longer be skipped on its text.
  optionTriggers(options) {
    const ctors = compileCalleeList((options ?? {}).constructors, false);
    return ctors.regexes.length ? [''] : [...ctors.funcNames];
  },
  create(ctx): Handlers {
    const { facts, text } = ctx;
    const opts = compileOptions(ctx.options ?? {});
    // Test clients live as long as the test binary, and projects do not fix them. Example
    // functions are documentation that `go test` compiles but does not run without an Output
    // comment; google-cloud-go has kept its examples' clients unclosed for years (and the
    // generator change to close them, gapic-generator-go#613, is still open): noise too.
    if (!opts.tests && ctx.filePath.endsWith('_test.go')) return {};
    const ctorCalls: { call: Node; ctor: Ctor }[] = [];
    const helperCalls: Node[] = [];
    /** Calls of functions and methods of other files (or methods of this one) that hand over a client. */
    const packageHelperCalls: { call: Node; key: string }[] = [];

    const constructorOf = (call: Node) => constructorIn(opts, facts, call);

    /** needsReleaseIn, with this file's evidence that other packages' clients need closing. */
    function needsRelease(call: Node, ctor: Ctor): boolean {
      const need = needsReleaseIn(opts, facts, call, ctor);
      return need === 'evidence' ? releasedHere(ctor) : need;
    }

    const evidence = new Map<string, boolean>();

    /**
     * Signs in this file that a constructor's clients need a release: another client it made
     * is released here, or (the package's own constructor) the file declares a release
     * method on the type it returns.
     */
    function releasedHere(ctor: Ctor): boolean {
      const key = `${ctor.path ?? ''}.${ctor.name}`;
      let v = evidence.get(key);
      if (v !== undefined) return v;
      v = ctorCalls.some(({ call, ctor: c }) => c.name === ctor.name && c.path === ctor.path && releasedValue(facts, call, opts.releaseMethods));
      if (!v && ctor.path === undefined) v = ownTypeReleased(ctor.name);
      evidence.set(key, v);
      return v;
    }

    /**
     * `func NewClient(…) (*Client, error)` and `func (c *Client) Close() error`, in this file
     * or in any file of the package.
     */
    function ownTypeReleased(name: string): boolean {
      if (resultHasMethod(facts, name, opts.releaseMethods)) return true;
      const decl = topLevelFunctions(facts).get(name);
      const t = decl && baseType(resultTypes(decl)[0] ?? null);
      const other = decl ? undefined : ctx.pkg.func(name);
      const type = (t?.type === 'type_identifier' && t.text) || (other && baseTypeName(resultTypes(other.node)[0] ?? null));
      return !!type && [...opts.releaseMethods].some((m) => ctx.pkg.has(`method:${type}.${m}`));
    }

    const releaseFor = (ctor: Ctor | undefined) => releaseMethodOf(opts, ctor);

    // Same-file helpers: `func createClients(ctx) (*storage.Client, *pubsub.Client, error)`
    // whose returns carry what a constructor made; result position → the constructor call.
    // `list(w, client)` where `func list(w io.Writer, c *pubsub.Client)` of this file only
    // uses c: the caller keeps the obligation.
    const borrows = borrowCheck(facts, opts.releaseMethods, { known: (call) => stdBorrows(facts, call), elsewhere: packageBorrows(ctx.pkg, facts, opts.releaseMethods) });

    const helperMemo = new Map<string, Map<number, { call: Node; ctor: Ctor }>>();

    function clientResults(name: string): Map<number, { call: Node; ctor: Ctor }> {
      const memo = helperMemo.get(name);
      if (memo) return memo;
      const out = new Map<number, { call: Node; ctor: Ctor }>();
      helperMemo.set(name, out); // recursion guard
      const decl = topLevelFunctions(facts).get(name);
      if (!decl) return out;
      // Variables of the helper that hold a client it made, or one a helper of its own made.
      const made = new Map<string, { call: Node; ctor: Ctor }>();
      for (const c of ctorCalls) {
        if (c.call.startIndex < decl.startIndex || c.call.endIndex > decl.endIndex) continue;
        if (enclosingFunction(c.call)?.id !== decl.id) continue;
        const b = bindingOf(c.call);
        if (b.kind === 'bound' && needsRelease(c.call, c.ctor)) made.set(b.ident.text, c);
      }
      const inner = helperCalls.filter((c) => c.startIndex >= decl.startIndex && c.endIndex <= decl.endIndex);
      for (const h of inner) {
        const callee = h.childForFieldName('function')!.text;
        if (callee === name || enclosingFunction(h)?.id !== decl.id || !topLevelFunctions(facts).has(callee)) continue;
        for (const [pos, m] of clientResults(callee)) {
          const b = bindingOf(h, pos);
          if (b.kind === 'bound') made.set(b.ident.text, m);
        }
      }
      for (const v of [...made.keys()]) {
        // `return client, func() { client.Close() }`: the helper hands out its own clean-up.
        const releases = releasesOf(facts, decl, v, opts.releaseMethods);
        // Kept as well as returned (`cache = c; return c`): not the caller's to close either.
        const kept = settle(facts, decl, v, { methods: NO_METHODS, ignore: RETURNED, borrows });
        if (releases.some((r) => enclosingFunction(r)?.id !== decl.id) || (kept.kind === 'escaped' && kept.reason !== 'named result')) {
          made.delete(v);
        }
      }
      const direct = ctorCalls.filter((c) => c.call.startIndex >= decl.startIndex && c.call.endIndex <= decl.endIndex);
      if (!direct.length && !inner.length) return out;
      const fromCall = (call: Node): Map<number, { call: Node; ctor: Ctor }> => {
        const c = direct.find((d) => d.call.id === call.id);
        if (c) return needsRelease(c.call, c.ctor) ? new Map([[0, c]]) : new Map();
        const f = call.childForFieldName('function');
        return f?.type === 'identifier' && f.text !== name && topLevelFunctions(facts).has(f.text) ? clientResults(f.text) : new Map();
      };
      for (const [pos, m] of returnedPositions(decl, made, fromCall)) out.set(pos, m);
      return out;
    }

    function report(site: Site, owner: Node | null, replacedAt?: Node): void {
      const { binding, callee, method } = site;
      // A snippet is an Example outside a _test.go file: reported with the option tests.
      if (!opts.tests && binding.kind === 'bound' && placeholderCheck(binding.stmt, binding.errName)) return;
      const related = site.madeBy?.call ? [{ node: site.madeBy.call, message: `the client is made here by ${site.madeBy.callee}` }] : [];
      if (binding.kind === 'discarded') {
        ctx.report({ node: site.call, messageId: 'discarded', data: { callee, method }, related });
        return;
      }
      if (binding.kind !== 'bound' || !owner) return;
      const name = binding.ident.text;
      // The advice says where the defer goes, as the fix puts it: after `if err != nil { … }`
      // when one follows, else right after the statement (`client := setup(t)`).
      const where = errorCheckAfter(binding.stmt, binding.errName) ? 'after the error check' : 'after this statement';
      const data = {
        client: name === 'client' ? 'client' : `client ${name}`,
        name,
        callee,
        method,
        where,
        line: replacedAt ? replacedAt.startPosition.row + 1 : 0,
      };
      if (inLoop(binding.stmt, owner)) {
        ctx.report({ node: binding.ident, messageId: 'inLoop', data, related });
        return;
      }
      let suggestions: Suggestion[] | undefined;
      // Only where the variable's function made the client: inserting the defer inside a
      // closure (`once.Do(func() { c, err = … })`) would close it when the closure returns.
      if (enclosingFunction(site.call)?.id === owner.id) {
        const edit = insertAfterErrorCheck(text, binding.stmt, binding.errName, `defer ${name}.${method}()`);
        if (edit) suggestions = [{ desc: `Add defer ${name}.${method}() ${where}`, edits: [edit] }];
      }
      if (replacedAt) related.push({ node: replacedAt, message: `${name} is replaced here` });
      ctx.report({ node: binding.ident, messageId: replacedAt ? 'reassigned' : 'unclosed', data, related, suggestions });
    }

    /**
     * `main` of package main when it sets package variable `id` and no function of the package
     * closes it (or hands it anywhere): like a client made in main, a `defer c.Close()` there
     * runs when the program ends (golang-samples closes its servers' global clients so).
     *
     *	var datastoreClient *datastore.Client
     *	func main() {
     *		datastoreClient, err = datastore.NewClient(ctx, id)   // ← reported
     */
    function mainsGlobal(id: Node): Node | null {
      const fn = enclosingFunction(id);
      if (!fn || !isProgramMain(facts, fn) || facts.resolveName(id.text, id) !== 'package') return null;
      const target = `var:${id.text}`;
      for (const d of ctx.pkg.mentioning(id.text)) {
        const effects = ctx.pkg.summaryOf(coreSummary, d)?.effects ?? [];
        if (effects.some((e) => e.target === target && (e.op === 'escape' || (e.op.startsWith('.') && opts.releaseMethods.has(e.op.slice(1)))))) return null;
      }
      return fn;
    }

    function judge(sites: Site[]): void {
      const groups = new Map<string, { owner: Node; name: string; sites: Site[] }>();
      for (const s of sites) {
        if (s.binding.kind === 'discarded') {
          report(s, null);
          continue;
        }
        if (s.binding.kind !== 'bound') continue;
        const name = s.binding.ident.text;
        // Package-level variables (init, sync.Once, lazy `if client == nil`) live as long
        // as the process; names declared in another file are unknown: both are left alone,
        // except one that main sets and nothing in the package ever closes.
        const owner = s.binding.declares ? enclosingFunction(s.binding.ident) : (ownerOf(facts, name, s.binding.ident) ?? mainsGlobal(s.binding.ident));
        if (!owner) continue;
        const key = `${owner.id}:${name}`;
        const g = groups.get(key);
        if (g) g.sites.push(s);
        else groups.set(key, { owner, name, sites: [s] });
      }
      for (const { owner, name, sites: list } of groups.values()) {
        list.sort((a, b) => a.call.startIndex - b.call.startIndex);
        list.forEach((s, i) => {
          const stmt = stmtOf(s);
          const next = list.slice(i + 1).find((t) => followsInSequence(stmt, stmtOf(t)));
          const nextStmt = next && stmtOf(next);
          // A value's window runs from its assignment to the next one that replaces it.
          const replaces = list.slice(0, i).some((p) => followsInSequence(stmtOf(p), stmt));
          const window = nextStmt
            ? { from: stmt.startIndex, until: nextStmt.endIndex }
            : replaces
              ? { from: stmt.startIndex, closuresAnywhere: true }
              : {};
          const outcome = settle(facts, owner, name, { methods: opts.releaseMethods, own: stmt, borrows, ...window });
          // A handle made from the client (`b := c.Bucket(x)`) that is returned or stored
          // keeps it in use: closing it here would break the handle, and nobody can say when
          // it is safe to close, so neither a finding nor a fix. Except in `main`, whose
          // deferred Close runs when the program ends (`topic = client.Topic(name)` serving
          // HTTP handlers until then).
          if (outcome.kind === 'open' && (isProgramMain(facts, owner) || !derivedEscape(facts, owner, name, window))) report(s, owner, next?.call);
        });
      }
    }

    const kind = clientResultsKind(ctx.options ?? {});

    /**
     * Calls of the package's functions and methods that hand over a client, declared in
     * another file (or methods, which the same-file helpers do not follow): found by the
     * names of the package's client-returning functions in this file's text, each resolved
     * to the declaration it runs.
     */
    function findPackageHelperCalls(root: Node): void {
      if (opts.anyName) return;
      // Functions that call another package's constructor (`storage.NewClient(`): only those
      // count in a helper of the package (madeResultsKind's source).
      // Without configured constructors, only calls whose first argument reads like a
      // context can make a client (needsReleaseIn).
      const ctxArg = opts.explicitNames ? '' : '\\s*[\\w.]*(?:ctx|Ctx|context|Context)\\b';
      const returners = new Set(madeReturners(ctx.pkg, kind, `\\.${opts.namePattern.source.replace(/\\b$/, '')}\\s*\\(${ctxArg}`));
      const names = new Map<string, DeclKey[]>();
      for (const k of returners) {
        const name = nameOfKey(k);
        // This file's own functions are followed by the same-file helpers.
        if (k.startsWith('method:') || !topLevelFunctions(facts).has(name)) names.set(name, [...(names.get(name) ?? []), k]);
      }
      if (!names.size) return;
      for (const n of wordNodes(root, text, [...names.keys()], 0, text.length, (at, word) => mayCallKeys(text, at, word, names.get(word) ?? []))) {
        const call = callOfName(n);
        if (!call) continue;
        const key = ctx.pkg.calleeKey(call, facts);
        if (key && returners.has(key) && !(key.startsWith('func:') && topLevelFunctions(facts).has(key.slice(5)))) packageHelperCalls.push({ call, key });
      }
    }

    function onCall(call: Node): void {
      const fn = call.childForFieldName('function');
      if (fn?.type === 'identifier' && !opts.nameMayMatch(fn.text)) {
        if (facts.packageNames().has(fn.text)) helperCalls.push(call);
        return;
      }
      const ctor = constructorOf(call);
      if (ctor) ctorCalls.push({ call, ctor });
    }

    return {
      // The calls that matter are found from their names in the text (a native search; the
      // tree is touched only at each hit) instead of subscribing to every call of the file:
      // constructors first, and the calls of this file's own functions only when there is
      // a constructor at all. Configured name patterns can match any name: then every call
      // is looked at.
      source_file(root) {
        if (opts.anyName) {
          for (const call of root.descendantsOfType('call_expression')) if (call) onCall(call);
          return;
        }
        for (const name of identifiersMatching(root, text, opts.namePattern, 0, text.length, (at, word) => mayBeConstructorCall(opts, facts, at, word))) {
          const call = callOfName(name);
          if (call) onCall(call);
        }
        findPackageHelperCalls(root);
        // What a helper of the file hands over comes from a constructor call that needs a
        // release (clientResults): without one (gRPC stubs, `NewClient(addr)`), no helper call
        // makes a site, and the file's own functions need not be looked for.
        if (!ctorCalls.some(({ call, ctor }) => needsRelease(call, ctor))) return;
        const own = [...topLevelFunctions(facts).keys()];
        if (!own.length) return;
        for (const name of wordNodes(root, text, own)) {
          if (opts.nameMayMatch(name.text)) continue; // a constructor, found above
          const call = callOfName(name);
          if (call && call.childForFieldName('function')?.id === name.id) onCall(call);
        }
        helperCalls.sort((a, b) => a.startIndex - b.startIndex);
      },
      'source_file:exit'() {
        if (!ctorCalls.length && !packageHelperCalls.length) return;
        const sites: Site[] = [];
        for (const { call, ctor } of ctorCalls) {
          const binding = bindingOf(call);
          if (binding.kind === 'other' || !needsRelease(call, ctor)) continue;
          sites.push({ call, callee: ctor.callee, binding, method: releaseFor(ctor) });
        }
        for (const call of helperCalls) {
          const name = call.childForFieldName('function')!.text;
          if (!topLevelFunctions(facts).has(name) || facts.resolveName(name, call) !== 'package') continue;
          for (const [pos, made] of clientResults(name)) {
            const binding = bindingOf(call, pos);
            if (binding.kind === 'other') continue;
            sites.push({ call, callee: name, madeBy: { call: made.call, callee: made.ctor.callee }, binding, method: releaseFor(made.ctor) });
          }
        }
        for (const { call, key } of packageHelperCalls) {
          const callee = calleeText(call);
          for (const [pos, made] of ctx.pkg.summaryOf(kind, key) ?? []) {
            const binding = bindingOf(call, pos);
            if (binding.kind === 'other') continue;
            sites.push({ call, callee, madeBy: { callee: made.callee }, binding, method: made.data ?? 'Close' });
          }
        }
        judge(sites);
      },
    };
  },
});

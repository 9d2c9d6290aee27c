// Which values are net/http requests and responses, read from syntax alone.
//
//   func h(w http.ResponseWriter, r *http.Request)   a parameter typed *http.Request
//   var resp *http.Response                           a declared type
//   resp, err := http.Get(url)                        net/http's Get, Post, PostForm, Head
//   resp, err := client.Do(req)                       a two-result Do/Get/Post/Head/RoundTrip method
//   req, err := http.NewRequest(…)                    NewRequest, NewRequestWithContext, ReadRequest
//   resp, err := fetch(url)                           a same-file function declared to return one
//   c.Request.Body, c.Request().Body                  a framework context's request (gin, echo)
//   r.HTTPResponse.Body                               an SDK request's response (aws-sdk-go)
//   f.last.Body, for _, resp := range resps           a field or element typed in this file
//
// A name whose type is not visible (a field, a call into another package) is unknown.
import type { Node } from 'web-tree-sitter';
import { definitionsOf, type Def } from './decls.js';
import { type FileFacts, unparen } from './facts.js';
import { funcsOf } from './funcs.js';
import { literalType, writtenType } from './types.js';
import { callArgs } from './words.js';

export type HttpKind = 'request' | 'response';

const HTTP = 'net/http';
const CTXHTTP = 'golang.org/x/net/context/ctxhttp';
const RESPONSE_FUNCS = ['Get', 'Post', 'PostForm', 'Head'];
const REQUEST_FUNCS = ['NewRequest', 'NewRequestWithContext', 'ReadRequest'];
const CLIENT_METHODS = ['Do', 'Get', 'Post', 'PostForm', 'Head', 'RoundTrip'];
const MAX_DEPTH = 4;

/** `*http.Request`, `http.Response`, … (through imports) → the kind, else undefined. */
export function httpTypeKind(facts: FileFacts, type: Node | null): HttpKind | undefined {
  let t = type;
  while (t && (t.type === 'pointer_type' || t.type === 'parenthesized_type')) t = t.namedChild(0);
  if (t?.type !== 'qualified_type') return undefined;
  const pkg = t.childForFieldName('package');
  const name = t.childForFieldName('name')?.text;
  if (!pkg || facts.importPath(pkg.text, t) !== HTTP) return undefined;
  return name === 'Request' ? 'request' : name === 'Response' ? 'response' : undefined;
}

/** The kind of an expression, when syntax shows it is a request or a response. */
export function httpKind(facts: FileFacts, expr: Node, depth = 0): HttpKind | undefined {
  const e = unparen(expr);
  if (depth > MAX_DEPTH) return undefined;
  switch (e.type) {
    case 'identifier':
      for (const d of definitionsOf(facts, e)) {
        const k = defKind(facts, d, depth);
        if (k) return k;
      }
      return httpTypeKind(facts, writtenType(facts, e)); // a ranged element
    case 'selector_expression': {
      // c.Request / c.Response: a framework context's embedded message; r.HTTPResponse:
      // an SDK request's response (aws-sdk-go). Not r.HTTPRequest: an SDK sends that one.
      const f = e.childForFieldName('field')?.text;
      if (f === 'Request') return 'request';
      if (f === 'Response' || f === 'HTTPResponse') return 'response';
      return httpTypeKind(facts, writtenType(facts, e)); // a field of the file's own struct
    }
    case 'call_expression': {
      // c.Request() (echo)
      const fn = e.childForFieldName('function');
      if (fn?.type === 'selector_expression' && fn.childForFieldName('field')?.text === 'Request' && !facts.qualified(fn)) return 'request';
      return callKind(facts, e, 0);
    }
    case 'unary_expression':
    case 'composite_literal': {
      // &http.Request{…}
      const type = literalType(e);
      return type ? httpTypeKind(facts, type) : undefined;
    }
    default:
      return undefined;
  }
}

function defKind(facts: FileFacts, d: Def, depth: number): HttpKind | undefined {
  const byType = httpTypeKind(facts, d.type);
  if (byType) return byType;
  if (d.value) return httpKind(facts, d.value, depth + 1);
  if (d.multi) return callKind(facts, d.multi.call, d.multi.index);
  return undefined;
}

/** What result `index` of `call` is, when the call is one that makes requests or responses. */
function callKind(facts: FileFacts, call: Node, index: number): HttpKind | undefined {
  const fn = call.childForFieldName('function');
  if (!fn) return undefined;
  const q = facts.qualified(fn);
  if (q) {
    if (index !== 0) return undefined;
    if (q.path === HTTP && RESPONSE_FUNCS.includes(q.name)) return 'response';
    if (q.path === HTTP && q.name === 'ReadResponse') return 'response';
    if (q.path === HTTP && REQUEST_FUNCS.includes(q.name)) return 'request';
    if (q.path === CTXHTTP && (q.name === 'Do' || RESPONSE_FUNCS.includes(q.name))) return 'response';
    if (q.path === 'net/http/httptest' && q.name === 'NewRequest') return 'request';
    return undefined;
  }
  if (fn.type === 'selector_expression') {
    // resp, err := client.Do(req): two results, a client method name.
    const name = fn.childForFieldName('field')?.text ?? '';
    const lhs = call.parent?.parent;
    const twoResults = (lhs?.type === 'short_var_declaration' || lhs?.type === 'assignment_statement') && (lhs.childForFieldName('left')?.namedChildCount ?? 0) === 2;
    return index === 0 && twoResults && CLIENT_METHODS.includes(name) ? 'response' : undefined;
  }
  if (fn.type === 'identifier' && facts.resolveName(fn.text, fn) === 'package') {
    // A same-file function declared to return *http.Response (or *http.Request).
    const decl = funcsOf(facts).byName().get(fn.text)?.[0];
    const result = decl?.type === 'function_declaration' ? decl.childForFieldName('result') : null;
    if (!result) return undefined;
    if (result.type !== 'parameter_list') return index === 0 ? httpTypeKind(facts, result) : undefined;
    let i = 0;
    for (const p of result.namedChildren) {
      if (p?.type !== 'parameter_declaration') continue;
      const n = Math.max(1, p.childrenForFieldName('name').length);
      if (index < i + n) return httpTypeKind(facts, p.childForFieldName('type'));
      i += n;
    }
  }
  return undefined;
}

/** For `X.Body` where X is a request or response: X, else undefined. */
export function bodyOwner(facts: FileFacts, expr: Node): Node | undefined {
  const e = unparen(expr);
  if (e.type !== 'selector_expression' || e.childForFieldName('field')?.text !== 'Body') return undefined;
  const owner = e.childForFieldName('operand');
  return owner && httpKind(facts, owner) ? owner : undefined;
}

/**
 * True for a request this code sends rather than receives: one it builds itself
 * (`req, err := http.NewRequest(…, body)`) or the request a RoundTrip method is handed.
 * Its Body is a reader this side supplied, not bytes from a peer.
 */
export function outgoingRequest(facts: FileFacts, expr: Node): boolean {
  const e = unparen(expr);
  if (e.type !== 'identifier') return false;
  return definitionsOf(facts, e).some((d) => {
    if (d.node.type === 'parameter_declaration') {
      const fn = d.node.parent?.parent;
      return fn?.type === 'method_declaration' && fn.childForFieldName('name')?.text === 'RoundTrip' && d.node.parent?.id === fn.childForFieldName('parameters')?.id;
    }
    const call = d.multi?.index === 0 ? d.multi.call : d.value ? unparen(d.value) : null;
    return call?.type === 'call_expression' && (facts.isCallTo(call, HTTP, ['NewRequest', 'NewRequestWithContext']) || facts.isCallTo(call, 'net/http/httptest', 'NewRequest'));
  });
}

/** `http.ResponseWriter` through imports. */
function isResponseWriter(facts: FileFacts, type: Node | null): boolean {
  const t = type?.type === 'parenthesized_type' ? type.namedChild(0) : type;
  if (t?.type !== 'qualified_type') return false;
  return t.childForFieldName('name')?.text === 'ResponseWriter' && facts.importPath(t.childForFieldName('package')?.text ?? '', t) === HTTP;
}

/** Web frameworks whose handlers take a request context (`*gin.Context`, `echo.Context`, `*fiber.Ctx`). */
const WEB_FRAMEWORKS = /^github\.com\/(gin-gonic\/gin|labstack\/echo(\/v\d+)?|gofiber\/fiber(\/v\d+)?)$/;

/**
 * A web framework's request context. Not any `Context`: a CLI framework's `*cli.Context`
 * carries flags, not a client's request.
 */
function isFrameworkContext(facts: FileFacts, type: Node | null): boolean {
  let t = type;
  while (t && (t.type === 'pointer_type' || t.type === 'parenthesized_type')) t = t.namedChild(0);
  if (t?.type !== 'qualified_type' || !/^(Context|Ctx)$/.test(t.childForFieldName('name')?.text ?? '')) return false;
  return WEB_FRAMEWORKS.test(facts.importPath(t.childForFieldName('package')?.text ?? '', t) ?? '');
}

/** True when `fn` (a function node) declares an `http.ResponseWriter` parameter. */
export function servesHTTP(facts: FileFacts, fn: Node): boolean {
  const params = fn.childForFieldName('parameters');
  return (params?.namedChildren ?? []).some((p) => p?.type === 'parameter_declaration' && isResponseWriter(facts, p.childForFieldName('type')));
}

/**
 * True for a request this code received from a client: a `*http.Request` parameter of a
 * function that also takes the `http.ResponseWriter` (a handler, or a helper handed both),
 * a framework context's request (`c.Request`, `c.Request()` with `c *gin.Context`), or one
 * read off a connection with `http.ReadRequest`. A request parameter without a writer
 * may be one the code is about to send (a transport filter, a debug dump): not counted.
 */
export function incomingRequest(facts: FileFacts, owner: Node): boolean {
  const e = unparen(owner);
  if (e.type === 'selector_expression' || e.type === 'call_expression') {
    // c.Request, c.Request()
    const sel = e.type === 'call_expression' ? e.childForFieldName('function') : e;
    const ctx = sel?.type === 'selector_expression' ? unparen(sel.childForFieldName('operand') ?? sel) : null;
    if (sel?.childForFieldName('field')?.text !== 'Request' || ctx?.type !== 'identifier') return false;
    return definitionsOf(facts, ctx).some((d) => d.node.type === 'parameter_declaration' && isFrameworkContext(facts, d.type));
  }
  if (e.type !== 'identifier') return false;
  return definitionsOf(facts, e).some((d) => {
    if (d.node.type === 'parameter_declaration') {
      const fn = d.node.parent?.parent;
      return httpTypeKind(facts, d.type) === 'request' && fn !== null && fn !== undefined && d.node.parent?.id === fn.childForFieldName('parameters')?.id && servesHTTP(facts, fn);
    }
    const call = d.multi?.index === 0 ? d.multi.call : d.value ? unparen(d.value) : null;
    return call?.type === 'call_expression' && facts.isCallTo(call, HTTP, 'ReadRequest');
  });
}

/**
 * Where the URL of a response comes from, from the least to the most trusted:
 * - request: the incoming request names it (`r.URL.Query().Get("url")`, `c.Query("u")`),
 *   so any client picks the server this code reads from;
 * - input: a parameter of the function, or a field (a configured endpoint, a peer);
 * - fixed: written in the code (`"https://api.example.com/v1"`), or not traceable here.
 * A URL whose host is written out (`"http://backend" + r.URL.Path`) is fixed: the input
 * only picks a path on a server the code chose.
 */
export type UrlOrigin = 'request' | 'input' | 'fixed';
const ORIGIN_RANK: Record<UrlOrigin, number> = { fixed: 0, input: 1, request: 2 };

export interface ResponseSource {
  origin: UrlOrigin;
  /** The URL expression, when the call that made the response shows it. */
  url?: Node;
  /** The expression the origin comes from (`r.FormValue("u")` behind `u.String()`). */
  from?: Node;
}

const maxOrigin = (a: UrlOrigin, b: UrlOrigin): UrlOrigin => (ORIGIN_RANK[a] >= ORIGIN_RANK[b] ? a : b);

/** The URL argument of a call that makes a response or a request, if it is one. */
function urlArgument(facts: FileFacts, call: Node): { url?: Node; req?: Node } | undefined {
  const fn = call.childForFieldName('function');
  const args = callArgs(call);
  const q = facts.qualified(fn);
  if (q) {
    if (q.path === HTTP && RESPONSE_FUNCS.includes(q.name)) return { url: args[0] };
    if (q.path === HTTP && q.name === 'NewRequest') return { url: args[1] };
    if (q.path === HTTP && q.name === 'NewRequestWithContext') return { url: args[2] };
    if (q.path === CTXHTTP) return q.name === 'Do' ? { req: args[2] } : { url: args[2] };
    return undefined;
  }
  if (fn?.type !== 'selector_expression') return undefined;
  const name = fn.childForFieldName('field')?.text ?? '';
  if (name === 'Do' || name === 'RoundTrip') return { req: args[0] };
  // client.Get(url), or a wrapper's client.Get(ctx, url)
  if (RESPONSE_FUNCS.includes(name)) return { url: args.length > 1 && isContextArg(args[0]!) ? args[1] : args[0] };
  // req.WithContext(ctx), req.Clone(ctx): the same request
  if (name === 'WithContext' || name === 'Clone') return { req: fn.childForFieldName('operand') ?? undefined };
  return undefined;
}

/** `ctx`, `r.Context()`, `context.Background()`: a context handed before the URL. */
function isContextArg(a: Node): boolean {
  return /^(ctx|context\.\w+\(\)|\w+\.Context\(\))$/.test(a.text);
}

/** The URL a response or request expression was made for, followed through variables. */
function urlOf(facts: FileFacts, expr: Node | undefined, depth: number): Node | undefined {
  if (!expr || depth > MAX_DEPTH) return undefined;
  const e = unparen(expr);
  if (e.type === 'call_expression') {
    const a = urlArgument(facts, e);
    return a?.url ?? urlOf(facts, a?.req, depth + 1);
  }
  if (e.type !== 'identifier') return undefined;
  for (const d of definitionsOf(facts, e)) {
    const v = d.multi?.index === 0 ? d.multi.call : d.value;
    const u = v ? urlOf(facts, v, depth + 1) : undefined;
    if (u) return u;
  }
  return undefined;
}

/** A string literal's value, or undefined for any other node. */
function literalText(n: Node): string | undefined {
  if (n.type === 'interpreted_string_literal') return n.text.slice(1, -1);
  if (n.type === 'raw_string_literal') return n.text.slice(1, -1);
  return undefined;
}

type Part = string | Node;

/** A URL as the pieces it is concatenated from: `a + "/x"`, `fmt.Sprintf("http://%s/x", h)`. */
function urlParts(facts: FileFacts, e: Node, out: Part[]): void {
  const n = unparen(e);
  const lit = literalText(n);
  if (lit !== undefined) {
    out.push(lit);
  } else if (n.type === 'binary_expression' && n.childForFieldName('operator')?.type === '+') {
    urlParts(facts, n.childForFieldName('left')!, out);
    urlParts(facts, n.childForFieldName('right')!, out);
  } else if (n.type === 'call_expression' && facts.isCallTo(n, 'fmt', 'Sprintf') && literalText(callArgs(n)[0] ?? n) !== undefined) {
    const [format, ...args] = callArgs(n);
    const pieces = literalText(format!)!.split(/%[-+# 0-9.]*[a-zA-Z%]/);
    pieces.forEach((piece, i) => {
      out.push(piece);
      if (i < pieces.length - 1) out.push(args[i] ?? piece);
    });
  } else {
    out.push(n);
  }
}

/**
 * The parts of a URL that choose the server: those before the path starts. In
 * `"http://" + host + "/v1/" + suffix` that is `host`; in `"https://api.example.com/" + id`
 * nothing (the host is written out); in `base + "/members"` it is `base`.
 */
function serverParts(facts: FileFacts, e: Node): Node[] {
  const parts: Part[] = [];
  urlParts(facts, e, parts);
  const out: Node[] = [];
  let inHost = false;
  for (const p of parts) {
    if (typeof p !== 'string') {
      out.push(p);
      continue;
    }
    const scheme = inHost ? -1 : p.indexOf('://');
    const rest = scheme >= 0 ? p.slice(scheme + 3) : p;
    if (scheme >= 0) inHost = true;
    if (/[/?#]/.test(rest)) break;
    // "http://backend:8080" + path: a written host that is complete (not "http://",
    // "host:" or "api.") leaves only the path to what follows.
    if (inHost && rest !== '' && !/[:.@-]$/.test(rest)) break;
  }
  return out;
}

/** An origin and the expression that shows it (the part of the URL, followed through variables). */
interface Traced {
  origin: UrlOrigin;
  at?: Node;
}

const more = (a: Traced, b: Traced): Traced => (ORIGIN_RANK[b.origin] > ORIGIN_RANK[a.origin] ? b : a);

/** The origin of a URL expression: the least trusted of the names that choose its server. */
export function urlOrigin(facts: FileFacts, expr: Node): UrlOrigin {
  return traceUrl(facts, expr, 0).origin;
}

function traceUrl(facts: FileFacts, expr: Node, depth: number): Traced {
  let best: Traced = { origin: 'fixed' };
  if (depth > MAX_DEPTH) return best;
  for (const part of serverParts(facts, expr)) {
    const ids = part.type === 'identifier' ? [part] : part.descendantsOfType('identifier').filter((n): n is Node => n !== null);
    for (const id of ids) {
      const t = identifierOrigin(facts, id, depth);
      best = more(best, { origin: t.origin, at: t.at ?? part });
      if (best.origin === 'request') return best;
    }
  }
  return best;
}

/** The origin of one name in a URL; `at` is left out when the name itself is the input (a parameter). */
function identifierOrigin(facts: FileFacts, id: Node, depth: number): Traced {
  // The field of a keyed element (`url.URL{Host: h}`) or a package name is not data.
  if (id.parent?.type === 'literal_element' && id.parent.parent?.type === 'keyed_element' && id.parent.parent.namedChild(0)?.id === id.parent.id) return { origin: 'fixed' };
  let best: Traced = { origin: 'fixed' };
  for (const d of definitionsOf(facts, id)) {
    if (d.node.type === 'parameter_declaration' || d.node.type === 'variadic_parameter_declaration') {
      const kind = httpTypeKind(facts, d.type);
      if ((kind === 'request' && incomingRequest(facts, id)) || isFrameworkContext(facts, d.type)) return { origin: 'request' };
      best = more(best, { origin: kind === 'response' ? 'fixed' : 'input' });
      continue;
    }
    const v = d.node.type === 'range_clause' ? d.node.childForFieldName('right') : d.multi ? d.multi.call : d.value;
    if (v) best = more(best, traceUrl(facts, v, depth + 1));
    if (best.origin === 'request') return best;
  }
  return best;
}

/**
 * For a response (`resp` of `resp.Body`), where the URL it was fetched from comes from.
 * Responses whose making is not visible here (a parameter, another file's helper) are fixed.
 */
export function responseSource(facts: FileFacts, owner: Node): ResponseSource {
  const url = urlOf(facts, owner, 0);
  if (!url) return { origin: 'fixed' };
  const t = traceUrl(facts, url, 0);
  return { origin: t.origin, url, from: t.at };
}

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
import { writtenType } from './types.js';

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
      const lit = e.type === 'unary_expression' ? unparen(e.childForFieldName('operand') ?? e) : e;
      return lit.type === 'composite_literal' ? httpTypeKind(facts, lit.childForFieldName('type')) : undefined;
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

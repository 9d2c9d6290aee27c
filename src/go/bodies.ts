// Where a reader comes from when it carries an HTTP body, and whether anything bounds it
// on the way: a limit (`io.LimitReader`, `http.MaxBytesReader`, `io.LimitedReader{…}`) on
// the path, the body replaced by a bounded one (`r.Body = http.MaxBytesReader(w, r.Body, n)`),
// a middleware of the file that caps every request, or a wrapper of the code's own that
// re-wraps the variable in place (`body = truncate(body, n)`).
//
//   io.ReadAll(resp.Body)                       resp.Body, unbounded
//   zr, _ := gzip.NewReader(resp.Body); io.ReadAll(zr)      resp.Body, through zr
//   io.ReadAll(io.LimitReader(resp.Body, n))    bounded
import type { Node } from 'web-tree-sitter';
import { definitionsOf } from './decls.js';
import { enclosingFunction, type FileFacts, unparen } from './facts.js';
import { bodyOwner, httpKind, outgoingRequest } from './http.js';
import { callArgs, callOfName, wordNodes } from './words.js';

/** Readers that pass the body's bytes on one for one (or inflate them): still unbounded. */
const WRAPPERS: Record<string, string[]> = {
  'compress/gzip': ['NewReader'],
  'compress/zlib': ['NewReader'],
  'compress/flate': ['NewReader'],
  'compress/bzip2': ['NewReader'],
  'compress/lzw': ['NewReader'],
  bufio: ['NewReader', 'NewReaderSize'],
  io: ['TeeReader', 'NopCloser'],
  'io/ioutil': ['NopCloser'],
};
const MAX_DEPTH = 4;

export interface BodySource {
  /** The request or response whose body is read (`resp`, `c.Request`). */
  owner: Node;
  /** The `X.Body` expression. */
  body: Node;
  /** Where the body was wrapped or stored on its way to the read, if not read directly. */
  via?: Node;
}

/** A call or literal that bounds a reader: io.LimitReader, http.MaxBytesReader, io.LimitedReader{…}. */
function isLimit(facts: FileFacts, n: Node): boolean {
  if (n.type === 'call_expression') return facts.isCallTo(n, 'io', 'LimitReader') || facts.isCallTo(n, 'net/http', 'MaxBytesReader');
  if (n.type === 'composite_literal') {
    const t = n.childForFieldName('type');
    const q = t?.type === 'qualified_type' ? facts.importPath(t.childForFieldName('package')?.text ?? '', t) : undefined;
    return q === 'io' && t?.childForFieldName('name')?.text === 'LimitedReader';
  }
  return false;
}

function containsLimit(facts: FileFacts, e: Node): boolean {
  if (isLimit(facts, e)) return true;
  return e.descendantsOfType(['call_expression', 'composite_literal']).some((n) => n !== null && isLimit(facts, n));
}

/**
 * Follows a reader back to an HTTP body: directly (`resp.Body`), through a wrapper
 * (`gzip.NewReader(resp.Body)`) or through variables. 'bounded' when a limit is on the way.
 */
function traceBody(facts: FileFacts, expr: Node, depth = 0): BodySource | 'bounded' | undefined {
  const e = unparen(expr);
  if (depth > MAX_DEPTH) return undefined;
  if (containsLimit(facts, e)) return 'bounded';
  const owner = bodyOwner(facts, e);
  if (owner) return { owner, body: e };
  if (e.type === 'call_expression') {
    const q = facts.qualified(e.childForFieldName('function'));
    const arg = callArgs(e)[0];
    if (!q || !arg || !WRAPPERS[q.path]?.includes(q.name)) return undefined;
    const src = traceBody(facts, arg, depth + 1);
    return src && src !== 'bounded' ? { ...src, via: src.via ?? e } : src;
  }
  if (e.type !== 'identifier') return undefined;
  const defs = definitionsOf(facts, e);
  // body = truncate(body, n): a limit, or a function of ours that most likely is one, wraps
  // the variable in place; the plain `body := r.Body` it wrapped no longer counts.
  const rewrapped = defs.some((d) => d.value && rewraps(facts, d.value, e.text));
  let found: BodySource | undefined;
  for (const d of defs) {
    const value = d.value ?? (d.multi?.index === 0 ? d.multi.call : null);
    if (!value) continue;
    if (rewrapped && (rewraps(facts, value, e.text) || bodyOwner(facts, value))) continue;
    const src = traceBody(facts, value, depth + 1);
    if (src === 'bounded') return 'bounded';
    if (src && !found) found = { ...src, via: src.via ?? d.node };
  }
  return found;
}

/** `name = f(name, …)` with f a limit or a call this rule cannot see into (not a known wrapper). */
function rewraps(facts: FileFacts, value: Node, name: string): boolean {
  const v = unparen(value);
  if (v.type !== 'call_expression') return false;
  if (!callArgs(v).some((a) => unparen(a).type === 'identifier' && unparen(a).text === name)) return false;
  if (containsLimit(facts, v)) return true;
  const q = facts.qualified(v.childForFieldName('function'));
  return !q || !WRAPPERS[q.path]?.includes(q.name);
}

/** Text of an expression with its spaces dropped, to compare `r.Body` with `r .Body`. */
export const squash = (n: Node) => n.text.replace(/\s+/g, '');

/**
 * True when the function reading the body (or one enclosing it) bounds it by assignment:
 * `r.Body = http.MaxBytesReader(w, r.Body, n)`, `resp.Body = io.NopCloser(io.LimitReader(…))`.
 */
function boundedByAssignment(facts: FileFacts, src: BodySource, at: Node): boolean {
  const target = squash(src.body);
  // The outermost function holds the assignments of every function between it and `at`.
  let top: Node | null = null;
  for (let fn = enclosingFunction(at); fn; fn = enclosingFunction(fn)) top = fn;
  if (!top) return false;
  for (const st of facts.within(top, 'assignment_statement')) {
    const left = st.childForFieldName('left')?.namedChildren ?? [];
    const right = st.childForFieldName('right')?.namedChildren ?? [];
    const i = left.findIndex((l) => l !== null && squash(l) === target);
    if (i >= 0 && right[i] && containsLimit(facts, right[i]!)) return true;
  }
  return false;
}

/**
 * True when the file caps request bodies in a middleware: `http.MaxBytesHandler`, or
 * `r.Body = http.MaxBytesReader(…)` inside a function literal (the `http.HandlerFunc(func(w,
 * r) {…})` a middleware returns). A handler of the same file is likely behind it.
 */
export function fileCapsRequests(facts: FileFacts): boolean {
  if (!facts.text.includes('MaxBytes')) return false;
  return wordNodes(facts.root, facts.text, ['MaxBytesReader', 'MaxBytesHandler']).some((n) => {
    const call = callOfName(n);
    if (!call) return false;
    if (facts.isCallTo(call, 'net/http', 'MaxBytesHandler')) return true;
    return facts.isCallTo(call, 'net/http', 'MaxBytesReader') && enclosingFunction(call)?.type === 'func_literal';
  });
}

/**
 * The HTTP body that `reader` (read whole at `at`) comes from, unless something bounds it
 * or it is a request this code sends (one it built, or one a RoundTrip method is handed).
 */
export function unboundedBody(facts: FileFacts, reader: Node, at: Node, capsRequests: () => boolean): BodySource | undefined {
  const src = traceBody(facts, reader);
  if (!src || src === 'bounded') return undefined;
  if (boundedByAssignment(facts, src, at)) return undefined;
  if (httpKind(facts, src.owner) === 'request' && (capsRequests() || outgoingRequest(facts, src.owner))) return undefined;
  return src;
}

// Calls that make an HTTP response whose body the caller must close, read from syntax, and
// the conditions under which a response holds nothing: the facts of the unclosed-body rule.
//
//	resp, err := http.Get(url)                 net/http's Get, Post, PostForm (Head: optional)
//	resp, err := c.Do(req)                     c is an *http.Client by what the code shows
//	resp, err := d.Do(req)                     a one-argument Do of a request this code built
//	resp, err := t.RoundTrip(req)              t is an *http.Transport
//
// A response to HEAD, a 204 or 304, one whose request context is done, or one on a hijacked
// connection holds no connection the caller must give back.
import type { Node } from 'web-tree-sitter';
import { definitionsOf } from './decls.js';
import { enclosingFunction, unparen, unparenUp, type FileFacts } from './facts.js';
import { httpKind } from './http.js';
import { argumentCount, calledFieldPattern, closingParen, followable, mayBeFollowable, ownMayHandOver } from './leaks.js';
import { bindingOf, calleeDecl, parameterAt } from './obligations.js';
import type { PackageView } from './package.js';
import { wholeRead } from './reads.js';
import { valueType } from './valuetypes.js';
import { callArgs } from './words.js';

export const HTTP = 'net/http';
// HEAD is left out by default (the `head` option adds it): a response to HEAD has no body,
// and the transport puts the connection back in its pool before it hands the response over,
// so nothing is held. ReadResponse reads from a connection the caller owns and closes.
/** Package functions that return a response: import path → names. */
export const RESPONSE_FUNCS = new Map<string, ReadonlySet<string>>([
  [HTTP, new Set(['Get', 'Post', 'PostForm'])],
  ['golang.org/x/net/context/ctxhttp', new Set(['Do', 'Get', 'Post', 'PostForm'])],
]);
/** Methods of *http.Client that return a response, with their number of arguments. */
export const CLIENT_METHODS = new Map([
  ['Do', 1],
  ['Get', 1],
  ['Post', 3],
  ['PostForm', 2],
]);
export const TRANSPORTS = new Set(['net/http.Transport', 'golang.org/x/net/http2.Transport']);
/** Every name a response-making call can have, as one regex over the file text. */
export const NAMES = calledFieldPattern(['Get', 'Post', 'PostForm', 'Do', 'RoundTrip']);
/** Functions of the package that may hand a response over name its type (to find them without parsing). */
export const RETURNS_RESPONSE = String.raw`\bhttp\.Response\b`;
/** A declaration whose text names no response type hands none over (Makers' first test). */
export const HANDS_OVER = new RegExp(RETURNS_RESPONSE);
export const NAMES_WITH_HEAD = calledFieldPattern(['Get', 'Head', 'Post', 'PostForm', 'Do', 'RoundTrip']);

/** Statuses whose responses have no body: the transport reuses the connection at once. */
export const EMPTY_STATUS = new Set(['204', '304', 'StatusNoContent', 'StatusNotModified']);

/**
 * `resp.StatusCode == http.StatusNoContent` (or 304), `resp.ContentLength == 0`: the outcome
 * of the comparison under which the response has no body to close.
 */
export function noBody(name: string, atom: Node): boolean | undefined {
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
export function requestDone(facts: FileFacts, call: Node, communication: Node): boolean {
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

/**
 * The calls of `owner` itself (not a closure, a defer or a goroutine) that read the body of
 * response `name` to its end: `io.ReadAll(resp.Body)`, `io.Copy(io.Discard, resp.Body)`, a
 * function of the file whose first statement does that to its parameter, and
 * `httputil.DumpResponse(resp, true)` (it reads the body and closes it: the only one left
 * with `reads` false, as it is a close in truth). net/http gives the
 * connection back to its pool when the body reaches EOF, and closes it when a read fails, so
 * after such a call nothing stays open even if Close never comes (a Copy to another writer
 * may stop on a write error with the body half read: not one). The exception is left to the
 * `drained` option: a transparently gunzipped body whose gzip stream is corrupt fails in the
 * decoder, not the transport, and keeps its connection until closed.
 */
export function bodyDrains(facts: FileFacts, owner: Node, name: string, reads = true, anyWriter = false): Node[] {
  const out: Node[] = [];
  for (const use of facts.uses(owner, name)) {
    const sel = use.parent;
    if (sel?.type === 'argument_list') {
      const call = sel.parent;
      const args = call?.type === 'call_expression' ? callArgs(call) : [];
      if (call && args[0]?.id === use.id && args[1]?.text === 'true' && facts.isCallTo(call, 'net/http/httputil', 'DumpResponse') && directlyIn(call, owner)) out.push(call);
      continue;
    }
    if (!reads || sel?.type !== 'selector_expression' || sel.childForFieldName('operand')?.id !== use.id || sel.childForFieldName('field')?.text !== 'Body') continue;
    const call = unparenUp(sel).parent?.parent;
    if (call?.type !== 'call_expression' || !directlyIn(call, owner)) continue;
    if (readsToEnd(facts, call, sel, anyWriter) || drainingHelper(facts, call, sel)) out.push(call);
  }
  return out;
}

/** `call` is `io.ReadAll(r)` or `io.Copy(io.Discard, r)` (with `anyWriter`, a Copy to any writer) with `r` the reader `reader`. */
function readsToEnd(facts: FileFacts, call: Node, reader: Node, anyWriter: boolean): boolean {
  const fn = call.childForFieldName('function');
  const word = fn?.type === 'selector_expression' ? fn.childForFieldName('field') : null;
  const read = word ? wholeRead(facts, word) : undefined;
  if (!read || unparen(read.reader).id !== reader.id) return false;
  if (read.kind === 'readAll' || (anyWriter && read.kind === 'copy')) return true;
  const discard = read.kind === 'copy' && read.dst ? facts.qualified(unparen(read.dst)) : undefined;
  return !!discard && (discard.path === 'io' || discard.path === 'io/ioutil') && discard.name === 'Discard';
}

/** `bodyToString(resp.Body)` where the file's bodyToString starts with `io.ReadAll(body)`. */
function drainingHelper(facts: FileFacts, call: Node, arg: Node): boolean {
  const index = callArgs(call).findIndex((a) => unparen(a).id === arg.id);
  const decl = index >= 0 ? calleeDecl(facts, call, false) : undefined;
  const param = decl && parameterAt(decl, index);
  const first = decl?.childForFieldName('body')?.namedChildren.find((c) => c?.type !== 'comment');
  if (!param || !first) return false;
  return first.descendantsOfType('call_expression').some((c) => {
    const r = c?.childForFieldName('arguments')?.namedChildren.find((a) => unparen(a!).type === 'identifier' && unparen(a!).text === param);
    return !!c && !!r && directlyIn(c, decl!) && readsToEnd(facts, c, unparen(r), false);
  });
}

/** `n` runs in `owner`'s own flow: not in a closure, a deferred call or a goroutine. */
function directlyIn(n: Node, owner: Node): boolean {
  for (let p = n.parent; p && p.id !== owner.id; p = p.parent) {
    if (p.type === 'func_literal' || p.type === 'defer_statement' || p.type === 'go_statement') return false;
  }
  return true;
}

/** A request made with method HEAD: `http.NewRequest("HEAD", …)`, `http.MethodHead`. */
export function headRequest(facts: FileFacts, req: Node): boolean {
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
export function hijacks(call: Node, recv: Node): boolean {
  const owner = enclosingFunction(call);
  return !!owner && owner.text.includes(`${recv.text}.Hijack(`);
}

/** A call of the function `path.name` makes a response. */
function responseFunc(path: string, name: string, head: boolean): boolean {
  return RESPONSE_FUNCS.get(path)?.has(name) || (head && name === 'Head' && RESPONSE_FUNCS.has(path));
}

/** Arguments that start with a function literal: `(func() {`, `( func (x T) {`. */
const FUNC_ARG = /^\s*\(\s*func\s*\(/;

/**
 * True when the arguments of the call whose name ends at `end` are one function literal
 * (`once.Do(func() {…})`): they start with `func(` and end with its closing brace, not a
 * call of it (`c.Do(func() *http.Request {…}())` sends the request the literal makes).
 */
function funcLiteralArg(text: string, end: number): boolean {
  const m = FUNC_ARG.exec(text.slice(end, end + 40));
  if (!m) return false;
  const close = closingParen(text, end + m[0].indexOf('('), 1 << 16);
  let i = close - 1;
  while (i > end && /[\s,]/.test(text[i]!)) i--;
  return close > 0 && text[i] === '}';
}

/**
 * False for a name at `at` (a hit of NAMES) whose call the text already shows makes no
 * response and calls none of the file's functions: another package's function
 * (`proto.Get`), or a method call whose value cannot be followed (`v := m.Get(k)`). Its
 * declaration need not be parsed for it.
 */
export function mayMakeResponse(facts: FileFacts, at: number, name: string, head: boolean): boolean {
  const sel = facts.selectorAt(at);
  if (sel === undefined) return true;
  if (sel.path !== undefined) return responseFunc(sel.path, name, head);
  // A method: where its value can be followed, or a helper of the file (calleeDecl). Do or
  // RoundTrip given a function literal (`once.Do(func() {…})`) sends no request.
  const own = ownMayHandOver(facts, name, HANDS_OVER);
  if ((name === 'Do' || name === 'RoundTrip') && funcLiteralArg(facts.text, at + name.length)) return own;
  return own || (mayHaveArguments(facts.text, at + name.length, methodArguments(name, head)) && mayBeFollowable(facts.text, at));
}

/** How many arguments a response-making method called `name` takes (responseIn), or -1 for none. */
function methodArguments(name: string, head: boolean): number {
  if (name === 'Do' || name === 'RoundTrip') return 1;
  return CLIENT_METHODS.get(name) ?? (head && name === 'Head' ? 1 : -1);
}

/** False when the text shows the call whose name ends at `end` has other than `count` arguments (`b.Do(ctx, a)`). */
function mayHaveArguments(text: string, end: number, count: number): boolean {
  let i = end;
  while (text[i] === ' ' || text[i] === '\t') i++;
  if (text[i] !== '(') return count >= 0;
  const n = argumentCount(text, i, 4096);
  return n < 0 ? count >= 0 : n === count;
}

/**
 * The call makes a response: returns how it is written (`http.Get`, `client.Do`), else
 * undefined. `pkg` resolves receivers whose types are declared in other files.
 */
export function responseIn(facts: FileFacts, call: Node, head: boolean, pkg?: PackageView): string | undefined {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'selector_expression') return undefined;
  const q = facts.qualified(fn);
  if (q) return responseFunc(q.path, q.name, head) ? `${q.alias}.${q.name}` : undefined;
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
  if (methodArguments(name, head) !== args.length) return undefined;
  return valueType(facts, recv, pkg) === 'net/http.Client' ? callee : undefined;
}

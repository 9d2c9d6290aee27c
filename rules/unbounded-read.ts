// unbounded-read (seed 000): a whole network body read into memory with no bound.
//
//   data, err := io.ReadAll(resp.Body)                     // flagged
//   buf := bytes.NewBuffer(make([]byte, 0, resp.ContentLength))   // flagged: the peer sizes it
//   buf.ReadFrom(res.Body)                                  // flagged
//   io.Copy(&buf, r.Body)                                   // flagged: buf is a bytes.Buffer
//
//   io.ReadAll(io.LimitReader(resp.Body, max))              // bounded
//   r.Body = http.MaxBytesReader(w, r.Body, max)            // bounds later reads of r.Body
//   io.Copy(w, resp.Body), io.Copy(f, resp.Body)            // streams, keeps nothing
//
// The file's words lead to the calls (wordNodes): no subscription to every call.
import type { Node } from 'web-tree-sitter';
import { defineRule, type Handlers } from '../src/engine/types.js';
import { bufferDestination, bufferVariable, type BufferType } from '../src/go/buffers.js';
import { definitionsOf } from '../src/go/decls.js';
import { enclosingFunction, type FileFacts, unparen } from '../src/go/facts.js';
import { bodyOwner, outgoingRequest, httpKind } from '../src/go/http.js';
import { callArgs, callOfName, wordNodes } from '../src/go/words.js';

type MessageIds = 'readAll' | 'copy' | 'copyKept' | 'contentLength';
interface Options {
  /** Also check _test.go files (bodies there come from test servers the test controls). */
  tests: boolean;
}

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

interface BodySource {
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
  let found: BodySource | undefined;
  for (const d of definitionsOf(facts, e)) {
    const value = d.value ?? (d.multi?.index === 0 ? d.multi.call : null);
    if (!value) continue;
    const src = traceBody(facts, value, depth + 1);
    if (src === 'bounded') return 'bounded';
    if (src && !found) found = { ...src, via: src.via ?? d.node };
  }
  return found;
}

/** Text of an expression with its spaces dropped, to compare `r.Body` with `r .Body`. */
const squash = (n: Node) => n.text.replace(/\s+/g, '');

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
function fileCapsRequests(facts: FileFacts): boolean {
  if (!facts.text.includes('MaxBytes')) return false;
  return wordNodes(facts.root, facts.text, ['MaxBytesReader', 'MaxBytesHandler']).some((n) => {
    const call = callOfName(n);
    if (!call) return false;
    if (facts.isCallTo(call, 'net/http', 'MaxBytesHandler')) return true;
    return facts.isCallTo(call, 'net/http', 'MaxBytesReader') && enclosingFunction(call)?.type === 'func_literal';
  });
}

/** `int(x)`, `int64(x)`: the conversion around a ContentLength, skipped upward. */
function convertedUp(n: Node): Node {
  let cur = n;
  for (;;) {
    const p = cur.parent;
    const gp = p?.parent;
    if (p?.type === 'parenthesized_expression') cur = p;
    else if (p?.type === 'argument_list' && gp?.type === 'call_expression' && /^u?int(64|32)?$/.test(gp.childForFieldName('function')?.text ?? '')) cur = gp;
    else return cur;
  }
}

/** True when the function compares `owner.ContentLength` with something (a size check). */
function contentLengthChecked(fn: Node, owner: string): boolean {
  for (const b of fn.descendantsOfType('binary_expression')) {
    const op = b?.childForFieldName('operator')?.type ?? '';
    if (!['<', '>', '<=', '>='].includes(op)) continue;
    for (const side of [b!.childForFieldName('left'), b!.childForFieldName('right')]) {
      const s = side ? unparen(side) : null;
      const inner = s?.type === 'call_expression' ? s.childForFieldName('arguments')?.namedChild(0) : s;
      if (inner && squash(inner) === `${owner}.ContentLength`) return true;
    }
  }
  return false;
}

export default defineRule<MessageIds, Options>({
  meta: {
    id: 'unbounded-read',
    title: 'HTTP body read into memory with no size limit',
    severity: 'warning',
    precision: 'high',
    tags: ['memory', 'http', 'security'],
    docs: {
      whatItDoes:
        'Finds reads of a whole HTTP request or response body into memory (io.ReadAll, ioutil.ReadAll, bytes.Buffer.ReadFrom, io.Copy into a buffer) when nothing bounds the reader, and buffers pre-sized from ContentLength.',
      whyIsThisBad:
        'The peer decides how many bytes arrive. A bytes.Buffer doubles its capacity as it grows (2*cap + MinRead), so memory reaches up to twice the body, and stays that high while anything holds buf.Bytes(). ContentLength is whatever the peer claims (-1 when unknown). A service that reads bodies this way grows memory with every large request and can be knocked over by one.',
      example: [
        'package image',
        '',
        'import (',
        '\t"bytes"',
        '\t"net/http"',
        ')',
        '',
        'func fetch(url string) ([]byte, error) {',
        '\tresp, err := http.Get(url)',
        '\tif err != nil {',
        '\t\treturn nil, err',
        '\t}',
        '\tdefer resp.Body.Close()',
        '\tbuffer := bytes.NewBuffer(make([]byte, 0, resp.ContentLength))',
        '\tif _, err := buffer.ReadFrom(resp.Body); err != nil {',
        '\t\treturn nil, err',
        '\t}',
        '\treturn buffer.Bytes(), nil',
        '}',
        '',
      ].join('\n'),
      useInstead: [
        'package image',
        '',
        'import (',
        '\t"bytes"',
        '\t"io"',
        '\t"net/http"',
        ')',
        '',
        'const maxImageBytes = 32 << 20',
        '',
        'func fetch(url string) ([]byte, error) {',
        '\tresp, err := http.Get(url)',
        '\tif err != nil {',
        '\t\treturn nil, err',
        '\t}',
        '\tdefer resp.Body.Close()',
        '\tvar buffer bytes.Buffer',
        '\tif _, err := buffer.ReadFrom(io.LimitReader(resp.Body, maxImageBytes)); err != nil {',
        '\t\treturn nil, err',
        '\t}',
        '\treturn bytes.Clone(buffer.Bytes()), nil',
        '}',
        '',
      ].join('\n'),
    },
    messages: {
      readAll:
        '{{call}} reads all of {{reader}} into memory with no size limit (the peer decides how much is allocated); read through io.LimitReader({{body}}, maxBytes) or http.MaxBytesReader',
      copy:
        '{{call}} reads all of {{reader}} into {{buf}} (a {{bufType}}) with no size limit (the buffer doubles as it grows, up to twice the body); read through io.LimitReader({{body}}, maxBytes)',
      copyKept:
        '{{call}} reads all of {{reader}} into {{buf}} (a {{bufType}}) with no size limit (the buffer doubles as it grows and {{buf}}.Bytes() keeps all of it); read through io.LimitReader({{body}}, maxBytes) and keep bytes.Clone({{buf}}.Bytes())',
      contentLength:
        'make sizes a buffer from {{owner}}.ContentLength, a number the peer chooses (-1 when unknown, anything it claims otherwise); start from a fixed size and bound the read with io.LimitReader({{owner}}.Body, maxBytes)',
    },
    // Every finding reads an `X.Body` or sizes from an `X.ContentLength`. (The read names
    // make a poor prefilter: "Copy" is in the "Copyright" of nearly every file.)
    triggers: ['Body', 'ContentLength'],
    defaultOptions: { tests: false },
  },
  create(ctx): Handlers {
    const { facts, text } = ctx;
    if (!ctx.options.tests && ctx.filePath.endsWith('_test.go')) return {};
    if (!/Read(All|From)|Copy\b|CopyBuffer|ContentLength/.test(text)) return {};

    let capsMemo: boolean | undefined;
    const caps = () => (capsMemo ??= fileCapsRequests(facts));

    /** The body a reader comes from, unless something bounds it. */
    const unbounded = (reader: Node, at: Node): BodySource | undefined => {
      const src = traceBody(facts, reader);
      if (!src || src === 'bounded') return undefined;
      if (boundedByAssignment(facts, src, at)) return undefined;
      if (httpKind(facts, src.owner) === 'request' && (caps() || outgoingRequest(facts, src.owner))) return undefined;
      return src;
    };

    const report = (call: Node, messageId: MessageIds, name: string, reader: Node, src: BodySource, buf?: { name: Node; type: BufferType }) => {
      ctx.report({
        node: call,
        messageId,
        data: { call: name, reader: reader.text === src.body.text ? src.body.text : `${reader.text} (from ${src.body.text})`, body: src.body.text, buf: buf?.name.text ?? '', bufType: buf?.type ?? '' },
        related: src.via ? [{ node: src.via, message: `${src.body.text} reaches ${reader.text} here, with no limit` }] : undefined,
      });
    };

    const onRead = (word: Node) => {
      const call = callOfName(word);
      if (!call) return;
      const args = callArgs(call);
      const fn = call.childForFieldName('function')!;
      const q = facts.qualified(fn);
      if (q) {
        // io.ReadAll(r), ioutil.ReadAll(r)
        if ((q.path === 'io' || q.path === 'io/ioutil') && q.name === 'ReadAll' && args.length === 1) {
          const src = unbounded(args[0]!, call);
          if (src) report(call, 'readAll', `${q.alias}.ReadAll`, args[0]!, src);
        }
        // io.Copy(dst, r), io.CopyBuffer(dst, r, b) into an in-memory buffer
        if (q.path === 'io' && (q.name === 'Copy' || q.name === 'CopyBuffer') && args.length >= 2) {
          const dst = bufferDestination(facts, args[0]!);
          const src = dst && unbounded(args[1]!, call);
          if (dst && src) report(call, kept(call, dst.name) ? 'copyKept' : 'copy', `${q.alias}.${q.name}`, args[1]!, src, dst);
        }
        return;
      }
      // buf.ReadFrom(r) on a bytes.Buffer
      if (word.text !== 'ReadFrom' || fn.type !== 'selector_expression' || args.length !== 1) return;
      const recv = unparen(fn.childForFieldName('operand') ?? fn);
      if (recv.type !== 'identifier' || bufferVariable(facts, recv) !== 'bytes.Buffer') return;
      const src = unbounded(args[0]!, call);
      if (src) report(call, kept(call, recv) ? 'copyKept' : 'copy', `${recv.text}.ReadFrom`, args[0]!, src, { name: recv, type: 'bytes.Buffer' });
    };

    /** True when the function holds on to the buffer's bytes (`buf.Bytes()`). */
    const kept = (at: Node, buf: Node): boolean => {
      const fn = enclosingFunction(at);
      if (!fn) return false;
      return facts.uses(fn, buf.text).some((u) => u.parent?.type === 'selector_expression' && u.parent.childForFieldName('field')?.text === 'Bytes');
    };

    // make([]byte, n, resp.ContentLength): a size the peer picked. The shape first, the
    // owner's type last (most ContentLength uses are not allocation sizes).
    const onContentLength = (word: Node) => {
      const sel = word.parent;
      if (sel?.type !== 'selector_expression' || sel.childForFieldName('field')?.id !== word.id) return;
      const arg = convertedUp(sel);
      const call = arg.parent?.type === 'argument_list' ? arg.parent.parent : null;
      const fn = call?.childForFieldName('function');
      if (!call || fn?.type !== 'identifier' || fn.text !== 'make' || facts.resolveName('make', fn) !== 'unknown') return;
      const args = callArgs(call);
      if (args[0]?.type !== 'slice_type' || args.findIndex((a) => a.id === arg.id) < 1) return;
      const owner = sel.childForFieldName('operand');
      if (!owner || !httpKind(facts, owner) || outgoingRequest(facts, owner)) return;
      const scope = enclosingFunction(call);
      if (scope && contentLengthChecked(scope, squash(owner))) return;
      ctx.report({ node: call, messageId: 'contentLength', data: { owner: owner.text } });
    };

    /** The body must be named in the function (or one enclosing it) that reads. */
    const mentionsBody = (at: Node): boolean => {
      let outer = enclosingFunction(at);
      for (let f = outer; f; f = enclosingFunction(f)) outer = f;
      return outer !== null && outer.text.includes('Body');
    };

    return {
      source_file(root) {
        for (const w of wordNodes(root, text, ['ReadAll', 'ReadFrom', 'Copy', 'CopyBuffer', 'ContentLength'])) {
          if (w.text === 'ContentLength') onContentLength(w);
          else if (mentionsBody(w)) onRead(w);
        }
      },
    };
  },
});

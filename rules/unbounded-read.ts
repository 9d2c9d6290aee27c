// unbounded-read (seed 000): a whole network body read into memory with no bound, reported
// where it is worth a change (measured on the triage corpus, bench/triage/):
//
//   buf := bytes.NewBuffer(make([]byte, 0, resp.ContentLength))   // contentLength: the peer sizes it
//   buf.ReadFrom(resp.Body)                  // presized: grows a buffer sized from ContentLength
//   buf := pool.Get().(*bytes.Buffer); buf.ReadFrom(resp.Body)     // kept: the grown buffer stays
//   resp, _ := http.Get(r.URL.Query().Get("url")); io.ReadAll(resp.Body)  // requestURL
//
// Off by default (options), because on real code they are mostly reads nobody would change:
//   io.ReadAll(r.Body) in a handler                       // requestBodies
//   resp, _ := http.Get(u) with u a parameter or a field   // inputURLs
//   resp, _ := http.Get("https://api.example.com/v1")      // fixedEndpoints
//
//   io.ReadAll(io.LimitReader(resp.Body, max))              // bounded
//   r.Body = http.MaxBytesReader(w, r.Body, max)            // bounds later reads of r.Body
//   io.Copy(w, resp.Body), io.Copy(f, resp.Body)            // streams, keeps nothing
//
// The file's words lead to the calls (wordNodes): no subscription to every call.
import type { Node } from 'web-tree-sitter';
import { defineRule, type Handlers } from '../src/engine/types.js';
import { bufferDestination, bufferRetention, contentLengthMake, presizedBuffer, type BufferType } from '../src/go/buffers.js';
import { fileCapsRequests, squash, unboundedBody, type BodySource } from '../src/go/bodies.js';
import { enclosingFunction, unparen } from '../src/go/facts.js';
import { httpKind, incomingRequest, outgoingRequest, responseSource } from '../src/go/http.js';
import { declAt } from '../src/go/toplevel.js';
import { wordNodes } from '../src/go/words.js';
import { wholeRead } from '../src/go/reads.js';

type MessageIds = 'contentLength' | 'presized' | 'kept' | 'requestURL' | 'requestBody' | 'inputURL' | 'fixedEndpoint';
interface Options {
  /** Request bodies read whole in HTTP handlers. */
  requestBodies: boolean;
  /** Responses of URLs that come from a parameter or a field (a configured endpoint, a peer). */
  inputURLs: boolean;
  /** Every other response: URLs written in the code, and responses whose making is not visible. */
  fixedEndpoints: boolean;
  /** Also check _test.go files (bodies there come from test servers the test controls). */
  tests: boolean;
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
        'Finds whole HTTP bodies read into memory with no size limit (io.ReadAll, ioutil.ReadAll, bytes.Buffer.ReadFrom, io.Copy into a buffer) where that is worth a change: a buffer pre-sized from ContentLength and grown by the read, a read buffer that is pooled or kept after the call, a response from a URL the incoming request names, and make([]byte, …, ContentLength). Request bodies in handlers (requestBodies), responses from URLs passed in or configured (inputURLs) and all other responses (fixedEndpoints) are options, off by default.',
      whyIsThisBad:
        'The peer decides how many bytes arrive. A bytes.Buffer doubles its capacity as it grows (2*cap + MinRead), so a buffer sized to the claimed ContentLength doubles once full, and a pooled or stored buffer keeps the capacity of the largest body it ever read. ContentLength is whatever the peer claims (-1 when unknown). A server that fetches URLs its clients name can be pointed at an endless response. Reads of responses from the servers a program is configured to talk to (its API, a metadata server, cluster peers) are usually left as they are, so they are only reported when asked for.',
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
      contentLength:
        'make sizes a buffer from {{owner}}.ContentLength, a number the peer chooses (-1 when unknown, anything it claims otherwise); start from a fixed size and bound the read with io.LimitReader({{owner}}.Body, maxBytes)',
      presized:
        '{{call}} reads all of {{reader}} into {{buf}}, a bytes.Buffer pre-sized from {{cl}}, with no size limit: the size is the peer\'s claim, and a full buffer that reads on doubles (2*cap + MinRead), up to twice the body; read through io.LimitReader({{body}}, maxBytes) and size the buffer from a checked length',
      kept:
        '{{call}} reads all of {{reader}} into {{buf}} (a {{bufType}}) with no size limit, and {{buf}} {{retention}}, so its grown capacity (up to twice the largest body) stays in memory; read through io.LimitReader({{body}}, maxBytes) and {{keep}}',
      requestURL:
        '{{call}} reads all of {{reader}} {{into}} with no size limit from a URL the incoming request names ({{source}}), so any client picks the server and how much is allocated; read through io.LimitReader({{body}}, maxBytes)',
      requestBody:
        '{{call}} reads the whole request body {{reader}} {{into}} in an HTTP handler with no size limit (every client decides how much is allocated); cap it first: {{owner}}.Body = http.MaxBytesReader(w, {{owner}}.Body, maxBytes)',
      inputURL:
        '{{call}} reads all of {{reader}} {{into}} with no size limit from a URL built from {{source}} (whoever serves it decides how much is allocated); read through io.LimitReader({{body}}, maxBytes)',
      fixedEndpoint:
        '{{call}} reads all of {{reader}} {{into}} with no size limit (the server decides how much is allocated); read through io.LimitReader({{body}}, maxBytes)',
    },
    // Every finding reads an `X.Body` or sizes from an `X.ContentLength`. (The read names
    // make a poor prefilter: "Copy" is in the "Copyright" of nearly every file.)
    triggers: ['Body', 'ContentLength'],
    defaultOptions: { requestBodies: false, inputURLs: false, fixedEndpoints: false, tests: false },
  },
  create(ctx): Handlers {
    const { facts, text, options } = ctx;
    if (!options.tests && ctx.filePath.endsWith('_test.go')) return {};
    if (!/Read(All|From)|Copy\b|CopyBuffer|ContentLength/.test(text)) return {};

    let capsMemo: boolean | undefined;
    const caps = () => (capsMemo ??= fileCapsRequests(facts));

    const unbounded = (reader: Node, at: Node) => unboundedBody(facts, reader, at, caps);

    /**
     * Reports a whole-body read by what makes it worth a change: a buffer sized from
     * ContentLength, a buffer that outlives the call, a URL the client chose; request
     * bodies and other responses only when their option is on.
     */
    const onBodyRead = (call: Node, name: string, reader: Node, src: BodySource, buf?: { name: Node; type: BufferType }) => {
      const data: Record<string, string> = {
        call: name,
        reader: reader.text === src.body.text ? src.body.text : `${reader.text} (from ${src.body.text})`,
        body: src.body.text,
        owner: src.owner.text,
        into: buf ? `into ${buf.name.text} (a ${buf.type})` : 'into memory',
        buf: buf?.name.text ?? '',
        bufType: buf?.type ?? '',
      };
      const related = src.via ? [{ node: src.via, message: `${src.body.text} reaches ${reader.text} here, with no limit` }] : undefined;
      const report = (messageId: MessageIds, more: Record<string, string> = {}) => ctx.report({ node: call, messageId, data: { ...data, ...more }, related });
      if (buf) {
        const cl = buf.type === 'bytes.Buffer' ? presizedBuffer(facts, buf.name) : undefined;
        if (cl) return report('presized', { cl: cl.text });
        const kept = bufferRetention(facts, buf.name, buf.type);
        if (kept === 'pooled') return report('kept', { retention: 'goes back to a pool', keep: 'do not pool buffers that grew past a size' });
        if (kept === 'stored') return report('kept', { retention: 'is kept after this call', keep: `keep a copy (bytes.Clone(${buf.name.text}.Bytes()))` });
      }
      if (httpKind(facts, src.owner) === 'request') {
        if (options.requestBodies && incomingRequest(facts, src.owner)) report('requestBody');
        return;
      }
      const from = responseSource(facts, src.owner);
      const source = from.from ? sourceText(from.from) : from.url ? sourceText(from.url) : '';
      if (from.origin === 'request') report('requestURL', { source });
      else if (from.origin === 'input' && options.inputURLs) report('inputURL', { source });
      else if (from.origin === 'fixed' && options.fixedEndpoints) report('fixedEndpoint');
    };

    const onRead = (word: Node) => {
      const r = wholeRead(facts, word);
      if (!r) return;
      // io.Copy(dst, r) only into an in-memory buffer: a file or a writer streams on.
      const dst = r.kind === 'copy' ? bufferDestination(facts, r.dst!) : r.buffer && { name: r.buffer, type: 'bytes.Buffer' as const };
      if (r.kind === 'copy' && !dst) return;
      const src = unbounded(r.reader, r.call);
      if (src) onBodyRead(r.call, r.name, r.reader, src, dst);
    };

    // make([]byte, n, resp.ContentLength): a size the peer picked. The shape first, the
    // owner's type last (most ContentLength uses are not allocation sizes).
    const onContentLength = (word: Node) => {
      const sel = word.parent;
      if (sel?.type !== 'selector_expression' || sel.childForFieldName('field')?.id !== word.id) return;
      const arg = convertedUp(sel);
      const call = arg.parent?.type === 'argument_list' ? arg.parent.parent : null;
      if (!call || contentLengthMake(facts, call)?.id !== sel.id) return;
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
        // A read in a declaration that never names a Body cannot be in a function that does (mentionsBody): no parse for it.
        const outline = facts.syntax.outline;
        const mayRead = (at: number, word: string) => {
          const d = outline.decls[declAt(outline, at)];
          const body = d ? text.indexOf('Body', d.start) : -1;
          return word === 'ContentLength' || (body >= 0 && body + 4 <= d!.end);
        };
        for (const w of wordNodes(root, text, ['ReadAll', 'ReadFrom', 'Copy', 'CopyBuffer', 'ContentLength'], 0, text.length, mayRead)) {
          if (w.text === 'ContentLength') onContentLength(w);
          else if (mentionsBody(w)) onRead(w);
        }
      },
    };
  },
});

/** What a URL is built from, for the message: `r.URL.Query().Get("url")`, `u`, `c.host + "/x"`. */
function sourceText(url: Node): string {
  const t = url.text.replace(/\s+/g, ' ');
  return t.length > 60 ? `${t.slice(0, 57)}...` : t;
}

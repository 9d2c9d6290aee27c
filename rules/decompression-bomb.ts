// decompression-bomb: decompressed data read with no bound on its size (gosec G110), and,
// behind the `forms` option, request forms parsed with no cap on the body (gosec G120).
//
//   zr, err := gzip.NewReader(f)
//   data, err := io.ReadAll(zr)            // flagged: the output has no limit
//   io.Copy(out, zr)                       // flagged when out is a buffer, a file or stdout
//   rc, _ := zf.Open(); io.Copy(dst, rc)   // flagged: a zip entry (for _, zf := range r.File)
//
//   io.ReadAll(io.LimitReader(zr, max))    // bounded
//   io.CopyN(dst, zr, max)                 // bounded (not a read this rule looks at)
//   gzip.NewReader(io.LimitReader(f, n))   // bounds the input only: still flagged
//   io.Copy(w, zr) with w an io.Writer, a ResponseWriter, a hash or io.Discard: streams on
//
// Which reader inflates what, and from where, is src/go/decompress.ts.
import type { Node } from 'web-tree-sitter';
import { defineRule, type Handlers } from '../src/engine/types.js';
import { bufferDestination } from '../src/go/buffers.js';
import { definitionsOf } from '../src/go/decls.js';
import { enclosingFunction, type FileFacts, unparen } from '../src/go/facts.js';
import { decompressedSource, type Source } from '../src/go/decompress.js';
import { httpKind, httpTypeKind } from '../src/go/http.js';
import { baseType } from '../src/go/types.js';
import { callOfName, wordNodes } from '../src/go/words.js';
import { WHOLE_READ_WORDS, wholeRead } from '../src/go/reads.js';

type MessageIds = 'read' | 'copy' | 'form';
interface Options {
  /** Report decompression of any input (files, byte slices, archives), not only HTTP bodies. */
  anySource: boolean;
  /** Also check _test.go files (a test's timers, files and archives live as long as the test). */
  tests: boolean;
  /** Also report form parsing in handlers with no http.MaxBytesReader on the body (G120). */
  forms: boolean;
}

const FORM_METHODS = new Set(['ParseMultipartForm', 'ParseForm', 'FormValue', 'PostFormValue', 'FormFile']);

/** Where an io.Copy writes, when it is somewhere the output piles up: memory, a file, stdout. */
function pilesUp(facts: FileFacts, dst: Node): string | undefined {
  const buf = bufferDestination(facts, dst);
  if (buf) return `${buf.name.text} (a ${buf.type})`;
  const e = unparen(dst);
  const q = facts.qualified(e);
  if (q?.path === 'os' && (q.name === 'Stdout' || q.name === 'Stderr')) return `${q.alias}.${q.name}`;
  if (e.type !== 'identifier') return undefined;
  const isFile = definitionsOf(facts, e).some((d) => {
    const t = baseType(d.type);
    if (t?.type === 'qualified_type' && t.childForFieldName('name')?.text === 'File' && facts.importPath(t.childForFieldName('package')?.text ?? '', t) === 'os') return true;
    const call = d.multi?.index === 0 ? d.multi.call : d.value ? unparen(d.value) : null;
    return call?.type === 'call_expression' && (facts.isCallTo(call, 'os', ['Create', 'OpenFile', 'CreateTemp']) || facts.isCallTo(call, 'io/ioutil', 'TempFile'));
  });
  return isFile ? `the file ${e.text}` : undefined;
}

export default defineRule<MessageIds, Options>({
  meta: {
    id: 'decompression-bomb',
    title: 'Decompressed data read with no limit on its size',
    severity: 'warning',
    precision: 'high',
    tags: ['memory', 'security', 'compression'],
    docs: {
      whatItDoes:
        'Finds io.ReadAll, ioutil.ReadAll, bytes.Buffer.ReadFrom, and io.Copy into a buffer, a file or stdout, reading from a gzip, zlib, flate, bzip2, lzw, zstd, snappy, s2, xz, lz4 or brotli reader or a zip archive entry, when no io.LimitReader or io.LimitedReader bounds what is read (gosec G110). By default only streams that come from an HTTP request or response body, where a peer chooses the bytes; with the option anySource, any input (files, byte slices, archives: most often the program\'s own data). With the option forms, also handlers that parse a request form (ParseMultipartForm, ParseForm, FormValue, PostFormValue, FormFile) with no http.MaxBytesReader on the body (gosec G120).',
      whyIsThisBad:
        'Compression ratios reach 1000:1 for deflate and far more for nested archives: a few kilobytes of input decompress to gigabytes. Bounding the compressed input is not enough, the output needs its own limit. A service that inflates uploads, archives or compressed responses this way can be made to exhaust its memory or disk with one small file.',
      example: [
        'package upload',
        '',
        'import (',
        '\t"compress/gzip"',
        '\t"io"',
        '\t"net/http"',
        ')',
        '',
        'func ingest(w http.ResponseWriter, r *http.Request) {',
        '\tr.Body = http.MaxBytesReader(w, r.Body, 1<<20)',
        '\tzr, err := gzip.NewReader(r.Body)',
        '\tif err != nil {',
        '\t\thttp.Error(w, err.Error(), http.StatusBadRequest)',
        '\t\treturn',
        '\t}',
        '\tdata, err := io.ReadAll(zr)',
        '\tif err != nil {',
        '\t\thttp.Error(w, err.Error(), http.StatusBadRequest)',
        '\t\treturn',
        '\t}',
        '\tw.Write(data)',
        '}',
        '',
      ].join('\n'),
      useInstead: [
        'package upload',
        '',
        'import (',
        '\t"compress/gzip"',
        '\t"io"',
        '\t"net/http"',
        ')',
        '',
        'const maxUncompressed = 64 << 20',
        '',
        'func ingest(w http.ResponseWriter, r *http.Request) {',
        '\tr.Body = http.MaxBytesReader(w, r.Body, 1<<20)',
        '\tzr, err := gzip.NewReader(r.Body)',
        '\tif err != nil {',
        '\t\thttp.Error(w, err.Error(), http.StatusBadRequest)',
        '\t\treturn',
        '\t}',
        '\tdata, err := io.ReadAll(io.LimitReader(zr, maxUncompressed))',
        '\tif err != nil {',
        '\t\thttp.Error(w, err.Error(), http.StatusBadRequest)',
        '\t\treturn',
        '\t}',
        '\tw.Write(data)',
        '}',
        '',
      ].join('\n'),
    },
    messages: {
      read: '{{call}} reads all of {{reader}}, decompressed {{format}} data, with no limit on its size (a few kilobytes can inflate to gigabytes); read through io.LimitReader({{reader}}, maxBytes)',
      copy: '{{call}} copies all of {{reader}}, decompressed {{format}} data, into {{dst}} with no limit on its size (a few kilobytes can inflate to gigabytes); use io.CopyN or io.LimitReader({{reader}}, maxBytes)',
      form: '{{call}} parses the request body with no http.MaxBytesReader on it: the client decides how much is read (up to 10 MB of form in memory, multipart files spill to disk without limit); set {{req}}.Body = http.MaxBytesReader(w, {{req}}.Body, maxBytes) first',
    },
    // Every G110 finding names a decompressor's package or archive/zip; G120 a form method.
    triggers: ['compress/', 'archive/zip', 'snappy', '/xz', 'lz4', 'brotli', 'zstd'],
    defaultOptions: { anySource: false, forms: false, tests: false },
  },
  optionTriggers: (o) => (o.forms ? ['Form'] : []),
  create(ctx): Handlers {
    const { facts, text } = ctx;
    if (!ctx.options.tests && ctx.filePath.endsWith('_test.go')) return {};

    const report = (call: Node, messageId: MessageIds, name: string, reader: Node, src: Source, dst?: string) => {
      // By default only bodies from the network: archives, files and byte slices are most
      // often the program's own data (option anySource).
      if (!src.body && !ctx.options.anySource) return;
      ctx.report({
        node: call,
        messageId,
        data: { call: name, reader: reader.text, format: src.format, dst: dst ?? '' },
        related: src.maker.id !== unparen(reader).id ? [{ node: src.maker, message: `the ${src.format} reader is made here` }] : undefined,
      });
    };

    const onRead = (word: Node) => {
      const r = wholeRead(facts, word);
      if (!r) return;
      // io.Copy only where the output piles up (memory, a file, stdout).
      const dst = r.kind === 'copy' ? pilesUp(facts, r.dst!) : undefined;
      if (r.kind === 'copy' && !dst) return;
      const src = decompressedSource(facts, r.reader);
      if (src && src !== 'bounded') report(r.call, r.kind === 'copy' ? 'copy' : 'read', r.name, r.reader, src, dst);
    };

    // G120: r.FormValue(…) and friends in a function that takes r *http.Request, with no
    // MaxBytesReader anywhere in the file (a middleware of the file may cap the body).
    const onForm = (word: Node): boolean => {
      const call = callOfName(word);
      const fn = call?.childForFieldName('function');
      if (!call || fn?.type !== 'selector_expression') return false;
      const recv = unparen(fn.childForFieldName('operand') ?? fn);
      if (recv.type !== 'identifier' || httpKind(facts, recv) !== 'request') return false;
      // Only a request this function was handed: a handler's parameter.
      const isParam = definitionsOf(facts, recv).some((d) => d.node.type === 'parameter_declaration' && httpTypeKind(facts, d.type) === 'request');
      if (!isParam) return false;
      ctx.report({ node: call, messageId: 'form', data: { call: `${recv.text}.${word.text}`, req: recv.text } });
      return true;
    };

    return {
      source_file(root) {
        if (/compress\/|archive\/zip|snappy|\/xz|lz4|brotli|zstd/.test(text)) {
          for (const w of wordNodes(root, text, WHOLE_READ_WORDS)) onRead(w);
        }
        if (ctx.options.forms && !wordNodes(root, text, ['MaxBytesReader', 'MaxBytesHandler']).length) {
          const reported = new Set<number>();
          for (const w of wordNodes(root, text, [...FORM_METHODS])) {
            // One finding per handler: the first form call.
            const owner = enclosingFunction(w);
            if (!owner || reported.has(owner.id)) continue;
            if (onForm(w)) reported.add(owner.id);
          }
        }
      },
    };
  },
});

// Decompressing readers, read from syntax: which stream a reader inflates, whether a limit
// bounds what is read from it, and whether the compressed bytes come from an HTTP body.
//
//   zr, _ := gzip.NewReader(r.Body); io.ReadAll(zr)      gzip, from r.Body
//   rc, _ := zf.Open()   (for _, zf := range zr.File)     zip
//   io.ReadAll(io.LimitReader(zr, n))                    bounded
//   gzip.NewReader(io.LimitReader(f, n))                 not bounded: the limit is on the input
//
// Readers are followed through variables and bufio/TeeReader/NopCloser wrappers.
import type { Node } from 'web-tree-sitter';
import { definitionsOf } from './decls.js';
import { type FileFacts, unparen } from './facts.js';
import { bodyOwner } from './http.js';
import { baseType } from './types.js';
import { callArgs } from './words.js';

const KP = 'github.com/klauspost/compress/';
/** Decompressing readers: import path → constructor names → the format's name. */
const DECOMPRESSORS: Record<string, string[]> = {
  'compress/gzip': ['NewReader'],
  'compress/zlib': ['NewReader', 'NewReaderDict'],
  'compress/flate': ['NewReader', 'NewReaderDict'],
  'compress/bzip2': ['NewReader'],
  'compress/lzw': ['NewReader'],
  [`${KP}gzip`]: ['NewReader'],
  [`${KP}zlib`]: ['NewReader', 'NewReaderDict'],
  [`${KP}flate`]: ['NewReader', 'NewReaderDict'],
  [`${KP}zstd`]: ['NewReader'],
  [`${KP}s2`]: ['NewReader'],
  [`${KP}snappy`]: ['NewReader'],
  'github.com/klauspost/pgzip': ['NewReader', 'NewReaderN'],
  'github.com/golang/snappy': ['NewReader'],
  'github.com/ulikunitz/xz': ['NewReader'],
  'github.com/pierrec/lz4': ['NewReader'],
  'github.com/pierrec/lz4/v4': ['NewReader'],
  'github.com/andybalholm/brotli': ['NewReader'],
  'github.com/DataDog/zstd': ['NewReader'],
};
/** Readers that pass bytes through one for one. */
const WRAPPERS_IN: Record<string, string[]> = {
  bufio: ['NewReader', 'NewReaderSize'],
  'io/ioutil': ['NopCloser'],
};
const WRAPPERS: Record<string, string[]> = { ...WRAPPERS_IN, io: ['TeeReader', 'NopCloser'] };
const MAX_DEPTH = 5;

export interface Source {
  /** The call that makes the decompressing reader (`gzip.NewReader(f)`, `zf.Open()`). */
  maker: Node;
  format: string;
  /** The HTTP body the compressed bytes come from, when syntax shows one. */
  body?: Node;
}

const PASS_THROUGH: Record<string, string[]> = { ...WRAPPERS_IN, io: ['LimitReader', 'TeeReader', 'NopCloser'], 'net/http': ['MaxBytesReader'] };

/** The request or response body a compressed stream is read from (a limit on it does not bound the output). */
function httpBodyOf(facts: FileFacts, expr: Node, depth = 0): Node | undefined {
  const e = unparen(expr);
  if (depth > MAX_DEPTH) return undefined;
  if (bodyOwner(facts, e)) return e;
  if (e.type === 'call_expression') {
    const q = facts.qualified(e.childForFieldName('function'));
    const args = callArgs(e);
    // http.MaxBytesReader(w, r.Body, n) takes the body second.
    const arg = q?.path === 'net/http' ? args[1] : args[0];
    return q && PASS_THROUGH[q.path]?.includes(q.name) && arg ? httpBodyOf(facts, arg, depth + 1) : undefined;
  }
  if (e.type !== 'identifier') return undefined;
  for (const d of definitionsOf(facts, e)) {
    const value = d.value ?? (d.multi?.index === 0 ? d.multi.call : null);
    const b = value ? httpBodyOf(facts, value, depth + 1) : undefined;
    if (b) return b;
  }
  return undefined;
}

function formatOf(path: string): string {
  const last = path.split('/').filter((p) => !/^v\d+$/.test(p)).pop() ?? path;
  return last === 'pgzip' ? 'gzip' : last;
}

/** io.LimitReader(…) or &io.LimitedReader{…}: a bound on what is read through it. */
function isLimit(facts: FileFacts, n: Node): boolean {
  if (n.type === 'call_expression') return facts.isCallTo(n, 'io', 'LimitReader');
  const lit = n.type === 'unary_expression' ? unparen(n.childForFieldName('operand') ?? n) : n;
  if (lit.type !== 'composite_literal') return false;
  const t = lit.childForFieldName('type');
  return t?.type === 'qualified_type' && t.childForFieldName('name')?.text === 'LimitedReader' && facts.importPath(t.childForFieldName('package')?.text ?? '', t) === 'io';
}

/** `zf.Open()` where zf ranges over (or indexes) an archive/zip reader's File list. */
function zipEntryOpen(facts: FileFacts, call: Node): boolean {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'selector_expression' || fn.childForFieldName('field')?.text !== 'Open' || callArgs(call).length) return false;
  if (![...facts.imports().byAlias.values()].includes('archive/zip')) return false;
  const recv = unparen(fn.childForFieldName('operand') ?? fn);
  if (recv.type === 'index_expression') return /\.File$/.test(recv.childForFieldName('operand')?.text ?? '');
  if (recv.type !== 'identifier') return false;
  const zipFile = (t: Node | null) => {
    const b = baseType(t);
    return b?.type === 'qualified_type' && b.childForFieldName('name')?.text === 'File' && facts.importPath(b.childForFieldName('package')?.text ?? '', b) === 'archive/zip';
  };
  return definitionsOf(facts, recv).some((d) => {
    if (zipFile(d.type)) return true;
    if (d.node.type === 'range_clause') return /\.File$/.test(d.node.childForFieldName('right')?.text ?? '');
    const v = d.value ? unparen(d.value) : null;
    return v?.type === 'index_expression' && /\.File$/.test(v.childForFieldName('operand')?.text ?? '');
  });
}

/** The decompressor a reader comes from, 'bounded' when a limit sits on the way, or undefined. */
export function decompressedSource(facts: FileFacts, expr: Node, depth = 0): Source | 'bounded' | undefined {
  const e = unparen(expr);
  if (depth > MAX_DEPTH) return undefined;
  if (isLimit(facts, e)) return 'bounded';
  if (e.type === 'call_expression') {
    const q = facts.qualified(e.childForFieldName('function'));
    if (q && DECOMPRESSORS[q.path]?.includes(q.name)) {
      // zstd's decoder can be told the most it may allocate.
      if (callArgs(e).some((a) => /WithDecoderMaxMemory/.test(a.text))) return 'bounded';
      const input = callArgs(e)[0];
      return { maker: e, format: formatOf(q.path), body: input && httpBodyOf(facts, input) };
    }
    if (q && WRAPPERS[q.path]?.includes(q.name)) {
      const arg = callArgs(e)[0];
      return arg ? decompressedSource(facts, arg, depth + 1) : undefined;
    }
    if (!q && zipEntryOpen(facts, e)) return { maker: e, format: 'zip' };
    return undefined;
  }
  if (e.type !== 'identifier') return undefined;
  let found: Source | undefined;
  for (const d of definitionsOf(facts, e)) {
    const value = d.value ?? (d.multi?.index === 0 ? d.multi.call : null);
    if (!value) continue;
    const src = decompressedSource(facts, value, depth + 1);
    if (src === 'bounded') return 'bounded';
    found ??= src;
  }
  return found;
}

// Calls that read a whole stream: what each one reads and, for copies, where the bytes go.
// Shared by the rules that ask whether such a read has a bound (unbounded-read for HTTP
// bodies, decompression-bomb for inflated data).
//
//   io.ReadAll(r), ioutil.ReadAll(r)        kind 'readAll'
//   io.Copy(dst, r), io.CopyBuffer(dst, r, b)   kind 'copy', with dst
//   buf.ReadFrom(r) on a bytes.Buffer       kind 'readFrom', with the buffer
import type { Node } from 'web-tree-sitter';
import { bufferVariable } from './buffers.js';
import { type FileFacts, unparen } from './facts.js';
import { callArgs, callOfName } from './words.js';

/** The words whose identifiers lead to whole reads (for wordNodes). */
export const WHOLE_READ_WORDS = ['ReadAll', 'Copy', 'CopyBuffer', 'ReadFrom'] as const;

export interface WholeRead {
  call: Node;
  kind: 'readAll' | 'copy' | 'readFrom';
  /** How the code names the call: `io.ReadAll`, `ioutil.ReadAll`, `buf.ReadFrom`. */
  name: string;
  /** The stream read from. */
  reader: Node;
  /** Where a copy writes. */
  dst?: Node;
  /** The bytes.Buffer a ReadFrom fills. */
  buffer?: Node;
}

/** The whole read whose function name is `word` (an identifier from WHOLE_READ_WORDS), if it is one. */
export function wholeRead(facts: FileFacts, word: Node): WholeRead | undefined {
  const call = callOfName(word);
  if (!call) return undefined;
  const args = callArgs(call);
  const fn = call.childForFieldName('function')!;
  const q = facts.qualified(fn);
  if (q) {
    if ((q.path === 'io' || q.path === 'io/ioutil') && q.name === 'ReadAll' && args.length === 1)
      return { call, kind: 'readAll', name: `${q.alias}.ReadAll`, reader: args[0]! };
    if (q.path === 'io' && (q.name === 'Copy' || q.name === 'CopyBuffer') && args.length >= 2)
      return { call, kind: 'copy', name: `${q.alias}.${q.name}`, reader: args[1]!, dst: args[0]! };
    return undefined;
  }
  if (word.text !== 'ReadFrom' || fn.type !== 'selector_expression' || args.length !== 1) return undefined;
  const recv = unparen(fn.childForFieldName('operand') ?? fn);
  if (recv.type !== 'identifier' || bufferVariable(facts, recv) !== 'bytes.Buffer') return undefined;
  return { call, kind: 'readFrom', name: `${recv.text}.ReadFrom`, reader: args[0]!, buffer: recv };
}

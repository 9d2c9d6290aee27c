// Standard library calls that use a reader, writer or file they are handed and give it back:
// passing a resource to them is a use, not a hand-over (they never close or keep it).
//
//	data, err := io.ReadAll(resp.Body)           a use: resp.Body is still ours to close
//	sc := bufio.NewScanner(f)                    a use, while sc stays in this function
//	return bufio.NewReader(resp.Body), nil       NOT a use: the reader leaves with the body
//
// A wrapper that leaves the function (returned, stored, sent, handed to an unknown call)
// takes the resource with it, so the call only borrows while its result stays local.
import type { Node } from 'web-tree-sitter';
import type { FileFacts } from './facts.js';
import { enclosingFunction, unparenUp } from './facts.js';

/** import path → functions that use their arguments and return data (or nothing). */
const USERS = new Map<string, ReadonlySet<string>>([
  ['io', new Set(['ReadAll', 'Copy', 'CopyN', 'CopyBuffer', 'ReadFull', 'ReadAtLeast', 'WriteString'])],
  ['io/ioutil', new Set(['ReadAll'])],
  ['encoding/binary', new Set(['Read', 'Write'])],
  ['encoding/pem', new Set(['Encode'])],
  // Formatting reads its operands (`log.Fatalf("…: %v", c)`); Errorf is left out: %w keeps its operand.
  ['fmt', new Set(['Fprint', 'Fprintf', 'Fprintln', 'Fscan', 'Fscanf', 'Fscanln', 'Print', 'Printf', 'Println', 'Sprint', 'Sprintf', 'Sprintln'])],
  ['log', new Set(['Print', 'Printf', 'Println', 'Fatal', 'Fatalf', 'Fatalln', 'Panic', 'Panicf', 'Panicln'])],
  ['net/http/httputil', new Set(['DumpResponse'])],
]);

/** import path → functions that return a wrapper around their argument (a reader, a decoder). */
const WRAPPERS = new Map<string, ReadonlySet<string>>([
  ['io', new Set(['LimitReader', 'TeeReader', 'NewSectionReader', 'MultiReader', 'MultiWriter'])],
  ['bufio', new Set(['NewReader', 'NewReaderSize', 'NewWriter', 'NewWriterSize', 'NewScanner', 'NewReadWriter'])],
  ['encoding/json', new Set(['NewDecoder', 'NewEncoder'])],
  ['encoding/xml', new Set(['NewDecoder', 'NewEncoder'])],
  ['encoding/gob', new Set(['NewDecoder', 'NewEncoder'])],
  ['encoding/csv', new Set(['NewReader', 'NewWriter'])],
  ['compress/gzip', new Set(['NewReader', 'NewWriter', 'NewWriterLevel'])],
  ['compress/zlib', new Set(['NewReader', 'NewWriter', 'NewWriterLevel'])],
  ['compress/flate', new Set(['NewReader', 'NewWriter'])],
  ['archive/tar', new Set(['NewReader', 'NewWriter'])],
  ['archive/zip', new Set(['NewReader', 'NewWriter'])],
  ['mime/multipart', new Set(['NewReader', 'NewWriter'])],
  ['gopkg.in/yaml.v2', new Set(['NewDecoder', 'NewEncoder'])],
  ['gopkg.in/yaml.v3', new Set(['NewDecoder', 'NewEncoder'])],
]);

/** Methods on another value that read from or write to the argument and keep nothing: `buf.ReadFrom(r)`. */
const BORROWING_METHODS = new Set(['ReadFrom', 'WriteTo', 'Execute', 'ExecuteTemplate']);

/** How many local variables a wrapper's result is followed through. */
const MAX_HOPS = 3;

/**
 * True when `call` is a standard call that uses its arguments and returns data, or one that
 * wraps them (`bufio.NewReader(r)`) while the wrapper stays in the function: used in place
 * (`json.NewDecoder(r).Decode(&v)`), discarded, or kept in locals that do not leave.
 */
export function stdBorrows(facts: FileFacts, call: Node): boolean {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'selector_expression') return false;
  const q = facts.qualified(fn);
  if (q) {
    if (USERS.get(q.path)?.has(q.name)) return true;
    if (!WRAPPERS.get(q.path)?.has(q.name)) return false;
  } else {
    return BORROWING_METHODS.has(fn.childForFieldName('field')?.text ?? '');
  }
  return wrapperStaysLocal(facts, call);
}

/** The value `call` returns (a wrapper around its arguments) does not leave its function. */
export function wrapperStaysLocal(facts: FileFacts, call: Node): boolean {
  const owner = enclosingFunction(call);
  return !!owner && staysLocal(facts, owner, call, 0);
}

/** The value of `expr` does not leave `owner` (followed through `v := expr` locals). */
function staysLocal(facts: FileFacts, owner: Node, expr: Node, hops: number): boolean {
  const up = unparenUp(expr);
  const p = up.parent;
  // A method called on it (`NewDecoder(r).Decode(&v)`) or a statement of its own.
  if (p?.type === 'selector_expression' || p?.type === 'expression_statement') return true;
  // Handed to another borrower: `io.Copy(w, bufio.NewReader(f))`.
  if (p?.type === 'argument_list' && p.parent?.type === 'call_expression' && stdBorrows(facts, p.parent)) return true;
  if (p?.type === 'expression_list' && p.parent?.type === 'short_var_declaration' && p.parent.childForFieldName('right')?.id === p.id) {
    if (hops >= MAX_HOPS) return false;
    const stmt = p.parent;
    const i = p.namedChildren.findIndex((c) => c?.id === up.id);
    const left = stmt.childForFieldName('left')?.namedChildren ?? [];
    const target = left.length === p.namedChildCount ? left[i] : left[0];
    if (target?.type !== 'identifier') return false;
    if (target.text === '_') return true;
    for (const use of facts.uses(owner, target.text)) {
      if (use.startIndex <= target.startIndex) continue;
      const reason = facts.escapeOf(use, owner);
      if (!reason) continue;
      if (reason === 'passed as an argument') {
        const inner = unparenUp(use).parent?.parent;
        if (inner?.type === 'call_expression' && stdBorrows(facts, inner)) continue;
      }
      if (reason === 'assigned' && hops + 1 < MAX_HOPS && staysLocal(facts, owner, use, hops + 1)) continue;
      return false;
    }
    return true;
  }
  return false;
}

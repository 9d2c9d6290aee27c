// The file-level prefilter: one cheap check on the raw bytes, before decoding, that says
// whether any enabled rule could fire on a file. Rules declare the substrings without which
// they cannot fire (meta.triggers); a file that contains none of the triggers of any enabled
// rule is not decoded, not parsed and not walked. scanBuffer (scan.ts) decides the same from
// one whole search of the bytes, which also tells which rules run on a file that passes;
// `prefilterFor` answers the first question alone from the same search, ended at the first
// trigger that holds (for benchmarks and tests that count what the prefilter lets through).
import { triggerParts, triggersOf, type ActiveRule } from './types.js';
import { TriggerWords } from './triggerwords.js';
import { DIRECTIVE_MARKS } from './suppressions.js';

export type Prefilter = (buf: Buffer) => boolean;

/**
 * The one-pass search of a rule list's trigger words (`defer`, `go `, `Lock()`…), and each
 * rule's triggers as the indices of their parts in it (null: the rule has no trigger), made
 * once per list and thread: every file asks them of every rule.
 */
export interface RuleWords {
  words: TriggerWords;
  needs: Map<ActiveRule, number[][] | null>;
  /** DIRECTIVE_MARKS' indices: the same pass tells whether the file may hold a directive. */
  marks: number[];
}

const ruleWords = new WeakMap<ActiveRule[], RuleWords>();

export function wordsOf(rules: ActiveRule[]): RuleWords {
  let w = ruleWords.get(rules);
  if (!w) {
    const words = new TriggerWords([...rules.flatMap((r) => triggersOf(r).flatMap(triggerParts)), ...DIRECTIVE_MARKS]);
    const needs = new Map(rules.map((r) => [r, triggersOf(r).length ? triggersOf(r).map((t) => triggerParts(t).map((p) => words.words.indexOf(p))) : null]));
    ruleWords.set(rules, (w = { words, needs, marks: DIRECTIVE_MARKS.map((m) => words.words.indexOf(m)) }));
  }
  return w;
}

/** True when rule `r`'s triggers hold in `found` (the search of a file for the words of `w`). */
export function triggered(r: ActiveRule, w: RuleWords, found: Uint8Array): boolean {
  const needs = w.needs.get(r);
  if (!needs) return true;
  // Loops, not every() with a closure: asked of each rule for each file, the closures were
  // 3% of a cold run's young garbage.
  for (let k = 0; k < needs.length; k++) {
    const parts = needs[k]!;
    let j = 0;
    while (j < parts.length && found[parts[j]!] === 1) j++;
    if (j === parts.length) return true;
  }
  return false;
}

const prefilters = new WeakMap<ActiveRule[], Prefilter>();

/**
 * The prefilter for a rule set, built once per rule list and thread: the search scanBuffer
 * makes, ended as soon as some rule's trigger holds.
 */
export function prefilterFor(rules: ActiveRule[]): Prefilter {
  let f = prefilters.get(rules);
  if (f) return f;
  const w = wordsOf(rules);
  const any = (found: Uint8Array) => rules.some((r) => triggered(r, w, found));
  f = rules.some((r) => w.needs.get(r) === null) ? () => true : (buf) => any(w.words.find(buf, any));
  prefilters.set(rules, f);
  return f;
}

/**
 * True when the bytes (or a text already decoded) are empty or only whitespace, without
 * decoding the usual file.
 */
export function isBlank(src: Buffer | string): boolean {
  const text = typeof src === 'string';
  for (let i = 0; i < src.length; i++) {
    const c = text ? src.charCodeAt(i) : src[i]!;
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0b || c === 0x0c) continue;
    // Non-ASCII (a BOM, a no-break space…): let String#trim decide, as before.
    return c < 0x80 ? false : (text ? src : src.toString('utf8')).trim() === '';
  }
  return true;
}

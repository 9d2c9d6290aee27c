// The file-level prefilter: one cheap check on the raw bytes, before decoding, that says
// whether any enabled rule could fire on a file. Rules declare the substrings without which
// they cannot fire (meta.triggers); a file that contains none of the triggers of any enabled
// rule is not decoded, not parsed and not walked. scanBuffer (scan.ts) decides the same from
// one whole search of the bytes, which also tells which rules run on a file that passes;
// `prefilterFor` answers the first question alone, ending its search at the first trigger
// (for benchmarks and tests that count what the prefilter lets through).
import { triggerParts, triggersOf, type ActiveRule } from './types.js';
import { TriggerWords } from './triggerwords.js';

export type Prefilter = (buf: Buffer) => boolean;

const always: Prefilter = () => true;
const cache = new WeakMap<ActiveRule[], Prefilter>();

/**
 * The triggers of all enabled rules, deduplicated, with triggers that contain a shorter
 * trigger dropped (the shorter one already matches wherever the longer one would), shortest
 * first. null when a rule declares no trigger: such a rule may fire on any file.
 */
export function combinedTriggers(rules: ActiveRule[]): string[] | null {
  const all = new Set<string>();
  for (const r of rules) {
    const t = triggersOf(r);
    if (t.length === 0 || t.some((s) => s === '')) return null;
    for (const s of t) all.add(s);
  }
  const sorted = [...all].sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
  // A trigger of several parts is implied by a single-part one that any of its parts contains.
  const single = (t: string) => triggerParts(t).length === 1;
  return sorted.filter((s, i) => !sorted.slice(0, i).some((shorter) => single(shorter) && triggerParts(s).some((p) => p.includes(shorter))));
}

/** The prefilter for a rule set, built once per rule list and thread. */
export function prefilterFor(rules: ActiveRule[]): Prefilter {
  let f = cache.get(rules);
  if (f) return f;
  const triggers = combinedTriggers(rules);
  if (triggers === null) f = always;
  else if (triggers.length === 0) f = () => false;
  else {
    // One pass over the bytes for every word, ended as soon as a trigger is whole.
    const words = new TriggerWords(triggers.flatMap(triggerParts));
    const needs = triggers.map(triggerParts);
    const whole = (found: Uint8Array) => needs.some((parts) => words.holds(found, parts));
    f = (buf) => whole(words.find(buf, whole));
  }
  cache.set(rules, f);
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

// `partialFingerprints.primaryLocationLineHash` exactly as GitHub code scanning computes it
// (codeql-action's fingerprints): a rolling hash over the 100 non-blank characters that
// start at each line, so that an alert keeps its identity when lines move. A different
// value would break alert matching, so this follows the reference bit for bit:
// spaces and tabs are skipped, CRLF and CR count as LF, the text is followed by one 65535
// and zeros, and each line's value gets `:n`, the count of lines so far with that value.

const BLOCK = 100;
const MASK = (1n << 64n) - 1n;
const MOD = 37n;
/** 37^100 mod 2^64: the weight of the character leaving the window. */
const FIRST_MOD = (() => {
  let x = 1n;
  for (let i = 0; i < BLOCK; i++) x = (x * MOD) & MASK;
  return x;
})();

const TAB = 9;
const LF = 10;
const CR = 13;
const SPACE = 32;
const EOF = 65535;

/** The hash of every line of `text`: element i is line i + 1 (plus the line after a final newline). */
export function lineHashes(text: string): string[] {
  const window = new Array<number>(BLOCK).fill(0);
  const lineAt = new Array<number>(BLOCK).fill(-1);
  const counts = new Map<string, number>();
  const out: string[] = [];
  let hash = 0n;
  let index = 0;
  let line = 0;
  let lineStart = true;
  let prevCR = false;

  const emit = () => {
    const hex = hash.toString(16);
    const n = (counts.get(hex) ?? 0) + 1;
    counts.set(hex, n);
    out[lineAt[index]! - 1] = `${hex}:${n}`;
    lineAt[index] = -1;
  };
  const push = (c: number) => {
    const leaving = window[index]!;
    window[index] = c;
    hash = (MOD * hash + BigInt(c) - FIRST_MOD * BigInt(leaving)) & MASK;
    index = (index + 1) % BLOCK;
  };
  const char = (c: number) => {
    if (c === SPACE || c === TAB || (prevCR && c === LF)) {
      prevCR = false;
      return;
    }
    if (c === CR) {
      c = LF;
      prevCR = true;
    } else {
      prevCR = false;
    }
    if (lineAt[index] !== -1) emit();
    if (lineStart) {
      lineStart = false;
      lineAt[index] = ++line;
    }
    if (c === LF) lineStart = true;
    push(c);
  };

  for (let i = 0; i < text.length; i++) char(text.charCodeAt(i));
  char(EOF);
  for (let i = 0; i < BLOCK; i++) {
    if (lineAt[index] !== -1) emit();
    push(0);
  }
  return out;
}

// Which of the enabled rules' trigger words a file holds, found in one pass over it. The
// rules share about fifty words (`<-`, `.Lock()`, `defer`, `Close()`, `Query`…): searching
// for each with its own substring search read a file that holds none of them fifty times
// over (on the heavy benchmark corpus, the one pass saves about 3% of a scan's CPU). Here
// every other position is tested against a table of the two-character pairs the words hold
// at their offsets 0 and 1, and only a position whose pair is in the table is compared
// further: a word of three characters or more that starts at an even offset has its first
// pair there, one that starts at an odd offset has its second pair at the even offset after
// (a quarter less CPU than testing every position for first pairs).
//
// The table holds ASCII words, so a match in UTF-8 bytes is a match in the decoded text and
// the other way round (bytes of multi-byte characters are all 0x80 or above), and both the
// raw bytes (before decoding) and a string can be searched with the same answer as
// `includes`. A word the table cannot hold (under three characters, or not ASCII) is searched
// for on its own, with `includes` or `Buffer#indexOf`.
//
// So is every word of a short list: the native search (memchr for the first character, then
// a compare) runs at a fraction of a nanosecond a byte where the table's loop takes several,
// so that a few words searched one after the other, each over the whole file when it is not
// there, still cost less than one pass of the table (on Go sources: 0.9 against 12 ns a byte
// for one word, 10 against 13 for seven; even at thirteen words; the table wins at fifty).

/** Text to search: a string, or the bytes of its UTF-8 encoding. */
type Haystack = string | Buffer;

/** Up to this many words, each is searched for on its own (see above). */
const NATIVE_WORDS = 8;

export class TriggerWords {
  readonly words: string[];
  /**
   * For each two-character key (c0 << 8 | c1): the words that hold it at offset 0 or 1, as
   * `word * 2 + offset`, or undefined.
   */
  private readonly starts: (number[] | undefined)[] = new Array(1 << 16);
  private readonly codes: Uint8Array[];
  /** 1 where `starts` has words: a typed array, cheaper to test at every position. */
  private readonly key = new Uint8Array(1 << 16);
  /** The words the table cannot hold. */
  private readonly odd: number[] = [];
  private readonly index = new Map<string, number>();
  /** Keys taken out of `key` during the current search. */
  private readonly cleared: number[] = [];

  /** The search for `words` (repeats are searched for once). */
  constructor(words: string[]) {
    this.words = [...new Set(words)];
    this.codes = this.words.map((w) => Uint8Array.from(w, (c) => c.charCodeAt(0)));
    this.words.forEach((w, i) => {
      this.index.set(w, i);
      if (this.words.length <= NATIVE_WORDS || w.length < 3 || !/^[\x01-\x7f]+$/.test(w)) {
        this.odd.push(i);
        return;
      }
      for (const offset of [0, 1]) {
        const k = (w.charCodeAt(offset) << 8) | w.charCodeAt(offset + 1);
        (this.starts[k] ??= []).push(i * 2 + offset);
        this.key[k] = 1;
      }
    });
  }

  /** True when `found` (from `find`) holds every part of `trigger` (`'defer && Close()'`). */
  holds(found: Uint8Array, parts: string[]): boolean {
    return parts.every((p) => found[this.index.get(p) ?? -1] === 1);
  }

  /**
   * Which words occur in `text` (found[i] for words[i]). `enough`, asked each time a new word
   * is found, ends the search early when it says the rest does not matter.
   */
  find(text: Haystack, enough?: (found: Uint8Array) => boolean): Uint8Array {
    try {
      return this.search(text, enough);
    } finally {
      // The keys `done` took out of the table for this search.
      for (const k of this.cleared) this.key[k] = 1;
      this.cleared.length = 0;
    }
  }

  /**
   * Records word `w` found; once every word of one of its two keys is, the key leaves the
   * table for the rest of the search (`find` puts it back): common pairs (`de`, `co`, `an`)
   * would send every later position that holds one to the comparisons again.
   */
  private done(found: Uint8Array, w: number): void {
    found[w] = 1;
    const code = this.codes[w]!;
    for (let offset = 0; offset < 2; offset++) {
      const k = (code[offset]! << 8) | code[offset + 1]!;
      if (this.key[k] === 1 && this.starts[k]!.every((x) => found[x >> 1] === 1)) {
        this.key[k] = 0;
        this.cleared.push(k);
      }
    }
  }

  private search(text: Haystack, enough?: (found: Uint8Array) => boolean): Uint8Array {
    const found = new Uint8Array(this.words.length);
    for (const w of this.odd) {
      const word = this.words[w]!;
      if (typeof text === 'string' ? text.includes(word) : text.indexOf(word) !== -1) {
        found[w] = 1;
        if (enough?.(found)) return found;
      }
    }
    const left = this.words.length - this.odd.length;
    if (left === 0) return found;
    return typeof text === 'string' ? this.findIn(text, found, left, enough) : this.findInBytes(text, found, left, enough);
  }

  // The two loops below differ only in how they read a character: one loop for both, reading
  // through a function, was four times slower. `j` runs over even offsets; an entry of the
  // key there names a word and where it would start (`j`, or `j - 1` for its second pair).
  private findIn(text: string, found: Uint8Array, left: number, enough?: (found: Uint8Array) => boolean): Uint8Array {
    const { starts, codes, key } = this;
    const n = text.length;
    for (let j = 0; j + 1 < n; j += 2) {
      const c0 = text.charCodeAt(j);
      const c1 = text.charCodeAt(j + 1);
      if (key[((c0 & 0xff) << 8) | (c1 & 0xff)] === 0 || (c0 | c1) > 0x7f) continue;
      for (const e of starts[(c0 << 8) | c1]!) {
        const w = e >> 1;
        if (found[w]) continue;
        const code = codes[w]!;
        const at = j - (e & 1);
        if (at < 0 || at + code.length > n) continue;
        let k = 0;
        while (k < code.length && text.charCodeAt(at + k) === code[k]) k++;
        if (k < code.length) continue;
        this.done(found, w);
        if (--left === 0 || enough?.(found)) return found;
      }
    }
    return found;
  }

  private findInBytes(text: Uint8Array, found: Uint8Array, left: number, enough?: (found: Uint8Array) => boolean): Uint8Array {
    const { starts, codes, key } = this;
    const n = text.length;
    for (let j = 0; j + 1 < n; j += 2) {
      const pair = (text[j]! << 8) | text[j + 1]!;
      if (key[pair] === 0) continue;
      for (const e of starts[pair]!) {
        const w = e >> 1;
        if (found[w]) continue;
        const code = codes[w]!;
        const at = j - (e & 1);
        if (at < 0 || at + code.length > n) continue;
        let k = 0;
        while (k < code.length && text[at + k] === code[k]) k++;
        if (k < code.length) continue;
        this.done(found, w);
        if (--left === 0 || enough?.(found)) return found;
      }
    }
    return found;
  }
}

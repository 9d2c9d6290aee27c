// Which of the enabled rules' trigger words a file holds, found in one pass over it. The
// rules share about fifty words (`<-`, `.Lock()`, `defer`, `Close()`, `Query`…): searching
// for each with its own substring search read a file that holds none of them fifty times
// over (on the heavy benchmark corpus, the one pass saves about 3% of a scan's CPU). Here
// each position is tested once against a table of the words' first two characters, and only
// a position whose two characters start some word is compared further.
//
// The table holds ASCII words, so a match in UTF-8 bytes is a match in the decoded text and
// the other way round (bytes of multi-byte characters are all 0x80 or above), and both the
// raw bytes (before decoding) and a string can be searched with the same answer as
// `includes`. A word the table cannot hold (one character, or not ASCII) is searched for on
// its own, with `includes` or `Buffer#indexOf`.
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
  /** For each two-character key (c0 << 8 | c1): the words that start with it, or undefined. */
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
      if (this.words.length <= NATIVE_WORDS || w.length < 2 || !/^[\x01-\x7f]+$/.test(w)) {
        this.odd.push(i);
        return;
      }
      const k = (w.charCodeAt(0) << 8) | w.charCodeAt(1);
      (this.starts[k] ??= []).push(i);
      this.key[k] = 1;
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
   * Records word `w` found; once every word of its two-character key is, the key leaves the
   * table for the rest of the search (`find` puts it back): common pairs (`de`, `co`, `an`)
   * would send every later position that starts one to the comparisons again.
   */
  private done(found: Uint8Array, w: number, k: number): void {
    found[w] = 1;
    if (this.starts[k]!.every((x) => found[x] === 1)) {
      this.key[k] = 0;
      this.cleared.push(k);
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
  // through a function, was four times slower.
  private findIn(text: string, found: Uint8Array, left: number, enough?: (found: Uint8Array) => boolean): Uint8Array {
    const { starts, codes, key } = this;
    const n = text.length;
    let c1 = n > 0 ? text.charCodeAt(0) : 0;
    for (let i = 0; i + 1 < n; i++) {
      const c0 = c1;
      c1 = text.charCodeAt(i + 1);
      if (key[((c0 & 0xff) << 8) | (c1 & 0xff)] === 0 || (c0 | c1) > 0x7f) continue;
      const at = (c0 << 8) | c1;
      for (const w of starts[at]!) {
        if (found[w]) continue;
        const code = codes[w]!;
        if (i + code.length > n) continue;
        let k = 2;
        while (k < code.length && text.charCodeAt(i + k) === code[k]) k++;
        if (k < code.length) continue;
        this.done(found, w, at);
        if (--left === 0 || enough?.(found)) return found;
      }
    }
    return found;
  }

  private findInBytes(text: Uint8Array, found: Uint8Array, left: number, enough?: (found: Uint8Array) => boolean): Uint8Array {
    const { starts, codes, key } = this;
    const n = text.length;
    let c1 = n > 0 ? text[0]! : 0;
    for (let i = 0; i + 1 < n; i++) {
      const c0 = c1;
      c1 = text[i + 1]!;
      const at = (c0 << 8) | c1;
      if (key[at] === 0) continue;
      for (const w of starts[at]!) {
        if (found[w]) continue;
        const code = codes[w]!;
        if (i + code.length > n) continue;
        let k = 2;
        while (k < code.length && text[i + k] === code[k]) k++;
        if (k < code.length) continue;
        this.done(found, w, at);
        if (--left === 0 || enough?.(found)) return found;
      }
    }
    return found;
  }
}

// Which of the enabled rules' trigger words a file holds, found in one pass over it. The
// rules share about fifty words (`<-`, `.Lock()`, `defer`, `Close()`, `Query`…): searching
// for each with its own substring search read a file that holds none of them fifty times
// over (on the heavy benchmark corpus, the one pass saves about 3% of a scan's CPU). Here
// every other position is tested against a table of two-character pairs, and only a position
// whose pair is in the table is compared further. Each word is keyed by two pairs it holds
// at consecutive offsets (k and k + 1): an occurrence has one of them at an even offset. Of
// a word's such pairs, the two least common in Go source are taken (`CIRCULATING` below),
// so that fewer positions of a file lead to comparisons. Reading every other position, and
// then keying by the rarer pairs, each took about a quarter off the search's CPU (testing
// every position for the pair a word starts with came first).
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

/**
 * The 512 two-character pairs commonest in Go source, commonest first (counted over the
 * standard library of Go 1.19). A pair's rank only steers which pairs of a word key it.
 */
const CIRCULATING =
  "  \n\t, \t\t 0in0x= nt00e er\\xrex0:  =)\n tt st//te i/ s  {r {\nes}\nor" +
  "al aet sthn ,\nseonattr) enrr\t}lef  earanun0\\d hengme\n\n ::= r fri" +
  "if ccopernroti nurildeitednc b\t/64ca\tind o \"\",lotuns uuiffx1as\n/" +
  "ecue\tris},ta (ne myp plict ll c 0,fotot.Inamllve32fuadrani.\nmava" +
  "ea 1o () ! v wch *exrgck Rnaacge\t{typanos.iocey 0 e\n Truutofou\tv" +
  "fi.Aode.sir(!=x8 dhaelOpt(xfts))g t6im\n}ptlumpoc1 \tcicot\nfe(rsem" +
  "),omddla1,praga  [go16rt x /olhiulsyiggst3e:t)ose,(\"pov.tp10ssux" +
  "\tt; idRe01\tfx dir)ErCobe heg0\nh byt,\t\"p x2op\tSapytooE  gusv_x4ke" +
  "Arysscsa03==e)x3efS_ldSt 2su _ Cfe Af\\ir.P F8,fa[].TER12ew2 T  &" +
  "f(\t0202,wals.S Sr. % <3,absh02n(x9zeTy_1k buAuAT +\tsxtp.(v(t.Epl" +
  "80Pos[ltd, OxI_0REs,Vadr |ym\tboi:\nTH B04To4,izwiie11so Iakmo\" | " +
  "rfg.T_(xm (s\") -aihoauD 5,blSY(pboucxattee9,t:Sexbtc.F4 ETMO E0)" +
  "\tpS Ad_Snf] evowYSt1]\nfl4\nrcmi082\nep_iOV4(d.xp40d(. af.NoaR1(c.O" +
  "+ o:n\n(eNeg(e1baOR2(EN\"\ns) ya,rycl1\n13l(ppSyST1)lyAR25b.l.xeEDc." +
  "SE& um15INPaok6,0]RO_,0.r,da[0n.sphtISdo14TENO(fpudsrmnnE_biobSi" +
  "fs N(i186 uf\tIIPHEOT G30NE7,.RivThgn&&_R\t_s(x6MAt\nFiLEc(21ADgi\"}";

/** How common a pair (c0 << 8 | c1) is: 1 / (rank + 1) among CIRCULATING, 0 when not there. */
const PAIR_COST = new Map<number, number>();
for (let i = 0; i + 1 < CIRCULATING.length; i += 2) {
  const k = (CIRCULATING.charCodeAt(i) << 8) | CIRCULATING.charCodeAt(i + 1);
  if (!PAIR_COST.has(k)) PAIR_COST.set(k, 1 / (i / 2 + 1));
}

const pairAt = (w: string, k: number): number => (w.charCodeAt(k) << 8) | w.charCodeAt(k + 1);

/** The offset k of a word's two least common consecutive pairs (k and k + 1); the first of equals. */
function rarestPairs(w: string): number {
  let best = 0;
  let bestCost = Infinity;
  for (let k = 0; k + 2 < w.length; k++) {
    const cost = (PAIR_COST.get(pairAt(w, k)) ?? 0) + (PAIR_COST.get(pairAt(w, k + 1)) ?? 0);
    if (cost < bestCost) {
      bestCost = cost;
      best = k;
    }
  }
  return best;
}

export class TriggerWords {
  readonly words: string[];
  /**
   * For each two-character key (c0 << 8 | c1): the words keyed by it, as `word * 2` for the
   * first of their two pairs and `word * 2 + 1` for the second, or undefined.
   */
  private readonly starts: (number[] | undefined)[] = new Array(1 << 16);
  /** Each word's offset of its first key pair (rarestPairs). */
  private readonly offsets: Int32Array;
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
    this.offsets = new Int32Array(this.words.length);
    this.words.forEach((w, i) => {
      this.index.set(w, i);
      if (this.words.length <= NATIVE_WORDS || w.length < 3 || !/^[\x01-\x7f]+$/.test(w)) {
        this.odd.push(i);
        return;
      }
      const at = rarestPairs(w);
      this.offsets[i] = at;
      for (const second of [0, 1]) {
        const k = pairAt(w, at + second);
        (this.starts[k] ??= []).push(i * 2 + second);
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
    for (let offset = this.offsets[w]!; offset < this.offsets[w]! + 2; offset++) {
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
  // key there names a word and which of its pairs is at `j`: where the word would start.
  private findIn(text: string, found: Uint8Array, left: number, enough?: (found: Uint8Array) => boolean): Uint8Array {
    const { starts, codes, key, offsets } = this;
    const n = text.length;
    for (let j = 0; j + 1 < n; j += 2) {
      const c0 = text.charCodeAt(j);
      const c1 = text.charCodeAt(j + 1);
      if (key[((c0 & 0xff) << 8) | (c1 & 0xff)] === 0 || (c0 | c1) > 0x7f) continue;
      for (const e of starts[(c0 << 8) | c1]!) {
        const w = e >> 1;
        if (found[w]) continue;
        const code = codes[w]!;
        const at = j - offsets[w]! - (e & 1);
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
    const { starts, codes, key, offsets } = this;
    const n = text.length;
    for (let j = 0; j + 1 < n; j += 2) {
      const pair = (text[j]! << 8) | text[j + 1]!;
      if (key[pair] === 0) continue;
      for (const e of starts[pair]!) {
        const w = e >> 1;
        if (found[w]) continue;
        const code = codes[w]!;
        const at = j - offsets[w]! - (e & 1);
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

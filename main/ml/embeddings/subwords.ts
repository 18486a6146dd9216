// FastText's character n-grams: "<word>" cut into every n-gram of minN..maxN characters, each hashed (FNV-1a over
// its UTF-8 bytes, with fastText's sign-extended bytes, so a word gets the buckets fastText and gensim give it) into
// one of `buckets` rows. Only the buckets some vocabulary word uses can ever be trained, so training keeps just those
// rows, compacted after the V word rows: input row of bucket b = V + rank of b among the used buckets.

export interface SubwordOptions {
  minN: number;
  maxN: number;
  buckets: number;
}

const encoder = new TextEncoder();

/** fastText's hash: FNV-1a 32 where each byte is sign-extended to 32 bits before the xor (int8 -> uint32). */
export function ftHash(bytes: Uint8Array): number {
  let h = 2166136261;
  for (const byte of bytes) {
    h = (h ^ ((byte << 24) >> 24)) >>> 0;
    h = Math.imul(h, 16777619) >>> 0;
  }
  return h;
}

/** The n-grams of "<word>" (characters = code points), n from minN to maxN, in fastText's order; [] when off. */
export function charNgrams(word: string, o: SubwordOptions): string[] {
  if (o.buckets <= 0 || o.maxN < o.minN || o.maxN <= 0) return [];
  const chars = [...`<${word}>`];
  const out: string[] = [];
  for (let i = 0; i < chars.length; i++) {
    let gram = '';
    for (let n = 1; n <= o.maxN && i + n <= chars.length; n++) {
      gram += chars[i + n - 1];
      // a lone "<" or ">" is never an n-gram (matters only when minN = 1)
      if (n >= o.minN && !(n === 1 && (i === 0 || i + n === chars.length))) out.push(gram);
    }
  }
  return out;
}

export function ngramBuckets(word: string, o: SubwordOptions): number[] {
  return charNgrams(word, o).map((g) => ftHash(encoder.encode(g)) % o.buckets);
}

export interface SubwordTable {
  /** (V + 1) word w's input rows are rows[starts[w], starts[w+1]): its own row w, then V + compact bucket rank */
  starts: Int32Array;
  rows: Int32Array;
  /** the used buckets, ascending; row V + k holds bucket usedBuckets[k] */
  usedBuckets: Int32Array;
}

export function subwordTable(words: readonly string[], o: SubwordOptions): SubwordTable {
  const V = words.length;
  const perWord = words.map((w) => ngramBuckets(w, o));
  const used = new Set<number>();
  for (const list of perWord) for (const b of list) used.add(b);
  const usedBuckets = Int32Array.from([...used].sort((a, b) => a - b));
  const rank = new Map<number, number>();
  usedBuckets.forEach((b, k) => rank.set(b, k));
  const starts = new Int32Array(V + 1);
  perWord.forEach((list, w) => {
    starts[w + 1] = starts[w] + 1 + list.length;
  });
  const rows = new Int32Array(starts[V]);
  perWord.forEach((list, w) => {
    rows[starts[w]] = w;
    list.forEach((b, k) => {
      rows[starts[w] + 1 + k] = V + rank.get(b)!;
    });
  });
  return { starts, rows, usedBuckets };
}

/** Index k of a bucket among the used ones (binary search), or -1 when no vocabulary word ever used it. */
export function bucketRank(usedBuckets: Int32Array, bucket: number): number {
  let lo = 0, hi = usedBuckets.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (usedBuckets[mid] === bucket) return mid;
    if (usedBuckets[mid] < bucket) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

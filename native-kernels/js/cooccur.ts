// JS reference of cooccurCount / cooccurDrain (src/cooccur.cc): the same table layout, slot hash and stopping rule,
// so either backend can continue a table the other filled.
import type { CooccurLookup, CooccurOptions } from '../embeddings-types';

function slotHash(i: number, j: number): number {
  let h = (Math.imul(i, 0x9e3779b1) ^ j) >>> 0;
  h = (h ^ (h >>> 16)) >>> 0;
  h = Math.imul(h, 0x7feb352d) >>> 0;
  h = (h ^ (h >>> 15)) >>> 0;
  h = Math.imul(h, 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** Inserts every pair of `from` into the emptied, larger table `to`; returns the entries moved. */
export function cooccurRehash(from: Float64Array, to: Float64Array, V: number): number {
  const mask = to.length / 2 - 1;
  let entries = 0;
  for (let s = 0; s < from.length / 2; s++) {
    const key = from[2 * s];
    if (key < 0) continue;
    const i = Math.floor(key / V);
    let t = slotHash(i, key - i * V) & mask;
    while (to[2 * t] >= 0) t = (t + 1) & mask;
    to[2 * t] = key;
    to[2 * t + 1] = from[2 * s + 1];
    entries++;
  }
  return entries;
}

export function cooccurCount(table: Float64Array, words: Int32Array, starts: Int32Array, o: CooccurOptions,
  lookup: CooccurLookup | null = null): { sentences: number; entries: number } {
  const mask = table.length / 2 - 1;
  let entries = o.entries;
  const rows = lookup === null ? 0 : lookup.starts.length - 1;
  const add = (i: number, j: number, w: number): void => {
    if (i < rows && lookup!.starts[i] + j < lookup!.starts[i + 1]) {
      lookup!.values[lookup!.starts[i] + j] += w;
      return;
    }
    const key = i * o.V + j;
    let s = slotHash(i, j) & mask;
    for (;;) {
      if (table[2 * s] === key) {
        table[2 * s + 1] += w;
        return;
      }
      if (table[2 * s] < 0) {
        table[2 * s] = key;
        table[2 * s + 1] = w;
        entries++;
        return;
      }
      s = (s + 1) & mask;
    }
  };
  const S = starts.length - 1;
  let s = 0;
  for (; s < S; s++) {
    const a = starts[s];
    const L = starts[s + 1] - a;
    if (s > 0 && entries + L * o.window * (o.symmetric ? 2 : 1) > o.maxEntries) break;
    for (let p = 0; p < L; p++) {
      for (let q = p - 1; q >= Math.max(0, p - o.window); q--) {
        const w = o.distanceWeighting ? 1 / (p - q) : 1;
        add(words[a + q], words[a + p], w);
        if (o.symmetric) add(words[a + p], words[a + q], w);
      }
    }
  }
  return { sentences: s, entries };
}

export function cooccurDrain(table: Float64Array): number {
  const pairs: [number, number][] = [];
  for (let s = 0; s < table.length / 2; s++) if (table[2 * s] >= 0) pairs.push([table[2 * s], table[2 * s + 1]]);
  pairs.sort((x, y) => x[0] - y[0]);
  pairs.forEach(([k, v], n) => {
    table[2 * n] = k;
    table[2 * n + 1] = v;
  });
  return pairs.length;
}

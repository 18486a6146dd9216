// Questions asked of word vectors: nearest neighbours by cosine similarity, analogies a − b + c (3CosAdd, the
// original word2vec's "compute-accuracy" rule: the inputs themselves are never answers), and the nearest spellings
// of a word that is not in the vocabulary (edit distance, frequent words first among ties).
import type { Neighbor } from '../../../common/embeddings/vector-set';

export interface VectorTable {
  labels: string[];
  dim: number;
  vectors: Float32Array;
}

/** Rows scaled to unit length (zero rows stay zero). */
export function unitRows(t: VectorTable): Float32Array {
  const { dim: D } = t;
  const out = new Float32Array(t.vectors.length);
  for (let r = 0; r * D < t.vectors.length; r++) {
    let s = 0;
    for (let d = 0; d < D; d++) s += t.vectors[r * D + d] ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let d = 0; d < D; d++) out[r * D + d] = t.vectors[r * D + d] * inv;
  }
  return out;
}

function unit(v: ArrayLike<number>): Float64Array {
  let s = 0;
  for (let d = 0; d < v.length; d++) s += v[d] * v[d];
  const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
  return Float64Array.from(v as ArrayLike<number>, (x) => x * inv);
}

/** The k rows most similar to `query` by cosine, best first, skipping `exclude`. `unitTable` = unitRows(t). */
export function nearest(t: VectorTable, unitTable: Float32Array, query: ArrayLike<number>, k: number,
  exclude: ReadonlySet<number> = new Set()): Neighbor[] {
  const D = t.dim;
  const q = unit(query);
  const N = t.labels.length;
  // keep the best k in a small array sorted descending (k is small next to N)
  const best: { index: number; similarity: number }[] = [];
  for (let r = 0; r < N; r++) {
    if (exclude.has(r)) continue;
    let s = 0;
    for (let d = 0; d < D; d++) s += q[d] * unitTable[r * D + d];
    if (best.length === k && s <= best[k - 1].similarity) continue;
    let at = best.length;
    while (at > 0 && best[at - 1].similarity < s) at--;
    best.splice(at, 0, { index: r, similarity: s });
    if (best.length > k) best.pop();
  }
  return best.map((b) => ({ index: b.index, label: t.labels[b.index], similarity: b.similarity }));
}

/** a − b + c over unit vectors (each input normalised first), answers exclude a, b and c. */
export function analogyQuery(a: ArrayLike<number>, b: ArrayLike<number>, c: ArrayLike<number>): Float64Array {
  const [ua, ub, uc] = [unit(a), unit(b), unit(c)];
  return ua.map((x, d) => x - ub[d] + uc[d]);
}

/** Levenshtein distance over code points, giving up (returning limit + 1) once it must exceed `limit`. */
export function editDistance(x: string, y: string, limit = Infinity): number {
  const a = [...x], b = [...y];
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > limit) return limit + 1;
    prev = cur;
  }
  return prev[b.length];
}

/** Up to k vocabulary words closest in spelling to `word` (words are in frequency order, so ties favour frequent). */
export function nearestSpelling(words: readonly string[], word: string, k = 3): string[] {
  const target = word.toLowerCase();
  const limit = Math.max(1, Math.min(3, Math.floor([...target].length / 2)));
  const found: { w: string; d: number; rank: number }[] = [];
  words.forEach((w, rank) => {
    const d = editDistance(w.toLowerCase(), target, limit);
    if (d <= limit) found.push({ w, d, rank });
  });
  found.sort((p, q) => p.d - q.d || p.rank - q.rank);
  return found.slice(0, k).map((f) => f.w);
}

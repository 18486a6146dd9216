// Two embedding spaces side by side: the words both sets have, each word's k nearest neighbours in each space, and
// how many of them agree (Word2Vec vs GloVe, BERT's layer 4 vs GPT's, one run at two checkpoints). And a sequence of
// layouts of one set over checkpoints, each aligned onto the one before so the points move only as much as the space
// itself changed.
import { LabError } from '../../../../common/errors';
import type { Metric, ProjectionKernels } from '../../../../native-kernels/projection';
import { knnGraph } from './knn-graph';
import { applyAlignment, procrustes } from './procrustes';
import type { Rows } from './explore';

export interface SpaceComparison {
  /** the shared labels, in set A's order */
  labels: string[];
  /** their rows in A and in B */
  rowsA: number[];
  rowsB: number[];
  k: number;
  /** per shared label: the share of its k nearest neighbours (among the shared labels) that both spaces agree on */
  overlap: number[];
  /** the mean of `overlap` */
  mean: number;
  /** (M, k) neighbours of each shared label in A and in B, as indices into `labels` */
  neighboursA: Int32Array;
  neighboursB: Int32Array;
}

/** How a row is matched across two sets: by its label, or — for contextual sets (a `sentence` column), where one
 *  word occurs many times — by sentence, label and which occurrence of it in that sentence, so "bank" in sentence 1
 *  meets "bank" in sentence 1 even when one model adds [CLS] and the other does not. */
function matchKeys(set: Rows, contextual: boolean): { keys: string[]; shown: string[] } {
  const sentence = set.columns.sentence;
  if (!contextual || sentence === undefined || sentence.length !== set.labels.length) return { keys: set.labels, shown: set.labels };
  const seen = new Map<string, number>();
  const keys = set.labels.map((l, i) => {
    const base = `${String(sentence[i])}\u0000${l}`;
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return `${base}\u0000${n}`;
  });
  return { keys, shown: set.labels.map((l, i) => `${l} · ${Number(sentence[i]) + 1}`) };
}

/** Compares two sets on the labels they share (at most `limit` of them, A's first ones: the most frequent words);
 *  two contextual sets are matched token by token (matchKeys). */
export function compareSpaces(pk: ProjectionKernels, a: Rows, b: Rows, k: number, metric: Metric, limit = 20_000): SpaceComparison {
  const contextual = a.columns.sentence !== undefined && b.columns.sentence !== undefined;
  const ka = matchKeys(a, contextual);
  const kb = matchKeys(b, contextual);
  const inB = new Map<string, number>();
  kb.keys.forEach((l, i) => {
    if (!inB.has(l)) inB.set(l, i);
  });
  const seen = new Set<string>();
  const labels: string[] = [];
  const rowsA: number[] = [];
  const rowsB: number[] = [];
  ka.keys.forEach((l, i) => {
    const j = inB.get(l);
    if (j === undefined || seen.has(l) || labels.length >= limit) return;
    seen.add(l);
    labels.push(ka.shown[i]);
    rowsA.push(i);
    rowsB.push(j);
  });
  const M = labels.length;
  if (M <= k) {
    throw new LabError('invalid_input',
      `The two sets share ${M} label${M === 1 ? '' : 's'}, too few to compare ${k} neighbours; compare sets built from the same text or vocabulary, or lower k.`,
      { field: 'k' });
  }
  const gather = (set: Rows, rows: number[]): Float32Array => {
    const out = new Float32Array(rows.length * set.dim);
    rows.forEach((r, i) => out.set(set.vectors.subarray(r * set.dim, (r + 1) * set.dim), i * set.dim));
    return out;
  };
  const ga = knnGraph(pk, gather(a, rowsA), M, a.dim, k, metric, 1);
  const gb = knnGraph(pk, gather(b, rowsB), M, b.dim, k, metric, 1);
  const overlap: number[] = [];
  let sum = 0;
  for (let i = 0; i < M; i++) {
    const set = new Set(ga.indices.subarray(i * k, (i + 1) * k));
    let shared = 0;
    for (let s = 0; s < k; s++) if (set.has(gb.indices[i * k + s])) shared++;
    overlap.push(shared / k);
    sum += shared / k;
  }
  return { labels, rowsA, rowsB, k, overlap, mean: sum / M, neighboursA: ga.indices, neighboursB: gb.indices };
}

/** Layouts of the same points (N, dims) over checkpoints, each rotated, scaled and shifted onto the previous aligned
 *  one (orthogonal Procrustes); the first is kept as it is. */
export function alignSequence(layouts: readonly Float32Array[], N: number, dims: number): Float32Array[] {
  const out: Float32Array[] = [];
  layouts.forEach((layout, t) => {
    out.push(t === 0 ? Float32Array.from(layout) : applyAlignment(procrustes(out[t - 1], layout, N, dims), layout, N, dims));
  });
  return out;
}

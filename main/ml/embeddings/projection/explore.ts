// What the projector asks of a vector set besides its layout: the nearest rows of a point in the original space
// (cosine or euclidean, exact, on the kNN kernel), a search by label, analogies a − b + c, the neighbourhood to
// isolate and re-project, and a subset of rows as a set of its own.
import { LabError } from '../../../../common/errors';
import type { Metric, ProjectionKernels } from '../../../../native-kernels/projection';

/** The rows of a vector set the projector reads (common/embeddings/vector-set.ts's VectorSet has these). */
export interface Rows {
  labels: string[];
  dim: number;
  /** (N, dim) */
  vectors: Float32Array;
  columns: Record<string, (string | number)[]>;
}

export interface Neighbour {
  index: number;
  label: string;
  /** cosine: 1 - cos; euclidean: the distance */
  distance: number;
  /** cosine similarity (cosine metric only) */
  similarity?: number;
}

function checkRow(set: Rows, row: number, field: string): void {
  const N = set.labels.length;
  if (!Number.isInteger(row) || row < 0 || row >= N) {
    throw new LabError('invalid_input', `Point ${String(row)} does not exist: the set has ${N} points (0 to ${N - 1}).`, { field });
  }
}

function checkK(k: number, N: number): void {
  if (!Number.isInteger(k) || k < 1 || k > 1000) {
    throw new LabError('invalid_input', `k is ${String(k)}, but it must be a whole number from 1 to 1000.`, { field: 'k' });
  }
  if (N < 2) throw new LabError('invalid_input', `A set of ${N} point has no neighbours; choose a set with at least 2 points.`, { field: 'k' });
}

/** The k rows nearest to `query` (a vector of the set's dimension), skipping `exclude`, nearest first. */
export function neighboursOfVector(pk: ProjectionKernels, set: Rows, query: ArrayLike<number>, k: number, metric: Metric,
  exclude: ReadonlySet<number> = new Set()): Neighbour[] {
  const N = set.labels.length;
  checkK(k, N);
  const want = Math.min(N, k + exclude.size);
  const idx = new Int32Array(want);
  const dist = new Float32Array(want);
  pk.knnQuery(idx, dist, Float32Array.from(query), set.vectors, 1, N, set.dim, want, metric);
  const out: Neighbour[] = [];
  for (let s = 0; s < want && out.length < k; s++) {
    if (exclude.has(idx[s])) continue;
    const n: Neighbour = { index: idx[s], label: set.labels[idx[s]], distance: dist[s] };
    if (metric === 'cosine') n.similarity = 1 - dist[s];
    out.push(n);
  }
  return out;
}

/** The k rows nearest to row `row` (itself left out). */
export function neighboursOfRow(pk: ProjectionKernels, set: Rows, row: number, k: number, metric: Metric): Neighbour[] {
  checkRow(set, row, 'point');
  const q = set.vectors.subarray(row * set.dim, (row + 1) * set.dim);
  return neighboursOfVector(pk, set, q, k, metric, new Set([row]));
}

/** Rows whose label matches `query` (case-insensitive): exact matches first, then labels starting with it, then
 *  labels containing it; each group in row order (for word sets: most frequent first). At most `limit`. */
export function searchLabels(labels: readonly string[], query: string, limit = 50): number[] {
  const q = query.trim().toLowerCase();
  if (q === '') return [];
  const exact: number[] = [];
  const prefix: number[] = [];
  const inner: number[] = [];
  labels.forEach((label, i) => {
    const l = label.toLowerCase();
    if (l === q) exact.push(i);
    else if (l.startsWith(q)) prefix.push(i);
    else if (l.includes(q)) inner.push(i);
  });
  return [...exact, ...prefix, ...inner].slice(0, limit);
}

/** The row of a label for an analogy input: the first exact match, or a sentence naming the label. */
export function rowOfLabel(labels: readonly string[], label: string, field: string): number {
  const i = labels.indexOf(label);
  if (i >= 0) return i;
  const lower = label.toLowerCase();
  const j = labels.findIndex((l) => l.toLowerCase() === lower);
  if (j >= 0) return j;
  const near = searchLabels(labels, label.slice(0, Math.max(1, Math.ceil(label.length / 2))), 3).map((r) => `"${labels[r]}"`);
  const hint = near.length > 0 ? `; similar labels: ${near.join(', ')}` : '';
  throw new LabError('not_found', `"${label}" is not a point of this set${hint}.`, { field });
}

/** a − b + c: with cosine, over unit vectors and answered by cosine (3CosAdd); with euclidean, over the raw vectors.
 *  The inputs are never answers. Returns the query vector (for drawing where it lands) and the answers. */
export function analogy(pk: ProjectionKernels, set: Rows, a: number, b: number, c: number, k: number, metric: Metric):
  { query: Float32Array; answers: Neighbour[] } {
  checkRow(set, a, 'a');
  checkRow(set, b, 'b');
  checkRow(set, c, 'c');
  const D = set.dim;
  const row = (r: number): Float64Array => {
    const v = Float64Array.from(set.vectors.subarray(r * D, (r + 1) * D));
    if (metric === 'cosine') {
      let s = 0;
      for (let d = 0; d < D; d++) s += v[d] * v[d];
      const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
      for (let d = 0; d < D; d++) v[d] *= inv;
    }
    return v;
  };
  const [va, vb, vc] = [row(a), row(b), row(c)];
  const query = Float32Array.from(va, (x, d) => x - vb[d] + vc[d]);
  return { query, answers: neighboursOfVector(pk, set, query, k, metric, new Set([a, b, c])) };
}

/** Row `row` and its k nearest rows in the original space: the neighbourhood to isolate and project again. */
export function neighbourhood(pk: ProjectionKernels, set: Rows, row: number, k: number, metric: Metric): number[] {
  return [row, ...neighboursOfRow(pk, set, row, k, metric).map((n) => n.index)];
}

/** The given rows (in that order) as a set of their own, columns included; `origin` maps them back. */
export function subset(set: Rows, rows: readonly number[]): Rows & { origin: number[] } {
  const D = set.dim;
  const vectors = new Float32Array(rows.length * D);
  rows.forEach((r, i) => {
    checkRow(set, r, 'rows');
    vectors.set(set.vectors.subarray(r * D, (r + 1) * D), i * D);
  });
  const columns: Record<string, (string | number)[]> = {};
  for (const [name, col] of Object.entries(set.columns)) columns[name] = rows.map((r) => col[r]);
  return { labels: rows.map((r) => set.labels[r]), dim: D, vectors, columns, origin: [...rows] };
}

// JS reference k nearest neighbours: every distance in float64, a full sort by (distance, index). NN-descent's
// reference is this exact answer (tests measure the approximate graph's recall against it).
import type { F32 } from '../../kernels';
import type { Metric } from '../../projection';

function unitRows(X: F32, N: number, D: number): Float64Array {
  const out = new Float64Array(N * D);
  for (let i = 0; i < N; i++) {
    let s = 0;
    for (let d = 0; d < D; d++) s += X[i * D + d] * X[i * D + d];
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let d = 0; d < D; d++) out[i * D + d] = X[i * D + d] * inv;
  }
  return out;
}

/** The distance a kernel reports between row a of A and row b of B (both (.,D) float64 views of the inputs). */
function distance(A: ArrayLike<number>, a: number, B: ArrayLike<number>, b: number, D: number, metric: Metric): number {
  let s = 0;
  if (metric === 'cosine') {
    for (let d = 0; d < D; d++) s += A[a * D + d] * B[b * D + d];
    return 1 - s;
  }
  for (let d = 0; d < D; d++) {
    const x = A[a * D + d] - B[b * D + d];
    s += x * x;
  }
  return Math.sqrt(s);
}

function search(indices: Int32Array, distances: F32, queries: F32, X: F32, Q: number, N: number, D: number, k: number,
  metric: Metric, excludeSelf: boolean): void {
  const A = metric === 'cosine' ? unitRows(queries, Q, D) : queries;
  const B = metric === 'cosine' ? (queries === X ? A : unitRows(X, N, D)) : X;
  const cand: { j: number; d: number }[] = [];
  for (let q = 0; q < Q; q++) {
    cand.length = 0;
    for (let j = 0; j < N; j++) {
      if (excludeSelf && j === q) continue;
      cand.push({ j, d: Math.max(0, distance(A, q, B, j, D, metric)) });
    }
    cand.sort((x, y) => x.d - y.d || x.j - y.j);
    for (let s = 0; s < k; s++) {
      indices[q * k + s] = cand[s].j;
      distances[q * k + s] = cand[s].d;
    }
  }
}

export function knnGraph(indices: Int32Array, distances: F32, X: F32, N: number, D: number, k: number, metric: Metric): void {
  search(indices, distances, X, X, N, N, D, k, metric, true);
}

export function knnQuery(indices: Int32Array, distances: F32, queries: F32, X: F32, Q: number, N: number, D: number,
  k: number, metric: Metric): void {
  search(indices, distances, queries, X, Q, N, D, k, metric, false);
}

export function knnDescent(indices: Int32Array, distances: F32, X: F32, N: number, D: number, k: number, metric: Metric): number {
  knnGraph(indices, distances, X, N, D, k, metric);
  return 0;
}

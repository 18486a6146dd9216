// The kNN graph t-SNE and UMAP start from: exact (GEMM brute force) for small sets, NN-descent above, where the
// exact N^2 D cost stops paying.
import type { Metric, ProjectionKernels } from '../../../../native-kernels/projection';

/** Whether brute force beats NN-descent here (measured on 2 cores, bench/embeddings): always for small sets; up to
 *  20,000 points when k is large (t-SNE's 3 perplexity + 1 = 91 neighbours: exact 1.8 s of CPU at 10,000 x 64,
 *  NN-descent 7.0 s, whose local joins grow as k^2); never above (UMAP's k = 14 at 10,000 x 64: exact 0.84 s,
 *  NN-descent 0.43 s at 99.9% recall). */
export function exactKnnPays(N: number, k: number): boolean {
  return N <= 4096 || (N <= 20_000 && k >= 32);
}

export interface KnnGraph {
  k: number;
  /** (N, k) ascending by distance */
  indices: Int32Array;
  distances: Float32Array;
  method: 'exact' | 'nn-descent';
  rounds?: number;
  seconds: number;
}

/** Each row's k nearest other rows; `exact` forces (true) or forbids (false) brute force, otherwise by size. */
export function knnGraph(pk: ProjectionKernels, X: Float32Array, N: number, D: number, k: number, metric: Metric,
  seed: number, exact?: boolean): KnnGraph {
  const t0 = performance.now();
  const indices = new Int32Array(N * k);
  const distances = new Float32Array(N * k);
  if (exact ?? exactKnnPays(N, k)) {
    pk.knnGraph(indices, distances, X, N, D, k, metric);
    return { k, indices, distances, method: 'exact', seconds: (performance.now() - t0) / 1000 };
  }
  // Candidates per round: the local join costs their square, and beyond 32 they buy no recall (20,000 x 64, k = 91:
  // 60 candidates 15.2 s of CPU, 32 7.9 s, both recall 1.000; 50,000 x 128, k = 14: 16 candidates recall 0.985 in
  // 4.0 s, 24 0.992 in 4.2 s). Trees grow slowly with N (a better first guess for the rounds).
  const maxCandidates = Math.min(32, Math.max(k, 16));
  const trees = Math.min(12, 4 + Math.round(Math.pow(N, 0.25) / 4));
  const maxIterations = Math.max(5, Math.round(Math.log2(N)));
  const rounds = pk.knnDescent(indices, distances, X, N, D, k, metric, seed, maxIterations, maxCandidates, trees);
  return { k, indices, distances, method: 'nn-descent', rounds, seconds: (performance.now() - t0) / 1000 };
}

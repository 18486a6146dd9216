// The kNN graph t-SNE and UMAP start from: exact (GEMM brute force) for small sets, NN-descent above, where the
// exact N^2 D cost stops paying (measured in bench/embeddings/projection-knn.ts).
import type { Metric, ProjectionKernels } from '../../../../native-kernels/projection';

/** Above this many points the graph is approximate (NN-descent); at or below, exact. */
export const EXACT_KNN_LIMIT = 12_000;

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
  if (exact ?? N <= EXACT_KNN_LIMIT) {
    pk.knnGraph(indices, distances, X, N, D, k, metric);
    return { k, indices, distances, method: 'exact', seconds: (performance.now() - t0) / 1000 };
  }
  // Candidates per round grow with k (more neighbours to check), trees with N (a better first guess).
  const maxCandidates = Math.min(60, Math.max(k, 24));
  const trees = Math.min(16, 4 + Math.round(Math.pow(N, 0.25) / 2));
  const maxIterations = Math.max(5, Math.round(Math.log2(N)));
  const rounds = pk.knnDescent(indices, distances, X, N, D, k, metric, seed, maxIterations, maxCandidates, trees);
  return { k, indices, distances, method: 'nn-descent', rounds, seconds: (performance.now() - t0) / 1000 };
}

// How faithfully a layout keeps neighbourhoods: trustworthiness as scikit-learn defines it (Venna & Kaski), and the
// overlap of two neighbour lists (the projector's "compare spaces"). Exact and O(N^2): for tests and modest sets.
import type { Metric, ProjectionKernels } from '../../../../native-kernels/projection';

/** sklearn.manifold.trustworthiness(X, Y, n_neighbors=k): 1 - 2/(N k (2N - 3k - 1)) sum_i sum_{j in U_i} (r(i,j) - k),
 *  U_i the layout's k nearest neighbours of i that are not among its k nearest in X, r(i,j) j's rank among i's
 *  neighbours in X (1 = nearest). Euclidean in the layout; `metric` in X. */
export function trustworthiness(pk: ProjectionKernels, X: Float32Array, Y: Float32Array, N: number, D: number,
  dims: number, k: number, metric: Metric = 'euclidean'): number {
  if (k >= N / 2) throw new RangeError(`trustworthiness: k = ${k} must be below N / 2 = ${N / 2}.`);
  const all = N - 1;
  const xIdx = new Int32Array(N * all);
  const xDist = new Float32Array(N * all);
  pk.knnGraph(xIdx, xDist, X, N, D, all, metric);
  const yIdx = new Int32Array(N * k);
  const yDist = new Float32Array(N * k);
  pk.knnGraph(yIdx, yDist, Y, N, dims, k, 'euclidean');
  const rank = new Int32Array(N);
  let penalty = 0;
  for (let i = 0; i < N; i++) {
    for (let r = 0; r < all; r++) rank[xIdx[i * all + r]] = r + 1;
    for (let s = 0; s < k; s++) {
      const r = rank[yIdx[i * k + s]];
      if (r > k) penalty += r - k;
    }
  }
  return 1 - (penalty * 2) / (N * k * (2 * N - 3 * k - 1));
}

/** Mean share of each row's k nearest neighbours in A that are also among its k nearest in B (1 = same lists). */
export function neighbourOverlap(indicesA: Int32Array, indicesB: Int32Array, N: number, k: number): number {
  let shared = 0;
  for (let i = 0; i < N; i++) {
    const a = new Set(indicesA.subarray(i * k, (i + 1) * k));
    for (let s = 0; s < k; s++) if (a.has(indicesB[i * k + s])) shared++;
  }
  return N > 0 ? shared / (N * k) : 1;
}

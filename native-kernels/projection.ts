// The projection kernel contract (PCA, k nearest neighbours, t-SNE, UMAP): a sub-interface beside `Kernels`, with the
// same conventions (stateless functions over flat buffers, outputs first, then inputs, then dimensions). Every kernel
// that iterates (t-SNE steps, UMAP epochs) keeps its state in caller-owned buffers, so the caller can run a few
// iterations per call and show each frame. Implemented by the addon (src/{pca,knn,nndescent,tsne,tsne_bh,umap}.cc)
// and by the JS references (js/projection/), which tests compare.

import type { BackendName, F32 } from './kernels';

/** Distance between rows: euclidean, or cosine distance 1 - cos(a, b) (a zero row is at distance 1 from every row). */
export type Metric = 'euclidean' | 'cosine';
/** How symmetrizeGraph joins W and W^T: t-SNE's (W + W^T) / sum, or UMAP's fuzzy union W + W^T - W o W^T. */
export type SymmetrizeMode = 'sum' | 'fuzzy-union';

export const METRIC_CODES: Record<Metric, number> = { euclidean: 0, cosine: 1 };
export const SYMMETRIZE_CODES: Record<SymmetrizeMode, number> = { sum: 0, 'fuzzy-union': 1 };

export interface ProjectionKernels {
  readonly backend: BackendName;

  /** mean(D), the top-k principal axes components(k,D) (unit rows, descending variance) and their variances(k) of
   *  X(N,D), covariance normalised by N-1. Sign: on each axis the row with the largest |score| scores positive (as
   *  scikit-learn). Returns the total variance (trace of the covariance). */
  pcaFit(components: F32, variances: F32, mean: F32, X: F32, N: number, D: number, k: number): number;
  /** out(N,k) = (X - mean) @ components^T. */
  pcaTransform(out: F32, X: F32, mean: F32, components: F32, N: number, D: number, k: number): void;

  /** Exact kNN graph: indices(N,k), distances(N,k) of each row's k nearest other rows, ascending by (distance, index).
   *  Distances are euclidean, or 1 - cos. */
  knnGraph(indices: Int32Array, distances: F32, X: F32, N: number, D: number, k: number, metric: Metric): void;
  /** Exact search: indices(Q,k), distances(Q,k) of each query(Q,D)'s k nearest rows of X(N,D), as knnGraph. */
  knnQuery(indices: Int32Array, distances: F32, queries: F32, X: F32, Q: number, N: number, D: number, k: number,
    metric: Metric): void;
  /** Approximate kNN graph by NN-descent from a random-projection forest of `trees` trees; same output as knnGraph.
   *  maxCandidates bounds each row's sampled candidates per round; stops when a round changes fewer than
   *  0.001 N k entries or after maxIterations rounds. Returns the rounds run (the JS reference answers exactly and
   *  returns 0). Deterministic for a seed whatever the thread count. */
  knnDescent(indices: Int32Array, distances: F32, X: F32, N: number, D: number, k: number, metric: Metric, seed: number,
    maxIterations: number, maxCandidates: number, trees: number): number;

  /** t-SNE input affinities: P(N,k) row i = exp(-beta_i d_ij) normalised over the row, beta_i bisected so the row's
   *  entropy is ln(perplexity) (tolerance 1e-5, 100 steps). Returns the number of rows that missed the tolerance. */
  tsneConditional(P: F32, distances: F32, N: number, k: number, perplexity: number): number;
  /** The symmetric CSR matrix of the directed kNN weights (row i: weights(i,s) to indices(i,s)): rowPtr(N+1),
   *  cols/vals with room for 2Nk entries, columns ascending per row, self loops and entries <= 0 dropped.
   *  Returns the number of entries (rowPtr[N]). */
  symmetrizeGraph(rowPtr: Int32Array, cols: Int32Array, vals: F32, indices: Int32Array, weights: F32, N: number,
    k: number, mode: SymmetrizeMode): number;
  /** grad(N,dims) of KL(P || Q) at Y(N,dims), dims 2 or 3, P in CSR summing to 1, the attractive term times
   *  exaggeration: 4 [exaggeration sum_j p_ij K_ij (y_i - y_j) - sum_j K_ij^2 (y_i - y_j) / Z], K = 1/(1+|y_i-y_j|^2),
   *  Z = sum_{i!=j} K_ij. theta 0: every pair; > 0: Barnes-Hut with that opening angle. Returns KL(P || Q). */
  tsneGradient(grad: F32, Y: F32, rowPtr: Int32Array, cols: Int32Array, vals: F32, N: number, dims: number,
    exaggeration: number, theta: number): number;
  /** `steps` iterations in place on Y, update, gains (N,dims): g = gradient; gains += 0.2 where sign(update) !=
   *  sign(g), else *= 0.8, floor 0.01; update = momentum update - learningRate gains g; Y += update.
   *  Returns KL(P || Q) at the last iteration's gradient. */
  tsneSteps(Y: F32, update: F32, gains: F32, rowPtr: Int32Array, cols: Int32Array, vals: F32, N: number, dims: number,
    steps: number, exaggeration: number, momentum: number, learningRate: number, theta: number): number;

  /** UMAP memberships weights(N,k) = exp(-(d_ij - rho_i) / sigma_i) (1 where d_ij <= rho_i) from each row's ascending
   *  kNN distances(N,k) without the row itself; rho_i the localConnectivity-th non-zero distance, sigma_i bisected so a
   *  row sums to log2(k + 1). Returns the number of rows that missed the tolerance. */
  umapMemberships(weights: F32, distances: F32, N: number, k: number, localConnectivity: number): number;
  /** Epochs [epochFrom, epochTo) of nEpochs of UMAP's SGD on Y(N,dims) over E edges heads/tails (both directions of
   *  each graph edge), state in epochsPerSample / nextSample / nextNegative (E, float64). Learning rate of epoch n:
   *  initialAlpha (1 - n / nEpochs). Negative samples are a hash of (seed, edge, epoch, sample). deterministic: one
   *  thread in edge order (the JS reference's order); otherwise the pool's threads share Y without locks. */
  umapEpochs(Y: F32, heads: Int32Array, tails: Int32Array, epochsPerSample: Float64Array, nextSample: Float64Array,
    nextNegative: Float64Array, E: number, N: number, dims: number, epochFrom: number, epochTo: number,
    nEpochs: number, a: number, b: number, gamma: number, negativeRate: number, initialAlpha: number, seed: number,
    deterministic: boolean): void;
}

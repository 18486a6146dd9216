// UMAP as umap-learn 0.5 runs it by default, on the native kernels: the n_neighbors - 1 nearest other rows (exact or
// NN-descent), fuzzy memberships with local connectivity 1, their fuzzy union, edges below max / n_epochs dropped,
// each edge sampled every max / w epochs; the curve 1 / (1 + a d^2b) fitted to spread and min_dist; SGD with
// learning rate 1 decaying linearly, gradient clip 4, negative_sample_rate repulsions per sample, repulsion strength 1.
// One difference: the start is the PCA layout scaled to [0, 10] (umap-learn's default is a spectral layout; its
// 'pca' option is this one), which keeps the global arrangement and costs one GEMM.
import type { ProjectionKernels } from '../../../../native-kernels/projection';
import { mixKey, unitFloat } from '../../../../native-kernels/js/projection/rng';
import { knnGraph, type KnnGraph } from './knn-graph';
import type { ProjectionParams } from './params';
import { pcaScores } from './pca';
import type { FrameSink, ProjectionResult } from './types';
import { fitCurve } from './umap-curve';

export interface UmapGraph {
  N: number;
  /** both directions of every kept edge */
  heads: Int32Array;
  tails: Int32Array;
  weights: Float32Array;
  knn: KnnGraph;
}

/** The fuzzy simplicial set of the rows as a list of weighted directed edges, pruned for `nEpochs`. */
export function umapGraph(pk: ProjectionKernels, X: Float32Array, N: number, D: number, p: ProjectionParams,
  nEpochs: number, exactKnn?: boolean): UmapGraph {
  const k = Math.min(N - 1, p.neighbors - 1);
  const knn = knnGraph(pk, X, N, D, k, p.metric, p.seed, exactKnn);
  const member = new Float32Array(N * k);
  pk.umapMemberships(member, knn.distances, N, k, 1);
  const rowPtr = new Int32Array(N + 1);
  const cols = new Int32Array(2 * N * k);
  const vals = new Float32Array(2 * N * k);
  const nnz = pk.symmetrizeGraph(rowPtr, cols, vals, knn.indices, member, N, k, 'fuzzy-union');
  let max = 0;
  for (let e = 0; e < nnz; e++) max = Math.max(max, vals[e]);
  const floor = max / nEpochs;
  let kept = 0;
  for (let e = 0; e < nnz; e++) if (vals[e] >= floor) kept++;
  // Edges ordered by their rank within their row, then by row (row 0's first edge, row 1's first edge, ..., row 0's
  // second edge...): consecutive edges move different heads, so the epoch kernel's updates do not wait on each other.
  const rank = new Int32Array(nnz);
  let maxRank = 0;
  for (let i = 0; i < N; i++) {
    let r = 0;
    for (let e = rowPtr[i]; e < rowPtr[i + 1]; e++) {
      if (vals[e] < floor) continue;
      rank[e] = r++;
    }
    maxRank = Math.max(maxRank, r);
  }
  const start = new Int32Array(maxRank + 1);
  for (let i = 0; i < N; i++) for (let e = rowPtr[i]; e < rowPtr[i + 1]; e++) if (vals[e] >= floor) start[rank[e] + 1]++;
  for (let r = 0; r < maxRank; r++) start[r + 1] += start[r];
  const heads = new Int32Array(kept);
  const tails = new Int32Array(kept);
  const weights = new Float32Array(kept);
  for (let i = 0; i < N; i++) {
    for (let e = rowPtr[i]; e < rowPtr[i + 1]; e++) {
      if (vals[e] < floor) continue;
      const at = start[rank[e]]++;
      heads[at] = i;
      tails[at] = cols[e];
      weights[at] = vals[e];
    }
  }
  return { N, heads, tails, weights, knn };
}

/** The PCA layout scaled to [0, 10] per axis, with a 1e-4 jitter so coincident rows can separate. */
export function umapInit(pk: ProjectionKernels, X: Float32Array, N: number, D: number, dims: number, seed: number): Float32Array {
  const Y = pcaScores(pk, X, N, D, dims);
  for (let c = 0; c < dims; c++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < N; i++) {
      lo = Math.min(lo, Y[i * dims + c]);
      hi = Math.max(hi, Y[i * dims + c]);
    }
    const scale = hi > lo ? 10 / (hi - lo) : 0;
    for (let i = 0; i < N; i++) {
      const jitter = (unitFloat(mixKey(seed, i, c, 0x1a17)) - 0.5) * 2e-4;
      Y[i * dims + c] = (Y[i * dims + c] - lo) * scale + jitter;
    }
  }
  return Y;
}

const yieldToEvents = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function umapProject(pk: ProjectionKernels, X: Float32Array, N: number, D: number, p: ProjectionParams,
  onFrame?: FrameSink, opts: { exactKnn?: boolean; init?: Float32Array } = {}): Promise<ProjectionResult> {
  const t0 = performance.now();
  const nEpochs = p.iterations;
  const g = umapGraph(pk, X, N, D, p, nEpochs, opts.exactKnn);
  const E = g.heads.length;
  let max = 0;
  for (let e = 0; e < E; e++) max = Math.max(max, g.weights[e]);
  const perSample = new Float64Array(E);
  for (let e = 0; e < E; e++) perSample[e] = max / g.weights[e];
  const nextSample = Float64Array.from(perSample);
  const nextNegative = perSample.map((v) => v / p.negativeRate);
  const { a, b } = fitCurve(p.spread, p.minDist);
  const dims = p.dims;
  const Y = opts.init ? Float32Array.from(opts.init) : umapInit(pk, X, N, D, dims, p.seed);
  let done = 0;
  let stopped = false;
  while (done < nEpochs && !stopped) {
    const to = Math.min(nEpochs, done + p.frameEvery);
    pk.umapEpochs(Y, g.heads, g.tails, perSample, nextSample, nextNegative, E, N, dims, done, to, nEpochs, a, b, 1,
      p.negativeRate, 1, p.seed, p.deterministic);
    done = to;
    if (onFrame) {
      const keep = await onFrame({ method: 'umap', iteration: done, total: nEpochs, dims, coords: Y });
      if (keep === false) stopped = true;
      else await yieldToEvents();
    }
  }
  return {
    method: 'umap', dims, N, coords: Y, iterations: done, stopped, seconds: (performance.now() - t0) / 1000,
    knn: { method: g.knn.method, k: g.knn.k, seconds: g.knn.seconds, rounds: g.knn.rounds }, curve: { a, b },
  };
}

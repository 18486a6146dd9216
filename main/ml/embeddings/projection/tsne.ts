// t-SNE as scikit-learn 1.2 runs it by default, on the native kernels: P from the 3 perplexity + 1 nearest
// neighbours (squared euclidean distances, or cosine distances), symmetrised and normalised; PCA initialisation scaled
// to a standard deviation of 1e-4; 250 iterations with early exaggeration 12 and momentum 0.5, then momentum 0.8
// (gains and velocity reset between the phases, as sklearn's two optimiser calls do); learning rate
// max(N / exaggeration / 4, 50). Frames stream every `frameEvery` iterations.
import type { ProjectionKernels } from '../../../../native-kernels/projection';
import { knnGraph, type KnnGraph } from './knn-graph';
import { TSNE_EXPLORATION_STEPS, type ProjectionParams } from './params';
import { pcaScores } from './pca';
import type { FrameSink, ProjectionResult } from './types';

export interface TsneAffinities {
  N: number;
  rowPtr: Int32Array;
  cols: Int32Array;
  /** P, summing to 1 */
  vals: Float32Array;
  knn: KnnGraph;
}

/** The symmetric P of t-SNE from the kNN graph (k = min(N - 1, floor(3 perplexity + 1)), as sklearn). */
export function tsneAffinities(pk: ProjectionKernels, X: Float32Array, N: number, D: number, p: ProjectionParams,
  exactKnn?: boolean): TsneAffinities {
  const k = Math.min(N - 1, Math.floor(3 * p.perplexity + 1));
  const knn = knnGraph(pk, X, N, D, k, p.metric, p.seed, exactKnn);
  const dist = p.metric === 'euclidean' ? knn.distances.map((d) => d * d) : knn.distances;
  const conditional = new Float32Array(N * k);
  pk.tsneConditional(conditional, dist, N, k, p.perplexity);
  const rowPtr = new Int32Array(N + 1);
  const cols = new Int32Array(2 * N * k);
  const vals = new Float32Array(2 * N * k);
  const nnz = pk.symmetrizeGraph(rowPtr, cols, vals, knn.indices, conditional, N, k, 'sum');
  return { N, rowPtr, cols: cols.slice(0, nnz), vals: vals.slice(0, nnz), knn };
}

/** sklearn's PCA start: the first `dims` PCA scores scaled so the first axis has standard deviation 1e-4. */
export function tsneInit(pk: ProjectionKernels, X: Float32Array, N: number, D: number, dims: number): Float32Array {
  const Y = pcaScores(pk, X, N, D, dims);
  let mean = 0;
  for (let i = 0; i < N; i++) mean += Y[i * dims];
  mean /= N;
  let varSum = 0;
  for (let i = 0; i < N; i++) varSum += (Y[i * dims] - mean) ** 2;
  const std = Math.sqrt(varSum / N);
  const scale = std > 0 ? 1e-4 / std : 1;
  for (let i = 0; i < Y.length; i++) Y[i] *= scale;
  return Y;
}

const yieldToEvents = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function tsneProject(pk: ProjectionKernels, X: Float32Array, N: number, D: number, p: ProjectionParams,
  onFrame?: FrameSink, opts: { exactKnn?: boolean; init?: Float32Array } = {}): Promise<ProjectionResult> {
  const t0 = performance.now();
  const P = tsneAffinities(pk, X, N, D, p, opts.exactKnn);
  const dims = p.dims;
  const Y = opts.init ? Float32Array.from(opts.init) : tsneInit(pk, X, N, D, dims);
  const update = new Float32Array(N * dims);
  const gains = new Float32Array(N * dims).fill(1);
  const rate = p.learningRate === 'auto' ? Math.max(N / p.earlyExaggeration / 4, 50) : p.learningRate;
  // a given start (e.g. the previous checkpoint's layout) is already spread out: no exaggerated phase, which would
  // pull it apart again
  const explore = opts.init ? 0 : Math.min(TSNE_EXPLORATION_STEPS, p.iterations);
  let done = 0;
  let kl = 0;
  let stopped = false;
  while (done < p.iterations && !stopped) {
    const exploring = done < explore;
    const phaseEnd = exploring ? explore : p.iterations;
    const steps = Math.min(p.frameEvery - (done % p.frameEvery), phaseEnd - done);
    if (done === explore && explore < p.iterations) {
      update.fill(0);
      gains.fill(1);
    }
    kl = pk.tsneSteps(Y, update, gains, P.rowPtr, P.cols, P.vals, N, dims, steps, exploring ? p.earlyExaggeration : 1,
      exploring ? 0.5 : 0.8, rate, p.theta);
    done += steps;
    if (onFrame) {
      const keep = await onFrame({ method: 'tsne', iteration: done, total: p.iterations, dims, coords: Y, kl });
      if (keep === false) stopped = true;
      else await yieldToEvents();
    }
  }
  return {
    method: 'tsne', dims, N, coords: Y, iterations: done, stopped, seconds: (performance.now() - t0) / 1000, kl,
    knn: { method: P.knn.method, k: P.knn.k, seconds: P.knn.seconds, rounds: P.knn.rounds },
  };
}

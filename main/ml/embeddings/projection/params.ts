// Projection parameters: their defaults (scikit-learn's for t-SNE, umap-learn's for UMAP) and the checks that turn a
// bad value or a set too small for it into a sentence that names the field, quotes the value and says what to do.
import { LabError } from '../../../../common/errors';
import type { Metric } from '../../../../native-kernels/projection';

export type ProjectionMethod = 'pca' | 'tsne' | 'umap';

export interface ProjectionParams {
  method: ProjectionMethod;
  dims: 2 | 3;
  /** distance for the kNN graph of t-SNE and UMAP (PCA has none) */
  metric: Metric;
  /** t-SNE: effective number of neighbours (default 30) */
  perplexity: number;
  /** t-SNE: gradient steps in all (default 1000, the first 250 exaggerated); UMAP: epochs (default umapEpochs(N)) */
  iterations: number;
  /** t-SNE: 'auto' = max(N / exaggeration / 4, 50), as scikit-learn 1.2 */
  learningRate: number | 'auto';
  earlyExaggeration: number;
  /** t-SNE: Barnes-Hut opening angle (0 = exact, O(N^2)) */
  theta: number;
  /** UMAP: n_neighbors, the point itself included as umap-learn counts (default 15) */
  neighbors: number;
  minDist: number;
  spread: number;
  negativeRate: number;
  seed: number;
  /** UMAP: run the epochs on one thread so a seed always gives the same layout (slower) */
  deterministic: boolean;
  /** iterations (t-SNE) or epochs (UMAP) between two streamed frames */
  frameEvery: number;
}

export type ProjectionInput = Partial<ProjectionParams> & { method: ProjectionMethod };

export const TSNE_EXPLORATION_STEPS = 250;

/** UMAP's default epochs, fewer as the set grows (the schedule umap-js uses; umap-learn runs 500 up to 10,000 points
 *  and 200 above): small sets are cheap and gain from more, large ones are settled by the larger graph. */
export function umapEpochs(N: number): number {
  return N <= 2500 ? 500 : N <= 5000 ? 400 : N <= 7500 ? 300 : 200;
}

function invalid(message: string, field: string): never {
  throw new LabError('invalid_input', message, { field });
}

function positive(value: number, field: string, what: string): void {
  if (!(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
    invalid(`${what} ${String(value)} must be a number above 0.`, field);
  }
}

function wholeAtLeast(value: number, min: number, field: string, what: string): void {
  if (!Number.isInteger(value) || value < min) invalid(`${what} ${String(value)} must be a whole number from ${min} up.`, field);
}

/** The full parameters for N points of dimension D, defaults filled in; throws a LabError on any bad value. */
export function resolveParams(input: ProjectionInput, N: number, D: number): ProjectionParams {
  const method = input.method;
  if (method !== 'pca' && method !== 'tsne' && method !== 'umap') {
    invalid(`The projection method ${JSON.stringify(method)} is not known; choose pca, tsne or umap.`, 'method');
  }
  if (N === 0) invalid('There are no points to project: the vector set is empty. Choose a set with at least 2 vectors.', 'points');
  if (N === 1) invalid('A projection needs at least 2 points, and this set has 1. Choose more words or sentences.', 'points');
  const dims = input.dims ?? 2;
  if (dims !== 2 && dims !== 3) invalid(`dims ${String(dims)} is not 2 or 3; a projection is drawn in 2D or 3D.`, 'dims');
  if (method === 'pca' && D < dims) {
    invalid(`PCA to ${dims}D needs vectors of at least ${dims} dimensions; these have ${D}. Choose ${D === 1 ? 'another set' : '2D'}.`, 'dims');
  }
  const metric = input.metric ?? 'euclidean';
  if (metric !== 'euclidean' && metric !== 'cosine') invalid(`The metric ${JSON.stringify(metric)} is not known; choose euclidean or cosine.`, 'metric');
  const p: ProjectionParams = {
    method, dims, metric,
    perplexity: input.perplexity ?? 30,
    iterations: input.iterations ?? (method === 'umap' ? umapEpochs(N) : 1000),
    learningRate: input.learningRate ?? 'auto',
    earlyExaggeration: input.earlyExaggeration ?? 12,
    theta: input.theta ?? 0.5,
    neighbors: input.neighbors ?? 15,
    minDist: input.minDist ?? 0.1,
    spread: input.spread ?? 1,
    negativeRate: input.negativeRate ?? 5,
    seed: input.seed ?? 42,
    deterministic: input.deterministic ?? false,
    frameEvery: input.frameEvery ?? (method === 'umap' ? 10 : 25),
  };
  wholeAtLeast(p.iterations, 1, 'iterations', method === 'umap' ? 'The number of epochs' : 'The number of iterations');
  wholeAtLeast(p.frameEvery, 1, 'frameEvery', 'The frame interval');
  if (!Number.isInteger(p.seed) || p.seed < 0 || p.seed > 0xffffffff) invalid(`The seed ${String(p.seed)} must be a whole number from 0 to 4294967295.`, 'seed');
  if (method === 'tsne') {
    positive(p.perplexity, 'perplexity', 'The perplexity');
    if (p.perplexity >= N) {
      const hint = Math.max(1, Math.floor((N - 1) / 3));
      invalid(`The perplexity ${p.perplexity} must be below the number of points (${N}); choose a perplexity of at most ${hint}, or project more points.`, 'perplexity');
    }
    if (p.learningRate !== 'auto') positive(p.learningRate, 'learningRate', 'The learning rate');
    positive(p.earlyExaggeration, 'earlyExaggeration', 'The early exaggeration');
    if (!(Number.isFinite(p.theta) && p.theta >= 0 && p.theta <= 1.5)) {
      invalid(`The Barnes-Hut angle ${String(p.theta)} must lie between 0 (exact) and 1.5.`, 'theta');
    }
  }
  if (method === 'umap') {
    wholeAtLeast(p.neighbors, 2, 'neighbors', 'n_neighbors');
    if (p.neighbors > N) {
      invalid(`n_neighbors ${p.neighbors} is more than the number of points (${N}); choose at most ${N}, or project more points.`, 'neighbors');
    }
    positive(p.spread, 'spread', 'The spread');
    if (!(Number.isFinite(p.minDist) && p.minDist >= 0 && p.minDist <= p.spread)) {
      invalid(`min_dist ${String(p.minDist)} must lie between 0 and the spread (${p.spread}).`, 'minDist');
    }
    positive(p.negativeRate, 'negativeRate', 'The negative sample rate');
  }
  return p;
}

/** Refuses NaN or infinite coordinates, naming the first bad row (by its label when given) and dimension. */
export function checkFinite(X: Float32Array, N: number, D: number, labels?: readonly string[]): void {
  if (X.length < N * D) {
    throw new LabError('invalid_input', `The vectors hold ${X.length} numbers, but ${N} rows of ${D} need ${N * D}.`, { field: 'vectors' });
  }
  for (let i = 0; i < N * D; i++) {
    if (!Number.isFinite(X[i])) {
      const row = Math.floor(i / D);
      const name = labels?.[row] !== undefined ? ` (${JSON.stringify(labels[row])})` : '';
      throw new LabError('invalid_input',
        `Row ${row}${name} has ${String(X[i])} in dimension ${i % D}; projections need finite numbers. Remove or fix that vector.`,
        { field: 'vectors' });
    }
  }
}

// PCA projection: the top `dims` principal axes of the vectors, and each axis' share of the variance.
import type { ProjectionKernels } from '../../../../native-kernels/projection';
import type { ProjectionResult } from './types';

export interface PcaFit {
  mean: Float32Array;
  /** (k, D) unit rows */
  components: Float32Array;
  variances: number[];
  total: number;
}

export function pcaFit(pk: ProjectionKernels, X: Float32Array, N: number, D: number, k: number): PcaFit {
  const mean = new Float32Array(D);
  const components = new Float32Array(k * D);
  const variances = new Float32Array(k);
  const total = pk.pcaFit(components, variances, mean, X, N, D, k);
  return { mean, components, variances: Array.from(variances), total };
}

export function pcaProject(pk: ProjectionKernels, X: Float32Array, N: number, D: number, dims: number): ProjectionResult {
  const t0 = performance.now();
  const fit = pcaFit(pk, X, N, D, dims);
  const coords = new Float32Array(N * dims);
  pk.pcaTransform(coords, X, fit.mean, fit.components, N, D, dims);
  return {
    method: 'pca', dims, N, coords, iterations: 1, stopped: false, seconds: (performance.now() - t0) / 1000,
    variances: fit.variances, explained: fit.variances.map((v) => (fit.total > 0 ? v / fit.total : 0)),
  };
}

/** A layout's starting point from PCA (t-SNE, UMAP): the first `dims` scores, or zeros where D < dims. */
export function pcaScores(pk: ProjectionKernels, X: Float32Array, N: number, D: number, dims: number): Float32Array {
  const out = new Float32Array(N * dims);
  const k = Math.min(dims, D);
  const fit = pcaFit(pk, X, N, D, k);
  const scores = new Float32Array(N * k);
  pk.pcaTransform(scores, X, fit.mean, fit.components, N, D, k);
  for (let i = 0; i < N; i++) for (let c = 0; c < k; c++) out[i * dims + c] = scores[i * k + c];
  return out;
}

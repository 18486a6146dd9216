// Argument checks in front of every projection kernel (types, lengths, dimensions, ranges), as checks.ts does for the
// model kernels: a bad call becomes a LabError sentence instead of an out-of-bounds read or a crash in the addon.
// The projection layer (main/ml/embeddings/projection) checks user-facing parameters earlier, in the user's words.

import { fail } from './check-helpers';
import type { ProjectionKernels } from './projection';

type Kind = 'Float32Array' | 'Float64Array' | 'Int32Array';
const CTORS = { Float32Array, Float64Array, Int32Array } as const;

function dim(kernel: string, name: string, value: number, min = 0, max = 2 ** 31 - 1): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    fail(kernel, `${name} is ${String(value)}, but it must be an integer from ${min} to ${max}.`, name);
  }
}

function num(kernel: string, name: string, value: number, min = -Infinity, minInclusive = true): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || (!minInclusive && value === min)) {
    const bound = min === -Infinity ? 'finite' : `${minInclusive ? '>=' : '>'} ${min}`;
    fail(kernel, `${name} is ${String(value)}, but it must be a number ${bound}.`, name);
  }
}

function buf(kernel: string, name: string, value: unknown, kind: Kind, needed: number, formula: string): void {
  if (!(value instanceof CTORS[kind])) {
    const got = value === null ? 'null' : value === undefined ? 'undefined' : (value as object).constructor?.name ?? typeof value;
    fail(kernel, `${name} is a ${got}, but it must be a ${kind}.`, name);
  }
  const length = (value as ArrayLike<number>).length;
  if (length < needed) fail(kernel, `${name} has ${length} elements, needs ${formula} = ${needed}.`, name);
}

function metric(kernel: string, value: string): void {
  if (value !== 'euclidean' && value !== 'cosine') fail(kernel, `metric is ${JSON.stringify(value)}; use "euclidean" or "cosine".`, 'metric');
}

function dims23(kernel: string, dims: number): void {
  if (dims !== 2 && dims !== 3) fail(kernel, `dims is ${String(dims)}, but projections are 2- or 3-dimensional.`, 'dims');
}

/** The CSR matrix rowPtr(N+1), cols/vals(nnz): ascending offsets and column indices inside [0, N). */
function csr(kernel: string, rowPtr: Int32Array, cols: Int32Array, vals: Float32Array, N: number): void {
  buf(kernel, 'rowPtr', rowPtr, 'Int32Array', N + 1, 'N+1');
  if (rowPtr[0] !== 0) fail(kernel, `rowPtr[0] is ${rowPtr[0]}, but it must be 0.`, 'rowPtr');
  for (let i = 0; i < N; i++) {
    if (rowPtr[i + 1] < rowPtr[i]) fail(kernel, `rowPtr[${i + 1}] = ${rowPtr[i + 1]} is below rowPtr[${i}] = ${rowPtr[i]}.`, 'rowPtr');
  }
  const nnz = rowPtr[N];
  buf(kernel, 'cols', cols, 'Int32Array', nnz, 'rowPtr[N]');
  buf(kernel, 'vals', vals, 'Float32Array', nnz, 'rowPtr[N]');
  for (let e = 0; e < nnz; e++) {
    if (cols[e] < 0 || cols[e] >= N) fail(kernel, `cols[${e}] is ${cols[e]}, outside [0, ${N}).`, 'cols');
  }
}

/** Every index in [0, limit). */
function indexRange(kernel: string, name: string, values: Int32Array, count: number, limit: number): void {
  for (let i = 0; i < count; i++) {
    if (values[i] < 0 || values[i] >= limit) fail(kernel, `${name}[${i}] is ${values[i]}, outside [0, ${limit}).`, name);
  }
}

/** Wraps a projection backend so every call is validated first. */
export function checkedProjectionKernels(raw: ProjectionKernels): ProjectionKernels {
  const F = 'Float32Array';
  const I = 'Int32Array';
  const G = 'Float64Array';
  return {
    backend: raw.backend,
    pcaFit(components, variances, mean, X, N, D, k) {
      const n = 'pcaFit';
      dim(n, 'N', N, 1); dim(n, 'D', D, 1); dim(n, 'k', k, 1, D);
      buf(n, 'components', components, F, k * D, 'k*D'); buf(n, 'variances', variances, F, k, 'k');
      buf(n, 'mean', mean, F, D, 'D'); buf(n, 'X', X, F, N * D, 'N*D');
      return raw.pcaFit(components, variances, mean, X, N, D, k);
    },
    pcaTransform(out, X, mean, components, N, D, k) {
      const n = 'pcaTransform';
      dim(n, 'N', N); dim(n, 'D', D, 1); dim(n, 'k', k, 1, D);
      buf(n, 'out', out, F, N * k, 'N*k'); buf(n, 'X', X, F, N * D, 'N*D');
      buf(n, 'mean', mean, F, D, 'D'); buf(n, 'components', components, F, k * D, 'k*D');
      raw.pcaTransform(out, X, mean, components, N, D, k);
    },
    knnGraph(indices, distances, X, N, D, k, m) {
      const n = 'knnGraph';
      dim(n, 'N', N, 2); dim(n, 'D', D, 1); dim(n, 'k', k, 1, N - 1); metric(n, m);
      buf(n, 'indices', indices, I, N * k, 'N*k'); buf(n, 'distances', distances, F, N * k, 'N*k');
      buf(n, 'X', X, F, N * D, 'N*D');
      raw.knnGraph(indices, distances, X, N, D, k, m);
    },
    knnQuery(indices, distances, queries, X, Q, N, D, k, m) {
      const n = 'knnQuery';
      dim(n, 'Q', Q); dim(n, 'N', N, 1); dim(n, 'D', D, 1); dim(n, 'k', k, 1, N); metric(n, m);
      buf(n, 'indices', indices, I, Q * k, 'Q*k'); buf(n, 'distances', distances, F, Q * k, 'Q*k');
      buf(n, 'queries', queries, F, Q * D, 'Q*D'); buf(n, 'X', X, F, N * D, 'N*D');
      raw.knnQuery(indices, distances, queries, X, Q, N, D, k, m);
    },
    knnDescent(indices, distances, X, N, D, k, m, seed, maxIterations, maxCandidates, trees) {
      const n = 'knnDescent';
      dim(n, 'N', N, 2, 2 ** 28); dim(n, 'D', D, 1); dim(n, 'k', k, 1, N - 1); metric(n, m);
      dim(n, 'seed', seed, 0, 2 ** 32 - 1); dim(n, 'maxIterations', maxIterations, 0, 1000);
      dim(n, 'maxCandidates', maxCandidates, 1, 1024); dim(n, 'trees', trees, 1, 256);
      buf(n, 'indices', indices, I, N * k, 'N*k'); buf(n, 'distances', distances, F, N * k, 'N*k');
      buf(n, 'X', X, F, N * D, 'N*D');
      return raw.knnDescent(indices, distances, X, N, D, k, m, seed, maxIterations, maxCandidates, trees);
    },
    tsneConditional(P, distances, N, k, perplexity) {
      const n = 'tsneConditional';
      dim(n, 'N', N); dim(n, 'k', k, 1); num(n, 'perplexity', perplexity, 0, false);
      buf(n, 'P', P, F, N * k, 'N*k'); buf(n, 'distances', distances, F, N * k, 'N*k');
      return raw.tsneConditional(P, distances, N, k, perplexity);
    },
    symmetrizeGraph(rowPtr, cols, vals, indices, weights, N, k, mode) {
      const n = 'symmetrizeGraph';
      dim(n, 'N', N, 0, 2 ** 28); dim(n, 'k', k, 1);
      if (mode !== 'sum' && mode !== 'fuzzy-union') fail(n, `mode is ${JSON.stringify(mode)}; use "sum" or "fuzzy-union".`, 'mode');
      buf(n, 'rowPtr', rowPtr, I, N + 1, 'N+1'); buf(n, 'cols', cols, I, 2 * N * k, '2*N*k');
      buf(n, 'vals', vals, F, 2 * N * k, '2*N*k'); buf(n, 'indices', indices, I, N * k, 'N*k');
      buf(n, 'weights', weights, F, N * k, 'N*k');
      indexRange(n, 'indices', indices, N * k, N);
      return raw.symmetrizeGraph(rowPtr, cols, vals, indices, weights, N, k, mode);
    },
    tsneGradient(grad, Y, rowPtr, cols, vals, N, dims, exaggeration, theta) {
      const n = 'tsneGradient';
      dim(n, 'N', N); dims23(n, dims); num(n, 'exaggeration', exaggeration); num(n, 'theta', theta, 0);
      buf(n, 'grad', grad, F, N * dims, 'N*dims'); buf(n, 'Y', Y, F, N * dims, 'N*dims');
      csr(n, rowPtr, cols, vals, N);
      return raw.tsneGradient(grad, Y, rowPtr, cols, vals, N, dims, exaggeration, theta);
    },
    tsneSteps(Y, update, gains, rowPtr, cols, vals, N, dims, steps, exaggeration, momentum, learningRate, theta) {
      const n = 'tsneSteps';
      dim(n, 'N', N); dims23(n, dims); dim(n, 'steps', steps); num(n, 'exaggeration', exaggeration);
      num(n, 'momentum', momentum, 0); num(n, 'learningRate', learningRate, 0, false); num(n, 'theta', theta, 0);
      buf(n, 'Y', Y, F, N * dims, 'N*dims'); buf(n, 'update', update, F, N * dims, 'N*dims');
      buf(n, 'gains', gains, F, N * dims, 'N*dims');
      csr(n, rowPtr, cols, vals, N);
      return raw.tsneSteps(Y, update, gains, rowPtr, cols, vals, N, dims, steps, exaggeration, momentum, learningRate, theta);
    },
    umapMemberships(weights, distances, N, k, localConnectivity) {
      const n = 'umapMemberships';
      dim(n, 'N', N); dim(n, 'k', k, 1); num(n, 'localConnectivity', localConnectivity, 0);
      buf(n, 'weights', weights, F, N * k, 'N*k'); buf(n, 'distances', distances, F, N * k, 'N*k');
      return raw.umapMemberships(weights, distances, N, k, localConnectivity);
    },
    umapEpochs(Y, heads, tails, eps, next, nextNeg, E, N, dims, from, to, nEpochs, a, b, gamma, rate, alpha, seed, det) {
      const n = 'umapEpochs';
      dim(n, 'E', E); dim(n, 'N', N, 1); dims23(n, dims); dim(n, 'nEpochs', nEpochs, 1);
      dim(n, 'epochFrom', from, 0, nEpochs); dim(n, 'epochTo', to, from, nEpochs);
      num(n, 'a', a, 0, false); num(n, 'b', b, 0, false); num(n, 'gamma', gamma, 0);
      num(n, 'negativeRate', rate, 0, false); num(n, 'initialAlpha', alpha, 0); dim(n, 'seed', seed, 0, 2 ** 32 - 1);
      buf(n, 'Y', Y, F, N * dims, 'N*dims'); buf(n, 'heads', heads, I, E, 'E'); buf(n, 'tails', tails, I, E, 'E');
      buf(n, 'epochsPerSample', eps, G, E, 'E'); buf(n, 'nextSample', next, G, E, 'E');
      buf(n, 'nextNegative', nextNeg, G, E, 'E');
      indexRange(n, 'heads', heads, E, N); indexRange(n, 'tails', tails, E, N);
      for (let e = 0; e < E; e++) {
        if (!(eps[e] > 0)) fail(n, `epochsPerSample[${e}] is ${eps[e]}, but it must be > 0.`, 'epochsPerSample');
      }
      raw.umapEpochs(Y, heads, tails, eps, next, nextNeg, E, N, dims, from, to, nEpochs, a, b, gamma, rate, alpha, seed, det);
    },
  };
}

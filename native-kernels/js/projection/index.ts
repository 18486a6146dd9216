// The JS reference projection backend: every projection kernel as plain loops (backend 'js').
import type { ProjectionKernels } from '../../projection';
import { pcaFit, pcaTransform } from './pca';
import { knnDescent, knnGraph, knnQuery } from './knn';
import { symmetrizeGraph, tsneConditional, tsneGradient, tsneSteps } from './tsne';
import { umapEpochs, umapMemberships } from './umap';

export const jsProjectionKernels: ProjectionKernels = {
  backend: 'js',
  pcaFit,
  pcaTransform,
  knnGraph,
  knnQuery,
  knnDescent: (indices, distances, X, N, D, k, metric) => knnDescent(indices, distances, X, N, D, k, metric),
  tsneConditional,
  symmetrizeGraph,
  tsneGradient: (grad, Y, rowPtr, cols, vals, N, dims, exaggeration) => tsneGradient(grad, Y, rowPtr, cols, vals, N, dims, exaggeration),
  tsneSteps: (Y, update, gains, rowPtr, cols, vals, N, dims, steps, exaggeration, momentum, learningRate) =>
    tsneSteps(Y, update, gains, rowPtr, cols, vals, N, dims, steps, exaggeration, momentum, learningRate),
  umapMemberships,
  umapEpochs: (Y, heads, tails, eps, next, nextNeg, E, N, dims, from, to, nEpochs, a, b, gamma, rate, alpha, seed) =>
    umapEpochs(Y, heads, tails, eps, next, nextNeg, E, N, dims, from, to, nEpochs, a, b, gamma, rate, alpha, seed),
};

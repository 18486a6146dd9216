// Entry point for the projection kernels: the addon's (AVX2 or portable code paths, chosen as getKernels chooses) or
// the JS reference, wrapped in the argument checks. The addon's thread pool is the one the model kernels size.

import type { BackendName, F32 } from './kernels';
import type { ProjectionKernels } from './projection';
import { METRIC_CODES, SYMMETRIZE_CODES } from './projection';
import { checkedProjectionKernels } from './projection-checks';
import { getKernels, type KernelPreference } from './index';
import { jsProjectionKernels } from './js/projection/index';
import { loadAddon, selectAvx2 } from './native';

/** What the addon exports for projections (src/projection.cc): the contract's arguments with metric and mode codes. */
interface ProjectionAddon {
  setAvx2(enable: boolean): boolean;
  cpuInfo(): { avx2: boolean; fma: boolean };
  pcaFit: ProjectionKernels['pcaFit'];
  pcaTransform: ProjectionKernels['pcaTransform'];
  knnGraph(indices: Int32Array, distances: F32, X: F32, N: number, D: number, k: number, metric: number): void;
  knnQuery(indices: Int32Array, distances: F32, queries: F32, X: F32, Q: number, N: number, D: number, k: number, metric: number): void;
  knnDescent(indices: Int32Array, distances: F32, X: F32, N: number, D: number, k: number, metric: number, seed: number,
    maxIterations: number, maxCandidates: number, trees: number): number;
  tsneConditional: ProjectionKernels['tsneConditional'];
  symmetrizeGraph(rowPtr: Int32Array, cols: Int32Array, vals: F32, indices: Int32Array, weights: F32, N: number, k: number, mode: number): number;
  tsneGradient: ProjectionKernels['tsneGradient'];
  tsneSteps: ProjectionKernels['tsneSteps'];
  umapMemberships: ProjectionKernels['umapMemberships'];
  umapEpochs: ProjectionKernels['umapEpochs'];
}

function nativeProjectionKernels(addon: ProjectionAddon, backend: BackendName): ProjectionKernels {
  const avx2 = backend === 'native-avx2';
  const select = (): void => selectAvx2(addon, avx2);
  return {
    backend,
    pcaFit: (...a) => { select(); return addon.pcaFit(...a); },
    pcaTransform: (...a) => { select(); addon.pcaTransform(...a); },
    knnGraph: (indices, distances, X, N, D, k, metric) => {
      select(); addon.knnGraph(indices, distances, X, N, D, k, METRIC_CODES[metric]);
    },
    knnQuery: (indices, distances, queries, X, Q, N, D, k, metric) => {
      select(); addon.knnQuery(indices, distances, queries, X, Q, N, D, k, METRIC_CODES[metric]);
    },
    knnDescent: (indices, distances, X, N, D, k, metric, seed, maxIterations, maxCandidates, trees) => {
      select();
      return addon.knnDescent(indices, distances, X, N, D, k, METRIC_CODES[metric], seed, maxIterations, maxCandidates, trees);
    },
    tsneConditional: (...a) => { select(); return addon.tsneConditional(...a); },
    symmetrizeGraph: (rowPtr, cols, vals, indices, weights, N, k, mode) => {
      select(); return addon.symmetrizeGraph(rowPtr, cols, vals, indices, weights, N, k, SYMMETRIZE_CODES[mode]);
    },
    tsneGradient: (...a) => { select(); return addon.tsneGradient(...a); },
    tsneSteps: (...a) => { select(); return addon.tsneSteps(...a); },
    umapMemberships: (...a) => { select(); return addon.umapMemberships(...a); },
    umapEpochs: (...a) => { select(); addon.umapEpochs(...a); },
  };
}

const instances = new Map<BackendName, ProjectionKernels>();

/** The checked projection kernels on the backend getKernels(prefer) runs on (same fallback and environment rules). */
export function getProjectionKernels(prefer: KernelPreference = 'native'): ProjectionKernels {
  const backend = getKernels(prefer).backend;
  const existing = instances.get(backend);
  if (existing) return existing;
  let raw: ProjectionKernels = jsProjectionKernels;
  if (backend !== 'js') {
    const loaded = loadAddon();
    if ('addon' in loaded) raw = nativeProjectionKernels(loaded.addon as unknown as ProjectionAddon, backend);
  }
  const checked = checkedProjectionKernels(raw);
  instances.set(raw.backend, checked);
  return checked;
}

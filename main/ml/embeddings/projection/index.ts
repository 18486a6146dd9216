// Projects a set of vectors to 2D or 3D with PCA, t-SNE or UMAP: checks the input, fills the defaults, and streams
// frames to the caller while the layout converges.
import { LabError } from '../../../../common/errors';
import type { ProjectionKernels } from '../../../../native-kernels/projection';
import { checkFinite, resolveParams, type ProjectionInput } from './params';
import { pcaProject } from './pca';
import { tsneProject } from './tsne';
import { umapProject } from './umap';
import type { FrameSink, ProjectionResult } from './types';

export type { ProjectionParams, ProjectionInput, ProjectionMethod } from './params';
export type { ProjectionFrame, ProjectionResult, FrameSink } from './types';
export { resolveParams } from './params';

/** X(N,D) row-major; labels (optional) name rows in error messages. `init` (N, dims) starts t-SNE or UMAP from a
 *  given layout instead of PCA's, e.g. the previous checkpoint's, so a sequence of layouts changes smoothly. */
export async function project(pk: ProjectionKernels, X: Float32Array, N: number, D: number, input: ProjectionInput,
  onFrame?: FrameSink, labels?: readonly string[], opts: { init?: Float32Array } = {}): Promise<ProjectionResult> {
  const p = resolveParams(input, N, D);
  checkFinite(X, N, D, labels);
  if (p.method === 'pca') {
    const result = pcaProject(pk, X, N, D, p.dims);
    if (onFrame) await onFrame({ method: 'pca', iteration: 1, total: 1, dims: p.dims, coords: result.coords });
    return result;
  }
  if (opts.init !== undefined && opts.init.length !== N * p.dims) {
    throw new LabError('invalid_input', `The starting layout has ${opts.init.length} numbers, but ${N} points in ${p.dims}D need ${N * p.dims}.`, { field: 'init' });
  }
  if (p.method === 'tsne') return tsneProject(pk, X, N, D, p, onFrame, { init: opts.init });
  return umapProject(pk, X, N, D, p, onFrame, { init: opts.init });
}

// What a projection run produces: the streamed frames and the final layout with its statistics.
import type { ProjectionMethod } from './params';

/** One step of a running projection. `coords` (N, dims) is the live buffer: copy it to keep it past the callback. */
export interface ProjectionFrame {
  method: ProjectionMethod;
  /** iterations (t-SNE) or epochs (UMAP) done so far, out of `total` */
  iteration: number;
  total: number;
  dims: number;
  coords: Float32Array;
  /** t-SNE: KL(P || Q) at this frame (with the true P, also while P is exaggerated) */
  kl?: number;
}

/** Called for every frame; return false to stop early (the result is then the layout so far). */
export type FrameSink = (frame: ProjectionFrame) => boolean | void | Promise<boolean | void>;

export interface ProjectionResult {
  method: ProjectionMethod;
  dims: number;
  N: number;
  /** (N, dims) */
  coords: Float32Array;
  /** iterations or epochs run (fewer than asked when stopped) */
  iterations: number;
  stopped: boolean;
  seconds: number;
  /** PCA: variance of each axis and its share of the total */
  variances?: number[];
  explained?: number[];
  /** t-SNE: final KL(P || Q) */
  kl?: number;
  /** t-SNE/UMAP: how the kNN graph was found */
  knn?: { method: 'exact' | 'nn-descent'; k: number; seconds: number; rounds?: number };
  /** UMAP: the fitted curve 1 / (1 + a d^2b) */
  curve?: { a: number; b: number };
}

// AdamW over the parameter buffer (via the kernels), the learning-rate schedule, and global-norm gradient clipping.
import type { Kernels } from '../../native-kernels/kernels';
import type { TensorTable } from './params';
import { LabError } from '../../common/errors';

export interface AdamWSettings {
  beta1: number;
  beta2: number;
  eps: number;
  /** decoupled weight decay, applied ONLY to linear-layer matrices (TensorSpec.decay): biases, LayerNorm gains and
   *  embeddings (wte, which is also the tied head, wpe, wtt) are not decayed, as in GPT-2/nanoGPT and BERT */
  weightDecay: number;
}

export const DEFAULT_ADAMW: AdamWSettings = { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1 };

/** Saved optimizer state: first and second moments laid out like the parameters, and the number of steps taken. */
export interface AdamWState {
  m: Float32Array;
  v: Float32Array;
  t: number;
}

export class AdamW {
  readonly m: Float32Array;
  readonly v: Float32Array;
  /** steps taken so far (the kernel's bias correction uses t + 1 for the next step) */
  t = 0;

  constructor(private readonly k: Kernels, private readonly table: TensorTable, readonly settings: AdamWSettings = DEFAULT_ADAMW) {
    this.m = new Float32Array(table.total);
    this.v = new Float32Array(table.total);
  }

  /** One update of every tensor; decay-eligible tensors get settings.weightDecay, the rest 0. gradScale (from
   *  gradientClip) multiplies every gradient as it is read, as clipping them in place first would. */
  step(params: Float32Array, grads: Float32Array, lr: number, gradScale = 1): void {
    this.t += 1;
    const s = this.settings;
    for (const spec of this.table.specs) {
      const a = spec.offset;
      const b = a + spec.size;
      this.k.adamwUpdate(params.subarray(a, b), grads.subarray(a, b), this.m.subarray(a, b), this.v.subarray(a, b),
        spec.size, lr, s.beta1, s.beta2, s.eps, spec.decay ? s.weightDecay : 0, this.t, gradScale);
    }
  }

  state(): AdamWState {
    return { m: this.m, v: this.v, t: this.t };
  }

  load(state: AdamWState): void {
    if (state.m.length !== this.m.length || state.v.length !== this.v.length) {
      throw new LabError('bad_file', `The optimizer state holds ${state.m.length} values per moment, but this model has ${this.m.length} parameters; it belongs to a different model.`, { field: 'optimizer' });
    }
    this.m.set(state.m);
    this.v.set(state.v);
    this.t = state.t;
  }
}

export interface LrSchedule {
  maxLr: number;
  /** the floor the cosine decays to (e.g. maxLr / 10) */
  minLr: number;
  warmupSteps: number;
  totalSteps: number;
}

/** Learning rate for 0-based `step`: linear warmup from maxLr/warmup to maxLr, then cosine decay to minLr at totalSteps. */
export function learningRate(step: number, s: LrSchedule): number {
  if (step < s.warmupSteps) return (s.maxLr * (step + 1)) / s.warmupSteps;
  if (step >= s.totalSteps) return s.minLr;
  const span = Math.max(1, s.totalSteps - s.warmupSteps);
  const progress = (step - s.warmupSteps) / span;
  return s.minLr + 0.5 * (s.maxLr - s.minLr) * (1 + Math.cos(Math.PI * progress));
}

/** Global L2 norm of all gradients and the factor that brings it down to maxNorm (> 0) when it is larger, else 1.
 *  NaN/Inf norms pass through with factor 1 so the caller can stop the run. */
export function gradientClip(k: Kernels, grads: Float32Array, maxNorm: number): { norm: number; scale: number } {
  const norm = Math.sqrt(k.sumSquares(grads, grads.length));
  const scale = maxNorm > 0 && Number.isFinite(norm) && norm > maxNorm ? maxNorm / (norm + 1e-6) : 1;
  return { norm, scale };
}

/** gradientClip applied to the gradients in place (scaled down to maxNorm when their norm exceeds it). Returns the norm
 *  before clipping. Training passes the factor to AdamW.step instead, which saves a pass over every gradient. */
export function clipGradients(k: Kernels, grads: Float32Array, maxNorm: number): number {
  const { norm, scale } = gradientClip(k, grads, maxNorm);
  if (scale !== 1) k.scale(grads, scale, grads.length);
  return norm;
}

// JS reference optimizer kernels: AdamW step, sum of squares (for global-norm clipping) and in-place scaling.

import type { F32 } from '../kernels';

/** Decoupled-weight-decay Adam (Loshchilov & Hutter), bias-corrected with the 1-based step t, as torch.optim.AdamW.
 *  Each gradient is read as fround(g * gradScale), the value scale() would have stored (clipping folded in). */
export function adamwUpdate(params: F32, grads: F32, m: F32, v: F32, N: number, lr: number, beta1: number, beta2: number,
  eps: number, weightDecay: number, t: number, gradScale = 1): void {
  const c1 = 1 - Math.pow(beta1, t);
  const c2 = 1 - Math.pow(beta2, t);
  for (let i = 0; i < N; i++) {
    const g = gradScale === 1 ? grads[i] : Math.fround(grads[i] * gradScale);
    m[i] = beta1 * m[i] + (1 - beta1) * g;
    v[i] = beta2 * v[i] + (1 - beta2) * g * g;
    const mhat = m[i] / c1;
    const vhat = v[i] / c2;
    params[i] -= lr * (mhat / (Math.sqrt(vhat) + eps) + weightDecay * params[i]);
  }
}

/** Sum of buf[i]^2 in float64. */
export function sumSquares(buf: F32, N: number): number {
  let s = 0;
  for (let i = 0; i < N; i++) s += buf[i] * buf[i];
  return s;
}

/** buf *= s. */
export function scale(buf: F32, s: number, N: number): void {
  for (let i = 0; i < N; i++) buf[i] *= s;
}

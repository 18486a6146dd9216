// Test helpers for the kernel suites: seeded random buffers, tolerance comparison that names the first bad index,
// the list of native backends available here, and a central finite-difference gradient.

import { expect } from 'vitest';
import { mulberry32 } from '../../../main/data/splits';
import { getKernels, nativeUnavailableReason, type Kernels } from '../../../native-kernels/index';

/** A seeded PRNG (the splits' mulberry32) so every test sees the same "random" data on every run. */
export const rng = mulberry32;

/** Float32Array of n values uniform in [-scale, scale). */
export function randn(rand: () => number, n: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (rand() * 2 - 1) * scale;
  return out;
}

export function randInts(rand: () => number, n: number, limit: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(rand() * limit);
  return out;
}

/**
 * Every element must satisfy |a - e| <= atol + rtol * |e|. On failure the message shows the first few offending
 * indices with both values, so a broken kernel says where it went wrong.
 */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, atol: number, what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  const bad: string[] = [];
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
      if (bad.length < 5) bad.push(`[${i}] got ${a}, expected ${e}`);
      else break;
    }
  }
  expect(bad, `${what}: values beyond rtol ${rtol}, atol ${atol}`).toEqual([]);
}

/** The native backends this machine can run (AVX2 when the CPU has it, and always the portable path). */
export function nativeBackends(): { name: string; kernels: () => Kernels }[] {
  if (nativeUnavailableReason() !== null) return [];
  const list = [{ name: 'native-portable', kernels: () => getKernels('native-portable') }];
  if (getKernels('native').backend === 'native-avx2') list.unshift({ name: 'native-avx2', kernels: () => getKernels('native') });
  return list;
}

/** Printed in the title of skipped native suites so the test report says why they did not run. */
export const nativeSkipReason = nativeUnavailableReason() ?? '';

/**
 * Central-difference gradient of `loss` with respect to every element of `x` (float32 storage, so eps is large and the
 * loss is accumulated in float64 by the caller). Restores x afterwards.
 */
export function numericGradient(x: Float32Array, loss: () => number, eps: number): Float64Array {
  const grad = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const orig = x[i];
    x[i] = orig + eps;
    const up = loss();
    x[i] = orig - eps;
    const down = loss();
    x[i] = orig;
    // Use the float32-rounded step actually taken, not the nominal eps.
    const step = Math.fround(orig + eps) - Math.fround(orig - eps);
    grad[i] = (up - down) / step;
  }
  return grad;
}

/** sum_i out[i] * weights[i] in float64: a scalar loss whose gradient with respect to out is exactly `weights`. */
export function dotLoss(out: Float32Array, weights: Float32Array): number {
  let s = 0;
  for (let i = 0; i < weights.length; i++) s += out[i] * weights[i];
  return s;
}

export type MaskKind = 'none' | 'holes' | 'trailing' | 'all-padding';

/** keyMask(B,T) for the attention suites: 'holes' pads scattered keys (never key 0), 'trailing' pads the last keys of
 *  each batch row by a different amount, 'all-padding' pads every key of batch row 0 (its attention is all zero) and
 *  some of the others. */
export function makeMask(kind: MaskKind, B: number, T: number, rand: () => number): Uint8Array | null {
  if (kind === 'none') return null;
  const mask = new Uint8Array(B * T);
  for (let b = 0; b < B; b++) {
    const real = Math.max(1, T - 1 - ((b * 5) % Math.max(1, T)));
    for (let t = 0; t < T; t++) {
      if (kind === 'holes') mask[b * T + t] = t === 0 || rand() > 0.3 ? 1 : 0;
      else if (kind === 'trailing') mask[b * T + t] = t < real ? 1 : 0;
      else mask[b * T + t] = b === 0 ? 0 : t < real && rand() > 0.2 ? 1 : 0;
    }
  }
  return mask;
}

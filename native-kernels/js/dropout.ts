// JS reference inverted dropout driven by the counter-based hash in rng.ts (mask depends only on seed and index).

import type { F32 } from '../kernels';
import { dropoutKey, dropoutUniform } from './rng';

/** mask[i] = 1 when uniform(seed, i) >= p; out = inp * mask / (1 - p). p == 0 keeps everything, p == 1 drops everything. */
export function dropoutForward(out: F32, mask: Uint8Array, inp: F32, p: number, seed: number, N: number): void {
  const key = dropoutKey(seed);
  const keepScale = p < 1 ? 1 / (1 - p) : 0;
  for (let i = 0; i < N; i++) {
    const keep = dropoutUniform(key, i) >= p ? 1 : 0;
    mask[i] = keep;
    out[i] = keep ? inp[i] * keepScale : 0;
  }
}

/** dinp = dout * mask / (1 - p) (written). */
export function dropoutBackward(dinp: F32, dout: F32, mask: Uint8Array, p: number, N: number): void {
  const keepScale = p < 1 ? 1 / (1 - p) : 0;
  for (let i = 0; i < N; i++) dinp[i] = mask[i] ? dout[i] * keepScale : 0;
}

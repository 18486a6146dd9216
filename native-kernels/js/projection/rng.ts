// The hash behind every random choice of the projection kernels: mixKey(seed, a, b, c) of the indices naming the
// choice. Bit-identical twin of mix_key in src/projection.h (32-bit integer ops only).
import { lowbias32 } from '../rng';

/** mix32(mix32(mix32(mix32(seed) + a) + b) + c) in uint32 arithmetic. */
export function mixKey(seed: number, a: number, b: number, c: number): number {
  let h = lowbias32(seed >>> 0);
  h = lowbias32((h + (a >>> 0)) >>> 0);
  h = lowbias32((h + (b >>> 0)) >>> 0);
  return lowbias32((h + (c >>> 0)) >>> 0);
}

/** A number in [0, 1) from a hash's top 24 bits (exact in float32). */
export function unitFloat(h: number): number {
  return (h >>> 8) / 16777216;
}

// Grow-only named float buffers for the seq2seq models' activations and gradients, whose sizes follow each batch's
// (B, S, T): a buffer is reallocated only when a batch needs more than it holds, and views are exact-length.
import type { F32 } from '../../../native-kernels/kernels';

export class Workspace {
  private readonly buffers = new Map<string, F32>();

  /** The first n floats of buffer `name` (contents kept from the last use while n does not grow). */
  get(name: string, n: number): F32 {
    let b = this.buffers.get(name);
    if (b === undefined || b.length < n) {
      b = new Float32Array(Math.max(n, 1));
      this.buffers.set(name, b);
    }
    return b.subarray(0, n);
  }

  /** The first n floats of `name`, set to 0. */
  zeros(name: string, n: number): F32 {
    const v = this.get(name, n);
    v.fill(0);
    return v;
  }

  /** Floats held by all buffers (memory reports). */
  get floats(): number {
    let n = 0;
    for (const b of this.buffers.values()) n += b.length;
    return n;
  }
}

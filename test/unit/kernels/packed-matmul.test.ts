// matmulForwardPacked (a linear weight packed once, as an inference-only model uses it) against matmulForward on the
// same backend: bit-identical, for 1, 2 and 3 threads, on shapes that reach the row split, the row+column split, K
// past one 512-deep block, edge rows/columns and a panel realigned after its buffer moved; and the JS reference.
import { describe, expect, it } from 'vitest';
import { jsKernels as js, type Kernels } from '../../../native-kernels/index';
import { expectClose, nativeBackends, randn, rng } from './helpers';

// [BT, C, OC]: M = BT rows, K = C, N = OC
const shapes: [number, number, number][] = [
  [128, 128, 384], // batch-1 inference qkv: rows split evenly, A packed per thread
  [128, 512, 128], // the MLP projection: K one 512 block, N <= 96 rule not met (A packed)
  [2048, 128, 65], // batch-16 vocabulary head: A read in place, a 1-column edge sliver
  [100, 700, 130], // two K blocks, edge rows and columns
  [7, 24, 40], // too few rows per thread: the columns are split too
  [1, 128, 512], // a single row
];

function same(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

describe.each(nativeBackends())('$name packed linear weights', ({ kernels }) => {
  for (const [BT, C, OC] of shapes) {
    it(`${BT}x${C}x${OC} equals matmulForward bit for bit on 1, 2 and 3 threads`, () => {
      const k: Kernels = kernels();
      const before = k.getThreads();
      const r = rng(BT * 5 + C * 11 + OC);
      const inp = randn(r, BT * C), w = randn(r, OC * C), bias = randn(r, OC);
      const packed = k.packLinearWeight(w, C, OC);
      try {
        for (const threads of [1, 2, 3]) {
          k.setThreads(threads);
          const plain = new Float32Array(BT * OC), fast = new Float32Array(BT * OC).fill(Number.NaN);
          k.matmulForward(plain, inp, w, bias, BT, C, OC);
          k.matmulForwardPacked(fast, inp, packed, bias, BT, C, OC);
          expect(same(fast, plain), `${threads} threads`).toBe(true);
        }
        const expected = new Float32Array(BT * OC);
        js.matmulForward(expected, inp, w, null, BT, C, OC);
        const noBias = new Float32Array(BT * OC);
        k.matmulForwardPacked(noBias, inp, packed, null, BT, C, OC);
        expectClose(noBias, expected, 1e-4, 1e-5, 'out without bias');
      } finally {
        k.setThreads(before);
      }
    });
  }

  it('still computes the product after the packed buffer is copied to another alignment', () => {
    const k = kernels();
    const [BT, C, OC] = [12, 40, 48];
    const r = rng(3);
    const inp = randn(r, BT * C), w = randn(r, OC * C);
    const packed = k.packLinearWeight(w, C, OC);
    const expected = new Float32Array(BT * OC);
    k.matmulForward(expected, inp, w, null, BT, C, OC);
    // Copies whose data start 4 to 60 bytes further on than the original's.
    for (let shift = 1; shift < 16; shift += 5) {
      const holder = new Float32Array(packed.length + shift);
      const moved = holder.subarray(shift);
      moved.set(packed);
      const out = new Float32Array(BT * OC);
      k.matmulForwardPacked(out, inp, moved, null, BT, C, OC);
      expect(same(out, expected), `shifted by ${shift} floats`).toBe(true);
    }
  });

  it('refuses a weight packed for other dimensions or by the JS backend', () => {
    const k = kernels();
    const packed = k.packLinearWeight(new Float32Array(16 * 8), 8, 16);
    const out = new Float32Array(4 * 16);
    expect(() => k.matmulForwardPacked(out, new Float32Array(4 * 8), packed, null, 4, 8, 12)).toThrow('not a weight packed by packLinearWeight for C 8 and OC 12');
    const jsPacked = js.packLinearWeight(new Float32Array(16 * 8), 8, 16);
    expect(() => k.matmulForwardPacked(out, new Float32Array(4 * 8), jsPacked, null, 4, 8, 16)).toThrow('not a weight packed by packLinearWeight');
  });
});

describe('JS packed linear weights', () => {
  it('are a copy that matmulForwardPacked multiplies like matmulForward, and a foreign packing is refused', () => {
    const r = rng(9);
    const [BT, C, OC] = [5, 7, 9];
    const inp = randn(r, BT * C), w = randn(r, OC * C), bias = randn(r, OC);
    const packed = js.packLinearWeight(w, C, OC);
    w.fill(0); // packing copied the values: later writes to the weight do not reach the packed form
    const out = new Float32Array(BT * OC), expected = new Float32Array(BT * OC);
    js.matmulForwardPacked(out, inp, packed, bias, BT, C, OC);
    js.matmulForward(expected, inp, packed, bias, BT, C, OC);
    expect(same(out, expected)).toBe(true);
    expect(out.some((x) => x !== 0)).toBe(true);
    expect(() => js.matmulForwardPacked(out, inp, new Float32Array(OC * C + 20), bias, BT, C, OC)).toThrow('the JS backend packs OC*C = 63');
  });
});

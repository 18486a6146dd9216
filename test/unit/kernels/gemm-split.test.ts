// The native GEMM's work splits (by rows with a shared packed B, or by columns with per-thread packing) and its
// packing paths (AVX2 register transposes for full slivers, scalar for edges) against the JS reference, and bit for
// bit across thread counts. Shapes are picked to reach each path: M <= N or a transposed A (column split), M > N
// (row split), K past one 512-deep block, K not a multiple of 8 (transpose tail), M not a multiple of 6 and N not of
// 16 (edge slivers), and N past one 3072-column panel.
import { describe, expect, it } from 'vitest';
import { jsKernels as js, type Kernels } from '../../../native-kernels/index';
import { expectClose, nativeBackends, randn, rng } from './helpers';

const RED = { rtol: 1e-4, atol: 1e-5 };

// [BT, C, OC] for matmulForward: out(BT,OC) = inp(BT,C) @ weight(OC,C)^T, i.e. M = BT, N = OC, K = C.
const shapes: [number, number, number][] = [
  [128, 128, 384], // inference's qkv: column split, full slivers, one K block
  [100, 700, 130], // column split with edge rows and columns, two K blocks (352 + 348: a transpose tail of 4)
  [20, 13, 6500], // column split whose per-thread share spans two 3072-column panels; K below one transpose step
  [300, 64, 48], // row split, each thread packing the small B for itself
  [400, 600, 40], // row split over a shared, cooperatively packed B (two K blocks)
  [7, 24, 40], // too few rows for a row split, too few slivers for a column split
  [600, 100, 150], // row split forward; the weight gradient (transposed A, K = 600: two K blocks) by columns
];

describe.each(nativeBackends())('$name GEMM splits', ({ kernels }) => {
  const nk = (): Kernels => kernels();

  for (const [BT, C, OC] of shapes) {
    it(`matmul ${BT}x${C}x${OC} matches the JS reference and is identical for 1, 2 and 3 threads`, () => {
      const k = nk();
      const before = k.getThreads();
      const r = rng(BT * 7 + C * 3 + OC);
      const inp = randn(r, BT * C), w = randn(r, OC * C), bias = randn(r, OC), dout = randn(r, BT * OC);
      const run = (threads: number): Float32Array[] => {
        k.setThreads(threads);
        const out = new Float32Array(BT * OC), dinp = new Float32Array(BT * C);
        const dw = new Float32Array(OC * C).fill(0.5), db = new Float32Array(OC);
        k.matmulForward(out, inp, w, bias, BT, C, OC);
        k.matmulBackward(dinp, dw, db, dout, inp, w, BT, C, OC);
        return [out, dinp, dw, db];
      };
      try {
        const results = [1, 2, 3].map(run);
        const expected = new Float32Array(BT * OC);
        js.matmulForward(expected, inp, w, bias, BT, C, OC);
        expectClose(results[0][0], expected, RED.rtol, RED.atol, 'out');
        const jsDinp = new Float32Array(BT * C), jsDw = new Float32Array(OC * C).fill(0.5), jsDb = new Float32Array(OC);
        js.matmulBackward(jsDinp, jsDw, jsDb, dout, inp, w, BT, C, OC);
        expectClose(results[0][1], jsDinp, RED.rtol, RED.atol, 'dinp');
        expectClose(results[0][2], jsDw, RED.rtol, RED.atol, 'dweight');
        const names = ['out', 'dinp', 'dweight', 'dbias'];
        for (const threads of [1, 2]) {
          results[threads].forEach((a, i) => {
            expect(Buffer.from(a.buffer).equals(Buffer.from(results[0][i].buffer)), `${names[i]} with ${threads + 1} threads`).toBe(true);
          });
        }
      } finally {
        k.setThreads(before);
      }
    });
  }
});

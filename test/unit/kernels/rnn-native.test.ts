// The native GRU/LSTM kernels (AVX2 and portable) against the JS reference: forward (outputs, final states, cache)
// and every gradient, one and two directions, padded and not, sizes that leave partial vectors and GEMM tiles; the
// same bits for every thread count (1, 2 and 3 threads split the units and directions differently); cells too.
import { afterAll, describe, expect, it } from 'vitest';
import { jsKernels } from '../../../native-kernels/index';
import { expectClose, nativeBackends, nativeSkipReason, randn, rng } from './helpers';
import { makeRnnCase, rnnBackward, rnnForward, type Cell, type CaseShape, type RnnGrads } from './rnn-helpers';

const backends = nativeBackends();
const FWD = { rtol: 2e-5, atol: 2e-6 };
const BWD = { rtol: 1e-4, atol: 2e-5 };

const shapes: (CaseShape & { name: string })[] = [
  { name: 'one direction, H 40 (two threads split 16 + 24 units)', T: 7, B: 13, C: 9, H: 40, D: 1, lengths: null, seed: 1 },
  { name: 'bidirectional, padded', T: 6, B: 5, C: 7, H: 24, D: 2, lengths: [6, 1, 4, 6, 3], seed: 2 },
  { name: 'one direction, padded, tiny H', T: 5, B: 4, C: 3, H: 5, D: 1, lengths: [2, 5, 5, 1], seed: 3 },
];

function runAll(k: typeof jsKernels, cell: Cell, s: CaseShape): { fwd: ReturnType<typeof makeRnnCase>; g: RnnGrads } {
  const c = makeRnnCase(k, cell, s);
  rnnForward(k, c);
  const g = rnnBackward(k, c, { dout: c.Rout, dhN: c.RhN, dcN: c.RcN });
  return { fwd: c, g };
}

describe.skipIf(backends.length === 0)(`native RNN kernels vs the JS reference ${nativeSkipReason}`, () => {
  const threads = backends.length > 0 ? backends[0].kernels().getThreads() : 1;
  afterAll(() => { if (backends.length > 0) backends[0].kernels().setThreads(threads); });

  for (const { name: backend, kernels } of backends) {
    for (const cell of ['gru', 'lstm'] as const) {
      for (const s of shapes) {
        it(`${backend} ${cell}, ${s.name}`, () => {
          const k = kernels();
          const ref = runAll(jsKernels, cell, s);
          const nat = runAll(k, cell, s);
          expectClose(nat.fwd.out, ref.fwd.out, FWD.rtol, FWD.atol, 'out');
          expectClose(nat.fwd.hN, ref.fwd.hN, FWD.rtol, FWD.atol, 'hN');
          if (nat.fwd.cN && ref.fwd.cN) expectClose(nat.fwd.cN, ref.fwd.cN, FWD.rtol, FWD.atol, 'cN');
          const lengths = s.lengths;
          // The cache of padded steps is unspecified; compare real steps only.
          const X = (cell === 'gru' ? 4 : 5) * s.H;
          for (let d = 0; d < s.D; d++) {
            for (let t = 0; t < s.T; t++) {
              for (let b = 0; b < s.B; b++) {
                if (lengths && t >= lengths[b]) continue;
                const at = ((d * s.T + t) * s.B + b) * X;
                expectClose(nat.fwd.cache.subarray(at, at + X), ref.fwd.cache.subarray(at, at + X), FWD.rtol, FWD.atol, `cache d${d} t${t} b${b}`);
              }
            }
          }
          for (const key of ['dinp', 'dh0', 'dc0', 'dwih', 'dwhh', 'dbih', 'dbhh', 'dcache'] as const) {
            const a = nat.g[key], e = ref.g[key];
            if (a && e) expectClose(a, e, BWD.rtol, BWD.atol, key);
          }
        });
      }
    }
  }

  for (const cell of ['gru', 'lstm'] as const) {
    it(`${cell}: 1, 2 and 3 threads give identical bits (units and directions split differently)`, () => {
      const k = backends[0].kernels();
      const s: CaseShape = { T: 5, B: 7, C: 6, H: 48, D: 2, lengths: [5, 2, 5, 4, 1, 5, 3], seed: 7 };
      const results = [1, 2, 3].map((n) => {
        k.setThreads(n);
        return runAll(k, cell, s);
      });
      for (const r of results.slice(1)) {
        expect(Buffer.from(r.fwd.out.buffer)).toEqual(Buffer.from(results[0].fwd.out.buffer));
        expect(Buffer.from(r.fwd.hN.buffer)).toEqual(Buffer.from(results[0].fwd.hN.buffer));
        for (const key of ['dinp', 'dh0', 'dwih', 'dwhh', 'dbih', 'dbhh'] as const) {
          expect(Buffer.from(r.g[key].buffer), key).toEqual(Buffer.from(results[0].g[key].buffer));
        }
      }
    });
  }

  for (const { name: backend, kernels } of backends) {
    for (const cell of ['gru', 'lstm'] as const) {
      it(`${backend} ${cell} cells: forward and backward match the reference`, () => {
        const k = kernels();
        const r = rng(5);
        const [B, H] = [7, 20];
        const G = cell === 'gru' ? 3 : 4;
        const gi = randn(r, B * G * H), hPrev = randn(r, B * H), cPrev = randn(r, B * H);
        const whh = randn(r, G * H * H, 0.3), bhh = randn(r, G * H, 0.3), dh = randn(r, B * H), dc = randn(r, B * H);
        const run = (kk: typeof jsKernels) => {
          const hOut = new Float32Array(B * H), cOut = new Float32Array(B * H), cache = new Float32Array(B * (G + 1) * H);
          const dgi = new Float32Array(B * G * H), dhPrev = new Float32Array(B * H), dcPrev = new Float32Array(B * H);
          const dwhh = new Float32Array(G * H * H), dbhh = new Float32Array(G * H);
          if (cell === 'gru') {
            kk.gruCellForward(hOut, cache, gi, hPrev, whh, bhh, B, H);
            kk.gruCellBackward(dgi, dhPrev, dwhh, dbhh, dh, hPrev, cache, whh, B, H);
          } else {
            kk.lstmCellForward(hOut, cOut, cache, gi, hPrev, cPrev, whh, bhh, B, H);
            kk.lstmCellBackward(dgi, dhPrev, dcPrev, dwhh, dbhh, dh, dc, hPrev, cPrev, cache, whh, B, H);
          }
          return { hOut, cOut, cache, dgi, dhPrev, dcPrev, dwhh, dbhh };
        };
        const a = run(k), e = run(jsKernels);
        for (const key of ['hOut', 'cOut', 'cache'] as const) expectClose(a[key], e[key], FWD.rtol, FWD.atol, key);
        for (const key of ['dgi', 'dhPrev', 'dcPrev', 'dwhh', 'dbhh'] as const) expectClose(a[key], e[key], BWD.rtol, BWD.atol, key);
      });
    }
  }
});

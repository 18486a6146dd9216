// Native kernels (AVX2 and portable paths) against the JS reference on random shapes, odd sizes included.
// Tolerances: outputs from long float32 reductions (matmul, attention, layernorm) |n - js| <= 1e-5 + 1e-4 |js|
// (the JS reference sums in float64); elementwise kernels |n - js| <= 1e-6 + 1e-5 |js|; dropout masks exactly equal.

import { describe, it, expect } from 'vitest';
import { jsKernels as js, type Kernels } from '../../../native-kernels/index';
import { expectClose, nativeBackends, nativeSkipReason, randInts, randn, rng } from './helpers';

const RED = { rtol: 1e-4, atol: 1e-5 };
const ELEM = { rtol: 1e-5, atol: 1e-6 };

const backends = nativeBackends();

describe.skipIf(backends.length > 0)(`native kernels skipped: ${nativeSkipReason}`, () => {
  it('reports why the addon is unavailable', () => expect(nativeSkipReason).not.toBe(''));
});

describe.each(backends)('$name matches the JS reference', ({ kernels }) => {
  const nk = (): Kernels => kernels();

  it('sgemm in all four transpose layouts, alpha/beta, beta = 0 ignoring NaN in C', () => {
    const r = rng(11);
    for (const [M, N, K] of [[7, 33, 13], [1, 1, 1], [150, 40, 300], [6, 3100, 3]]) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          const A = randn(r, M * K), B = randn(r, K * N), C0 = randn(r, M * N);
          for (const [alpha, beta] of [[1, 0], [0.5, 1], [-2, 0.25]]) {
            const expected = C0.slice(), actual = C0.slice();
            if (beta === 0) actual.fill(NaN);
            js.sgemm(transA, transB, M, N, K, alpha, A, B, beta, expected);
            nk().sgemm(transA, transB, M, N, K, alpha, A, B, beta, actual);
            expectClose(actual, expected, RED.rtol, RED.atol, `sgemm ${M}x${N}x${K} tA=${transA} tB=${transB} a=${alpha} b=${beta}`);
          }
        }
      }
    }
  });

  for (const [BT, C, OC] of [[7, 13, 33], [1, 1, 1], [64, 96, 160], [37, 300, 29], [5, 3, 3100]]) {
    it(`matmul forward and backward, BT=${BT} C=${C} OC=${OC}`, () => {
      const r = rng(BT * 1000 + C);
      const inp = randn(r, BT * C), w = randn(r, OC * C), b = randn(r, OC), dout = randn(r, BT * OC);
      for (const bias of [b, null]) {
        const o1 = new Float32Array(BT * OC), o2 = new Float32Array(BT * OC);
        js.matmulForward(o1, inp, w, bias, BT, C, OC);
        nk().matmulForward(o2, inp, w, bias, BT, C, OC);
        expectClose(o2, o1, RED.rtol, RED.atol, 'out');
      }
      // Parameter gradients accumulate: start from the same non-zero values.
      const dw0 = randn(r, OC * C), db0 = randn(r, OC);
      const g1 = { dinp: new Float32Array(BT * C), dw: dw0.slice(), db: db0.slice() };
      const g2 = { dinp: new Float32Array(BT * C).fill(NaN), dw: dw0.slice(), db: db0.slice() };
      js.matmulBackward(g1.dinp, g1.dw, g1.db, dout, inp, w, BT, C, OC);
      nk().matmulBackward(g2.dinp, g2.dw, g2.db, dout, inp, w, BT, C, OC);
      expectClose(g2.dinp, g1.dinp, RED.rtol, RED.atol, 'dinp');
      expectClose(g2.dw, g1.dw, RED.rtol, RED.atol, 'dweight');
      expectClose(g2.db, g1.db, RED.rtol, RED.atol, 'dbias');
      const dwOnly = dw0.slice();
      nk().matmulBackward(null, dwOnly, null, dout, inp, w, BT, C, OC);
      expectClose(dwOnly, g1.dw, RED.rtol, RED.atol, 'dweight without dinp/dbias');
    });
  }

  it('matmul on subarray views reads and writes only the stated extents', () => {
    const r = rng(12);
    const [BT, C, OC] = [9, 17, 11];
    const big = randn(r, 1000);
    const inp = big.subarray(3, 3 + BT * C), w = big.subarray(200, 200 + OC * C);
    const outBuf = new Float32Array(BT * OC + 10).fill(7);
    const out = outBuf.subarray(5, 5 + BT * OC);
    const expected = new Float32Array(BT * OC);
    js.matmulForward(expected, inp, w, null, BT, C, OC);
    nk().matmulForward(out, inp, w, null, BT, C, OC);
    expectClose(out, expected, RED.rtol, RED.atol, 'out view');
    expect(Array.from(outBuf.subarray(0, 5))).toEqual([7, 7, 7, 7, 7]);
    expect(Array.from(outBuf.subarray(5 + BT * OC))).toEqual([7, 7, 7, 7, 7]);
  });

  it('embedding forward and backward, with and without positions and segments', () => {
    const r = rng(13);
    const [B, T, C, V, S] = [3, 5, 13, 11, 2];
    const tokens = randInts(r, B * T, V), segments = randInts(r, B * T, S);
    const wte = randn(r, V * C), pos = randn(r, T * C), seg = randn(r, S * C), dout = randn(r, B * T * C);
    for (const withExtras of [true, false]) {
      const o1 = new Float32Array(B * T * C), o2 = new Float32Array(B * T * C);
      js.embeddingForward(o1, tokens, wte, withExtras ? pos : null, withExtras ? segments : null, withExtras ? seg : null, B, T, C);
      nk().embeddingForward(o2, tokens, wte, withExtras ? pos : null, withExtras ? segments : null, withExtras ? seg : null, B, T, C);
      expectClose(o2, o1, ELEM.rtol, ELEM.atol, 'out');
      const start = [randn(r, V * C), randn(r, T * C), randn(r, S * C)];
      const g1 = start.map((x) => x.slice()), g2 = start.map((x) => x.slice());
      js.embeddingBackward(g1[0], withExtras ? g1[1] : null, withExtras ? g1[2] : null, dout, tokens, withExtras ? segments : null, B, T, C);
      nk().embeddingBackward(g2[0], withExtras ? g2[1] : null, withExtras ? g2[2] : null, dout, tokens, withExtras ? segments : null, B, T, C);
      expectClose(g2[0], g1[0], ELEM.rtol, ELEM.atol, 'dwte');
      expectClose(g2[1], g1[1], ELEM.rtol, ELEM.atol, 'dpos');
      expectClose(g2[2], g1[2], ELEM.rtol, ELEM.atol, 'dseg');
    }
  });

  it('layernorm forward and backward', () => {
    const r = rng(14);
    for (const [N, C] of [[7, 13], [1, 1], [70, 128]]) {
      const inp = randn(r, N * C, 3), w = randn(r, C), b = randn(r, C), dout = randn(r, N * C);
      const f1 = { out: new Float32Array(N * C), mean: new Float32Array(N), rstd: new Float32Array(N) };
      const f2 = { out: new Float32Array(N * C), mean: new Float32Array(N), rstd: new Float32Array(N) };
      js.layernormForward(f1.out, f1.mean, f1.rstd, inp, w, b, N, C);
      nk().layernormForward(f2.out, f2.mean, f2.rstd, inp, w, b, N, C);
      expectClose(f2.out, f1.out, RED.rtol, RED.atol, 'out');
      expectClose(f2.mean, f1.mean, RED.rtol, RED.atol, 'mean');
      expectClose(f2.rstd, f1.rstd, RED.rtol, RED.atol, 'rstd');
      const dw0 = randn(r, C), db0 = randn(r, C);
      const g1 = { dinp: new Float32Array(N * C), dw: dw0.slice(), db: db0.slice() };
      const g2 = { dinp: new Float32Array(N * C), dw: dw0.slice(), db: db0.slice() };
      js.layernormBackward(g1.dinp, g1.dw, g1.db, dout, inp, w, f1.mean, f1.rstd, N, C);
      nk().layernormBackward(g2.dinp, g2.dw, g2.db, dout, inp, w, f1.mean, f1.rstd, N, C);
      expectClose(g2.dinp, g1.dinp, RED.rtol, RED.atol, `dinp N=${N} C=${C}`);
      expectClose(g2.dw, g1.dw, RED.rtol, RED.atol, 'dweight');
      expectClose(g2.db, g1.db, RED.rtol, RED.atol, 'dbias');
    }
  });

  it('gelu forward and backward, residual add', () => {
    const r = rng(15);
    const N = 1001;
    const inp = randn(r, N, 5), dout = randn(r, N), other = randn(r, N);
    const pairs = [new Float32Array(N), new Float32Array(N)];
    js.geluForward(pairs[0], inp, N);
    nk().geluForward(pairs[1], inp, N);
    expectClose(pairs[1], pairs[0], ELEM.rtol, ELEM.atol, 'gelu out');
    js.geluBackward(pairs[0], inp, dout, N);
    nk().geluBackward(pairs[1], inp, dout, N);
    expectClose(pairs[1], pairs[0], ELEM.rtol, ELEM.atol, 'gelu dinp');
    js.residualForward(pairs[0], inp, other, N);
    nk().residualForward(pairs[1], inp, other, N);
    expectClose(pairs[1], pairs[0], 0, 0, 'residual out');
  });

  for (const [B, T, C, NH] of [[2, 5, 12, 3], [1, 1, 4, 1], [3, 17, 24, 2]]) {
    for (const [causal, withMask] of [[true, false], [false, true], [false, false], [true, true]]) {
      it(`attention forward and backward, B=${B} T=${T} C=${C} NH=${NH} causal=${causal} mask=${withMask}`, () => {
        const r = rng(B * 100 + T);
        const qkv = randn(r, B * T * 3 * C, 2), dout = randn(r, B * T * C);
        const mask = withMask ? Uint8Array.from({ length: B * T }, (_, i) => (i % T === 0 || r() > 0.3 ? 1 : 0)) : null;
        const BNTT = B * NH * T * T;
        const f = [0, 1].map(() => ({ out: new Float32Array(B * T * C), pre: new Float32Array(BNTT), att: new Float32Array(BNTT) }));
        js.attentionForward(f[0].out, f[0].pre, f[0].att, qkv, mask, causal, B, T, C, NH);
        nk().attentionForward(f[1].out, f[1].pre, f[1].att, qkv, mask, causal, B, T, C, NH);
        expectClose(f[1].pre, f[0].pre, RED.rtol, RED.atol, 'preatt');
        expectClose(f[1].att, f[0].att, RED.rtol, RED.atol, 'att');
        expectClose(f[1].out, f[0].out, RED.rtol, RED.atol, 'out');
        const d = [0, 1].map(() => new Float32Array(B * T * 3 * C).fill(NaN));
        js.attentionBackward(d[0], dout, qkv, f[0].att, B, T, C, NH);
        nk().attentionBackward(d[1], dout, qkv, f[0].att, B, T, C, NH);
        expectClose(d[1], d[0], RED.rtol, RED.atol, 'dqkv');
      });
    }
  }

  it('dropout: identical masks and outputs for the same seed; backward', () => {
    const r = rng(16);
    for (const [N, p, seed] of [[1000, 0.1, 0], [4097, 0.5, 123456789], [33, 0, 7], [33, 1, 7], [50000, 0.25, 2 ** 40 + 5]]) {
      const inp = randn(r, N), dout = randn(r, N);
      const o = [new Float32Array(N), new Float32Array(N)], m = [new Uint8Array(N), new Uint8Array(N)];
      js.dropoutForward(o[0], m[0], inp, p, seed, N);
      nk().dropoutForward(o[1], m[1], inp, p, seed, N);
      expect(Buffer.from(m[1]).equals(Buffer.from(m[0])), `mask N=${N} p=${p} seed=${seed}`).toBe(true);
      expectClose(o[1], o[0], ELEM.rtol, 0, 'dropout out');
      js.dropoutBackward(o[0], dout, m[0], p, N);
      nk().dropoutBackward(o[1], dout, m[0], p, N);
      expectClose(o[1], o[0], ELEM.rtol, 0, 'dropout dinp');
    }
  });

  it('cross-entropy forward and backward with an ignore index', () => {
    const r = rng(17);
    for (const [N, V] of [[7, 13], [1, 1], [40, 300]]) {
      const logits = randn(r, N * V, 4);
      const targets = randInts(r, N, V);
      for (let i = 0; i < N; i += 3) targets[i] = -1;
      const f = [0, 1].map(() => ({ losses: new Float32Array(N), probs: new Float32Array(N * V), counts: new Int32Array(1) }));
      const m0 = js.crossEntropyForward(f[0].losses, f[0].probs, logits, targets, -1, N, V, f[0].counts);
      const m1 = nk().crossEntropyForward(f[1].losses, f[1].probs, logits, targets, -1, N, V, f[1].counts);
      expect(f[1].counts[0]).toBe(f[0].counts[0]);
      expect(Math.abs(m1 - m0)).toBeLessThanOrEqual(1e-5 + 1e-5 * Math.abs(m0));
      expectClose(f[1].losses, f[0].losses, ELEM.rtol, 1e-5, 'losses');
      expectClose(f[1].probs, f[0].probs, ELEM.rtol, ELEM.atol, 'probs');
      const scale = f[0].counts[0] > 0 ? 1 / f[0].counts[0] : 0;
      const d = [new Float32Array(N * V), new Float32Array(N * V).fill(NaN)];
      js.crossEntropyBackward(d[0], f[0].probs, targets, -1, scale, N, V);
      nk().crossEntropyBackward(d[1], f[0].probs, targets, -1, scale, N, V);
      expectClose(d[1], d[0], ELEM.rtol, ELEM.atol, 'dlogits');
    }
  });

  it('adamw, sumSquares and scale', () => {
    const r = rng(18);
    const N = 5003;
    const p0 = randn(r, N), g = randn(r, N), m0 = randn(r, N, 0.1), v0 = randn(r, N, 0.1).map(Math.abs);
    const s = [0, 1].map(() => ({ p: p0.slice(), m: m0.slice(), v: v0.slice() }));
    js.adamwUpdate(s[0].p, g, s[0].m, s[0].v, N, 1e-3, 0.9, 0.95, 1e-8, 0.1, 3);
    nk().adamwUpdate(s[1].p, g, s[1].m, s[1].v, N, 1e-3, 0.9, 0.95, 1e-8, 0.1, 3);
    expectClose(s[1].m, s[0].m, ELEM.rtol, ELEM.atol, 'm');
    expectClose(s[1].v, s[0].v, ELEM.rtol, ELEM.atol, 'v');
    expectClose(s[1].p, s[0].p, ELEM.rtol, ELEM.atol, 'params');
    const ss = [js.sumSquares(g, N), nk().sumSquares(g, N)];
    expect(Math.abs(ss[1] - ss[0])).toBeLessThanOrEqual(1e-9 * ss[0]);
    const c = [g.slice(), g.slice()];
    js.scale(c[0], 0.37, N);
    nk().scale(c[1], 0.37, N);
    expectClose(c[1], c[0], 0, 0, 'scale');
  });
});

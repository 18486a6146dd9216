// The alignment kernels (dot and additive scores, masked softmax + context): the JS reference against finite
// differences, every native backend against the JS reference (odd sizes, several heads, empty and full source
// lengths), results independent of the thread count, and the argument checks' sentences.
// Tolerances as in native-vs-js.test.ts and js-gradients.test.ts; the additive kernels' tanh is a fast approximation
// with ~1e-7 absolute error, summed over A terms, hence their looser 2e-5 absolute tolerance.

import { describe, expect, it } from 'vitest';
import { jsKernels as js, type Kernels } from '../../../native-kernels/index';
import { dotLoss, expectClose, nativeBackends, nativeSkipReason, numericGradient, randn, rng } from './helpers';

const EPS = 1e-2;
const LINEAR = { rtol: 1e-3, atol: 1e-3 };
const SMOOTH = { rtol: 1e-2, atol: 2e-3 };
const RED = { rtol: 1e-4, atol: 1e-5 };
const TANH = { rtol: 1e-4, atol: 2e-5 };

describe('alignment kernels: JS reference backward matches finite differences', () => {
  it('dot scores over two heads: dq, dk', () => {
    const r = rng(101);
    const [B, T, S, NH, D] = [2, 3, 4, 2, 3];
    const q = randn(r, B * T * NH * D), k = randn(r, B * S * NH * D), R = randn(r, B * NH * T * S);
    const scores = new Float32Array(B * NH * T * S);
    const loss = (): number => (js.alignDotForward(scores, q, k, 0.7, B, T, S, NH, D), dotLoss(scores, R));
    const dq = new Float32Array(q.length), dk = new Float32Array(k.length);
    js.alignDotBackward(dq, dk, R, q, k, 0.7, B, T, S, NH, D);
    expectClose(dq, numericGradient(q, loss, EPS), LINEAR.rtol, LINEAR.atol, 'dq');
    expectClose(dk, numericGradient(k, loss, EPS), LINEAR.rtol, LINEAR.atol, 'dk');
  });

  it('additive scores: dq, dk, dv (dv accumulates)', () => {
    const r = rng(102);
    const [B, T, S, A] = [2, 3, 4, 5];
    const q = randn(r, B * T * A), k = randn(r, B * S * A), v = randn(r, A), R = randn(r, B * T * S);
    const scores = new Float32Array(B * T * S);
    const loss = (): number => (js.alignAdditiveForward(scores, q, k, v, B, T, S, A), dotLoss(scores, R));
    const dq = new Float32Array(q.length), dk = new Float32Array(k.length), dv = new Float32Array(A).fill(0.5);
    js.alignAdditiveBackward(dq, dk, dv, R, q, k, v, B, T, S, A);
    expectClose(dq, numericGradient(q, loss, EPS), SMOOTH.rtol, SMOOTH.atol, 'dq');
    expectClose(dk, numericGradient(k, loss, EPS), SMOOTH.rtol, SMOOTH.atol, 'dk');
    const numeric = numericGradient(v, loss, EPS).map((g) => g + 0.5);
    expectClose(dv, numeric, SMOOTH.rtol, SMOOTH.atol, 'dv');
  });

  it('tanh: dinp from the forward output', () => {
    const r = rng(104);
    const N = 30;
    const inp = randn(r, N, 3), R = randn(r, N), out = new Float32Array(N);
    const loss = (): number => (js.tanhForward(out, inp, N), dotLoss(out, R));
    loss();
    const dinp = new Float32Array(N);
    js.tanhBackward(dinp, out, R, N);
    expectClose(dinp, numericGradient(inp, loss, EPS), SMOOTH.rtol, SMOOTH.atol, 'dinp');
  });

  it('masked softmax + context with source lengths 3, 0 and 4 of 4: dscores, dvalues', () => {
    const r = rng(103);
    const [B, T, S, NH, H] = [3, 2, 4, 2, 3];
    const srcLen = Int32Array.from([3, 0, 4]);
    const scores = randn(r, B * NH * T * S, 2), values = randn(r, B * S * NH * H), R = randn(r, B * T * NH * H);
    const ctx = new Float32Array(B * T * NH * H), att = new Float32Array(B * NH * T * S);
    const loss = (): number => (js.alignSoftmaxContextForward(ctx, att, scores, values, srcLen, B, T, S, NH, H), dotLoss(ctx, R));
    loss();
    const dscores = new Float32Array(scores.length), dvalues = new Float32Array(values.length);
    js.alignSoftmaxContextBackward(dscores, dvalues, R, att, values, B, T, S, NH, H);
    expectClose(dscores, numericGradient(scores, loss, EPS), SMOOTH.rtol, SMOOTH.atol, 'dscores');
    expectClose(dvalues, numericGradient(values, loss, EPS), LINEAR.rtol, LINEAR.atol, 'dvalues');
    // masked keys: probability exactly 0; the empty source: a zero row and a zero context
    for (let t = 0; t < T; t++) expect(att[((0 * NH + 1) * T + t) * S + 3]).toBe(0);
    expect(Array.from(att.subarray(NH * T * S, 2 * NH * T * S)).every((x) => x === 0)).toBe(true);
    expect(Array.from(ctx.subarray(T * NH * H, 2 * T * NH * H)).every((x) => x === 0)).toBe(true);
  });
});

const backends = nativeBackends();

describe.skipIf(backends.length > 0)(`native alignment kernels skipped: ${nativeSkipReason}`, () => {
  it('reports why the addon is unavailable', () => expect(nativeSkipReason).not.toBe(''));
});

/** Runs every alignment kernel once on `k` and returns all outputs, for comparisons between backends. */
function runAll(k: Kernels, seed: number, dims: { B: number; T: number; S: number; NH: number; D: number; A: number }): Record<string, Float32Array> {
  const { B, T, S, NH, D, A } = dims;
  const r = rng(seed);
  const q = randn(r, B * T * NH * D), kk = randn(r, B * S * NH * D), ds = randn(r, B * NH * T * S);
  const out: Record<string, Float32Array> = {};
  out.dotScores = new Float32Array(B * NH * T * S);
  k.alignDotForward(out.dotScores, q, kk, 1 / Math.sqrt(D), B, T, S, NH, D);
  out.dq = new Float32Array(q.length).fill(NaN);
  out.dk = new Float32Array(kk.length).fill(NaN);
  k.alignDotBackward(out.dq, out.dk, ds, q, kk, 1 / Math.sqrt(D), B, T, S, NH, D);

  const qa = randn(r, B * T * A, 2), ka = randn(r, B * S * A, 2), v = randn(r, A), dsa = randn(r, B * T * S);
  // masked keys reach the additive backward as exact zeros: some here too
  for (let i = 0; i < dsa.length; i += 5) dsa[i] = 0;
  out.addScores = new Float32Array(B * T * S);
  k.alignAdditiveForward(out.addScores, qa, ka, v, B, T, S, A);
  out.addDq = new Float32Array(qa.length).fill(NaN);
  out.addDk = new Float32Array(ka.length).fill(NaN);
  out.addDv = randn(r, A);
  k.alignAdditiveBackward(out.addDq, out.addDk, out.addDv, dsa, qa, ka, v, B, T, S, A);

  const values = randn(r, B * S * NH * D), dctx = randn(r, B * T * NH * D);
  const srcLen = Int32Array.from({ length: B }, (_, b) => (b === 1 ? 0 : S - (b % Math.max(1, S))));
  out.ctx = new Float32Array(B * T * NH * D).fill(NaN);
  out.att = new Float32Array(B * NH * T * S).fill(NaN);
  k.alignSoftmaxContextForward(out.ctx, out.att, out.dotScores, values, srcLen, B, T, S, NH, D);
  out.dscores = new Float32Array(B * NH * T * S).fill(NaN);
  out.dvalues = new Float32Array(values.length).fill(NaN);
  k.alignSoftmaxContextBackward(out.dscores, out.dvalues, dctx, out.att, values, B, T, S, NH, D);

  // tanh over a range that reaches both saturated ends (|x| up to 40) and the tails of 8-lane loops
  const x = randn(r, B * T * A + 3, 40);
  for (let i = 0; i < x.length; i += 3) x[i] *= 1e-3;
  out.tanh = new Float32Array(x.length);
  k.tanhForward(out.tanh, x, x.length);
  out.dtanh = new Float32Array(x.length);
  k.tanhBackward(out.dtanh, out.tanh, x, x.length);
  return out;
}

const SHAPES = [
  { B: 3, T: 5, S: 7, NH: 1, D: 13, A: 11 },
  { B: 2, T: 1, S: 40, NH: 4, D: 16, A: 64 },
  { B: 4, T: 33, S: 29, NH: 2, D: 8, A: 37 },
  { B: 1, T: 2, S: 1, NH: 1, D: 1, A: 1 },
];

describe.each(backends)('$name alignment kernels match the JS reference', ({ kernels }) => {
  for (const dims of SHAPES) {
    it(`B=${dims.B} T=${dims.T} S=${dims.S} NH=${dims.NH} D=${dims.D} A=${dims.A}`, () => {
      const ref = runAll(js, 7, dims);
      const got = runAll(kernels(), 7, dims);
      for (const name of ['dotScores', 'dq', 'dk', 'ctx', 'att', 'dscores', 'dvalues']) {
        expectClose(got[name], ref[name], RED.rtol, RED.atol, name);
      }
      for (const name of ['addScores', 'addDq', 'addDk', 'addDv', 'tanh', 'dtanh']) expectClose(got[name], ref[name], TANH.rtol, TANH.atol, name);
    });
  }

  it('gives bit-identical results with 1 and 2 threads', () => {
    const k = kernels();
    const before = k.getThreads();
    const dims = { B: 8, T: 24, S: 31, NH: 2, D: 16, A: 40 };
    try {
      k.setThreads(1);
      const one = runAll(k, 9, dims);
      k.setThreads(2);
      const two = runAll(k, 9, dims);
      for (const name of Object.keys(one)) expect(Array.from(two[name]), name).toEqual(Array.from(one[name]));
    } finally {
      k.setThreads(before);
    }
  });
});

describe('alignment kernel checks', () => {
  const k = backends.length > 0 ? backends[0].kernels() : js;
  it('refuses a source length outside [0, S], naming the batch row', () => {
    const ctx = new Float32Array(2 * 3 * 4), att = new Float32Array(2 * 3 * 5), scores = new Float32Array(2 * 3 * 5);
    const values = new Float32Array(2 * 5 * 4);
    expect(() => k.alignSoftmaxContextForward(ctx, att, scores, values, Int32Array.from([5, 6]), 2, 3, 5, 1, 4))
      .toThrow('alignSoftmaxContextForward: srcLen[1] is 6, outside [0, 5] (the source positions of this batch, S = 5).');
  });
  it('refuses a short buffer, with the formula it needed', () => {
    expect(() => k.alignAdditiveForward(new Float32Array(6), new Float32Array(6), new Float32Array(6), new Float32Array(2), 1, 2, 3, 3))
      .toThrow('alignAdditiveForward: k has 6 floats, needs B*S*A = 9.');
  });
});

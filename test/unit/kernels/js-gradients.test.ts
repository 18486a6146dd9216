// Every backward kernel of the JS reference checked against central finite differences of its forward kernel.
// Buffers are float32, so steps are large (eps 1e-2) and the scalar loss sum(out * R) is accumulated in float64.
// Tolerance: |analytic - numeric| <= 2e-3 + 1e-2 |numeric| (linear kernels are held to 1e-3 + 1e-3 |numeric|).

import { describe, it } from 'vitest';
import { jsKernels as k } from '../../../native-kernels/index';
import { dotLoss, expectClose, numericGradient, randInts, randn, rng } from './helpers';

const EPS = 1e-2;
const LINEAR = { rtol: 1e-3, atol: 1e-3 };
const SMOOTH = { rtol: 1e-2, atol: 2e-3 };

describe('JS reference backward kernels match finite differences', () => {
  it('matmul: dinp, dweight, dbias', () => {
    const r = rng(1);
    const [BT, C, OC] = [5, 7, 6];
    const inp = randn(r, BT * C), w = randn(r, OC * C), b = randn(r, OC), R = randn(r, BT * OC);
    const out = new Float32Array(BT * OC);
    const loss = () => (k.matmulForward(out, inp, w, b, BT, C, OC), dotLoss(out, R));
    const dinp = new Float32Array(BT * C), dw = new Float32Array(OC * C), db = new Float32Array(OC);
    k.matmulBackward(dinp, dw, db, R, inp, w, BT, C, OC);
    expectClose(dinp, numericGradient(inp, loss, EPS), LINEAR.rtol, LINEAR.atol, 'dinp');
    expectClose(dw, numericGradient(w, loss, EPS), LINEAR.rtol, LINEAR.atol, 'dweight');
    expectClose(db, numericGradient(b, loss, EPS), LINEAR.rtol, LINEAR.atol, 'dbias');
  });

  it('embedding: dwte with repeated tokens, dpos, dseg', () => {
    const r = rng(2);
    const [B, T, C, V, S] = [2, 3, 5, 4, 2];
    const tokens = Int32Array.from([1, 3, 1, 0, 1, 2]);
    const segments = randInts(r, B * T, S);
    const wte = randn(r, V * C), pos = randn(r, T * C), seg = randn(r, S * C), R = randn(r, B * T * C);
    const out = new Float32Array(B * T * C);
    const loss = () => (k.embeddingForward(out, tokens, wte, pos, segments, seg, B, T, C), dotLoss(out, R));
    const dwte = new Float32Array(V * C), dpos = new Float32Array(T * C), dseg = new Float32Array(S * C);
    k.embeddingBackward(dwte, dpos, dseg, R, tokens, segments, B, T, C);
    expectClose(dwte, numericGradient(wte, loss, EPS), LINEAR.rtol, LINEAR.atol, 'dwte');
    expectClose(dpos, numericGradient(pos, loss, EPS), LINEAR.rtol, LINEAR.atol, 'dpos');
    expectClose(dseg, numericGradient(seg, loss, EPS), LINEAR.rtol, LINEAR.atol, 'dseg');
  });

  it('layernorm: dinp, dweight, dbias', () => {
    const r = rng(3);
    const [N, C] = [4, 9];
    const inp = randn(r, N * C, 2), w = randn(r, C), b = randn(r, C), R = randn(r, N * C);
    const out = new Float32Array(N * C), mean = new Float32Array(N), rstd = new Float32Array(N);
    const loss = () => (k.layernormForward(out, mean, rstd, inp, w, b, N, C), dotLoss(out, R));
    loss();
    const dinp = new Float32Array(N * C), dw = new Float32Array(C), db = new Float32Array(C);
    k.layernormBackward(dinp, dw, db, R, inp, w, mean, rstd, N, C);
    expectClose(dinp, numericGradient(inp, loss, EPS), SMOOTH.rtol, SMOOTH.atol, 'dinp');
    expectClose(dw, numericGradient(w, loss, EPS), SMOOTH.rtol, SMOOTH.atol, 'dweight');
    expectClose(db, numericGradient(b, loss, EPS), SMOOTH.rtol, SMOOTH.atol, 'dbias');
  });

  it('gelu: dinp', () => {
    const r = rng(4);
    const N = 40;
    const inp = randn(r, N, 4), R = randn(r, N);
    const out = new Float32Array(N);
    const loss = () => (k.geluForward(out, inp, N), dotLoss(out, R));
    const dinp = new Float32Array(N);
    k.geluBackward(dinp, inp, R, N);
    expectClose(dinp, numericGradient(inp, loss, EPS), SMOOTH.rtol, SMOOTH.atol, 'dinp');
  });

  for (const [name, causal, withMask] of [['causal', true, false], ['padding mask', false, true], ['causal + padding', true, true]] as const) {
    it(`attention (${name}): dqkv`, () => {
      const r = rng(5);
      const [B, T, C, NH] = [2, 5, 6, 3];
      const qkv = randn(r, B * T * 3 * C), R = randn(r, B * T * C);
      // Batch 1 pads its last two positions; batch 0 has none.
      const mask = withMask ? Uint8Array.from([1, 1, 1, 1, 1, 1, 1, 1, 0, 0]) : null;
      const out = new Float32Array(B * T * C), pre = new Float32Array(B * NH * T * T), att = new Float32Array(B * NH * T * T);
      const loss = () => (k.attentionForward(out, pre, att, qkv, mask, causal, B, T, C, NH), dotLoss(out, R));
      loss();
      const dqkv = new Float32Array(B * T * 3 * C);
      k.attentionBackward(dqkv, R, qkv, att, B, T, C, NH);
      expectClose(dqkv, numericGradient(qkv, loss, EPS), SMOOTH.rtol, SMOOTH.atol, 'dqkv');
    });
  }

  it('dropout: dinp for a fixed mask', () => {
    const r = rng(6);
    const N = 50, p = 0.3, seed = 99;
    const inp = randn(r, N), R = randn(r, N);
    const out = new Float32Array(N), mask = new Uint8Array(N);
    const loss = () => (k.dropoutForward(out, mask, inp, p, seed, N), dotLoss(out, R));
    loss();
    const dinp = new Float32Array(N);
    k.dropoutBackward(dinp, R, mask, p, N);
    expectClose(dinp, numericGradient(inp, loss, EPS), LINEAR.rtol, LINEAR.atol, 'dinp');
  });

  it('cross-entropy: dlogits of the mean loss, with ignored rows', () => {
    const r = rng(7);
    const [N, V, ignore] = [6, 7, -100];
    const logits = randn(r, N * V, 3);
    const targets = Int32Array.from([3, ignore, 0, 6, ignore, 2]);
    const losses = new Float32Array(N), probs = new Float32Array(N * V), counts = new Int32Array(1);
    const loss = () => k.crossEntropyForward(losses, probs, logits, targets, ignore, N, V, counts);
    loss();
    const dlogits = new Float32Array(N * V);
    k.crossEntropyBackward(dlogits, probs, targets, ignore, 1 / counts[0], N, V);
    expectClose(dlogits, numericGradient(logits, loss, EPS), SMOOTH.rtol, SMOOTH.atol, 'dlogits');
  });
});

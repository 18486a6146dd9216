// Kernel behaviour every backend must show: exact masking in attention, ignore index, AdamW against a hand-worked step,
// dropout statistics, the huge-page hint leaving values alone, and argument checks that fail with a sentence naming
// the bad value.

import { describe, it, expect } from 'vitest';
import { getKernels, type Kernels } from '../../../native-kernels/index';
import { LabError } from '../../../common/errors';
import { nativeBackends, randn, rng } from './helpers';

const all: { name: string; kernels: () => Kernels }[] = [{ name: 'js', kernels: () => getKernels('js') }, ...nativeBackends()];

describe.each(all)('$name backend behaviour', ({ kernels }) => {
  const k = (): Kernels => kernels();

  function attend(B: number, T: number, C: number, NH: number, mask: Uint8Array | null, causal: boolean) {
    const qkv = randn(rng(21), B * T * 3 * C, 3);
    const out = new Float32Array(B * T * C), pre = new Float32Array(B * NH * T * T), att = new Float32Array(B * NH * T * T);
    k().attentionForward(out, pre, att, qkv, mask, causal, B, T, C, NH);
    return { out, att };
  }

  it('causal mask: probabilities above the diagonal are exactly 0 and each row sums to 1', () => {
    const [B, T, NH] = [2, 6, 2];
    const { att } = attend(B, T, 8, NH, null, true);
    for (let bh = 0; bh < B * NH; bh++) {
      for (let i = 0; i < T; i++) {
        let sum = 0;
        for (let j = 0; j < T; j++) {
          const a = att[(bh * T + i) * T + j];
          if (j > i) expect(a, `att[${bh}, ${i}, ${j}]`).toBe(0);
          sum += a;
        }
        expect(sum).toBeCloseTo(1, 5);
      }
    }
  });

  it('padding mask: padded keys get exactly 0 and a fully padded row gets all zeros and a zero output', () => {
    const [B, T, C, NH] = [2, 4, 6, 3];
    // batch 0: last key is padding; batch 1: every key is padding
    const mask = Uint8Array.from([1, 1, 1, 0, 0, 0, 0, 0]);
    const { out, att } = attend(B, T, C, NH, mask, false);
    for (let h = 0; h < NH; h++) {
      for (let i = 0; i < T; i++) {
        expect(att[((0 * NH + h) * T + i) * T + 3]).toBe(0);
        let sum = 0;
        for (let j = 0; j < T; j++) sum += att[((0 * NH + h) * T + i) * T + j];
        expect(sum).toBeCloseTo(1, 5);
        for (let j = 0; j < T; j++) expect(att[((1 * NH + h) * T + i) * T + j]).toBe(0);
      }
    }
    expect(Array.from(out.subarray(T * C)).every((v) => v === 0)).toBe(true);
    // Gradients through the fully masked batch are zero too.
    const qkv = randn(rng(21), B * T * 3 * C, 3);
    const dqkv = new Float32Array(B * T * 3 * C);
    k().attentionBackward(dqkv, randn(rng(3), B * T * C), qkv, att, B, T, C, NH);
    expect(Array.from(dqkv.subarray(T * 3 * C)).every((v) => v === 0)).toBe(true);
  });

  it('cross-entropy skips ignored rows: zero loss, zero gradient, mean over the rest', () => {
    const [N, V] = [3, 4];
    const logits = Float32Array.from([0, 0, 0, 0, 1, 2, 3, 4, 5, 5, 5, 5]);
    const targets = Int32Array.from([0, -100, 2]);
    const losses = new Float32Array(N), probs = new Float32Array(N * V), counts = new Int32Array(1);
    const mean = k().crossEntropyForward(losses, probs, logits, targets, -100, N, V, counts);
    expect(counts[0]).toBe(2);
    expect(losses[1]).toBe(0);
    expect(losses[0]).toBeCloseTo(Math.log(4), 6);
    expect(mean).toBeCloseTo(Math.log(4), 6);
    const d = new Float32Array(N * V).fill(9);
    k().crossEntropyBackward(d, probs, targets, -100, 0.5, N, V);
    expect(Array.from(d.subarray(4, 8))).toEqual([0, 0, 0, 0]);
    expect(d[0]).toBeCloseTo((0.25 - 1) * 0.5, 6);
    const none = k().crossEntropyForward(losses, probs, logits, Int32Array.from([-100, -100, -100]), -100, N, V, counts);
    expect(none).toBe(0);
    expect(counts[0]).toBe(0);
  });

  it('adamw matches a step worked by hand (torch.optim.AdamW semantics)', () => {
    // One parameter, t = 1: m = 0.1 g, v = 0.001 g^2, mhat = g, vhat = g^2, so the update is lr (sign(g) + wd p).
    const p = Float32Array.from([1, -2]), g = Float32Array.from([0.5, -4]), m = new Float32Array(2), v = new Float32Array(2);
    k().adamwUpdate(p, g, m, v, 2, 0.1, 0.9, 0.999, 0, 0.01, 1);
    expect(p[0]).toBeCloseTo(1 - 0.1 * (1 + 0.01 * 1), 6);
    expect(p[1]).toBeCloseTo(-2 - 0.1 * (-1 + 0.01 * -2), 6);
    expect(m[0]).toBeCloseTo(0.05, 7);
    expect(v[1]).toBeCloseTo(0.001 * 16, 7);
    // t = 2 with the same gradient: m = 0.19 g, v = 0.001999 g^2, both bias corrections bring them back to g and g^2.
    k().adamwUpdate(p, g, m, v, 2, 0.1, 0.9, 0.999, 0, 0, 2);
    expect(p[0]).toBeCloseTo(1 - 0.1 * 1.01 - 0.1, 5);
  });

  it('dropout keeps about 1-p of the elements, scales them by 1/(1-p), and p = 0 / p = 1 are exact', () => {
    const N = 20000;
    const inp = new Float32Array(N).fill(1), out = new Float32Array(N), mask = new Uint8Array(N);
    k().dropoutForward(out, mask, inp, 0.3, 42, N);
    const kept = mask.reduce((s, x) => s + x, 0);
    expect(kept / N).toBeGreaterThan(0.68);
    expect(kept / N).toBeLessThan(0.72);
    expect(out[mask.indexOf(1)]).toBeCloseTo(1 / 0.7, 6);
    expect(out[mask.indexOf(0)]).toBe(0);
    const other = new Uint8Array(N);
    k().dropoutForward(out, other, inp, 0.3, 43, N);
    expect(Buffer.from(other).equals(Buffer.from(mask))).toBe(false);
    k().dropoutForward(out, mask, inp, 0, 42, N);
    expect(mask.every((x) => x === 1)).toBe(true);
    k().dropoutForward(out, mask, inp, 1, 42, N);
    expect(mask.every((x) => x === 0) && out.every((x) => x === 0)).toBe(true);
  });

  it('rejects bad arguments with a LabError sentence naming the value', () => {
    const out = new Float32Array(100);
    const call = () => k().matmulForward(out, new Float32Array(8 * 4), new Float32Array(16 * 4), null, 8, 4, 16);
    expect(call).toThrow(LabError);
    expect(call).toThrow('matmulForward: out has 100 floats, needs BT*OC = 128.');
    expect(() => k().attentionForward(out, out, out, out, null, true, 1, 1, 10, 3, )).toThrow('C = 10 is not divisible by NH = 3');
    expect(() => k().embeddingForward(new Float32Array(8), Int32Array.from([0, 5]), new Float32Array(4 * 4), null, null, null, 1, 2, 4))
      .toThrow('embeddingForward: tokens[1] is 5, outside [0, 4) (rows of wte).');
    expect(() => k().crossEntropyForward(new Float32Array(1), new Float32Array(3), new Float32Array(3), Int32Array.from([3]), -1, 1, 3, new Int32Array(1)))
      .toThrow('targets[0] is 3, outside [0, 3) (the vocabulary) or the ignore index -1.');
    expect(() => k().geluForward(new Float64Array(4) as unknown as Float32Array, new Float32Array(4), 4))
      .toThrow('geluForward: out is a Float64Array, but it must be a Float32Array.');
    expect(() => k().dropoutForward(out, new Uint8Array(100), out, 1.5, 1, 100)).toThrow('p is 1.5');
    expect(() => k().setThreads(0)).toThrow('thread count 0 is not an integer between 1 and 256.');
    expect(() => k().scale(out, 2, 2.5)).toThrow('scale: N is 2.5, but it must be an integer >= 0.');
    expect(() => k().adviseHugePages(new Float64Array(2) as unknown as Float32Array))
      .toThrow('adviseHugePages: buf is a Float64Array, but it must be a Float32Array.');
  });

  it('the huge-page hint changes no value, before or after the storage is first written', () => {
    // 5 MiB + 12 bytes: a 2 MiB-aligned interior plus ragged ends; a subarray view too
    const n = (5 << 18) + 3;
    const fresh = new Float32Array(n);
    k().adviseHugePages(fresh);
    fresh.set(randn(rng(5), n));
    const expected = Float32Array.from(fresh);
    k().adviseHugePages(fresh);
    k().adviseHugePages(fresh.subarray(7, n - 5));
    k().adviseHugePages(new Float32Array(0));
    expect(Buffer.from(fresh.buffer).equals(Buffer.from(expected.buffer))).toBe(true);
  });
});

describe.each(nativeBackends())('$name results do not depend on the thread count', ({ kernels }) => {
  // 5 threads on this 2-core machine: a thread is often descheduled while its share of the chunks waits, so the others
  // take them over (threadpool.cc), and every kernel must still give the same bits.
  it('1, 2 and 5 threads give identical results for every kernel', () => {
    const k = kernels();
    const before = k.getThreads();
    const r = rng(31);
    const [B, T, C, NH, OC, V] = [4, 33, 48, 4, 200, 70];
    const BT = B * T;
    const x = randn(r, BT * C), w = randn(r, OC * C), bias = randn(r, OC), dout = randn(r, BT * OC);
    const qkv = randn(r, BT * 3 * C, 2), dAtt = randn(r, BT * C), mask = Uint8Array.from({ length: BT }, () => (r() > 0.2 ? 1 : 0));
    const logits = randn(r, BT * V, 3), targets = Int32Array.from({ length: BT }, () => Math.floor(r() * V));
    const big = randn(r, 300000);
    const run = (threads: number): Float32Array[] => {
      k.setThreads(threads);
      const mm = new Float32Array(BT * OC), dinp = new Float32Array(BT * C), dw = new Float32Array(OC * C), db = new Float32Array(OC);
      k.matmulForward(mm, x, w, bias, BT, C, OC);
      k.matmulBackward(dinp, dw, db, dout, x, w, BT, C, OC);
      const ln = new Float32Array(BT * C), mean = new Float32Array(BT), rstd = new Float32Array(BT);
      const lw = randn(rng(1), C), lb = randn(rng(2), C), ldx = new Float32Array(BT * C), ldw = new Float32Array(C), ldb = new Float32Array(C);
      k.layernormForward(ln, mean, rstd, x, lw, lb, BT, C);
      k.layernormBackward(ldx, ldw, ldb, dinp, x, lw, mean, rstd, BT, C);
      const out = new Float32Array(BT * C), pre = new Float32Array(B * NH * T * T), att = new Float32Array(B * NH * T * T);
      k.attentionForward(out, pre, att, qkv, mask, true, B, T, C, NH);
      const dqkv = new Float32Array(BT * 3 * C);
      k.attentionBackward(dqkv, dAtt, qkv, att, B, T, C, NH);
      const probs = new Float32Array(BT * V), losses = new Float32Array(BT), dlog = new Float32Array(BT * V);
      const meanLoss = k.crossEntropyForward(losses, probs, logits, targets, -1, BT, V, new Int32Array(1));
      k.crossEntropyBackward(dlog, probs, targets, -1, 1 / BT, BT, V);
      const g = new Float32Array(big.length), drop = new Float32Array(big.length), dmask = new Uint8Array(big.length);
      k.geluForward(g, big, big.length);
      k.dropoutForward(drop, dmask, big, 0.1, 5, big.length);
      const p = big.slice(), m = new Float32Array(big.length), v = new Float32Array(big.length);
      k.adamwUpdate(p, g, m, v, big.length, 1e-3, 0.9, 0.999, 1e-8, 0.1, 1);
      const ss = k.sumSquares(big, big.length);
      return [mm, dinp, dw, db, ln, ldx, ldw, ldb, att, out, dqkv, probs, dlog, g, drop, p, Float32Array.of(meanLoss, ss)];
    };
    try {
      const one = run(1);
      const two = run(2);
      const names = ['matmul out', 'dinp', 'dweight', 'dbias', 'layernorm', 'ln dinp', 'ln dweight', 'ln dbias', 'att', 'attn out',
        'dqkv', 'probs', 'dlogits', 'gelu', 'dropout', 'adamw params', 'mean loss + sumSquares'];
      const five = run(5);
      one.forEach((a, i) => expect(Buffer.from(two[i].buffer).equals(Buffer.from(a.buffer)), `${names[i]}, 2 threads`).toBe(true));
      one.forEach((a, i) => expect(Buffer.from(five[i].buffer).equals(Buffer.from(a.buffer)), `${names[i]}, 5 threads`).toBe(true));
    } finally {
      k.setThreads(before);
    }
  });
});

// Blocked attention kernels (visible-key skipping, fused AVX2 path for hs % 8 == 0, sgemm path otherwise) against the
// JS reference: T around the 6-row tile, 16-key panel and 64-row block edges, T = 1, causal, padding with holes and
// at the end, causal + padding, batches whose keys are all padding; plus bit-identical results for 1 and 2 threads,
// and for preatt kept or not (null: the kernels score only what the softmax reads, into their own scratch); and enough
// heads that each thread runs several in a row, prefetching the next one's rows.
// Tolerance as native-vs-js: |native - js| <= 1e-5 + 1e-4 |js| (the JS reference sums in float64).

import { describe, it, expect } from 'vitest';
import { jsKernels as js, type Kernels } from '../../../native-kernels/index';
import { expectClose, makeMask, nativeBackends, randn, rng, type MaskKind } from './helpers';

const RED = { rtol: 1e-4, atol: 1e-5 };
const backends = nativeBackends();

interface Forward { out: Float32Array; pre: Float32Array | null; att: Float32Array }

function forward(k: Kernels, qkv: Float32Array, mask: Uint8Array | null, causal: boolean, B: number, T: number,
  C: number, NH: number, keepScores = true): Forward {
  const f = { out: new Float32Array(B * T * C).fill(NaN),
    pre: keepScores ? new Float32Array(B * NH * T * T).fill(NaN) : null, att: new Float32Array(B * NH * T * T).fill(NaN) };
  k.attentionForward(f.out, f.pre, f.att, qkv, mask, causal, B, T, C, NH);
  return f;
}

function sameBits(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

// dqkv starts as NaN so an element the kernel forgot to write fails.
function backward(k: Kernels, dout: Float32Array, qkv: Float32Array, att: Float32Array, B: number, T: number, C: number,
  NH: number): Float32Array {
  const dqkv = new Float32Array(B * T * 3 * C).fill(NaN);
  k.attentionBackward(dqkv, dout, qkv, att, B, T, C, NH);
  return dqkv;
}

// [B, T, C, NH]: hs 8, 16, 24 (16 + 8 channel tiles), 32, 64, 128 take the fused AVX2 path; hs 10 and 12 the sgemm
// path. T 1, 5, 6, 7, 16, 17, 37, 65, 70 and 130 sit on or next to the tile (6), panel (16) and block (64) edges.
const SHAPES: [number, number, number, number][] = [
  [2, 1, 16, 2], [3, 7, 16, 1], [2, 6, 48, 2], [1, 5, 24, 1], [2, 17, 64, 2], [1, 16, 32, 4],
  [2, 37, 96, 3], [1, 70, 128, 2], [1, 65, 40, 4], [2, 23, 24, 2], [1, 9, 256, 2], [1, 130, 24, 3],
];
const MODES: [boolean, MaskKind][] = [
  [true, 'none'], [false, 'none'], [false, 'holes'], [false, 'trailing'], [true, 'trailing'], [true, 'holes'],
  [false, 'all-padding'], [true, 'all-padding'],
];

describe.each(backends)('$name blocked attention matches the JS reference', ({ kernels }) => {
  for (const [B, T, C, NH] of SHAPES) {
    it(`B=${B} T=${T} C=${C} NH=${NH} (hs ${C / NH}) in every mask mode`, () => {
      const r = rng(B * 1000 + T * 10 + NH);
      const qkv = randn(r, B * T * 3 * C, 2), dout = randn(r, B * T * C);
      for (const [causal, kind] of MODES) {
        const what = `causal=${causal} mask=${kind}`;
        const mask = makeMask(kind, B, T, r);
        const want = forward(js, qkv, mask, causal, B, T, C, NH);
        const got = forward(kernels(), qkv, mask, causal, B, T, C, NH);
        expectClose(got.pre as Float32Array, want.pre as Float32Array, RED.rtol, RED.atol, `preatt ${what}`);
        expectClose(got.att, want.att, RED.rtol, RED.atol, `att ${what}`);
        expectClose(got.out, want.out, RED.rtol, RED.atol, `out ${what}`);
        // Masked probabilities are exactly 0 (not merely small), as the contract and the visualisation need.
        const leaks = want.att.reduce((n, p, i) => n + (p === 0 && got.att[i] !== 0 ? 1 : 0), 0);
        expect(leaks, `masked probabilities that are not exactly 0, ${what}`).toBe(0);
        for (const [name, k] of [['native', kernels()], ['js', js]] as const) {
          const lean = forward(k, qkv, mask, causal, B, T, C, NH, false);
          const kept = name === 'js' ? want : got;
          expect(sameBits(lean.att, kept.att), `${name} att without preatt, ${what}`).toBe(true);
          expect(sameBits(lean.out, kept.out), `${name} out without preatt, ${what}`).toBe(true);
        }
        const dWant = backward(js, dout, qkv, want.att, B, T, C, NH);
        const dGot = backward(kernels(), dout, qkv, want.att, B, T, C, NH);
        expectClose(dGot, dWant, RED.rtol, RED.atol, `dqkv ${what}`);
      }
    });
  }

  it('a batch row whose keys are all padding gets zero probabilities, zero output and zero gradients', () => {
    const [B, T, C, NH] = [2, 19, 32, 2];
    const r = rng(77);
    const qkv = randn(r, B * T * 3 * C, 2), dout = randn(r, B * T * C);
    const mask = makeMask('all-padding', B, T, r);
    for (const causal of [false, true]) {
      const f = forward(kernels(), qkv, mask, causal, B, T, C, NH);
      expect(f.att.subarray(0, NH * T * T).every((p) => p === 0), `att of batch 0, causal=${causal}`).toBe(true);
      expect(f.out.subarray(0, T * C).every((v) => v === 0), `out of batch 0, causal=${causal}`).toBe(true);
      const d = backward(kernels(), dout, qkv, f.att, B, T, C, NH);
      expect(d.subarray(0, T * 3 * C).every((v) => v === 0), `dqkv of batch 0, causal=${causal}`).toBe(true);
    }
  });

  it('backward reads visibility from any pattern of zeros in att, rows of random length and all-zero rows included', () => {
    // Not produced by the forward pass (where each row's visible keys only grow down the rows), so it exercises the
    // general path: every query row ends at a random key, some rows are all zero, and some entries inside are zero.
    for (const [B, T, C, NH] of [[2, 29, 32, 2], [1, 71, 24, 2], [1, 13, 20, 2]]) {
      const r = rng(T * 31);
      const qkv = randn(r, B * T * 3 * C, 2), dout = randn(r, B * T * C);
      const att = new Float32Array(B * NH * T * T);
      for (let row = 0; row < B * NH * T; row++) {
        const end = r() < 0.15 ? 0 : Math.floor(r() * (T + 1));
        for (let j = 0; j < end; j++) att[row * T + j] = r() < 0.2 ? 0 : r();
      }
      expectClose(backward(kernels(), dout, qkv, att, B, T, C, NH), backward(js, dout, qkv, att, B, T, C, NH),
        RED.rtol, RED.atol, `dqkv B=${B} T=${T} C=${C} NH=${NH}`);
    }
  });

  it('a NaN in one query makes exactly that query\'s probabilities and output NaN, as in the reference', () => {
    // The fused softmax builds 2^n from exponent bits; a NaN score must still come out NaN, never a finite probability.
    const [B, T, C, NH] = [1, 19, 32, 2];
    const r = rng(55);
    const qkv = randn(r, B * T * 3 * C, 2);
    qkv[5 * 3 * C + 3] = NaN;  // query 5, head 0, channel 3
    for (const causal of [false, true]) {
      const want = forward(js, qkv, null, causal, B, T, C, NH), got = forward(kernels(), qkv, null, causal, B, T, C, NH);
      for (const [name, w, g] of [['att', want.att, got.att], ['out', want.out, got.out]] as const) {
        const nanWant = Array.from(w, Number.isNaN), nanGot = Array.from(g, Number.isNaN);
        expect(nanWant.filter(Boolean).length, `${name} NaNs in the reference, causal=${causal}`).toBeGreaterThan(0);
        expect(nanGot, `${name} NaN positions, causal=${causal}`).toEqual(nanWant);
      }
    }
  });

  it('chunks of several heads per thread (each prefetching the next) match JS and each other', () => {
    // 48 heads: chunks of 8 heads with 1 thread and 6 with 2, so a head is followed within its chunk by the next one in
    // the batch (same batch row, next head) and across a batch row boundary; the grain must change no bit.
    const k = kernels();
    const before = k.getThreads();
    const [B, T, C, NH] = [12, 24, 64, 4];
    const r = rng(4242);
    const qkv = randn(r, B * T * 3 * C, 2), dout = randn(r, B * T * C);
    try {
      for (const causal of [false, true]) {
        const want = forward(js, qkv, null, causal, B, T, C, NH);
        const runs = [1, 2].map((threads) => {
          k.setThreads(threads);
          const f = forward(k, qkv, null, causal, B, T, C, NH, false);
          return { f, d: backward(k, dout, qkv, f.att, B, T, C, NH) };
        });
        expectClose(runs[0].f.att, want.att, RED.rtol, RED.atol, `att causal=${causal}`);
        expectClose(runs[0].f.out, want.out, RED.rtol, RED.atol, `out causal=${causal}`);
        expectClose(runs[0].d, backward(js, dout, qkv, want.att, B, T, C, NH), RED.rtol, RED.atol, `dqkv causal=${causal}`);
        for (const key of ['att', 'out'] as const) {
          expect(sameBits(runs[0].f[key], runs[1].f[key]), `${key} for 1 and 2 threads, causal=${causal}`).toBe(true);
        }
        expect(sameBits(runs[0].d, runs[1].d), `dqkv for 1 and 2 threads, causal=${causal}`).toBe(true);
      }
    } finally {
      k.setThreads(before);
    }
  });

  it('1 and 2 threads give bit-identical results', () => {
    const k = kernels();
    const before = k.getThreads();
    const [B, T, C, NH] = [3, 41, 64, 2];
    const r = rng(91);
    const qkv = randn(r, B * T * 3 * C, 2), dout = randn(r, B * T * C);
    const mask = makeMask('holes', B, T, r);
    try {
      const runs = [1, 2].map((threads) => {
        k.setThreads(threads);
        const f = forward(k, qkv, mask, true, B, T, C, NH);
        return [f.pre as Float32Array, f.att, f.out, backward(k, dout, qkv, f.att, B, T, C, NH)];
      });
      runs[0].forEach((buf, i) => expect(Buffer.from(runs[1][i].buffer).equals(Buffer.from(buf.buffer)), `output ${i}`).toBe(true));
    } finally {
      k.setThreads(before);
    }
  });
});

// Attention for a subset of query rows (attentionRowsForward / attentionRowsBackward) over every key:
// - JS: each row of out and att is bit-identical to the full attentionForward's row for that position, and the
//   gradients are bit-identical to the full attentionBackward's (dq: those rows of dq; dkv: the k and v parts of dqkv) when its dout
//   is zero outside the rows; over shapes around the native tile/panel/block edges, every mask mode and row subsets
//   (random, a batch element without rows, all, one, the first and last positions, none).
// - Native (every backend here) against the JS reference, tolerance as native-vs-js: |native - js| <= 1e-5 + 1e-4 |js|;
//   outputs start as NaN so an unwritten element fails, and att outside each head's M_b rows must keep a sentinel.
//   1 and 2 threads bit-identical.
// - Checks: rows out of range, not ascending, or shorter than M are refused with a sentence naming rows.

import { describe, it, expect } from 'vitest';
import { checkedKernels, jsKernels, type Kernels } from '../../../native-kernels/index';
import { LabError } from '../../../common/errors';
import { expectClose, makeMask, nativeBackends, randn, rng, type MaskKind } from './helpers';

const RED = { rtol: 1e-4, atol: 1e-5 };
const SENTINEL = 12345;
const backends = nativeBackends();
// The JS reference behind the argument checks, so the wrappers see every valid call too.
const js = checkedKernels(jsKernels);


type Subset = 'random' | 'batch-without-rows' | 'all' | 'one' | 'first-last' | 'none';

// Ascending flat positions b*T+t. 'random' keeps about 15% of the positions (at least one); 'batch-without-rows'
// about 30% of every batch element but the last (or all of them when B = 1, then none of the second half of T).
function makeRows(kind: Subset, B: number, T: number, rand: () => number): Int32Array {
  const BT = B * T;
  const all = Array.from({ length: BT }, (_, i) => i);
  let picked: number[];
  if (kind === 'all') picked = all;
  else if (kind === 'none') picked = [];
  else if (kind === 'one') picked = [Math.floor(rand() * BT)];
  else if (kind === 'first-last') picked = BT > 1 ? [0, BT - 1] : [0];
  else if (kind === 'random') {
    picked = all.filter(() => rand() < 0.15);
    if (picked.length === 0) picked = [Math.floor(rand() * BT)];
  } else {
    picked = all.filter((p) => (B > 1 ? Math.floor(p / T) !== B - 1 : p % T < Math.ceil(T / 2)) && rand() < 0.3);
    if (picked.length === 0) picked = [0];
  }
  return Int32Array.from(picked);
}

interface Problem {
  B: number; T: number; C: number; NH: number;
  qkv: Float32Array; q: Float32Array; kv: Float32Array; rows: Int32Array; M: number;
  dout: Float32Array; doutFull: Float32Array;
}

// qkv(B,T,3C) random; q(M,C) its q rows at rows, kv(B,T,2C) its [k | v]; dout(M,C) random and doutFull(B,T,C) the
// same rows with zero everywhere else.
function problem(B: number, T: number, C: number, NH: number, rows: Int32Array, rand: () => number): Problem {
  const M = rows.length;
  const qkv = randn(rand, B * T * 3 * C, 2);
  const q = new Float32Array(M * C), kv = new Float32Array(B * T * 2 * C);
  for (let m = 0; m < M; m++) q.set(qkv.subarray(rows[m] * 3 * C, rows[m] * 3 * C + C), m * C);
  for (let p = 0; p < B * T; p++) kv.set(qkv.subarray(p * 3 * C + C, (p + 1) * 3 * C), p * 2 * C);
  const dout = randn(rand, M * C), doutFull = new Float32Array(B * T * C);
  for (let m = 0; m < M; m++) doutFull.set(dout.subarray(m * C, (m + 1) * C), rows[m] * C);
  return { B, T, C, NH, qkv, q, kv, rows, M, dout, doutFull };
}

/** For every head (b,h), the index into att of each M_b row (in order), from a batch element's rows. */
function attRows(P: Problem): { at: number; b: number; h: number; t: number }[] {
  const list: { at: number; b: number; h: number; t: number }[] = [];
  for (let b = 0; b < P.B; b++) {
    const mine = Array.from(P.rows.subarray(0, P.M)).filter((p) => Math.floor(p / P.T) === b);
    for (let h = 0; h < P.NH; h++) {
      mine.forEach((p, n) => list.push({ at: ((b * P.NH + h) * P.T + n) * P.T, b, h, t: p - b * P.T }));
    }
  }
  return list;
}

/** att with NaN in each head's M_b rows (must be written) and SENTINEL everywhere else (must not be touched). */
function freshAtt(P: Problem): Float32Array {
  const att = new Float32Array(P.B * P.NH * P.T * P.T).fill(SENTINEL);
  for (const { at } of attRows(P)) att.fill(NaN, at, at + P.T);
  return att;
}

function rowsForward(k: Kernels, P: Problem, mask: Uint8Array | null, causal: boolean): { out: Float32Array; att: Float32Array } {
  const out = new Float32Array(P.M * P.C).fill(NaN), att = freshAtt(P);
  k.attentionRowsForward(out, att, P.q, P.kv, P.rows, P.M, mask, causal, P.B, P.T, P.C, P.NH);
  return { out, att };
}

function rowsBackward(k: Kernels, P: Problem, att: Float32Array): { dq: Float32Array; dkv: Float32Array } {
  const dq = new Float32Array(P.M * P.C).fill(NaN), dkv = new Float32Array(P.B * P.T * 2 * P.C).fill(NaN);
  k.attentionRowsBackward(dq, dkv, P.dout, P.q, P.kv, att, P.rows, P.M, P.B, P.T, P.C, P.NH);
  return { dq, dkv };
}

function sameBits(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** Indices where att differs from SENTINEL outside the M_b rows of each head (at most 5, for the message). */
function touchedOutside(P: Problem, att: Float32Array): number[] {
  const inside = new Uint8Array(att.length);
  for (const { at } of attRows(P)) inside.fill(1, at, at + P.T);
  const bad: number[] = [];
  for (let i = 0; i < att.length && bad.length < 5; i++) if (!inside[i] && att[i] !== SENTINEL) bad.push(i);
  return bad;
}

// [B, T, C, NH]: hs 8, 16, 32, 64 (fused AVX2 path) and 10, 12 (sgemm path); T 1, 5, 6, 7, 16, 17, 37, 65, 70 on or
// next to the tile (6), panel (16) and block (64) edges.
const SHAPES: [number, number, number, number][] = [
  [2, 1, 16, 2], [3, 7, 16, 1], [2, 6, 32, 4], [1, 5, 24, 2], [2, 17, 64, 2], [3, 16, 32, 1],
  [2, 37, 20, 2], [1, 70, 128, 2], [1, 65, 24, 2], [3, 6, 36, 3], [2, 5, 10, 1],
];
const MODES: [boolean, MaskKind][] = [
  [false, 'none'], [false, 'holes'], [false, 'trailing'], [false, 'all-padding'], [true, 'none'], [true, 'trailing'],
  [true, 'holes'],
];
const SUBSETS: Subset[] = ['random', 'batch-without-rows', 'all', 'one', 'first-last', 'none'];

describe('JS attention rows match the full attention', () => {
  for (const [B, T, C, NH] of SHAPES) {
    it(`B=${B} T=${T} C=${C} NH=${NH} (hs ${C / NH}) in every mask mode and row subset`, () => {
      const r = rng(B * 1000 + T * 10 + NH + 7);
      for (const subset of SUBSETS) {
        const P = problem(B, T, C, NH, makeRows(subset, B, T, r), r);
        for (const [causal, kind] of MODES) {
          const what = `rows=${subset} (M ${P.M}) causal=${causal} mask=${kind}`;
          const mask = makeMask(kind, B, T, r);
          const BNTT = B * NH * T * T;
          const full = { out: new Float32Array(B * T * C), att: new Float32Array(BNTT) };
          js.attentionForward(full.out, null, full.att, P.qkv, mask, causal, B, T, C, NH);
          const got = rowsForward(js, P, mask, causal);
          const wantOut = new Float32Array(P.M * C);
          for (let m = 0; m < P.M; m++) wantOut.set(full.out.subarray(P.rows[m] * C, (P.rows[m] + 1) * C), m * C);
          expect(sameBits(got.out, wantOut), `out ${what}`).toBe(true);
          for (const { at, b, h, t } of attRows(P)) {
            const fullAt = ((b * NH + h) * T + t) * T;
            expect(sameBits(got.att.subarray(at, at + T), full.att.subarray(fullAt, fullAt + T)), `att b=${b} h=${h} t=${t} ${what}`)
              .toBe(true);
          }
          expect(touchedOutside(P, got.att), `att touched outside the rows, ${what}`).toEqual([]);

          const dqkv = new Float32Array(B * T * 3 * C);
          js.attentionBackward(dqkv, P.doutFull, P.qkv, full.att, B, T, C, NH);
          const d = rowsBackward(js, P, got.att);
          const wantDq = new Float32Array(P.M * C), wantDkv = new Float32Array(B * T * 2 * C);
          for (let m = 0; m < P.M; m++) wantDq.set(dqkv.subarray(P.rows[m] * 3 * C, P.rows[m] * 3 * C + C), m * C);
          for (let p = 0; p < B * T; p++) wantDkv.set(dqkv.subarray(p * 3 * C + C, (p + 1) * 3 * C), p * 2 * C);
          // Same loops in the same order, the other rows adding exact zeros: bit-identical too.
          expect(sameBits(d.dq, wantDq), `dq ${what}`).toBe(true);
          expect(sameBits(d.dkv, wantDkv), `dkv ${what}`).toBe(true);
          // Keys that no row sees get exactly zero, e.g. every key of a batch element without rows.
          for (let b = 0; b < B; b++) {
            if (P.rows.some((p) => Math.floor(p / T) === b)) continue;
            expect(d.dkv.subarray(b * T * 2 * C, (b + 1) * T * 2 * C).every((x) => x === 0), `dkv of row-less batch ${b}, ${what}`)
              .toBe(true);
          }
        }
      }
    });
  }
});

describe('JS attention rows argument checks', () => {
  const [B, T, C, NH] = [2, 4, 8, 2];
  const q = new Float32Array(B * T * C), kv = new Float32Array(B * T * 2 * C), att = new Float32Array(B * NH * T * T);
  const out = new Float32Array(B * T * C), dkv = new Float32Array(B * T * 2 * C);
  const fwd = (rows: Int32Array, M: number) => () => js.attentionRowsForward(out, att, q, kv, rows, M, null, false, B, T, C, NH);
  const bwd = (rows: Int32Array, M: number) => () => js.attentionRowsBackward(out, dkv, q, q, kv, att, rows, M, B, T, C, NH);

  it('accepts ascending rows inside [0, B*T), M = 0 and M = B*T', () => {
    for (const call of [fwd, bwd]) {
      expect(call(Int32Array.from([0, 3, 5, 7]), 4)).not.toThrow();
      expect(call(new Int32Array(0), 0)).not.toThrow();
      expect(call(Int32Array.from({ length: B * T }, (_, i) => i), B * T)).not.toThrow();
      // Only rows[0..M) is read: what follows may be anything.
      expect(call(Int32Array.from([2, 6, -1, 0]), 2)).not.toThrow();
    }
  });

  it('refuses rows that are out of range, not strictly ascending or shorter than M, naming rows', () => {
    for (const [name, call] of [['attentionRowsForward', fwd], ['attentionRowsBackward', bwd]] as const) {
      expect(call(Int32Array.from([0, 1, 8]), 3)).toThrow(LabError);
      expect(call(Int32Array.from([0, 1, 8]), 3)).toThrow(`${name}: rows[2] is 8, outside [0, 8)`);
      expect(call(Int32Array.from([-1, 1]), 2)).toThrow(`${name}: rows[0] is -1, outside [0, 8)`);
      expect(call(Int32Array.from([0, 4, 4]), 3)).toThrow(`${name}: rows[2] is 4, not above rows[1] = 4; rows must be strictly ascending.`);
      expect(call(Int32Array.from([0, 5, 3, 9]), 4)).toThrow(`${name}: rows[2] is 3, not above rows[1] = 5`);
      expect(call(Int32Array.from([0, 1]), 3)).toThrow(`${name}: rows has 2 elements, needs M = 3.`);
      expect(call(new Float32Array(3) as unknown as Int32Array, 3)).toThrow(`${name}: rows is a Float32Array, but it must be a Int32Array.`);
      expect(call(Int32Array.from({ length: 9 }, (_, i) => i), 9)).toThrow(`${name}: M is 9, but at most B*T = 8 rows exist.`);
      expect(call(Int32Array.from([0]), 0.5)).toThrow(`${name}: M is 0.5, but it must be an integer >= 0.`);
      try {
        call(Int32Array.from([3, 2]), 2)();
        expect.unreachable('no error');
      } catch (e) {
        expect(e).toBeInstanceOf(LabError);
        expect((e as LabError).field).toBe('rows');
      }
    }
  });

  it('checks buffer lengths against M and the full shape', () => {
    const rows = Int32Array.from([1, 6]);
    expect(() => js.attentionRowsForward(new Float32Array(2 * C - 1), att, q, kv, rows, 2, null, false, B, T, C, NH))
      .toThrow('attentionRowsForward: out has 15 floats, needs M*C = 16.');
    expect(() => js.attentionRowsForward(out, att, q, kv.subarray(1), rows, 2, null, false, B, T, C, NH))
      .toThrow('attentionRowsForward: kv has 127 floats, needs B*T*2C = 128.');
    expect(() => js.attentionRowsForward(out, att.subarray(1), q, kv, rows, 2, null, false, B, T, C, NH))
      .toThrow('needs B*NH*T*T = 64.');
    expect(() => js.attentionRowsForward(out, att, q, kv, rows, 2, new Uint8Array(7), false, B, T, C, NH))
      .toThrow('attentionRowsForward: keyMask has 7 elements, needs B*T = 8.');
    expect(() => js.attentionRowsBackward(out, dkv.subarray(1), q, q, kv, att, rows, 2, B, T, C, NH))
      .toThrow('attentionRowsBackward: dkv has 127 floats, needs B*T*2C = 128.');
    expect(() => js.attentionRowsBackward(out, dkv, new Float32Array(2 * C - 1), q, kv, att, rows, 2, B, T, C, NH))
      .toThrow('attentionRowsBackward: dout has 15 floats, needs M*C = 16.');
    expect(() => js.attentionRowsForward(out, att, q, kv, rows, 2, null, false, B, T, 10, 3))
      .toThrow('C = 10 is not divisible by NH = 3');
  });
});

describe.each(backends)('$name native attention rows match the reference backend', ({ kernels }) => {
  for (const [B, T, C, NH] of SHAPES) {
    it(`B=${B} T=${T} C=${C} NH=${NH} (hs ${C / NH}) in every mask mode and row subset`, () => {
      const r = rng(B * 1000 + T * 10 + NH + 11);
      for (const subset of SUBSETS) {
        const P = problem(B, T, C, NH, makeRows(subset, B, T, r), r);
        for (const [causal, kind] of MODES) {
          const what = `rows=${subset} (M ${P.M}) causal=${causal} mask=${kind}`;
          const mask = makeMask(kind, B, T, r);
          const want = rowsForward(js, P, mask, causal);
          const got = rowsForward(kernels(), P, mask, causal);
          expectClose(got.out, want.out, RED.rtol, RED.atol, `out ${what}`);
          expectClose(got.att, want.att, RED.rtol, RED.atol, `att ${what}`);
          expect(touchedOutside(P, got.att), `att touched outside the rows, ${what}`).toEqual([]);
          // Masked probabilities are exactly 0 (not merely small), as in attentionForward.
          const leaks = want.att.reduce((n, p, i) => n + (p === 0 && got.att[i] !== 0 ? 1 : 0), 0);
          expect(leaks, `masked probabilities that are not exactly 0, ${what}`).toBe(0);
          // Both backwards read the reference's att, with the sentinel outside the rows: nothing may read it.
          const dWant = rowsBackward(js, P, want.att);
          const dGot = rowsBackward(kernels(), P, want.att);
          expectClose(dGot.dq, dWant.dq, RED.rtol, RED.atol, `dq ${what}`);
          expectClose(dGot.dkv, dWant.dkv, RED.rtol, RED.atol, `dkv ${what}`);
          for (let b = 0; b < B; b++) {
            if (P.rows.some((p) => Math.floor(p / T) === b)) continue;
            expect(dGot.dkv.subarray(b * T * 2 * C, (b + 1) * T * 2 * C).every((x) => x === 0), `dkv of row-less batch ${b}, ${what}`)
              .toBe(true);
          }
        }
      }
    });
  }

  it('a batch element whose keys are all padding gets zero probabilities, zero output and zero gradients', () => {
    const [B, T, C, NH] = [2, 19, 32, 2];
    const r = rng(78);
    const P = problem(B, T, C, NH, makeRows('all', B, T, r), r);
    const mask = makeMask('all-padding', B, T, r);
    for (const causal of [false, true]) {
      const f = rowsForward(kernels(), P, mask, causal);
      expect(f.att.subarray(0, NH * T * T).every((p) => p === 0), `att of batch 0, causal=${causal}`).toBe(true);
      expect(f.out.subarray(0, T * C).every((v) => v === 0), `out of batch 0, causal=${causal}`).toBe(true);
      const d = rowsBackward(kernels(), P, f.att);
      expect(d.dq.subarray(0, T * C).every((v) => v === 0), `dq of batch 0, causal=${causal}`).toBe(true);
      expect(d.dkv.subarray(0, T * 2 * C).every((v) => v === 0), `dkv of batch 0, causal=${causal}`).toBe(true);
    }
  });

  it('1 and 2 threads give bit-identical results', () => {
    const k = kernels();
    const before = k.getThreads();
    try {
      for (const [B, T, C, NH, subset] of [[3, 41, 64, 2, 'random'], [4, 24, 60, 5, 'all'], [12, 24, 64, 4, 'batch-without-rows']] as const) {
        const r = rng(B * T + 91);
        const P = problem(B, T, C, NH, makeRows(subset, B, T, r), r);
        const mask = makeMask('holes', B, T, r);
        for (const causal of [false, true]) {
          const runs = [1, 2].map((threads) => {
            k.setThreads(threads);
            const f = rowsForward(k, P, mask, causal);
            const d = rowsBackward(k, P, f.att);
            return [f.out, f.att, d.dq, d.dkv];
          });
          runs[0].forEach((buf, i) => expect(sameBits(runs[1][i], buf), `output ${i}, B=${B} T=${T} causal=${causal}`).toBe(true));
        }
      }
    } finally {
      k.setThreads(before);
    }
  });
});

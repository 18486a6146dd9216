// Shared set-up of the recurrent kernel suites: one random GRU/LSTM layer case (weights, input, initial states, the
// loss weights R*), and forward/backward through any backend into the case's buffers.
import type { Kernels } from '../../../native-kernels/index';
import { randn, rng } from './helpers';

export type Cell = 'gru' | 'lstm';

export interface RnnCase {
  cell: Cell;
  T: number; B: number; C: number; H: number; D: number;
  lengths: Int32Array | null;
  inp: Float32Array; h0: Float32Array; c0: Float32Array | null;
  wih: Float32Array; whh: Float32Array; bih: Float32Array; bhh: Float32Array;
  out: Float32Array; hN: Float32Array; cN: Float32Array | null; cache: Float32Array;
  /** weights of the scalar loss sum(out * Rout) + sum(hN * RhN) + sum(cN * RcN) */
  Rout: Float32Array; RhN: Float32Array; RcN: Float32Array | null;
}

export interface RnnGrads {
  dinp: Float32Array; dh0: Float32Array; dc0: Float32Array | null;
  dwih: Float32Array; dwhh: Float32Array; dbih: Float32Array; dbhh: Float32Array; dcache: Float32Array;
}

export interface CaseShape { T: number; B: number; C: number; H: number; D: number; lengths: number[] | null; seed: number; scale?: number }

export function makeRnnCase(_k: Kernels, cell: Cell, s: CaseShape): RnnCase {
  const r = rng(s.seed);
  const { T, B, C, H, D } = s;
  const G = cell === 'gru' ? 3 : 4;
  const w = s.scale ?? 0.5;
  const lstm = cell === 'lstm';
  const lengths = s.lengths === null ? null : Int32Array.from(s.lengths);
  const Rout = randn(r, T * B * D * H);
  // A real loss never reaches padded outputs; the weights there are zeroed so finite differences see the same thing.
  if (lengths) for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) if (t >= lengths[b]) Rout.fill(0, (t * B + b) * D * H, (t * B + b + 1) * D * H);
  return {
    cell, T, B, C, H, D, lengths,
    inp: randn(r, T * B * C), h0: randn(r, D * B * H, 0.5), c0: lstm ? randn(r, D * B * H, 0.5) : null,
    wih: randn(r, D * G * H * C, w), whh: randn(r, D * G * H * H, w), bih: randn(r, D * G * H, w), bhh: randn(r, D * G * H, w),
    out: new Float32Array(T * B * D * H), hN: new Float32Array(D * B * H), cN: lstm ? new Float32Array(D * B * H) : null,
    cache: new Float32Array(D * T * B * (G + 1) * H),
    Rout, RhN: randn(r, D * B * H), RcN: lstm ? randn(r, D * B * H) : null,
  };
}

export function rnnForward(k: Kernels, c: RnnCase): void {
  if (c.cell === 'gru') {
    k.gruForward(c.out, c.hN, c.cache, c.inp, c.h0, c.wih, c.whh, c.bih, c.bhh, c.lengths, c.T, c.B, c.C, c.H, c.D);
  } else {
    k.lstmForward(c.out, c.hN, c.cN, c.cache, c.inp, c.h0, c.c0, c.wih, c.whh, c.bih, c.bhh, c.lengths, c.T, c.B, c.C, c.H, c.D);
  }
}

/** Fresh gradient buffers (parameters start at 0) after one backward call. */
export function rnnBackward(k: Kernels, c: RnnCase, up: { dout: Float32Array | null; dhN: Float32Array | null; dcN: Float32Array | null }): RnnGrads {
  const { T, B, C, H, D } = c;
  const G = c.cell === 'gru' ? 3 : 4;
  const g: RnnGrads = {
    dinp: new Float32Array(T * B * C), dh0: new Float32Array(D * B * H), dc0: c.cell === 'lstm' ? new Float32Array(D * B * H) : null,
    dwih: new Float32Array(D * G * H * C), dwhh: new Float32Array(D * G * H * H), dbih: new Float32Array(D * G * H),
    dbhh: new Float32Array(D * G * H), dcache: new Float32Array(D * T * B * 4 * H),
  };
  if (c.cell === 'gru') {
    k.gruBackward(g.dinp, g.dh0, g.dwih, g.dwhh, g.dbih, g.dbhh, g.dcache, up.dout, up.dhN, c.inp, c.h0, c.out, c.cache,
      c.wih, c.whh, c.lengths, T, B, C, H, D);
  } else {
    k.lstmBackward(g.dinp, g.dh0, g.dc0, g.dwih, g.dwhh, g.dbih, g.dbhh, g.dcache, up.dout, up.dhN, up.dcN, c.inp, c.h0,
      c.c0, c.out, c.cache, c.wih, c.whh, c.lengths, T, B, C, H, D);
  }
  return g;
}

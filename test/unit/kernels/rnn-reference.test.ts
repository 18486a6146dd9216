// The JS reference GRU/LSTM kernels against central finite differences of their own forward: every gradient (input,
// initial states, both weights, both biases) for one and two directions, with and without padding, with gradients
// arriving through the outputs and the final states; and the single-step cells against a layer of one step.
import { describe, expect, it } from 'vitest';
import { jsKernels as k } from '../../../native-kernels/index';
import { dotLoss, expectClose, numericGradient, randn, rng } from './helpers';
import { makeRnnCase, rnnBackward, rnnForward, type RnnCase } from './rnn-helpers';

const EPS = 1e-2;
const TOL = { rtol: 1e-2, atol: 2e-3 };

for (const cell of ['gru', 'lstm'] as const) {
  for (const D of [1, 2]) {
    for (const padded of [false, true]) {
      it(`${cell}, ${D === 2 ? 'bidirectional' : 'one direction'}${padded ? ', padded' : ''}: every gradient matches finite differences`, () => {
        const c = makeRnnCase(k, cell, { T: 4, B: 3, C: 3, H: 4, D, lengths: padded ? [4, 2, 3] : null, seed: 11 + D });
        const loss = (): number => {
          rnnForward(k, c);
          return dotLoss(c.out, c.Rout) + dotLoss(c.hN, c.RhN) + (c.cN ? dotLoss(c.cN, c.RcN as Float32Array) : 0);
        };
        loss();
        const g = rnnBackward(k, c, { dout: c.Rout, dhN: c.RhN, dcN: c.RcN });
        const check = (name: string, x: Float32Array, grad: Float32Array): void => {
          expectClose(grad, numericGradient(x, loss, EPS), TOL.rtol, TOL.atol, `${cell} D=${D} d${name}`);
        };
        check('inp', c.inp, g.dinp);
        check('h0', c.h0, g.dh0);
        if (c.c0 && g.dc0) check('c0', c.c0, g.dc0);
        check('wih', c.wih, g.dwih);
        check('whh', c.whh, g.dwhh);
        check('bih', c.bih, g.dbih);
        check('bhh', c.bhh, g.dbhh);
      });
    }
  }
}

describe('padding semantics (pack_padded_sequence)', () => {
  for (const cell of ['gru', 'lstm'] as const) {
    it(`${cell}: padded steps output 0, keep the state, and a padded row equals the same row run alone and unpadded`, () => {
      const c = makeRnnCase(k, cell, { T: 5, B: 2, C: 3, H: 4, D: 2, lengths: [5, 3], seed: 3 });
      rnnForward(k, c);
      const { H } = c;
      // Row 1 alone, its first 3 steps only.
      const alone: RnnCase = makeRnnCase(k, cell, { T: 3, B: 1, C: 3, H: 4, D: 2, lengths: null, seed: 3 });
      alone.wih.set(c.wih); alone.whh.set(c.whh); alone.bih.set(c.bih); alone.bhh.set(c.bhh);
      for (let t = 0; t < 3; t++) alone.inp.set(c.inp.subarray((t * 2 + 1) * 3, (t * 2 + 2) * 3), t * 3);
      for (let d = 0; d < 2; d++) {
        alone.h0.set(c.h0.subarray((d * 2 + 1) * H, (d * 2 + 2) * H), d * H);
        if (c.c0 && alone.c0) alone.c0.set(c.c0.subarray((d * 2 + 1) * H, (d * 2 + 2) * H), d * H);
      }
      rnnForward(k, alone);
      for (let t = 0; t < 5; t++) {
        const row = c.out.subarray((t * 2 + 1) * 2 * H, (t * 2 + 2) * 2 * H);
        if (t >= 3) expect(Array.from(row)).toEqual(new Array(2 * H).fill(0));
        else expectClose(row, alone.out.subarray(t * 2 * H, (t + 1) * 2 * H), 1e-6, 1e-7, `out t=${t}`);
      }
      for (let d = 0; d < 2; d++) {
        expectClose(c.hN.subarray((d * 2 + 1) * H, (d * 2 + 2) * H), alone.hN.subarray(d * H, (d + 1) * H), 1e-6, 1e-7, `hN d=${d}`);
      }
    });
  }
});

describe('single-step cells equal a one-step layer', () => {
  for (const cell of ['gru', 'lstm'] as const) {
    it(`${cell}: forward and every gradient`, () => {
      const c = makeRnnCase(k, cell, { T: 1, B: 3, C: 5, H: 4, D: 1, lengths: null, seed: 9 });
      rnnForward(k, c);
      const g = rnnBackward(k, c, { dout: c.Rout, dhN: c.RhN, dcN: c.RcN });
      const { B, C, H } = c;
      const G = cell === 'gru' ? 3 : 4;
      const gi = new Float32Array(B * G * H);
      k.matmulForward(gi, c.inp, c.wih, c.bih, B, C, G * H);
      const hOut = new Float32Array(B * H), cOut = new Float32Array(B * H);
      const cache = new Float32Array(B * (G + 1) * H);
      if (cell === 'gru') k.gruCellForward(hOut, cache, gi, c.h0, c.whh, c.bhh, B, H);
      else k.lstmCellForward(hOut, cOut, cache, gi, c.h0, c.c0 as Float32Array, c.whh, c.bhh, B, H);
      expectClose(hOut, c.hN, 1e-6, 1e-7, 'hOut');
      // dh of the cell = dout + dhN of the layer (its output is its final state).
      const dh = new Float32Array(B * H);
      for (let i = 0; i < B * H; i++) dh[i] = c.Rout[i] + c.RhN[i];
      const dgi = new Float32Array(B * G * H), dhPrev = new Float32Array(B * H), dcPrev = new Float32Array(B * H);
      const dwhh = new Float32Array(G * H * H), dbhh = new Float32Array(G * H);
      if (cell === 'gru') k.gruCellBackward(dgi, dhPrev, dwhh, dbhh, dh, c.h0, cache, c.whh, B, H);
      else k.lstmCellBackward(dgi, dhPrev, dcPrev, dwhh, dbhh, dh, c.RcN, c.h0, c.c0 as Float32Array, cache, c.whh, B, H);
      expectClose(dhPrev, g.dh0, 1e-5, 1e-6, 'dhPrev');
      if (g.dc0) expectClose(dcPrev, g.dc0, 1e-5, 1e-6, 'dcPrev');
      expectClose(dwhh, g.dwhh, 1e-5, 1e-6, 'dwhh');
      expectClose(dbhh, g.dbhh, 1e-5, 1e-6, 'dbhh');
      const dx = new Float32Array(B * C), dwih = new Float32Array(G * H * C), dbih = new Float32Array(G * H);
      k.matmulBackward(dx, dwih, dbih, dgi, c.inp, c.wih, B, C, G * H);
      expectClose(dx, g.dinp, 1e-5, 1e-6, 'dx');
      expectClose(dwih, g.dwih, 1e-5, 1e-6, 'dwih');
      expectClose(dbih, g.dbih, 1e-5, 1e-6, 'dbih');
    });
  }
});

describe('argument checks', () => {
  it('names a sequence length outside 1..T and the buffer that is too short', async () => {
    const { getKernels } = await import('../../../native-kernels/index');
    const checked = getKernels('js');
    const c = makeRnnCase(checked, 'gru', { T: 3, B: 2, C: 2, H: 2, D: 1, lengths: null, seed: 1 });
    expect(() => checked.gruForward(c.out, c.hN, c.cache, c.inp, c.h0, c.wih, c.whh, c.bih, c.bhh, Int32Array.from([3, 4]), 3, 2, 2, 2, 1))
      .toThrow('gruForward: lengths[1] is 4, outside 1..3');
    expect(() => checked.gruForward(c.out, c.hN, new Float32Array(5), c.inp, c.h0, c.wih, c.whh, c.bih, c.bhh, null, 3, 2, 2, 2, 1))
      .toThrow('gruForward: cache has 5 floats, needs D*T*B*4H = 48.');
    expect(() => checked.gruBackward(new Float32Array(12), null, c.wih, c.whh, c.bih, c.bhh, c.cache, null, null, null, null, c.out, c.cache,
      c.wih, c.whh, null, 3, 2, 2, 2, 1)).toThrow('gruBackward: dinp was given but inp is null');
    expect(() => checked.lstmCellForward(c.out, c.out, c.cache, randn(rng(1), 16), c.h0, c.h0, c.whh, c.bhh, 2, 2))
      .toThrow('lstmCellForward: whh has 12 floats, needs 4H*H = 16.');
  });
});

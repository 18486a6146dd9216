// The pure maths of the analysis service against hand-computed values: hiding tokens with renormalised rows,
// one head's scaled dot-product steps, the causal check and 6-digit rounding.
import { describe, expect, it } from 'vitest';
import { dotProductSteps, hideTokens, looksCausal, sig6 } from '../../../main/ml/attention-math';

describe('hideTokens', () => {
  it('drops the hidden rows and columns and renormalises each kept row', () => {
    // one layer, one head, T = 3; token 0 is a special ([CLS])
    const att = Float32Array.from([
      0.5, 0.25, 0.25,
      0.6, 0.3, 0.1,
      0.2, 0.2, 0.6,
    ]);
    const out = hideTokens(att, [1, 1, 3, 3], [1, 2]);
    // row 1 keeps 0.3 and 0.1 of 0.4 -> 0.75, 0.25; row 2 keeps 0.2 and 0.6 of 0.8 -> 0.25, 0.75
    expect(Array.from(out)).toEqual([0.75, 0.25, 0.25, 0.75].map((v) => expect.closeTo(v, 6)));
  });

  it('handles several maps and leaves a row that gave the kept tokens nothing at 0', () => {
    const att = Float32Array.from([
      1, 0, 0, 0.5, 0.5, 0, 0.1, 0.2, 0.7, // map 0 (T = 3)
      0, 0, 1, 0, 1, 0, 0.25, 0.25, 0.5, // map 1
    ]);
    const out = hideTokens(att, [2, 1, 3, 3], [0, 1]);
    expect(Array.from(out)).toEqual([1, 0, 0.5, 0.5, 0, 0, 0, 1].map((v) => expect.closeTo(v, 6)));
  });
});

describe('dotProductSteps', () => {
  // T = 2, C = 4, NH = 2 (d_k = 2); qkv rows are [q(4) | k(4) | v(4)]; head 1 reads columns 2..3 of each part
  const qkv = Float32Array.from([
    9, 9, 1, 2, 9, 9, 1, 0, 9, 9, 1, 2,
    9, 9, 0, 1, 9, 9, 2, 2, 9, 9, 3, 4,
  ]);

  it('computes q·k, ÷√d_k, softmax and × V for a bidirectional query', () => {
    const s = dotProductSteps(qkv, 2, 4, 2, 1, 0, false);
    expect(s.q).toEqual([1, 2]);
    expect(s.keys).toEqual([[1, 0], [2, 2]]);
    expect(s.scores).toEqual([1, 6]); // [1,2]·[1,0] = 1, [1,2]·[2,2] = 6
    expect(s.scaled[0]).toBeCloseTo(1 / Math.SQRT2, 12);
    expect(s.scaled[1]).toBeCloseTo(6 / Math.SQRT2, 12);
    const w1 = 1 / (1 + Math.exp(-5 / Math.SQRT2)); // softmax of two: σ(difference)
    expect(s.weights[1]).toBeCloseTo(w1, 12);
    expect(s.weights[0]).toBeCloseTo(1 - w1, 12);
    expect(s.output[0]).toBeCloseTo((1 - w1) * 1 + w1 * 3, 12);
    expect(s.output[1]).toBeCloseTo((1 - w1) * 2 + w1 * 4, 12);
  });

  it('masks later keys under the causal mask (null, weight 0)', () => {
    const s = dotProductSteps(qkv, 2, 4, 2, 1, 0, true);
    expect(s.masked).toEqual([expect.closeTo(1 / Math.SQRT2, 12), null]);
    expect(s.weights).toEqual([1, 0]);
    expect(s.output).toEqual([1, 2]);
  });
});

describe('looksCausal and sig6', () => {
  it('tells a lower-triangular pattern from a full one', () => {
    expect(looksCausal(Float32Array.from([1, 0, 0.5, 0.5]), 2)).toBe(true);
    expect(looksCausal(Float32Array.from([0.9, 0.1, 0.5, 0.5]), 2)).toBe(false);
  });

  it('keeps six significant digits', () => {
    expect(sig6(0.123456789)).toBe(0.123457);
    expect(sig6(0.0000123456789)).toBe(0.0000123457);
    expect(sig6(0)).toBe(0);
  });
});

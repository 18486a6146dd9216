// The mean over heads and attention rollout (moved from the renderer into main) against hand-computed 2 × 2 values,
// and the causal shortcut against the full product.
import { describe, expect, it } from 'vitest';
import { attentionRollout, meanOverHeads } from '../../../main/ml/attention-math';

const close = (xs: ArrayLike<number>): unknown[] => Array.from(xs, (v) => expect.closeTo(v, 6));

// L = 2, NH = 2, T = 2: layer 0 heads [[1,0],[0.5,0.5]] and [[0,1],[0.5,0.5]]; layer 1 heads [[1,0],[1,0]] twice
const att = [1, 0, 0.5, 0.5, 0, 1, 0.5, 0.5, 1, 0, 1, 0, 1, 0, 1, 0];

describe('meanOverHeads and attentionRollout', () => {
  it('averages the heads of one layer', () => {
    expect(Array.from(meanOverHeads(att, 2, 2, 0))).toEqual([0.5, 0.5, 0.5, 0.5]);
    expect(Array.from(meanOverHeads(att, 2, 2, 1))).toEqual([1, 0, 1, 0]);
  });

  it('rolls out (0.5·A_mean + 0.5·I) across layers: hand-computed 2 × 2', () => {
    // Â1 = 0.5·[[.5,.5],[.5,.5]] + 0.5·I = [[.75,.25],[.25,.75]]; Â2 = 0.5·[[1,0],[1,0]] + 0.5·I = [[1,0],[.5,.5]]
    expect(Array.from(attentionRollout(att, 2, 2, 2, 1))).toEqual(close([0.75, 0.25, 0.25, 0.75]));
    // R = Â2·Â1 = [[.75,.25],[.5·.75+.5·.25, .5·.25+.5·.75]] = [[.75,.25],[.5,.5]]
    expect(Array.from(attentionRollout(att, 2, 2, 2))).toEqual(close([0.75, 0.25, 0.5, 0.5]));
  });

  it('row-normalises: a row with no attention left (all hidden) becomes the identity row', () => {
    expect(Array.from(attentionRollout([0, 0, 0, 0], 1, 1, 2))).toEqual([1, 0, 0, 1]);
    // a one-head causal layer [[1,0],[.5,.5]] → [[1,0],[.25,.75]]
    expect(Array.from(attentionRollout([1, 0, 0.5, 0.5], 1, 1, 2))).toEqual(close([1, 0, 0.25, 0.75]));
  });

  it('the causal shortcut gives the same rollout as the full product on lower-triangular maps', () => {
    const T = 5;
    const causal: number[] = [];
    for (let m = 0; m < 6; m++) {
      for (let i = 0; i < T; i++) {
        const row = Array.from({ length: T }, (_, j) => (j <= i ? 1 + ((i * 7 + j * 3 + m) % 5) : 0));
        const sum = row.reduce((a, b) => a + b, 0);
        causal.push(...row.map((x) => x / sum));
      }
    }
    expect(Array.from(attentionRollout(causal, 3, 2, T, 3, true))).toEqual(close(attentionRollout(causal, 3, 2, T, 3, false)));
  });
});

// The unigram baseline (counts, scores on the same targets, the beat-the-bar test) and the learning-rate sweep
// (candidates, the choice among trials, and a real sweep on the JS kernels that prefers a rate that learns).
import { describe, expect, it } from 'vitest';
import { jsKernels } from '../../../native-kernels/index';
import { beatsBaseline, unigramModel, unigramScore } from '../../../main/ml/baseline';
import { pickLearningRate, sweepCandidates, sweepLearningRate } from '../../../main/ml/lr-sweep';
import { recipeFor, sweepPlan, warmupSteps } from '../../../main/ml/recipe';
import { IGNORE_INDEX } from '../../../main/ml/model';
import { LabError } from '../../../common/errors';
import { patternDocs, tinyConfig } from './helpers';

describe('unigram baseline', () => {
  it('ranks ids by count (ties: smaller id), skips excluded ids, and scores the same targets a model gets', () => {
    // counts: 1 → 3, 2 → 3, 3 → 1, 0 (excluded, e.g. [PAD]) → 4
    const m = unigramModel([Int32Array.from([1, 2, 0, 0]), Int32Array.from([2, 1, 3, 1, 2, 0, 0])], 5, [0]);
    expect(Array.from(m.counts)).toEqual([0, 3, 3, 1, 0]);
    expect(m.total).toBe(7);
    expect(Array.from(m.ranked)).toEqual([1, 2, 3, 0, 4]);
    const s = unigramScore(m, [1, 2, 2, IGNORE_INDEX, 4]);
    expect(s.count).toBe(4);
    expect(s.top1).toBe(0.25);
    expect(s.top5).toBe(1);
    // add-one smoothing over 5 ids: p(1) = p(2) = 4/12, p(4) = 1/12
    const expected = -(3 * Math.log(4 / 12) + Math.log(1 / 12)) / 4;
    expect(s.loss).toBeCloseTo(expected, 12);
    expect(s.perplexity).toBeCloseTo(Math.exp(expected), 10);
  });

  it('has no score without targets, and calls a model clearly above it only by the margin', () => {
    const m = unigramModel([Int32Array.from([1])], 2);
    expect(Number.isNaN(unigramScore(m, []).top1)).toBe(true);
    expect(beatsBaseline(0.31, 0.15)).toEqual({ beats: true, points: expect.closeTo(0.16, 12) as number });
    expect(beatsBaseline(0.16, 0.15).beats).toBe(false);
    expect(beatsBaseline(0.10, 0.15)).toEqual({ beats: false, points: expect.closeTo(-0.05, 12) as number });
    expect(beatsBaseline(null, 0.15)).toEqual({ beats: false, points: null });
    expect(() => unigramModel([], 0)).toThrow(LabError);
  });
});

describe('learning-rate sweep', () => {
  it('offers rates around the base, smallest first, and refuses a rate that is not positive', () => {
    expect(sweepCandidates(3e-3)).toEqual([1e-3, 3e-3, 9e-3]);
    expect(sweepCandidates(1e-3, [0.5, 1, 2])).toEqual([5e-4, 1e-3, 2e-3]);
    expect(() => sweepCandidates(0)).toThrow(/base learning rate 0 must be a positive number/);
  });

  it('picks the lowest validation loss, never a diverged trial, the smaller rate on a near-tie, and says when it is at the edge', () => {
    const a = pickLearningRate([{ lr: 3e-3, valLoss: 2.5, accuracy: 0.3 }, { lr: 1e-3, valLoss: 2.7, accuracy: 0.2 }, { lr: 9e-3, valLoss: null, accuracy: null }]);
    expect(a.lr).toBe(3e-3);
    expect(a.atEdge).toBe(false);
    expect(a.trials.map((t) => t.lr)).toEqual([1e-3, 3e-3, 9e-3]);
    const tie = pickLearningRate([{ lr: 1e-3, valLoss: 2.501, accuracy: 0.3 }, { lr: 3e-3, valLoss: 2.5, accuracy: 0.3 }]);
    expect(tie.lr).toBe(1e-3);
    expect(tie.atEdge).toBe(true);
    expect(() => pickLearningRate([{ lr: 1e-2, valLoss: null, accuracy: null }])).toThrow(/Every learning rate of the sweep \(1\.0e-2\) diverged/);
  });

  it('trains a fresh model per candidate and prefers a rate that learns over one far too small', async () => {
    const config = tinyConfig('gpt');
    const data = { train: patternDocs(4, 120), val: patternDocs(2, 60) };
    const seen: number[] = [];
    const choice = await sweepLearningRate(jsKernels, config, data, {
      candidates: [1e-6, 1e-2], steps: 30, training: { batchSize: 4, warmupSteps: 0, specials: {} },
      onTrial: (t) => seen.push(t.lr),
    });
    expect(seen).toEqual([1e-6, 1e-2]);
    expect(choice.lr).toBe(1e-2);
    const [slow, fast] = choice.trials;
    expect(fast.valLoss as number).toBeLessThan((slow.valLoss as number) - 0.5);
  });
});

describe('recipe', () => {
  it('gives the measured tiny recipe (BERT masks 40%) and a sweep of a tenth of the run per rate, 20 to 300 steps', () => {
    expect(recipeFor('tiny', 'bert')).toEqual({ lr: 3e-3, batchSize: 16, maskProbability: 0.4 });
    expect(recipeFor('tiny', 'gpt').maskProbability).toBe(0.15);
    expect(sweepPlan('tiny', 'bert', 2000)).toEqual({ candidates: [1e-3, 3e-3, 9e-3], steps: 200 });
    expect(sweepPlan('small', 'gpt', 10).steps).toBe(20);
    expect(sweepPlan('tiny', 'gpt', 100_000).steps).toBe(300);
    expect(warmupSteps(2000)).toBe(100);
    expect(warmupSteps(300)).toBe(30);
  });
});

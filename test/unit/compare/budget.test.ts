// An experiment's budget in steps: given steps as they are, tokens rounded up to whole steps, minutes at this
// machine's measured speed of the slower model (so both runs fit and still see the same tokens).
import { describe, expect, it } from 'vitest';
import { budgetSteps, secondsPerStep } from '../../../main/lab/experiments/budget';
import { presetConfig } from '../../../common/model-config';

const configs = [presetConfig('tiny', 'gpt', 40), presetConfig('tiny', 'bert', 40)];

describe('budgetSteps', () => {
  it('keeps steps and turns tokens into whole steps of batch × context tokens', () => {
    expect(budgetSteps({ steps: 123 }, 1024, configs, 16)).toBe(123);
    expect(budgetSteps({ tokens: 1024 * 10 }, 1024, configs, 16)).toBe(10);
    expect(budgetSteps({ tokens: 1024 * 10 + 1 }, 1024, configs, 16)).toBe(11);
    expect(budgetSteps({ tokens: 1 }, 1024, configs, 16)).toBe(1);
  });

  it('converts minutes at the measured speed and refuses a budget shorter than one step', () => {
    const perStep = Math.max(...configs.map((c) => secondsPerStep(c, 4)));
    expect(perStep).toBeGreaterThan(0);
    const steps = budgetSteps({ minutes: 0.05 }, 256, configs, 4);
    // 3 s × 0.8 at the speed measured just before, within a factor of 3 for a busy machine
    expect(steps).toBeGreaterThan((2.4 / perStep) / 3);
    expect(steps).toBeLessThan((2.4 / perStep) * 3);
    expect(() => budgetSteps({ minutes: 1e-7 }, 256, configs, 4)).toThrow(/shorter than one training step here/);
  });
});

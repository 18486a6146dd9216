// Custom model sizes: every problem at once (the wizard lists them live), the recipe preset, reproduce flags.
import { describe, expect, it } from 'vitest';
import { checkedSize, recipePresetFor, recordedCustomSize, resolveSize, sizeFlags, sizeProblems } from '../../../common/model-size';

describe('model sizes', () => {
  it('lists every bad field, and divisibility only when d_model and heads are themselves valid', () => {
    expect(sizeProblems(resolveSize('tiny', {}))).toEqual([]);
    expect(sizeProblems(resolveSize('tiny', { nLayer: 0, dFF: 1.5 })).map((p) => p.field)).toEqual(['nLayer', 'dFF']);
    expect(sizeProblems(resolveSize('tiny', { dModel: 100, nHead: 3 }))).toEqual([{ field: 'nHead', kind: 'divisible', dModel: 100, nHead: 3, divisors: [1, 2, 4, 5, 10] }]);
    expect(sizeProblems(resolveSize('tiny', { dModel: -1, nHead: 3 })).map((p) => p.kind)).toEqual(['range']);
    expect(() => checkedSize('small', { contextLength: 1 })).toThrow('contextLength (--context) is 1, but it must be a whole number from 2 to 8192.');
    expect(checkedSize('small', { nLayer: 2 })).toEqual({ nLayer: 2, nHead: 4, dModel: 128, dFF: 512, contextLength: 128 });
  });

  it('trains a custom size with the recipe of the smallest preset at least as wide', () => {
    expect(recipePresetFor({ dModel: 48 })).toBe('tiny');
    expect(recipePresetFor({ dModel: 96 })).toBe('small');
    expect(recipePresetFor({ dModel: 1024 })).toBe('base');
  });

  it('gives the flags that reproduce a recorded custom run, and nothing for a preset shape', () => {
    const model = { nLayer: 3, nHead: 4, dModel: 96, dFF: 384, contextLength: 128 };
    expect(sizeFlags(model)).toBe('--layers 3 --heads 4 --d-model 96 --ff 384 --context 128');
    expect(recordedCustomSize({ preset: 'small', model })).toEqual(model);
    expect(recordedCustomSize({ preset: 'tiny', model: { nLayer: 2, nHead: 2, dModel: 64, dFF: 256, contextLength: 64 } })).toBeNull();
  });
});

// Model config: validation errors name the field and quote the value; presets, parameter counts and memory estimates.
import { describe, expect, it } from 'vitest';
import { assertFitsInMemory, memoryEstimate } from '../../../main/ml/config';
import { parameterCount, PRESETS, presetConfig, validateConfig, type ModelConfig } from '../../../common/model-config';
import { parameterSpecs } from '../../../main/ml/params';
import { scratchSpecs } from '../../../main/ml/activations';
import { LabError } from '../../../common/errors';

const good: ModelConfig = {
  family: 'gpt', vocabSize: 65, nLayer: 4, nHead: 4, dModel: 128, dFF: 512, contextLength: 128,
  positions: 'learned', norm: 'pre', dropout: 0, typeVocabSize: 0, seed: 1,
};

function errorOf(patch: Record<string, unknown>): LabError {
  try {
    validateConfig({ ...good, ...patch });
  } catch (e) {
    if (e instanceof LabError) return e;
    throw e;
  }
  throw new Error(`config ${JSON.stringify(patch)} was accepted`);
}

describe('validateConfig', () => {
  it('accepts a sound config unchanged', () => {
    expect(validateConfig({ ...good })).toEqual(good);
  });

  it.each([
    [{ nLayer: 0 }, 'nLayer', /nLayer is 0/],
    [{ nHead: 3 }, 'nHead', /dModel 128 is not divisible by nHead 3/],
    [{ dModel: 2.5 }, 'dModel', /whole number/],
    [{ vocabSize: 1 }, 'vocabSize', /vocabSize is 1/],
    [{ contextLength: 0 }, 'contextLength', /contextLength is 0/],
    [{ dropout: 1 }, 'dropout', /dropout is 1/],
    [{ dropout: Number.NaN }, 'dropout', /dropout is NaN/],
    [{ positions: 'rotary' }, 'positions', /"rotary"/],
    [{ norm: 'sandwich' }, 'norm', /"sandwich"/],
    [{ family: 'rnn' }, 'family', /"rnn"/],
    [{ typeVocabSize: 2 }, 'typeVocabSize', /GPT models have no segment embeddings/],
  ])('refuses %j naming %s', (patch, field, message) => {
    const e = errorOf(patch);
    expect(e.code).toBe('invalid_input');
    expect(e.field).toBe(field);
    expect(e.message).toMatch(message);
  });
});

describe('presets and sizes', () => {
  it('parameterCount equals the size of the tensor layout for every preset and family', () => {
    for (const preset of Object.keys(PRESETS) as Array<keyof typeof PRESETS>) {
      for (const family of ['gpt', 'bert'] as const) {
        const c = presetConfig(preset, family, 1000);
        expect(parameterCount(c)).toBe(parameterSpecs(c).total);
      }
    }
    const sinusoidalPost = validateConfig({ ...good, positions: 'sinusoidal', norm: 'post' });
    expect(parameterCount(sinusoidalPost)).toBe(parameterSpecs(sinusoidalPost).total);
  });

  it('counts the reference config like GPT-2 arithmetic: 12·L·C² + embeddings + biases and norms', () => {
    // 4 layers × (12·128² + 13·128) weights+biases of blocks, wte 65·128, wpe 128·128, ln_f 2·128
    expect(parameterCount(good)).toBe(4 * (12 * 128 * 128 + 13 * 128) + 65 * 128 + 128 * 128 + 2 * 128);
  });

  it('grows presets from tiny to base and memory with the batch', () => {
    const sizes = (['tiny', 'small', 'base'] as const).map((p) => parameterCount(presetConfig(p, 'gpt', 65)));
    expect(sizes[0]).toBeLessThan(sizes[1]);
    expect(sizes[1]).toBeLessThan(sizes[2]);
    const c = presetConfig('small', 'bert', 65);
    const m8 = memoryEstimate(c, 8);
    const m16 = memoryEstimate(c, 16);
    expect(m8.weightBytes).toBe(parameterCount(c) * 16);
    expect(m16.activationBytes).toBeGreaterThan(1.9 * m8.activationBytes);
    expect(m16.totalBytes).toBe(m16.weightBytes + m16.activationBytes);
  });

  it('keeps no (B, NH, T, T) score gradients in the backward scratch: the attention backward holds one head\'s itself', () => {
    for (const family of ['gpt', 'bert'] as const) {
      const c = presetConfig('small', family, 100);
      const B = 4, T = c.contextLength;
      const square = scratchSpecs(c, B, T).specs.filter((s) => s.shape.join() === [B, c.nHead, T, T].join());
      expect(square.map((s) => s.name)).toEqual([]);
    }
  });

  it('refuses up front a run that does not fit in memory, quoting the estimate', () => {
    const c = presetConfig('base', 'gpt', 8000);
    expect(assertFitsInMemory(c, 16, 64 * 2 ** 30).totalBytes).toBe(memoryEstimate(c, 16).totalBytes);
    expect(() => assertFitsInMemory(c, 16, 100 * 2 ** 20))
      .toThrow(/This model needs about [\d.]+ [MG]iB to train at batch 16 .* but only 100.0 MiB is available; choose a smaller preset/);
  });

  it('refuses an unknown preset with a sentence naming it', () => {
    expect(() => presetConfig('huge' as 'tiny', 'gpt', 65)).toThrow(/Preset "huge" does not exist/);
  });
});

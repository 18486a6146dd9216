// Shared test fixtures for the ONNX and inference tests: a small trained tokenizer and models with lively weights.
import { getKernels } from '../../../native-kernels/index';
import { trainTokenizer, type TextTokenizer } from '../../../main/data/tokenizers/index';
import { createModel } from '../../../main/ml/checkpoint';
import { validateConfig, type ModelConfig } from '../../../common/model-config';
import type { TransformerModel } from '../../../main/ml/model';
import { Rng } from '../../../main/ml/rng';

export const SAMPLE_TEXT = [
  'To be, or not to be, that is the question:',
  'Whether tis nobler in the mind to suffer',
  'The slings and arrows of outrageous fortune,',
  'Or to take arms against a sea of troubles',
  'And by opposing end them. To die, to sleep;',
];

let cached: TextTokenizer | null = null;

/** A character tokenizer trained on SAMPLE_TEXT (ids 0..6 are the reserved specials). */
export function sampleTokenizer(): TextTokenizer {
  cached ??= trainTokenizer('char', () => SAMPLE_TEXT, { vocabSize: 64 }).tokenizer;
  return cached;
}

/** A small config of either family over the sample tokenizer's vocabulary. */
export function smallConfig(family: 'gpt' | 'bert', overrides: Partial<ModelConfig> = {}): ModelConfig {
  return validateConfig({
    family, vocabSize: sampleTokenizer().vocabSize, nLayer: 2, nHead: 2, dModel: 32, dFF: 64, contextLength: 48,
    positions: 'learned', norm: 'pre', dropout: 0, typeVocabSize: family === 'bert' ? 2 : 0, seed: 7, ...overrides,
  });
}

/**
 * A model whose weights are redrawn with a larger spread (std 0.25, LayerNorm gains around 1), so attention rows are
 * far from uniform and a parity check compares sharp, varied patterns rather than near-constant ones.
 */
export function livelyModel(config: ModelConfig, seed = 11): TransformerModel {
  const model = createModel(getKernels(), config);
  const rng = new Rng(seed);
  for (const spec of model.params.table.specs) {
    const v = model.params.view(spec.name);
    const gain = spec.role === 'norm-gain';
    for (let i = 0; i < v.length; i++) v[i] = gain ? 1 + 0.2 * rng.normal() : 0.25 * rng.normal();
  }
  return model;
}

/** Largest absolute difference between two equally long arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

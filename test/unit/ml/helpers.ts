// Shared test helpers for the ml tests: tiny configs and a patterned token corpus.
import { validateConfig, type ModelConfig, type ModelFamily } from '../../../common/model-config';

/** A model small enough to train 100 steps on the JS kernels in a couple of seconds. */
export function tinyConfig(family: ModelFamily, patch: Partial<ModelConfig> = {}): ModelConfig {
  return validateConfig({
    family, vocabSize: 12, nLayer: 2, nHead: 2, dModel: 32, dFF: 64, contextLength: 16,
    positions: 'learned', norm: 'pre', dropout: 0, typeVocabSize: 0, seed: 42, ...patch,
  });
}

/** Documents repeating the digits of pi "3 1 4 1 5 9 2 6" (ids 1..9), so the next token depends on context. */
export function patternDocs(count: number, length: number): Int32Array[] {
  const pattern = [3, 1, 4, 1, 5, 9, 2, 6];
  return Array.from({ length: count }, (_, d) => Int32Array.from({ length }, (_, i) => pattern[(i + d) % pattern.length]));
}

/** Documents that each repeat one "topic" token (ids 1..8) with a filler (9) every 7th place: a masked token is
 *  recoverable from the rest of its sequence, which BERT learns in a few dozen steps. */
export function topicDocs(count: number, length: number): Int32Array[] {
  return Array.from({ length: count }, (_, d) => Int32Array.from({ length }, (_, i) => (i % 7 === 3 ? 9 : 1 + (d % 8))));
}

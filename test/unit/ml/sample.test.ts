// Sampling: GPT continuation is reproducible with a seed, honours greedy/top-k/top-p/eos; BERT fill-mask ranks fillers.
import { describe, expect, it } from 'vitest';
import { jsKernels } from '../../../native-kernels/index';
import { BertModel } from '../../../main/ml/bert';
import { GptModel } from '../../../main/ml/gpt';
import { fillMask, generate, pickNext } from '../../../main/ml/sample';
import { Rng } from '../../../main/ml/rng';
import { Trainer } from '../../../main/ml/train';
import { patternDocs, tinyConfig, topicDocs } from './helpers';

const k = jsKernels;

describe('generate (GPT)', () => {
  it('is reproducible with a seed and differs across seeds', () => {
    const model = new GptModel(k, tinyConfig('gpt'));
    const prompt = Int32Array.from([3, 1, 4]);
    const a = generate(model, prompt, { maxTokens: 20, temperature: 1.5, seed: 1 });
    expect(a).toHaveLength(20);
    expect(generate(model, prompt, { maxTokens: 20, temperature: 1.5, seed: 1 })).toEqual(a);
    expect(generate(model, prompt, { maxTokens: 20, temperature: 1.5, seed: 2 })).not.toEqual(a);
  });

  it('top-k 1 and a tiny top-p both equal greedy decoding; the context slides past the model length', () => {
    const model = new GptModel(k, tinyConfig('gpt'));
    const prompt = Int32Array.from([5, 9, 2]);
    const greedy = generate(model, prompt, { maxTokens: 30, temperature: 0 });
    expect(generate(model, prompt, { maxTokens: 30, topK: 1, seed: 9 })).toEqual(greedy);
    expect(generate(model, prompt, { maxTokens: 30, topP: 1e-6, seed: 9 })).toEqual(greedy);
  });

  it('top-k and top-p restrict the draws to the most likely tokens (and only those), whatever the temperature', () => {
    // probabilities at temperature 1: id 3 0.5, id 1 0.25, id 4 0.125, the other five 0.025 each
    const logits = Float32Array.from([Math.log(0.025), Math.log(0.25), Math.log(0.025), Math.log(0.5), Math.log(0.125), Math.log(0.025), Math.log(0.025), Math.log(0.025)]);
    const draws = (opts: { temperature: number; topK?: number; topP?: number }): Set<number> => {
      const rng = new Rng(7);
      return new Set(Array.from({ length: 400 }, () => pickNext(logits, { maxTokens: 1, ...opts }, rng)));
    };
    // a hot temperature flattens the distribution: unrestricted, every id turns up
    expect(draws({ temperature: 5 }).size).toBe(8);
    expect([...draws({ temperature: 5, topK: 2 })].sort()).toEqual([1, 3]);
    expect([...draws({ temperature: 5, topK: 1 })]).toEqual([3]);
    // the nucleus is cut on the probabilities after the temperature: at 1, 0.5 + 0.25 reaches 0.7, so ids 3 and 1
    expect([...draws({ temperature: 1, topP: 0.7 })].sort()).toEqual([1, 3]);
    expect([...draws({ temperature: 1, topP: 0.8 })].sort()).toEqual([1, 3, 4]);
    expect([...draws({ temperature: 5, topP: 1e-6 })]).toEqual([3]);
    // both: top-k first, then the nucleus of what is left
    expect([...draws({ temperature: 1, topK: 3, topP: 0.6 })].sort()).toEqual([1, 3]);
  });

  it('continues a learned pattern and stops at the end token', async () => {
    const model = new GptModel(k, tinyConfig('gpt'));
    await new Trainer(model, { train: patternDocs(6, 200), val: [] }, { steps: 100, batchSize: 8, lr: 1e-2, warmupSteps: 10 }).run();
    const next = generate(model, Int32Array.from([3, 1, 4, 1, 5]), { maxTokens: 11, temperature: 0 });
    expect(Array.from(next)).toEqual([9, 2, 6, 3, 1, 4, 1, 5, 9, 2, 6]);
    const stopped = generate(model, Int32Array.from([3, 1, 4, 1, 5]), { maxTokens: 11, temperature: 0, eosId: 6 });
    expect(Array.from(stopped)).toEqual([9, 2, 6]);
    // a banned token is never produced, even where the model ranks it first
    const banned = generate(model, Int32Array.from([3, 1, 4, 1, 5]), { maxTokens: 11, temperature: 0, banIds: [9, 6] });
    expect(Array.from(banned)).not.toContain(9);
    expect(Array.from(banned)).not.toContain(6);
  });

  it('refuses an empty prompt and out-of-range settings', () => {
    const model = new GptModel(k, tinyConfig('gpt'));
    expect(() => generate(model, new Int32Array(0), { maxTokens: 3 })).toThrow(/The prompt is empty/);
    expect(() => generate(model, Int32Array.from([1]), { maxTokens: 3, topP: 0 })).toThrow(/top-p 0 must be above 0/);
    expect(() => generate(model, Int32Array.from([1]), { maxTokens: 0 })).toThrow(/maxTokens 0/);
    expect(() => generate(model, Int32Array.from([99]), { maxTokens: 1 })).toThrow(/Token id 99 at position 0 is outside the model's vocabulary of 12/);
  });
});

describe('fillMask (BERT)', () => {
  it('ranks fillers for every [MASK] with probabilities, best first, and finds the topic token after training', async () => {
    const model = new BertModel(k, tinyConfig('bert'));
    await new Trainer(model, { train: topicDocs(16, 40), val: [] }, {
      steps: 100, batchSize: 8, lr: 1e-2, warmupSteps: 10, specials: { mask: 10, cls: 11, pad: 0 },
    }).run();
    const text = Int32Array.from([11, 4, 4, 10, 4, 4, 4, 9, 4, 10, 4]);
    const predictions = fillMask(model, text, 10, 3);
    expect(predictions.map((p) => p.position)).toEqual([3, 9]);
    for (const p of predictions) {
      expect(p.candidates).toHaveLength(3);
      const probs = p.candidates.map((c) => c.probability);
      expect([...probs].sort((a, b) => b - a)).toEqual(probs);
      expect(probs.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1 + 1e-9);
      expect(p.candidates[0].id).toBe(4);
    }
    expect(() => fillMask(model, Int32Array.from([11, 4, 4]), 10)).toThrow(/no \[MASK\] token/);
  });
});

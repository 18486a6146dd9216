// Training loop: a tiny GPT and BERT learn a repeated pattern, runs are reproducible, bad input and NaN stop cleanly.
import { describe, expect, it } from 'vitest';
import { getKernels, jsKernels } from '../../../native-kernels/index';
import { BertModel } from '../../../main/ml/bert';
import { GptModel } from '../../../main/ml/gpt';
import { Trainer, type EvalMetrics, type StepMetrics } from '../../../main/ml/train';
import { patternDocs, tinyConfig, topicDocs } from './helpers';

const k = jsKernels;
const data = { train: patternDocs(6, 200), val: patternDocs(2, 100) };

describe('Trainer', () => {
  it('a tiny GPT learns a repeated pattern: loss falls far in 100 steps, next-token accuracy near 1', async () => {
    const model = new GptModel(k, tinyConfig('gpt'));
    const steps: StepMetrics[] = [];
    const evals: EvalMetrics[] = [];
    const result = await new Trainer(model, data, {
      steps: 100, batchSize: 8, lr: 1e-2, warmupSteps: 10, evalEvery: 50, onStep: (m) => steps.push(m), onEval: (m) => evals.push(m),
    }).run();
    expect(result.status).toBe('finished');
    expect(steps).toHaveLength(100);
    const first = steps[0].loss;
    expect(first).toBeGreaterThan(2); // about ln(12) before learning
    expect(steps[99].loss).toBeLessThan(0.1 * first);
    expect(evals.map((e) => e.step)).toEqual([50, 100]);
    expect(evals[1].accuracy).toBeGreaterThan(0.9);
    expect(evals[1].perplexity).toBeCloseTo(Math.exp(evals[1].valLoss), 6);
    expect(steps.every((s) => s.tokensPerSecond > 0 && s.gradNorm > 0)).toBe(true);
    expect(steps[0].lr).toBeCloseTo(1e-3, 8); // warmup starts at maxLr / warmupSteps
  });

  it('a tiny BERT with [CLS], padding and dropout lowers its masked-LM loss and gains masked-token accuracy', async () => {
    const model = new BertModel(k, tinyConfig('bert', { dropout: 0.1 }));
    const docs = { train: [...topicDocs(16, 40), Int32Array.from([3, 1, 4])], val: topicDocs(8, 30) };
    const evals: EvalMetrics[] = [];
    const trainer = new Trainer(model, docs, {
      steps: 100, batchSize: 8, lr: 1e-2, warmupSteps: 10, evalEvery: 50, evalBatches: 4,
      specials: { mask: 10, cls: 11, pad: 0 }, onEval: (m) => evals.push(m),
    });
    evals.push(trainer.evaluate());
    const result = await trainer.run();
    expect(result.status).toBe('finished');
    const start = evals[0];
    const end = evals[evals.length - 1];
    expect(start.perplexity).toBeNull();
    expect(end.valLoss).toBeLessThan(0.5 * start.valLoss);
    expect(evals.map((e) => e.step)).toEqual([0, 50, 100]);
    expect(end.accuracy).toBeGreaterThan(0.7);
  });

  it('gives the same loss curve for the same seed, and a different one for another seed', async () => {
    const curve = async (seed: number): Promise<number[]> => {
      const losses: number[] = [];
      const model = new GptModel(k, tinyConfig('gpt', { dropout: 0.1, seed }));
      await new Trainer(model, data, { steps: 15, batchSize: 4, lr: 3e-3, onStep: (m) => losses.push(m.loss) }).run();
      return losses;
    };
    const a = await curve(5);
    expect(await curve(5)).toEqual(a);
    expect(await curve(6)).not.toEqual(a);
  });

  const native = getKernels('native');
  it.skipIf(native.backend === 'js')('on the native backend: the same curve twice, and within float rounding of the JS curve', async () => {
    const curve = async (kernels: typeof native): Promise<number[]> => {
      const losses: number[] = [];
      const model = new BertModel(kernels, tinyConfig('bert', { dropout: 0.1 }));
      await new Trainer(model, { train: topicDocs(8, 40), val: [] }, {
        steps: 12, batchSize: 4, lr: 3e-3, specials: { mask: 10, cls: 11, pad: 0 }, onStep: (m) => losses.push(m.loss),
      }).run();
      return losses;
    };
    const a = await curve(native);
    expect(await curve(native)).toEqual(a);
    const reference = await curve(k);
    a.forEach((loss, i) => expect(Math.abs(loss - reference[i])).toBeLessThan(1e-3 * (1 + i)));
  });

  it('stops with a clear reason when the loss becomes NaN, keeping the steps reported so far', async () => {
    const model = new GptModel(k, tinyConfig('gpt'));
    const losses: number[] = [];
    const trainer = new Trainer(model, data, { steps: 50, batchSize: 4, lr: 1e-3, onStep: (m) => losses.push(m.loss) });
    await trainer.trainStep();
    model.params.view('h.1.mlp.c_fc.weight')[3] = Number.NaN;
    const result = await trainer.run();
    expect(result.status).toBe('diverged');
    expect(result.step).toBe(2);
    expect(result.reason).toMatch(/The loss became NaN at step 2 \(learning rate .*\); the run was stopped/);
    expect(losses).toEqual([]);
  });

  it('stops cleanly on request between steps', async () => {
    let calls = 0;
    const model = new GptModel(k, tinyConfig('gpt'));
    const result = await new Trainer(model, data, { steps: 50, batchSize: 2, lr: 1e-3, shouldStop: () => ++calls > 3 }).run();
    expect(result).toMatchObject({ status: 'stopped', step: 3 });
  });

  it('refuses a split shorter than the context, an empty split and BERT without a [MASK] id', () => {
    const gpt = new GptModel(k, tinyConfig('gpt'));
    expect(() => new Trainer(gpt, { train: [Int32Array.from([1, 2, 3])], val: [] }, { steps: 1, batchSize: 1, lr: 1e-3 }))
      .toThrow(/The train split has 3 tokens, fewer than context length \+ 1 = 17/);
    const bert = new BertModel(k, tinyConfig('bert'));
    expect(() => new Trainer(bert, { train: [new Int32Array(0)], val: [] }, { steps: 1, batchSize: 1, lr: 1e-3, specials: { mask: 10 } }))
      .toThrow(/The train split has no tokens/);
    expect(() => new Trainer(bert, data, { steps: 1, batchSize: 1, lr: 1e-3 })).toThrow(/needs a \[MASK\] token id/);
    expect(() => new Trainer(bert, { train: [Int32Array.from([1, 2])], val: [] }, { steps: 1, batchSize: 1, lr: 1e-3, specials: { mask: 10 } }))
      .toThrow(/shorter than the 16-token window and the tokenizer has no \[PAD\] token/);
  });
});

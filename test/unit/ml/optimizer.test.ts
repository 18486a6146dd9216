// AdamW decays only linear-layer matrices; warmup + cosine schedule; global-norm clipping.
import { describe, expect, it } from 'vitest';
import { jsKernels } from '../../../native-kernels/index';
import { BertModel } from '../../../main/ml/bert';
import { AdamW, clipGradients, gradientClip, learningRate } from '../../../main/ml/optimizer';
import { tinyConfig } from './helpers';

const k = jsKernels;

describe('AdamW', () => {
  it('with zero gradients only weight decay acts, and only on linear-layer matrices', () => {
    const model = new BertModel(k, tinyConfig('bert', { typeVocabSize: 2 }));
    for (const s of model.params.table.specs) model.params.view(s.name).fill(0.5);
    const before = Float32Array.from(model.params.data);
    const opt = new AdamW(k, model.params.table, { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1 });
    opt.step(model.params.data, new Float32Array(model.params.data.length), 0.01);
    const decayed = model.params.table.specs.filter((s) => s.decay).map((s) => s.name).sort();
    expect(decayed).toEqual([
      'h.0.attn.c_attn.weight', 'h.0.attn.c_proj.weight', 'h.0.mlp.c_fc.weight', 'h.0.mlp.c_proj.weight',
      'h.1.attn.c_attn.weight', 'h.1.attn.c_proj.weight', 'h.1.mlp.c_fc.weight', 'h.1.mlp.c_proj.weight',
      'mlm.dense.weight', 'pooler.dense.weight',
    ]);
    for (const s of model.params.table.specs) {
      const v = model.params.view(s.name);
      const expected = s.decay ? 0.5 * (1 - 0.01 * 0.1) : 0.5;
      expect(v[0], s.name).toBeCloseTo(expected, 7);
      expect(v[v.length - 1], s.name).toBeCloseTo(expected, 7);
    }
    expect(opt.t).toBe(1);
    expect(model.params.data).not.toEqual(before);
  });

  it('takes a first step of -lr * sign(g) (bias-corrected Adam) on every parameter', () => {
    const model = new BertModel(k, tinyConfig('bert'));
    model.params.zero();
    const grads = Float32Array.from({ length: model.params.data.length }, (_, i) => (i % 3) - 1);
    new AdamW(k, model.params.table, { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 }).step(model.params.data, grads, 0.1);
    for (let i = 0; i < 50; i++) expect(model.params.data[i]).toBeCloseTo(-0.1 * grads[i], 5);
  });
});

describe('learningRate', () => {
  const s = { maxLr: 1e-3, minLr: 1e-4, warmupSteps: 10, totalSteps: 110 };
  it('warms up linearly, then follows a cosine down to the floor', () => {
    expect(learningRate(0, s)).toBeCloseTo(1e-4, 12);
    expect(learningRate(4, s)).toBeCloseTo(5e-4, 12);
    expect(learningRate(9, s)).toBeCloseTo(1e-3, 12);
    expect(learningRate(10, s)).toBeCloseTo(1e-3, 12);
    expect(learningRate(60, s)).toBeCloseTo(5.5e-4, 12); // halfway: (max + min) / 2
    expect(learningRate(110, s)).toBeCloseTo(1e-4, 12);
    expect(learningRate(500, s)).toBeCloseTo(1e-4, 12);
    expect(learningRate(0, { ...s, warmupSteps: 0 })).toBeCloseTo(1e-3, 12);
  });
});

describe('clipGradients', () => {
  it('scales gradients down to the max norm and returns the norm before clipping', () => {
    const g = Float32Array.from([3, 4, 0, 0]);
    expect(clipGradients(k, g, 1)).toBeCloseTo(5, 6);
    expect(Math.hypot(...g)).toBeCloseTo(1, 5);
    const small = Float32Array.from([0.3, 0.4]);
    expect(clipGradients(k, small, 1)).toBeCloseTo(0.5, 6);
    expect(Array.from(small)).toEqual([Math.fround(0.3), Math.fround(0.4)]);
    expect(clipGradients(k, Float32Array.from([Number.NaN, 1]), 1)).toBeNaN();
  });

  it('gradientClip gives the norm and the factor without touching the gradients', () => {
    const g = Float32Array.from([3, 4, 0, 0]);
    const { norm, scale } = gradientClip(k, g, 1);
    expect(norm).toBeCloseTo(5, 6);
    expect(scale).toBeCloseTo(1 / 5, 6);
    expect(Array.from(g)).toEqual([3, 4, 0, 0]);
    expect(gradientClip(k, g, 10).scale).toBe(1);
    expect(gradientClip(k, g, 0).scale).toBe(1);
    const bad = gradientClip(k, Float32Array.from([Number.NaN, 1]), 1);
    expect(bad.norm).toBeNaN();
    expect(bad.scale).toBe(1);
  });
});

// Against PyTorch (test/fixtures/rnn/make_rnn_golden.py, torch.nn.GRU / nn.LSTM in float64): stacks of recurrent
// layers — 2 layers, bidirectional, packed sequences — forward (outputs, final states) and every gradient (input,
// initial states, each weight and bias by torch's name), on every backend; and the RNN language model (torch's
// word_language_model) loading torch's tensors by name: logits, loss, gradients and two clipped AdamW steps.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getKernels, jsKernels, type Kernels } from '../../../native-kernels/index';
import { AdamW, clipGradients } from '../../../main/ml/optimizer';
import { NamedBuffer, TensorTable } from '../../../main/ml/params';
import { validateRnnConfig } from '../../../common/rnn-config';
import { RnnLanguageModel } from '../../../main/ml/rnn/lm';
import { addRecurrentParams, type RecurrentSpec } from '../../../main/ml/rnn/spec';
import { RecurrentStack } from '../../../main/ml/rnn/stack';
import { nativeBackends } from '../kernels/helpers';

const DIR = join(import.meta.dirname, '..', '..', 'fixtures', 'rnn');

interface StackCase {
  name: string; cell: 'gru' | 'lstm'; inputSize: number; hiddenSize: number; numLayers: number; bidirectional: boolean;
  T: number; B: number; lengths: number[] | null; weights: Record<string, number[]>;
  inp: number[]; h0: number[]; c0: number[] | null; R: number[]; Rh: number[]; Rc: number[] | null;
  expected: { out: number[]; hN: number[]; cN: number[] | null; dinp: number[]; dh0: number[]; dc0: number[] | null; grads: Record<string, number[]> };
}
interface LmCase {
  name: string; config: Record<string, unknown>; B: number; T: number; tokens: number[]; targets: number[];
  weights: Record<string, number[]>;
  expected: { loss: number; logits: number[]; grads: Record<string, number[]> };
  training: { maxNorm: number; lr: number; beta1: number; beta2: number; eps: number; weightDecay: number; gradNorms: number[]; weightsAfter: Record<string, number[]> };
}

const stacks = JSON.parse(readFileSync(join(DIR, 'stacks.json'), 'utf8')) as StackCase[];
const lms = JSON.parse(readFileSync(join(DIR, 'lm.json'), 'utf8')) as LmCase[];
const backends: { name: string; kernels: () => Kernels }[] = [...nativeBackends(), { name: 'js', kernels: () => getKernels('js') }];

/** Every element within atol + rtol |expected|; returns a message naming the first few misses, or null. */
function compare(what: string, actual: ArrayLike<number>, expected: ArrayLike<number>, rtol = 1e-4, atol = 2e-5): string | null {
  if (actual.length < expected.length) return `${what}: ${actual.length} values, expected ${expected.length}`;
  const bad: string[] = [];
  for (let i = 0; i < expected.length && bad.length < 4; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= atol + rtol * Math.abs(expected[i]))) bad.push(`[${i}] ${actual[i]} vs ${expected[i]}`);
  }
  return bad.length === 0 ? null : `${what}: ${bad.join(', ')}`;
}

function f32(v: number[] | null): Float32Array | null {
  return v === null ? null : Float32Array.from(v);
}

for (const { name: backend, kernels } of backends) {
  describe(`${backend}: recurrent stacks match torch.nn.GRU / nn.LSTM`, () => {
    it.each(stacks.map((c) => [c.name, c] as const))('%s', (_n, c) => {
      const k = kernels();
      const spec: RecurrentSpec = { cell: c.cell, inputSize: c.inputSize, hiddenSize: c.hiddenSize, numLayers: c.numLayers, bidirectional: c.bidirectional, dropout: 0 };
      const table = new TensorTable();
      addRecurrentParams(table, '', spec);
      const params = new NamedBuffer(table);
      const grads = new NamedBuffer(table);
      for (const s of table.specs) params.view(s.name).set(c.weights[s.name]);
      expect(new Set(table.specs.map((s) => s.name))).toEqual(new Set(Object.keys(c.weights)));
      const stack = new RecurrentStack(spec, '');
      const run = { h0: f32(c.h0), c0: f32(c.c0), lengths: c.lengths === null ? null : Int32Array.from(c.lengths) };
      const inp = Float32Array.from(c.inp);
      const out = stack.forward(k, params, inp, c.T, c.B, run);
      const dinp = new Float32Array(inp.length);
      const { dh0, dc0 } = stack.backward(k, params, grads, { dout: f32(c.R), dhN: f32(c.Rh), dcN: f32(c.Rc), dinp });
      const e = c.expected;
      const failures = [
        compare('out', out, e.out), compare('hN', stack.hN(), e.hN), e.cN ? compare('cN', stack.cN(), e.cN) : null,
        compare('dinp', dinp, e.dinp), compare('dh0', dh0, e.dh0), e.dc0 ? compare('dc0', dc0, e.dc0) : null,
        ...Object.entries(e.grads).map(([n, g]) => compare(`grad ${n}`, grads.view(n), g)),
      ].filter((m): m is string => m !== null);
      expect(failures, failures.join('\n')).toEqual([]);
    });
  });

  describe(`${backend}: the RNN language model matches torch's word_language_model`, () => {
    const load = (k: Kernels, c: LmCase): RnnLanguageModel => {
      const model = new RnnLanguageModel(k, validateRnnConfig(c.config), false);
      expect(new Set(model.params.table.specs.map((s) => s.name))).toEqual(new Set(Object.keys(c.weights)));
      for (const s of model.params.table.specs) model.params.view(s.name).set(c.weights[s.name]);
      return model;
    };
    const batch = (c: LmCase) => ({ B: c.B, T: c.T, tokens: Int32Array.from(c.tokens), targets: Int32Array.from(c.targets) });

    it.each(lms.map((c) => [c.name, c] as const))('%s: logits, loss and every gradient', (_n, c) => {
      const model = load(kernels(), c);
      const loss = model.forward(batch(c));
      model.zeroGrad();
      model.backward();
      const failures = [
        compare('loss', [loss], [c.expected.loss]), compare('logits', model.logits(), c.expected.logits),
        ...Object.entries(c.expected.grads).map(([n, g]) => compare(`grad ${n}`, model.grads.view(n), g)),
      ].filter((m): m is string => m !== null);
      expect(failures, failures.join('\n')).toEqual([]);
    });

    it.each(lms.map((c) => [c.name, c] as const))('%s: two clipped AdamW steps match torch.optim.AdamW', (_n, c) => {
      const k = kernels();
      const model = load(k, c);
      const t = c.training;
      const opt = new AdamW(k, model.params.table, { beta1: t.beta1, beta2: t.beta2, eps: t.eps, weightDecay: t.weightDecay });
      const norms: number[] = [];
      for (let step = 0; step < 2; step++) {
        model.forward(batch(c));
        model.zeroGrad();
        model.backward();
        norms.push(clipGradients(k, model.grads.data, t.maxNorm));
        opt.step(model.params.data, model.grads.data, t.lr);
      }
      const failures = [
        compare('gradNorms', norms, t.gradNorms),
        ...Object.entries(t.weightsAfter).map(([n, w]) => compare(`weight after 2 steps ${n}`, model.params.view(n), w, 1e-4, 1e-5)),
      ].filter((m): m is string => m !== null);
      expect(failures, failures.join('\n')).toEqual([]);
    });
  });
}

describe('golden RNN fixtures', () => {
  it('cover both cells, stacking, both directions, packed sequences and the language model', () => {
    expect(new Set(stacks.map((c) => c.cell))).toEqual(new Set(['gru', 'lstm']));
    expect(stacks.some((c) => c.numLayers > 1 && c.bidirectional && c.lengths !== null)).toBe(true);
    expect(new Set(lms.map((c) => c.config.family))).toEqual(new Set(['gru', 'lstm']));
    expect(jsKernels.backend).toBe('js');
  });
});

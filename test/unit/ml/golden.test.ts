// Golden test: our GPT and BERT forward/backward against PyTorch (make_golden.py, float64) on tiny fixed models.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getKernels, type Kernels } from '../../../native-kernels/index';
import { BertModel } from '../../../main/ml/bert';
import { validateConfig } from '../../../common/model-config';
import { GptModel } from '../../../main/ml/gpt';
import type { Batch, TransformerModel } from '../../../main/ml/model';
import { loadModel } from '../../../main/ml/checkpoint';
import { AdamW, clipGradients } from '../../../main/ml/optimizer';

// Tolerance: |ours - torch| <= ABS + REL * |torch|. Ours runs in float32, torch in float64.
const ABS = 1e-5;
const REL = 1e-4;

interface Fixture {
  case: string;
  config: Record<string, unknown>;
  inputs: { B: number; T: number; tokens: number[]; targets: number[]; keyMask: number[] | null; segments: number[] | null };
  weights: Record<string, { shape: number[]; data: number[] }>;
  expected: { loss: number; logits: number[]; att: number[]; pooled: number[] | null; grads: Record<string, number[]> };
  training: {
    maxNorm: number; lr: number; beta1: number; beta2: number; eps: number; weightDecay: number;
    gradNorms: number[]; weightsAfter: Record<string, number[]>;
  };
}

const dir = join(import.meta.dirname, '../../fixtures/golden');
const fixtures: Fixture[] = readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
  .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Fixture);

/** null when within tolerance, else a message naming the tensor, the first differing indices and both values. */
function compare(name: string, ours: ArrayLike<number>, ref: ArrayLike<number>, loose: ArrayLike<boolean> | null = null,
  looseAbs = 0): string | null {
  if (ours.length !== ref.length) return `${name}: ours has ${ours.length} values, torch ${ref.length}`;
  const bad: string[] = [];
  let worst = 0;
  for (let i = 0; i < ref.length; i++) {
    const err = Math.abs(ours[i] - ref[i]);
    const allowed = loose?.[i] ? looseAbs : ABS + REL * Math.abs(ref[i]);
    if (!(err <= allowed)) {
      if (bad.length < 5) bad.push(`[${i}] ours ${ours[i]} torch ${ref[i]}`);
      worst = Math.max(worst, err);
    }
  }
  return bad.length === 0 ? null : `${name}: ${bad.join(', ')} (max abs error ${worst.toExponential(2)})`;
}

const backends: Kernels[] = [getKernels('js')];
const native = getKernels('native');
if (native.backend !== 'js') backends.push(native);

/** The fixture's model with its weights loaded by tensor name (names and shapes must match exactly). */
function goldenModel(k: Kernels, fx: Fixture): TransformerModel {
  const config = validateConfig(fx.config);
  const model: TransformerModel = config.family === 'gpt' ? new GptModel(k, config, false) : new BertModel(k, config, false);
  expect(model.params.table.specs.map((s) => s.name).sort()).toEqual(Object.keys(fx.weights).sort());
  for (const [name, w] of Object.entries(fx.weights)) {
    expect(model.params.table.get(name).shape).toEqual(w.shape);
    model.params.view(name).set(w.data);
  }
  return model;
}

function goldenBatch(fx: Fixture, withTargets: boolean): Batch {
  return {
    B: fx.inputs.B, T: fx.inputs.T,
    tokens: Int32Array.from(fx.inputs.tokens),
    targets: withTargets ? Int32Array.from(fx.inputs.targets) : null,
    keyMask: fx.inputs.keyMask ? Uint8Array.from(fx.inputs.keyMask) : null,
    segments: fx.inputs.segments ? Int32Array.from(fx.inputs.segments) : null,
  };
}

describe.each(backends.map((k) => [k.backend, k] as const))('golden vs PyTorch on %s kernels', (_name, k) => {
  it.each(fixtures.map((f) => [f.case, f] as const))('%s: logits, attention, loss and every gradient match', (_case, fx) => {
    const model = goldenModel(k, fx);
    const batch = goldenBatch(fx, false);
    const failures: string[] = [];
    const check = (n: string, ours: ArrayLike<number>, ref: ArrayLike<number>): void => {
      const msg = compare(n, ours, ref);
      if (msg !== null) failures.push(msg);
    };
    // inference pass: logits of every position (BERT's training pass computes only the masked rows)
    model.forward(batch);
    expect(model.logitRows()).toBeNull();
    check('logits', model.logits().subarray(0, fx.expected.logits.length), fx.expected.logits);
    check('att', model.attention(), fx.expected.att);
    if (fx.expected.pooled !== null) check('pooled', (model as BertModel).pooled(), fx.expected.pooled);

    const loss = model.forward(goldenBatch(fx, true));
    model.zeroGrad();
    model.backward();
    check('loss', [loss], [fx.expected.loss]);
    for (const [name, g] of Object.entries(fx.expected.grads)) check(`grad ${name}`, model.grads.view(name), g);
    expect(failures, failures.join('\n')).toEqual([]);
  });

  it.each(fixtures.map((f) => [f.case, f] as const))('%s: two clipped AdamW steps match torch.optim.AdamW', (_case, fx) => {
    const model = goldenModel(k, fx);
    const t = fx.training;
    const opt = new AdamW(k, model.params.table, { beta1: t.beta1, beta2: t.beta2, eps: t.eps, weightDecay: t.weightDecay });
    const failures: string[] = [];
    const norms: number[] = [];
    for (let step = 0; step < 2; step++) {
      model.forward(goldenBatch(fx, true));
      model.zeroGrad();
      model.backward();
      norms.push(clipGradients(k, model.grads.data, t.maxNorm));
      opt.step(model.params.data, model.grads.data, t.lr);
    }
    const normError = compare('gradNorms', norms, t.gradNorms);
    if (normError !== null) failures.push(normError);
    // A gradient that is zero in exact arithmetic (the key bias: softmax ignores a constant added to every score of
    // a row) is rounding noise in both implementations, and Adam turns any noise into a full ±lr step; those entries
    // may differ by up to 2 steps of lr, every other entry gets the normal tolerance.
    for (const [name, w] of Object.entries(t.weightsAfter)) {
      const C = model.config.dModel;
      const zeroInTheory = w.map((_, i) => name.endsWith('attn.c_attn.bias') && i >= C && i < 2 * C);
      const msg = compare(`weight after 2 steps ${name}`, model.params.view(name), w, zeroInTheory, 2 * 2 * t.lr);
      if (msg !== null) failures.push(msg);
    }
    expect(failures, failures.join('\n')).toEqual([]);
  });
});

describe('golden fixtures', () => {
  it('cover both families, pre- and post-LN, padding, segments and sinusoidal positions', () => {
    const configs = fixtures.map((f) => f.config);
    expect(new Set(configs.map((c) => c.family))).toEqual(new Set(['gpt', 'bert']));
    expect(new Set(configs.map((c) => c.norm))).toEqual(new Set(['pre', 'post']));
    expect(new Set(configs.map((c) => c.positions))).toEqual(new Set(['learned', 'sinusoidal']));
    expect(fixtures.some((f) => f.inputs.keyMask?.includes(0))).toBe(true);
    expect(fixtures.some((f) => f.inputs.segments !== null)).toBe(true);
  });
});

describe('a safetensors file written by the PyTorch script (not by our writer)', () => {
  it('loads by tensor name and reproduces the golden logits and loss', () => {
    const fx = fixtures.find((f) => f.case === 'gpt_pre_learned') as Fixture;
    const { model } = loadModel(getKernels('js'), join(dir, 'gpt_pre_learned.safetensors'), { expectVocabSize: 11 });
    const { B, T } = fx.inputs;
    const loss = model.forward({ B, T, tokens: Int32Array.from(fx.inputs.tokens), targets: Int32Array.from(fx.inputs.targets) });
    expect(compare('logits', model.logits(), fx.expected.logits)).toBeNull();
    expect(compare('loss', [loss], [fx.expected.loss])).toBeNull();
  });
});

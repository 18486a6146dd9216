// Model behaviour beyond the golden cases: dropout gradients by finite differences, attention views, input checks.
import { describe, expect, it } from 'vitest';
import { jsKernels } from '../../../native-kernels/index';
import { BertModel } from '../../../main/ml/bert';
import { GptModel } from '../../../main/ml/gpt';
import { IGNORE_INDEX, type Batch, type TransformerModel } from '../../../main/ml/model';
import { Rng } from '../../../main/ml/rng';
import { tinyConfig } from './helpers';
import { nativeBackends } from '../kernels/helpers';

const k = jsKernels;

function randomize(model: TransformerModel, seed: number): void {
  const r = new Rng(seed);
  for (let i = 0; i < model.params.data.length; i++) model.params.data[i] = 0.3 * r.normal();
}

function gptBatch(): Batch {
  const tokens = Int32Array.from({ length: 2 * 6 }, (_, i) => (i * 7) % 12);
  const targets = Int32Array.from({ length: 2 * 6 }, (_, i) => (i * 5 + 1) % 12);
  return { B: 2, T: 6, tokens, targets };
}

function bertBatch(): Batch {
  const tokens = Int32Array.from([11, 3, 10, 5, 6, 0, 11, 10, 2, 8, 10, 7]);
  const targets = Int32Array.from([IGNORE_INDEX, IGNORE_INDEX, 4, IGNORE_INDEX, IGNORE_INDEX, IGNORE_INDEX, IGNORE_INDEX, 1, IGNORE_INDEX, IGNORE_INDEX, 9, IGNORE_INDEX]);
  const keyMask = Uint8Array.from([1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1]);
  return { B: 2, T: 6, tokens, targets, keyMask, segments: Int32Array.from([0, 0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 1]) };
}

describe.each([
  ['gpt pre-LN', () => new GptModel(k, tinyConfig('gpt', { dModel: 8, dFF: 16, dropout: 0.2 })), gptBatch],
  ['bert post-LN', () => new BertModel(k, tinyConfig('bert', { dModel: 8, dFF: 16, dropout: 0.2, norm: 'post', typeVocabSize: 2 })), bertBatch],
] as const)('%s with dropout 0.2', (_name, make, batchOf) => {
  it('backward matches central finite differences of the loss under the same dropout masks', () => {
    const model = make();
    randomize(model, 3);
    const batch = batchOf();
    const opts = { train: true, step: 7 };
    model.forward(batch, opts);
    model.zeroGrad();
    model.backward();
    const analytic = Float32Array.from(model.grads.data);
    const names = ['wte', 'h.0.attn.c_attn.weight', 'h.1.mlp.c_fc.bias', 'h.0.ln_1.weight', model.config.family === 'gpt' ? 'ln_f.bias' : 'mlm.dense.weight'];
    const r = new Rng(17);
    const failures: string[] = [];
    for (const name of names) {
      const spec = model.params.table.get(name);
      for (let j = 0; j < 4; j++) {
        const i = spec.offset + r.int(spec.size);
        const keep = model.params.data[i];
        const h = 1e-2;
        model.params.data[i] = keep + h;
        const up = model.forward(batch, opts);
        model.params.data[i] = keep - h;
        const down = model.forward(batch, opts);
        model.params.data[i] = keep;
        const numeric = (up - down) / (2 * h);
        if (Math.abs(numeric - analytic[i]) > 2e-3 + 5e-2 * Math.abs(numeric)) failures.push(`${name}[${i - spec.offset}] analytic ${analytic[i]} numeric ${numeric}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('draws the same masks for the same step, new masks for a new step, and none at evaluation', () => {
    const model = make();
    randomize(model, 4);
    const batch = batchOf();
    const a = model.forward(batch, { train: true, step: 1 });
    expect(model.forward(batch, { train: true, step: 1 })).toBe(a);
    expect(model.forward(batch, { train: true, step: 2 })).not.toBe(a);
    const e1 = model.forward(batch, { train: false, step: 1 });
    expect(model.forward(batch, { train: false, step: 2 })).toBe(e1);
    expect(e1).not.toBe(a);
  });
});

describe('attention probabilities', () => {
  it('GPT: every row sums to 1 and no query attends to a later key', () => {
    const model = new GptModel(k, tinyConfig('gpt'));
    randomize(model, 5);
    model.forward(gptBatch());
    const { nLayer: L, nHead: NH } = model.config;
    const att = model.attention();
    expect(att.length).toBe(L * 2 * NH * 6 * 6);
    for (let row = 0; row < att.length / 6; row++) {
      const q = row % 6;
      let sum = 0;
      for (let key = 0; key < 6; key++) {
        const p = att[row * 6 + key];
        if (key > q) expect(p).toBe(0);
        sum += p;
      }
      expect(sum).toBeCloseTo(1, 5);
    }
    expect(model.attention(1)).toEqual(att.subarray(att.length / 2));
  });

  it('BERT: padded keys get exactly zero probability in every layer and head', () => {
    const model = new BertModel(k, tinyConfig('bert', { typeVocabSize: 2 }));
    randomize(model, 6);
    model.forward(bertBatch());
    for (let l = 0; l < model.config.nLayer; l++) {
      const att = model.attention(l);
      for (let h = 0; h < model.config.nHead; h++) {
        for (let q = 0; q < 6; q++) expect(att[((0 * model.config.nHead + h) * 6 + q) * 6 + 5]).toBe(0);
      }
    }
  });
});

describe('input checks', () => {
  it('refuses sequences longer than the context, wrong token counts and segments for a model without them', () => {
    const gpt = new GptModel(k, tinyConfig('gpt'));
    expect(() => gpt.forward({ B: 1, T: 17, tokens: new Int32Array(17), targets: null }))
      .toThrow(/A batch of 1 × 17 tokens does not fit this model \(context length 16\)/);
    expect(() => gpt.forward({ B: 2, T: 3, tokens: new Int32Array(5), targets: null })).toThrow(/holds 5 tokens, expected B × T = 6/);
    expect(() => gpt.forward({ B: 1, T: 2, tokens: new Int32Array(2), targets: null, segments: new Int32Array(2) })).toThrow(/no segment embeddings/);
    expect(() => gpt.forward({ B: 1, T: 2, tokens: new Int32Array(2), targets: Int32Array.from([3, 12]) }))
      .toThrow(/Target id 12 at position 1 is outside the model's vocabulary of 12 \(use -100 for positions without a target\)/);
    expect(() => gpt.backward()).toThrow(/backward\(\) needs a forward\(\) with targets first/);
  });
});

describe.each([...nativeBackends(), { name: 'js', kernels: () => jsKernels }])('BERT last block on the rows with a target only ($name)', ({ kernels }) => {
  it.each([['pre', 0], ['post', 0], ['pre', 0.2], ['post', 0.2]] as const)('%s-LN, dropout %s: the full pass\'s loss, logits and every gradient, to float rounding', (norm, dropout) => {
    const kk = kernels();
    const model = new BertModel(kk, tinyConfig('bert', { nLayer: 3, norm, dropout }));
    randomize(model, 7);
    const r = new Rng(3);
    const B = 4, T = 16;
    const tokens = Int32Array.from({ length: B * T }, () => 1 + Math.floor(r.next() * 11));
    // ~15% targets, none in batch element 2 (its rows and keys still feed nothing above the last block's keys)
    const targets = Int32Array.from({ length: B * T }, (_, i) => ((r.next() < 0.15 || i === 5) && Math.floor(i / T) !== 2 ? tokens[i] : IGNORE_INDEX));
    const keyMask = Uint8Array.from({ length: B * T }, (_, i) => (i % T < T - 2 || i < T ? 1 : 0));
    const pass = (rowsOnly: boolean): { loss: number; logits: Float32Array; grads: Float32Array } => {
      model.lossRowsOnly = rowsOnly;
      // a training pass: with dropout, both passes draw the same masks (seeded by the step)
      const loss = model.forward({ B, T, tokens, targets, keyMask }, { train: true, step: 3 });
      const logits = model.logits().slice(0, (model.logitRows() as Int32Array).length * model.config.vocabSize);
      model.zeroGrad();
      model.backward();
      return { loss, logits, grads: model.grads.data.slice() };
    };
    const full = pass(false);
    const rows = pass(true);
    expect(Math.abs(rows.loss - full.loss)).toBeLessThan(1e-6 * Math.abs(full.loss));
    const logitScale = Math.max(...Array.from(full.logits, Math.abs));
    for (let i = 0; i < full.logits.length; i++) expect(Math.abs(rows.logits[i] - full.logits[i]) / logitScale, `logits[${i}]`).toBeLessThan(1e-5);
    let checked = 0;
    for (const spec of model.params.table.specs) {
      const a = full.grads.subarray(spec.offset, spec.offset + spec.size);
      const b = rows.grads.subarray(spec.offset, spec.offset + spec.size);
      if (spec.name.startsWith('pooler.')) continue; // no gradient in MLM training
      const scale = Math.max(...Array.from(a, Math.abs));
      expect(scale, `${spec.name} has a gradient`).toBeGreaterThan(0);
      for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i]) / scale, `${spec.name}[${i}]`).toBeLessThan(2e-5);
      checked += 1;
    }
    expect(checked).toBeGreaterThan(20);
    // The pooler reads every sequence's [CLS] state, which that pass did not compute.
    expect(() => model.pooled()).toThrow(/pooled\(\) reads every sequence's \[CLS\] state/);
    model.forward({ B, T, tokens, targets: null, keyMask });
    expect(model.pooled().length).toBe(B * model.config.dModel);
  });
});

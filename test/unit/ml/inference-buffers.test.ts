// A forward pass without targets (inference) shares the per-layer temporaries across layers; what the viewers and
// analyses read (logits, attention, hidden states, qkv) must be exactly what a full forward with targets produces.
import { describe, expect, it } from 'vitest';
import { jsKernels } from '../../../native-kernels/index';
import { createModel } from '../../../main/ml/checkpoint';
import type { TransformerModel } from '../../../main/ml/model';
import { BertModel } from '../../../main/ml/bert';
import type { ModelFamily, NormPlacement } from '../../../common/model-config';
import { tinyConfig } from './helpers';

const cases: { family: ModelFamily; norm: NormPlacement }[] = [
  { family: 'gpt', norm: 'pre' }, { family: 'gpt', norm: 'post' }, { family: 'bert', norm: 'pre' }, { family: 'bert', norm: 'post' },
];

/** Copies of every per-layer view a reader may use after a forward, keyed by name. */
function readable(model: TransformerModel): Map<string, Float32Array> {
  const c = model.config;
  const out = new Map<string, Float32Array>();
  for (let l = 0; l < c.nLayer; l++) {
    out.set(`h.${l}.qkv`, model.acts.view(`h.${l}.qkv`).slice());
    const block = c.norm === 'pre' ? `h.${l}.res2` : `h.${l}.ln_2`;
    out.set(block, model.acts.view(block).slice());
    out.set(`att ${l}`, model.attention(l).slice());
  }
  out.set(c.norm === 'pre' ? 'ln_f' : 'encoded', model.acts.view(c.norm === 'pre' ? 'ln_f' : 'encoded').slice());
  return out;
}

describe.each(cases)('$family $norm-LN forward without targets', ({ family, norm }) => {
  it('gives the same logits, attention, hidden states and qkv as a forward with targets', () => {
    const config = tinyConfig(family, { norm, nLayer: 3 });
    const model = createModel(jsKernels, config);
    // BERT's training pass computes its last block for the rows with a target only; compare with the full one here
    // (model.test.ts compares the two).
    if (model instanceof BertModel) model.lossRowsOnly = false;
    const [B, T] = [2, 9];
    const tokens = Int32Array.from({ length: B * T }, (_, i) => (i * 5 + 1) % config.vocabSize);
    // Every position has a target, so BERT's head also covers all rows and its logits line up with inference's.
    const targets = family === 'gpt'
      ? Int32Array.from({ length: B * T }, (_, i) => (i * 5 + 6) % config.vocabSize)
      : tokens.slice();
    const loss = model.forward({ B, T, tokens, targets }, { train: false });
    expect(Number.isFinite(loss)).toBe(true);
    const full = readable(model);
    const fullLogits = model.logits().slice(0, B * T * config.vocabSize);

    // Scribble over everything, so a view the inference pass fails to write shows up as a mismatch.
    model.acts.data.fill(Number.NaN);
    expect(Number.isNaN(model.forward({ B, T, tokens, targets: null }, { train: false }))).toBe(true);
    const lean = readable(model);
    for (const [name, values] of full) expect(Array.from(lean.get(name) as Float32Array), name).toEqual(Array.from(values));
    expect(Array.from(model.logits().slice(0, B * T * config.vocabSize))).toEqual(Array.from(fullLogits));
  });
});

describe('backward after an inference forward', () => {
  it('is refused, since the shared temporaries no longer hold each layer', () => {
    const config = tinyConfig('gpt');
    const model = createModel(jsKernels, config);
    model.forward({ B: 1, T: 4, tokens: Int32Array.of(1, 2, 3, 4), targets: null });
    expect(() => model.backward()).toThrow('backward() needs a forward() with targets first.');
  });
});

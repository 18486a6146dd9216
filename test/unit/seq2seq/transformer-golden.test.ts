// Golden test: the Transformer encoder-decoder against PyTorch in float64 (make_transformer_golden.py, run here):
// logits, loss, every block's cross-attention and every parameter's gradient, on the JS reference and the native
// kernels, with source padding and a padded target. Tolerance |ours - torch| <= 1e-5 + 1e-4 |torch|.
import { describe, expect, it } from 'vitest';
import { getKernels, type Kernels } from '../../../native-kernels/index';
import { validateSeq2seqConfig, type TransformerSeq2seqConfig } from '../../../common/seq2seq-config';
import { TransformerSeq2seq } from '../../../main/ml/seq2seq/transformer';
import { expectGolden, runReference } from './helpers';

interface Golden {
  config: Record<string, unknown>;
  inputs: { B: number; S: number; T: number; src: number[]; srcLen: number[]; tgtIn: number[]; tgtOut: number[] };
  weights: Record<string, { shape: number[]; data: number[] }>;
  expected: { loss: number; logits: number[]; cross: number[]; grads: Record<string, number[]> };
}

const g = runReference<Golden>('make_transformer_golden.py');
const backends: Kernels[] = [getKernels('js')];
if (getKernels('native').backend !== 'js') backends.push(getKernels('native'));

describe.each(backends.map((k) => [k.backend, k] as const))('Transformer encoder-decoder vs PyTorch on %s kernels', (_n, k) => {
  it('logits, loss, cross-attention and every gradient match', () => {
    const model = new TransformerSeq2seq(k, validateSeq2seqConfig(g.config) as TransformerSeq2seqConfig, false);
    expect(model.params.table.specs.map((s) => s.name).sort()).toEqual(Object.keys(g.weights).sort());
    for (const s of model.params.table.specs) {
      expect(s.shape).toEqual(g.weights[s.name].shape);
      model.params.view(s.name).set(g.weights[s.name].data);
    }
    const { B, S, T } = g.inputs;
    const batch = { B, S, T, src: Int32Array.from(g.inputs.src), srcLen: Int32Array.from(g.inputs.srcLen),
      tgtIn: Int32Array.from(g.inputs.tgtIn), tgtOut: Int32Array.from(g.inputs.tgtOut) };
    const loss = model.forward(batch, { train: true });
    expectGolden('loss', [loss], [g.expected.loss]);
    expectGolden('logits', model.logits(), g.expected.logits);
    expectGolden('cross-attention', model.crossAttention().weights, g.expected.cross);
    model.zeroGrad();
    model.backward();
    for (const s of model.params.table.specs) expectGolden(`d ${s.name}`, model.grads.view(s.name), g.expected.grads[s.name]);
  });
});

// Golden test: RNN encoder-decoders against PyTorch in float64 (make_rnn_seq2seq_golden.py, run here; torch.nn.GRU and
// nn.LSTM with packed padded sources): without attention and with each alignment function, one and two directions,
// one and two layers. Logits, loss, attention weights and every parameter's gradient, on the JS reference and the
// native kernels. Tolerance |ours - torch| <= 1e-5 + 1e-4 |torch| (ours runs in float32).
import { describe, expect, it } from 'vitest';
import { getKernels, type Kernels } from '../../../native-kernels/index';
import { seq2seqParameterCount, validateSeq2seqConfig, type RnnSeq2seqConfig } from '../../../common/seq2seq-config';
import { RnnSeq2seq } from '../../../main/ml/seq2seq/rnn-seq2seq';
import { expectGolden, runReference } from './helpers';

interface Case {
  config: Record<string, unknown>;
  inputs: { B: number; S: number; T: number; src: number[]; srcLen: number[]; tgtIn: number[]; tgtOut: number[] };
  weights: Record<string, { shape: number[]; data: number[] }>;
  expected: { loss: number; logits: number[]; att: number[] | null; grads: Record<string, number[]> };
}

const golden = runReference<{ cases: Case[] }>('make_rnn_seq2seq_golden.py');
const backends: Kernels[] = [getKernels('js')];
if (getKernels('native').backend !== 'js') backends.push(getKernels('native'));
const label = (c: Case): string => {
  const x = c.config;
  return `${String(x.cell)}, attention ${String(x.attention)}, ${String(x.layers)} layer(s), ${x.bidirectional ? 'bidirectional' : 'one direction'}`;
};

describe.each(backends.map((k) => [k.backend, k] as const))('RNN encoder-decoders vs PyTorch on %s kernels', (_n, k) => {
  it.each(golden.cases.map((c) => [label(c), c] as const))('%s', (_label, c) => {
    const config = validateSeq2seqConfig(c.config) as RnnSeq2seqConfig;
    const model = new RnnSeq2seq(k, config, false);
    expect(model.params.table.specs.map((s) => s.name).sort()).toEqual(Object.keys(c.weights).sort());
    expect(model.params.table.total).toBe(seq2seqParameterCount(config));
    for (const s of model.params.table.specs) {
      expect(s.shape).toEqual(c.weights[s.name].shape);
      model.params.view(s.name).set(c.weights[s.name].data);
    }
    const { B, S, T } = c.inputs;
    const batch = { B, S, T, src: Int32Array.from(c.inputs.src), srcLen: Int32Array.from(c.inputs.srcLen),
      tgtIn: Int32Array.from(c.inputs.tgtIn), tgtOut: Int32Array.from(c.inputs.tgtOut) };
    const loss = model.forward(batch, { train: true });
    expectGolden('loss', [loss], [c.expected.loss]);
    expectGolden('logits', model.logits(), c.expected.logits);
    if (c.expected.att) expectGolden('attention', model.crossAttention()?.weights ?? [], c.expected.att);
    else expect(model.crossAttention()).toBeNull();
    model.zeroGrad();
    model.backward();
    for (const s of model.params.table.specs) expectGolden(`d ${s.name}`, model.grads.view(s.name), c.expected.grads[s.name]);
  });
});

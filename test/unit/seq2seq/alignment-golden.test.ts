// Golden test: Luong attention with each alignment function (dot, general, concat, scaled, location) against PyTorch
// in float64 (make_alignment_golden.py, run here): scores, weights, context, attentional state and every gradient, on
// the JS reference and the native kernels. Tolerance |ours - torch| <= 1e-5 + 1e-4 |torch| (ours runs in float32).
import { describe, it } from 'vitest';
import { getKernels, type Kernels } from '../../../native-kernels/index';
import { LuongAttention, addAttentionParameters, type AlignmentFunction } from '../../../main/ml/seq2seq/alignment';
import { NamedBuffer, TensorTable } from '../../../main/ml/params';
import { expectGolden, runReference } from './helpers';

interface Case {
  fn: AlignmentFunction;
  dims: { B: number; T: number; S: number; Hd: number; He: number; A: number; Smax: number };
  inputs: { dec: number[]; enc: number[]; srcLen: number[]; R: number[] };
  weights: Record<string, { shape: number[]; data: number[] }>;
  expected: { scores: number[]; att: number[]; ctx: number[]; out: number[]; grads: Record<string, number[]> };
}

const golden = runReference<{ cases: Case[] }>('make_alignment_golden.py');
const backends: Kernels[] = [getKernels('js')];
if (getKernels('native').backend !== 'js') backends.push(getKernels('native'));

describe.each(backends.map((k) => [k.backend, k] as const))('alignment functions vs PyTorch on %s kernels', (_name, k) => {
  it.each(golden.cases.map((c) => [c.fn, c] as const))('%s: scores, weights, context, output and gradients', (_fn, c) => {
    const { B, T, S, Hd, He, A, Smax } = c.dims;
    const table = new TensorTable();
    const shape = { fn: c.fn, decoderSize: Hd, encoderSize: He, attentionSize: A, maxSourceLength: Smax };
    addAttentionParameters(table, 'attn.', shape);
    const params = new NamedBuffer(table);
    const grads = new NamedBuffer(table);
    for (const s of table.specs) params.view(s.name).set(c.weights[s.name].data);
    const layer = new LuongAttention(k, shape, params, grads, 'attn.');
    const dec = Float32Array.from(c.inputs.dec), enc = Float32Array.from(c.inputs.enc);
    const out = layer.forward(dec, enc, Int32Array.from(c.inputs.srcLen), B, T, S);
    expectGolden('scores', layer.scores(), c.expected.scores);
    expectGolden('att', layer.weights(), c.expected.att);
    expectGolden('ctx', layer.context(), c.expected.ctx);
    expectGolden('out', out, c.expected.out);
    const { ddec, denc } = layer.backward(Float32Array.from(c.inputs.R));
    expectGolden('d dec', ddec, c.expected.grads.dec);
    expectGolden('d enc', denc, c.expected.grads.enc);
    for (const s of table.specs) expectGolden(`d ${s.name}`, grads.view(s.name), c.expected.grads[s.name]);
  });
});

// freezeForInference: a model whose linear weights are packed once must give exactly the trainable model's outputs
// (logits, attention, loss, BERT's pooler) on every backend, at 1 and 2 threads, and must refuse backward().
import { describe, expect, it } from 'vitest';
import { jsKernels, type Kernels } from '../../../native-kernels/index';
import { createModel } from '../../../main/ml/checkpoint';
import type { BertModel } from '../../../main/ml/bert';
import type { ModelFamily, NormPlacement } from '../../../common/model-config';
import type { Batch, TransformerModel } from '../../../main/ml/model';
import { nativeBackends } from '../kernels/helpers';
import { tinyConfig } from './helpers';

const backends: { name: string; kernels: () => Kernels }[] = [...nativeBackends(), { name: 'js', kernels: () => jsKernels }];
const cases: { family: ModelFamily; norm: NormPlacement }[] = [
  { family: 'gpt', norm: 'pre' }, { family: 'gpt', norm: 'post' }, { family: 'bert', norm: 'pre' }, { family: 'bert', norm: 'post' },
];

function same(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

function batchOf(family: ModelFamily, B: number, T: number, vocab: number, withTargets: boolean): Batch {
  const tokens = Int32Array.from({ length: B * T }, (_, i) => (i * 7 + 3) % vocab);
  const targets = withTargets ? Int32Array.from({ length: B * T }, (_, i) => (i % 3 === 0 ? (i * 5 + 1) % vocab : -100)) : null;
  // BERT: the second sequence ends in two padding positions
  const keyMask = family === 'bert' ? Uint8Array.from({ length: B * T }, (_, i) => (i >= B * T - 2 ? 0 : 1)) : null;
  return { B, T, tokens, targets, keyMask };
}

describe.each(backends)('$name frozen (packed) inference models', ({ kernels }) => {
  it.each(cases)('$family $norm-LN gives the trainable model\'s outputs bit for bit', ({ family, norm }) => {
    const k = kernels();
    const before = k.getThreads();
    // wide enough (dModel 48, dFF 112, vocab 70) for edge slivers and a column split of the head
    const config = tinyConfig(family, { norm, nLayer: 2, dModel: 48, nHead: 4, dFF: 112, vocabSize: 70 });
    const plain = createModel(k, config);
    const frozen = createModel(k, config, false);
    frozen.params.data.set(plain.params.data);
    frozen.freezeForInference();
    // A packed model always computes every row; so must the trainable one here (BERT's pass with targets would
    // otherwise run its last block for the rows with a target only, which model.test.ts covers).
    if (family === 'bert') (plain as BertModel).lossRowsOnly = false;
    expect(plain.inferenceOnly).toBe(false);
    expect(frozen.inferenceOnly).toBe(true);
    try {
      for (const threads of [1, 2]) {
        k.setThreads(threads);
        for (const withTargets of [false, true]) {
          const batch = batchOf(family, 2, 16, config.vocabSize, withTargets);
          const run = (m: TransformerModel): number => m.forward(batch, { train: false });
          const lossPlain = run(plain);
          const lossFrozen = run(frozen);
          const what = `${threads} threads, ${withTargets ? 'with' : 'without'} targets`;
          expect(Object.is(lossFrozen, lossPlain), `loss, ${what}`).toBe(true);
          expect(same(frozen.logits(), plain.logits()), `logits, ${what}`).toBe(true);
          expect(same(frozen.attention(), plain.attention()), `attention, ${what}`).toBe(true);
          if (family === 'bert') {
            expect(same((frozen as BertModel).pooled(), (plain as BertModel).pooled()), `pooler, ${what}`).toBe(true);
          }
        }
      }
    } finally {
      k.setThreads(before);
    }
  });

  it('refuses backward() once frozen', () => {
    const model = createModel(kernels(), tinyConfig('gpt'));
    model.freezeForInference();
    model.forward(batchOf('gpt', 1, 8, 12, true), { train: false });
    expect(() => model.backward()).toThrow('loaded for inference only');
  });
});

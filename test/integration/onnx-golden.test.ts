// The exported ONNX model run by onnxruntime against PyTorch's float64 outputs (test/fixtures/golden, written by
// make_golden.py): every GPT/BERT variant there, batch 2 with padding and segment ids, logits and attention.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getKernels } from '../../native-kernels/index';
import { createModel } from '../../main/ml/checkpoint';
import { validateConfig } from '../../common/model-config';
import { buildOnnx } from '../../main/onnx/export';
import { int64Tensor, openSession, type OnnxTensor } from '../../main/onnx/runtime';
import { maxAbsDiff } from '../unit/onnx/fixtures';

interface Fixture {
  case: string;
  config: Record<string, unknown>;
  inputs: { B: number; T: number; tokens: number[]; keyMask: number[] | null; segments: number[] | null };
  weights: Record<string, { shape: number[]; data: number[] }>;
  expected: { logits: number[]; att: number[] };
}

const dir = join(import.meta.dirname, '..', 'fixtures', 'golden');
const fixtures: Fixture[] = readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
  .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Fixture);

describe('ONNX export vs PyTorch golden outputs', () => {
  it('has fixtures to check', () => expect(fixtures.length).toBeGreaterThanOrEqual(6));

  for (const fx of fixtures) {
    it(fx.case, async () => {
      const config = validateConfig(fx.config);
      const model = createModel(getKernels(), config, false);
      for (const spec of model.params.table.specs) model.params.view(spec.name).set(fx.weights[spec.name].data);
      const { B, T } = fx.inputs;
      const feeds: Record<string, OnnxTensor> = { input_ids: int64Tensor(fx.inputs.tokens, [B, T]) };
      if (config.family === 'bert') {
        feeds.attention_mask = int64Tensor(fx.inputs.keyMask ?? new Array<number>(B * T).fill(1), [B, T]);
        if (config.typeVocabSize > 0) feeds.token_type_ids = int64Tensor(fx.inputs.segments ?? new Array<number>(B * T).fill(0), [B, T]);
      }
      const session = await openSession(buildOnnx(model, '{}').bytes, { threads: 1 });
      const out = await session.run(feeds);
      await session.close();
      expect(maxAbsDiff(out.logits.data as Float32Array, fx.expected.logits)).toBeLessThan(1e-4);
      const n = B * config.nHead * T * T;
      for (let l = 0; l < config.nLayer; l++) {
        expect(maxAbsDiff(out[`attentions.${l}`].data as Float32Array, fx.expected.att.slice(l * n, (l + 1) * n))).toBeLessThan(1e-4);
      }
    });
  }
});

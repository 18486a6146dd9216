// RNN language-model checkpoints: a saved folder rebuilds the same model (same logits) and the trainer state to resume,
// and a folder of another format is refused by name.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getKernels } from '../../../native-kernels/index';
import { rnnPresetConfig } from '../../../common/rnn-config';
import { presetConfig } from '../../../common/model-config';
import { createModel, saveCheckpoint } from '../../../main/ml/checkpoint';
import { RnnLanguageModel } from '../../../main/ml/rnn/lm';
import { loadRnnCheckpoint, saveRnnCheckpoint } from '../../../main/ml/rnn/checkpoint';

const k = getKernels('native');
const root = mkdtempSync(join(tmpdir(), 'rnn-ckpt-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('RNN checkpoints', () => {
  for (const family of ['gru', 'lstm'] as const) {
    it(`${family}: weights, config and trainer state round-trip`, () => {
      const config = rnnPresetConfig('tiny', family, 30, 7, { nLayer: 1, dModel: 16, dEmbed: 8, contextLength: 8 });
      const model = new RnnLanguageModel(k, config);
      const n = model.params.data.length;
      const state = { step: 12, rng: [1, 2, 3, 4], optimizer: { m: new Float32Array(n).fill(0.5), v: new Float32Array(n).fill(0.25), t: 12 } };
      const dir = join(root, family);
      saveRnnCheckpoint(dir, model, state);
      const loaded = loadRnnCheckpoint(k, dir);
      expect(loaded.model.config).toEqual(config);
      expect(loaded.step).toBe(12);
      expect(loaded.state?.optimizer.t).toBe(12);
      expect(loaded.state?.rng).toEqual([1, 2, 3, 4]);
      const tokens = Int32Array.from({ length: 8 }, (_, i) => (i * 7) % 30);
      model.run(tokens, 1, 8, null);
      const want = model.logits().slice();
      loaded.model.run(tokens, 1, 8, null);
      expect(Array.from(loaded.model.logits())).toEqual(Array.from(want));
    });
  }
  it('refuses a Transformer checkpoint with a sentence naming the format', () => {
    const dir = join(root, 'gpt');
    saveCheckpoint(dir, createModel(k, presetConfig('tiny', 'gpt', 30, 1)));
    expect(() => loadRnnCheckpoint(k, dir)).toThrow(/is not an RNN language model/);
  });
});

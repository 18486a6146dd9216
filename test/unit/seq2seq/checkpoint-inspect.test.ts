// Seq2seq checkpoints and the alignment view's data: a saved folder rebuilds the same model (same outputs) and both
// vocabularies; a damaged or foreign checkpoint is refused by name; the matrix of an attention model has one row per
// emitted token (rows summing to 1) over the source tokens, a reference gives its own rows, and the model without
// attention is refused with a sentence; the decoder steps' weights are the softmax of their scores.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getKernels } from '../../../native-kernels/index';
import { generatePairs, splitPairs, TASKS } from '../../../main/data/pairs/tasks';
import { loadSeq2seqCheckpoint, saveSeq2seqCheckpoint } from '../../../main/ml/seq2seq/checkpoint';
import { createSeq2seqModel, preparePairs, variantConfig } from '../../../main/ml/seq2seq/experiment';
import { alignmentMatrix, decoderStepView } from '../../../main/ml/seq2seq/inspect';
import { makeBatch } from '../../../main/ml/seq2seq/batch';

const k = getKernels('native');
const root = mkdtempSync(join(tmpdir(), 'seq2seq-ckpt-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const set = generatePairs({ task: 'reverse', pairs: 200, minLength: 2, maxLength: 8, seed: 3 });
const data = preparePairs(splitPairs(set.pairs), TASKS.reverse, { maxSrcLen: 16, maxTgtLen: 16, policy: 'refuse' });
const sizes = { cell: 'gru' as const, embed: 8, hidden: 8, layers: 1, bidirectional: false, attentionSize: 8, dropout: 0, transformer: { dModel: 8, nHead: 2, nLayer: 1, dFF: 16 } };
const vocabs = { source: data.source.toJSON(), target: data.target.toJSON() };
const source = set.pairs[0].source;

describe('seq2seq checkpoints', () => {
  for (const variant of ['concat', 'transformer'] as const) {
    it(`${variant}: the folder rebuilds the same model and vocabularies`, () => {
      const model = createSeq2seqModel(k, variantConfig(variant, sizes, data, 5));
      const dir = join(root, variant);
      saveSeq2seqCheckpoint(dir, model, vocabs, 42);
      const loaded = loadSeq2seqCheckpoint(k, dir);
      expect(loaded.step).toBe(42);
      expect(loaded.vocabs.source.vocabSize).toBe(data.source.vocabSize);
      expect(loaded.model.config).toEqual(model.config);
      const batch = (): ReturnType<typeof makeBatch> => makeBatch(data.train.src, data.train.tgt, [0, 1, 2]);
      expect(loaded.model.forward(batch(), { train: false })).toBe(model.forward(batch(), { train: false }));
    });
  }
  it('refuses a file that is not a seq2seq checkpoint, naming it', () => {
    const dir = join(root, 'foreign');
    saveSeq2seqCheckpoint(dir, createSeq2seqModel(k, variantConfig('dot', sizes, data, 5)), vocabs, 1);
    writeFileSync(join(dir, 'model.safetensors'), Buffer.from([1, 2, 3]));
    expect(() => loadSeq2seqCheckpoint(k, dir)).toThrow(/model\.safetensors|foreign/);
  });
});

describe('alignment view data', () => {
  it('one row per emitted token over the source tokens, each a distribution', () => {
    const model = createSeq2seqModel(k, variantConfig('general', sizes, data, 5));
    const m = alignmentMatrix(model, { source: data.source, target: data.target }, source);
    const S = m.sourceTokens.length;
    expect(S).toBe(source.split(' ').length);
    expect(m.weights.length).toBe(m.targetTokens.length * S);
    for (let t = 0; t < m.targetTokens.length; t++) {
      expect(m.weights.slice(t * S, (t + 1) * S).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    }
    const ref = alignmentMatrix(model, { source: data.source, target: data.target }, source, { reference: set.pairs[0].target });
    expect(ref.mode).toBe('reference');
    expect(ref.targetTokens.length).toBe(set.pairs[0].target.split(' ').length + 1);
  });
  it('the Transformer gives every layer and head', () => {
    const model = createSeq2seqModel(k, variantConfig('transformer', sizes, data, 5));
    const m = alignmentMatrix(model, { source: data.source, target: data.target }, source);
    expect([m.layers, m.heads]).toEqual([1, 2]);
    expect(m.weights.length).toBe(2 * m.targetTokens.length * m.sourceTokens.length);
  });
  it('refuses the model without attention and an over-long source with sentences', () => {
    const none = createSeq2seqModel(k, variantConfig('none', sizes, data, 5));
    expect(() => alignmentMatrix(none, { source: data.source, target: data.target }, source)).toThrow(/no attention/);
    const dot = createSeq2seqModel(k, variantConfig('dot', sizes, data, 5));
    expect(() => alignmentMatrix(dot, { source: data.source, target: data.target }, Array(40).fill('a').join(' '))).toThrow(/40 tokens, more than this model's/);
  });
  it('decoder steps: weights are the softmax of the scores', () => {
    const model = createSeq2seqModel(k, variantConfig('concat', sizes, data, 5));
    const view = decoderStepView(model, { source: data.source, target: data.target }, source, 3);
    expect(view.steps.length).toBeGreaterThan(0);
    for (const s of view.steps) {
      const mx = Math.max(...s.scores);
      const e = s.scores.map((x) => Math.exp(x - mx));
      const z = e.reduce((a, b) => a + b, 0);
      e.forEach((v, j) => expect(s.weights[j]).toBeCloseTo(v / z, 5));
      expect(s.context.length).toBe(8);
      expect(s.top.length).toBe(3);
    }
  });
});

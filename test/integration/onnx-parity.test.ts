// Parity: the exported ONNX model run by onnxruntime-node against the native-kernel forward, for GPT and BERT,
// pre- and post-LN, learned and sinusoidal positions, batch 1 and a padded batch: logits and attention within 1e-4.
import { describe, expect, it } from 'vitest';
import { inferText } from '../../main/ml/inference';
import { buildOnnx } from '../../main/onnx/export';
import { checkParity, feedsFor, PARITY_TOLERANCE } from '../../main/onnx/parity';
import { int64Tensor, openSession } from '../../main/onnx/runtime';
import { livelyModel, maxAbsDiff, sampleTokenizer, SAMPLE_TEXT, smallConfig } from '../unit/onnx/fixtures';

const TEXT = 'To be, or not to be, that is the question';
const tokenizerJson = (): string => JSON.stringify(sampleTokenizer().toJSON());

describe('exported model vs native forward (batch 1)', () => {
  for (const family of ['gpt', 'bert'] as const) {
    for (const norm of ['pre', 'post'] as const) {
      for (const positions of ['learned', 'sinusoidal'] as const) {
        it(`${family}, ${norm}-LN, ${positions} positions`, async () => {
          const model = livelyModel(smallConfig(family, { norm, positions }));
          const { bytes } = buildOnnx(model, tokenizerJson());
          const report = await checkParity(model, sampleTokenizer(), bytes, TEXT, 1);
          expect(report.tokens).toBe(family === 'bert' ? TEXT.length + 1 : TEXT.length);
          expect(report.logits).toBeLessThan(PARITY_TOLERANCE);
          expect(report.attention).toBeLessThan(PARITY_TOLERANCE);
          expect(report.hidden).toBeLessThan(PARITY_TOLERANCE);
          expect(report.ok).toBe(true);
        });
      }
    }
  }

  it('a BERT sentence pair with segment ids matches too', async () => {
    const model = livelyModel(smallConfig('bert', { norm: 'post' }));
    const native = inferText(model, sampleTokenizer(), 'To be, or not', { pair: 'that is the question' });
    expect(native.tokens.some((t) => t.segment === 1)).toBe(true);
    const session = await openSession(buildOnnx(model, tokenizerJson()).bytes, { threads: 1 });
    const out = await session.run(feedsFor(native, model));
    expect(maxAbsDiff(native.logits, out.logits.data as Float32Array)).toBeLessThan(PARITY_TOLERANCE);
    await session.close();
  });
});

describe('dynamic batch and sequence axes', () => {
  it('a padded BERT batch of 3 matches the native forward with a key mask', async () => {
    const model = livelyModel(smallConfig('bert'));
    const tok = sampleTokenizer();
    const rows = SAMPLE_TEXT.slice(0, 3).map((t) => Array.from(tok.encode(t).ids));
    const T = Math.max(...rows.map((r) => r.length));
    const B = rows.length;
    const pad = tok.specialId('[PAD]');
    const ids = new Int32Array(B * T).fill(pad);
    const mask = new Uint8Array(B * T);
    rows.forEach((r, b) => { ids.set(r, b * T); mask.fill(1, b * T, b * T + r.length); });
    model.forward({ B, T, tokens: ids, targets: null, keyMask: mask, segments: null }, { train: false });
    const session = await openSession(buildOnnx(model, tokenizerJson()).bytes, { threads: 2 });
    const out = await session.run({
      input_ids: int64Tensor(ids, [B, T]), attention_mask: int64Tensor(mask, [B, T]), token_type_ids: int64Tensor(new Int32Array(B * T), [B, T]),
    });
    expect(out.logits.dims).toEqual([B, T, model.config.vocabSize]);
    expect(maxAbsDiff(model.logits(), out.logits.data as Float32Array)).toBeLessThan(PARITY_TOLERANCE);
    const n = B * model.config.nHead * T * T;
    for (let l = 0; l < model.config.nLayer; l++) {
      const onnxAtt = out[`attentions.${l}`].data as Float32Array;
      expect(maxAbsDiff(model.attention(l), onnxAtt)).toBeLessThan(PARITY_TOLERANCE);
      // padded keys get exactly zero weight in both
      for (let i = 0; i < n; i++) if (mask[Math.floor(i / (model.config.nHead * T * T)) * T + (i % T)] === 0) expect(onnxAtt[i]).toBe(0);
    }
    await session.close();
  });

  it('a GPT batch of 2 at the full context length matches, with a zero upper triangle', async () => {
    const model = livelyModel(smallConfig('gpt', { positions: 'sinusoidal' }));
    const T = model.config.contextLength;
    const B = 2;
    const ids = Int32Array.from({ length: B * T }, (_, i) => (i * 7 + 3) % model.config.vocabSize);
    model.forward({ B, T, tokens: ids, targets: null }, { train: false });
    const session = await openSession(buildOnnx(model, tokenizerJson()).bytes, { threads: 1 });
    const out = await session.run({ input_ids: int64Tensor(ids, [B, T]) });
    expect(maxAbsDiff(model.logits(), out.logits.data as Float32Array)).toBeLessThan(PARITY_TOLERANCE);
    const att = out['attentions.1'].data as Float32Array;
    expect(maxAbsDiff(model.attention(1), att)).toBeLessThan(PARITY_TOLERANCE);
    for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) expect(att[i * T + j]).toBe(0);
    await session.close();
  });

  it('onnxruntime refuses a sequence longer than the context, as the native model does', async () => {
    const model = livelyModel(smallConfig('gpt'));
    const session = await openSession(buildOnnx(model, tokenizerJson()).bytes, { threads: 1 });
    const T = model.config.contextLength + 1;
    await expect(session.run({ input_ids: int64Tensor(new Int32Array(T), [1, T]) })).rejects.toThrow(/could not run the model/);
    await session.close();
  });
});

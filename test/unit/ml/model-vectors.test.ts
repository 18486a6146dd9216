// The models' own vectors (main/ml/embeddings/model-vectors.ts): the token table and position table as rows of the
// model's parameters, contextual vectors as the hidden states inferText computes (specials left out), a shared prefix
// giving the same vectors in a causal GPT but not in a bidirectional BERT, and the errors for a bad layer or no text.
import { describe, expect, it } from 'vitest';
import { contextualSet, positionEmbeddingSet, sampleSentences, splitSentences, tokenEmbeddingSet } from '../../../main/ml/embeddings/model-vectors';
import { inferText } from '../../../main/ml/inference';
import { sinusoidalTable } from '../../../main/ml/params';
import { livelyModel, sampleTokenizer, smallConfig } from '../onnx/fixtures';

const ref = { runId: 3, runName: 'tiny', checkpoint: 'step-000100' };
const tok = sampleTokenizer();

describe('token and position tables', () => {
  const model = livelyModel(smallConfig('gpt'));
  it('one row per token, the rows of wte, specials marked', () => {
    const set = tokenEmbeddingSet(model, tok, ref);
    const C = model.config.dModel;
    expect(set.labels.length).toBe(tok.vocabSize);
    expect(set.dim).toBe(C);
    expect(Array.from(set.vectors)).toEqual(Array.from(model.params.view('wte').subarray(0, tok.vocabSize * C)));
    expect(set.labels[tok.specialId('[CLS]')]).toBe('[CLS]');
    expect(set.columns.kind[tok.specialId('[MASK]')]).toBe('special');
    const t = tok.encode('T').ids[0];
    expect(set.labels[t]).toBe('T');
    expect(set.columns.kind[t]).toBe('token');
    expect(set.key).toBe('run:3@step-000100#token');
  });
  it('learned positions are wpe, sinusoidal ones the fixed table', () => {
    const learned = positionEmbeddingSet(model, ref);
    expect(Array.from(learned.vectors)).toEqual(Array.from(model.params.view('wpe')));
    expect(learned.labels[5]).toBe('pos 5');
    const sin = livelyModel(smallConfig('bert', { positions: 'sinusoidal' }));
    const fixed = positionEmbeddingSet(sin, ref);
    expect(Array.from(fixed.vectors)).toEqual(Array.from(sinusoidalTable(sin.config.contextLength, sin.config.dModel)));
  });
});

describe('contextual vectors', () => {
  const texts = ['To be, or not', 'To sleep; to die'];
  for (const family of ['gpt', 'bert'] as const) {
    it(`${family}: every non-special token's hidden state at the layer`, () => {
      const model = livelyModel(smallConfig(family));
      const L = model.config.nLayer;
      const C = model.config.dModel;
      const set = contextualSet(model, tok, ref, texts, L);
      const first = inferText(model, tok, texts[0]);
      const real = first.tokens.filter((t) => !t.special);
      expect(set.labels.slice(0, real.length).join('')).toBe(texts[0].replace(/ /g, '·'));  // a space token shows as · (common/token-text)
      // the first row is the first real token of text 0 at layer L
      const at = first.tokens.findIndex((t) => !t.special);
      expect(Array.from(set.vectors.subarray(0, C))).toEqual(Array.from(first.hidden.subarray((L * first.T + at) * C, (L * first.T + at + 1) * C)));
      // the sentence column names each text by its number and opening words ("2: …"), for the colour legend
      expect(set.columns.sentence.filter((s) => String(s).startsWith('2: ')).length).toBe(inferText(model, tok, texts[1]).tokens.filter((t) => !t.special).length);
      expect(new Set(set.columns.layer)).toEqual(new Set([L]));
      expect(set.source).toEqual({ kind: 'contextual', runId: 3, checkpoint: 'step-000100', layer: L });
    });
  }

  it('"To" opens both texts: the same point in a causal GPT, two points in a bidirectional BERT', () => {
    const rowsOfT = (family: 'gpt' | 'bert') => {
      const model = livelyModel(smallConfig(family));
      const set = contextualSet(model, tok, ref, texts, model.config.nLayer);
      const C = set.dim;
      const [a, b] = [0, 1].map((s) => set.columns.sentence.findIndex((x) => String(x).startsWith(`${s + 1}: `)));
      expect(Math.min(a, b)).toBeGreaterThanOrEqual(0);
      return [set.vectors.subarray(a * C, (a + 1) * C), set.vectors.subarray(b * C, (b + 1) * C)];
    };
    const [ga, gb] = rowsOfT('gpt');
    expect(Array.from(ga)).toEqual(Array.from(gb));
    const [ba, bb] = rowsOfT('bert');
    let diff = 0;
    for (let c = 0; c < ba.length; c++) diff = Math.max(diff, Math.abs(ba[c] - bb[c]));
    expect(diff).toBeGreaterThan(1e-3);
  });

  it('a layer outside the model and an empty list are refused with a sentence', () => {
    const model = livelyModel(smallConfig('bert'));
    expect(() => contextualSet(model, tok, ref, texts, 3)).toThrow(/Layer 3 does not exist: this model has 2 layers. Choose 0 \(the embeddings\) to 2/);
    expect(() => contextualSet(model, tok, ref, ['  ', ''], 1)).toThrow(/no text to read contextual vectors from/);
  });
});

describe('held-out sentences', () => {
  it('splits after sentence marks (also Chinese) and at line breaks', () => {
    expect(splitSentences('To be. Or not!\nThat is it? 你好。我们走！')).toEqual(['To be.', 'Or not!', 'That is it?', '你好。', '我们走！']);
  });
  it('samples n in their order, the same for a seed', () => {
    const all = Array.from({ length: 50 }, (_, i) => `s${i}`);
    const a = sampleSentences(all, 5, 7);
    expect(a.length).toBe(5);
    expect(a).toEqual(sampleSentences(all, 5, 7));
    expect(a.map((s) => Number(s.slice(1)))).toEqual([...a.map((s) => Number(s.slice(1)))].sort((x, y) => x - y));
    expect(sampleSentences(all.slice(0, 3), 5, 1)).toEqual(['s0', 's1', 's2']);
  });
});

// inferText: the sequence as training builds it, truncation and bad input, and its outputs checked against
// hand-computed embeddings, LayerNorm + tied head logits and softmax top-k (float64 arithmetic in the test).
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getKernels } from '../../../native-kernels/index';
import { saveCheckpoint } from '../../../main/ml/checkpoint';
import { inferText, loadForInference, topKRows } from '../../../main/ml/inference';
import { LabError } from '../../../common/errors';
import { livelyModel, sampleTokenizer, smallConfig } from './fixtures';

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

function caught(fn: () => unknown): LabError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(LabError);
    return e as LabError;
  }
  throw new Error('expected a LabError');
}

describe('GPT inference', () => {
  const model = livelyModel(smallConfig('gpt'));
  const tok = sampleTokenizer();
  const text = 'To be, or not';
  const r = inferText(model, tok, text);
  const { T, C, V, L, NH } = r;

  it('reads the text as it is (no [BOS]), with offsets into the text', () => {
    expect(r.tokens.map((t) => t.id)).toEqual(Array.from(tok.encode(text).ids));
    expect(r.tokens.map((t) => text.slice(t.start, t.end)).join('')).toBe(text);
    expect(r.truncated).toBe(false);
    expect([r.logits.length, r.attention.length, r.hidden.length]).toEqual([T * V, L * NH * T * T, (L + 1) * T * C]);
  });

  it('gives attention rows that sum to 1 with an upper triangle of exactly 0', () => {
    for (let m = 0; m < L * NH; m++) {
      for (let i = 0; i < T; i++) {
        let sum = 0;
        for (let j = 0; j < T; j++) {
          const w = r.attention[(m * T + i) * T + j];
          if (j > i) expect(w).toBe(0);
          sum += w;
        }
        expect(sum).toBeCloseTo(1, 5);
      }
    }
  });

  it('hidden state 0 is token + position embedding, computed by hand', () => {
    const wte = model.params.view('wte');
    const wpe = model.params.view('wpe');
    r.tokens.forEach((t, i) => {
      for (let c = 0; c < C; c++) expect(r.hidden[i * C + c]).toBeCloseTo(wte[t.id * C + c] + wpe[i * C + c], 5);
    });
  });

  it('logits are ln_f(last hidden state) times wte^T, computed by hand in float64', () => {
    const wte = model.params.view('wte');
    const g = model.params.view('ln_f.weight');
    const b = model.params.view('ln_f.bias');
    for (const i of [0, T - 1]) {
      const h = Array.from(r.hidden.subarray((L * T + i) * C, (L * T + i + 1) * C));
      const mean = h.reduce((s, x) => s + x, 0) / C;
      const variance = h.reduce((s, x) => s + (x - mean) ** 2, 0) / C;
      const n = h.map((x, c) => ((x - mean) / Math.sqrt(variance + 1e-5)) * g[c] + b[c]);
      for (const v of [0, 5, V - 1]) {
        let logit = 0;
        for (let c = 0; c < C; c++) logit += n[c] * wte[v * C + c];
        expect(r.logits[i * V + v]).toBeCloseTo(logit, 3);
      }
    }
  });

  it('top-k holds the most likely ids with their softmax probabilities, best first', () => {
    const { k, ids, probs } = r.topK;
    expect(k).toBe(5);
    const row = Array.from(r.logits.subarray((T - 1) * V, T * V));
    const max = Math.max(...row);
    const z = row.reduce((s, x) => s + Math.exp(x - max), 0);
    const expected = row.map((x, id) => ({ id, p: Math.exp(x - max) / z })).sort((a, b) => b.p - a.p).slice(0, 5);
    expect(Array.from(ids.subarray((T - 1) * k, T * k))).toEqual(expected.map((e) => e.id));
    expected.forEach((e, j) => expect(probs[(T - 1) * k + j]).toBeCloseTo(e.p, 6));
  });

  it('top-k breaks ties by the lower id and caps k at the vocabulary', () => {
    const t = topKRows(Float32Array.of(1, 3, 3, 2, 0, 0, 0, 0), 2, 4, 3);
    expect(Array.from(t.ids)).toEqual([1, 2, 3, 0, 1, 2]);
    expect(Array.from(t.probs.subarray(3))).toEqual([0.25, 0.25, 0.25]);
    expect(topKRows(Float32Array.of(0, 1), 1, 2, 10).k).toBe(2);
  });

  it('truncates a text longer than the context and says so, or refuses it', () => {
    const long = 'to be or not to be '.repeat(4);
    const cut = inferText(model, tok, long);
    expect(cut.truncated).toBe(true);
    expect(cut.T).toBe(48);
    expect(cut.fullLength).toBe(long.length);
    const err = caught(() => inferText(model, tok, long, { window: 'error' }));
    expect(err.message).toBe(`The text is ${long.length} tokens long, more than the model's context of 48; shorten it or choose truncation.`);
  });

  it('shows a later window of a long text when asked, moved back to stay full near the end', () => {
    const long = 'to be or not to be '.repeat(4); // 76 characters, 76 char tokens, context 48
    const later = inferText(model, tok, long, { start: 10 });
    expect([later.windowStart, later.T, later.truncated]).toEqual([10, 48, true]);
    expect(later.tokens.map((t) => t.start)).toEqual(Array.from({ length: 48 }, (_, i) => 10 + i));
    // the same tokens as a forward of exactly that slice of the text: a window is the model reading that text
    const alone = inferText(model, tok, long.slice(10, 58));
    expect(Array.from(later.attention)).toEqual(Array.from(alone.attention));
    const end = inferText(model, tok, long, { start: 70 });
    expect([end.windowStart, end.tokens[47].end]).toEqual([28, long.length]);
    expect(inferText(model, tok, 'short', { start: 3 }).windowStart).toBe(0);
    expect(caught(() => inferText(model, tok, long, { start: -1 })).field).toBe('start');
    expect(caught(() => inferText(model, tok, long, { start: 1.5 })).message).toBe('The window start 1.5 must be a whole number of tokens from 0 up.');
  });

  it('refuses empty text and a pair, and shows characters outside the tokenizer as [UNK]', () => {
    expect(caught(() => inferText(model, tok, ' \n')).message).toBe('The text is empty; type at least one word to look inside the model.');
    expect(caught(() => inferText(model, tok, 'a', { pair: 'b' })).field).toBe('pair');
    expect(inferText(model, tok, 'to 床').tokens.map((t) => t.token)).toEqual(['t', 'o', ' ', '[UNK]']);
  });
});

describe('BERT inference', () => {
  const model = livelyModel(smallConfig('bert', { norm: 'post' }));
  const tok = sampleTokenizer();

  it('puts [CLS] first, as training does, and attends in both directions', () => {
    const r = inferText(model, tok, 'To be');
    expect(r.tokens.map((t) => t.token)).toEqual(['[CLS]', 'T', 'o', ' ', 'b', 'e']);
    expect(r.tokens[0]).toMatchObject({ special: true, start: -1, end: -1, segment: 0 });
    expect(r.attention[1]).toBeGreaterThan(0); // query 0 sees key 1
  });

  it('reads a pair as [CLS] a [SEP] b [SEP] with segments 0 and 1', () => {
    const r = inferText(model, tok, 'To', { pair: 'be' });
    expect(r.tokens.map((t) => `${t.token}/${t.segment}`)).toEqual(['[CLS]/0', 'T/0', 'o/0', '[SEP]/0', 'b/1', 'e/1', '[SEP]/1']);
    // hidden state 0 at 'b' (position 4) is ln_e(wte[b] + wpe[4] + wtt[1]): the segment-1 embedding was added
    const C = r.C;
    const P = (n: string): Float32Array => model.params.view(n);
    const x = Array.from({ length: C }, (_, c) => P('wte')[r.tokens[4].id * C + c] + P('wpe')[4 * C + c] + P('wtt')[C + c]);
    const mean = x.reduce((s, v) => s + v, 0) / C;
    const rstd = 1 / Math.sqrt(x.reduce((s, v) => s + (v - mean) ** 2, 0) / C + 1e-5);
    x.forEach((v, c) => expect(r.hidden[4 * C + c]).toBeCloseTo((v - mean) * rstd * P('ln_e.weight')[c] + P('ln_e.bias')[c], 4));
  });

  it('trims the longer sentence of a pair first', () => {
    const r = inferText(model, tok, 'a'.repeat(60), { pair: 'to be' });
    expect(r.T).toBe(48);
    expect(r.truncated).toBe(true);
    expect(r.tokens.filter((t) => t.segment === 1 && !t.special)).toHaveLength(5);
  });
});

describe('loading a checkpoint for inference', () => {
  it('loads model and tokenizer, and names a deleted file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'infer-ck-'));
    dirs.push(dir);
    const model = livelyModel(smallConfig('gpt'));
    saveCheckpoint(dir, model);
    writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(sampleTokenizer().toJSON()));
    const loaded = loadForInference(getKernels(), dir);
    expect(Array.from(loaded.model.params.data)).toEqual(Array.from(model.params.data));
    expect(inferText(loaded.model, loaded.tokenizer, 'To be').logits).toEqual(inferText(model, sampleTokenizer(), 'To be').logits);
    unlinkSync(join(dir, 'model.safetensors'));
    const err = caught(() => loadForInference(getKernels(), dir));
    expect(err.code).toBe('not_found');
    expect(err.message).toBe(`The checkpoint folder ${dir} has no model.safetensors; its files were deleted or moved. Choose another checkpoint of the run.`);
  });
});

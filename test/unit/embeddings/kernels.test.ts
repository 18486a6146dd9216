// The static-embedding kernels (Word2Vec/FastText, GloVe, co-occurrence counting): native AVX2 and portable paths
// against the JS reference, on small random corpora covering every mode. With one pool thread a native call's first
// part claims every block in order, as the reference trains them (each block seeded by its index), so both draw the
// same random numbers and differ only by float rounding
// (native sums in float32 with its own order and exp/log approximations; the reference in float64).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getEmbeddingKernels, jsEmbeddingKernels, type EmbeddingKernels, type Word2vecBuffers, type Word2vecOptions } from '../../../native-kernels/embeddings';
import { getKernels } from '../../../native-kernels/index';
import { expectClose, nativeBackends, rng } from '../kernels/helpers';
import { huffmanPaths } from '../../../main/ml/embeddings/huffman';
import { aliasTable } from '../../../main/ml/embeddings/vocab';
import { subwordTable } from '../../../main/ml/embeddings/subwords';

const backends = nativeBackends().map((b) => ({
  name: b.name,
  kernels: (): EmbeddingKernels => getEmbeddingKernels(b.name === 'native-avx2' ? 'native' : 'native-portable'),
}));

let threadsBefore = 1;
beforeAll(() => {
  threadsBefore = getKernels().getThreads();
  getKernels().setThreads(1);
});
afterAll(() => getKernels().setThreads(threadsBefore));

/** A Zipf-like random corpus of S sentences over V words (counts descending with the id, as a vocabulary). */
function corpus(seed: number, V: number, S: number, maxLen: number): { words: Int32Array; starts: Int32Array; counts: number[] } {
  const r = rng(seed);
  const words: number[] = [];
  const starts = [0];
  for (let s = 0; s < S; s++) {
    const L = 1 + Math.floor(r() * maxLen);
    for (let i = 0; i < L; i++) words.push(Math.min(V - 1, Math.floor(Math.pow(r(), 2.5) * V)));
    starts.push(words.length);
  }
  const counts = new Array<number>(V).fill(1);
  for (const w of words) counts[w]++;
  return { words: Int32Array.from(words), starts: Int32Array.from(starts), counts };
}

interface Mode {
  name: string;
  sg: boolean;
  hs: boolean;
  negative: number;
  fasttext: boolean;
  subsample: boolean;
  cbowMean?: boolean;
  D: number;
  parts: number;
  /** sentences (up to 12 words each): more than 10,000 words make several blocks for the parts to claim */
  sentences?: number;
}

const MODES: Mode[] = [
  { name: 'skip-gram, negative sampling', sg: true, hs: false, negative: 5, fasttext: false, subsample: true, D: 20, parts: 1 },
  { name: 'CBOW mean, negative sampling', sg: false, hs: false, negative: 3, fasttext: false, subsample: true, D: 13, parts: 1 },
  { name: 'CBOW sum, hierarchical softmax', sg: false, hs: true, negative: 0, fasttext: false, subsample: false, cbowMean: false, D: 8, parts: 1 },
  { name: 'skip-gram, softmax and negatives together, 3 parts over 5 blocks', sg: true, hs: true, negative: 2, fasttext: false, subsample: true, D: 9, parts: 3, sentences: 7000 },
  { name: 'FastText skip-gram', sg: true, hs: false, negative: 4, fasttext: true, subsample: true, D: 11, parts: 1 },
  { name: 'FastText CBOW, 2 parts over 3 blocks', sg: false, hs: false, negative: 5, fasttext: true, subsample: false, D: 8, parts: 2, sentences: 4000 },
];

function setup(m: Mode, seed: number): { b: Word2vecBuffers; o: Word2vecOptions } {
  const V = 40;
  const c = corpus(seed, V, m.sentences ?? 30, 12);
  const r = rng(seed + 1);
  const words = Array.from({ length: V }, (_, i) => `w${i}${'xyz'.slice(0, i % 4)}`);
  const sub = m.fasttext ? subwordTable(words, { minN: 2, maxN: 3, buckets: 50 }) : null;
  const rows = V + (sub?.usedBuckets.length ?? 0);
  const syn0 = Float32Array.from({ length: rows * m.D }, () => (r() - 0.5) / m.D);
  const alias = m.negative > 0 ? aliasTable(c.counts, 0.75) : null;
  const huff = m.hs ? huffmanPaths(c.counts.map((x, i) => x + (V - i))) : null;
  const keep = m.subsample ? Float32Array.from({ length: V }, (_, i) => (i < 5 ? 0.4 + 0.1 * i : 1)) : null;
  const b: Word2vecBuffers = {
    syn0, syn1neg: m.negative > 0 ? Float32Array.from({ length: V * m.D }, () => (r() - 0.5) * 0.1) : null,
    syn1: m.hs ? Float32Array.from({ length: (V - 1) * m.D }, () => (r() - 0.5) * 0.1) : null,
    words: c.words, starts: c.starts, keep, aliasProb: alias?.prob ?? null, alias: alias?.alias ?? null,
    codes: huff?.codes ?? null, points: huff?.points ?? null, codeStarts: huff?.starts ?? null,
    subStarts: sub?.starts ?? null, subRows: sub?.rows ?? null,
  };
  const o: Word2vecOptions = {
    V, D: m.D, window: 3, negative: m.negative, sg: m.sg, hs: m.hs, cbowMean: m.cbowMean ?? true, alpha: 0.05,
    minAlpha: 0.001, wordsBefore: 100, wordsTotal: 2000, seed: 1234 + seed, parts: m.parts,
  };
  return { b, o };
}

function clone(b: Word2vecBuffers): Word2vecBuffers {
  return { ...b, syn0: b.syn0.slice(), syn1neg: b.syn1neg?.slice() ?? null, syn1: b.syn1?.slice() ?? null };
}

describe.each(backends)('word2vecTrain on $name matches the JS reference', ({ kernels }) => {
  for (const m of MODES) {
    it(m.name, () => {
      const { b, o } = setup(m, MODES.indexOf(m));
      const want = clone(b), got = clone(b);
      const ws = jsEmbeddingKernels.word2vecTrain(want, o);
      const gs = kernels().word2vecTrain(got, o);
      expect(gs.words).toBe(ws.words);
      expect(gs.effective).toBe(ws.effective);
      expect(gs.predictions).toBe(ws.predictions);
      expect(gs.loss).toBeCloseTo(ws.loss, 2);
      expectClose(got.syn0, want.syn0, 1e-3, 2e-5, 'syn0');
      if (want.syn1neg) expectClose(got.syn1neg!, want.syn1neg, 1e-3, 2e-5, 'syn1neg');
      if (want.syn1) expectClose(got.syn1!, want.syn1, 1e-3, 2e-5, 'syn1');
      // the call changed something
      expect(Math.max(...got.syn0.map((v, i) => Math.abs(v - b.syn0[i])))).toBeGreaterThan(1e-4);
    });
  }

  it('the same seed gives the same vectors; another seed others', () => {
    const { b, o } = setup(MODES[0], 7);
    const a = clone(b), c = clone(b), d = clone(b);
    kernels().word2vecTrain(a, o);
    kernels().word2vecTrain(c, o);
    kernels().word2vecTrain(d, { ...o, seed: o.seed + 1 });
    expect(Array.from(c.syn0)).toEqual(Array.from(a.syn0));
    expect(Array.from(d.syn0)).not.toEqual(Array.from(a.syn0));
  });
});

describe('word2vecTrain argument checks', () => {
  const k = getEmbeddingKernels();
  it('names a word id outside the vocabulary, a short buffer and an impossible setting', () => {
    const { b, o } = setup(MODES[0], 3);
    const words = b.words.slice();
    words[5] = 40;
    expect(() => k.word2vecTrain({ ...clone(b), words }, o)).toThrow(/words\[5\] is 40, outside \[0, 40\)/);
    expect(() => k.word2vecTrain({ ...clone(b), syn1neg: new Float32Array(10) }, o)).toThrow(/syn1neg has 10 floats, needs V \* D = 800/);
    expect(() => k.word2vecTrain(clone(b), { ...o, negative: 0 })).toThrow(/neither hierarchical softmax nor negative sampling/);
    const starts = b.starts.slice();
    starts[3] = starts[2] - 1;
    expect(() => k.word2vecTrain({ ...clone(b), starts }, o)).toThrow(/starts\[3\] .* must not decrease/);
  });
});

describe('word2vecTrain follows the gradient of its loss (finite differences)', () => {
  // One sentence [0, 1], window 1: two predictions. Every negative is word 2 (alias table forced). With a tiny learning
  // rate the change of every parameter is -alpha times the gradient of the two predictions' summed loss at the
  // start, to O(alpha^2); the loss the kernel reports is that sum.
  const D = 6, V = 3, alpha = 1e-4;
  const r = rng(99);
  const init = {
    syn0: Float32Array.from({ length: V * D }, () => (r() - 0.5)),
    syn1neg: Float32Array.from({ length: V * D }, () => (r() - 0.5)),
    syn1: Float32Array.from({ length: (V - 1) * D }, () => (r() - 0.5)),
  };
  const huff = huffmanPaths([5, 3, 2]);
  const softplus = (x: number): number => Math.log1p(Math.exp(x));

  for (const sg of [true, false]) {
    for (const hs of [false, true]) {
      it(`${sg ? 'skip-gram' : 'CBOW'} with ${hs ? 'hierarchical softmax' : 'negative sampling'}`, () => {
        const negative = hs ? 0 : 2;
        // loss of the two predictions at parameters p: (input row, target word) = (1, 0) then (0, 1)
        const loss = (p: typeof init): number => {
          let total = 0;
          for (const [input, target] of [[1, 0], [0, 1]]) {
            const h = p.syn0.subarray(input * D, input * D + D);
            const dot = (buf: Float32Array, row: number): number => {
              let s = 0;
              for (let d = 0; d < D; d++) s += h[d] * buf[row * D + d];
              return s;
            };
            if (hs) {
              for (let k = huff.starts[target]; k < huff.starts[target + 1]; k++) {
                const f = dot(p.syn1, huff.points[k]);
                total += huff.codes[k] === 0 ? softplus(-f) : softplus(f);
              }
            } else {
              total += softplus(-dot(p.syn1neg, target)) + negative * softplus(dot(p.syn1neg, 2));
            }
          }
          return total;
        };
        for (const [name, k] of [['js', jsEmbeddingKernels], ...backends.map((b) => [b.name, b.kernels()] as const)] as const) {
          const p = { syn0: init.syn0.slice(), syn1neg: init.syn1neg.slice(), syn1: init.syn1.slice() };
          const stats = k.word2vecTrain({
            syn0: p.syn0, syn1neg: hs ? null : p.syn1neg, syn1: hs ? p.syn1 : null, words: Int32Array.of(0, 1),
            starts: Int32Array.of(0, 2), keep: null, aliasProb: Float32Array.of(0, 0, 1), alias: Int32Array.of(2, 2, 2),
            codes: huff.codes, points: huff.points, codeStarts: huff.starts, subStarts: null, subRows: null,
          }, { V, D, window: 1, negative, sg, hs, cbowMean: true, alpha, minAlpha: alpha, wordsBefore: 0, wordsTotal: 10, seed: 5, parts: 1 });
          expect(stats.predictions, name).toBe(2);
          expect(stats.loss, name).toBeCloseTo(loss(init), 3);
          for (const key of hs ? ['syn0', 'syn1'] as const : ['syn0', 'syn1neg'] as const) {
            const x = init[key].slice();
            const numeric = Array.from(x, (_, i) => {
              const orig = x[i];
              x[i] = orig + 1e-3;
              const up = loss({ ...init, [key]: x });
              x[i] = orig - 1e-3;
              const down = loss({ ...init, [key]: x });
              x[i] = orig;
              return -(up - down) / 2e-3;
            });
            const step = Array.from(p[key], (v, i) => (v - init[key][i]) / alpha);
            expectClose(step, numeric, 5e-3, 5e-3, `${name} ${key}: change / alpha vs -gradient`);
          }
        }
      });
    }
  }
});

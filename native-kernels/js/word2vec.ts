// JS reference of word2vecTrain: the loops of src/word2vec_impl.h written plainly, with the same random stream
// (src/word2vec_rng.h), so a one-part call agrees with the native one to float rounding. Slow by design.
import type { Word2vecBuffers, Word2vecOptions, Word2vecStats } from '../embeddings-types';

const PROGRESS_WORDS = 10000;
/** seed ^ this seeds the negatives' stream (kNegativeStream in src/word2vec_rng.h) */
const NEGATIVE_STREAM = 0x5bd1e995;

/** xoshiro128** over four uint32 words, seeded by splitmix32: the twin of W2vRng. */
export class W2vRng {
  private readonly s = new Uint32Array(4);

  constructor(seed: number) {
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1;
  }

  next(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  uniform(): number {
    return this.next() / 4294967296;
  }

  /** One draw from the alias table over V columns (high bits of r*V pick the column, low bits decide). */
  negative(prob: Float32Array, alias: Int32Array, V: number): number {
    const prod = this.next() * V; // < 2^53: exact
    const col = Math.floor(prod / 4294967296);
    const frac = (prod - col * 4294967296) / 4294967296;
    return frac < prob[col] ? col : alias[col];
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

function learningRate(o: Word2vecOptions, done: number): number {
  return Math.max(o.alpha - (o.alpha - o.minAlpha) * done / o.wordsTotal, o.minAlpha);
}

/** The sentence where each of `parts` blocks starts (about equal words each), as part_cuts in word2vec.cc. */
export function partCuts(starts: Int32Array, parts: number): number[] {
  const S = starts.length - 1;
  const cut = new Array<number>(parts + 1).fill(S);
  cut[0] = 0;
  const total = starts[S] - starts[0];
  let s = 0;
  for (let p = 1; p < parts; p++) {
    const want = starts[0] + Math.floor(total * p / parts);
    while (s < S && starts[s] < want) s++;
    cut[p] = s;
  }
  return cut;
}

/** Blocks of about this many words; part p of P trains blocks p, p + P, ... (kBlockWords in word2vec_kernels.h). */
const BLOCK_WORDS = 10000;

export function word2vecTrain(b: Word2vecBuffers, o: Word2vecOptions): Word2vecStats {
  const S = b.starts.length - 1;
  const blocks = Math.max(1, Math.ceil((b.starts[S] - b.starts[0]) / BLOCK_WORDS));
  const cut = partCuts(b.starts, blocks);
  const stats: Word2vecStats = { loss: 0, predictions: 0, words: 0, effective: 0 };
  const progress = { done: 0 };
  // The native workers claim blocks in order from a shared counter; with one pool thread the first worker claims them
  // all, one after another, which is what this does. Each block has its own random streams (seeded by its index), so
  // which worker trains a block does not change its draws.
  const blockSeeds = Array.from({ length: blocks }, (_, k) => (o.seed + Math.imul(k, 0x9e3779b9)) >>> 0);
  trainBlocks(b, o, cut, blockSeeds, progress, stats);
  return stats;
}

function trainBlocks(b: Word2vecBuffers, o: Word2vecOptions, cut: number[], blockSeeds: number[],
  progress: { done: number }, stats: Word2vecStats): void {
  const { D } = o;
  let rng = new W2vRng(blockSeeds[0]);
  // negatives have their own stream (the native code draws them ahead of use and prefetches their rows)
  let negRng = new W2vRng((blockSeeds[0] ^ NEGATIVE_STREAM) >>> 0);
  const fasttext = b.subRows !== null;
  const neu1e = new Float64Array(D);
  const h = new Float64Array(D);
  let alpha = Math.fround(learningRate(o, o.wordsBefore + progress.done));
  let pending = 0;

  /** h predicts target: neu1e = the gradient for h; output rows updated (all scores before any update). */
  const predict = (hv: ArrayLike<number>, target: number): void => {
    neu1e.fill(0);
    stats.predictions++;
    const outs: { buf: Float32Array; row: number; label: number }[][] = [];
    if (o.hs) {
      const c0 = b.codeStarts![target];
      const c1 = b.codeStarts![target + 1];
      const group = [];
      for (let k = c0; k < c1; k++) group.push({ buf: b.syn1!, row: b.points![k], label: 1 - b.codes![k] });
      outs.push(group);
    }
    if (o.negative > 0) {
      const group = [{ buf: b.syn1neg!, row: target, label: 1 }];
      for (let d = 0; d < o.negative; d++) {
        const t = negRng.negative(b.aliasProb!, b.alias!, o.V);
        if (t !== target) group.push({ buf: b.syn1neg!, row: t, label: 0 });
      }
      outs.push(group);
    }
    for (const group of outs) {
      const g = group.map(({ buf, row, label }) => {
        let f = 0;
        for (let i = 0; i < D; i++) f += hv[i] * buf[row * D + i];
        stats.loss += label === 1 ? Math.log1p(Math.exp(-f)) : Math.log1p(Math.exp(f));
        return (label - 1 / (1 + Math.exp(-f))) * alpha;
      });
      group.forEach(({ buf, row }, k) => {
        for (let i = 0; i < D; i++) {
          const r = buf[row * D + i];
          neu1e[i] += g[k] * r;
          buf[row * D + i] = r + g[k] * hv[i];
        }
      });
    }
  };

  const inputRows = (w: number): number[] => {
    if (!fasttext) return [w];
    const out = [];
    for (let k = b.subStarts![w]; k < b.subStarts![w + 1]; k++) out.push(b.subRows![k]);
    return out;
  };
  const addTo = (row: number, v: Float64Array, scale = 1): void => {
    for (let i = 0; i < D; i++) b.syn0[row * D + i] += v[i] * scale;
  };
  /** h = sum of the rows / divisor */
  const average = (rows: number[], divisor: number): void => {
    h.fill(0);
    for (const r of rows) for (let i = 0; i < D; i++) h[i] += b.syn0[r * D + i];
    for (let i = 0; i < D; i++) h[i] /= divisor;
  };

  for (let blk = 0; blk < blockSeeds.length; blk++) {
   rng = new W2vRng(blockSeeds[blk]);
   negRng = new W2vRng((blockSeeds[blk] ^ NEGATIVE_STREAM) >>> 0);
   for (let s = cut[blk]; s < cut[blk + 1]; s++) {
    const sen: number[] = [];
    for (let k = b.starts[s]; k < b.starts[s + 1]; k++) {
      const w = b.words[k];
      const keep = b.keep === null ? 1 : b.keep[w];
      if (keep >= 1 || rng.uniform() < keep) sen.push(w);
    }
    const n = b.starts[s + 1] - b.starts[s];
    stats.words += n;
    stats.effective += sen.length;
    for (let i = 0; i < sen.length; i++) {
      const reach = o.window - (rng.next() % o.window);
      const j0 = Math.max(0, i - reach);
      const j1 = Math.min(sen.length, i + reach + 1);
      if (o.sg && !fasttext) {
        for (let j = j0; j < j1; j++) {
          if (j === i) continue;
          const l1 = b.syn0.subarray(sen[j] * D, sen[j] * D + D);
          predict(l1, sen[i]);
          addTo(sen[j], neu1e);
        }
      } else if (o.sg) {
        const rows = inputRows(sen[i]);
        // gensim's divisor: the number of n-grams (rows but the word's own)
        const divisor = rows.length > 1 ? rows.length - 1 : 1;
        for (let j = j0; j < j1; j++) {
          if (j === i) continue;
          average(rows, divisor);
          predict(h, sen[j]);
          for (const r of rows) addTo(r, neu1e);
        }
      } else {
        const rows: number[] = [];
        let words = 0;
        for (let j = j0; j < j1; j++) {
          if (j === i) continue;
          rows.push(...inputRows(sen[j]));
          words++;
        }
        if (words === 0) continue;
        const mean = o.cbowMean || fasttext;
        average(rows, mean ? rows.length : 1);
        predict(h, sen[i]);
        for (const r of rows) addTo(r, neu1e, mean ? 1 : 1 / words);
      }
    }
    pending += n;
    if (pending >= PROGRESS_WORDS) {
      progress.done += pending;
      pending = 0;
      alpha = Math.fround(learningRate(o, o.wordsBefore + progress.done));
    }
   }
  }
  progress.done += pending;
}

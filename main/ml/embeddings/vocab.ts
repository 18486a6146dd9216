// The vocabulary of a static-embedding run: word counts, the min-count cut, frequency order, frequent-word
// subsampling (keep probabilities) and the negative-sampling distribution (unigram^0.75 as a Walker alias table).
import { LabError } from '../../../common/errors';

export interface Vocabulary {
  /** words by descending count; ties keep the order of first appearance (as gensim and word2vec.c sort stably) */
  words: string[];
  counts: number[];
  index: Map<string, number>;
  /** occurrences of vocabulary words in the corpus */
  kept: number;
  /** every word occurrence, including the words min-count dropped */
  total: number;
  /** distinct words before the cut */
  distinct: number;
}

/** Counts the words of every sentence (Map order = first appearance). */
export function countWords(sentences: Iterable<string[]>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const s of sentences) for (const w of s) counts.set(w, (counts.get(w) ?? 0) + 1);
  return counts;
}

export interface VocabularyOptions {
  minCount: number;
  /** keep at most this many words (the most frequent); 0 = no limit */
  maxWords?: number;
  /** what the corpus is called in error sentences, e.g. 'dataset "shakespeare"' */
  corpusName?: string;
}

/** Words seen at least minCount times, most frequent first. Throws a sentence when the corpus is too small. */
export function buildVocabulary(counts: Map<string, number>, opts: VocabularyOptions): Vocabulary {
  const name = opts.corpusName ?? 'the corpus';
  let total = 0;
  for (const c of counts.values()) total += c;
  if (total === 0) {
    throw new LabError('invalid_input', `${name} has no words to train on (after pre-tokenization it is empty); import a text with words in it.`, { field: 'dataset' });
  }
  const entries = [...counts.entries()].filter(([, c]) => c >= opts.minCount);
  if (entries.length < 2) {
    const left = entries.length === 0 ? 'no words' : 'only 1 word';
    const lower = suggestMinCount(counts, opts.minCount);
    const advice = lower === null ? 'use a larger dataset' : `lower --min-count to ${lower} (it keeps ${keptAt(counts, lower)} words) or use a larger dataset`;
    throw new LabError('invalid_input', `${name} has ${total} words (${counts.size} distinct), and min-count ${opts.minCount} leaves ${left} to train; ${advice}.`, { field: 'minCount' });
  }
  entries.sort((a, b) => b[1] - a[1]); // Array.prototype.sort is stable: ties keep first appearance
  const limited = opts.maxWords && opts.maxWords > 0 ? entries.slice(0, opts.maxWords) : entries;
  const words = limited.map(([w]) => w);
  const wordCounts = limited.map(([, c]) => c);
  return {
    words,
    counts: wordCounts,
    index: new Map(words.map((w, i) => [w, i])),
    kept: wordCounts.reduce((a, b) => a + b, 0),
    total,
    distinct: counts.size,
  };
}

function keptAt(counts: Map<string, number>, m: number): number {
  let n = 0;
  for (const c of counts.values()) if (c >= m) n++;
  return n;
}

/** The largest min-count below `minCount` that keeps at least 10 words (or as many as exist, if at least 2). */
function suggestMinCount(counts: Map<string, number>, minCount: number): number | null {
  const want = Math.min(10, counts.size);
  if (want < 2) return null;
  for (let m = minCount - 1; m >= 1; m--) if (keptAt(counts, m) >= want) return m;
  return null;
}

/** A vocabulary rebuilt from stored words and counts (saved runs). */
export function vocabularyFrom(words: string[], counts: number[]): Vocabulary {
  const kept = counts.reduce((a, b) => a + b, 0);
  return { words, counts, index: new Map(words.map((w, i) => [w, i])), kept, total: kept, distinct: words.length };
}

/** Probability of keeping each occurrence of word w under subsampling threshold `sample` (gensim's and word2vec.c's
 *  formula): t = sample * (vocabulary occurrences), keep = min(1, (sqrt(c/t) + 1) * t / c). sample = 0: keep all. */
export function keepProbabilities(vocab: Vocabulary, sample: number): Float32Array | null {
  if (sample <= 0) return null;
  const t = sample * vocab.kept;
  const keep = new Float32Array(vocab.words.length);
  vocab.counts.forEach((c, i) => {
    keep[i] = Math.min(1, (Math.sqrt(c / t) + 1) * (t / c));
  });
  return keep;
}

/** Walker's alias table (Vose's construction) of P(w) proportional to count^exponent: one uniform draw picks a
 *  column i, a second fraction keeps i with prob[i] or takes alias[i]. O(1) per negative, exact probabilities, and
 *  2 * V entries where word2vec.c's table has 10^8. */
export function aliasTable(counts: readonly number[], exponent: number): { prob: Float32Array; alias: Int32Array } {
  const V = counts.length;
  const weights = counts.map((c) => Math.pow(c, exponent));
  const sum = weights.reduce((a, b) => a + b, 0);
  const scaled = weights.map((w) => (w * V) / sum);
  const prob = new Float32Array(V);
  const alias = new Int32Array(V);
  const small: number[] = [];
  const large: number[] = [];
  scaled.forEach((p, i) => (p < 1 ? small : large).push(i));
  while (small.length > 0 && large.length > 0) {
    const s = small.pop()!;
    const l = large.pop()!;
    prob[s] = scaled[s];
    alias[s] = l;
    scaled[l] = scaled[l] + scaled[s] - 1;
    (scaled[l] < 1 ? small : large).push(l);
  }
  for (const i of [...small, ...large]) {
    prob[i] = 1;
    alias[i] = i;
  }
  return { prob, alias };
}

// The training corpus as word ids: sentences of vocabulary words back to back (words the vocabulary lacks are
// dropped, as gensim and word2vec.c drop them) with sentence starts, and its cut into calls of about N words.

import type { Vocabulary } from './vocab';

export interface WordCorpus {
  /** word ids, sentences back to back */
  words: Int32Array;
  /** (S + 1) sentence s = words[starts[s], starts[s+1]) */
  starts: Int32Array;
  /** word occurrences read, including those dropped as out of vocabulary */
  rawWords: number;
}

/** Growable Int32Array (the corpus of a 200 MB text is ~40 M ids; a JS array of numbers would be 8x larger). */
class IntBuilder {
  data = new Int32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  finish(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

/** Maps every sentence's words to ids; sentences left empty are skipped. */
export function buildCorpus(sentences: Iterable<string[]>, vocab: Vocabulary): WordCorpus {
  const words = new IntBuilder();
  const starts = new IntBuilder();
  starts.push(0);
  let rawWords = 0;
  for (const s of sentences) {
    rawWords += s.length;
    const before = words.length;
    for (const w of s) {
      const id = vocab.index.get(w);
      if (id !== undefined) words.push(id);
    }
    if (words.length > before) starts.push(words.length);
  }
  return { words: words.finish(), starts: starts.finish(), rawWords };
}

export function sentenceCount(c: WordCorpus): number {
  return c.starts.length - 1;
}

/** The sentence after `from` where a call of about `words` words ends (at least one sentence). */
export function chunkEnd(c: WordCorpus, from: number, words: number): number {
  const S = sentenceCount(c);
  const limit = c.starts[from] + words;
  let lo = from + 1, hi = S;
  // first sentence end >= limit, by binary search over the ascending starts
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (c.starts[mid] >= limit) hi = mid;
    else lo = mid + 1;
  }
  return Math.min(S, Math.max(from + 1, lo));
}

// The pieces between text and the training kernel: the word pre-tokenizer (English, Chinese three ways), the
// vocabulary and its errors, subsampling, the alias table, Huffman paths, fastText's n-gram buckets (against gensim).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lineWords, MAX_SENTENCE_WORDS, textSentences, wordTokenizerOptions } from '../../../main/data/words';
import { aliasTable, buildVocabulary, countWords, keepProbabilities } from '../../../main/ml/embeddings/vocab';
import { huffmanPaths } from '../../../main/ml/embeddings/huffman';
import { buildCorpus, chunkEnd } from '../../../main/ml/embeddings/corpus';
import { charNgrams, ngramBuckets, subwordTable } from '../../../main/ml/embeddings/subwords';
import { W2vRng } from '../../../native-kernels/js/word2vec';

describe('word pre-tokenizer', () => {
  it('splits English into lower-case words, keeps inner apostrophes, drops punctuation', () => {
    expect(lineWords("KING RICHARD III: O'er the hills—don't go, 2 times!")).toEqual(['king', 'richard', 'iii', "o'er", 'the', 'hills', "don't", 'go', '2', 'times']);
    expect(lineWords('Café naïve', { lowercase: false, chinese: 'char' })).toEqual(['Café', 'naïve']);
  });

  it('cuts Chinese per character, into dictionary words, or at the spaces of pre-segmented text', () => {
    const text = '我们 在 北京大学学习 NLP。';
    expect(lineWords(text, { lowercase: true, chinese: 'char' })).toEqual(['我', '们', '在', '北', '京', '大', '学', '学', '习', 'nlp']);
    expect(lineWords(text, { lowercase: true, chinese: 'spaces' })).toEqual(['我们', '在', '北京大学学习', 'nlp']);
    const words = lineWords('我们今天去北京大学', { lowercase: true, chinese: 'words' });
    expect(words.join('')).toBe('我们今天去北京大学');
    expect(words).toContain('我们');
    expect(words.length).toBeLessThan(9); // dictionary words, not characters
    expect(lineWords('Hello世界', { lowercase: true, chinese: 'char' })).toEqual(['hello', '世', '界']);
  });

  it('makes one sentence per non-empty line and cuts very long lines', () => {
    expect([...textSentences('a b\n\n  \nc\r\nd e f')]).toEqual([['a', 'b'], ['c'], ['d', 'e', 'f']]);
    const long = [...textSentences(Array.from({ length: MAX_SENTENCE_WORDS + 5 }, () => 'w').join(' '))];
    expect(long.map((s) => s.length)).toEqual([MAX_SENTENCE_WORDS, 5]);
  });

  it('names a bad segmentation choice', () => {
    expect(() => wordTokenizerOptions({ chinese: 'jieba' })).toThrow(/"jieba" is not one of char, words, spaces/);
  });
});

describe('vocabulary', () => {
  const sentences = [['the', 'cat', 'sat'], ['the', 'dog', 'sat'], ['the', 'end']];

  it('orders words by count, ties by first appearance, and cuts at min-count', () => {
    const v = buildVocabulary(countWords(sentences), { minCount: 1 });
    expect(v.words).toEqual(['the', 'sat', 'cat', 'dog', 'end']);
    expect(v.counts).toEqual([3, 2, 1, 1, 1]);
    expect(v.total).toBe(8);
    const cut = buildVocabulary(countWords(sentences), { minCount: 2 });
    expect(cut.words).toEqual(['the', 'sat']);
    expect(cut.kept).toBe(5);
    const corpus = buildCorpus(sentences, cut);
    expect(Array.from(corpus.words)).toEqual([0, 1, 0, 1, 0]);
    expect(Array.from(corpus.starts)).toEqual([0, 2, 4, 5]);
    expect(corpus.rawWords).toBe(8);
    expect(chunkEnd(corpus, 0, 3)).toBe(2);
    expect(chunkEnd(corpus, 2, 100)).toBe(3);
  });

  it('says how many words a too-small corpus has and which min-count would work', () => {
    expect(() => buildVocabulary(countWords(sentences), { minCount: 5, corpusName: 'dataset "tiny"' }))
      .toThrow('dataset "tiny" has 8 words (5 distinct), and min-count 5 leaves no words to train; lower --min-count to 1 (it keeps 5 words) or use a larger dataset.');
    expect(() => buildVocabulary(countWords([]), { minCount: 1 })).toThrow(/has no words to train on/);
  });

  it('subsampling keeps frequent words less often, with the reference formula', () => {
    const v = buildVocabulary(new Map([['a', 1000], ['b', 10]]), { minCount: 1 });
    const keep = keepProbabilities(v, 1e-3)!;
    const t = 1e-3 * 1010;
    expect(keep[0]).toBeCloseTo((Math.sqrt(1000 / t) + 1) * (t / 1000), 6);
    expect(keep[1]).toBeCloseTo((Math.sqrt(10 / t) + 1) * (t / 10), 6);
    expect(keepProbabilities(buildVocabulary(new Map([['a', 1000], ['b', 1]]), { minCount: 1 }), 1e-3)![1]).toBe(1);
    expect(keepProbabilities(v, 0)).toBeNull();
  });

  it('the alias table draws words with probability count^0.75 / sum', () => {
    const counts = [1000, 300, 50, 7, 1];
    const { prob, alias } = aliasTable(counts, 0.75);
    const rng = new W2vRng(3);
    const hits = new Array<number>(5).fill(0);
    const N = 200000;
    for (let i = 0; i < N; i++) hits[rng.negative(prob, alias, 5)]++;
    const w = counts.map((c) => c ** 0.75);
    const sum = w.reduce((a, b) => a + b, 0);
    hits.forEach((h, i) => expect(h / N).toBeCloseTo(w[i] / sum, 2));
  });
});

describe('Huffman paths', () => {
  it('gives frequent words short paths, prefix-free codes and inner nodes in range', () => {
    const counts = [50, 30, 10, 5, 3, 1, 1];
    const h = huffmanPaths(counts);
    const codes = counts.map((_, w) => Array.from(h.codes.subarray(h.starts[w], h.starts[w + 1])).join(''));
    expect(codes[0].length).toBeLessThanOrEqual(codes[6].length);
    for (const a of codes) for (const b of codes) if (a !== b) expect(b.startsWith(a)).toBe(false);
    expect(Math.max(...h.points)).toBe(counts.length - 2);
    // every path starts at the root (the last inner node made)
    for (let w = 0; w < counts.length; w++) expect(h.points[h.starts[w]]).toBe(counts.length - 2);
    // expected code length is the entropy bound's neighbourhood (Huffman optimality on this small case)
    const avg = counts.reduce((s, c, w) => s + c * codes[w].length, 0) / counts.reduce((a, b) => a + b, 0);
    expect(avg).toBeLessThan(2.2);
  });
});

describe('fastText subwords', () => {
  const fixture = JSON.parse(readFileSync(join(import.meta.dirname, '../../fixtures/embeddings/ngram_hashes.json'), 'utf8')) as { word: string; ngrams: string[]; buckets: number[] }[];

  it.each(fixture)('"$word" gets the n-grams and buckets gensim gives it', ({ word, ngrams, buckets }) => {
    const o = { minN: 3, maxN: 6, buckets: 2_000_000 };
    expect([...charNgrams(word, o)].sort()).toEqual([...ngrams].sort());
    const mine = charNgrams(word, o).map((g, i) => [g, ngramBuckets(word, o)[i]] as const);
    const theirs = new Map(ngrams.map((g, i) => [g, buckets[i]]));
    for (const [g, b] of mine) expect(b, g).toBe(theirs.get(g));
  });

  it('keeps only the buckets the vocabulary uses, after the word rows', () => {
    const t = subwordTable(['ab', 'abc'], { minN: 2, maxN: 3, buckets: 1000 });
    expect(t.rows[t.starts[0]]).toBe(0);
    expect(t.rows[t.starts[1]]).toBe(1);
    const used = new Set([...ngramBuckets('ab', { minN: 2, maxN: 3, buckets: 1000 }), ...ngramBuckets('abc', { minN: 2, maxN: 3, buckets: 1000 })]);
    expect(t.usedBuckets.length).toBe(used.size);
    for (let k = t.starts[0] + 1; k < t.starts[2]; k++) if (k !== t.starts[1]) expect(t.rows[k]).toBeGreaterThanOrEqual(2);
    expect(charNgrams('ab', { minN: 3, maxN: 2, buckets: 10 })).toEqual([]);
  });
});

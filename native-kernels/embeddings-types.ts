// The static-embedding kernel contract (issue 15): Word2Vec/FastText training, GloVe training and objective,
// co-occurrence counting. Its own interface beside kernels.ts; every backend (native addon, JS reference) implements it.
// Shapes: V = vocabulary size, D = dimension, R = input rows (V for Word2Vec, V + n-gram rows for FastText).
import type { BackendName, F32 } from './kernels';

export interface Word2vecBuffers {
  /** (R, D) input vectors, updated */
  syn0: F32;
  /** (V, D) negative-sampling output vectors, updated; null when negative = 0 */
  syn1neg: F32 | null;
  /** (V - 1, D) Huffman inner-node vectors, updated; null without hierarchical softmax */
  syn1: F32 | null;
  /** word ids, in-vocabulary only, sentences back to back */
  words: Int32Array;
  /** (S + 1) sentence s = words[starts[s], starts[s+1]); ascending offsets into words */
  starts: Int32Array;
  /** (V) keep probability of each word's occurrences (frequent-word subsampling), or null for none */
  keep: F32 | null;
  /** (V) Walker alias table of the negative-sampling distribution (unigram^0.75); null when negative = 0 */
  aliasProb: F32 | null;
  alias: Int32Array | null;
  /** Huffman codes (0/1), the inner nodes on each path, and (V + 1) path starts; null without hierarchical softmax */
  codes: Uint8Array | null;
  points: Int32Array | null;
  codeStarts: Int32Array | null;
  /** FastText: (V + 1) starts and the input rows of each word (own row first, then n-gram rows); null for Word2Vec */
  subStarts: Int32Array | null;
  subRows: Int32Array | null;
}

export interface Word2vecOptions {
  V: number;
  D: number;
  /** maximum window; each position draws its reach uniformly in [1, window] */
  window: number;
  negative: number;
  sg: boolean;
  hs: boolean;
  cbowMean: boolean;
  /** the learning rate falls linearly from alpha to minAlpha over wordsTotal words */
  alpha: number;
  minAlpha: number;
  wordsBefore: number;
  wordsTotal: number;
  /** uint32; part p draws from xoshiro128** seeded with seed + p * 0x9e3779b9 */
  seed: number;
  /** Hogwild workers: the sentences are cut into this many parts of about equal words, trained concurrently */
  parts: number;
}

export interface Word2vecStats {
  /** sum over predictions of -log sigmoid(+-f) over the positive and the negatives (or over a Huffman path) */
  loss: number;
  predictions: number;
  /** words read, and kept after subsampling */
  words: number;
  effective: number;
}

export interface GloveBuffers {
  w: F32;
  wt: F32;
  b: F32;
  bt: F32;
  /** AdaGrad sums of squared gradients (start at 1); may be null for gloveCost */
  gw: F32 | null;
  gwt: F32 | null;
  gb: F32 | null;
  gbt: F32 | null;
  rows: Int32Array;
  cols: Int32Array;
  vals: F32;
}

export interface GloveOptions {
  V: number;
  D: number;
  xMax: number;
  alpha: number;
  eta: number;
  gradClip: number;
  /** records [0, n) of rows/cols/vals */
  n: number;
  /** Hogwild workers over contiguous slices of the records */
  parts: number;
}

export interface CooccurOptions {
  V: number;
  window: number;
  symmetric: boolean;
  /** weight 1/distance (else 1) */
  distanceWeighting: boolean;
  /** entries already in the table */
  entries: number;
  /** stop before a sentence that could take the table past this many entries */
  maxEntries: number;
}

/** Dense rows for the pairs of frequent words: pair (i, j) is summed in values[starts[i] + j] when i < R and that
 *  index is below starts[i + 1] (row i has its own length, e.g. min(V, P / (i + 1)) for a rank-product bound P). */
export interface CooccurLookup {
  /** (R + 1) ascending offsets */
  starts: Int32Array;
  values: Float64Array;
}

export interface EmbeddingKernels {
  readonly backend: BackendName;
  /** Trains the sentences of `b.starts` once (one call = part of an epoch). See native-kernels/src/word2vec_impl.h. */
  word2vecTrain(b: Word2vecBuffers, o: Word2vecOptions): Word2vecStats;
  /** AdaGrad over records [0, n) in order; returns sum f d^2, each d before its record's step. */
  gloveTrain(b: GloveBuffers, o: GloveOptions): number;
  /** sum f d^2 over records [0, n) at the current parameters (in double). */
  gloveCost(b: GloveBuffers, o: GloveOptions): number;
  /** Adds whole sentences' weighted pairs to the lookup (when given and the pair falls in it) or the table (Float64Array
   *  of 2 * capacity slots [key = i*V+j | -1, value]); `entries` counts the table's pairs only. */
  cooccurCount(table: Float64Array, words: Int32Array, starts: Int32Array, o: CooccurOptions,
    lookup?: CooccurLookup | null): { sentences: number; entries: number };
  /** Moves the n used slots to the front of the table sorted by key; returns n. The rest must be refilled with -1. */
  cooccurDrain(table: Float64Array): number;
  /** Inserts every pair of `from` into `to` (emptied, with -1 keys, and larger); returns the entries moved. */
  cooccurRehash(from: Float64Array, to: Float64Array, V: number): number;
}

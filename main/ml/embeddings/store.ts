// Word vectors on disk: a folder with vectors.safetensors (tensor "vectors" (N, D), plus the method's own tensors) and
// vocab.json (words, counts, method, settings; FastText's n-gram settings and used buckets), and the WordVectors
// object that answers "the vector of this word", building unseen words from n-grams for FastText.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LabError } from '../../../common/errors';
import type { VectorSet, VectorSource } from '../../../common/embeddings/vector-set';
import { readSafetensors, writeSafetensors, type NamedTensor } from '../checkpoint';
import { bucketRank, ngramBuckets } from './subwords';

export const EMBEDDINGS_FORMAT = 'attention-lab/embeddings-1';
export const VECTORS_FILE = 'vectors.safetensors';
export const VOCAB_FILE = 'vocab.json';

export type VectorsMethod = 'word2vec' | 'fasttext' | 'glove' | 'imported';

export interface SubwordVectors {
  minN: number;
  maxN: number;
  buckets: number;
  /** ascending bucket ids that have a trained row */
  usedBuckets: Int32Array;
  /** (K, D) rows of those buckets */
  rows: Float32Array;
}

export interface VocabFile {
  format: string;
  method: VectorsMethod;
  dim: number;
  words: string[];
  counts: number[];
  /** the run's settings, or where imported vectors came from */
  config?: Record<string, unknown>;
  subwords?: { minN: number; maxN: number; buckets: number; usedBuckets: number[] };
  /** e.g. GloVe's objective at these vectors, training time */
  stats?: Record<string, number | string>;
}

export class WordVectors {
  readonly index: Map<string, number>;
  constructor(readonly method: VectorsMethod, readonly words: string[], readonly counts: number[], readonly dim: number,
    readonly vectors: Float32Array, readonly subwords: SubwordVectors | null = null,
    readonly config: Record<string, unknown> = {}, readonly stats: Record<string, number | string> = {}) {
    this.index = new Map(words.map((w, i) => [w, i]));
  }

  get size(): number {
    return this.words.length;
  }

  row(i: number): Float32Array {
    return this.vectors.subarray(i * this.dim, (i + 1) * this.dim);
  }

  /** The word's vector: its row, or for FastText an unseen word's mean over its trained n-gram rows; else null. */
  vectorOf(word: string): Float32Array | null {
    const i = this.index.get(word);
    if (i !== undefined) return this.row(i);
    const s = this.subwords;
    if (s === null) return null;
    const D = this.dim;
    const acc = new Float64Array(D);
    let n = 0;
    for (const b of ngramBuckets(word, s)) {
      const k = bucketRank(s.usedBuckets, b);
      if (k < 0) continue;
      for (let d = 0; d < D; d++) acc[d] += s.rows[k * D + d];
      n++;
    }
    if (n === 0) return null;
    return Float32Array.from(acc, (v) => v / n);
  }

  toVectorSet(source: VectorSource, title: string, limit = 0): VectorSet {
    const n = limit > 0 ? Math.min(limit, this.size) : this.size;
    return {
      key: `run:${source.runId}@${source.checkpoint}`,
      title,
      source,
      labels: this.words.slice(0, n),
      dim: this.dim,
      vectors: this.vectors.slice(0, n * this.dim),
      columns: { count: this.counts.slice(0, n), rank: Array.from({ length: n }, (_, i) => i) },
    };
  }
}

/** Writes dir/vectors.safetensors and dir/vocab.json (each atomically). */
export function saveWordVectors(dir: string, wv: WordVectors, extra: NamedTensor[] = []): void {
  mkdirSync(dir, { recursive: true });
  const tensors: NamedTensor[] = [{ name: 'vectors', shape: [wv.size, wv.dim], data: wv.vectors }, ...extra];
  if (wv.subwords) tensors.push({ name: 'ngrams', shape: [wv.subwords.usedBuckets.length, wv.dim], data: wv.subwords.rows });
  writeSafetensors(join(dir, VECTORS_FILE), tensors, {
    format: EMBEDDINGS_FORMAT, method: wv.method, dim: String(wv.dim), words: String(wv.size),
  });
  const vocab: VocabFile = {
    format: EMBEDDINGS_FORMAT, method: wv.method, dim: wv.dim, words: wv.words, counts: wv.counts, config: wv.config,
    stats: wv.stats,
    ...(wv.subwords ? { subwords: { minN: wv.subwords.minN, maxN: wv.subwords.maxN, buckets: wv.subwords.buckets, usedBuckets: Array.from(wv.subwords.usedBuckets) } } : {}),
  };
  const tmp = join(dir, `${VOCAB_FILE}.tmp-${process.pid}`);
  writeFileSync(tmp, JSON.stringify(vocab));
  renameSync(tmp, join(dir, VOCAB_FILE));
}

/** Reads a folder written by saveWordVectors; a foreign or damaged folder gives a sentence naming the file. */
export function loadWordVectors(dir: string): WordVectors {
  const vocabPath = join(dir, VOCAB_FILE);
  let vocab: VocabFile;
  try {
    vocab = JSON.parse(readFileSync(vocabPath, 'utf8')) as VocabFile;
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    throw new LabError(missing ? 'not_found' : 'bad_file', missing
      ? `${vocabPath} is missing; these vectors were not saved completely (train again or re-import).`
      : `${vocabPath} is not valid JSON: ${(e as Error).message}.`, { field: VOCAB_FILE, cause: e });
  }
  if (vocab.format !== EMBEDDINGS_FORMAT || !Array.isArray(vocab.words) || !Array.isArray(vocab.counts)) {
    throw new LabError('bad_file', `${vocabPath} is not an Attention Lab vocabulary (format ${JSON.stringify(vocab.format)}, expected ${EMBEDDINGS_FORMAT}).`, { field: VOCAB_FILE });
  }
  const file = readSafetensors(join(dir, VECTORS_FILE));
  const vectors = file.tensors.get('vectors');
  if (vectors === undefined || vectors.shape.length !== 2 || vectors.shape[0] !== vocab.words.length || vectors.shape[1] !== vocab.dim) {
    throw new LabError('bad_file', `${join(dir, VECTORS_FILE)} has no tensor "vectors" of shape [${vocab.words.length}, ${vocab.dim}] to match ${VOCAB_FILE}; the two files are from different runs.`, { field: VECTORS_FILE });
  }
  let subwords: SubwordVectors | null = null;
  if (vocab.subwords) {
    const rows = file.tensors.get('ngrams');
    const used = Int32Array.from(vocab.subwords.usedBuckets);
    if (rows === undefined || rows.shape[0] !== used.length || rows.shape[1] !== vocab.dim) {
      throw new LabError('bad_file', `${join(dir, VECTORS_FILE)} lacks the n-gram rows (tensor "ngrams" [${used.length}, ${vocab.dim}]) its vocabulary lists.`, { field: VECTORS_FILE });
    }
    subwords = { ...vocab.subwords, usedBuckets: used, rows: rows.data };
  }
  return new WordVectors(vocab.method, vocab.words, vocab.counts, vocab.dim, vectors.data, subwords, vocab.config ?? {}, vocab.stats ?? {});
}

/** The extra tensors of a folder (GloVe's w, w_tilde, b, b_tilde), by name. */
export function loadExtraTensors(dir: string): Map<string, NamedTensor> {
  return readSafetensors(join(dir, VECTORS_FILE)).tensors;
}

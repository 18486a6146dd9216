// Word2Vec and FastText training (the "predictive" methods): parameters, the tables the kernel reads (subsampling,
// alias table, Huffman paths, subword rows) and the walk over the corpus in calls of about chunkWords words, so a
// job can report loss and words/s, checkpoint and stop between calls.
//
// Parameters (R = V for Word2Vec, V + used n-gram buckets for FastText; D = dim):
//   syn0 (R, D) input vectors, uniform in [-1/D, 1/D) as gensim; syn1neg (V, D) and syn1 (V-1, D) start at zero.
// A call's random stream is seeded by (seed, call number), so a run resumed from a checkpoint continues exactly as the
// uninterrupted one when it runs on one thread (several Hogwild threads interleave their updates differently).
import { LabError } from '../../../common/errors';
import type { EmbeddingKernels } from '../../../native-kernels/embeddings';
import type { NamedTensor } from '../checkpoint';
import { mixSeed, Rng } from '../rng';
import type { PredictiveConfig } from './config';
import { chunkEnd, sentenceCount, type WordCorpus } from './corpus';
import { huffmanPaths, type HuffmanPaths } from './huffman';
import { subwordTable, type SubwordTable } from './subwords';
import { aliasTable, keepProbabilities, type Vocabulary } from './vocab';

/** Words per kernel call: ~0.05-0.2 s of training, often enough for live metrics and a quick, clean stop. */
export const CHUNK_WORDS = 100_000;

export interface PredictiveProgress {
  epoch: number;
  /** next sentence of the current epoch */
  sentence: number;
  /** kernel calls made so far (seeds the next call's random stream) */
  call: number;
  /** corpus words trained so far, over all epochs */
  wordsDone: number;
}

export interface StepResult {
  /** mean loss per prediction in this call */
  loss: number;
  predictions: number;
  words: number;
  effective: number;
  seconds: number;
  epoch: number;
  /** training done, 0..1 */
  fraction: number;
}

export class PredictiveTrainer {
  readonly V: number;
  readonly D: number;
  readonly rows: number;
  readonly syn0: Float32Array;
  readonly syn1neg: Float32Array | null;
  readonly syn1: Float32Array | null;
  readonly subwords: SubwordTable | null;
  progress: PredictiveProgress = { epoch: 0, sentence: 0, call: 0, wordsDone: 0 };
  private readonly keep: Float32Array | null;
  private readonly alias: { prob: Float32Array; alias: Int32Array } | null;
  private readonly huffman: HuffmanPaths | null;

  constructor(private readonly k: EmbeddingKernels, readonly config: PredictiveConfig, readonly vocab: Vocabulary,
    readonly corpus: WordCorpus, private readonly chunkWords: number = CHUNK_WORDS) {
    this.V = vocab.words.length;
    this.D = config.dim;
    this.subwords = config.method === 'fasttext'
      ? subwordTable(vocab.words, { minN: config.minN, maxN: config.maxN, buckets: config.buckets })
      : null;
    this.rows = this.V + (this.subwords?.usedBuckets.length ?? 0);
    this.syn0 = new Float32Array(this.rows * this.D);
    const rng = new Rng(config.seed);
    for (let i = 0; i < this.syn0.length; i++) this.syn0[i] = (rng.next() * 2 - 1) / this.D;
    this.syn1neg = config.negative > 0 ? new Float32Array(this.V * this.D) : null;
    this.syn1 = config.hs ? new Float32Array((this.V - 1) * this.D) : null;
    this.keep = keepProbabilities(vocab, config.sample);
    this.alias = config.negative > 0 ? aliasTable(vocab.counts, config.nsExponent) : null;
    this.huffman = config.hs ? huffmanPaths(vocab.counts) : null;
  }

  /** Corpus words over all epochs (the learning-rate schedule's length). */
  get totalWords(): number {
    return this.config.epochs * this.corpus.words.length;
  }

  get finished(): boolean {
    return this.progress.epoch >= this.config.epochs;
  }

  /** Trains the next call's sentences; null when training is finished. */
  step(): StepResult | null {
    if (this.finished) return null;
    const p = this.progress;
    const c = this.corpus;
    const end = chunkEnd(c, p.sentence, this.chunkWords);
    const started = performance.now();
    const stats = this.k.word2vecTrain({
      syn0: this.syn0, syn1neg: this.syn1neg, syn1: this.syn1, words: c.words,
      starts: c.starts.subarray(p.sentence, end + 1), keep: this.keep,
      aliasProb: this.alias?.prob ?? null, alias: this.alias?.alias ?? null,
      codes: this.huffman?.codes ?? null, points: this.huffman?.points ?? null, codeStarts: this.huffman?.starts ?? null,
      subStarts: this.subwords?.starts ?? null, subRows: this.subwords?.rows ?? null,
    }, {
      V: this.V, D: this.D, window: this.config.window, negative: this.config.negative, sg: this.config.sg,
      hs: this.config.hs, cbowMean: this.config.cbowMean, alpha: this.config.alpha, minAlpha: this.config.minAlpha,
      wordsBefore: p.wordsDone, wordsTotal: this.totalWords, seed: mixSeed(this.config.seed, p.call),
      parts: this.config.threads,
    });
    const seconds = (performance.now() - started) / 1000;
    const epoch = p.epoch;
    p.call++;
    p.wordsDone += stats.words;
    p.sentence = end;
    if (end >= sentenceCount(c)) {
      p.epoch++;
      p.sentence = 0;
    }
    return {
      loss: stats.predictions > 0 ? stats.loss / stats.predictions : 0,
      predictions: stats.predictions, words: stats.words, effective: stats.effective, seconds, epoch,
      fraction: Math.min(1, p.wordsDone / this.totalWords),
    };
  }

  /** The tensors a checkpoint must keep to resume (progress travels beside them). */
  stateTensors(): NamedTensor[] {
    const t: NamedTensor[] = [{ name: 'syn0', shape: [this.rows, this.D], data: this.syn0 }];
    if (this.syn1neg) t.push({ name: 'syn1neg', shape: [this.V, this.D], data: this.syn1neg });
    if (this.syn1) t.push({ name: 'syn1', shape: [this.V - 1, this.D], data: this.syn1 });
    return t;
  }

  /** Continues from a checkpoint's tensors and progress (same vocabulary, corpus and settings). */
  restore(tensors: ReadonlyMap<string, NamedTensor>, progress: PredictiveProgress): void {
    for (const t of this.stateTensors()) {
      const saved = tensors.get(t.name);
      if (saved === undefined || saved.data.length !== t.data.length) {
        throw new LabError('bad_file', `The checkpoint lacks tensor "${t.name}" of shape [${t.shape.join(', ')}] (it was saved with other settings or another vocabulary); start the run again.`, { field: t.name });
      }
      t.data.set(saved.data);
    }
    this.progress = { ...progress };
  }

  /** The (V, D) vectors users see: syn0's word rows, or for FastText each word's mean over its subword rows. */
  wordVectors(): Float32Array {
    const { V, D } = this;
    if (this.subwords === null) return this.syn0.slice(0, V * D);
    const out = new Float32Array(V * D);
    const { starts, rows } = this.subwords;
    for (let w = 0; w < V; w++) {
      const n = starts[w + 1] - starts[w];
      const acc = new Float64Array(D);
      for (let k = starts[w]; k < starts[w + 1]; k++) for (let i = 0; i < D; i++) acc[i] += this.syn0[rows[k] * D + i];
      for (let i = 0; i < D; i++) out[w * D + i] = acc[i] / n;
    }
    return out;
  }

  /** The n-gram rows of FastText (K, D), K = usedBuckets.length; null for Word2Vec. */
  ngramRows(): Float32Array | null {
    return this.subwords === null ? null : this.syn0.slice(this.V * this.D);
  }
}

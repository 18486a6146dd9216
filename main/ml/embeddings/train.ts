// One static-embedding training from sentences to saved vectors, for a job to run: builds the vocabulary and the
// id corpus, counts co-occurrences (GloVe), trains in kernel calls (yielding to the event loop between calls so a
// stop request gets through), checkpoints at every epoch end and on stop, resumes from the latest checkpoint, and
// writes the final vectors. It reports through hooks and touches no database.
//
// Files under `dir` (the run's folder):
//   vectors/final/, vectors/epoch-NNN/    vectors.safetensors + vocab.json (store.ts): what users see, per checkpoint
//   state/state.safetensors              the trainer's tensors; metadata: progress, settings and vocabulary digest
//   glove/cooccurrence.bin               GloVe's co-occurrence records (cooccur.ts), kept for resume and for checks
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LabError } from '../../../common/errors';
import type { EmbeddingKernels } from '../../../native-kernels/embeddings';
import { readSafetensors, writeSafetensors } from '../checkpoint';
import type { EmbeddingConfig, GloveConfig, PredictiveConfig } from './config';
import { buildCorpus, type WordCorpus } from './corpus';
import { countCooccurrences, RECORD_BYTES } from './glove/cooccur';
import { GloveTrainer } from './glove/trainer';
import { PredictiveTrainer } from './predictive';
import { saveWordVectors, WordVectors } from './store';
import { buildVocabulary, countWords, type Vocabulary } from './vocab';

export type TrainPhase = 'vocabulary' | 'corpus' | 'cooccurrence' | 'training' | 'saving';

export interface TrainProgress {
  /** words trained so far (Word2Vec/FastText) or co-occurrence records (GloVe), over all epochs */
  step: number;
  epoch: number;
  /** 0..1 of the whole training */
  fraction: number;
  /** this call's mean loss (per prediction; GloVe: f d^2 per record) */
  loss: number;
  /** corpus words per second in this call (Word2Vec/FastText), or records per second (GloVe) */
  rate: number;
  seconds: number;
}

export interface TrainHooks {
  phase?(phase: TrainPhase, detail: string): void;
  progress(p: TrainProgress): void;
  /** a checkpoint folder (vectors/<name>) was written */
  checkpoint?(name: string, dir: string, resumable: boolean): void;
  /** polled between kernel calls; true stops after a checkpoint */
  shouldStop(): boolean;
}

export interface TrainSpec {
  config: EmbeddingConfig;
  /** the corpus as sentences of words; called twice (count, then ids), so it must replay the same sentences */
  sentences: () => Iterable<string[]>;
  /** how the corpus is named in error sentences, e.g. 'dataset "shakespeare"' */
  corpusName: string;
  dir: string;
  /** continue from dir/state when it exists */
  resume: boolean;
  /** words per kernel call (Word2Vec/FastText; default CHUNK_WORDS) and records per call (GloVe): tests make calls small */
  callSize?: number;
}

export interface TrainResult {
  status: 'completed' | 'stopped';
  vocabulary: number;
  corpusWords: number;
  /** mean loss of the last call */
  lastLoss: number | null;
  /** GloVe: J = sum f d^2 over every record at the final vectors, as gloveCost computes it */
  objective?: number;
  /** GloVe: distinct co-occurring pairs */
  records?: number;
  /** seconds spent in training calls, and words (or records) per second over them */
  trainSeconds: number;
  rate: number;
}

const yieldToEvents = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A digest of vocabulary and settings, so a resume never continues on another corpus or configuration. */
function fingerprint(config: EmbeddingConfig, vocab: Vocabulary, corpus: WordCorpus): string {
  const h = createHash('sha256');
  const { threads: _threads, ...settings } = config; // threads may change between sessions
  h.update(JSON.stringify(settings));
  h.update(vocab.words.join('\n'));
  h.update(JSON.stringify(vocab.counts));
  h.update(String(corpus.words.length));
  return h.digest('hex').slice(0, 16);
}

export async function trainEmbeddings(k: EmbeddingKernels, spec: TrainSpec, hooks: TrainHooks): Promise<TrainResult> {
  const { config, dir } = spec;
  hooks.phase?.('vocabulary', spec.corpusName);
  const vocab = buildVocabulary(countWords(spec.sentences()), { minCount: config.minCount, maxWords: config.maxVocab, corpusName: spec.corpusName });
  hooks.phase?.('corpus', `${vocab.words.length} words`);
  const corpus = buildCorpus(spec.sentences(), vocab);
  if (corpus.words.length < 2) {
    throw new LabError('invalid_input', `${spec.corpusName} leaves ${corpus.words.length} word of the vocabulary to train on; use a larger dataset or lower --min-count.`, { field: 'dataset' });
  }
  const print = fingerprint(config, vocab, corpus);
  mkdirSync(dir, { recursive: true });
  return config.method === 'glove'
    ? trainGlove(k, spec, config, vocab, corpus, print, hooks)
    : trainPredictive(k, spec, config, vocab, corpus, print, hooks);
}

interface Checkpointable {
  stateTensors(): { name: string; shape: number[]; data: Float32Array }[];
}

function saveState(dir: string, t: Checkpointable, progress: object, print: string): void {
  mkdirSync(join(dir, 'state'), { recursive: true });
  writeSafetensors(join(dir, 'state', 'state.safetensors'), t.stateTensors(), {
    format: 'attention-lab/embeddings-state-1', progress: JSON.stringify(progress), fingerprint: print,
  });
}

/** The saved state when resuming and it belongs to this corpus and configuration; else null (fresh start). */
function loadState(spec: TrainSpec, print: string): { tensors: ReturnType<typeof readSafetensors>['tensors']; progress: unknown } | null {
  const path = join(spec.dir, 'state', 'state.safetensors');
  if (!spec.resume || !existsSync(path)) return null;
  const file = readSafetensors(path);
  if (file.metadata.fingerprint !== print) {
    throw new LabError('conflict', `The checkpoint in ${join(spec.dir, 'state')} was saved for another vocabulary or other settings (the dataset changed since?); start a new run instead of resuming this one.`, { field: 'resume' });
  }
  return { tensors: file.tensors, progress: JSON.parse(file.metadata.progress ?? '{}') };
}

function checkpointName(epoch: number, final: boolean): string {
  return final ? 'final' : `epoch-${String(epoch).padStart(3, '0')}`;
}

function saveVectors(spec: TrainSpec, wv: WordVectors, name: string, extra: Parameters<typeof saveWordVectors>[2] = []): string {
  const out = join(spec.dir, 'vectors', name);
  saveWordVectors(out, wv, extra);
  return out;
}

async function trainPredictive(k: EmbeddingKernels, spec: TrainSpec, config: PredictiveConfig, vocab: Vocabulary,
  corpus: WordCorpus, print: string, hooks: TrainHooks): Promise<TrainResult> {
  const t = new PredictiveTrainer(k, config, vocab, corpus, spec.callSize);
  const saved = loadState(spec, print);
  if (saved) t.restore(saved.tensors, saved.progress as PredictiveTrainer['progress']);
  const words = (): WordVectors => {
    const s = t.subwords;
    const sub = s === null || t.ngramRows() === null ? null
      : { minN: config.minN, maxN: config.maxN, buckets: config.buckets, usedBuckets: s.usedBuckets, rows: t.ngramRows()! };
    return new WordVectors(config.method, vocab.words, vocab.counts, config.dim, t.wordVectors(), sub, { ...config });
  };
  const checkpoint = (final: boolean, epoch: number): void => {
    saveState(spec.dir, t, t.progress, print);
    const name = checkpointName(epoch, final);
    const out = saveVectors(spec, words(), name); // not inside the optional call: a?.(f()) skips f() when a is absent
    hooks.checkpoint?.(name, out, !final);
  };
  hooks.phase?.('training', `${vocab.words.length} words, ${corpus.words.length} in the corpus`);
  let lastLoss: number | null = null;
  let seconds = 0;
  let trained = 0;
  while (!t.finished) {
    if (hooks.shouldStop()) {
      checkpoint(false, t.progress.epoch);
      return { status: 'stopped', vocabulary: vocab.words.length, corpusWords: corpus.rawWords, lastLoss, trainSeconds: seconds, rate: seconds > 0 ? trained / seconds : 0 };
    }
    const epochBefore = t.progress.epoch;
    const r = t.step()!;
    lastLoss = r.loss;
    seconds += r.seconds;
    trained += r.words;
    hooks.progress({ step: t.progress.wordsDone, epoch: r.epoch, fraction: r.fraction, loss: r.loss, rate: r.words / Math.max(r.seconds, 1e-9), seconds: r.seconds });
    if (t.progress.epoch > epochBefore && !t.finished) checkpoint(false, t.progress.epoch);
    await yieldToEvents();
  }
  hooks.phase?.('saving', 'final vectors');
  checkpoint(true, t.progress.epoch);
  return { status: 'completed', vocabulary: vocab.words.length, corpusWords: corpus.rawWords, lastLoss, trainSeconds: seconds, rate: seconds > 0 ? trained / seconds : 0 };
}

async function trainGlove(k: EmbeddingKernels, spec: TrainSpec, config: GloveConfig, vocab: Vocabulary,
  corpus: WordCorpus, print: string, hooks: TrainHooks): Promise<TrainResult> {
  const V = vocab.words.length;
  const gloveDir = join(spec.dir, 'glove');
  const file = join(gloveDir, 'cooccurrence.bin');
  const saved = loadState(spec, print);
  mkdirSync(gloveDir, { recursive: true });
  let records: number;
  if (saved && existsSync(file)) {
    records = Math.floor(statSync(file).size / RECORD_BYTES);
  } else {
    hooks.phase?.('cooccurrence', `window ${config.window}`);
    const memoryBytes = config.memoryMB * 1024 * 1024;
    const res = countCooccurrences(k, corpus, file, {
      V, window: config.window, symmetric: config.symmetric, distanceWeighting: config.distanceWeighting,
      memoryBytes: memoryBytes / 2, tmpDir: join(gloveDir, 'runs'),
    });
    records = res.records;
  }
  if (records === 0) {
    throw new LabError('invalid_input', `${spec.corpusName} has no two vocabulary words within ${config.window} words of each other, so GloVe has nothing to fit; use a larger dataset or lower --min-count.`, { field: 'dataset' });
  }
  // blocks of at most half the memory budget (12 bytes a record, and a shuffled copy)
  const blockRecords = Math.max(1024, Math.floor((config.memoryMB * 1024 * 1024) / 2 / (RECORD_BYTES * 2)));
  const t = new GloveTrainer(k, config, V, file, records, blockRecords, spec.callSize);
  if (saved) t.restore(saved.tensors, saved.progress as GloveTrainer['progress']);
  const words = (): WordVectors => new WordVectors('glove', vocab.words, vocab.counts, config.dim, t.wordVectors(), null, { ...config });
  const extra = (): { name: string; shape: number[]; data: Float32Array }[] => [
    { name: 'w', shape: [V, config.dim], data: t.w }, { name: 'w_tilde', shape: [V, config.dim], data: t.wt },
    { name: 'b', shape: [V], data: t.b }, { name: 'b_tilde', shape: [V], data: t.bt },
  ];
  const checkpoint = (final: boolean, epoch: number, objective?: number): void => {
    saveState(spec.dir, t, t.progress, print);
    const name = checkpointName(epoch, final);
    const wv = words();
    if (objective !== undefined) wv.stats.objective = objective;
    wv.stats.records = records;
    const out = saveVectors(spec, wv, name, extra());
    hooks.checkpoint?.(name, out, !final);
  };
  hooks.phase?.('training', `${records} co-occurring pairs`);
  let lastLoss: number | null = null;
  let seconds = 0;
  let trained = 0;
  while (!t.finished) {
    if (hooks.shouldStop()) {
      checkpoint(false, t.progress.epoch);
      return { status: 'stopped', vocabulary: V, corpusWords: corpus.rawWords, lastLoss, records, trainSeconds: seconds, rate: seconds > 0 ? trained / seconds : 0 };
    }
    const epochBefore = t.progress.epoch;
    const r = t.step()!;
    lastLoss = r.loss;
    seconds += r.seconds;
    trained += r.records;
    hooks.progress({ step: t.progress.recordsDone, epoch: r.epoch, fraction: r.fraction, loss: r.loss, rate: r.records / Math.max(r.seconds, 1e-9), seconds: r.seconds });
    if (t.progress.epoch > epochBefore && !t.finished) checkpoint(false, t.progress.epoch);
    await yieldToEvents();
  }
  hooks.phase?.('saving', 'final vectors and objective');
  const objective = t.objective();
  checkpoint(true, t.progress.epoch, objective);
  return { status: 'completed', vocabulary: V, corpusWords: corpus.rawWords, lastLoss, objective, records, trainSeconds: seconds, rate: seconds > 0 ? trained / seconds : 0 };
}

/** Checkpoint names of a run folder: epochs ascending, 'final' last (the projector's checkpoint slider). */
export function vectorCheckpoints(dir: string): string[] {
  const root = join(dir, 'vectors');
  if (!existsSync(root)) return [];
  const names = readdirSync(root).filter((n) => existsSync(join(root, n, 'vectors.safetensors')));
  const epochs = names.filter((n) => n.startsWith('epoch-')).sort();
  return names.includes('final') ? [...epochs, 'final'] : epochs;
}

/** Removes the training state (after a completed run it is no longer needed; vectors stay). */
export function dropTrainingState(dir: string): void {
  rmSync(join(dir, 'state'), { recursive: true, force: true });
}

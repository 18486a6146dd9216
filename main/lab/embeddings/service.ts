// EmbeddingsService: the 'embeddings.*' channels — training a static-embedding run (queued on the lab's scheduler,
// which trains it in a job worker like a GPT/BERT run — the CLI follows it there — or in this process for tests), the
// method defaults, a run's checkpoints and vectors, neighbours and analogies with the
// sentences a person can act on (unknown word: its nearest spellings), export to other tools' formats and import
// from them (an imported file becomes a run like any other, family 'embeddings-import').
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ChannelArgs, ChannelOutput, RunT } from '../../../common/api';
import { LabError } from '../../../common/errors';
import type { VectorSet, VectorSource } from '../../../common/embeddings/vector-set';
import { runEmbeddingsJob, type EmbeddingsJobSpec } from '../../jobs/embeddings/embeddings-job';
import { embeddingsJob } from '../../jobs/training-jobs';
import type { TrainJobResult } from '../../jobs/train/protocol';
import { defaultConfig, EMBEDDING_METHODS } from '../../ml/embeddings/config';
import { importVectors } from '../../ml/embeddings/formats';
import { analogyOf, neighborsOf } from '../../ml/embeddings/query';
import { nearestSpelling } from '../../ml/embeddings/similarity';
import { loadWordVectors, saveWordVectors, WordVectors } from '../../ml/embeddings/store';
import { vectorCheckpoints } from '../../ml/embeddings/train';
import type { KernelPreference } from '../../../native-kernels/index';
import type { LabContext } from '../app/context';
import { runFolder, type RunService } from '../runs/service';
import { notResumable, type TrainingDeps } from '../runs/training';
import { RunRecorder, type TrainProgress } from '../runs/recorder';
import type { JobScheduler } from '../runs/scheduler';
import { exportWordVectors } from './export';
import { prepareEmbeddingsResume, prepareEmbeddingsRun, type EmbeddingTrainInput } from './prepare';
import { checkPathText } from '../../../common/path-text';

export const EMBEDDING_FAMILIES = ['word2vec', 'fasttext', 'glove', 'embeddings-import'] as const;
type EmbeddingFamily = (typeof EMBEDDING_FAMILIES)[number];
/** The families a job trains (an imported run has no job). */
const TRAINED_FAMILIES = ['word2vec', 'fasttext', 'glove'] as const;

export function isEmbeddingFamily(family: string): family is EmbeddingFamily {
  return (EMBEDDING_FAMILIES as readonly string[]).includes(family);
}

export interface EmbeddingsTrainHooks {
  log?(line: string): void;
  progress?(p: TrainProgress): void;
  shouldStop?(): boolean;
}

export interface EmbeddingsTrainOutcome {
  runId: number;
  name: string;
  method: string;
  status: 'completed' | 'stopped' | 'failed';
  error: string | null;
  backend: string;
  threads: number;
  vocabulary: number;
  corpusWords: number;
  steps: number;
  totalSteps: number;
  firstLoss: number | null;
  lastLoss: number | null;
  wordsPerSecond: number;
  wallSeconds: number;
  /** the final vectors' folder (or the last checkpoint's when stopped) */
  vectors: string | null;
}

/** Loaded vectors by folder, kept while the files do not change (a query after a query costs no read). */
const CACHE_SIZE = 4;

export class EmbeddingsService {
  private readonly runs: RunService;
  private readonly cache = new Map<string, { mtime: number; wv: WordVectors }>();

  private readonly ctx: LabContext;

  /** `scheduler` trains queued runs in its job workers (stop, pause, resume and crash recovery are its own). */
  constructor(private readonly deps: TrainingDeps, private readonly scheduler: JobScheduler, private readonly opts: { kernels?: KernelPreference } = {}) {
    this.ctx = deps.ctx;
    this.runs = deps.runs;
    // runs.resume of a stopped, paused or crashed embedding run (and a queue a dead app left) is rebuilt from its record
    scheduler.registerResume(TRAINED_FAMILIES, (runId) => embeddingsJob(this.resumeJob(runId)));
  }

  async defaults(): Promise<ChannelOutput<'embeddings.defaults'>> {
    const [word2vec, fasttext, glove] = EMBEDDING_METHODS.map((m) => defaultConfig(m) as unknown as Record<string, unknown>);
    return { word2vec, fasttext, glove };
  }

  /** Records the run and queues it on the scheduler; a bad dataset or setting is refused before anything is recorded. */
  async train(input: ChannelArgs<'embeddings.train'>): Promise<ChannelOutput<'embeddings.train'>> {
    // the corpus line (words, vocabulary) goes out as runs.log with the caller's taskId, as runs.start's lines do
    const { taskId = null, ...request } = input;
    const log = (line: string): void => this.ctx.emit('runs.log', { runId: null, taskId, line });
    const prepared = await prepareEmbeddingsRun(this.deps, request, { queued: true, kernels: this.opts.kernels }, log);
    this.scheduler.enqueue(embeddingsJob(prepared.job));
    return {
      runId: prepared.runId, name: prepared.name, method: input.method, vocabulary: prepared.vocabulary,
      corpusWords: prepared.corpusWords, totalSteps: prepared.job.totalSteps,
    };
  }

  /** Trains in this process until the end or hooks.shouldStop(), recording everything (tests; the CLI queues through train). */
  async trainForeground(target: EmbeddingTrainInput | { resume: number }, hooks: EmbeddingsTrainHooks = {}): Promise<EmbeddingsTrainOutcome> {
    const started = performance.now();
    const log = hooks.log ?? ((): void => {});
    const prepared = 'resume' in target
      ? this.reopen(target.resume)
      : await prepareEmbeddingsRun(this.deps, target, { queued: false, kernels: this.opts.kernels }, log);
    const { runId, job } = prepared;
    const recorder = this.recorder(job, { log, progress: hooks.progress });
    let result: TrainJobResult;
    try {
      result = await runEmbeddingsJob(job, { post: recorder.onMessage, shouldStop: () => hooks.shouldStop?.() === true });
    } catch (e) {
      recorder.fail(e);
      throw e;
    }
    recorder.finish(result);
    const run = this.runs.run(runId);
    const checkpoints = vectorCheckpoints(job.runDir);
    return {
      runId, name: run.name, method: run.family, status: result.status, error: result.status === 'completed' ? null : result.reason,
      backend: recorder.backend, threads: recorder.threads, vocabulary: prepared.vocabulary, corpusWords: prepared.corpusWords,
      steps: result.step, totalSteps: job.totalSteps,
      firstLoss: this.ctx.store.runs.firstValue(runId, 'train/loss')?.value ?? null, lastLoss: run.metrics['train/loss']?.last ?? null,
      wordsPerSecond: recorder.tokensPerSecond, wallSeconds: (performance.now() - started) / 1000,
      vectors: checkpoints.length > 0 ? path.join(job.runDir, 'vectors', checkpoints[checkpoints.length - 1]) : null,
    };
  }

  /** A stopped, paused or crashed run's job, its status set back to running (the foreground resume). */
  private reopen(runId: number): ReturnType<typeof prepareEmbeddingsResume> {
    const run = this.embeddingRun(runId);
    if (!['stopped', 'paused', 'crashed'].includes(run.status)) throw notResumable(runId, run.name, run.status, 'resume');
    const prepared = prepareEmbeddingsResume(this.deps, runId, { kernels: this.opts.kernels });
    this.runs.setStatus(runId, 'running', { error: null });
    return prepared;
  }

  /** The job of a queued resume, for the scheduler when it takes the run from its queue. */
  resumeJob(runId: number): EmbeddingsJobSpec {
    return prepareEmbeddingsResume(this.deps, runId, { kernels: this.opts.kernels }).job;
  }

  async list(): Promise<ChannelOutput<'embeddings.runs'>> {
    const all = await this.runs.list({ includeArchived: false });
    return all.filter((r) => isEmbeddingFamily(r.family)).map((r) => this.info(r));
  }

  async checkpoints(input: ChannelArgs<'embeddings.checkpoints'>): Promise<ChannelOutput<'embeddings.checkpoints'>> {
    this.embeddingRun(input.runId);
    return vectorCheckpoints(runFolder(this.ctx.home, input.runId));
  }

  async neighbors(input: ChannelArgs<'embeddings.neighbors'>): Promise<ChannelOutput<'embeddings.neighbors'>> {
    const { wv, checkpoint, what } = this.open(input.runId, input.checkpoint);
    return { runId: input.runId, checkpoint, ...neighborsOf(wv, input.word, input.k, what) };
  }

  async analogy(input: ChannelArgs<'embeddings.analogy'>): Promise<ChannelOutput<'embeddings.analogy'>> {
    const { wv, checkpoint, what } = this.open(input.runId, input.checkpoint);
    return { runId: input.runId, checkpoint, ...analogyOf(wv, input.a, input.b, input.c, input.k, what) };
  }

  async spelling(input: ChannelArgs<'embeddings.spelling'>): Promise<ChannelOutput<'embeddings.spelling'>> {
    const { wv } = this.open(input.runId, input.checkpoint);
    return { word: input.word, inVocabulary: wv.index.has(input.word), suggestions: nearestSpelling(wv.words, input.word, input.k) };
  }

  /** The run's vectors as the shared VectorSet (15b's projector calls this in the main process). */
  wordVectorSet(runId: number, checkpoint?: string, limit = 0): VectorSet {
    const { wv, checkpoint: name, run } = this.open(runId, checkpoint);
    const source: VectorSource = run.family === 'embeddings-import'
      ? { kind: 'imported', runId, checkpoint: 'final', format: (run.config.format as 'w2v-text' | 'w2v-bin' | 'projector' | undefined) ?? 'w2v-text' }
      : { kind: run.family as 'word2vec' | 'fasttext' | 'glove', runId, checkpoint: name };
    return wv.toVectorSet(source, `${titleOf(run)}, run ${runId}, ${name}`, limit);
  }

  async vectors(input: ChannelArgs<'embeddings.vectors'>): Promise<ChannelOutput<'embeddings.vectors'>> {
    const set = this.wordVectorSet(input.runId, input.checkpoint, input.limit);
    const bytes = Buffer.from(set.vectors.buffer, set.vectors.byteOffset, set.vectors.byteLength);
    return {
      key: set.key, title: set.title, labels: set.labels, dim: set.dim, vectorsB64: bytes.toString('base64'),
      columns: set.columns, source: set.source as unknown as Record<string, unknown>,
    };
  }

  async export(input: ChannelArgs<'embeddings.export'>): Promise<ChannelOutput<'embeddings.export'>> {
    const { wv, checkpoint } = this.open(input.runId, input.checkpoint);
    const files = await exportWordVectors(this.ctx.home, wv, `run-${input.runId}-${checkpoint}`, input);
    return { files, words: wv.size, dim: wv.dim };
  }

  /** Reads (and fully checks) the file before anything is recorded, then stores it as a completed run. */
  async import(input: ChannelArgs<'embeddings.import'>): Promise<ChannelOutput<'embeddings.import'>> {
    const file = path.resolve(checkPathText(input.path, { what: 'The vectors file' }));
    if (input.metadataPath !== undefined) checkPathText(input.metadataPath, { field: 'metadataPath', what: 'The metadata file' });
    if (!existsSync(file)) throw new LabError('not_found', `There is no file ${file}; check the path.`, { field: 'path' });
    const wv = importVectors(input.format, file, input.metadataPath === undefined ? null : path.resolve(input.metadataPath));
    const name = input.name ?? path.basename(file).replace(/\.[^.]+$/, '');
    const runId = this.runs.create({
      name, family: 'embeddings-import', datasetId: null, tokenizerId: null, seed: 0, totalSteps: null, status: 'running',
      config: { kind: 'static-embeddings', format: input.format, path: file, words: wv.size, dim: wv.dim },
    });
    try {
      saveWordVectors(path.join(runFolder(this.ctx.home, runId), 'vectors', 'final'),
        new WordVectors('imported', wv.words, wv.counts, wv.dim, wv.vectors, null, { format: input.format, path: file }));
      this.runs.setStatus(runId, 'completed');
    } catch (e) {
      this.runs.setStatus(runId, 'failed', { error: `The vectors could not be saved: ${(e as Error).message}` });
      throw e;
    }
    this.ctx.emit('runs.changed', { id: runId, status: 'completed', step: 0, totalSteps: null, error: null, experimentId: null });
    return { runId, name, words: wv.size, dim: wv.dim };
  }

  // ---------- internals ----------

  private recorder(job: EmbeddingsJobSpec, hooks: ConstructorParameters<typeof RunRecorder>[4]): RunRecorder {
    return new RunRecorder(this.ctx, this.runs, job.runId, embeddingsJob(job), hooks);
  }

  private embeddingRun(runId: number): RunT {
    const run = this.runs.run(runId);
    if (!isEmbeddingFamily(run.family)) {
      throw new LabError('invalid_input', `Run ${runId} ("${run.name}") is a ${run.family.toUpperCase()} run, not word embeddings; choose a word2vec, fasttext, glove or imported run.`, { field: 'runId' });
    }
    return run;
  }

  /** The vectors of a run at a checkpoint (default: the newest), loaded once per file version. */
  private open(runId: number, checkpoint?: string): { wv: WordVectors; checkpoint: string; what: string; run: RunT } {
    const run = this.embeddingRun(runId);
    const dir = runFolder(this.ctx.home, runId);
    const names = vectorCheckpoints(dir);
    if (names.length === 0) {
      throw new LabError('not_found', `Run ${runId} ("${run.name}") has no saved vectors yet (it is ${run.status}); wait for its first epoch to finish.`, { field: 'runId' });
    }
    const name = checkpoint ?? names[names.length - 1];
    if (!names.includes(name)) {
      throw new LabError('not_found', `Run ${runId} ("${run.name}") has no checkpoint "${name}"; its checkpoints are ${names.join(', ')}.`, { field: 'checkpoint' });
    }
    const folder = path.join(dir, 'vectors', name);
    const mtime = statSync(path.join(folder, 'vocab.json')).mtimeMs;
    let hit = this.cache.get(folder);
    if (hit === undefined || hit.mtime !== mtime) {
      hit = { mtime, wv: loadWordVectors(folder) };
      this.cache.delete(folder);
      this.cache.set(folder, hit);
      while (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
    }
    return { wv: hit.wv, checkpoint: name, what: `run ${runId} ("${run.name}")`, run };
  }

  private info(r: RunT): ChannelOutput<'embeddings.runs'>[number] {
    const dir = runFolder(this.ctx.home, r.id);
    const checkpoints = vectorCheckpoints(dir);
    const c = r.config as { embedding?: Record<string, unknown>; vocabulary?: number; words?: number; dim?: number };
    const settings = c.embedding ?? {};
    return {
      runId: r.id, name: r.name, family: r.family as EmbeddingFamily, status: r.status, datasetName: r.datasetName, step: r.step,
      totalSteps: r.totalSteps, createdAt: r.createdAt, checkpoints,
      vocabulary: c.vocabulary ?? c.words ?? null, dim: (settings.dim as number | undefined) ?? c.dim ?? null, settings,
    };
  }
}

function titleOf(run: RunT): string {
  if (run.family === 'embeddings-import') return `Imported vectors "${run.name}"`;
  const e = (run.config as { embedding?: { sg?: boolean } }).embedding;
  if (run.family === 'glove') return 'GloVe';
  const name = run.family === 'word2vec' ? 'Word2Vec' : 'FastText';
  return `${name} ${e?.sg === true ? 'skip-gram' : 'CBOW'}`;
}

// FinetuneService: fine-tunes as runs (family 'classifier', parent_run_id = the pre-trained run) — queued on the
// lab's scheduler, which trains them in a job worker like any run (or in the foreground for the CLI) — the TF-IDF + logistic-regression baseline on the same splits
// (family 'baseline', fitted in seconds right here), the table of fine-tunes, and a finished run's report.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { ChannelArgs, ChannelOutput, DatasetT, RunT } from '../../../common/api';
import type { FinetuneReportT, FinetuneRowT, FinetuneStartRequestT } from '../../../common/api/finetune';
import { LabError } from '../../../common/errors';
import type { TrainJobPort, TrainJobResult } from '../../jobs/train/protocol';
import { runFinetuneJob } from '../../jobs/finetune/finetune-job';
import type { ClassificationReport, FinetuneJobSpec } from '../../jobs/finetune/protocol';
import { fitLogisticRegression, predictProba } from '../../ml/finetune/logreg';
import { argmaxRows, classificationMetrics } from '../../ml/finetune/metrics';
import { TfidfVectorizer, type SparseRows } from '../../ml/finetune/tfidf';
import { classWeightsOf } from '../../ml/finetune/train';
import { meanVectorRows, trainTaskWord2Vec, W2V_BASELINE } from '../../jobs/finetune/w2v-features';
import type { LabContext } from '../app/context';
import { runFolder, type RunService } from '../runs/service';
import { RunRecorder, type TrainProgress } from '../runs/recorder';
import type { TrainingDeps } from '../runs/training';
import { finetuneJob, type TrainingJobOf } from '../../jobs/training-jobs';
import type { JobScheduler } from '../runs/scheduler';
import type { KernelPreference } from '../../../native-kernels/index';
import { joinedTexts, labelledDataset, readLabelledSplits } from './labelled-data';
import { prepareFinetune, prepareFinetuneResume, type FinetuneConfig, type PreparedFinetune } from './prepare';

export type FinetuneRunner = (job: FinetuneJobSpec, port: TrainJobPort) => Promise<TrainJobResult>;

export interface FinetuneHooks {
  log?(line: string): void;
  progress?(p: TrainProgress): void;
  shouldStop?(): boolean;
}

export interface FinetuneOutcome {
  runId: number;
  name: string;
  status: TrainJobResult['status'];
  error: string | null;
  report: FinetuneReportT | null;
}

/** A prepared fine-tune as a job of the training-job registry (what the scheduler queues and the recorder counts by). */
function trainingJob(p: PreparedFinetune): TrainingJobOf<'finetune'> {
  return finetuneJob(p.job, p.totalSteps, p.tokensPerStep);
}

/** How often a fine-tune waited on in the worker checks whether its caller asked it to stop. */
const STOP_POLL_MS = 200;

export class FinetuneService {
  private readonly runs: RunService;

  private readonly ctx: LabContext;

  /** `scheduler` trains queued fine-tunes in its job workers (stop, pause, resume and crash recovery are its own). */
  constructor(private readonly deps: TrainingDeps, private readonly scheduler: JobScheduler, private readonly opts: { kernels?: KernelPreference } = {}) {
    this.ctx = deps.ctx;
    this.runs = deps.runs;
    // runs.resume of a stopped, paused or crashed fine-tune (and a queue a dead app left) is rebuilt from its record
    scheduler.registerResume(['classifier'], async (runId) => trainingJob(
      await prepareFinetuneResume(this.deps, runId, { queued: true, threads: this.defaultThreads(), kernels: this.opts.kernels }, () => {})));
  }

  /** Prepares, trains and records one fine-tune in this process (the CLI's foreground run), to its end or a stop. */
  async run(input: FinetuneStartRequestT, hooks: FinetuneHooks = {}, runner: FinetuneRunner = runFinetuneJob): Promise<FinetuneOutcome> {
    const log = hooks.log ?? ((): void => {});
    const prepared = await prepareFinetune(this.deps, input, { queued: false, threads: input.threads ?? null, kernels: this.opts.kernels }, log);
    const recorder = new RunRecorder(this.ctx, this.runs, prepared.runId, trainingJob(prepared), { log, progress: hooks.progress });
    let result: TrainJobResult;
    try {
      result = await runner(prepared.job, { post: recorder.onMessage, shouldStop: () => hooks.shouldStop?.() === true });
    } catch (e) {
      recorder.fail(e);
      throw e;
    }
    recorder.finish(result);
    return this.outcome(prepared.runId);
  }

  /** Records a fine-tune as queued and queues it on the scheduler, returning the run at once; a bad dataset or setting
   *  is refused before anything is recorded. */
  async start(input: FinetuneStartRequestT, log: (line: string) => void = () => {}): Promise<RunT> {
    const prepared = await prepareFinetune(this.deps, input, { queued: true, threads: input.threads ?? this.defaultThreads(), kernels: this.opts.kernels }, log);
    this.scheduler.enqueue(trainingJob(prepared));
    return this.runs.run(prepared.runId);
  }

  /**
   * Queues a fine-tune for the job worker and waits for it to settle (the experiment's fine-tunes): `shouldStop` is
   * polled while it waits and stops the run through the scheduler, as runs.stop would.
   */
  async runInWorker(input: FinetuneStartRequestT, hooks: Pick<FinetuneHooks, 'log' | 'shouldStop'> = {}): Promise<FinetuneOutcome> {
    const run = await this.start(input, hooks.log);
    let asked = false;
    const poll = setInterval(() => {
      if (asked || hooks.shouldStop?.() !== true) return;
      asked = true;
      const status = this.runs.run(run.id).status;
      if (status === 'queued' || status === 'running') this.scheduler.stop(run.id);
    }, STOP_POLL_MS);
    try {
      await this.scheduler.idle([run.id]);
    } finally {
      clearInterval(poll);
    }
    return this.outcome(run.id);
  }

  /** A settled fine-tune as its caller reads it. */
  private outcome(runId: number): FinetuneOutcome {
    const run = this.runs.run(runId);
    const status: FinetuneOutcome['status'] = run.status === 'completed' ? 'completed' : run.status === 'failed' || run.status === 'crashed' ? 'failed' : 'stopped';
    return { runId: run.id, name: run.name, status, error: run.error, report: this.reportOf(run) };
  }

  /** Kernel threads per job: the machine's cores shared by the jobs the scheduler runs at once (as for GPT/BERT). */
  private defaultThreads(): number {
    return Math.max(1, Math.floor(availableParallelism() / this.scheduler.concurrency));
  }

  /**
   * A classic baseline on the dataset's splits (the same label budget and seed a fine-tune draws): TF-IDF + logistic
   * regression, or the mean of Word2Vec vectors + logistic regression (Word2Vec learns from the whole train split's
   * text, labels unused, as a practitioner would train it on the unlabelled text at hand).
   */
  async baseline(input: ChannelArgs<'finetune.baseline'>, log: (line: string) => void = () => {}): Promise<ChannelOutput<'finetune.baseline'>> {
    const { datasets } = this.deps;
    const dataset = await labelledDataset(datasets, input.dataset, log);
    const data = readLabelledSplits(this.ctx.store.datasets, dataset, { labelsPerClass: input.labelsPerClass, seed: input.seed }, log);
    const evaluated = data.test.texts.length > 0 ? data.test : data.validation;
    const evaluatedOn = data.test.texts.length > 0 ? 'test' : 'validation';
    const K = data.classes.length;
    const config = {
      task: 'classification', kind: 'baseline', method: input.method, analyzer: input.method === 'tfidf-logreg' ? input.analyzer : null,
      ...(input.method === 'w2v-logreg' ? { word2vec: W2V_BASELINE } : {}), C: input.C, classWeights: input.classWeights,
      classes: data.classes, labelsPerClass: input.labelsPerClass ?? null, dataset: { id: dataset.id, name: dataset.name },
      counts: { train: data.train.texts.length, validation: data.validation.texts.length, test: data.test.texts.length },
    };
    const runId = this.runs.create({
      name: input.name ?? `${dataset.name}-${input.method}${input.labelsPerClass !== undefined ? `-${input.labelsPerClass}` : ''}`,
      family: 'baseline', datasetId: dataset.id, tokenizerId: null, seed: input.seed, totalSteps: 1, status: 'running', config,
    });
    try {
      const started = performance.now();
      const evaluatedTexts = joinedTexts(evaluated);
      const features = input.method === 'w2v-logreg'
        ? await this.word2vecFeatures(dataset, runId, input.seed, joinedTexts(data.train), evaluatedTexts, log)
        : tfidfFeatures(input.analyzer, joinedTexts(data.train), evaluatedTexts);
      const weights = input.classWeights === 'balanced' ? classWeightsOf(data.train.labels, K, 'balanced') : null;
      const model = fitLogisticRegression(features.train, data.train.labels, K, { C: input.C, classWeights: weights, tol: 1e-5, maxIter: 500 });
      const probs = predictProba(model, features.evaluated);
      const predicted = argmaxRows(probs, evaluated.labels.length, K);
      const metrics = classificationMetrics(evaluated.labels, predicted, K, probs);
      const seconds = (performance.now() - started) / 1000;
      const misclassified: ClassificationReport['misclassified'] = [];
      for (let i = 0; i < predicted.length && misclassified.length < 200; i++) {
        if (predicted[i] !== evaluated.labels[i]) misclassified.push({ index: i, text: evaluatedTexts[i].slice(0, 2000), truth: evaluated.labels[i],
          predicted: predicted[i], probabilities: Array.from(probs.subarray(i * K, (i + 1) * K)) });
      }
      const report: ClassificationReport = {
        classes: data.classes, evaluatedOn, metrics, bestEpoch: 0, stoppedEarly: false, examplesPerSecond: data.train.texts.length / Math.max(seconds, 1e-9), history: [], misclassified,
      };
      const dir = path.join(runFolder(this.ctx.home, runId), 'baseline');
      mkdirSync(dir, { recursive: true });
      const file = path.join(dir, 'classification.json');
      const text = `${JSON.stringify(report)}\n`;
      writeFileSync(file, text);
      this.runs.addArtifact(runId, { kind: 'classification-report', path: path.relative(this.ctx.home, file), sha256: '', bytes: Buffer.byteLength(text), step: 1, meta: { features: features.count, iterations: model.iterations, converged: model.converged } });
      const writer = this.runs.metricWriter(runId);
      const prefix = evaluatedOn === 'test' ? 'test' : 'final';
      writer.add(`${prefix}/accuracy`, 1, metrics.accuracy);
      writer.add(`${prefix}/macro_f1`, 1, metrics.macroF1);
      if (metrics.rocAuc !== null) writer.add(`${prefix}/roc_auc`, 1, metrics.rocAuc);
      writer.close();
      this.runs.heartbeat(runId, 1, 0);
      this.runs.setStatus(runId, 'completed');
      log(`${features.describe} + logistic regression: macro-F1 ${metrics.macroF1.toFixed(3)} on ${evaluatedOn} (${seconds.toFixed(1)} s).`);
      return this.toReport(runId, report);
    } catch (e) {
      this.runs.setStatus(runId, 'failed', { error: e instanceof Error ? e.message : String(e) });
      throw e;
    }
  }

  /** Word2Vec trained on every train text of the dataset (no budget: labels are not needed), in the run's folder. */
  private async word2vecFeatures(dataset: DatasetT, runId: number, seed: number, train: string[], evaluated: string[], log: (line: string) => void): Promise<BaselineFeatures> {
    const unlabelled = joinedTexts(readLabelledSplits(this.ctx.store.datasets, dataset, { seed }, () => {}).train);
    const wv = await trainTaskWord2Vec(unlabelled, seed, path.join(runFolder(this.ctx.home, runId), 'word2vec'), `the train split of "${dataset.name}"`, this.opts.kernels);
    const a = meanVectorRows(wv, train);
    const b = meanVectorRows(wv, evaluated);
    if (a.empty + b.empty > 0) log(`${a.empty + b.empty} text${a.empty + b.empty === 1 ? ' has' : 's have'} no word Word2Vec kept (seen twice in the train split), so ${a.empty + b.empty === 1 ? 'its' : 'their'} features are zeros.`);
    return { train: a.rows, evaluated: b.rows, count: wv.dim, describe: `Mean of Word2Vec vectors (${wv.dim} dimensions, ${wv.size.toLocaleString('en-US')} words from ${unlabelled.length.toLocaleString('en-US')} train texts)` };
  }

  /** Every fine-tune and baseline, newest last, with its lineage and headline figures. */
  async list(): Promise<ChannelOutput<'finetune.list'>> {
    const all = await this.runs.list({ includeArchived: false } as ChannelArgs<'runs.list'>);
    const byId = new Map(all.map((r) => [r.id, r]));
    return all.filter((r) => r.family === 'classifier' || r.family === 'baseline').map((r) => this.rowOf(r, byId));
  }

  async report(input: ChannelArgs<'finetune.report'>): Promise<ChannelOutput<'finetune.report'>> {
    const run = this.runs.run(input.runId);
    if (run.family !== 'classifier' && run.family !== 'baseline') {
      throw new LabError('invalid_input', `Run ${run.id} ("${run.name}") is a ${run.family} run, not a fine-tune or baseline; it has no classification report.`, { field: 'runId' });
    }
    return this.reportOf(run);
  }

  private rowOf(r: RunT, byId: Map<number, RunT>): FinetuneRowT {
    const c = r.config as Partial<FinetuneConfig> & { kind?: string; counts?: { train: number } };
    const parentId = r.parentRunId ?? null;
    const parent = parentId === null ? null : byId.get(parentId) ?? null;
    const metric = (key: string): number | null => r.metrics[`test/${key}`]?.last ?? r.metrics[`final/${key}`]?.last ?? null;
    return {
      run: r, kind: r.family === 'baseline' ? 'baseline' : c.kind === 'scratch' ? 'scratch' : 'pretrained',
      bodyFamily: c.bodyFamily ?? null,
      parent: parent === null ? (c.parent ? { id: c.parent.id, name: c.parent.name, family: c.bodyFamily ?? 'gpt' } : null) : { id: parent.id, name: parent.name, family: parent.family },
      head: c.head ?? null, freeze: c.freeze ?? false, labelsPerClass: c.labelsPerClass ?? null, trainExamples: c.counts?.train ?? 0,
      macroF1: metric('macro_f1'), accuracy: metric('accuracy'),
    };
  }

  /** The report file of a finished run: the final checkpoint's classification.json, or the baseline's artifact. */
  private reportOf(run: RunT): FinetuneReportT | null {
    if (run.status !== 'completed') return null;
    const ckpt = this.ctx.store.runs.latestCheckpoint(run.id);
    const candidates = [ckpt === null ? null : path.join(this.ctx.home, ckpt.path, 'classification.json'), path.join(runFolder(this.ctx.home, run.id), 'baseline', 'classification.json')];
    const file = candidates.find((f): f is string => f !== null && existsSync(f));
    if (file === undefined) return null;
    return this.toReport(run.id, JSON.parse(readFileSync(file, 'utf8')) as ClassificationReport);
  }

  private toReport(runId: number, r: ClassificationReport): FinetuneReportT {
    const m = r.metrics;
    return {
      runId, classes: r.classes, evaluatedOn: r.evaluatedOn, count: m.count, accuracy: m.accuracy, macroF1: m.macroF1, rocAuc: m.rocAuc,
      perClass: m.perClass.map((p, i) => ({ label: r.classes[i], precision: p.precision, recall: p.recall, f1: p.f1, support: p.support })),
      confusion: m.confusion, bestEpoch: r.bestEpoch, stoppedEarly: r.stoppedEarly, examplesPerSecond: r.examplesPerSecond,
      misclassified: r.misclassified.map((x) => ({ index: x.index, text: x.text, truth: r.classes[x.truth], predicted: r.classes[x.predicted], probabilities: x.probabilities })),
    };
  }
}

/** A baseline's features of the labelled train texts and of the evaluated texts, for the logistic regression. */
interface BaselineFeatures {
  train: SparseRows;
  evaluated: SparseRows;
  /** feature count (TF-IDF vocabulary, or vector dimensions) */
  count: number;
  describe: string;
}

function tfidfFeatures(analyzer: 'word' | 'char_wb', train: string[], evaluated: string[]): BaselineFeatures {
  const vectorizer = new TfidfVectorizer(analyzer === 'word' ? { analyzer: 'word', ngram: [1, 2], minDf: 1 } : { analyzer: 'char_wb', ngram: [2, 4], minDf: 1 }).fit(train);
  return {
    train: vectorizer.transform(train), evaluated: vectorizer.transform(evaluated), count: vectorizer.vocabulary.size,
    describe: `TF-IDF (${vectorizer.vocabulary.size.toLocaleString('en-US')} ${analyzer === 'word' ? 'word and word-pair' : 'character n-gram'} features)`,
  };
}

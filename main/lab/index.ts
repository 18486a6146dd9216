// createLab: opens a lab home, builds one service per capability and joins their channel handlers; `call()` runs
// every request from IPC, HTTP and the CLI through the one boundary (boundary.ts) and its handler.
import { events } from '../../common/api';
import type { EventName, EventPayload, Handlers } from '../../common/api';
import { LabError } from '../../common/errors';
import { openStore } from '../store/db';
import { analysisHandlers } from './analysis/handlers';
import { AnalysisService, type AnalysisServiceOptions } from './analysis/service';
import { labContext, type LabContext } from './app/context';
import { appHandlers } from './app/handlers';
import { ensureHome, labDatabasePath, resolveHome } from './app/home';
import { AppInfoService, type LabMode } from './app/info';
import { SettingsService } from './app/settings';
import { checkOutput, describeIssues, parseInput } from './boundary';
import { datasetHandlers } from './datasets/handlers';
import { DatasetService } from './datasets/service';
import { experimentHandlers } from './experiments/handlers';
import { ExperimentService } from './experiments/service';
import { runHandlers } from './runs/handlers';
import { JobService } from './runs/job-service';
import type { SchedulerOptions } from './runs/scheduler';
import { RunService } from './runs/service';
import type { TrainingDeps } from './runs/training';
import { tokenizerHandlers } from './tokenizers/handlers';
import { TokenizerService } from './tokenizers/service';
import { reportHandlers } from './reports/handlers';
import { projectorHandlers } from './projector/handlers';
import { ProjectorService } from './projector/service';
import { seq2seqHandlers } from './seq2seq/handlers';
import { Seq2seqService } from './seq2seq/service';
import type { ReportService } from './reports/service';
import type { PdfPrinter } from './reports/export';
import { EmbeddingsService } from './embeddings/service';
import { embeddingHandlers } from './embeddings/handlers';
import { FinetuneService } from './finetune/service';
import { finetuneHandlers } from './finetune/handlers';
import { FinetuneExperimentService } from './finetune/experiment';
import { scaleHandlers } from './scale/handlers';
import { ScaleService } from './scale/service';

export type LabListener = (event: EventName, payload: unknown) => void;

export interface Lab {
  ctx: LabContext;
  handlers: Handlers;
  /** the services that set up and record runs (tests train in-process with them: trainRun(lab.training, …)) */
  training: TrainingDeps;
  /** the training-job scheduler (front ends wait on it, e.g. `attention-lab compare`) */
  jobs: JobService;
  experiments: ExperimentService;
  /** static word embeddings (the CLI trains in the foreground through it) */
  embeddings: EmbeddingsService;
  /** fine-tunes (the CLI trains one in the foreground through it; the page and the experiment queue them) */
  finetune: FinetuneService;
  /** Validates `rawInput` against the channel's schema, runs its handler, validates the result. Throws LabError. */
  call(channel: string, rawInput: unknown): Promise<unknown>;
  /** Subscribes to every event the services emit; returns the unsubscribe function. */
  on(listener: LabListener): () => void;
  close(): void;
}

export interface CreateLabOptions {
  /** an explicit lab home (--home); otherwise ATTENTION_LAB_HOME, then the OS app-data folder */
  home?: string;
  env?: NodeJS.ProcessEnv;
  mode: LabMode;
  /** Electron only: a better-sqlite3 addon built for Electron's ABI (see main/app/native-binding.ts) */
  nativeBinding?: string;
  /** job concurrency and worker spawn (Electron: a utilityProcess); default: the stored setting, child processes */
  jobs?: SchedulerOptions;
  /** how the analysis worker process starts (Electron: its bundled entry); default: Node with tsx */
  analysis?: AnalysisServiceOptions;
  /** how report PDFs are printed (Electron: webContents.printToPDF); default: a locally installed Chromium */
  printPdf?: PdfPrinter;
}

interface Closable {
  close?(): void;
}

export function createLab(opts: CreateLabOptions): Lab {
  const env = opts.env ?? process.env;
  const home = ensureHome(resolveHome({ home: opts.home, env }));
  const databasePath = labDatabasePath(home);
  const db = openStore(databasePath, { nativeBinding: opts.nativeBinding });

  const listeners = new Set<LabListener>();
  const ctx: LabContext = labContext(db, home, function emit<K extends EventName>(event: K, payload: EventPayload<K>): void {
    // A malformed payload is a programming error in a service: say so loudly, but never break the task that emitted it.
    const checked = events[event].safeParse(payload);
    if (!checked.success) {
      console.error(`Event "${event}" was emitted with a payload that does not match the API contract (common/api): ${describeIssues(checked.error.issues, payload)}`);
      return;
    }
    for (const listener of listeners) {
      try {
        listener(event, checked.data);
      } catch (e) {
        console.error(`A listener for "${event}" failed:`, e);
      }
    }
  });

  const settings = new SettingsService(ctx, env);
  const appInfo = new AppInfoService(ctx, opts.mode, databasePath);
  const datasets = new DatasetService(ctx);
  const tokenizers = new TokenizerService(ctx);
  const runs = new RunService(ctx);
  const training: TrainingDeps = { ctx, runs, datasets, tokenizers };
  // the app and `serve` live long, so they take over a queue a crashed app left; one-shot CLI commands never do
  const jobs = new JobService(training, { adoptAbandonedQueue: opts.mode !== 'cli', ...opts.jobs });
  const experiments = new ExperimentService(training, jobs.scheduler);
  const analysis = new AnalysisService(ctx, runs, opts.analysis);
  const projector = new ProjectorService(ctx, analysis.worker);
  const embeddings = new EmbeddingsService(training, jobs.scheduler);
  const finetune = new FinetuneService(training, jobs.scheduler);
  const seq2seq = new Seq2seqService(ctx, runs, jobs.scheduler, datasets);
  const scale = new ScaleService(training, jobs.scheduler);
  const finetuneExperiments = new FinetuneExperimentService(training, finetune, experiments, jobs.scheduler);
  // loaded on first use: the report writers bring ECharts and markdown-it, which other commands never need
  let reportService: Promise<ReportService> | null = null;
  const reports = (): Promise<ReportService> => (reportService ??= import('./reports/service').then((m) => new m.ReportService(ctx, {
    runs,
    experiment: (id) => experiments.get({ id }),
    dataset: (id) => datasets.get({ id }).catch(() => null),
    tokenizer: (id) => tokenizers.get({ id }).catch(() => null),
    app: () => appInfo.info(),
  }, { printPdf: opts.printPdf })));

  // One entry per capability; the Handlers type makes a channel without a handler a type error here.
  const handlers: Handlers = {
    ...appHandlers(appInfo, settings),
    ...datasetHandlers(datasets),
    ...tokenizerHandlers(tokenizers),
    ...runHandlers(runs, jobs),
    ...experimentHandlers(experiments, analysis),
    ...analysisHandlers(analysis),
    ...reportHandlers(reports),
    ...projectorHandlers(projector),
    ...embeddingHandlers(embeddings),
    ...finetuneHandlers(ctx, finetune, finetuneExperiments),
    ...scaleHandlers(scale),
    ...seq2seqHandlers(seq2seq),
  };

  let closed = false;
  return {
    ctx,
    handlers,
    training,
    jobs,
    experiments,
    embeddings,
    finetune,
    async call(channel: string, rawInput: unknown): Promise<unknown> {
      if (closed) throw new LabError('unavailable', 'The lab has been closed; start it again to continue.');
      const { name, input } = parseInput(channel, rawInput);
      const handler = handlers[name] as (input: unknown) => Promise<unknown>;
      return checkOutput(name, await handler(input));
    },
    on(listener: LabListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close(): void {
      if (closed) return;
      closed = true;
      listeners.clear();
      // workers first: their runs are marked crashed (resumable) while the store is still open
      for (const service of [finetuneExperiments, jobs, experiments, seq2seq, scale, analysis, datasets, tokenizers] as Closable[]) service.close?.();
      db.close();
    },
  };
}

// Run shapes of the API contract: runs, metrics, artifacts, samples, start requests, job status.
import { z } from 'zod';
import { byId, empty, Id, Name, ok, TokenizerKind } from './shared';

export const RunStatus = z.enum(['queued', 'running', 'paused', 'completed', 'stopped', 'failed', 'crashed']);
/** 'external': a run imported from another tool whose model family the lab does not know */
/** 'word2vec' | 'fasttext' | 'glove' | 'embeddings-import': static word embeddings (common/api/embeddings.ts);
 *  'classifier': a GPT/BERT body fine-tuned for classification (issue 18); 'baseline': TF-IDF + logistic regression */
/** 'gru' | 'lstm': RNN language models (common/rnn-config.ts); 'seq2seq': an arm of a seq2seq experiment (common/api/seq2seq.ts) */
export const ModelFamilyName = z.enum(['gpt', 'bert', 'rnn', 'gru', 'lstm', 'seq2seq', 'external', 'word2vec', 'fasttext', 'glove', 'embeddings-import', 'classifier', 'baseline']);

/** Latest / lowest / highest value of one metric of a run; best is min or max depending on the metric (accuracy: max). */
export const MetricSummary = z.object({
  last: z.number().nullable(),
  lastStep: z.number().int(),
  min: z.number().nullable(),
  minStep: z.number().int().nullable(),
  max: z.number().nullable(),
  maxStep: z.number().int().nullable(),
  best: z.number().nullable(),
  bestStep: z.number().int().nullable(),
  count: z.number().int(),
});

export const Run = z.object({
  id: Id,
  name: z.string(),
  family: ModelFamilyName,
  experimentId: Id.nullable(),
  datasetId: Id.nullable(),
  datasetName: z.string().nullable(),
  tokenizerId: Id.nullable(),
  tokenizerName: z.string().nullable(),
  /** { model: ModelConfig, training: {...}, preset, ... } as recorded when the run was created */
  config: z.record(z.string(), z.unknown()),
  seed: z.number().int(),
  status: RunStatus,
  backend: z.string().nullable(),
  threads: z.number().int().nullable(),
  error: z.string().nullable(),
  tags: z.array(z.string()),
  notes: z.string(),
  archived: z.boolean(),
  step: z.number().int(),
  totalSteps: z.number().int().nullable(),
  tokensSeen: z.number(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  heartbeatAt: z.string().nullable(),
  /** 'external': imported from another tool (TensorBoard, CSV, JSONL, a PyTorch export); the service always sets it */
  origin: z.enum(['local', 'external']).optional(),
  /** where an external run came from: { format, path, files, importedAt, points, … } */
  originInfo: z.record(z.string(), z.unknown()).optional(),
  /** the run this one started from (a fine-tune's pre-trained parent); the service always sets it */
  parentRunId: Id.nullable().optional(),
  /** metric key (e.g. "val/loss") -> its summary */
  metrics: z.record(z.string(), MetricSummary),
});

export const Artifact = z.object({
  id: Id,
  kind: z.string(),
  /** relative to the lab home */
  path: z.string(),
  sha256: z.string(),
  bytes: z.number(),
  step: z.number().int().nullable(),
  meta: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
});

export const RunSample = z.object({
  id: Id,
  step: z.number().int().nullable(),
  kind: z.string(),
  prompt: z.string(),
  output: z.string(),
  settings: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
});

export const RunDetail = Run.extend({ artifacts: z.array(Artifact), samples: z.array(RunSample) });

/** One metric as columns (charts read them directly); total > steps.length when the query downsampled it. */
export const MetricSeries = z.object({
  key: z.string(),
  total: z.number().int(),
  steps: z.array(z.number().int()),
  values: z.array(z.number().nullable()),
  times: z.array(z.number()),
});

/**
 * A custom GPT/BERT shape (`--layers --heads --d-model --ff --context`): each given field replaces the preset's. Only
 * the types are checked here; ranges and divisibility are checked by common/model-size.ts, whose sentences name the
 * field and its flag.
 */
export const ModelSizeRequest = z.object({
  nLayer: z.number(), nHead: z.number(), dModel: z.number(), dFF: z.number(), contextLength: z.number(),
}).partial().strict();
export const ModelSizeShape = z.object({
  nLayer: z.number().int(), nHead: z.number().int(), dModel: z.number().int(), dFF: z.number().int(), contextLength: z.number().int(),
});

/** What a model of a preset (and custom size) costs: parameters and training memory per family, against free memory. */
export const ModelEstimate = z.object({
  shape: ModelSizeShape,
  batchSize: z.number().int(),
  vocabSize: z.number().int(),
  gpt: z.object({ parameters: z.number().int(), memoryBytes: z.number() }),
  bert: z.object({ parameters: z.number().int(), memoryBytes: z.number() }),
  /** the machine's free memory now: a run needing more is refused */
  availableBytes: z.number(),
});

/** What a new training run is made from: the `attention-lab train` flags, as fields. */
export const RunStartRequest = z.object({
  /** dataset name or id */
  dataset: z.string().min(1, 'Say which dataset to train on.'),
  /** gru and lstm: the RNN language models (common/rnn-config.ts) */
  family: z.enum(['gpt', 'bert', 'gru', 'lstm']),
  tokenizer: z.string().min(1).optional(),
  tokenizerKind: TokenizerKind.optional(),
  preset: z.enum(['tiny', 'small', 'base']).default('tiny'),
  /** gpt and bert only: fields that replace the preset's shape */
  size: ModelSizeRequest.optional(),
  steps: z.number().int().min(1).max(10_000_000).optional(),
  batchSize: z.number().int().min(1).max(4096).optional(),
  /** any positive rate: one that makes the loss diverge fails the run with a sentence naming it (the CLI always took any) */
  lr: z.number().positive().optional(),
  evalEvery: z.number().int().min(1).optional(),
  checkpointEvery: z.number().int().min(1).optional(),
  seed: z.number().int().min(0).max(2 ** 32 - 1).optional(),
  threads: z.number().int().min(1).max(256).optional(),
  name: Name.optional(),
  /** lets the caller match the runs.log lines of this start (said before the run exists, so with runId null) to this call */
  taskId: z.string().max(64).optional(),
}).strict();

export const JobsStatus = z.object({
  concurrency: z.number().int(),
  /** run ids whose worker is live */
  running: z.array(Id),
  /** run ids waiting, in the order they will start */
  queued: z.array(Id),
  /** runs left crashed (by a dead app or a killed worker) that have a checkpoint to resume from */
  resumable: z.array(Run),
});

// ---------- channels ----------
/** The runs.* and jobs.* channels: the run records, their metrics, and the training queue. */
export const runChannels = {
  'runs.list': {
    input: z.object({
      /** metric keys whose summaries to include (default: every key the run has) */
      metrics: z.array(z.string().min(1)).max(50).optional(),
      status: RunStatus.optional(),
      datasetId: Id.optional(),
      experimentId: Id.optional(),
      includeArchived: z.boolean().default(false),
    }).strict(),
    output: z.array(Run),
  },
  'runs.get': {
    input: z.object({ id: Id, samples: z.number().int().min(0).max(1000).default(50) }).strict(),
    output: RunDetail,
  },
  'runs.metrics': {
    input: z.object({
      id: Id,
      /** default: every key the run has */
      keys: z.array(z.string().min(1)).max(50).optional(),
      /** longer series are downsampled on the query side to about this many points (the store keeps them whole) */
      maxPoints: z.number().int().min(8).max(1_000_000).default(2000),
    }).strict(),
    output: z.object({ runId: Id, series: z.array(MetricSeries) }),
  },
  'runs.delete': { input: byId, output: ok },
  'runs.tag': {
    input: z.object({
      id: Id,
      add: z.array(z.string().trim().min(1, 'A tag must not be empty.').max(40, 'A tag must be at most 40 characters.')).default([]),
      remove: z.array(z.string()).default([]),
    }).strict(),
    output: Run,
  },
  'runs.note': { input: z.object({ id: Id, notes: z.string().max(20_000, 'Notes must be at most 20,000 characters.') }).strict(), output: Run },
  'runs.start': { input: RunStartRequest, output: Run },
  'runs.stop': { input: byId, output: Run },
  'runs.pause': { input: byId, output: Run },
  'runs.resume': {
    /** threads: kernel threads for this session (default: the kernels' own, every core) */
    input: z.object({ id: Id, threads: z.number().int().min(1).max(256).optional() }).strict(),
    output: Run,
  },
  'runs.archive': { input: z.object({ id: Id, archived: z.boolean().default(true) }).strict(), output: Run },
  /** the wizard's live size estimate; a bad size is refused with the sentence runs.start would give */
  'runs.estimate': {
    input: z.object({
      preset: z.enum(['tiny', 'small', 'base']).default('tiny'),
      size: ModelSizeRequest.optional(),
      /** the tokenizer's vocabulary; 256 (bytes) while it is not trained yet */
      vocabSize: z.number().int().min(2).max(1_000_000).default(256),
    }).strict(),
    output: ModelEstimate,
  },
  'jobs.status': { input: empty, output: JobsStatus },
  'jobs.setConcurrency': { input: z.object({ concurrency: z.number().int().min(1).max(64) }).strict(), output: JobsStatus },
} as const;

// ---------- events (main -> renderer) ----------
/** Run status and metric points as jobs report them (throttled per run). */
export const runEvents = {
  /** a run's status or progress moved (at most ~10 a second per run) */
  'runs.changed': z.object({
    id: Id,
    status: RunStatus,
    step: z.number().int(),
    totalSteps: z.number().int().nullable(),
    error: z.string().nullable(),
    experimentId: Id.nullable(),
  }),
  /** metric points as the job logs them, batched (at most ~10 batches a second per run) */
  'runs.metrics': z.object({
    runId: Id,
    points: z.array(z.object({ key: z.string(), step: z.number().int(), value: z.number().nullable(), time: z.number() })),
  }),
  /**
   * A line about preparing or running a training job, as `attention-lab train` prints it: the default split made, the
   * tokenizer trained, the tokens counted, "Resuming run 3 … from step 40 of 80.", the learning-rate sweep's choice.
   * runId is null while a new run is prepared (it is recorded after); taskId is the runs.start call's, else null.
   */
  'runs.log': z.object({ runId: Id.nullable(), taskId: z.string().nullable(), line: z.string() }),
} as const;

// Run shapes of the API contract: runs, metrics, artifacts, samples, start requests, job status.
import { z } from 'zod';
import { Id, Name, TokenizerKind } from './common';

export const RunStatus = z.enum(['queued', 'running', 'paused', 'completed', 'stopped', 'failed', 'crashed']);
export const ModelFamilyName = z.enum(['gpt', 'bert', 'rnn']);

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


/** What a new training run is made from: the `attention-lab train` flags, as fields. */
export const RunStartRequest = z.object({
  /** dataset name or id */
  dataset: z.string().min(1, 'Say which dataset to train on.'),
  family: z.enum(['gpt', 'bert']),
  tokenizer: z.string().min(1).optional(),
  tokenizerKind: TokenizerKind.optional(),
  preset: z.enum(['tiny', 'small', 'base']).default('tiny'),
  steps: z.number().int().min(1).max(10_000_000).optional(),
  batchSize: z.number().int().min(1).max(4096).optional(),
  lr: z.number().positive().max(10).optional(),
  evalEvery: z.number().int().min(1).optional(),
  checkpointEvery: z.number().int().min(1).optional(),
  seed: z.number().int().min(0).max(2 ** 32 - 1).optional(),
  threads: z.number().int().min(1).max(256).optional(),
  name: Name.optional(),
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

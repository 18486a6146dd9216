// The one API contract: every channel with its zod input/output schema and every event with its payload.
// Main (IPC), the browser-mode server and the renderer all derive their types from this file.
import { z } from 'zod';
import { AnalysisToken, Artifact, AttentionInput, AttentionMatrix, AttentionThumbnails, AttentionView, Comparison, ComparisonCell, ComparisonRow, Dataset, DatasetStats, DocumentRow, EncodedToken, Encoding, Experiment, ExperimentBudget, HeadSteps, Id, ImportRequest, InvalidLine, JobsStatus, MatrixInput, MetricSeries, MetricSummary, ModelFamilyName, Name, OnnxInspection, ProbeContinueAnswer, ProbeFillAnswer, Run, RunDetail, RunSample, RunStartRequest, RunStatus, SampleCorpus, Settings, SourceFormat, SourceInspection, SplitInfo, SplitName, ThumbnailsInput, Tokenizer, TokenizerKind, VocabEntry } from './schemas/index';

// The shapes (zod schemas) live in preload/schemas/, one file per domain; this file joins them into channels.
export * from './schemas/common';
export * from './schemas/datasets';
export * from './schemas/tokenizers';
export * from './schemas/runs';
export * from './schemas/experiments';
export * from './schemas/analysis';

const empty = z.object({}).strict();
const byId = z.object({ id: Id }).strict();
const ok = z.object({ ok: z.literal(true) });

// ---------- channels ----------
export const channels = {
  'app.info': {
    input: empty,
    output: z.object({
      version: z.string(),
      mode: z.enum(['electron', 'browser', 'cli']),
      home: z.string(),
      databasePath: z.string(),
      kernelBackend: z.string(),
      platform: z.string(),
    }),
  },
  'settings.get': { input: empty, output: Settings },
  'settings.set': { input: Settings.partial().strict(), output: Settings },

  'datasets.list': { input: empty, output: z.array(Dataset) },
  'datasets.get': { input: byId, output: Dataset },
  'datasets.inspect': {
    input: z.object({ path: z.string().min(1), format: SourceFormat.optional(), encoding: Encoding.default('auto') }).strict(),
    output: SourceInspection,
  },
  'datasets.import': {
    input: ImportRequest,
    output: z.object({ dataset: Dataset, encoding: z.string(), skipped: z.array(InvalidLine), skippedCount: z.number() }),
  },
  'datasets.samples': { input: empty, output: z.array(SampleCorpus) },
  'datasets.importSample': {
    input: z.object({ sampleId: z.string().min(1), name: Name.optional(), taskId: z.string().max(64).optional() }).strict(),
    output: z.object({ dataset: Dataset }),
  },
  'datasets.documents': {
    input: z.object({
      id: Id,
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(500).default(50),
      search: z.string().max(200).optional(),
      split: SplitName.optional(),
    }).strict(),
    output: z.object({ total: z.number(), items: z.array(DocumentRow) }),
  },
  'datasets.split': {
    input: z.object({
      id: Id,
      train: z.number().min(0).max(1),
      validation: z.number().min(0).max(1),
      test: z.number().min(0).max(1),
      seed: z.number().int().min(0).max(2 ** 31 - 1).default(42),
      stratify: z.boolean().default(true),
    }).strict(),
    output: SplitInfo,
  },
  'datasets.rename': { input: z.object({ id: Id, name: Name }).strict(), output: Dataset },
  'datasets.delete': { input: byId, output: ok },
  'datasets.export': {
    input: z.object({ id: Id, path: z.string().min(1).optional() }).strict(),
    output: z.object({ path: z.string(), documents: z.number() }),
  },

  'tokenizers.list': { input: z.object({ datasetId: Id.optional() }).strict(), output: z.array(Tokenizer) },
  'tokenizers.get': { input: byId, output: Tokenizer },
  'tokenizers.train': {
    input: z.object({
      datasetId: Id,
      name: Name,
      kind: TokenizerKind,
      vocabSize: z.number().int(),
      lowercase: z.boolean().default(false),
      taskId: z.string().max(64).optional(),
    }).strict(),
    output: Tokenizer,
  },
  'tokenizers.vocab': {
    input: z.object({
      id: Id,
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(1000).default(100),
      search: z.string().max(100).optional(),
      sort: z.enum(['id', 'frequency']).default('id'),
    }).strict(),
    output: z.object({ total: z.number(), items: z.array(VocabEntry) }),
  },
  'tokenizers.encode': {
    input: z.object({ id: Id, text: z.string().max(100_000) }).strict(),
    output: z.object({ tokens: z.array(EncodedToken) }),
  },
  'tokenizers.import': {
    input: z.object({ path: z.string().min(1), name: Name }).strict(),
    output: Tokenizer,
  },
  'tokenizers.export': {
    input: z.object({ id: Id, path: z.string().min(1).optional() }).strict(),
    output: z.object({ path: z.string() }),
  },
  'tokenizers.delete': { input: byId, output: ok },

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
  'runs.resume': { input: byId, output: Run },
  'runs.archive': { input: z.object({ id: Id, archived: z.boolean().default(true) }).strict(), output: Run },
  'jobs.status': { input: empty, output: JobsStatus },
  'jobs.setConcurrency': { input: z.object({ concurrency: z.number().int().min(1).max(64) }).strict(), output: JobsStatus },

  'experiments.create': {
    input: z.object({
      /** dataset name or id */
      dataset: z.string().min(1, 'Say which dataset to compare on.'),
      /** tokenizer name or id shared by both models; else tokenizerKind picks or trains `<dataset>-<kind>` */
      tokenizer: z.string().min(1).optional(),
      tokenizerKind: TokenizerKind.optional(),
      preset: z.enum(['tiny', 'small', 'base']).default('tiny'),
      budget: ExperimentBudget,
      seeds: z.number().int().min(1, 'Give 1 to 5 seeds.').max(5, 'Give 1 to 5 seeds.').default(1),
      name: Name.optional(),
    }).strict(),
    output: Experiment,
  },
  'experiments.list': { input: empty, output: z.array(Experiment) },
  'experiments.get': { input: byId, output: Experiment },
  'experiments.measure': {
    input: z.object({ id: Id, positions: z.number().int().min(10).max(5000).default(500) }).strict(),
    output: Experiment,
  },
  'probe.fill': {
    input: z.object({ runIds: z.array(Id).min(1).max(10), text: z.string().min(1).max(5000), topK: z.number().int().min(1).max(50).default(5) }).strict(),
    output: z.array(ProbeFillAnswer),
  },
  'probe.continue': {
    input: z.object({ runIds: z.array(Id).min(1).max(10), prompt: z.string().min(1).max(5000), maxTokens: z.number().int().min(1).max(500).default(60) }).strict(),
    output: z.array(ProbeContinueAnswer),
  },
  'analysis.checkpoints': {
    input: z.object({ runId: Id }).strict(),
    output: z.object({
      runId: Id,
      name: z.string(),
      family: ModelFamilyName,
      /** oldest first; path relative to the lab home */
      checkpoints: z.array(z.object({ step: z.number().int(), path: z.string() })),
    }),
  },
  'analysis.attention': {
    input: z.object({ runId: Id, step: z.number().int().min(0).optional(), pair: z.string().max(100_000).optional(), ...AttentionInput }).strict(),
    output: AttentionView,
  },
  'analysis.headSteps': {
    input: z.object({
      runId: Id,
      step: z.number().int().min(0).optional(),
      text: AttentionInput.text,
      pair: z.string().max(100_000).optional(),
      window: AttentionInput.window,
      start: AttentionInput.start,
      layer: z.number().int().min(0),
      head: z.number().int().min(0),
      /** the query token's position in the model's sequence (specials included) */
      query: z.number().int().min(0),
    }).strict(),
    output: HeadSteps,
  },
  'analysis.onnxInspect': { input: z.object({ path: z.string().min(1, 'Give the path of an .onnx file.') }).strict(), output: OnnxInspection },
  'analysis.onnxRun': {
    input: z.object({ path: z.string().min(1, 'Give the path of an .onnx file.'), ...AttentionInput }).strict(),
    output: AttentionView,
  },
  'analysis.exportOnnx': {
    input: z.object({ runId: Id, step: z.number().int().min(0).optional(), path: z.string().min(1).optional() }).strict(),
    output: z.object({ path: z.string(), bytes: z.number(), sha256: z.string(), opset: z.number().int(), step: z.number().int(), inputs: z.array(z.string()), outputs: z.array(z.string()) }),
  },
  /** one matrix of a view analysed with `retain` (the page fetches what it draws, ~1 MB at 512 tokens) */
  'analysis.matrix': { input: z.object(MatrixInput).strict(), output: AttentionMatrix },
  /** the model view's maps of a view analysed with `retain`, pooled small (144 maps of 64 × 64 bytes: 590 KB) */
  'analysis.thumbnails': { input: z.object(ThumbnailsInput).strict(), output: AttentionThumbnails },
} as const;

// ---------- events (main -> renderer) ----------
export const events = {
  'task.progress': z.object({
    taskId: z.string(),
    kind: z.string(),
    phase: z.string(),
    done: z.number(),
    total: z.number().nullable(),
    message: z.string().optional(),
  }),
  'datasets.changed': z.object({ id: Id.nullable() }),
  'tokenizers.changed': z.object({ id: Id.nullable() }),
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
  'experiments.changed': z.object({ id: Id }),
} as const;

// ---------- derived types ----------
export type Channels = typeof channels;
export type ChannelName = keyof Channels;
export type ChannelInput<K extends ChannelName> = z.input<Channels[K]['input']>;
/** The input after validation (defaults filled in): what handlers receive. */
export type ChannelArgs<K extends ChannelName> = z.output<Channels[K]['input']>;
export type ChannelOutput<K extends ChannelName> = z.output<Channels[K]['output']>;
export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<K extends EventName> = z.output<Events[K]>;

/** Every channel must have a handler: a missing one is a type error where the map is built. */
export type Handlers = { [K in ChannelName]: (input: ChannelArgs<K>) => Promise<ChannelOutput<K>> };

/** What window.lab (or the HTTP bridge) offers the renderer. */
export interface LabApi {
  invoke<K extends ChannelName>(channel: K, input: ChannelInput<K>): Promise<ChannelOutput<K>>;
  on<K extends EventName>(event: K, listener: (payload: EventPayload<K>) => void): () => void;
  /** Electron only: the on-disk path of a file the user picked or dropped (webUtils.getPathForFile). */
  pathForFile?(file: File): string;
}

/** Errors cross the bridge as { error: { message, code, field? } }. */
export const ApiError = z.object({ message: z.string(), code: z.string(), field: z.string().optional() });
export type ApiErrorShape = z.output<typeof ApiError>;

export const channelNames = Object.keys(channels) as ChannelName[];
export const eventNames = Object.keys(events) as EventName[];

export type DatasetT = z.output<typeof Dataset>;
export type DatasetStatsT = z.output<typeof DatasetStats>;
export type SplitInfoT = z.output<typeof SplitInfo>;
export type DocumentRowT = z.output<typeof DocumentRow>;
export type TokenizerT = z.output<typeof Tokenizer>;
export type SettingsT = z.output<typeof Settings>;
export type ImportRequestT = z.output<typeof ImportRequest>;
export type SourceInspectionT = z.output<typeof SourceInspection>;
export type RunT = z.output<typeof Run>;
export type RunDetailT = z.output<typeof RunDetail>;
export type MetricSummaryT = z.output<typeof MetricSummary>;
export type ArtifactT = z.output<typeof Artifact>;
export type RunSampleT = z.output<typeof RunSample>;
export type MetricSeriesT = z.output<typeof MetricSeries>;
export type RunStatusT = z.output<typeof RunStatus>;
export type ExperimentT = z.output<typeof Experiment>;
export type ComparisonT = z.output<typeof Comparison>;
export type ComparisonRowT = z.output<typeof ComparisonRow>;
export type ComparisonCellT = z.output<typeof ComparisonCell>;
export type ExperimentBudgetT = z.output<typeof ExperimentBudget>;
export type JobsStatusT = z.output<typeof JobsStatus>;
export type AttentionViewT = z.output<typeof AttentionView>;
export type HeadStepsT = z.output<typeof HeadSteps>;
export type OnnxInspectionT = z.output<typeof OnnxInspection>;
export type AnalysisTokenT = z.output<typeof AnalysisToken>;
export type AttentionMatrixT = z.output<typeof AttentionMatrix>;
export type AttentionThumbnailsT = z.output<typeof AttentionThumbnails>;

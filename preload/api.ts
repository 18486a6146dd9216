// The one API contract: every channel with its zod input/output schema and every event with its payload.
// Main (IPC), the browser-mode server and the renderer all derive their types from this file.
import { z } from 'zod';

// ---------- shared shapes ----------
export const Id = z.number().int().positive();
export const Name = z.string().trim().min(1, 'Name must not be empty.').max(120, 'Name must be at most 120 characters.');
export const Language = z.enum(['en', 'zh-CN']);
export const Theme = z.enum(['light', 'dark', 'system']);
export const SourceFormat = z.enum(['txt', 'md', 'csv', 'tsv', 'jsonl', 'folder']);
export const Encoding = z.enum(['auto', 'utf-8', 'utf-16le', 'utf-16be', 'gb18030']);
export const SplitName = z.enum(['train', 'validation', 'test']);
export const TokenizerKind = z.enum(['char', 'bpe', 'wordpiece']);

export const Settings = z.object({ language: Language, theme: Theme });

export const Histogram = z.object({
  /** bin edges, length = counts.length + 1 (document length in characters) */
  edges: z.array(z.number()),
  counts: z.array(z.number()),
});

export const DatasetStats = z.object({
  documents: z.number(),
  characters: z.number(),
  /** CJK-aware: each CJK ideograph counts as one word; other words are runs of letters/digits */
  words: z.number(),
  uniqueCharacters: z.number(),
  /** label -> document count; empty when the dataset has no labels */
  labels: z.record(z.string(), z.number()),
  lengthHistogram: Histogram,
  minLength: z.number(),
  maxLength: z.number(),
  meanLength: z.number(),
  /** most frequent characters, for a glance at the alphabet */
  topCharacters: z.array(z.object({ char: z.string(), count: z.number() })),
});

export const SplitInfo = z.object({
  seed: z.number().int(),
  ratios: z.object({ train: z.number(), validation: z.number(), test: z.number() }),
  stratified: z.boolean(),
  counts: z.object({ train: z.number(), validation: z.number(), test: z.number() }),
  createdAt: z.string(),
});

export const Dataset = z.object({
  id: Id,
  name: z.string(),
  sourcePath: z.string(),
  format: z.string(),
  encoding: z.string(),
  sha256: z.string(),
  createdAt: z.string(),
  stats: DatasetStats,
  split: SplitInfo.nullable(),
});

export const DocumentRow = z.object({
  id: Id,
  index: z.number().int(),
  text: z.string(),
  label: z.string().nullable(),
  split: SplitName.nullable(),
});

export const ImportRequest = z.object({
  path: z.string().min(1, 'Give the path of a file or folder to import.'),
  name: Name,
  format: SourceFormat.optional(),
  encoding: Encoding.default('auto'),
  /** txt/md: one document for the whole file, or one per blank-line-separated block */
  mode: z.enum(['whole', 'paragraphs']).default('whole'),
  textColumn: z.string().optional(),
  labelColumn: z.string().optional(),
  textField: z.string().optional(),
  labelField: z.string().optional(),
  /** JSONL: import the valid lines and report the invalid ones instead of refusing the file */
  skipInvalid: z.boolean().default(false),
  /** import even when an identical file was imported before */
  allowDuplicate: z.boolean().default(false),
  /** lets the caller match task.progress events to this call */
  taskId: z.string().max(64).optional(),
}).strict();

export const SourceInspection = z.object({
  path: z.string(),
  format: SourceFormat,
  encoding: z.string(),
  bytes: z.number(),
  /** csv/tsv header */
  columns: z.array(z.string()).optional(),
  /** jsonl keys seen in the first lines */
  fields: z.array(z.string()).optional(),
  /** folder: sub-folder labels and file count */
  labels: z.array(z.string()).optional(),
  files: z.number().optional(),
  preview: z.array(z.string()),
  /** a dataset that was imported from identical bytes, if any */
  duplicateOf: z.object({ id: Id, name: z.string() }).nullable(),
});

export const InvalidLine = z.object({ file: z.string(), line: z.number(), message: z.string() });

export const SampleCorpus = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  license: z.string(),
  labelled: z.boolean(),
  approxDocuments: z.number(),
});

export const Tokenizer = z.object({
  id: Id,
  name: z.string(),
  kind: TokenizerKind,
  datasetId: Id.nullable(),
  vocabSize: z.number().int(),
  lowercase: z.boolean(),
  specialTokens: z.array(z.string()),
  createdAt: z.string(),
  /** share of validation-split tokens that are [UNK]; null when the dataset has no validation split */
  unkRate: z.number().nullable(),
  /** mean tokens per character on the validation split (compression) */
  tokensPerChar: z.number().nullable(),
  /** set by tokenizers.train when the result differs from the request (e.g. the data has fewer characters than asked for) */
  note: z.string().optional(),
});

export const VocabEntry = z.object({
  id: z.number().int(),
  token: z.string(),
  frequency: z.number(),
  /** the token as readable text where it differs from `token` (byte-level BPE: "Ġthe" -> " the"; partial UTF-8 shows as U+FFFD) */
  text: z.string().optional(),
});
export const EncodedToken = z.object({ id: z.number().int(), token: z.string(), start: z.number(), end: z.number(), unknown: z.boolean() });

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

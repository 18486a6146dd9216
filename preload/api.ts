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

export const ExperimentBudget = z.union([
  z.object({ steps: z.number().int().min(1).max(10_000_000) }).strict(),
  z.object({ tokens: z.number().int().min(1).max(1e12) }).strict(),
  z.object({ minutes: z.number().positive().max(24 * 60) }).strict(),
]);

/** One model's figure in a comparison row: per seed, and their mean and (sample) standard deviation. */
export const ComparisonCell = z.object({
  values: z.array(z.number()),
  mean: z.number().nullable(),
  std: z.number().nullable(),
  /** a descriptive row's text (objective, direction, …) */
  text: z.string().optional(),
});

export const ComparisonRow = z.object({
  id: z.string(),
  group: z.enum(['about', 'fill', 'continue', 'cost', 'summary']),
  label: z.string(),
  gpt: ComparisonCell,
  bert: ComparisonCell,
  /** null for descriptive rows */
  betterWhen: z.enum(['higher', 'lower']).nullable(),
  winner: z.enum(['gpt', 'bert', 'tie']).nullable(),
  /** computed from the numbers: who did better, by how much, with the seed spread */
  verdict: z.string(),
});

export const Continuation = z.object({ seed: z.number().int(), prompt: z.string(), gpt: z.string(), bert: z.string() });

export const Comparison = z.object({
  measuredAt: z.string(),
  /** the held-out split measured on */
  split: z.enum(['test', 'validation']),
  seeds: z.array(z.number().int()),
  /** masked positions per seed (single tokens) and masked words per seed */
  positions: z.number().int(),
  words: z.number().int(),
  rows: z.array(ComparisonRow),
  continuations: z.array(Continuation),
});

export const ExperimentPair = z.object({
  seed: z.number().int(),
  gptRunId: Id,
  bertRunId: Id,
  gptParameters: z.number().int(),
  bertParameters: z.number().int(),
});

export const Experiment = z.object({
  id: Id,
  name: z.string(),
  datasetId: Id.nullable(),
  datasetName: z.string().nullable(),
  tokenizerId: Id.nullable(),
  tokenizerName: z.string().nullable(),
  preset: z.string(),
  budget: ExperimentBudget,
  /** optimizer steps every run of the experiment trains for (the budget converted) */
  steps: z.number().int(),
  /** tokens every run sees: steps × batch × context */
  tokensPerRun: z.number(),
  /** derived from the runs: queued or running while any is, then completed, or stopped/failed/crashed */
  status: RunStatus,
  pairs: z.array(ExperimentPair),
  runs: z.array(Run),
  comparison: Comparison.nullable(),
  createdAt: z.string(),
});

export const ProbeFillAnswer = z.object({
  runId: Id,
  family: z.enum(['gpt', 'bert']),
  step: z.number().int(),
  /** per [MASK], best first; GPT reads only the text left of the blank */
  masks: z.array(z.object({ index: z.number().int(), candidates: z.array(z.object({ token: z.string(), probability: z.number() })) })),
  filled: z.string(),
});

export const ProbeContinueAnswer = z.object({ runId: Id, family: z.enum(['gpt', 'bert']), step: z.number().int(), continuation: z.string() });

// ---------- analysis (attention explorer) ----------
export const AnalysisToken = z.object({
  id: z.number().int(),
  token: z.string(),
  /** [start, end) in the text; -1 for special tokens the model adds */
  start: z.number().int(),
  end: z.number().int(),
  segment: z.number().int(),
  special: z.boolean(),
  /** the tokenizer had no token for these characters ([UNK]) */
  unknown: z.boolean(),
});

export const AnalysisPrediction = z.object({ id: z.number().int(), token: z.string(), probability: z.number() });

/** The attention of every layer and head on one text, from a run's checkpoint or an imported ONNX model. */
export const AttentionView = z.object({
  source: z.object({
    kind: z.enum(['run', 'onnx']),
    runId: Id.nullable(),
    /** run name or ONNX file name */
    label: z.string(),
    step: z.number().int().nullable(),
  }),
  /** null for a third-party ONNX model */
  family: z.enum(['gpt', 'bert']).nullable(),
  /** GPT: each row sees only itself and the tokens before it */
  causal: z.boolean(),
  tokens: z.array(AnalysisToken),
  L: z.number().int(),
  NH: z.number().int(),
  T: z.number().int(),
  /** (L,NH,T,T) row-major softmax probabilities, 6 significant digits; empty when the model exposes none or when packed */
  attention: z.array(z.number()),
  /** with `packed`: the same (L,NH,T,T) array as base64 of little-endian float32 (a quarter of the JSON, parsed in
   *  milliseconds: what the explorer asks for, so 256+ tokens × many heads never stall the page) */
  attentionPacked: z.string().optional(),
  truncated: z.boolean(),
  /** tokens the input had before truncation */
  fullLength: z.number().int(),
  contextLength: z.number().int().nullable(),
  /** special tokens were removed and every remaining row renormalised to sum to 1 */
  specialsHidden: z.boolean(),
  /** per position (after hiding), best first; GPT row t predicts token t+1, BERT row t the token at t; empty without an LM head */
  predictions: z.array(z.array(AnalysisPrediction)),
  /** the model's position table for the T positions used: (T,C) row-major */
  positional: z.object({ kind: z.enum(['sinusoidal', 'learned']), T: z.number().int(), C: z.number().int(), values: z.array(z.number()) }).nullable(),
  /** sentences about what is not shown or was changed (truncation, hidden tokens, no attention outputs) */
  notes: z.array(z.string()),
});

/** Scaled dot-product attention of one head for one query token, with the model's actual numbers. */
export const HeadSteps = z.object({
  layer: z.number().int(),
  head: z.number().int(),
  query: z.number().int(),
  dHead: z.number().int(),
  tokens: z.array(AnalysisToken),
  /** q of the query token (dHead) */
  q: z.array(z.number()),
  /** k and v of every token: T rows of dHead */
  keys: z.array(z.array(z.number())),
  values: z.array(z.array(z.number())),
  /** q·k_j for every key j */
  scores: z.array(z.number()),
  /** ÷ √d_k */
  scaled: z.array(z.number()),
  /** after the mask: null where the key is hidden (−∞: a later token under GPT's causal mask) */
  masked: z.array(z.number().nullable()),
  /** softmax of the masked scores */
  weights: z.array(z.number()),
  /** Σ_j weights_j · v_j (dHead) */
  output: z.array(z.number()),
  /** largest |weights − the model's own attention row|: the step-by-step numbers reproduce the forward pass */
  checkDifference: z.number(),
});

export const OnnxTensorInfo = z.object({ name: z.string(), type: z.string(), shape: z.array(z.union([z.number(), z.string()])).nullable() });

export const OnnxInspection = z.object({
  path: z.string(),
  irVersion: z.number().int(),
  opset: z.number().int().nullable(),
  producer: z.string(),
  family: z.enum(['gpt', 'bert']).nullable(),
  inputs: z.array(OnnxTensorInfo),
  outputs: z.array(OnnxTensorInfo),
  /** metadata keys with short values (long ones such as the tokenizer are summarised) */
  metadata: z.record(z.string(), z.string()),
  nodeCount: z.number().int(),
  operators: z.record(z.string(), z.number()),
  /** Softmax outputs found to be attention patterns (made extra outputs when run) */
  attentionOutputs: z.array(z.string()),
  hasTokenizer: z.boolean(),
});

const AttentionInput = {
  text: z.string().max(100_000, 'The text must be at most 100,000 characters.'),
  /** too long for the context: keep the start and say so, or refuse */
  window: z.enum(['truncate', 'error']).default('truncate'),
  hideSpecial: z.boolean().default(false),
  topK: z.number().int().min(1).max(20).default(5),
  /** send the attention as attentionPacked (base64 float32) instead of a number array */
  packed: z.boolean().default(false),
};

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

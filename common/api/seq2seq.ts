// Seq2seq shapes of the API contract: the "with vs without attention" experiment (its request, the report of every
// arm by source-length bucket, the verdicts) and the alignment view (attention matrices, decoder steps).
import { z } from 'zod';
import { ALIGNMENT_FUNCTIONS, SEQ2SEQ_VARIANTS } from '../seq2seq-config';
import { Encoding } from './shared';

export const Seq2seqVariantName = z.enum(SEQ2SEQ_VARIANTS);
export const AlignmentFunctionName = z.enum(ALIGNMENT_FUNCTIONS);
export const Seq2seqTaskName = z.enum(['copy', 'reverse', 'sort', 'addition', 'dates', 'number-words-en', 'number-words-zh']);
export const Seq2seqMetric = z.enum(['exactMatch', 'tokenAccuracy', 'bleu', 'chrf']);

/** Quality of decoded held-out outputs: shares 0..1, BLEU and chrF 0..100. */
export const Seq2seqQuality = z.object({
  pairs: z.number().int(),
  exactMatch: z.number(),
  tokenAccuracy: z.number(),
  bleu: z.number(),
  chrf: z.number(),
});

/** The quality of the held-out sources of lo..hi tokens. */
export const Seq2seqBucket = Seq2seqQuality.extend({ lo: z.number().int(), hi: z.number().int() });

/** One seed of one arm: its run, cost and (once trained and measured) quality. */
export const Seq2seqArmSeed = z.object({
  seed: z.number().int(),
  runId: z.number().int().nullable(),
  status: z.enum(['queued', 'running', 'paused', 'completed', 'stopped', 'failed', 'crashed']),
  step: z.number().int(),
  parameters: z.number().int(),
  /** wall seconds of training (validation included) */
  trainSeconds: z.number().nullable(),
  /** target tokens per second of optimizer steps */
  tokensPerSecond: z.number().nullable(),
  overall: Seq2seqQuality.nullable(),
  buckets: z.array(Seq2seqBucket),
});

export const Seq2seqArm = z.object({ variant: Seq2seqVariantName, seeds: z.array(Seq2seqArmSeed) });

/** A figure over seeds: mean and sample standard deviation (null with fewer than two seeds or none measured). */
export const SeedStat = z.object({ mean: z.number().nullable(), std: z.number().nullable(), n: z.number().int() });

/**
 * A verdict as data, worded by the UI (`seq2seq.verdicts.<key>`, en and zh-CN) and the CLI (the same English): computed
 * from the numbers by common/seq2seq/verdicts.ts. tone: 'clear' (a difference beyond the seeds' spread, or a clear trend),
 * 'tie' (within it), 'unmeasured' (not enough finished arms to say).
 */
export const Seq2seqVerdict = z.object({
  id: z.string(),
  tone: z.enum(['clear', 'tie', 'unmeasured']),
  key: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number()])),
});

export type Seq2seqQualityT = z.infer<typeof Seq2seqQuality>;
export type Seq2seqBucketT = z.infer<typeof Seq2seqBucket>;
export type Seq2seqArmSeedT = z.infer<typeof Seq2seqArmSeed>;
export type Seq2seqArmT = z.infer<typeof Seq2seqArm>;
export type Seq2seqVerdictT = z.infer<typeof Seq2seqVerdict>;
export type Seq2seqMetricT = z.infer<typeof Seq2seqMetric>;
export type SeedStatT = z.infer<typeof SeedStat>;

// ---------- the experiment's channels ----------

/** The sizes every RNN arm shares (they differ only in their attention), and the Transformer arm's own widths. */
export const Seq2seqSizes = z.object({
  cell: z.enum(['gru', 'lstm']).default('gru'),
  embed: z.number().int().min(1).max(1024).default(64),
  hidden: z.number().int().min(1).max(1024).default(64),
  layers: z.number().int().min(1).max(4).default(1),
  bidirectional: z.boolean().default(false),
  attentionSize: z.number().int().min(1).max(1024).default(64),
  dropout: z.number().min(0).max(0.9).default(0),
  transformer: z.object({
    dModel: z.number().int().min(8).max(1024).default(64),
    nHead: z.number().int().min(1).max(16).default(4),
    nLayer: z.number().int().min(1).max(6).default(2),
    dFF: z.number().int().min(8).max(4096).default(128),
  }).strict().default({ dModel: 64, nHead: 4, nLayer: 2, dFF: 128 }),
}).strict();

/** A generated task (main/data/pairs/tasks.ts checks the lengths against the task's own limits). */
export const Seq2seqTaskSetup = z.object({
  task: Seq2seqTaskName,
  pairs: z.number().int().min(20).max(200_000).default(4000),
  minLength: z.number().int().min(1).max(100).default(3),
  maxLength: z.number().int().min(1).max(100).default(20),
  symbols: z.number().int().min(2).max(52).default(10),
  language: z.enum(['en', 'zh', 'all']).default('all'),
  /** seed of the pairs and the split (the same for every arm) */
  seed: z.number().int().min(0).max(0xffffffff).default(1),
}).strict();

/**
 * The person's own pairs instead of a generated task: a TSV, CSV or JSONL file read and checked when the experiment is
 * created (main/data/pairs/file.ts); the pairs are kept in the lab home, shuffled by `seed` and split 80/10/10.
 */
export const Seq2seqPairsFile = z.object({
  path: z.string().trim().min(1, 'Choose a pair file (TSV, CSV or JSONL).'),
  format: z.enum(['tsv', 'csv', 'jsonl']).optional(),
  /** column name, 1-based column number (no header row) or JSON key; default source/src/input, target/tgt/output */
  sourceField: z.string().trim().min(1).optional(),
  targetField: z.string().trim().min(1).optional(),
  header: z.boolean().default(true),
  encoding: Encoding.default('auto'),
  /** how each side is cut into tokens */
  sourceTokens: z.enum(['chars', 'words']).default('words'),
  targetTokens: z.enum(['chars', 'words']).default('words'),
  /** a lab tokenizer (name or id) that cuts a side instead of characters or words (sourceTokens/targetTokens unused then);
   *  refused when it turns more than 5% of that side's pieces into [UNK] */
  sourceTokenizer: z.string().trim().min(1).max(200).optional(),
  targetTokenizer: z.string().trim().min(1).max(200).optional(),
  /** the longest side a line may have, in characters (longer lines are invalid, not cut) */
  maxChars: z.number().int().min(1).max(100_000).default(1000),
  skipInvalid: z.boolean().default(false),
  /** seed of the shuffle before the split (the same for every arm) */
  seed: z.number().int().min(0).max(0xffffffff).default(1),
}).strict();

/** A side cut by a lab tokenizer: which one, and how many of the side's pieces (all pairs) it could not encode. */
export const Seq2seqSideTokenizer = z.object({
  id: z.number().int(), name: z.string(), kind: z.string(), tokens: z.number().int(), unknown: z.number().int(),
});

/** What the lab made of a pair file: kept pairs, repeats dropped, invalid lines skipped, the lab tokenizers per side. */
export const Seq2seqPairsFileInfo = z.object({
  name: z.string(), format: z.string(), encoding: z.string(), sha256: z.string(),
  pairs: z.number().int(), duplicates: z.number().int(), skipped: z.number().int(),
  sourceTokenizer: Seq2seqSideTokenizer.optional(), targetTokenizer: Seq2seqSideTokenizer.optional(),
});

/**
 * The person's own pairs from a dataset of the lab's dataset manager: a sentence-pair dataset (imported with a second text
 * column or field), source = each document's text, target = its second text; the dataset's own train / validation /
 * test split is used (a split with a test share is made when it has none). Documents with no second text are left out.
 */
export const Seq2seqPairsDataset = z.object({
  /** the dataset's name or id */
  dataset: z.string().trim().min(1, 'Choose a pair dataset.').max(200),
  sourceTokens: z.enum(['chars', 'words']).default('words'),
  targetTokens: z.enum(['chars', 'words']).default('words'),
  /** a lab tokenizer (name or id) that cuts a side instead, as for a pair file */
  sourceTokenizer: z.string().trim().min(1).max(200).optional(),
  targetTokenizer: z.string().trim().min(1).max(200).optional(),
}).strict();

/** What the lab took from a pair dataset: which dataset and split, the pairs of each part, documents left out. */
export const Seq2seqPairsDatasetInfo = z.object({
  id: z.number().int(), name: z.string(), sha256: z.string(),
  /** the dataset's split the pairs were read from (made for this experiment when `madeSplit`) */
  split: z.object({
    seed: z.number().int(), ratios: z.object({ train: z.number(), validation: z.number(), test: z.number() }),
    stratified: z.boolean(), createdAt: z.string(),
  }),
  madeSplit: z.boolean(),
  /** pairs read from each part of the split (their document ids are kept with the experiment's copy of the pairs) */
  pairs: z.object({ train: z.number().int(), validation: z.number().int(), test: z.number().int() }),
  /** documents of the split with no (or an empty) second text, left out */
  noSecondText: z.number().int(),
  sourceTokenizer: Seq2seqSideTokenizer.optional(), targetTokenizer: Seq2seqSideTokenizer.optional(),
});

export const Seq2seqBudget = z.object({
  steps: z.number().int().min(1).max(1_000_000).default(600),
  batchSize: z.number().int().min(1).max(1024).default(32),
  /** peak learning rate of the RNN arms */
  lr: z.number().positive().max(1).default(1e-2),
  /** peak learning rate of the Transformer arm: at the RNNs' 1e-2 it stalls at chance (reverse, lengths 3-40, 600
   *  steps: 0% exact match, token accuracy 0.10), at 1e-3 it learns (41%, 0.69); each family trains at its own rate */
  transformerLr: z.number().positive().max(1).default(1e-3),
  warmupSteps: z.number().int().min(0).max(100_000).default(20),
  /** share of decoder inputs that are the gold previous token (1 = always; below 1 the model's own guess the rest) */
  teacherForcing: z.number().min(0).max(1).default(1),
  evalEvery: z.number().int().min(0).max(1_000_000).default(50),
}).strict();

export const Seq2seqCreateRequest = z.object({
  name: z.string().trim().min(1).max(120).optional(),
  /** the generated task (ignored when pairsFile or pairsDataset is given) */
  task: Seq2seqTaskSetup.default(Seq2seqTaskSetup.parse({ task: 'reverse' })),
  pairsFile: Seq2seqPairsFile.optional(),
  /** a sentence-pair dataset of the lab instead of a file (not both) */
  pairsDataset: Seq2seqPairsDataset.optional(),
  variants: z.array(Seq2seqVariantName).min(1, 'Pick at least one variant to train.').default(['none', 'dot', 'general', 'concat', 'transformer']),
  seeds: z.number().int().min(1).max(5).default(1),
  sizes: Seq2seqSizes.default(Seq2seqSizes.parse({})),
  budget: Seq2seqBudget.default(Seq2seqBudget.parse({})),
  /** 1 = greedy, more = beam search of that width */
  beam: z.number().int().min(1).max(16).default(1),
  buckets: z.number().int().min(2).max(12).default(5),
  /** weight snapshots per arm for the alignment slider */
  snapshots: z.number().int().min(1).max(20).default(5),
  /** sources or targets above the model's limits: cut them (and say how many) or refuse the experiment */
  lengthPolicy: z.enum(['truncate', 'refuse']).default('refuse'),
  maxSrcLen: z.number().int().min(1).max(512).default(128),
  maxTgtLen: z.number().int().min(2).max(512).default(128),
}).strict();

/** One pair of the held-out set, offered to the alignment view. */
export const Seq2seqExample = z.object({ source: z.string(), target: z.string() });

export const Seq2seqExperiment = z.object({
  id: z.number().int(),
  name: z.string(),
  status: z.enum(['queued', 'running', 'paused', 'completed', 'stopped', 'failed', 'crashed']),
  setup: Seq2seqCreateRequest,
  /** what the pairs became: vocabulary sizes, the longest sequences, pairs cut or dropped by the length policy */
  data: z.object({
    train: z.number().int(), validation: z.number().int(), test: z.number().int(),
    sourceVocab: z.number().int(), targetVocab: z.number().int(), maxSrcLen: z.number().int(), maxTgtLen: z.number().int(),
    truncated: z.number().int(), empty: z.number().int(),
  }),
  /** the imported pair file, null for a generated task */
  pairsFile: Seq2seqPairsFileInfo.nullable(),
  /** the pair dataset, null unless the pairs came from one (absent in records made before pair datasets) */
  pairsDataset: Seq2seqPairsDatasetInfo.nullable(),
  arms: z.array(Seq2seqArm),
  verdicts: z.array(Seq2seqVerdict),
  /** the metric the verdicts are computed on */
  metric: Seq2seqMetric,
  examples: z.array(Seq2seqExample),
  createdAt: z.string(),
});

export const Seq2seqExperimentSummary = z.object({
  id: z.number().int(), name: z.string(), status: Seq2seqExperiment.shape.status, task: Seq2seqTaskName,
  /** the pair file's name when the pairs are the person's own (task is then unused) */
  pairsFile: z.string().nullable(),
  /** the pair dataset's name when the pairs came from one */
  pairsDataset: z.string().nullable(),
  variants: z.array(Seq2seqVariantName), seeds: z.number().int(), steps: z.number().int(), createdAt: z.string(),
});

/** The target x source attention of one run at each of its snapshots (the checkpoint slider). */
export const Seq2seqAlignmentRequest = z.object({
  /** the runs to show side by side (one worker computes them all) */
  runIds: z.array(z.number().int().positive()).min(1, 'Give at least one run.').max(12),
  source: z.string().min(1, 'Type a source to align.').max(2000),
  /** teacher-forced on this target instead of the model's own output */
  reference: z.string().max(2000).nullable().default(null),
}).strict();

export const Seq2seqAlignmentFrame = z.object({
  step: z.number().int(),
  sourceTokens: z.array(z.string()),
  targetTokens: z.array(z.string()),
  text: z.string(),
  mode: z.enum(['output', 'reference']),
  /** (layers, heads, T, S) row-major */
  weights: z.array(z.number()),
  layers: z.number().int(),
  heads: z.number().int(),
});

export const Seq2seqAlignment = z.object({ runId: z.number().int(), variant: Seq2seqVariantName, frames: z.array(Seq2seqAlignmentFrame) });

export const Seq2seqDecoderStep = z.object({
  token: z.string(), scores: z.array(z.number()), weights: z.array(z.number()), context: z.array(z.number()),
  top: z.array(z.object({ token: z.string(), p: z.number() })),
});

export const Seq2seqDecoderSteps = z.object({
  runId: z.number().int(), step: z.number().int(), sourceTokens: z.array(z.string()), steps: z.array(Seq2seqDecoderStep),
});

const byExperiment = z.object({ id: z.number().int().positive() }).strict();

export const seq2seqChannels = {
  'seq2seq.create': { input: Seq2seqCreateRequest, output: Seq2seqExperiment },
  'seq2seq.list': { input: z.object({}).strict(), output: z.array(Seq2seqExperimentSummary) },
  'seq2seq.get': { input: byExperiment, output: Seq2seqExperiment },
  'seq2seq.stop': { input: byExperiment, output: Seq2seqExperiment },
  'seq2seq.alignment': { input: Seq2seqAlignmentRequest, output: z.array(Seq2seqAlignment) },
  'seq2seq.decoderSteps': {
    input: z.object({ runId: z.number().int().positive(), source: z.string().min(1).max(2000), step: z.number().int().min(0).nullable().default(null) }).strict(),
    output: Seq2seqDecoderSteps,
  },
} as const;

export type Seq2seqCreateRequestT = z.output<typeof Seq2seqCreateRequest>;
export type Seq2seqExperimentT = z.output<typeof Seq2seqExperiment>;
export type Seq2seqExperimentSummaryT = z.output<typeof Seq2seqExperimentSummary>;
export type Seq2seqPairsFileT = z.output<typeof Seq2seqPairsFile>;
export type Seq2seqPairsFileInfoT = z.output<typeof Seq2seqPairsFileInfo>;
export type Seq2seqPairsDatasetT = z.output<typeof Seq2seqPairsDataset>;
export type Seq2seqPairsDatasetInfoT = z.output<typeof Seq2seqPairsDatasetInfo>;
export type Seq2seqAlignmentT = z.output<typeof Seq2seqAlignment>;
export type Seq2seqAlignmentFrameT = z.output<typeof Seq2seqAlignmentFrame>;
export type Seq2seqDecoderStepsT = z.output<typeof Seq2seqDecoderSteps>;

export const seq2seqEvents = {
  /** an experiment was created, or one of its arms settled (finished, stopped, failed) */
  'seq2seq.changed': z.object({ id: z.number().int().positive() }),
} as const;

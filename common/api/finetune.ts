// Fine-tuning shapes of the API contract (issue 18): start a fine-tune from a pre-trained GPT/BERT run (or the same
// architecture from scratch), run the TF-IDF + logistic-regression baseline, list the fine-tunes, read one's report.
import { z } from 'zod';
import { Id, Name } from './shared';
import { Run } from './runs';
import { CurvePoint, finetuneExperimentChannels } from './finetune-experiment';

export const FinetuneHead = z.enum(['cls', 'mean', 'last']);
export const ClassWeighting = z.enum(['none', 'balanced']);

export const FinetuneStartRequest = z.object({
  /** the pre-trained GPT or BERT run whose newest checkpoint gives the body (and whose tokenizer reads the texts) */
  from: Id,
  /** true: the same architecture and tokenizer with fresh weights (the control that shows what pre-training bought) */
  scratch: z.boolean().default(false),
  /** a labelled dataset, by name or id */
  dataset: z.string().min(1, 'Say which labelled dataset to fine-tune on.'),
  /** BERT: cls (through the pooler) or mean; GPT: last or mean; default cls for BERT, last for GPT */
  head: FinetuneHead.optional(),
  /** train the head only on the body's features (a linear probe) */
  freeze: z.boolean().default(false),
  /** train on at most this many labelled examples per class (a label budget); all when absent */
  labelsPerClass: z.number().int().min(1).max(1_000_000).optional(),
  epochs: z.number().int().min(1).max(1000).default(4),
  batchSize: z.number().int().min(1).max(1024).default(16),
  lr: z.number().positive().max(1).optional(),
  warmupRatio: z.number().min(0).max(1).default(0.1),
  patience: z.number().int().min(0).max(1000).default(3),
  classWeights: ClassWeighting.default('none'),
  /** at least this many optimizer steps (a few labels make short epochs) */
  minSteps: z.number().int().min(0).max(1_000_000).default(0),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
  name: Name.optional(),
  threads: z.number().int().min(1).max(256).optional(),
}).strict();

export const BaselineRequest = z.object({
  dataset: z.string().min(1, 'Say which labelled dataset the baseline learns.'),
  /** 'tfidf-logreg': TF-IDF features; 'w2v-logreg': the mean of Word2Vec vectors trained on the task's train split */
  method: z.enum(['tfidf-logreg', 'w2v-logreg']).default('tfidf-logreg'),
  /** 'word': words and word pairs; 'char_wb': character 2–4-grams inside words (names, short texts) */
  analyzer: z.enum(['word', 'char_wb']).default('word'),
  labelsPerClass: z.number().int().min(1).max(1_000_000).optional(),
  /** inverse L2 strength, as scikit-learn's C */
  C: z.number().positive().max(1e6).default(1),
  classWeights: ClassWeighting.default('none'),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
  name: Name.optional(),
}).strict();

export const ClassMetricsShape = z.object({ label: z.string(), precision: z.number(), recall: z.number(), f1: z.number(), support: z.number().int() });

export const Misclassified = z.object({
  index: z.number().int(),
  text: z.string(),
  truth: z.string(),
  predicted: z.string(),
  /** the probability of each class, in `classes` order */
  probabilities: z.array(z.number()),
});

/** A finished fine-tune's (or baseline's) figures on its evaluated split. */
export const FinetuneReport = z.object({
  runId: Id,
  classes: z.array(z.string()),
  evaluatedOn: z.enum(['test', 'validation']),
  count: z.number().int(),
  accuracy: z.number(),
  macroF1: z.number(),
  rocAuc: z.number().nullable(),
  perClass: z.array(ClassMetricsShape),
  /** [true class][predicted class] counts */
  confusion: z.array(z.array(z.number().int())),
  bestEpoch: z.number().int(),
  stoppedEarly: z.boolean(),
  examplesPerSecond: z.number(),
  misclassified: z.array(Misclassified),
});

/** One row of the fine-tuning table: what the run is, where it came from, and its headline figures. */
export const FinetuneRow = z.object({
  run: Run,
  /** 'pretrained': from the parent's weights; 'scratch': the parent's architecture, fresh weights; 'baseline': TF-IDF + LR */
  kind: z.enum(['pretrained', 'scratch', 'baseline']),
  bodyFamily: z.enum(['gpt', 'bert']).nullable(),
  parent: z.object({ id: Id, name: z.string(), family: z.string() }).nullable(),
  head: FinetuneHead.nullable(),
  freeze: z.boolean(),
  labelsPerClass: z.number().int().nullable(),
  trainExamples: z.number().int(),
  macroF1: z.number().nullable(),
  accuracy: z.number().nullable(),
});

export const finetuneChannels = {
  ...finetuneExperimentChannels,
  /** Records a fine-tune run (queued; the job scheduler trains it in a worker) and returns it. */
  'finetune.start': {
    /** taskId: the preparation's lines (a split made, the label budget drawn) go out as runs.log with this taskId */
    input: FinetuneStartRequest.extend({ taskId: z.string().max(64).optional() }),
    output: Run,
  },
  /** Fits the TF-IDF + logistic-regression baseline on the same splits now (seconds) and records it as a run. */
  'finetune.baseline': {
    /** taskId: the baseline's lines (a split made, the features and their score) go out as runs.log with this taskId */
    input: BaselineRequest.extend({ taskId: z.string().max(64).optional() }),
    output: FinetuneReport,
  },
  /**
   * The label curve of given pre-trained runs: for every budget and seed, each of `parents`' GPT and BERT fine-tuned and
   * from scratch (in the job workers) and TF-IDF + LR on the same labels (the budget drawn with the seed); answers when
   * all have run. Its lines go out as runs.log with `taskId`.
   */
  'finetune.compare': {
    input: z.object({
      parents: z.array(z.object({ seed: z.number().int().min(0), gpt: Id, bert: Id })).min(1, 'Give at least one seed.').max(5),
      dataset: z.string().min(1, 'Say which labelled dataset (name or id) the runs are fine-tuned on.'),
      labels: z.array(z.number().int().min(1).max(100_000)).min(1, 'Give at least one label budget, e.g. 16, 64, 256.').max(8),
      epochs: z.number().int().min(1).max(100).default(4),
      analyzer: z.enum(['word', 'char_wb']).default('word'),
      threads: z.number().int().min(1).max(256).optional(),
      taskId: z.string().max(64).optional(),
    }).strict(),
    output: z.object({ curve: z.array(CurvePoint) }),
  },
  'finetune.list': { input: z.object({}).strict(), output: z.array(FinetuneRow) },
  /** The report of a finished fine-tune or baseline (null while it trains). */
  'finetune.report': { input: z.object({ runId: Id }).strict(), output: FinetuneReport.nullable() },
} as const;

export type FinetuneStartRequestT = z.output<typeof FinetuneStartRequest>;
export type BaselineRequestT = z.output<typeof BaselineRequest>;
export type FinetuneReportT = z.output<typeof FinetuneReport>;
export type FinetuneRowT = z.output<typeof FinetuneRow>;

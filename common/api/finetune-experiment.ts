// API shapes of the "pre-train + fine-tune, BERT vs GPT" experiment (issue 18): pre-train both on one dataset, fine-tune
// each (and each from scratch, and TF-IDF + LR) at every label budget and seed, and the tutorial's table measured.
import { z } from 'zod';
import { Id } from './shared';
import { COMPARE_RECIPE } from './experiments';

/**
 * The fine-tune experiment's default pre-training: the comparison's recipe (tiny, each family at the best of a short
 * sweep) for three times its steps. On Shakespeare's byte-level BPE tokens BERT stays on its unigram plateau for about
 * 2,000 steps (fill-in 0.10 = unigram at 2,000, two seeds) and leaves it by 3,000 (0.28 vs 0.10 at 6,000); GPT clears
 * its bar at 2,000 already (bench/RESULTS.md, issue 18).
 */
export const FINETUNE_PRETRAIN = { ...COMPARE_RECIPE, steps: 3 * COMPARE_RECIPE.steps } as const;

export const FinetuneExperimentRequest = z.object({
  /** the unlabelled text both models pre-train on (name or id), e.g. shakespeare */
  pretrainDataset: z.string().min(1, 'Say which dataset the models pre-train on.'),
  /** the labelled dataset (name or id), or a sample (spam, names) that is imported when the lab does not have it */
  task: z.string().min(1, 'Say which labelled dataset (or sample: spam, names) the models are fine-tuned on.'),
  /** label budgets: training examples per class */
  labels: z.array(z.number().int().min(1).max(100_000)).min(1, 'Give at least one label budget, e.g. 16, 64, 256.').max(8),
  seeds: z.number().int().min(1).max(5).default(3),
  /** the pre-training defaults: FINETUNE_PRETRAIN, the comparison's recipe for longer */
  preset: z.enum(['tiny', 'small']).default(FINETUNE_PRETRAIN.preset),
  /** pre-training steps per model (the same for GPT and BERT, so they see the same tokens) */
  pretrainSteps: z.number().int().min(1).max(1_000_000).default(FINETUNE_PRETRAIN.steps),
  epochs: z.number().int().min(1).max(100).default(4),
  analyzer: z.enum(['word', 'char_wb']).default('word'),
  /** each model at the best rate of a short sweep (on, as in the comparison) instead of its recipe's rate */
  lrSweep: z.boolean().default(FINETUNE_PRETRAIN.lrSweep),
  /** also the mean-of-Word2Vec-vectors + LR baseline (Word2Vec trained on the task's train split); the CLI turns it on */
  word2vec: z.boolean().default(false),
  /** blanks per seed for the fill-in rows, prompts per seed for the generation row */
  sites: z.number().int().min(10).max(5000).default(300),
  prompts: z.number().int().min(1).max(64).default(8),
  threads: z.number().int().min(1).max(256).optional(),
}).strict();

/** Values per seed with their mean and sample standard deviation (null for fewer than two values). */
export const SeedCell = z.object({ values: z.array(z.number()), mean: z.number().nullable(), std: z.number().nullable() });

export const CurveModel = z.enum(['bert-pretrained', 'gpt-pretrained', 'bert-scratch', 'gpt-scratch', 'tfidf-logreg', 'w2v-logreg']);

/** One point of the label curve: a model's test macro-F1 at one budget over the seeds. */
export const CurvePoint = z.object({ model: CurveModel, labelsPerClass: z.number().int(), macroF1: SeedCell, runIds: z.array(Id) });

/** A labelled number of a row: `key` names it (the UI words it), `params` fill the words. */
export const TutorialMeasure = z.object({
  key: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number()])),
  unit: z.enum(['f1', 'fraction', 'nats']),
  cell: SeedCell,
});

export const TutorialRowId = z.enum(['understanding', 'fewLabels', 'bidirectional', 'generation', 'objective']);

export const TutorialVerdict = z.object({
  /**
   * supports / contradicts the tutorial's claim, mixed, no clear difference (inside the seed spread), as built, or
   * under-trained (the model has not beaten the unigram baseline, so the row is not judged)
   */
  kind: z.enum(['supports', 'contradicts', 'mixed', 'noClearDifference', 'asBuilt', 'undertrained']),
  /** one seed: no spread to judge a gap by */
  provisional: z.boolean(),
  params: z.record(z.string(), z.union([z.string(), z.number()])),
});

export const TutorialRow = z.object({ id: TutorialRowId, measures: z.array(TutorialMeasure), verdict: TutorialVerdict });

/** How one side was pre-trained (read from its first run's recorded config), so the page and CLI can say it. */
export const PretrainRecipe = z.object({
  family: z.enum(['gpt', 'bert']),
  lr: z.number(),
  warmupSteps: z.number().int(),
  steps: z.number().int(),
  batchSize: z.number().int(),
  contextLength: z.number().int(),
  /** BERT: share of tokens masked in training; null for GPT */
  maskProbability: z.number().nullable(),
  /** tokens a step learns to predict: every position for GPT, the masked share for BERT (expected) */
  targetsPerStep: z.number(),
  /** the rate came from a learning-rate sweep */
  swept: z.boolean(),
});

export const FinetuneExperiment = z.object({
  /** the BERT-vs-GPT experiment that holds the pre-training runs (its comparison page shows their fill/next figures) */
  experimentId: Id,
  status: z.enum(['running', 'completed', 'failed']),
  /** what it is doing now (pretraining, measuring, finetuning), while it runs */
  phase: z.string().nullable(),
  error: z.string().nullable(),
  request: FinetuneExperimentRequest,
  pretrainDataset: z.object({ id: Id, name: z.string() }),
  task: z.object({ id: Id, name: z.string(), classes: z.array(z.string()) }),
  pairs: z.array(z.object({ seed: z.number().int(), gptRunId: Id, bertRunId: Id })),
  /** each side's pre-training recipe (GPT first); absent in records made before it was kept */
  recipes: z.array(PretrainRecipe).optional(),
  curve: z.array(CurvePoint),
  rows: z.array(TutorialRow),
  samples: z.array(z.object({ seed: z.number().int(), prompt: z.string(), gpt: z.string(), bert: z.string(), reference: z.string() })),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
});

export const finetuneExperimentChannels = {
  /** Starts the whole experiment in the background (pre-training in workers, then fine-tunes) and returns it at once. */
  'finetune.experiment.start': {
    /** taskId: the experiment's lines (the task imported, pre-training started, each fine-tune's macro-F1) go out as
     *  runs.log events with this taskId, for a front end that follows it (the CLI prints them) */
    input: FinetuneExperimentRequest.extend({ taskId: z.string().max(64).optional() }),
    output: FinetuneExperiment,
  },
  /** Every such experiment, newest first (running ones with their phase). */
  'finetune.experiment.list': { input: z.object({}).strict(), output: z.array(FinetuneExperiment) },
} as const;

export type FinetuneExperimentRequestT = z.output<typeof FinetuneExperimentRequest>;
export type FinetuneExperimentT = z.output<typeof FinetuneExperiment>;
export type SeedCellT = z.output<typeof SeedCell>;
export type PretrainRecipeT = z.output<typeof PretrainRecipe>;
export type CurvePointT = z.output<typeof CurvePoint>;
export type CurveModelT = z.output<typeof CurveModel>;
export type TutorialRowT = z.output<typeof TutorialRow>;
export type TutorialMeasureT = z.output<typeof TutorialMeasure>;
export type TutorialVerdictT = z.output<typeof TutorialVerdict>;

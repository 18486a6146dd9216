// Experiment shapes of the API contract: budgets, the BERT-vs-GPT comparison table, probes.
import { z } from 'zod';
import { byId, empty, Id, Name, TokenizerKind } from './shared';
import { ModelSizeRequest, ModelSizeShape, Run, RunStatus } from './runs';

/**
 * The BERT-vs-GPT comparison's default pre-training recipe (issue 14), shared by `compare`, the comparison wizard and
 * the fine-tune experiment's pre-training (issue 18): the tiny preset, 2,000 steps per model, each family at the best
 * rate of a short sweep. With it both models clear their unigram bars on char-level Shakespeare (issue 14); on the
 * fine-tune experiment's byte-level BPE tokens GPT does and BERT only after ~3,000 steps, so that experiment
 * pre-trains three times as long (FINETUNE_PRETRAIN; bench/RESULTS.md, issue 18).
 */
export const COMPARE_RECIPE = { preset: 'tiny', steps: 2000, lrSweep: true } as const;

export const ExperimentBudget = z.union([
  z.object({ steps: z.number().int().min(1).max(10_000_000) }).strict(),
  z.object({ tokens: z.number().int().min(1).max(1e12) }).strict(),
  z.object({ minutes: z.number().positive().max(24 * 60) }).strict(),
]);

/**
 * A sentence as data: a stable message key and its values. The UI words it through vue-i18n (`comparison.<key>`, en and
 * zh-CN); the CLI through the same English messages. E.g. { key: 'about.architecture.gpt', params: { layers: 2, … } }.
 */
export const ComparisonPhrase = z.object({ key: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])) });

/** One model's figure in a comparison row: per seed, and their mean and (sample) standard deviation. */
export const ComparisonCell = z.object({
  values: z.array(z.number()),
  mean: z.number().nullable(),
  std: z.number().nullable(),
  /** a descriptive row's text (objective, direction, …) */
  phrase: ComparisonPhrase.optional(),
  /** the strengths row: ids of the measured quality rows this model won */
  wins: z.array(z.string()).optional(),
});

const Side = z.enum(['gpt', 'bert']);

/**
 * Who did better and by how much, computed from the numbers (the figures themselves are the row's cells).
 * better: gap = |gpt − bert| in the row's unit; relative = gap / |loser's figure| (null for fractions, said in points,
 * or a zero figure); ratio = larger / smaller (same nulls). tie: gap 0, under 0.1% of the larger figure, or (several
 * seeds) within the larger std — withinSpread says it was the last. summary: the winners of the two headline rows
 * (token fill, next token) and how many measured quality rows each model won.
 */
export const ComparisonVerdict = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('design') }),
  z.object({ kind: z.literal('unmeasured') }),
  z.object({ kind: z.literal('tie'), withinSpread: z.boolean() }),
  z.object({ kind: z.literal('better'), winner: Side, gap: z.number(), relative: z.number().nullable(), ratio: z.number().nullable() }),
  /** the two figures are different quantities (GPT's perplexity vs BERT's pseudo-perplexity): no winner, no colour */
  z.object({ kind: z.literal('incomparable') }),
  z.object({ kind: z.literal('summary'), fill: z.enum(['gpt', 'bert', 'tie']).nullable(), next: z.enum(['gpt', 'bert', 'tie']).nullable(), gptWins: z.number().int(), bertWins: z.number().int() }),
]);

/** Said after a verdict: the two figures are not quite the same quantity, or a speed gap is the kernels' more than the models'. */
export const ComparisonCaveat = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('pseudoPerplexity') }),
  z.object({ kind: z.literal('backends'), gpt: z.string(), bert: z.string() }),
]);

/**
 * The RNN's verdict against GPT on one row, from the same numbers and rules as GPT vs BERT (gap, relative, ratio; a
 * gap inside the seed spread is a tie). unmeasured: one of the two figures is missing.
 */
export const RnnVerdict = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('unmeasured') }),
  z.object({ kind: z.literal('tie'), withinSpread: z.boolean() }),
  z.object({ kind: z.literal('better'), winner: z.enum(['gpt', 'rnn']), gap: z.number(), relative: z.number().nullable(), ratio: z.number().nullable() }),
]);

/** A row of the table; its id is also its stable label key (`comparison.rows.<id>`). */
export const ComparisonRow = z.object({
  id: z.string(),
  group: z.enum(['about', 'fill', 'continue', 'cost', 'summary']),
  gpt: ComparisonCell,
  bert: ComparisonCell,
  /** null for descriptive rows */
  betterWhen: z.enum(['higher', 'lower']).nullable(),
  winner: z.enum(['gpt', 'bert', 'tie']).nullable(),
  verdict: ComparisonVerdict,
  caveat: ComparisonCaveat.nullable(),
  /** the unigram baseline's figure on the same sites (measured rows; absent in tables measured before issue 14) */
  baseline: ComparisonCell.nullable().optional(),
  /** the models whose figure did not clear the baseline by 2 points (accuracy rows; 'rnn': the third model) */
  belowBaseline: z.array(z.enum(['gpt', 'bert', 'rnn'])).optional(),
  /** the optional third model (a GRU/LSTM language model) on the same row: its figure (fill rows from the left
   *  context, as GPT reads it) and its verdict against GPT — the other next-token model, so the same quantities */
  rnn: ComparisonCell.optional(),
  rnnVsGpt: RnnVerdict.optional(),
});

/** Mean next-token loss (nats) at each position of the measured windows: position 0 has no context, position t has t
 *  tokens before it; one array per model, averaged over the windows and seeds (GPT always, the RNN when there is one). */
export const LossByPosition = z.object({
  windows: z.number().int(),
  gpt: z.array(z.number()),
  rnn: z.array(z.number()).nullable(),
});

/** What the table says about itself: one seed (no spread, provisional), a model under the unigram bar, and the
 *  learning rate each model trained at (with the sweep that chose it). */
export const ComparisonNote = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('oneSeed') }),
  z.object({ kind: z.literal('belowBaseline'), side: z.enum(['gpt', 'bert', 'gru', 'lstm']), rows: z.array(z.string()) }),
  z.object({
    kind: z.literal('learningRate'), side: z.enum(['gpt', 'bert', 'gru', 'lstm']), lr: z.number(),
    sweep: z.object({ steps: z.number().int(), atEdge: z.boolean(), trials: z.array(z.object({ lr: z.number(), valLoss: z.number().nullable() })) }).nullable(),
  }),
]);

export const Continuation = z.object({ seed: z.number().int(), prompt: z.string(), gpt: z.string(), bert: z.string(), rnn: z.string().optional() });

export const RnnFamilyName = z.enum(['gru', 'lstm']);

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
  /** the most frequent token of the train split, which the unigram baseline always predicts */
  baselineToken: z.string().optional(),
  notes: z.array(ComparisonNote).optional(),
  /** the third model's cell, when the experiment has one (absent in tables measured before issue 17's third row) */
  rnnFamily: RnnFamilyName.nullable().optional(),
  lossByPosition: LossByPosition.optional(),
});

export const ExperimentPair = z.object({
  seed: z.number().int(),
  gptRunId: Id,
  bertRunId: Id,
  gptParameters: z.number().int(),
  bertParameters: z.number().int(),
  /** the seed's GRU/LSTM run when the experiment has a third model */
  rnnRunId: Id.nullable().optional(),
  rnnParameters: z.number().int().nullable().optional(),
});

export const Experiment = z.object({
  id: Id,
  name: z.string(),
  datasetId: Id.nullable(),
  datasetName: z.string().nullable(),
  tokenizerId: Id.nullable(),
  tokenizerName: z.string().nullable(),
  preset: z.string(),
  /** a custom shape the runs train at (with the preset's recipe); null: the preset's own shape */
  size: ModelSizeShape.nullable(),
  budget: ExperimentBudget,
  /** optimizer steps every run of the experiment trains for (the budget converted) */
  steps: z.number().int(),
  /** tokens every run sees: steps × batch × context */
  tokensPerRun: z.number(),
  /** derived from the runs: queued or running while any is, then completed, or stopped/failed/crashed */
  status: RunStatus,
  /** each family's learning rate chosen by a short sweep before training ("fair by construction") */
  lrSweep: z.boolean(),
  /** the optional third model: a GRU or LSTM language model trained on the same tokens (null: none) */
  rnn: RnnFamilyName.nullable().optional(),
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

export const ProbeContinueAnswer = z.object({
  runId: Id,
  family: z.enum(['gpt', 'bert', 'gru', 'lstm']),
  step: z.number().int(),
  continuation: z.string(),
  /** how many tokens the continuation has */
  tokens: z.number().int(),
});

/** The checkpoint a probe reads: the one each run saved at this step (default: each run's newest). */
const ProbeStep = z.number().int().min(0).optional();

// ---------- channels ----------
/** The experiments.* channels (BERT vs GPT comparisons) and the probes of their runs. */
export const experimentChannels = {
  'experiments.create': {
    input: z.object({
      /** dataset name or id */
      dataset: z.string().min(1, 'Say which dataset to compare on.'),
      /** tokenizer name or id shared by both models; else tokenizerKind picks or trains `<dataset>-<kind>` */
      tokenizer: z.string().min(1).optional(),
      tokenizerKind: TokenizerKind.optional(),
      preset: z.enum(['tiny', 'small', 'base']).default(COMPARE_RECIPE.preset),
      /** fields that replace the preset's shape for both models (`compare --layers … --context`) */
      size: ModelSizeRequest.optional(),
      budget: ExperimentBudget,
      seeds: z.number().int().min(1, 'Give 1 to 5 seeds.').max(5, 'Give 1 to 5 seeds.').default(1),
      /** sweep each family's learning rate before training and train each at its own best (on by default) */
      lrSweep: z.boolean().default(COMPARE_RECIPE.lrSweep),
      /** a third model: a GRU or LSTM language model with the same tokenizer, context, batch, steps and seeds
       *  (its preset's own shape, GPT's recipe, no sweep; `compare --with-rnn gru|lstm`) */
      rnn: RnnFamilyName.optional(),
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
    input: z.object({
      runIds: z.array(Id).min(1).max(10), text: z.string().min(1).max(5000), topK: z.number().int().min(1).max(50).default(5), step: ProbeStep,
    }).strict(),
    output: z.array(ProbeFillAnswer),
  },
  'probe.continue': {
    // GPT, BERT (mask-predict), GRU and LSTM runs; greedy unless a temperature is given. The ranges of temperature,
    // top-k and top-p are checked beside the sampler (ml/sample.ts), whose sentences name the bad value.
    input: z.object({
      runIds: z.array(Id).min(1).max(10),
      prompt: z.string().min(1).max(5000),
      maxTokens: z.number().int().min(1).max(5000).default(60),
      temperature: z.number().default(0),
      topK: z.number().default(0),
      topP: z.number().default(1),
      seed: z.number().int().default(0),
      /** stop after the tokenizer's [EOS] (GPT) */
      stopAtEnd: z.boolean().default(false),
      step: ProbeStep,
    }).strict(),
    output: z.array(ProbeContinueAnswer),
  },
} as const;

// ---------- events (main -> renderer) ----------
/** An experiment was created or measured. */
export const experimentEvents = {
  'experiments.changed': z.object({ id: Id }),
} as const;

// The tutorial's BERT-vs-GPT table, measured: one row per claim with the numbers behind it (values per seed, mean ±
// std) and a verdict computed from them. A gap inside the seed spread is "no clear difference"; one seed gives
// provisional verdicts. Rows are data (ids, message keys, numbers): the UI words them in its language, the CLI in English.
import type { CurvePointT, CurveModelT, SeedCellT, TutorialMeasureT, TutorialRowT, TutorialVerdictT } from '../../../common/api/finetune-experiment';
import { DEGENERATE_DISTINCT2, type TutorialPairFigures } from '../../jobs/measure/tutorial';

/** BERT's both-sides top-1 must clear the unigram baseline by this much before the row judges bidirectional context
 *  (the comparison table's bar, lab/experiments/table.ts). */
const BASELINE_MARGIN = 0.02;
/** BERT's validation loss masks this share in every run (TrainOptions.evalMaskProbability) */
const EVAL_MASK_PROBABILITY = 0.15;
/** A side whose continuations are degenerate more often than this loses the bigram model's vote. */
const MOSTLY_DEGENERATE = 0.5;

/** The objectives the pre-training runs were trained with, and the loss each reached (validation, else train). */
export interface ObjectiveFigures {
  seed: number;
  gptLoss: number | null;
  bertLoss: number | null;
}

export interface TutorialInputs {
  curve: CurvePointT[];
  pairs: TutorialPairFigures[];
  objectives: ObjectiveFigures[];
  /** the share of tokens BERT's masked-LM hides and predicts */
  maskProbability: number;
}

/** Mean and sample standard deviation (null for one value) of the finite values. */
export function seedCell(values: Array<number | null>): SeedCellT {
  const v = values.filter((x): x is number => x !== null && Number.isFinite(x));
  if (v.length === 0) return { values: [], mean: null, std: null };
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  const std = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1)) : null;
  return { values: v, mean: m, std };
}

/** Which of two cells is clearly better: 'a', 'b', or 'tie' when the gap is inside the larger seed spread (or ~0). */
export function clearlyBetter(a: SeedCellT, b: SeedCellT, higherIsBetter = true): 'a' | 'b' | 'tie' | null {
  if (a.mean === null || b.mean === null) return null;
  const gap = Math.abs(a.mean - b.mean);
  const spread = Math.max(a.std ?? 0, b.std ?? 0);
  if (gap <= 1e-3 * Math.max(Math.abs(a.mean), Math.abs(b.mean)) || gap <= spread) return 'tie';
  return (a.mean > b.mean) === higherIsBetter ? 'a' : 'b';
}

function point(curve: CurvePointT[], model: CurveModelT, labels: number): SeedCellT {
  return curve.find((p) => p.model === model && p.labelsPerClass === labels)?.macroF1 ?? { values: [], mean: null, std: null };
}

function measure(key: string, cell: SeedCellT, unit: TutorialMeasureT['unit'], params: TutorialMeasureT['params'] = {}): TutorialMeasureT {
  return { key, params, unit, cell };
}

function verdict(kind: TutorialVerdictT['kind'], seeds: number, params: TutorialVerdictT['params'] = {}): TutorialVerdictT {
  return { kind, provisional: seeds < 2 && kind !== 'asBuilt', params };
}

/** Understanding: BERT's fine-tuned macro-F1 against GPT's at every budget; the verdict at the largest budget. */
function understandingRow(curve: CurvePointT[], budgets: number[], seeds: number): TutorialRowT {
  const measures = budgets.flatMap((n) => [
    measure('f1.bert-pretrained', point(curve, 'bert-pretrained', n), 'f1', { labels: n }),
    measure('f1.gpt-pretrained', point(curve, 'gpt-pretrained', n), 'f1', { labels: n }),
  ]);
  const top = budgets[budgets.length - 1];
  const bert = point(curve, 'bert-pretrained', top);
  const gpt = point(curve, 'gpt-pretrained', top);
  const won = clearlyBetter(bert, gpt);
  const kind = won === 'a' ? 'supports' : won === 'b' ? 'contradicts' : 'noClearDifference';
  const wins = budgets.filter((n) => clearlyBetter(point(curve, 'bert-pretrained', n), point(curve, 'gpt-pretrained', n)) === 'a').length;
  return { id: 'understanding', measures, verdict: verdict(kind, seeds, { labels: top, gap: (bert.mean ?? 0) - (gpt.mean ?? 0), bertWins: wins, budgets: budgets.length }) };
}

/** Few labels: at the smallest budget, does pre-training beat the same model from scratch, and TF-IDF + LR? */
function fewLabelsRow(curve: CurvePointT[], budgets: number[], seeds: number): TutorialRowT {
  const n = budgets[0];
  const models: CurveModelT[] = ['bert-pretrained', 'bert-scratch', 'gpt-pretrained', 'gpt-scratch', 'tfidf-logreg'];
  const measures = models.map((m) => measure(`f1.${m}`, point(curve, m, n), 'f1', { labels: n }));
  const helped = (['bert', 'gpt'] as const).map((f) => clearlyBetter(point(curve, `${f}-pretrained`, n), point(curve, `${f}-scratch`, n)));
  const better = helped.filter((h) => h === 'a').length;
  const worse = helped.filter((h) => h === 'b').length;
  const kind = better === 2 ? 'supports' : better === 1 ? 'mixed' : worse > 0 ? 'contradicts' : 'noClearDifference';
  const beatBaseline = (['bert', 'gpt'] as const).filter((f) => clearlyBetter(point(curve, `${f}-pretrained`, n), point(curve, 'tfidf-logreg', n)) === 'a');
  return {
    id: 'fewLabels', measures,
    verdict: verdict(kind, seeds, { labels: n, helped: better, hurt: worse, beatBaseline: beatBaseline.length === 0 ? 'none' : beatBaseline.length === 2 ? 'both' : beatBaseline[0] }),
  };
}

/**
 * Bidirectional context: BERT filling a blank reading both sides against reading only the left (GPT's view). A BERT
 * that does not beat always guessing the most frequent token has learned too little for the comparison to mean
 * anything (both readings then give its one guess): the verdict says "under-trained" instead, with the checks that
 * show it — the unigram top-1, how often the two readings guess the same token, and how often it guesses its
 * favourite token.
 */
function bidirectionalRow(pairs: TutorialPairFigures[], seeds: number): TutorialRowT {
  const both = seedCell(pairs.map((p) => p.fill.bertBoth));
  const left = seedCell(pairs.map((p) => p.fill.bertLeft));
  const gpt = seedCell(pairs.map((p) => p.fill.gptLeft));
  const checks = pairs.flatMap((p) => (p.fillCheck === undefined ? [] : [p.fillCheck]));
  const measures = [measure('fill.bertBoth', both, 'fraction'), measure('fill.bertLeft', left, 'fraction'), measure('fill.gptLeft', gpt, 'fraction')];
  const params: TutorialVerdictT['params'] = { sites: pairs[0]?.sites ?? 0, gap: (both.mean ?? 0) - (left.mean ?? 0) };
  let undertrained = false;
  if (checks.length > 0) {
    const unigram = seedCell(checks.map((c) => c.unigram));
    const same = seedCell(checks.map((c) => c.sameGuess));
    const modal = seedCell(checks.map((c) => c.modalShare));
    // the token the most seeds' BERTs guess most (shown quoted, so a newline reads "\n")
    const modalToken = JSON.stringify(mode(checks.map((c) => c.modalToken)));
    const unigramToken = JSON.stringify(checks[0].unigramToken);
    measures.push(
      measure('fill.unigram', unigram, 'fraction', { token: unigramToken }),
      measure('fill.bertSameGuess', same, 'fraction'),
      measure('fill.bertModalShare', modal, 'fraction', { token: modalToken }),
    );
    undertrained = both.mean !== null && unigram.mean !== null && both.mean < unigram.mean + BASELINE_MARGIN;
    Object.assign(params, { both: both.mean ?? 0, unigram: unigram.mean ?? 0, unigramToken, sameGuess: same.mean ?? 0, modalShare: modal.mean ?? 0, modalToken });
  }
  const won = clearlyBetter(both, left);
  const kind = undertrained ? 'undertrained' : won === 'a' ? 'supports' : won === 'b' ? 'contradicts' : 'noClearDifference';
  return { id: 'bidirectional', measures, verdict: verdict(kind, seeds, params) };
}

/** The most frequent string (the first seen on a tie). */
function mode(xs: string[]): string {
  const counts = new Map<string, number>();
  for (const x of xs) counts.set(x, (counts.get(x) ?? 0) + 1);
  return [...counts].reduce((a, b) => (b[1] > a[1] ? b : a))[0];
}

/** The winner of a GPT-vs-BERT clearlyBetter as a side name. */
function side(w: 'a' | 'b' | 'tie' | null): string {
  return w === 'a' ? 'gpt' : w === 'b' ? 'bert' : w ?? 'unmeasured';
}

/**
 * Generation: GPT's continuations against BERT's mask-predict ones, by repetition and by the held-out bigram model.
 * Degenerate continuations (distinct-2 below DEGENERATE_DISTINCT2: one token or a short loop over and over) are not
 * scored by the bigram model, and a side whose continuations are mostly degenerate loses the bigram vote — a loop of a
 * common pair (newline → newline) would otherwise read as the most plausible text.
 */
function generationRow(pairs: TutorialPairFigures[], seeds: number): TutorialRowT {
  const c = (side: 'gpt' | 'bert' | 'reference', key: 'distinct2' | 'distinct1' | 'bigramNll' | 'degenerate'): SeedCellT =>
    seedCell(pairs.map((p) => p.generation[side][key] ?? null));
  const distinct = clearlyBetter(c('gpt', 'distinct2'), c('bert', 'distinct2'));
  const degenerate = { gpt: c('gpt', 'degenerate'), bert: c('bert', 'degenerate') };
  const mostly = (side: 'gpt' | 'bert'): boolean => (degenerate[side].mean ?? 0) > MOSTLY_DEGENERATE;
  const nll = mostly('bert') && !mostly('gpt') ? 'a'
    : mostly('gpt') && !mostly('bert') ? 'b'
      : mostly('gpt') && mostly('bert') ? 'tie' : clearlyBetter(c('gpt', 'bigramNll'), c('bert', 'bigramNll'), false);
  const votes = [distinct, nll];
  const forGpt = votes.filter((v) => v === 'a').length;
  const forBert = votes.filter((v) => v === 'b').length;
  const kind = forGpt > 0 && forBert === 0 ? (forGpt === 2 ? 'supports' : 'mixed') : forBert > 0 && forGpt === 0 ? (forBert === 2 ? 'contradicts' : 'mixed') : forGpt > 0 ? 'mixed' : 'noClearDifference';
  const measured = degenerate.gpt.mean !== null || degenerate.bert.mean !== null;
  return {
    id: 'generation',
    measures: [
      measure('gen.distinct2.gpt', c('gpt', 'distinct2'), 'fraction'),
      measure('gen.distinct2.bert', c('bert', 'distinct2'), 'fraction'),
      measure('gen.distinct2.reference', c('reference', 'distinct2'), 'fraction'),
      ...(measured ? [
        measure('gen.degenerate.gpt', degenerate.gpt, 'fraction', { threshold: DEGENERATE_DISTINCT2 }),
        measure('gen.degenerate.bert', degenerate.bert, 'fraction', { threshold: DEGENERATE_DISTINCT2 }),
      ] : []),
      measure('gen.bigramNll.gpt', c('gpt', 'bigramNll'), 'nats'),
      measure('gen.bigramNll.bert', c('bert', 'bigramNll'), 'nats'),
      measure('gen.bigramNll.reference', c('reference', 'bigramNll'), 'nats'),
    ],
    verdict: verdict(kind, seeds, {
      distinct: side(distinct), nll: side(nll),
      ...(measured ? { threshold: DEGENERATE_DISTINCT2, degenerateGpt: degenerate.gpt.mean ?? 0, degenerateBert: degenerate.bert.mean ?? 0 } : {}),
    }),
  };
}

/** Prediction target and training method: the objectives the runs were trained with and the losses they reached. */
function objectiveRow(objectives: ObjectiveFigures[], maskProbability: number): TutorialRowT {
  return {
    id: 'objective',
    measures: [
      measure('loss.gpt', seedCell(objectives.map((o) => o.gptLoss)), 'nats'),
      // the loss is the validation loss, which masks 15% whatever the training rate (comparable across recipes)
      measure('loss.bert', seedCell(objectives.map((o) => o.bertLoss)), 'nats', { mask: EVAL_MASK_PROBABILITY }),
    ],
    verdict: verdict('asBuilt', objectives.length, { mask: maskProbability }),
  };
}

/** Every row of the measured table, in the tutorial's order. */
export function tutorialTable(input: TutorialInputs): TutorialRowT[] {
  const budgets = [...new Set(input.curve.map((p) => p.labelsPerClass))].sort((a, b) => a - b);
  const seeds = input.pairs.length;
  const rows: TutorialRowT[] = [];
  if (budgets.length > 0) rows.push(understandingRow(input.curve, budgets, seeds), fewLabelsRow(input.curve, budgets, seeds));
  if (input.pairs.length > 0) rows.push(bidirectionalRow(input.pairs, seeds), generationRow(input.pairs, seeds));
  rows.push(objectiveRow(input.objectives, input.maskProbability));
  return rows;
}

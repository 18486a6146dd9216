// Words for the tutorial's measured table from its data (row ids, message keys, numbers) in whatever language `tr`
// speaks: the UI passes vue-i18n's t scoped to finetune.tutorial, the CLI english() below. Pure, so both can test it.
import type { PretrainRecipeT, SeedCellT, TutorialMeasureT, TutorialRowT } from '../api/finetune-experiment';
import { FINETUNE_PRETRAIN } from '../api/finetune-experiment';
import tutorialEn from './messages-en';

/** A lookup of a key under the tutorial messages, with {name} placeholders filled from params. */
export type Translate = (key: string, params?: Record<string, string | number>) => string;

/** The English messages, looked up by dotted key ("verdict.supports") with {name} placeholders filled. */
export const english: Translate = (key, params = {}) => {
  const found = key.split('.').reduce<unknown>((node, k) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[k] : undefined), tutorialEn);
  if (typeof found !== 'string') throw new Error(`The tutorial table's messages have no text for "${key}".`);
  return found.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
};

/** A number of a cell: F1 and fractions with 3 decimals, nats with 2. */
function fixed(x: number, unit: TutorialMeasureT['unit']): string {
  return x.toFixed(unit === 'nats' ? 2 : 3);
}

/** "0.812 ± 0.020" over seeds, "0.812" for one seed, "—" when nothing was measured. */
export function cellText(c: SeedCellT, unit: TutorialMeasureT['unit']): string {
  if (c.mean === null) return '—';
  return c.std === null ? fixed(c.mean, unit) : `${fixed(c.mean, unit)} ± ${fixed(c.std, unit)}`;
}

export function claimText(row: TutorialRowT, tr: Translate): string {
  return tr(`claims.${row.id}`);
}

function percent(x: number): string {
  return `${Math.round(x * 1000) / 10}%`;
}

export function measureLabel(m: TutorialMeasureT, tr: Translate): string {
  const params = { ...m.params, ...(typeof m.params.mask === 'number' ? { mask: percent(m.params.mask) } : {}) };
  return tr(`measures.${m.key}`, params);
}

/** The verdict, the provisional note with one seed, and the sentence of figures behind it. */
export function verdictText(row: TutorialRowT, tr: Translate): string {
  const v = row.verdict;
  const p: Record<string, string | number> = { ...v.params };
  if (typeof p.gap === 'number') p.gap = `${p.gap >= 0 ? '+' : '−'}${Math.abs(p.gap).toFixed(3)}`;
  if (typeof p.mask === 'number') p.mask = percent(p.mask);
  for (const k of ['both', 'unigram']) if (typeof p[k] === 'number') p[k] = (p[k] as number).toFixed(3);
  for (const k of ['modalShare', 'sameGuess', 'degenerateGpt', 'degenerateBert']) if (typeof p[k] === 'number') p[k] = percent(p[k] as number);
  for (const k of ['distinct', 'nll', 'beatBaseline']) if (typeof p[k] === 'string') p[k] = tr(`who.${p[k]}`);
  // an under-trained model's row explains why it is not judged; a generation row says how degenerate output was scored
  const detail = v.kind === 'undertrained' ? tr(`detail.${row.id}Undertrained`, p) : tr(`detail.${row.id}`, p);
  const degenerate = row.id === 'generation' && 'degenerateGpt' in p ? tr('detail.generationDegenerate', p) : '';
  return [tr(`verdict.${v.kind}`), v.provisional ? tr('verdict.provisional') : '', detail, degenerate].filter((s) => s !== '').join(' ');
}

/** A learning rate as people write it: 0.001 → 1e-3, 0.0003 → 3e-4. */
function rate(lr: number): string {
  const [m, e] = lr.toExponential(1).split('e');
  return `${m.replace(/\.0$/, '')}e${e}`;
}

/** Whether an experiment pre-trained with the default recipe (FINETUNE_PRETRAIN: preset, steps, both rates swept). */
export function isDefaultRecipe(recipes: PretrainRecipeT[], preset: string | undefined): boolean {
  return preset === FINETUNE_PRETRAIN.preset && recipes.length > 0
    && recipes.every((r) => r.steps === FINETUNE_PRETRAIN.steps && r.swept === FINETUNE_PRETRAIN.lrSweep);
}

/**
 * The sentences that say what recipe each side was pre-trained with, and why BERT's is what it is; given the request's
 * preset, a last one says whether this is the default recipe measured to lift both off their unigram bars, or not.
 */
export function recipeLines(recipes: PretrainRecipeT[], tr: Translate, preset?: string): string[] {
  const gpt = recipes.find((r) => r.family === 'gpt');
  const bert = recipes.find((r) => r.family === 'bert');
  if (gpt === undefined || bert === undefined) return [];
  const common = (r: PretrainRecipeT): Record<string, string | number> => ({
    lr: rate(r.lr), warmup: r.warmupSteps, steps: r.steps, batch: r.batchSize, context: r.contextLength, targets: Math.round(r.targetsPerStep),
  });
  const mask = bert.maskProbability ?? 0.15;
  const why = { mask: percent(mask), lr: rate(bert.lr), ratio: percent(bert.targetsPerStep / gpt.targetsPerStep) };
  const defaults = { preset: FINETUNE_PRETRAIN.preset, steps: FINETUNE_PRETRAIN.steps.toLocaleString('en-US') };
  return [
    tr('recipe.gpt', common(gpt)),
    tr('recipe.bert', { ...common(bert), mask: percent(mask) }),
    ...(gpt.swept || bert.swept ? [tr('recipe.swept')] : []),
    tr(mask > 0.15 ? 'recipe.whyMasked' : 'recipe.whyStandard', why),
    ...(preset === undefined ? [] : [tr(isDefaultRecipe(recipes, preset) ? 'recipe.default' : 'recipe.notDefault', defaults)]),
  ];
}

/** The rows in English, as `finetune-compare --json` adds them. */
export function englishRows(rows: TutorialRowT[]): Array<TutorialRowT & { claim: string; measured: string[]; text: string }> {
  return rows.map((r) => ({
    ...r, claim: claimText(r, english), text: verdictText(r, english),
    measured: r.measures.map((m) => `${measureLabel(m, english)}: ${cellText(m.cell, m.unit)}`),
  }));
}

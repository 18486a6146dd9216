// The comparison table: the descriptive rows of BERT vs GPT (objective, what is predicted, direction, architecture)
// and one row per measured figure with both models' per-seed values, mean ± std, and a verdict computed from them.
// Everything a reader sees is data (row ids, message keys, numbers): the UI words it in its language, the CLI in English.
// An optional third model (GRU/LSTM) gets a cell in every row but the summary, and its own verdict against GPT.
import type { ComparisonCellT, ComparisonRowT, ComparisonT } from '../../../common/api';
import type { ModelConfig } from '../../../common/model-config';
import type { RnnConfig } from '../../../common/rnn-config';
import type { BaselineFigures, PairMeasurement, SideFigures } from '../../jobs/measure/measure';

type NumericKey = { [K in keyof SideFigures]: SideFigures[K] extends number ? K : never }[keyof SideFigures];
type NoteT = NonNullable<ComparisonT['notes']>[number];
type RnnVerdictT = NonNullable<ComparisonRowT['rnnVsGpt']>;

/** A model clears the unigram bar with at least this many points of accuracy above it. */
const BASELINE_MARGIN = 0.02;

type VerdictT = ComparisonRowT['verdict'];
type Winner = 'gpt' | 'bert' | 'tie' | null;

interface MeasuredRow {
  /** also the row's label key: the UI and the CLI word it from their messages */
  id: string;
  group: 'fill' | 'continue' | 'cost';
  key: NumericKey;
  betterWhen: 'higher' | 'lower';
  /** fractions are compared in points, other units by their relative gap and ratio */
  fraction: boolean;
  /** the two figures are not quite the same quantity */
  pseudoPerplexity?: boolean;
  /** a speed figure: only comparable when both runs trained on the same kernels */
  speed?: boolean;
  /** the unigram baseline's figure of this row (quality rows) */
  baseline?: keyof Omit<BaselineFigures, 'token'>;
}

const MEASURED: MeasuredRow[] = [
  { id: 'fill.token.top1', group: 'fill', key: 'tokenTop1', betterWhen: 'higher', fraction: true, baseline: 'tokenTop1' },
  { id: 'fill.token.top5', group: 'fill', key: 'tokenTop5', betterWhen: 'higher', fraction: true, baseline: 'tokenTop5' },
  { id: 'fill.word.top1', group: 'fill', key: 'wordTop1', betterWhen: 'higher', fraction: true, baseline: 'wordTop1' },
  { id: 'continue.next', group: 'continue', key: 'nextToken', betterWhen: 'higher', fraction: true, baseline: 'nextToken' },
  // BERT's pseudo-perplexity sees both sides of every token, GPT's perplexity only the left: never a winner
  { id: 'continue.perplexity', group: 'continue', key: 'perplexity', betterWhen: 'lower', fraction: false, pseudoPerplexity: true, baseline: 'perplexity' },
  { id: 'cost.parameters', group: 'cost', key: 'parameters', betterWhen: 'lower', fraction: false },
  { id: 'cost.tokens_per_s', group: 'cost', key: 'tokensPerSecond', betterWhen: 'higher', fraction: false, speed: true },
  { id: 'cost.wall', group: 'cost', key: 'wallSeconds', betterWhen: 'lower', fraction: false, speed: true },
  { id: 'cost.memory', group: 'cost', key: 'peakMemoryMiB', betterWhen: 'lower', fraction: false },
];

/** Mean and sample standard deviation (null for one value) of the finite values. */
export function cell(values: number[]): ComparisonCellT {
  const v = values.filter((x) => Number.isFinite(x));
  if (v.length === 0) return { values: [], mean: null, std: null };
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  const std = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1)) : null;
  return { values: v, mean: m, std };
}

/** Who did better and by how much; with several seeds a gap inside the seed spread is called no clear difference. */
export function verdict(gpt: ComparisonCellT, bert: ComparisonCellT, betterWhen: 'higher' | 'lower', fraction: boolean, seeds: number): { winner: Winner; verdict: VerdictT } {
  if (gpt.mean === null || bert.mean === null) return { winner: null, verdict: { kind: 'unmeasured' } };
  const gap = Math.abs(gpt.mean - bert.mean);
  const spread = Math.max(gpt.std ?? 0, bert.std ?? 0);
  const scale = Math.max(Math.abs(gpt.mean), Math.abs(bert.mean));
  if (gap === 0 || gap <= 1e-3 * scale || (seeds > 1 && gap <= spread)) {
    return { winner: 'tie', verdict: { kind: 'tie', withinSpread: seeds > 1 && gap > 1e-3 * scale } };
  }
  const gptBetter = betterWhen === 'higher' ? gpt.mean > bert.mean : gpt.mean < bert.mean;
  const [w, l] = gptBetter ? [gpt.mean, bert.mean] : [bert.mean, gpt.mean];
  const relative = !fraction && l !== 0 ? gap / Math.abs(l) : null;
  const ratio = !fraction && w !== 0 && l !== 0 ? Math.max(w, l) / Math.min(w, l) : null;
  const winner = gptBetter ? 'gpt' : 'bert';
  return { winner, verdict: { kind: 'better', winner, gap, relative, ratio } };
}

function about(id: string, gpt: ComparisonCellT['phrase'], bert: ComparisonCellT['phrase'], rnn: ComparisonCellT['phrase'] | null): ComparisonRowT {
  const empty = { values: [], mean: null, std: null };
  return {
    id, group: 'about', gpt: { ...empty, phrase: gpt }, bert: { ...empty, phrase: bert }, betterWhen: null, winner: null, verdict: { kind: 'design' }, caveat: null,
    ...(rnn === null ? {} : { rnn: { ...empty, phrase: rnn } }),
  };
}

/** The RNN against GPT on a measured row, by the rules of `verdict` (GPT in the first place, the RNN in the second). */
export function rnnVerdict(gpt: ComparisonCellT, rnn: ComparisonCellT, betterWhen: 'higher' | 'lower', fraction: boolean, seeds: number): RnnVerdictT {
  const v = verdict(gpt, rnn, betterWhen, fraction, seeds).verdict;
  if (v.kind === 'better') return { ...v, winner: v.winner === 'gpt' ? 'gpt' : 'rnn' };
  return v.kind === 'tie' ? v : { kind: 'unmeasured' };
}

/** The descriptive phrase of a row, the same key for both sides with .gpt / .bert appended. */
function phrase(key: string, params: Record<string, string | number> = {}): ComparisonCellT['phrase'] {
  return { key, params };
}

function architecture(c: ModelConfig): Record<string, string | number> {
  return { layers: c.nLayer, heads: c.nHead, dModel: c.dModel, context: c.contextLength, norm: c.norm };
}

/** The third model of a comparison: its config and the learning rate it trained at. */
export interface RnnSide {
  config: RnnConfig;
  rate: LearningRates['gpt'];
}

/** How each model's learning rate was set, for the table's notes (a sweep's trials, or null when it was fixed). */
export interface LearningRates {
  gpt: { lr: number; sweep: SweepNoteT };
  bert: { lr: number; sweep: SweepNoteT };
}
type SweepNoteT = Extract<NoteT, { kind: 'learningRate' }>['sweep'];

/** Which sides of a higher-is-better row did not clear the baseline by the margin (none for other rows). */
export function belowBaseline(row: { betterWhen: 'higher' | 'lower' | null; fraction: boolean }, gpt: ComparisonCellT, bert: ComparisonCellT, baseline: ComparisonCellT): Array<'gpt' | 'bert'> {
  if (row.betterWhen !== 'higher' || !row.fraction || baseline.mean === null) return [];
  const bar = baseline.mean + BASELINE_MARGIN;
  return (['gpt', 'bert'] as const).filter((side) => {
    const m = (side === 'gpt' ? gpt : bert).mean;
    return m !== null && m < bar;
  });
}

/** The table's notes: one seed means no spread (provisional verdicts); a model that failed the unigram bar on its own
 *  task's headline row (BERT: filling single-token blanks; GPT: the next token) is named; each model's rate. */
export function comparisonNotes(seeds: number, rows: ComparisonRowT[], rates: LearningRates | null): NoteT[] {
  const notes: NoteT[] = [];
  if (seeds === 1) notes.push({ kind: 'oneSeed' });
  for (const side of ['gpt', 'bert'] as const) {
    const failed = rows.filter((r) => r.belowBaseline?.includes(side)).map((r) => r.id);
    const headline = side === 'gpt' ? 'continue.next' : 'fill.token.top1';
    if (failed.includes(headline)) notes.push({ kind: 'belowBaseline', side, rows: failed });
  }
  if (rates !== null) for (const side of ['gpt', 'bert'] as const) notes.push({ kind: 'learningRate', side, ...rates[side] });
  return notes;
}

/** The whole table of an experiment from its measured pairs. */
export function comparisonTable(pairs: PairMeasurement[], gptConfig: ModelConfig, bertConfig: ModelConfig, rates: LearningRates | null = null,
  rnn: RnnSide | null = null): ComparisonT {
  if (pairs.length === 0) throw new Error('comparisonTable needs at least one measured pair.');
  const seeds = pairs.length;
  const measuredRnn = rnn !== null && pairs.every((p) => p.rnn !== null) ? rnn : null;
  const third = (key: string, params: Record<string, string | number> = {}): ComparisonCellT['phrase'] | null => (measuredRnn === null ? null : phrase(key, params));
  const rc = measuredRnn?.config;
  const rows: ComparisonRowT[] = [
    about('about.objective', phrase('about.objective.gpt'), phrase('about.objective.bert'), third('about.objective.rnn')),
    about('about.predicts', phrase('about.predicts.gpt'), phrase('about.predicts.bert'), third('about.predicts.rnn')),
    about('about.direction', phrase('about.direction.gpt'), phrase('about.direction.bert'), third('about.direction.rnn')),
    about('about.architecture', phrase('about.architecture.gpt', architecture(gptConfig)), phrase('about.architecture.bert', architecture(bertConfig)),
      rc === undefined ? null : third(`about.architecture.${rc.family}`, { layers: rc.nLayer, hidden: rc.dModel, embed: rc.dEmbed, context: rc.contextLength })),
  ];
  const wins: Record<'gpt' | 'bert', string[]> = { gpt: [], bert: [] };
  const backends = (side: 'gpt' | 'bert'): string => [...new Set(pairs.map((p) => p[side].backend))].join('/');
  for (const r of MEASURED) {
    const g = cell(pairs.map((p) => p.gpt[r.key]));
    const b = cell(pairs.map((p) => p.bert[r.key]));
    const v = r.pseudoPerplexity ? { winner: null, verdict: { kind: 'incomparable' as const } } : verdict(g, b, r.betterWhen, r.fraction, seeds);
    if ((v.winner === 'gpt' || v.winner === 'bert') && r.group !== 'cost') wins[v.winner].push(r.id);
    const caveat: ComparisonRowT['caveat'] = r.speed && backends('gpt') !== backends('bert')
      ? { kind: 'backends', gpt: backends('gpt'), bert: backends('bert') }
      : r.pseudoPerplexity ? { kind: 'pseudoPerplexity' } : null;
    const key = r.baseline;
    const base = key === undefined ? null : cell(pairs.map((p) => p.baseline[key]));
    const n = measuredRnn === null ? null : cell(pairs.map((p) => (p.rnn as SideFigures)[r.key]));
    const below = base === null ? [] : [...belowBaseline(r, g, b, base), ...(n !== null && belowBaseline(r, n, n, base).length > 0 ? ['rnn' as const] : [])];
    rows.push({
      id: r.id, group: r.group, gpt: g, bert: b, betterWhen: r.betterWhen, winner: v.winner, verdict: v.verdict, caveat,
      ...(base === null ? {} : { baseline: base, belowBaseline: below }),
      // GPT's perplexity and the RNN's are the same quantity (next token from the left), so this row has a verdict too
      ...(n === null ? {} : { rnn: n, rnnVsGpt: rnnVerdict(g, n, r.betterWhen, r.fraction, seeds) }),
    });
  }
  const winnerOf = (id: string): Winner => rows.find((r) => r.id === id)?.winner ?? null;
  rows.push({
    id: 'summary.strengths', group: 'summary',
    gpt: { values: [wins.gpt.length], mean: wins.gpt.length, std: null, wins: wins.gpt },
    bert: { values: [wins.bert.length], mean: wins.bert.length, std: null, wins: wins.bert },
    betterWhen: 'higher', winner: wins.gpt.length === wins.bert.length ? 'tie' : wins.gpt.length > wins.bert.length ? 'gpt' : 'bert',
    verdict: { kind: 'summary', fill: winnerOf('fill.token.top1'), next: winnerOf('continue.next'), gptWins: wins.gpt.length, bertWins: wins.bert.length },
    caveat: null,
  });
  const notes = comparisonNotes(seeds, rows, rates);
  if (measuredRnn !== null) {
    // the third model is named under the unigram bar on its headline row (the next token), as GPT is
    const failed = rows.filter((r) => r.belowBaseline?.includes('rnn')).map((r) => r.id);
    if (failed.includes('continue.next')) {
      const at = notes.findIndex((x) => x.kind === 'learningRate');
      notes.splice(at < 0 ? notes.length : at, 0, { kind: 'belowBaseline', side: measuredRnn.config.family, rows: failed });
    }
    notes.push({ kind: 'learningRate', side: measuredRnn.config.family, ...measuredRnn.rate });
  }
  return {
    measuredAt: new Date().toISOString(), split: pairs[0].split, seeds: pairs.map((p) => p.seed),
    positions: pairs[0].positions, words: pairs[0].words, rows,
    baselineToken: pairs[0].baseline.token, notes,
    continuations: pairs.flatMap((p) => p.continuations.map((c) => ({ seed: p.seed, ...c }))),
    rnnFamily: measuredRnn?.config.family ?? null,
    lossByPosition: {
      windows: pairs.reduce((n, p) => n + p.windows.length, 0),
      gpt: meanByPosition(pairs.map((p) => p.lossByPosition.gpt)),
      rnn: measuredRnn === null ? null : meanByPosition(pairs.map((p) => p.lossByPosition.rnn ?? [])),
    },
  };
}

/** Per position, the mean over seeds of each seed's mean (seeds whose windows were shorter leave the last positions out). */
function meanByPosition(perSeed: number[][]): number[] {
  const n = Math.max(0, ...perSeed.map((a) => a.length));
  return Array.from({ length: n }, (_, t) => cell(perSeed.filter((a) => t < a.length).map((a) => a[t])).mean ?? Number.NaN);
}

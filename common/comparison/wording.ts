// Words for the comparison table from its data (row ids, message keys, numbers), in whatever language `tr` speaks:
// the UI passes vue-i18n's t (en, zh-CN), the CLI an English lookup of the same messages. Pure, so both can test it.
import type { ComparisonRowT, ComparisonT } from '../api';
import { formatCell, formatValue, rowUnit } from './format';

/** A lookup of a key under `comparison.` in the messages, with {name} placeholders filled from params. */
export type Translate = (key: string, params?: Record<string, string | number>) => string;

type Side = 'gpt' | 'bert';
/** a cell of the table: one of the two Transformers, or the optional third model (GRU/LSTM) */
type Column = Side | 'rnn';

export function rowLabel(row: ComparisonRowT, tr: Translate): string {
  return tr(`rows.${row.id}`);
}

/** A cell: the descriptive phrase, the strengths list, or the figure (mean ± std over seeds). */
export function cellText(row: ComparisonRowT, side: Column, tr: Translate, locale: string): string {
  const c = row[side];
  if (c === undefined) return '';
  if (c.phrase) return tr(c.phrase.key, c.phrase.params);
  if (c.wins) return c.wins.length > 0 ? tr('strengths.some', { list: c.wins.map((id) => tr(`short.${id}`)).join(tr('strengths.separator')) }) : tr('strengths.none');
  return formatCell(c, row.id, locale);
}

function winnerName(w: Side | 'tie' | null, tr: Translate): string {
  return tr(`name.${w === 'gpt' || w === 'bert' ? w : 'neither'}`);
}

/** How much better: points for fractions, else the gap with its share of the loser's figure, and the ratio. */
function byText(rowId: string, v: { gap: number; relative: number | null; ratio: number | null }, loser: string, tr: Translate, locale: string): string {
  const unit = rowUnit(rowId);
  let by = unit === 'fraction'
    ? tr('by.points', { n: (v.gap * 100).toFixed(1) })
    : v.relative !== null ? tr('by.relative', { gap: formatValue(v.gap, unit, locale), percent: (v.relative * 100).toFixed(0), loser }) : formatValue(v.gap, unit, locale);
  if (v.ratio !== null) by = tr('by.ratio', { by, ratio: v.ratio.toFixed(2) });
  return by;
}

/** The verdict sentence, then its caveat; `seeds` is how many pairs the cells average over. */
export function verdictText(row: ComparisonRowT, seeds: number, tr: Translate, locale: string): string {
  const v = row.verdict;
  const figures = (): string => {
    const params = { gpt: cellText(row, 'gpt', tr, locale), bert: cellText(row, 'bert', tr, locale), n: seeds };
    return seeds > 1 ? tr('figuresOverSeeds', params) : tr('figures', params);
  };
  let text: string;
  switch (v.kind) {
    case 'design':
    case 'unmeasured':
      text = tr(`verdict.${v.kind}`);
      break;
    case 'incomparable':
      text = tr('verdict.incomparable', { figures: figures() });
      break;
    case 'tie':
      text = tr(v.withinSpread ? 'verdict.tieSpread' : 'verdict.tie', { figures: figures() });
      break;
    case 'better': {
      const by = byText(row.id, v, winnerName(v.winner === 'gpt' ? 'bert' : 'gpt', tr), tr, locale);
      text = tr('verdict.better', { winner: winnerName(v.winner, tr), by, figures: figures() });
      break;
    }
    case 'summary':
      text = tr('verdict.summary', { fill: winnerName(v.fill, tr), next: winnerName(v.next, tr), gptWins: v.gptWins, bertWins: v.bertWins });
      break;
  }
  const c = row.caveat;
  if (c === null) return text;
  const caveat = c.kind === 'backends' ? tr('caveat.backends', { gpt: c.gpt, bert: c.bert }) : tr('caveat.pseudoPerplexity');
  // Chinese sentences end in 。 and need no space before the next one
  return /[\u3000-\u303f\uff00-\uffef]$/.test(text) ? `${text}${caveat}` : `${text} ${caveat}`;
}

/** The third model's verdict against GPT on a row ('' where it has none: descriptive rows, the summary). */
export function rnnVerdictText(row: ComparisonRowT, family: 'gru' | 'lstm', seeds: number, tr: Translate, locale: string): string {
  const v = row.rnnVsGpt;
  if (v === undefined) return '';
  const rnn = tr(`name.${family}`);
  const figures = tr('rnn.figures', { rnn, value: cellText(row, 'rnn', tr, locale), gpt: cellText(row, 'gpt', tr, locale) });
  switch (v.kind) {
    case 'unmeasured':
      return tr('rnn.unmeasured');
    case 'tie':
      return tr(v.withinSpread && seeds > 1 ? 'rnn.tieSpread' : 'rnn.tie', { figures });
    case 'better': {
      const by = byText(row.id, v, v.winner === 'gpt' ? rnn : tr('name.gpt'), tr, locale);
      return tr('rnn.better', { winner: v.winner === 'gpt' ? tr('name.gpt') : rnn, by, figures });
    }
  }
}

type NoteT = NonNullable<ComparisonT['notes']>[number];

/** The unigram baseline's figure of a measured row ('' for rows without one). */
export function baselineText(row: ComparisonRowT, locale: string): string {
  return row.baseline ? formatCell(row.baseline, row.id, locale) : '';
}

/** A sentence the table says about itself: one seed, a model under the unigram bar, the rate each model trained at. */
export function noteText(note: NoteT, tr: Translate): string {
  switch (note.kind) {
    case 'oneSeed':
      return tr('notes.oneSeed');
    case 'belowBaseline':
      return tr('notes.belowBaseline', { name: tr(`name.${note.side}`), rows: note.rows.map((id) => tr(`short.${id}`)).join(tr('strengths.separator')) });
    case 'learningRate': {
      const lr = formatRate(note.lr);
      if (note.sweep === null) return tr('notes.learningRate', { name: tr(`name.${note.side}`), lr });
      const trials = note.sweep.trials.map((t) => `${formatRate(t.lr)} → ${t.valLoss === null ? '—' : t.valLoss.toFixed(3)}`).join(', ');
      return tr('notes.learningRateSwept', { name: tr(`name.${note.side}`), lr, steps: note.sweep.steps, trials, edge: note.sweep.atEdge ? tr('notes.edge') : '' });
    }
  }
}

/** 0.003 → "3e-3" (a learning rate as people write it). */
function formatRate(lr: number): string {
  if (!Number.isFinite(lr)) return '—';
  const [m, e] = lr.toExponential(1).split('e');
  return `${m.replace(/\.0$/, '')}e${Number(e)}`;
}

// Words for the comparison table from its data (row ids, message keys, numbers), in whatever language `tr` speaks:
// the UI passes vue-i18n's t (en, zh-CN), the CLI an English lookup of the same messages. Pure, so both can test it.
import type { ComparisonRowT } from '../api';
import { formatCell, formatValue, rowUnit } from './format';

/** A lookup of a key under `comparison.` in the messages, with {name} placeholders filled from params. */
export type Translate = (key: string, params?: Record<string, string | number>) => string;

type Side = 'gpt' | 'bert';

export function rowLabel(row: ComparisonRowT, tr: Translate): string {
  return tr(`rows.${row.id}`);
}

/** A cell: the descriptive phrase, the strengths list, or the figure (mean ± std over seeds). */
export function cellText(row: ComparisonRowT, side: Side, tr: Translate, locale: string): string {
  const c = row[side];
  if (c.phrase) return tr(c.phrase.key, c.phrase.params);
  if (c.wins) return c.wins.length > 0 ? tr('strengths.some', { list: c.wins.map((id) => tr(`short.${id}`)).join(tr('strengths.separator')) }) : tr('strengths.none');
  return formatCell(c, row.id, locale);
}

function winnerName(w: Side | 'tie' | null, tr: Translate): string {
  return tr(`name.${w === 'gpt' || w === 'bert' ? w : 'neither'}`);
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
    case 'tie':
      text = tr(v.withinSpread ? 'verdict.tieSpread' : 'verdict.tie', { figures: figures() });
      break;
    case 'better': {
      const unit = rowUnit(row.id);
      const loser = winnerName(v.winner === 'gpt' ? 'bert' : 'gpt', tr);
      let by = unit === 'fraction'
        ? tr('by.points', { n: (v.gap * 100).toFixed(1) })
        : v.relative !== null ? tr('by.relative', { gap: formatValue(v.gap, unit, locale), percent: (v.relative * 100).toFixed(0), loser }) : formatValue(v.gap, unit, locale);
      if (v.ratio !== null) by = tr('by.ratio', { by, ratio: v.ratio.toFixed(2) });
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

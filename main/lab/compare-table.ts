// The comparison table: the descriptive rows of BERT vs GPT (objective, what is predicted, direction, architecture)
// and one row per measured figure with both models' per-seed values, mean ± std, and a verdict computed from them.
import type { ComparisonCellT, ComparisonRowT, ComparisonT } from '../../preload/api';
import type { ModelConfig } from '../ml/config';
import type { PairMeasurement, SideFigures } from './compare-measure';

type Unit = 'fraction' | 'number' | 'seconds' | 'mib' | 'count';

type NumericKey = { [K in keyof SideFigures]: SideFigures[K] extends number ? K : never }[keyof SideFigures];

interface MeasuredRow {
  id: string;
  group: 'fill' | 'continue' | 'cost';
  label: string;
  /** the row's name in the strengths summary */
  short: string;
  key: NumericKey;
  betterWhen: 'higher' | 'lower';
  unit: Unit;
  /** said after the verdict when the two figures are not quite the same quantity */
  caveat?: string;
  /** a speed figure: only comparable when both runs trained on the same kernels */
  speed?: boolean;
}

const MEASURED: MeasuredRow[] = [
  { id: 'fill.token.top1', group: 'fill', label: 'Fill in the blank: single token, top-1 accuracy', short: 'single-token blanks (top-1)', key: 'tokenTop1', betterWhen: 'higher', unit: 'fraction' },
  { id: 'fill.token.top5', group: 'fill', label: 'Fill in the blank: single token, top-5 accuracy', short: 'single-token blanks (top-5)', key: 'tokenTop5', betterWhen: 'higher', unit: 'fraction' },
  { id: 'fill.word.top1', group: 'fill', label: 'Fill in the blank: whole word (all its tokens), exact', short: 'whole-word blanks', key: 'wordTop1', betterWhen: 'higher', unit: 'fraction' },
  { id: 'continue.next', group: 'continue', label: 'Continue the text: next-token accuracy (left context only)', short: 'next token from the left', key: 'nextToken', betterWhen: 'higher', unit: 'fraction' },
  {
    id: 'continue.perplexity', group: 'continue', label: 'Perplexity: GPT next-token vs BERT pseudo-perplexity', short: 'perplexity', key: 'perplexity', betterWhen: 'lower', unit: 'number',
    caveat: 'BERT\'s pseudo-perplexity sees both sides of every token, so it is not the same quantity as GPT\'s perplexity.',
  },
  { id: 'cost.parameters', group: 'cost', label: 'Cost: parameters', short: 'fewer parameters', key: 'parameters', betterWhen: 'lower', unit: 'count' },
  { id: 'cost.tokens_per_s', group: 'cost', label: 'Cost: training throughput (tokens/s)', short: 'throughput', key: 'tokensPerSecond', betterWhen: 'higher', unit: 'number', speed: true },
  { id: 'cost.wall', group: 'cost', label: 'Cost: training wall time', short: 'wall time', key: 'wallSeconds', betterWhen: 'lower', unit: 'seconds', speed: true },
  { id: 'cost.memory', group: 'cost', label: 'Cost: peak worker memory (RSS)', short: 'memory', key: 'peakMemoryMiB', betterWhen: 'lower', unit: 'mib' },
];

/** Mean and sample standard deviation (null for one value) of the finite values. */
export function cell(values: number[]): ComparisonCellT {
  const v = values.filter((x) => Number.isFinite(x));
  if (v.length === 0) return { values: [], mean: null, std: null };
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  const std = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1)) : null;
  return { values: v, mean: m, std };
}

function show(x: number, unit: Unit): string {
  switch (unit) {
    case 'fraction': return `${(x * 100).toFixed(1)}%`;
    case 'seconds': return `${x.toFixed(1)} s`;
    case 'mib': return `${x.toFixed(0)} MiB`;
    case 'count': return Math.round(x).toLocaleString('en-US');
    default: return x >= 100 ? x.toFixed(0) : x.toFixed(2);
  }
}

function showCell(c: ComparisonCellT, unit: Unit): string {
  if (c.mean === null) return 'n/a';
  return c.std === null ? show(c.mean, unit) : `${show(c.mean, unit)} ± ${show(c.std, unit)}`;
}

/** Who did better and by how much; with several seeds a gap inside the seed spread is called no clear difference. */
export function verdict(gpt: ComparisonCellT, bert: ComparisonCellT, betterWhen: 'higher' | 'lower', unit: Unit, seeds: number): { winner: 'gpt' | 'bert' | 'tie' | null; text: string } {
  if (gpt.mean === null || bert.mean === null) return { winner: null, text: 'Not measured for both models, so no verdict.' };
  const figures = `GPT ${showCell(gpt, unit)}, BERT ${showCell(bert, unit)}${seeds > 1 ? ` (mean ± std over ${seeds} seeds)` : ''}`;
  const gap = Math.abs(gpt.mean - bert.mean);
  const spread = Math.max(gpt.std ?? 0, bert.std ?? 0);
  const scale = Math.max(Math.abs(gpt.mean), Math.abs(bert.mean));
  if (gap === 0 || gap <= 1e-3 * scale || (seeds > 1 && gap <= spread)) {
    return { winner: 'tie', text: `No clear difference: ${figures}${seeds > 1 && gap > 0 ? '; the gap is within the seed spread' : ''}.` };
  }
  const gptBetter = betterWhen === 'higher' ? gpt.mean > bert.mean : gpt.mean < bert.mean;
  const [w, l] = gptBetter ? [gpt.mean, bert.mean] : [bert.mean, gpt.mean];
  const loser = gptBetter ? 'BERT' : 'GPT';
  const by = unit === 'fraction' ? `${(gap * 100).toFixed(1)} points` : l !== 0 ? `${show(gap, unit)} (${((gap / Math.abs(l)) * 100).toFixed(0)}% of ${loser}'s figure)` : show(gap, unit);
  const ratio = unit !== 'fraction' && w !== 0 && l !== 0 ? `, ${(Math.max(w, l) / Math.min(w, l)).toFixed(2)}×` : '';
  return { winner: gptBetter ? 'gpt' : 'bert', text: `${gptBetter ? 'GPT' : 'BERT'} did better by ${by}${ratio}: ${figures}.` };
}

function about(id: string, label: string, gpt: string, bert: string): ComparisonRowT {
  const empty = { values: [], mean: null, std: null };
  return { id, group: 'about', label, gpt: { ...empty, text: gpt }, bert: { ...empty, text: bert }, betterWhen: null, winner: null, verdict: 'A property of the design, not measured.' };
}

function describe(c: ModelConfig): string {
  return `${c.nLayer} layers × ${c.nHead} heads, d_model ${c.dModel}, context ${c.contextLength}, ${c.norm}-LN`;
}

/** The whole table of an experiment from its measured pairs. */
export function comparisonTable(pairs: PairMeasurement[], gptConfig: ModelConfig, bertConfig: ModelConfig): ComparisonT {
  if (pairs.length === 0) throw new Error('comparisonTable needs at least one measured pair.');
  const seeds = pairs.length;
  const rows: ComparisonRowT[] = [
    about('about.objective', 'Training objective', 'Autoregressive language modelling (next-token prediction)', 'Masked language modelling (autoencoding: 15% of tokens hidden)'),
    about('about.predicts', 'What is predicted', 'Every next token, from the tokens before it', 'Only the masked tokens, from everything around them'),
    about('about.direction', 'Input direction', 'Left to right (causal attention mask)', 'Bidirectional (every token sees every other)'),
    about('about.architecture', 'Architecture', `Decoder-only Transformer: ${describe(gptConfig)}; tied LM head`, `Encoder-only Transformer: ${describe(bertConfig)}; MLM head (dense + GELU + LN), tied decoder`),
  ];
  const wins: Record<'gpt' | 'bert', string[]> = { gpt: [], bert: [] };
  for (const r of MEASURED) {
    const g = cell(pairs.map((p) => p.gpt[r.key]));
    const b = cell(pairs.map((p) => p.bert[r.key]));
    const v = verdict(g, b, r.betterWhen, r.unit, seeds);
    if ((v.winner === 'gpt' || v.winner === 'bert') && r.group !== 'cost') wins[v.winner].push(r.short);
    const backends = (side: 'gpt' | 'bert'): string => [...new Set(pairs.map((p) => p[side].backend))].join('/');
    const caveat = r.speed && backends('gpt') !== backends('bert')
      ? `The runs trained on different kernels (GPT ${backends('gpt')}, BERT ${backends('bert')}), so this gap is mostly the backend's.`
      : r.caveat;
    rows.push({ id: r.id, group: r.group, label: r.label, gpt: g, bert: b, betterWhen: r.betterWhen, winner: v.winner, verdict: caveat ? `${v.text} ${caveat}` : v.text });
  }
  const strengths = (who: 'gpt' | 'bert'): string => (wins[who].length > 0 ? `Measured better at: ${wins[who].join('; ')}` : 'Better at none of the measured tasks here');
  const fillWinner = rows.find((r) => r.id === 'fill.token.top1')?.winner ?? null;
  const nextWinner = rows.find((r) => r.id === 'continue.next')?.winner ?? null;
  const name = (w: string | null): string => (w === 'gpt' ? 'GPT' : w === 'bert' ? 'BERT' : 'neither');
  rows.push({
    id: 'summary.strengths', group: 'summary', label: 'Strengths (from the numbers above)',
    gpt: { values: [wins.gpt.length], mean: wins.gpt.length, std: null, text: strengths('gpt') },
    bert: { values: [wins.bert.length], mean: wins.bert.length, std: null, text: strengths('bert') },
    betterWhen: 'higher', winner: wins.gpt.length === wins.bert.length ? 'tie' : wins.gpt.length > wins.bert.length ? 'gpt' : 'bert',
    verdict: `On this data, filling a blank favoured ${name(fillWinner)} and continuing the text favoured ${name(nextWinner)}; GPT won ${wins.gpt.length} and BERT ${wins.bert.length} of the measured quality rows.`,
  });
  return {
    measuredAt: new Date().toISOString(), split: pairs[0].split, seeds: pairs.map((p) => p.seed),
    positions: pairs[0].positions, words: pairs[0].words, rows,
    continuations: pairs.flatMap((p) => p.continuations.map((c) => ({ seed: p.seed, ...c }))),
  };
}

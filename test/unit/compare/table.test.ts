// The comparison's pure parts: mean ± sample std per row, verdicts that follow the numbers (and the seed spread),
// and the word spans whole-word blanks are drawn from, for char-like and byte-level-BPE-like token offsets.
import { describe, expect, it } from 'vitest';
import { cell, comparisonTable, verdict } from '../../../main/lab/experiments/table';
import { english } from '../../../common/comparison/english';
import { rowUnit } from '../../../common/comparison/format';
import { noteText, rnnVerdictText, verdictText } from '../../../common/comparison/wording';
import { rnnPresetConfig } from '../../../common/rnn-config';
import { lossByPosition } from '../../../main/jobs/measure/measure';
import { lossByPositionOption } from '../../../common/charts/lossByPosition';
import { chartTheme } from '../../../common/charts/theme';
import { wordSpans } from '../../../main/jobs/measure/heldout';
import type { PairMeasurement, SideFigures } from '../../../main/jobs/measure/measure';
import { presetConfig } from '../../../common/model-config';

describe('cell', () => {
  it('gives the mean and the sample standard deviation of the finite values', () => {
    // 0.2, 0.4, 0.6: mean 0.4; squared deviations 0.04 + 0 + 0.04 = 0.08, / (3 - 1) = 0.04, sqrt = 0.2
    const c = cell([0.2, 0.4, 0.6, Number.NaN]);
    expect(c.values).toEqual([0.2, 0.4, 0.6]);
    expect(c.mean).toBeCloseTo(0.4, 12);
    expect(c.std).toBeCloseTo(0.2, 12);
    expect(cell([3]).std).toBeNull();
    expect(cell([Number.NaN]).mean).toBeNull();
  });
});

describe('verdict', () => {
  // the words come from the UI's English messages, as the CLI prints them
  const say = (gpt: number[], bert: number[], betterWhen: 'higher' | 'lower', id: string, seeds: number): string => {
    const v = verdict(cell(gpt), cell(bert), betterWhen, rowUnit(id) === 'fraction', seeds);
    return verdictText({ id, group: 'fill', gpt: cell(gpt), bert: cell(bert), betterWhen, winner: v.winner, verdict: v.verdict, caveat: null }, seeds, english, 'en-US');
  };

  it('names the better model by the direction of the row and says by how much', () => {
    const v = verdict(cell([0.3]), cell([0.55]), 'higher', true, 1);
    expect(v.winner).toBe('bert');
    expect(v.verdict).toEqual({ kind: 'better', winner: 'bert', gap: expect.closeTo(0.25, 12), relative: null, ratio: null });
    expect(say([0.3], [0.55], 'higher', 'fill.token.top1', 1)).toBe('BERT did better by 25.0 points: GPT 30.0%, BERT 55.0%.');
    // perplexity 4 vs 8, lower is better: gap 4 = 50% of 8, ratio 8 / 4 = 2
    const p = verdict(cell([4]), cell([8]), 'lower', false, 1);
    expect(p.winner).toBe('gpt');
    expect(p.verdict).toEqual({ kind: 'better', winner: 'gpt', gap: 4, relative: 0.5, ratio: 2 });
    expect(say([4], [8], 'lower', 'continue.perplexity', 1)).toBe("GPT did better by 4.00 (50% of BERT's figure), 2.00×: GPT 4.00, BERT 8.00.");
  });

  it('calls a gap inside the seed spread no clear difference, and reports mean ± std', () => {
    const v = verdict(cell([0.40, 0.50, 0.60]), cell([0.45, 0.50, 0.55]), 'higher', true, 3);
    expect(v.winner).toBe('tie');
    expect(say([0.40, 0.50, 0.60], [0.45, 0.50, 0.55], 'higher', 'fill.token.top1', 3)).toBe('No clear difference: GPT 50.0% ± 10.0%, BERT 50.0% ± 5.0% (mean ± std over 3 seeds).');
    // means 0.50 vs 0.52: a gap of 0.02 inside GPT's std of 0.1
    expect(verdict(cell([0.40, 0.50, 0.60]), cell([0.47, 0.52, 0.57]), 'higher', true, 3).verdict).toEqual({ kind: 'tie', withinSpread: true });
    const clear = verdict(cell([0.1, 0.12, 0.11]), cell([0.5, 0.52, 0.51]), 'higher', true, 3);
    expect(clear.winner).toBe('bert');
  });

  it('gives no verdict when a model has no figure', () => {
    const v = verdict(cell([]), cell([1]), 'higher', false, 1);
    expect(v).toEqual({ winner: null, verdict: { kind: 'unmeasured' } });
    expect(say([], [1], 'higher', 'cost.memory', 1)).toBe('Not measured for both models, so no verdict.');
  });
});

function side(over: Partial<SideFigures>): SideFigures {
  return {
    tokenTop1: 0.3, tokenTop5: 0.6, wordTop1: 0.1, nextToken: 0.3, perplexity: 5, parameters: 1000, tokensPerSecond: 100,
    wallSeconds: 10, peakMemoryMiB: 100, tokensSeen: 1000, backend: 'native-avx2', ...over,
  };
}

describe('comparisonTable', () => {
  it('has the descriptive rows and one verdict per measured row that agrees with the numbers', () => {
    const pairs: PairMeasurement[] = [1, 2].map((seed) => ({
      seed, split: 'validation', positions: 100, words: 50, windows: [], continuations: [{ prompt: 'a', gpt: 'b', bert: 'c' }], rnn: null, lossByPosition: { gpt: [], rnn: null },
      baseline: { tokenTop1: 0.15, tokenTop5: 0.5, wordTop1: 0, nextToken: 0.15, perplexity: 30, token: 'e' },
      gpt: side({ nextToken: 0.5 + seed / 100, tokenTop1: 0.2 }),
      bert: side({ nextToken: 0.2, tokenTop1: 0.6 + seed / 100, tokensPerSecond: 300, backend: 'js' }),
    }));
    const t = comparisonTable(pairs, presetConfig('tiny', 'gpt', 50), presetConfig('tiny', 'bert', 50));
    expect(t.rows.filter((r) => r.group === 'about').map((r) => r.id)).toEqual(['about.objective', 'about.predicts', 'about.direction', 'about.architecture']);
    for (const r of t.rows.filter((x) => x.group !== 'about' && x.group !== 'summary')) {
      const g = r.gpt.mean as number;
      const b = r.bert.mean as number;
      if (r.winner === 'gpt') expect(r.betterWhen === 'higher' ? g > b : g < b, r.id).toBe(true);
      if (r.winner === 'bert') expect(r.betterWhen === 'higher' ? b > g : b < g, r.id).toBe(true);
      if (g === b && r.verdict.kind !== 'incomparable') expect(r.winner, r.id).toBe('tie');
    }
    expect(t.rows.find((r) => r.id === 'fill.token.top1')?.winner).toBe('bert');
    expect(t.rows.find((r) => r.id === 'continue.next')?.winner).toBe('gpt');
    expect(t.rows.find((r) => r.id === 'cost.tokens_per_s')?.caveat).toEqual({ kind: 'backends', gpt: 'native-avx2', bert: 'js' });
    // GPT's perplexity and BERT's pseudo-perplexity are different quantities: never a winner, whatever the numbers
    const perplexity = t.rows.find((r) => r.id === 'continue.perplexity');
    expect(perplexity?.caveat).toEqual({ kind: 'pseudoPerplexity' });
    expect(perplexity?.winner).toBeNull();
    expect(perplexity?.verdict).toEqual({ kind: 'incomparable' });
    // the unigram baseline sits beside every quality row; a model under it (+2 points) is flagged
    const fill = t.rows.find((r) => r.id === 'fill.token.top1');
    expect(fill?.baseline?.mean).toBeCloseTo(0.15, 12);
    expect(fill?.belowBaseline).toEqual([]);
    expect(t.rows.find((r) => r.id === 'continue.next')?.belowBaseline).toEqual([]);
    expect(t.rows.find((r) => r.id === 'cost.memory')?.baseline).toBeUndefined();
    expect(t.baselineToken).toBe('e');
    expect(t.notes).toEqual([]);
    const summary = t.rows.find((r) => r.id === 'summary.strengths');
    // BERT wins single-token top-1, GPT the next token; top-5, whole words and perplexity are equal, so ties
    expect(summary?.verdict).toEqual({ kind: 'summary', fill: 'bert', next: 'gpt', gptWins: 1, bertWins: 1 });
    expect(summary?.gpt.wins).toEqual(['continue.next']);
    expect(summary?.bert.wins).toEqual(['fill.token.top1']);
    expect(t.continuations).toHaveLength(2);
  });

  it('says one seed is provisional, names a model that has not beaten the unigram bar, and each rate with its sweep', () => {
    const pair: PairMeasurement = {
      seed: 1, split: 'validation', positions: 100, words: 50, windows: [], continuations: [], rnn: null, lossByPosition: { gpt: [], rnn: null },
      baseline: { tokenTop1: 0.15, tokenTop5: 0.5, wordTop1: 0, nextToken: 0.15, perplexity: 30, token: ' ' },
      // BERT on the plateau: 14% of blanks, under the 15% the most frequent token gets
      gpt: side({ nextToken: 0.45, tokenTop1: 0.3 }), bert: side({ nextToken: 0.1, tokenTop1: 0.14, tokenTop5: 0.51 }),
    };
    const sweep = { steps: 200, atEdge: false, trials: [{ lr: 1e-3, valLoss: 3.1 }, { lr: 3e-3, valLoss: 3.0 }, { lr: 9e-3, valLoss: null }] };
    const t = comparisonTable([pair], presetConfig('tiny', 'gpt', 50), presetConfig('tiny', 'bert', 50), { gpt: { lr: 3e-3, sweep: null }, bert: { lr: 3e-3, sweep } });
    expect(t.rows.find((r) => r.id === 'fill.token.top1')?.belowBaseline).toEqual(['bert']);
    expect(t.rows.find((r) => r.id === 'fill.token.top5')?.belowBaseline).toEqual(['bert']);
    expect(t.notes).toEqual([
      { kind: 'oneSeed' },
      { kind: 'belowBaseline', side: 'bert', rows: ['fill.token.top1', 'fill.token.top5', 'continue.next'] },
      { kind: 'learningRate', side: 'gpt', lr: 3e-3, sweep: null },
      { kind: 'learningRate', side: 'bert', lr: 3e-3, sweep },
    ]);
    expect((t.notes ?? []).map((n) => noteText(n, english))).toEqual([
      'One seed: there is no spread to judge a gap by, so every verdict is provisional. Run 3 or more seeds to know.',
      'BERT has not beaten the unigram baseline (single-token blanks (top-1); single-token blanks (top-5); next token from the left): it has learned little more than how often each token occurs. Train it longer or at another learning rate before reading its verdicts.',
      'GPT trained at learning rate 3e-3.',
      'BERT trained at learning rate 3e-3, the best of a 200-step sweep (1e-3 → 3.100, 3e-3 → 3.000, 9e-3 → —).',
    ]);
  });
});

describe('comparisonTable with a GRU third model', () => {
  it('gives the GRU a cell in every row but the summary, a verdict against GPT that follows the numbers, and loss by position', () => {
    const pairs: PairMeasurement[] = [1, 2].map((seed) => ({
      seed, split: 'validation', positions: 100, words: 50, windows: [], continuations: [{ prompt: 'a', gpt: 'b', bert: 'c', rnn: 'd' }],
      baseline: { tokenTop1: 0.15, tokenTop5: 0.5, wordTop1: 0, nextToken: 0.15, perplexity: 30, token: 'e' },
      gpt: side({ nextToken: 0.5, perplexity: 4 + seed / 100 }), bert: side({}),
      // the GRU: clearly worse at the next token (40% vs 50%), perplexity within a hair of GPT's, 3x the throughput
      rnn: side({ nextToken: 0.4 + seed / 1000, perplexity: 4 + seed / 100, tokensPerSecond: 300, parameters: 2000 }),
      lossByPosition: { gpt: [3, 2, 1 + seed], rnn: [3, 2.5] },
    }));
    const rnn = { config: rnnPresetConfig('tiny', 'gru', 50), rate: { lr: 3e-3, sweep: null } };
    const t = comparisonTable(pairs, presetConfig('tiny', 'gpt', 50), presetConfig('tiny', 'bert', 50), { gpt: { lr: 3e-3, sweep: null }, bert: { lr: 3e-3, sweep: null } }, rnn);
    expect(t.rnnFamily).toBe('gru');
    const row = (id: string): (typeof t.rows)[number] => t.rows.find((r) => r.id === id) as (typeof t.rows)[number];
    expect(row('about.architecture').rnn?.phrase).toEqual({ key: 'about.architecture.gru', params: { layers: 2, hidden: 128, embed: 128, context: 64 } });
    expect(row('summary.strengths').rnn).toBeUndefined();
    expect(row('continue.next').rnn?.mean).toBeCloseTo(0.4015, 12);
    expect(row('continue.next').rnnVsGpt).toMatchObject({ kind: 'better', winner: 'gpt' });
    expect(rnnVerdictText(row('continue.next'), 'gru', 2, english, 'en-US')).toBe('GPT better by 9.8 points (GRU 40.2% ± 0.1%, GPT 50.0% ± 0.0%).');
    expect(row('continue.perplexity').rnnVsGpt).toEqual({ kind: 'tie', withinSpread: false });
    expect(row('cost.tokens_per_s').rnnVsGpt).toMatchObject({ kind: 'better', winner: 'rnn', ratio: 3 });
    // the GPT-vs-BERT verdicts are the same as without the third model
    expect(row('continue.next').winner).toBe('gpt');
    expect(t.notes).toContainEqual({ kind: 'learningRate', side: 'gru', lr: 3e-3, sweep: null });
    // 40% next token clears the 15% unigram bar; a GRU at 16% would not (2-point margin) and would be named
    expect(row('continue.next').belowBaseline).toEqual([]);
    const weak = comparisonTable(pairs.map((p) => ({ ...p, rnn: side({ nextToken: 0.16 }) })), presetConfig('tiny', 'gpt', 50), presetConfig('tiny', 'bert', 50), null, rnn);
    expect(weak.rows.find((r) => r.id === 'continue.next')?.belowBaseline).toEqual(['rnn']);
    expect(weak.notes).toContainEqual({ kind: 'belowBaseline', side: 'gru', rows: ['continue.next'] });
    expect(weak.notes?.at(-1)).toEqual({ kind: 'learningRate', side: 'gru', lr: 3e-3, sweep: null });
    expect(t.lossByPosition).toEqual({ windows: 0, gpt: [3, 2, 2.5], rnn: [3, 2.5] });
  });

  it('averages loss by position over windows, leaving short windows out of the positions they do not reach', () => {
    const s = (nll: number): { rank: number; nll: number; best: number } => ({ rank: 0, nll, best: 0 });
    expect(lossByPosition([[s(4), s(2), s(1)], [s(2), s(1)]])).toEqual([3, 1.5, 1]);
    expect(lossByPosition([])).toEqual([]);
  });
});

describe('wordSpans', () => {
  it('maps words to the tokens that cover exactly their letters', () => {
    const text = 'Hi, bob!';
    const chars = Array.from(text, (_, i): [number, number] => [i, i + 1]);
    expect(wordSpans(text, chars)).toEqual([[0, 2], [4, 3]]);
  });

  it('accepts a first token that carries the space before the word, and skips words cut inside a token', () => {
    const text = 'the cat sat';
    // byte-level BPE: "the", " cat", " s", "at"; then a token that swallows the end of one word and the next
    expect(wordSpans(text, [[0, 3], [3, 7], [7, 9], [9, 11]])).toEqual([[0, 1], [1, 1], [2, 2]]);
    expect(wordSpans(text, [[0, 5], [5, 11]])).toEqual([]);
  });
});

describe('lossByPositionOption', () => {
  it('draws one line per model in its colour of the other charts, over the window\'s positions, gaps where no window reached', () => {
    const o = lossByPositionOption({
      lines: [{ label: 'GPT', colorIndex: 0, values: [3, 2.5, 2] }, { label: 'GRU', colorIndex: 2, values: [3.1, 2.4, Number.NaN] }],
      names: { x: 'position', y: 'loss' }, theme: chartTheme('light'),
    });
    const series = o.series as Array<{ name: string; data: Array<[number, number | null]>; lineStyle: { color: string } }>;
    expect(series.map((s) => s.name)).toEqual(['GPT', 'GRU']);
    expect(series[1].data).toEqual([[0, 3.1], [1, 2.4], [2, null]]);
    expect(series[1].lineStyle.color).toBe(chartTheme('light').palette[2]);
    expect((o.xAxis as { max: number }).max).toBe(2);
  });
});

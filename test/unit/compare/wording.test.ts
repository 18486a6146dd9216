// The comparison table's words: the lab sends keys and numbers that fit the API schema; the UI words them in English
// and Chinese through vue-i18n, and the CLI's English is exactly the UI's English.
import { describe, expect, it } from 'vitest';
import { createI18n } from 'vue-i18n';
import { Comparison, type ComparisonT } from '../../../common/api';
import { comparisonTable } from '../../../main/lab/experiments/table';
import type { PairMeasurement, SideFigures } from '../../../main/jobs/measure/measure';
import { english, englishRows } from '../../../common/comparison/english';
import { presetConfig } from '../../../common/model-config';
import { cellText, rowLabel, verdictText, type Translate } from '../../../common/comparison/wording';
import en from '../../../renderer/i18n/en';
import zhCN from '../../../renderer/i18n/zh-CN';

function side(over: Partial<SideFigures>): SideFigures {
  return {
    tokenTop1: 0.3, tokenTop5: 0.6, wordTop1: 0.1, nextToken: 0.3, perplexity: 5, parameters: 1000, tokensPerSecond: 100,
    wallSeconds: 10, peakMemoryMiB: 100, tokensSeen: 1000, backend: 'native-avx2', ...over,
  };
}

/** Two seeds: BERT clearly better at blanks, GPT at the next token and perplexity, kernels differ. */
function table(): ComparisonT {
  const pairs: PairMeasurement[] = [1, 2].map((seed) => ({
    seed, split: 'validation', positions: 100, words: 50, windows: [], continuations: [], rnn: null, lossByPosition: { gpt: [], rnn: null },
    baseline: { tokenTop1: 0.15, tokenTop5: 0.5, wordTop1: 0, nextToken: 0.15, perplexity: 30, token: 'e' },
    gpt: side({ nextToken: 0.5 + seed / 100, tokenTop1: 0.2, perplexity: 4 + seed / 10, parameters: 1000 }),
    bert: side({ nextToken: 0.2, tokenTop1: 0.6 + seed / 100, perplexity: 9, parameters: 1200, tokensPerSecond: 300, backend: 'js' }),
  }));
  return comparisonTable(pairs, presetConfig('tiny', 'gpt', 50), presetConfig('tiny', 'bert', 50));
}

function vueTranslate(locale: 'en' | 'zh-CN'): Translate {
  const i18n = createI18n({ legacy: false, locale, fallbackLocale: 'en', messages: { en, 'zh-CN': zhCN }, missingWarn: false, fallbackWarn: false });
  return (key, params) => {
    const full = `comparison.${key}`;
    if (!i18n.global.te(full, locale)) throw new Error(`No ${locale} message for ${full}`);
    return i18n.global.t(full, params ?? {});
  };
}

function words(c: ComparisonT, tr: Translate, locale: string): string[] {
  return c.rows.flatMap((r) => [rowLabel(r, tr), cellText(r, 'gpt', tr, locale), cellText(r, 'bert', tr, locale), verdictText(r, c.seeds.length, tr, locale)]);
}

describe('comparison wording', () => {
  it('sends only keys and numbers, in the shape of the API contract', () => {
    const c = table();
    expect(Comparison.parse(c)).toEqual(c);
    // no sentence travels in the table: every string is an id, a key, a kind, a backend name or an ISO time
    const strings: string[] = [];
    JSON.stringify(c, (_k, v: unknown) => {
      if (typeof v === 'string') strings.push(v);
      return v;
    });
    expect(strings.filter((s) => s.includes(' '))).toEqual([]);
  });

  it('says the same English in the UI (vue-i18n) and in the CLI', () => {
    const c = table();
    expect(words(c, vueTranslate('en'), 'en-US')).toEqual(words(c, english, 'en-US'));
    const rows = englishRows(c);
    const row = (id: string): (typeof rows)[number] | undefined => rows.find((r) => r.id === id);
    expect(row('fill.token.top1')?.label).toBe('Fill in the blank: single token, top-1 accuracy');
    // GPT 0.2 ± 0, BERT mean 0.615 with std 0.00707: 41.5 points
    expect(row('fill.token.top1')?.text).toBe('BERT did better by 41.5 points: GPT 20.0% ± 0.0%, BERT 61.5% ± 0.7% (mean ± std over 2 seeds).');
    // GPT mean 4.15 vs BERT 9: gap 4.85 = 54% of 9, ratio 9 / 4.15 = 2.17
    // never a winner: GPT's perplexity and BERT's pseudo-perplexity are different quantities
    expect(row('continue.perplexity')?.text).toBe('No winner: GPT 4.15 ± 0.07, BERT 9.00 ± 0.00 (mean ± std over 2 seeds) are different quantities. '
      + "BERT's pseudo-perplexity sees both sides of every token, so it is not the same quantity as GPT's perplexity.");
    expect(row('cost.tokens_per_s')?.text).toContain('The runs trained on different kernels (GPT native-avx2, BERT js)');
    expect(row('summary.strengths')?.text).toBe('On this data, filling a blank favoured BERT and continuing the text favoured GPT; GPT won 1 and BERT 1 of the measured quality rows.');
    expect(cellText(c.rows.find((r) => r.id === 'summary.strengths') ?? c.rows[0], 'gpt', english, 'en-US')).toBe('Measured better at: next token from the left');
    expect(cellText(c.rows.find((r) => r.id === 'about.architecture') ?? c.rows[0], 'gpt', english, 'en-US'))
      .toMatch(/^Decoder-only Transformer: \d+ layers × \d+ heads, d_model \d+, context \d+, (pre|post)-LN; tied LM head$/);
  });

  it('words every label, cell and verdict in Chinese when the UI speaks zh-CN', () => {
    const c = table();
    const zh = words(c, vueTranslate('zh-CN'), 'zh-CN');
    const row = (id: string): number => c.rows.findIndex((r) => r.id === id) * 4;
    expect(zh[row('fill.token.top1')]).toBe('完形填空：单个词元，top-1 准确率');
    expect(zh[row('fill.token.top1') + 3]).toBe('BERT 更好，领先 41.5 个百分点：GPT 20.0% ± 0.0%，BERT 61.5% ± 0.7%（2 个种子的均值 ± 标准差）。');
    expect(zh[row('summary.strengths') + 1]).toBe('测得更好的方面：从左侧预测下一个词元');
    // every label and verdict carries Chinese, and none of the English sentences leaks through
    for (const r of c.rows) {
      const i = row(r.id);
      expect(zh[i], r.id).toMatch(/[\u4e00-\u9fff]/);
      expect(zh[i + 3], r.id).toMatch(/[\u4e00-\u9fff]/);
      expect(zh[i + 3], r.id).not.toMatch(/did better|No clear difference|Not measured|favoured|property of the design/);
    }
  });
});

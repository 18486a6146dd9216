// Words for the seq2seq verdicts from their data (message keys, variant and metric ids, numbers), in whatever language
// `tr` speaks: the UI passes vue-i18n's t under `seq2seq.`, the CLI an English lookup of the same messages. Pure.
import type { Seq2seqMetricT, Seq2seqVerdictT } from '../api/seq2seq';
import seq2seqEn from './messages-en';

/** A lookup of a key under `seq2seq.` with {name} placeholders filled from params. */
export type Translate = (key: string, params?: Record<string, string | number>) => string;

/** A figure of a metric: shares as percentages ("93.5%"), BLEU and chrF with one decimal ("41.2"). */
export function formatMetric(value: number, metric: Seq2seqMetricT): string {
  return metric === 'bleu' || metric === 'chrf' ? value.toFixed(1) : `${(value * 100).toFixed(1)}%`;
}

export function verdictText(v: Seq2seqVerdictT, tr: Translate, locale = 'en'): string {
  const metric = (typeof v.params.metric === 'string' ? v.params.metric : 'bleu') as Seq2seqMetricT;
  const count = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const p: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(v.params)) {
    if (name === 'metric') p[name] = tr(`metrics.${String(value)}`);
    else if (['variant', 'runnerUp', 'fastest', 'slowest'].includes(name)) p[name] = tr(`variants.${String(value)}`);
    else if (['first', 'last', 'with', 'without', 'value', 'runnerValue', 'transformer', 'rnn'].includes(name)) p[name] = formatMetric(Number(value), metric);
    else if (name === 'ratio') p[name] = Number(value).toFixed(2);
    else if (typeof value === 'number') p[name] = count.format(value);
    else p[name] = value;
  }
  return tr(`verdicts.${v.key}`, p);
}

/** The English messages, looked up by dotted key, placeholders filled. */
export const english: Translate = (key, params = {}) => {
  const found = key.split('.').reduce<unknown>((node, k) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[k] : undefined), seq2seqEn);
  if (typeof found !== 'string') throw new Error(`The seq2seq messages have no text for "${key}".`);
  return found.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
};

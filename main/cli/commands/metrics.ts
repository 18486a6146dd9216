// `attention-lab metrics RUN`: a run's metric summaries, one series as a table, or every point as CSV.
import type { MetricSeriesT } from '../../../common/api';
import type { CliCommand } from '../command';
import { numberOption, stringOption } from '../command';
import { int, table } from '../format';
import { metricText, resolveRun } from './runs';

/** The most points --csv asks for: the whole stored series of any run this lab trains. */
const CSV_MAX_POINTS = 1_000_000;

/** RFC 4180 field: quoted when it holds a comma, quote or line break. */
function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function toCsv(series: MetricSeriesT[]): string {
  const lines = ['key,step,value,time'];
  for (const s of series) {
    s.steps.forEach((step, i) => {
      const v = s.values[i];
      lines.push(`${csvField(s.key)},${step},${v === null ? '' : String(v)},${s.times[i].toFixed(3)}`);
    });
  }
  return lines.join('\n');
}

export const metricsCommand: CliCommand = {
  name: 'metrics',
  summary: "a run's metrics: summaries, one series (--key), or every stored point as CSV (--csv)",
  usage: 'RUN [--key K] [--csv] [--max-points N]',
  details: [
    '--key         only this metric, e.g. val/loss (repeatable as a comma list: train/loss,val/loss)',
    '--csv         every stored point as key,step,value,time (value empty where it was NaN/Inf)',
    '--max-points  without --csv, downsample each series to about N points (default 40)',
  ],
  positionals: ['RUN'],
  options: { key: { type: 'string' }, csv: { type: 'boolean' }, 'max-points': { type: 'string' } },
  async run(ctx, values, [ref]) {
    const run = await resolveRun(ctx, ref);
    const keyText = stringOption(values, 'key');
    const keys = keyText?.split(',').map((k) => k.trim()).filter((k) => k !== '');
    const csv = values.csv === true;
    const maxPoints = csv ? CSV_MAX_POINTS : numberOption(values, 'max-points') ?? 40;
    const result = await ctx.call('runs.metrics', { id: run.id, maxPoints, ...(keys === undefined ? {} : { keys }) });
    if (csv) {
      ctx.result(result, () => toCsv(result.series));
      return;
    }
    ctx.result(result, () => {
      if (result.series.length === 0) return `Run ${run.id} "${run.name}" has no metrics yet.`;
      if (keys === undefined) {
        return table(['metric', 'points', 'first', 'last', 'best', 'at step'], result.series.map((s) => {
          const m = run.metrics[s.key];
          return [s.key, int(s.total), metricText(s.values[0]), metricText(m?.last), metricText(m?.best), m?.bestStep === null || m === undefined ? '—' : int(m.bestStep)];
        }));
      }
      return result.series.map((s) => [`${s.key} (${int(s.total)} points${s.total > s.steps.length ? `, ${s.steps.length} shown` : ''})`,
        table(['step', 'value'], s.steps.map((step, i) => [int(step), metricText(s.values[i])]))].join('\n')).join('\n\n');
    });
  },
};

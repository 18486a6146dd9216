// Pure builder: the "with vs without attention" figure (after Bahdanau et al. 2014, Fig. 2): quality on held-out
// pairs against source length, one line per arm at the centre of each length bucket, a shaded mean ± std band when
// the arm ran with several seeds. The points carry their bucket so the tooltip can name it.
import type { ComposeOption } from 'echarts/core';
import type { LineSeriesOption } from 'echarts/charts';
import type { GridComponentOption, LegendComponentOption, TooltipComponentOption } from 'echarts/components';
import type { Seq2seqArmT, Seq2seqMetricT } from '../api/seq2seq';
import { armStat } from '../seq2seq/verdicts';
import type { ChartTheme } from './theme';

export type LengthPlotOption = ComposeOption<LineSeriesOption | GridComponentOption | TooltipComponentOption | LegendComponentOption>;

export interface LengthPoint {
  lo: number;
  hi: number;
  /** null: no measured pairs in this bucket */
  mean: number | null;
  std: number | null;
}

export interface LengthLine {
  id: string;
  label: string;
  colorIndex: number;
  points: LengthPoint[];
}

/** Per arm, its metric in every bucket over the measured seeds (buckets from the first measured seed). */
export function lengthLines(arms: readonly Seq2seqArmT[], metric: Seq2seqMetricT, label: (variant: string) => string): LengthLine[] {
  const lines: LengthLine[] = [];
  arms.forEach((arm, i) => {
    const buckets = arm.seeds.find((s) => s.overall !== null)?.buckets;
    if (!buckets) return;
    const points = buckets.map((b, j) => {
      const s = armStat(arm, metric, j);
      return { lo: b.lo, hi: b.hi, mean: s.mean, std: s.std };
    });
    lines.push({ id: arm.variant, label: label(arm.variant), colorIndex: i, points });
  });
  return lines;
}

/** Shares are drawn in percent; BLEU and chrF as they are (0..100). */
const scaleOf = (metric: Seq2seqMetricT): number => (metric === 'bleu' || metric === 'chrf' ? 1 : 100);

export function lengthPlotOption(input: { lines: readonly LengthLine[]; metric: Seq2seqMetricT; names: { x: string; y: string }; theme: ChartTheme }): LengthPlotOption {
  const { theme } = input;
  const k = scaleOf(input.metric);
  const mid = (p: LengthPoint): number => (p.lo + p.hi) / 2;
  const series: LineSeriesOption[] = [];
  for (const line of input.lines) {
    const color = theme.palette[line.colorIndex % theme.palette.length];
    if (line.points.some((p) => p.std !== null)) {
      const stack = `band:${line.id}`;
      const lower = line.points.map((p) => [mid(p), p.mean === null ? null : (p.mean - (p.std ?? 0)) * k]);
      const height = line.points.map((p) => [mid(p), p.mean === null ? null : 2 * (p.std ?? 0) * k]);
      series.push(
        { type: 'line', id: `${line.id}:lower`, name: line.label, stack, data: lower, symbol: 'none', lineStyle: { opacity: 0 }, itemStyle: { color }, tooltip: { show: false }, animation: false },
        { type: 'line', id: `${line.id}:band`, name: line.label, stack, data: height, symbol: 'none', lineStyle: { opacity: 0 }, areaStyle: { color, opacity: 0.16 }, itemStyle: { color }, tooltip: { show: false }, animation: false },
      );
    }
    series.push({
      type: 'line', id: line.id, name: line.label, animation: false, symbol: 'circle', symbolSize: 7,
      data: line.points.map((p) => ({ value: [mid(p), p.mean === null ? null : p.mean * k], name: `${p.lo}–${p.hi}` })),
      lineStyle: { width: 2.2, color }, itemStyle: { color },
    });
  }
  const axis = {
    axisLabel: { color: theme.text },
    nameTextStyle: { color: theme.text },
    axisLine: { lineStyle: { color: theme.grid } },
    splitLine: { lineStyle: { color: theme.grid } },
  };
  return {
    animation: false,
    grid: { left: 56, right: 24, top: 56, bottom: 52 },
    legend: { type: 'scroll', top: 0, data: input.lines.map((l) => l.label), textStyle: { color: theme.text } },
    tooltip: { trigger: 'axis', confine: true, backgroundColor: theme.tooltipBackground, borderColor: theme.grid, textStyle: { color: theme.text } },
    xAxis: { type: 'value', name: input.names.x, nameLocation: 'middle', nameGap: 30, scale: true, ...axis },
    yAxis: { type: 'value', name: input.names.y, min: 0, max: 100, ...axis },
    series,
  };
}

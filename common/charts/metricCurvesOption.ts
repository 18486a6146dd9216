// Pure builder: runs' metric curves (optionally smoothed) and seed groups (mean ± std bands) → one ECharts line option.
import type { ComposeOption } from 'echarts/core';
import type { LineSeriesOption } from 'echarts/charts';
import type {
  DataZoomComponentOption,
  GridComponentOption,
  LegendComponentOption,
  TooltipComponentOption,
} from 'echarts/components';
import type { ChartTheme } from './theme';
import { emaSmooth, type MeanStd } from './metricCurves';

export type LineChartOption = ComposeOption<
  LineSeriesOption | GridComponentOption | TooltipComponentOption | LegendComponentOption | DataZoomComponentOption
>;

/** One run's points of one metric, already mapped to the chosen x axis. */
export interface Curve {
  id: string;
  label: string;
  x: readonly number[];
  y: readonly (number | null)[];
  /** index into the theme palette, so a run keeps its colour across every metric chart */
  colorIndex: number;
}

/** Several seeds of the same settings: drawn as the mean line and a shaded mean ± std band. */
export interface Band extends MeanStd {
  id: string;
  label: string;
  colorIndex: number;
}

export interface CurvesChartInput {
  curves: readonly Curve[];
  bands?: readonly Band[];
  /** EMA weight in [0, 1): 0 draws the raw values; above 0 the raw curve stays as a faint line under the smoothed one (up to RAW_UNDERLAY_LIMIT curves) */
  smoothing: number;
  logY: boolean;
  names: { x: string; y: string };
  theme: ChartTheme;
}

/** Log axes cannot show values ≤ 0; such points become gaps rather than breaking the whole axis. */
function plottable(v: number | null, logY: boolean): number | null {
  if (v === null || !Number.isFinite(v)) return null;
  return logY && v <= 0 ? null : v;
}

function pairs(x: readonly number[], y: readonly (number | null)[], logY: boolean): [number, number | null][] {
  return x.map((xi, i) => [xi, plottable(y[i] ?? null, logY)]);
}

/** Settings every curve shares: ECharts' cheap path for long series (no symbols, LTTB sampling, no animation). */
const fastLine = {
  type: 'line' as const,
  showSymbol: false,
  symbol: 'none',
  sampling: 'lttb' as const,
  animation: false,
  // hovering must not restyle 100 long series at once
  emphasis: { disabled: true },
};

/** Above this many curves the faint raw underlay is left out: it would double an already crowded chart's series. */
export const RAW_UNDERLAY_LIMIT = 20;

function curveSeries(c: Curve, input: CurvesChartInput): LineSeriesOption[] {
  const color = input.theme.palette[c.colorIndex % input.theme.palette.length];
  if (input.smoothing > 0 && input.curves.length > RAW_UNDERLAY_LIMIT) {
    return [{ ...fastLine, id: c.id, name: c.label, data: pairs(c.x, emaSmooth(c.y, input.smoothing), input.logY), lineStyle: { width: 1.5, color }, itemStyle: { color } }];
  }
  if (input.smoothing <= 0) {
    return [{ ...fastLine, id: c.id, name: c.label, data: pairs(c.x, c.y, input.logY), lineStyle: { width: 1.5, color }, itemStyle: { color } }];
  }
  return [
    // the raw values stay visible but quiet, as trackers draw them, so smoothing never hides a spike
    { ...fastLine, id: `${c.id}:raw`, name: c.label, data: pairs(c.x, c.y, input.logY), lineStyle: { width: 1, color, opacity: 0.25 }, itemStyle: { color }, tooltip: { show: false } },
    { ...fastLine, id: c.id, name: c.label, data: pairs(c.x, emaSmooth(c.y, input.smoothing), input.logY), lineStyle: { width: 1.8, color }, itemStyle: { color } },
  ];
}

/**
 * A band is two stacked series: the invisible lower edge (mean - std) and the band's height (2·std) stacked on it
 * and filled, then the mean line on top. On a log axis a lower edge ≤ 0 is lifted to a tenth of the mean.
 */
function bandSeries(b: Band, input: CurvesChartInput): LineSeriesOption[] {
  const color = input.theme.palette[b.colorIndex % input.theme.palette.length];
  const mean = input.smoothing > 0 ? emaSmooth(b.mean, input.smoothing) : b.mean;
  const lower: [number, number | null][] = [];
  const height: [number, number | null][] = [];
  b.x.forEach((x, i) => {
    const m = mean[i];
    if (m === null) {
      lower.push([x, null]);
      height.push([x, null]);
      return;
    }
    let lo = m - b.std[i];
    if (input.logY && lo <= 0) lo = m / 10;
    lower.push([x, plottable(lo, input.logY)]);
    height.push([x, m + b.std[i] - lo]);
  });
  const stack = `band:${b.id}`;
  return [
    { ...fastLine, id: `${b.id}:lower`, name: b.label, stack, data: lower, lineStyle: { opacity: 0 }, itemStyle: { color }, tooltip: { show: false } },
    { ...fastLine, id: `${b.id}:band`, name: b.label, stack, data: height, lineStyle: { opacity: 0 }, areaStyle: { color, opacity: 0.18 }, itemStyle: { color }, tooltip: { show: false } },
    { ...fastLine, id: b.id, name: b.label, data: pairs(b.x, mean, input.logY), lineStyle: { width: 2, color }, itemStyle: { color } },
  ];
}

/** Every run and seed group of one metric on one chart, x and y as the caller mapped them. */
export function metricCurvesOption(input: CurvesChartInput): LineChartOption {
  const { theme } = input;
  const axis = {
    axisLabel: { color: theme.text },
    nameTextStyle: { color: theme.text },
    axisLine: { lineStyle: { color: theme.grid } },
    splitLine: { lineStyle: { color: theme.grid } },
  };
  const series = [...(input.bands ?? []).flatMap((b) => bandSeries(b, input)), ...input.curves.flatMap((c) => curveSeries(c, input))];
  const labels = [...new Set([...(input.bands ?? []).map((b) => b.label), ...input.curves.map((c) => c.label)])];
  return {
    animation: false,
    grid: { left: 60, right: 20, top: labels.length > 1 ? 48 : 24, bottom: 64 },
    legend: labels.length > 1 ? { type: 'scroll', top: 0, data: labels, textStyle: { color: theme.text } } : { show: false },
    tooltip: {
      trigger: 'axis',
      backgroundColor: theme.tooltipBackground,
      borderColor: theme.grid,
      textStyle: { color: theme.text },
      // 100 runs in one tooltip would cover the chart; the legend and the table name them instead
      confine: true,
    },
    dataZoom: [{ type: 'inside', xAxisIndex: 0, filterMode: 'none' }],
    xAxis: { type: 'value', name: input.names.x, nameLocation: 'middle', nameGap: 30, scale: true, ...axis },
    yAxis: { type: input.logY ? 'log' : 'value', name: input.names.y, scale: true, ...axis },
    series,
  };
}

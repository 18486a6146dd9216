// Pure builders: dataset statistics → ECharts options (length histogram, label counts, top characters).
import type { ComposeOption } from 'echarts/core';
import type { BarSeriesOption } from 'echarts/charts';
import type { GridComponentOption, TooltipComponentOption } from 'echarts/components';
import type { DatasetStatsT } from '../../common/api';
import type { ChartTheme } from '../../common/charts/theme';
import { binLabels, visibleToken } from './format';

export type BarChartOption = ComposeOption<BarSeriesOption | GridComponentOption | TooltipComponentOption>;

/** Axis titles in the UI language; the caller passes them from i18n so builders stay pure. */
export interface AxisNames {
  x: string;
  y: string;
}

function axisStyle(theme: ChartTheme) {
  return {
    axisLabel: { color: theme.text },
    nameTextStyle: { color: theme.text },
    axisLine: { lineStyle: { color: theme.grid } },
    splitLine: { lineStyle: { color: theme.grid } },
  };
}

function tooltip(theme: ChartTheme): TooltipComponentOption {
  return {
    trigger: 'axis',
    axisPointer: { type: 'shadow' },
    backgroundColor: theme.tooltipBackground,
    borderColor: theme.grid,
    textStyle: { color: theme.text },
  };
}

/** Document length histogram: one bar per bin "lo–hi" characters, bar height = document count. */
export function lengthHistogramOption(
  histogram: DatasetStatsT['lengthHistogram'],
  theme: ChartTheme,
  names: AxisNames,
): BarChartOption {
  return {
    animation: false,
    grid: { left: 56, right: 16, top: 28, bottom: 56 },
    tooltip: tooltip(theme),
    xAxis: {
      type: 'category',
      name: names.x,
      nameLocation: 'middle',
      nameGap: 36,
      data: binLabels(histogram.edges),
      ...axisStyle(theme),
    },
    yAxis: { type: 'value', name: names.y, minInterval: 1, ...axisStyle(theme) },
    series: [{ type: 'bar', name: names.y, data: [...histogram.counts], barCategoryGap: '8%', itemStyle: { color: theme.palette[0] } }],
  };
}

/** Documents per label, most frequent first, one colour per label. */
export function labelCountsOption(labels: Record<string, number>, theme: ChartTheme, names: AxisNames): BarChartOption {
  const entries = Object.entries(labels).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return {
    animation: false,
    grid: { left: 56, right: 16, top: 28, bottom: 72 },
    tooltip: tooltip(theme),
    xAxis: {
      type: 'category',
      name: names.x,
      nameLocation: 'middle',
      nameGap: 52,
      data: entries.map(([label]) => label),
      ...axisStyle(theme),
      axisLabel: { color: theme.text, rotate: entries.length > 6 ? 30 : 0, interval: 0 },
    },
    yAxis: { type: 'value', name: names.y, minInterval: 1, ...axisStyle(theme) },
    series: [
      {
        type: 'bar',
        name: names.y,
        data: entries.map(([, count], i) => ({ value: count, itemStyle: { color: theme.palette[i % theme.palette.length] } })),
      },
    ],
  };
}

/** The most frequent characters as a horizontal bar chart, most frequent on top, whitespace made visible. */
export function topCharactersOption(
  top: DatasetStatsT['topCharacters'],
  theme: ChartTheme,
  names: AxisNames,
  limit = 20,
): BarChartOption {
  const shown = top.slice(0, limit).reverse();
  return {
    animation: false,
    grid: { left: 48, right: 24, top: 16, bottom: 40 },
    tooltip: tooltip(theme),
    xAxis: { type: 'value', name: names.y, nameLocation: 'middle', nameGap: 26, ...axisStyle(theme) },
    yAxis: {
      type: 'category',
      name: names.x,
      data: shown.map((c) => visibleToken(c.char)),
      ...axisStyle(theme),
      axisLabel: { color: theme.text, interval: 0 },
    },
    series: [{ type: 'bar', name: names.y, data: shown.map((c) => c.count), itemStyle: { color: theme.palette[2] } }],
  };
}

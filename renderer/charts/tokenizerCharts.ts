// Pure builder: a tokenizer's vocabulary frequencies → ECharts option (frequency by rank, log scale).
import type { VocabEntryT } from '../api/types';
import type { ChartTheme } from '../../common/charts/theme';
import type { AxisNames, BarChartOption } from './datasetCharts';
import { visibleToken } from './format';

/**
 * The `limit` most frequent tokens, ranked. Frequencies of natural text follow a Zipf-like curve, so the
 * value axis is logarithmic when the spread exceeds two decades (a linear axis would flatten the tail).
 */
export function tokenFrequencyOption(entries: VocabEntryT[], theme: ChartTheme, names: AxisNames, limit = 40): BarChartOption {
  const ranked = [...entries].sort((a, b) => b.frequency - a.frequency || a.id - b.id).slice(0, limit);
  const positive = ranked.map((e) => e.frequency).filter((f) => f > 0);
  const logScale = positive.length > 0 && Math.max(...positive) / Math.min(...positive) > 100;
  return {
    animation: false,
    grid: { left: 64, right: 16, top: 28, bottom: 72 },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      backgroundColor: theme.tooltipBackground,
      borderColor: theme.grid,
      textStyle: { color: theme.text },
    },
    xAxis: {
      type: 'category',
      name: names.x,
      nameLocation: 'middle',
      nameGap: 52,
      // byte-level BPE tokens read better as their text ("Ġthe" → " the" → "␣the")
      data: ranked.map((e) => visibleToken(e.text ?? e.token)),
      axisLabel: { color: theme.text, rotate: 45, interval: 0 },
      nameTextStyle: { color: theme.text },
      axisLine: { lineStyle: { color: theme.grid } },
    },
    yAxis: {
      type: logScale ? 'log' : 'value',
      name: names.y,
      min: logScale ? 1 : 0,
      axisLabel: { color: theme.text },
      nameTextStyle: { color: theme.text },
      splitLine: { lineStyle: { color: theme.grid } },
    },
    series: [
      {
        type: 'bar',
        name: names.y,
        // log axes cannot show 0; a never-seen token (e.g. a special token) is drawn at the floor of 1.
        data: ranked.map((e) => (logScale ? Math.max(e.frequency, 1) : e.frequency)),
        itemStyle: { color: theme.palette[1] },
      },
    ],
  };
}

// Pure builder: next-token loss by position in the context window (a BERT-vs-GPT comparison with a GRU/LSTM third
// model): position t is predicted from t tokens before it, so the line shows how much each model gains from more
// context — attention over the whole window (GPT) against one carried state (the RNN). Loss in nats, one line each.
import type { ComposeOption } from 'echarts/core';
import type { LineSeriesOption } from 'echarts/charts';
import type { GridComponentOption, LegendComponentOption, TooltipComponentOption } from 'echarts/components';
import type { ChartTheme } from './theme';

export type LossByPositionOption = ComposeOption<LineSeriesOption | GridComponentOption | TooltipComponentOption | LegendComponentOption>;

export interface LossByPositionLine {
  label: string;
  /** the model's colour on the experiment's other charts (GPT 0, BERT 1, the GRU/LSTM 2) */
  colorIndex: number;
  /** mean loss at positions 0..n-1 (NaN: no window reached it) */
  values: readonly number[];
}

export function lossByPositionOption(input: { lines: readonly LossByPositionLine[]; names: { x: string; y: string }; theme: ChartTheme }): LossByPositionOption {
  const { theme } = input;
  const series: LineSeriesOption[] = input.lines.map((line) => {
    const color = theme.palette[line.colorIndex % theme.palette.length];
    return {
      type: 'line', id: line.label, name: line.label, animation: false, symbol: 'none', lineStyle: { width: 2, color }, itemStyle: { color },
      data: line.values.map((v, t) => [t, Number.isFinite(v) ? Number(v.toFixed(4)) : null]),
    };
  });
  const axis = {
    axisLabel: { color: theme.text },
    nameTextStyle: { color: theme.text },
    axisLine: { lineStyle: { color: theme.grid } },
    splitLine: { lineStyle: { color: theme.grid } },
  };
  const last = Math.max(1, ...input.lines.map((l) => l.values.length - 1));
  return {
    animation: false,
    grid: { left: 56, right: 24, top: 40, bottom: 52 },
    legend: { top: 0, data: input.lines.map((l) => l.label), textStyle: { color: theme.text } },
    tooltip: { trigger: 'axis', confine: true, backgroundColor: theme.tooltipBackground, borderColor: theme.grid, textStyle: { color: theme.text } },
    xAxis: { type: 'value', name: input.names.x, nameLocation: 'middle', nameGap: 30, min: 0, max: last, ...axis },
    yAxis: { type: 'value', name: input.names.y, scale: true, ...axis },
    series,
  };
}

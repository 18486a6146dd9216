// Pure builder: the label curve of a fine-tune experiment — test macro-F1 against labels per class (one evenly spaced
// category per budget: budgets grow geometrically, so this reads like a log axis with exact tick labels), one
// line per model with its mean ± std band over seeds — as one ECharts line option.
import type { LineSeriesOption } from 'echarts/charts';
import type { CurveModelT, CurvePointT } from '../api/finetune-experiment';
import type { LineChartOption } from './metricCurvesOption';
import type { ChartTheme } from './theme';

/** Models in the order of the legend, each with its palette colour (kept across charts and the table). */
export const CURVE_MODELS: CurveModelT[] = ['bert-pretrained', 'gpt-pretrained', 'bert-scratch', 'gpt-scratch', 'tfidf-logreg', 'w2v-logreg'];

export interface LabelCurveInput {
  curve: readonly CurvePointT[];
  /** the legend's words for each model */
  names: Record<CurveModelT, string>;
  axes: { x: string; y: string };
  theme: ChartTheme;
}

/** A model's band: the invisible lower edge and the 2·std height stacked on it and filled, then the mean line. */
function modelSeries(model: CurveModelT, input: LabelCurveInput, budgets: number[], colorIndex: number): LineSeriesOption[] {
  const at = budgets.map((n) => input.curve.find((p) => p.model === model && p.labelsPerClass === n && p.macroF1.mean !== null) ?? null);
  if (at.every((p) => p === null)) return [];
  const color = input.theme.palette[colorIndex % input.theme.palette.length];
  const name = input.names[model];
  const dashed = model.endsWith('scratch') || model === 'tfidf-logreg' || model === 'w2v-logreg';
  const std = (p: CurvePointT): number => p.macroF1.std ?? 0;
  const mean = (p: CurvePointT): number => p.macroF1.mean as number;
  const stack = `band:${model}`;
  const quiet = { showSymbol: false, symbol: 'none', lineStyle: { opacity: 0 }, tooltip: { show: false }, emphasis: { disabled: true } } as const;
  return [
    { type: 'line', id: `${model}:lower`, name, stack, data: at.map((p) => (p === null ? null : mean(p) - std(p))), itemStyle: { color }, ...quiet },
    { type: 'line', id: `${model}:band`, name, stack, data: at.map((p) => (p === null ? null : 2 * std(p))), itemStyle: { color }, areaStyle: { color, opacity: 0.15 }, ...quiet },
    { type: 'line', id: model, name, data: at.map((p) => (p === null ? null : Number(mean(p).toFixed(4)))), symbol: 'circle', symbolSize: 7, lineStyle: { width: 2, color, type: dashed ? 'dashed' : 'solid' }, itemStyle: { color } },
  ];
}

export function labelCurveOption(input: LabelCurveInput): LineChartOption {
  const { theme } = input;
  const axis = {
    axisLabel: { color: theme.text },
    nameTextStyle: { color: theme.text },
    axisLine: { lineStyle: { color: theme.grid } },
    splitLine: { lineStyle: { color: theme.grid } },
  };
  const models = CURVE_MODELS.filter((m) => input.curve.some((p) => p.model === m));
  const budgets = [...new Set(input.curve.map((p) => p.labelsPerClass))].sort((a, b) => a - b);
  return {
    animation: false,
    grid: { left: 64, right: 24, top: 56, bottom: 56 },
    legend: { type: 'scroll', top: 0, data: models.map((m) => input.names[m]), textStyle: { color: theme.text } },
    tooltip: { trigger: 'axis', backgroundColor: theme.tooltipBackground, borderColor: theme.grid, textStyle: { color: theme.text }, confine: true },
    xAxis: { type: 'category', boundaryGap: false, data: budgets.map(String), name: input.axes.x, nameLocation: 'middle', nameGap: 30, ...axis },
    yAxis: { type: 'value', name: input.axes.y, scale: true, ...axis },
    series: models.flatMap((m) => modelSeries(m, input, budgets, CURVE_MODELS.indexOf(m))),
  };
}

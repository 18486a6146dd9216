// Pure builder: runs' settings against a chosen metric → an ECharts parallel-coordinates option (one line per run).
import type { EChartsOption } from 'echarts';
import type { ChartTheme } from '../../common/charts/theme';

/**
 * The full option type: ComposeOption<…ParallelComponentOption…> adds an index signature that only parallel-axis
 * values satisfy, which rejects visualMap and tooltip (an ECharts typing quirk), so this builder uses EChartsOption.
 */
export type ParallelChartOption = EChartsOption;

/** One axis of the chart: a value axis for numbers, a category axis (with its words) otherwise. */
interface ParallelAxis {
  dim: number;
  name: string;
  type: 'value' | 'category';
  scale?: boolean;
  data?: string[];
}

export interface ParallelRow {
  label: string;
  settings: Partial<Record<string, number | string>>;
  /** the chosen metric's value for this run; null when the run has not logged it */
  metric: number | null;
}

/**
 * Axes: every setting that varies across the rows (a setting equal everywhere says nothing and only takes room),
 * then the metric last. Numeric settings get value axes; words (family, preset) get category axes in first-seen
 * order. Lines are coloured by the metric through a continuous visual map; runs without the metric are left out.
 */
export function parallelCoordinatesOption(
  rows: readonly ParallelRow[], keys: readonly string[], metricName: string, theme: ChartTheme, nameOf: (key: string) => string = (k) => k,
): ParallelChartOption {
  const shown = rows.filter((r) => r.metric !== null && Number.isFinite(r.metric));
  const varying = keys.filter((k) => new Set(shown.map((r) => String(r.settings[k] ?? '—'))).size > 1);
  const axisStyle = {
    nameTextStyle: { color: theme.text },
    axisLabel: { color: theme.text },
    axisLine: { lineStyle: { color: theme.grid } },
  };
  const parallelAxis: ParallelAxis[] = varying.map((k, dim): ParallelAxis => {
    const numeric = shown.every((r) => typeof r.settings[k] === 'number');
    if (numeric) return { dim, name: nameOf(k), type: 'value', scale: true, ...axisStyle };
    const categories = [...new Set(shown.map((r) => String(r.settings[k] ?? '—')))];
    return { dim, name: nameOf(k), type: 'category', data: categories, ...axisStyle };
  });
  parallelAxis.push({ dim: varying.length, name: metricName, type: 'value', scale: true, ...axisStyle });

  const metrics = shown.map((r) => r.metric as number);
  const min = metrics.length > 0 ? Math.min(...metrics) : 0;
  const max = metrics.length > 0 ? Math.max(...metrics) : 1;
  return {
    animation: false,
    parallel: { left: 60, right: 80, top: 40, bottom: 30 },
    parallelAxis,
    tooltip: { trigger: 'item', backgroundColor: theme.tooltipBackground, borderColor: theme.grid, textStyle: { color: theme.text } },
    visualMap: {
      type: 'continuous' as const,
      show: true,
      dimension: varying.length,
      min,
      // a single run (or equal values) still needs a range for the colour scale
      max: max > min ? max : min + 1,
      inRange: { color: [theme.palette[2], theme.palette[4], theme.palette[1]] },
      right: 0,
      top: 'middle',
      calculable: false,
      textStyle: { color: theme.text },
    },
    series: [
      {
        type: 'parallel',
        lineStyle: { width: 2, opacity: 0.8 },
        data: shown.map((r) => ({
          name: r.label,
          value: [...varying.map((k) => (typeof r.settings[k] === 'number' ? (r.settings[k] as number) : String(r.settings[k] ?? '—'))), r.metric as number],
        })),
      },
    ],
  };
}

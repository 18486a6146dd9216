// The curves section: one chart per metric key and x axis, built by the compare page's own builders (runCurves →
// metricCurvesOption) with its smoothing and seed bands, thinned for drawing, with every point attached.
import type { XMode } from '../../common/charts/metricCurves';
import { metricCurvesOption } from '../../common/charts/metricCurvesOption';
import { runCurves } from '../../common/charts/runCurves';
import { chartTheme } from '../../common/charts/theme';
import type { FullSeries, ReportBlock } from './document';
import type { ReportInput } from './build-input';
import { fill, type ReportMessages } from './messages';
import { thinLineOption } from './thin';

/** Points per drawn series in a report: enough for a smooth curve at print width, few enough for 100 runs. */
export const DRAWN_POINTS = 400;

/** The compare page's points per series for n runs (ComparePage.vue): ~100,000 points per metric in all. */
export function compareMaxPoints(runCount: number): number {
  return Math.max(300, Math.min(4000, Math.floor(100_000 / Math.max(1, runCount))));
}

/** What a reader of a report looks at first; the builder adds any other metric (learning rate, memory…) on request. */
export const HEADLINE_KEYS = ['train/loss', 'val/loss', 'val/accuracy', 'val/perplexity'];

/**
 * Keys in chart order: the chosen ones, else the headline keys the runs have, else (runs from other tools with
 * their own names) every key, losses first.
 */
export function chartKeys(input: ReportInput): string[] {
  if (input.options.curves.keys.length > 0) return input.options.curves.keys;
  const all = [...new Set(input.runs.flatMap((r) => Object.keys(r.metrics)))];
  const headline = HEADLINE_KEYS.filter((k) => all.includes(k));
  if (headline.length > 0) return headline;
  const rank = (k: string): number => (/loss/.test(k) ? 0 : /accuracy|perplexity/.test(k) ? 1 : 2);
  return all.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

function chartId(key: string, x: XMode): string {
  return `${key}-${x}`.replace(/[^A-Za-z0-9_-]+/g, '-');
}

export function curvesBlocks(input: ReportInput, m: ReportMessages): ReportBlock[] {
  const { curves } = input.options;
  const blocks: ReportBlock[] = [];
  const keys = chartKeys(input);
  if (input.runs.length === 0 || keys.length === 0) return blocks;
  for (const key of keys) {
    for (const x of curves.xModes) {
      const built = runCurves(input.runs, (id, k) => input.seriesOf(id, k), key, x, curves.groupSeeds, (name, n) => fill(m.curves.seeds, { name, n }));
      if (built.curves.length === 0 && built.bands.length === 0) {
        blocks.push({ kind: 'notice', text: fill(m.curves.none, { key }) });
        continue;
      }
      const option = metricCurvesOption({ ...built, smoothing: curves.smoothing, logY: curves.logY, names: { x: m.curves.x[x], y: key }, theme: chartTheme('light') }) as Record<string, unknown>;
      const points = thinLineOption(option, DRAWN_POINTS);
      const stored = Math.max(points.total, input.runs.reduce((n, r) => n + (r.metrics[key]?.count ?? 0), 0));
      const full: FullSeries[] = [];
      if (input.fullOf && x === curves.xModes[0]) {
        for (const r of input.runs) {
          const f = input.fullOf(r.id, key);
          if (f) full.push(f);
        }
      }
      const caption = fill(m.curves.caption, {
        x: m.curves.x[x], smoothing: curves.smoothing.toFixed(2), bands: built.bands.length > 0 ? m.curves.bands : '', log: curves.logY ? m.curves.log : '',
        drawn: points.drawn.toLocaleString('en-US'), total: stored.toLocaleString('en-US'), where: full.length > 0 ? m.curves.attached : m.curves.inExports,
      });
      blocks.push({ kind: 'chart', chart: { id: chartId(key, x), title: `${key} · ${m.curves.x[x]}`, option, width: 900, height: 340, caption, full: full.length > 0 ? full : undefined } });
    }
  }
  return blocks;
}

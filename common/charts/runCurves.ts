// Pure assembly of one metric chart's input from runs and their series: x mode, and seed groups turned into bands.
import type { Band, Curve } from './metricCurvesOption';
import { groupBySeed, meanStdBand, xValues, type SeriesColumns, type XMode } from './metricCurves';
import { tokensPerStep, type RunLike } from './runSettings';

export interface CurveRun extends RunLike {
  id: number;
  name: string;
  datasetId: number | null;
  tokenizerId: number | null;
  startedAt: string | null;
}

/**
 * Curves (and bands) of metric `key` for `runs`, in their order; a run's colour is its position in `runs`.
 * With groupSeeds, runs that differ only by seed (two or more) become one band labelled "name ×n seeds" in the
 * colour of their first run; runs without the metric are skipped.
 */
export function runCurves(
  runs: readonly CurveRun[],
  seriesOf: (runId: number, key: string) => SeriesColumns | undefined,
  key: string,
  xMode: XMode,
  groupSeeds: boolean,
  seedsLabel: (name: string, n: number) => string,
): { curves: Curve[]; bands: Band[] } {
  const colour = new Map(runs.map((r, i) => [r.id, i]));
  const curveOf = (r: CurveRun): Curve | null => {
    const s = seriesOf(r.id, key);
    if (!s || s.steps.length === 0) return null;
    const origin = r.startedAt ? Date.parse(r.startedAt) / 1000 : null;
    return { id: `run-${r.id}`, label: r.name, x: xValues(s, xMode, tokensPerStep(r), origin), y: s.values, colorIndex: colour.get(r.id) ?? 0 };
  };
  const curves: Curve[] = [];
  const bands: Band[] = [];
  for (const group of groupSeeds ? groupBySeed(runs) : runs.map((r) => [r])) {
    const members = group.map((r) => ({ run: r, curve: curveOf(r) })).filter((m): m is { run: CurveRun; curve: Curve } => m.curve !== null);
    if (members.length === 0) continue;
    if (members.length === 1) {
      curves.push(members[0].curve);
      continue;
    }
    const first = members[0];
    bands.push({
      id: `seeds-${first.run.id}`,
      label: seedsLabel(first.run.name, members.length),
      colorIndex: first.curve.colorIndex,
      ...meanStdBand(members.map((m) => m.curve)),
    });
  }
  return { curves, bands };
}

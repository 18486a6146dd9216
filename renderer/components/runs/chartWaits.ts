// Pure rules for charts with nothing to draw yet: what an empty validation chart is waiting for, which metrics of a
// comparison have no points at all (not drawn), and whether a comparison starts smoothed.
import type { MetricSeriesT, RunT } from '../../../common/api';

/**
 * The first evaluation a run's validation curves wait for: `training.evalEvery` of its config, and whether the
 * learning-rate sweep runs first. Null for other keys, or a run whose config does not say (imported runs).
 */
export function firstEvaluation(run: Pick<RunT, 'config'> | null | undefined, key: string): { step: number; afterSweep: boolean } | null {
  if (!key.startsWith('val/') || !run) return null;
  const training = (run.config as { training?: { evalEvery?: unknown; lrSweep?: unknown } }).training;
  const step = training?.evalEvery;
  if (typeof step !== 'number' || !Number.isInteger(step) || step < 1) return null;
  return { step, afterSweep: training?.lrSweep !== null && training?.lrSweep !== undefined };
}

/**
 * How many points a chart's curves and bands can draw: finite y values (a band's mean). A run whose series exists but
 * holds only gaps (a validation key created before its first evaluation, NaN from a diverged step) draws nothing, and
 * a frame of bare axes tells a newcomer nothing, so the chart shows its empty sentence until this is above zero.
 */
export function drawablePoints(input: {
  curves: readonly { y: readonly (number | null)[] }[];
  bands?: readonly { mean: readonly number[] }[];
}): number {
  let n = 0;
  for (const c of input.curves) for (const v of c.y) if (v !== null && Number.isFinite(v)) n += 1;
  for (const b of input.bands ?? []) for (const v of b.mean) if (Number.isFinite(v)) n += 1;
  return n;
}

/**
 * The sentence an empty validation chart of several runs shows: the first evaluation of the earliest-evaluating run
 * (every run of one experiment usually shares `evalEvery`); null when no run's config says.
 */
export function firstEvaluationOf(runs: readonly Pick<RunT, 'config'>[], key: string): { step: number; afterSweep: boolean } | null {
  let best: { step: number; afterSweep: boolean } | null = null;
  for (const r of runs) {
    const f = firstEvaluation(r, key);
    if (f && (best === null || f.step < best.step)) best = f;
  }
  return best;
}

type SeriesOf = (runId: number, key: string) => MetricSeriesT | undefined;

/** The metrics at least one of the runs has a point of; the rest would be empty frames (a memory figure no run logged). */
export function chartedMetrics(runs: readonly Pick<RunT, 'id'>[], metrics: readonly string[], seriesOf: SeriesOf): string[] {
  return metrics.filter((m) => runs.some((r) => (seriesOf(r.id, m)?.values.some((v) => v !== null) ?? false)));
}

/** Fewer points than this in the longest series and a comparison starts unsmoothed (EMA 0.6 would lag a short curve). */
export const SMOOTH_FROM_POINTS = 100;

/** The EMA a comparison starts with: 0.6 for long curves, 0 when every series is short. */
export function initialSmoothing(runs: readonly Pick<RunT, 'id'>[], metrics: readonly string[], seriesOf: SeriesOf): number {
  let longest = 0;
  for (const r of runs) for (const m of metrics) longest = Math.max(longest, seriesOf(r.id, m)?.steps.length ?? 0);
  return longest >= SMOOTH_FROM_POINTS ? 0.6 : 0;
}

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

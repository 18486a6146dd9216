// What empty charts wait for (run page), which metrics a comparison leaves undrawn, and its starting smoothing.
import { describe, expect, it } from 'vitest';
import type { MetricSeriesT } from '../../../common/api';
import { chartedMetrics, drawablePoints, firstEvaluation, firstEvaluationOf, initialSmoothing, SMOOTH_FROM_POINTS } from '../../../renderer/components/runs/chartWaits';

const series = (n: number, values?: (number | null)[]): MetricSeriesT => ({
  key: 'k', total: n, steps: Array.from({ length: n }, (_, i) => i), values: values ?? Array.from({ length: n }, () => 1), times: Array.from({ length: n }, () => 0),
});

describe('firstEvaluation', () => {
  it("reads evalEvery from the run's config, for validation curves only, and says when a sweep runs first", () => {
    const run = { config: { training: { evalEvery: 200, lrSweep: null } } };
    expect(firstEvaluation(run, 'val/loss')).toEqual({ step: 200, afterSweep: false });
    expect(firstEvaluation(run, 'train/loss')).toBeNull();
    expect(firstEvaluation({ config: { training: { evalEvery: 50, lrSweep: { candidates: [1e-3] } } } }, 'val/accuracy')).toEqual({ step: 50, afterSweep: true });
    // an imported run's config does not say: the chart keeps its plain "nothing logged yet"
    expect(firstEvaluation({ config: {} }, 'val/loss')).toBeNull();
    expect(firstEvaluation(undefined, 'val/loss')).toBeNull();
    expect(firstEvaluation(null, 'val/loss')).toBeNull();
  });
});

describe('comparison charts', () => {
  const data: Record<string, MetricSeriesT> = { '1:train/loss': series(20), '2:train/loss': series(400), '1:system/rss_mb': series(3, [null, null, null]) };
  const seriesOf = (id: number, key: string): MetricSeriesT | undefined => data[`${id}:${key}`];
  const runs = [{ id: 1 }, { id: 2 }];

  it('leaves out metrics no run has a point of', () => {
    expect(chartedMetrics(runs, ['train/loss', 'system/rss_mb', 'val/loss'], seriesOf)).toEqual(['train/loss']);
  });

  it(`starts unsmoothed unless a series has ${SMOOTH_FROM_POINTS} points or more`, () => {
    expect(initialSmoothing([{ id: 1 }], ['train/loss'], seriesOf)).toBe(0);
    expect(initialSmoothing(runs, ['train/loss'], seriesOf)).toBe(0.6);
  });
});

describe('empty charts of an experiment', () => {
  it('count only finite points, so curves of gaps (val/* before the first evaluation) leave the chart empty', () => {
    expect(drawablePoints({ curves: [] })).toBe(0);
    expect(drawablePoints({ curves: [{ y: [null, null] }, { y: [Number.NaN] }], bands: [{ mean: [] }] })).toBe(0);
    expect(drawablePoints({ curves: [{ y: [null, 2.5] }], bands: [{ mean: [1, Number.POSITIVE_INFINITY] }] })).toBe(2);
  });

  it('wait for the earliest first evaluation among the runs', () => {
    const gpt = { config: { training: { evalEvery: 200, lrSweep: null } } };
    const bert = { config: { training: { evalEvery: 100, lrSweep: null } } };
    expect(firstEvaluationOf([gpt, bert], 'val/loss')).toEqual({ step: 100, afterSweep: false });
    expect(firstEvaluationOf([gpt, bert], 'train/loss')).toBeNull();
    expect(firstEvaluationOf([{ config: {} }], 'val/accuracy')).toBeNull();
  });
});

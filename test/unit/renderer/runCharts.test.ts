// Run chart builders: EMA smoothing, x-axis modes, seed grouping into mean ± std bands, the line and parallel options.
// Golden numbers were computed with NumPy (np.interp, np.std(ddof=1)) and a plain-Python debiased EMA, not with this code.
import { describe, expect, it } from 'vitest';
import { emaSmooth, groupBySeed, meanStdBand, seedGroupKey, xValues } from '../../../common/charts/metricCurves';
import { metricCurvesOption } from '../../../common/charts/metricCurvesOption';
import { parallelCoordinatesOption } from '../../../renderer/charts/parallelCoordinatesOption';
import { runCurves, type CurveRun } from '../../../common/charts/runCurves';
import { runSettings, settingsSummary, tokensPerStep } from '../../../common/charts/runSettings';
import { chartTheme } from '../../../common/charts/theme';

const theme = chartTheme('light');
type LineSeries = { id: string; type: string; data: [number, number | null][]; stack?: string; sampling?: string; showSymbol?: boolean; areaStyle?: unknown };

describe('emaSmooth', () => {
  it('matches the debiased EMA and leaves gaps (diverged steps) as gaps', () => {
    const out = emaSmooth([4, 2, null, 3, 1], 0.6);
    const golden = [4.0, 2.75, null, 2.8775510204081636, 2.014705882352941];
    out.forEach((v, i) => (golden[i] === null ? expect(v).toBeNull() : expect(v).toBeCloseTo(golden[i] as number, 12)));
  });

  it('returns the values unchanged at weight 0 and starts at the first value for any weight', () => {
    expect(emaSmooth([1, 5, 2], 0)).toEqual([1, 5, 2]);
    expect(emaSmooth([7, 1], 0.99)[0]).toBeCloseTo(7, 12);
  });
});

describe('xValues', () => {
  const s = { steps: [0, 10, 20], values: [1, 2, 3], times: [1000.5, 1002.5, 1010] };
  it('maps steps to steps, tokens seen (step × batch × context) and seconds since the start', () => {
    expect(xValues(s, 'step', 1024)).toEqual([0, 10, 20]);
    expect(xValues(s, 'tokens', 16 * 64)).toEqual([0, 10240, 20480]);
    expect(xValues(s, 'time', 0, 1000)).toEqual([0.5, 2.5, 10]);
    expect(xValues(s, 'time', 0)).toEqual([0, 2, 9.5]);
  });
});

describe('meanStdBand', () => {
  it('interpolates runs onto the union of their x values and takes mean and sample std', () => {
    const band = meanStdBand([
      { x: [0, 10, 20], y: [3, 2, 1] },
      { x: [0, 5, 20], y: [5, 4, 3] },
    ]);
    expect(band.x).toEqual([0, 5, 10, 20]);
    [4, 3.25, 2.8333333333333335, 2].forEach((m, i) => expect(band.mean[i]).toBeCloseTo(m, 12));
    [1.41421356, 1.06066017, 1.1785113, 1.41421356].forEach((d, i) => expect(band.std[i]).toBeCloseTo(d, 7));
    expect(band.n).toEqual([2, 2, 2, 2]);
  });

  it('counts only the runs that cover an x (a shorter run ends its share of the band)', () => {
    const band = meanStdBand([
      { x: [0, 1, 2], y: [1, 1, 1] },
      { x: [0, 1], y: [2, 4] },
      { x: [0, 1, 2], y: [4, 7, 9] },
    ]);
    expect(band.mean[0]).toBeCloseTo(2.3333333333333335, 12);
    expect(band.std[0]).toBeCloseTo(1.5275252316519465, 12);
    expect(band.n).toEqual([3, 3, 2]);
    expect(band.mean[2]).toBe(5);
  });
});

const config = (seed: number, lr = 0.003) => ({
  preset: 'tiny',
  parameters: 120_000,
  model: { nLayer: 2, nHead: 2, dModel: 64, contextLength: 64, dropout: 0, seed },
  training: { steps: 300, batchSize: 16, lr, seed },
});
const run = (id: number, seed: number, lr = 0.003, family = 'gpt'): CurveRun => ({
  id, name: `run-${id}`, family, seed, datasetId: 1, tokenizerId: 2, startedAt: null, config: config(seed, lr),
});

describe('seed grouping', () => {
  it('groups runs that differ only by seed, whatever the key order, and keeps other differences apart', () => {
    const reordered: CurveRun = {
      ...run(4, 9),
      config: {
        training: { seed: 9, lr: 0.003, batchSize: 16, steps: 300 },
        model: { seed: 9, dropout: 0, contextLength: 64, dModel: 64, nHead: 2, nLayer: 2 },
        parameters: 120_000,
        preset: 'tiny',
      },
    };
    expect(seedGroupKey(run(1, 1))).toBe(seedGroupKey(reordered));
    const groups = groupBySeed([run(1, 1), run(2, 2, 0.001), run(3, 3), run(5, 1, 0.003, 'bert')]);
    expect(groups.map((g) => g.map((r) => r.id))).toEqual([[1, 3], [2], [5]]);
  });

  it('turns a seed group into one band and leaves single runs as curves', () => {
    const series = new Map<number, { steps: number[]; values: number[]; times: number[] }>([
      [1, { steps: [0, 10], values: [4, 2], times: [0, 1] }],
      [2, { steps: [0, 10], values: [3, 3], times: [0, 1] }],
      [3, { steps: [0, 10], values: [6, 4], times: [0, 1] }],
    ]);
    const out = runCurves([run(1, 1), run(2, 2, 0.001), run(3, 3)], (id) => series.get(id), 'train/loss', 'tokens', true, (n, k) => `${n} ×${k}`);
    expect(out.curves.map((c) => c.id)).toEqual(['run-2']);
    expect(out.curves[0].x).toEqual([0, 10240]);
    expect(out.bands).toHaveLength(1);
    expect(out.bands[0]).toMatchObject({ label: 'run-1 ×2', colorIndex: 0, mean: [5, 3], n: [2, 2] });
    expect(out.bands[0].std[0]).toBeCloseTo(Math.SQRT2, 12);
  });
});

describe('metricCurvesOption', () => {
  const curve = { id: 'run-1', label: 'gpt', x: [0, 1, 2], y: [2, 1, 0], colorIndex: 1 };
  const names = { x: 'Step', y: 'train/loss' };

  it('draws long series cheaply: LTTB sampling, no symbols, no animation', () => {
    const o = metricCurvesOption({ curves: [curve], smoothing: 0, logY: false, names, theme });
    const s = (o.series as LineSeries[])[0];
    expect(s).toMatchObject({ type: 'line', sampling: 'lttb', showSymbol: false, data: [[0, 2], [1, 1], [2, 0]] });
    expect(o.animation).toBe(false);
  });

  it('keeps the raw curve faint under the smoothed one, and drops values a log axis cannot show', () => {
    const o = metricCurvesOption({ curves: [curve], smoothing: 0.5, logY: true, names, theme });
    const [raw, smooth] = o.series as LineSeries[];
    expect(raw.id).toBe('run-1:raw');
    expect(raw.data[2]).toEqual([2, null]);
    expect(smooth.data[1][1]).toBeCloseTo((0.5 * 0.5 * 2 + 0.5 * 1) / 0.75, 12);
    expect((o.yAxis as { type: string }).type).toBe('log');
  });

  it('draws a band as a stacked lower edge plus a filled 2·std height under the mean line', () => {
    const band = { id: 'seeds-1', label: 'gpt ×2', colorIndex: 0, x: [0, 1], mean: [3, 2], std: [1, 0.5], n: [2, 2] };
    const o = metricCurvesOption({ curves: [], bands: [band], smoothing: 0, logY: false, names, theme });
    const [lower, height, mean] = o.series as LineSeries[];
    expect(lower.data).toEqual([[0, 2], [1, 1.5]]);
    expect(height.data).toEqual([[0, 2], [1, 1]]);
    expect(height.stack).toBe(lower.stack);
    expect(height.areaStyle).toBeDefined();
    expect(mean.data).toEqual([[0, 3], [1, 2]]);
  });

  it('stays cheap for 100 runs × 10,000 points: one series per run, built in a few seconds at most on a busy 2-core machine', () => {
    const curves = Array.from({ length: 100 }, (_, r) => ({
      id: `run-${r}`, label: `run ${r}`, colorIndex: r,
      x: Array.from({ length: 10_000 }, (_, i) => i), y: Array.from({ length: 10_000 }, (_, i) => 5 / (1 + i / 100) + r / 100),
    }));
    const t0 = performance.now();
    const o = metricCurvesOption({ curves, smoothing: 0, logY: false, names, theme });
    expect(performance.now() - t0).toBeLessThan(3000);
    expect((o.series as LineSeries[]).length).toBe(100);
    // smoothed, a crowded chart drops the raw underlay instead of doubling to 200 series
    const smoothed = metricCurvesOption({ curves, smoothing: 0.6, logY: false, names, theme });
    expect((smoothed.series as LineSeries[]).map((s) => s.id)).toEqual(curves.map((c) => c.id));
  });
});

describe('run settings and parallel coordinates', () => {
  it('reads the key settings and tokens per step from a recorded config', () => {
    const r = run(1, 7);
    expect(runSettings(r)).toMatchObject({ family: 'gpt', preset: 'tiny', nLayer: 2, dModel: 64, lr: 0.003, batchSize: 16, seed: 7 });
    expect(tokensPerStep(r)).toBe(1024);
    expect(settingsSummary(r)).toBe('tiny · 2L 2H d64 · ctx 64 · lr 0.003 · bs 16');
    expect(tokensPerStep({ family: 'gpt', seed: 1, config: {} })).toBe(0);
  });

  it('shows only the settings that vary, the metric last, and colours by the metric', () => {
    const rows = [
      { label: 'a', settings: { family: 'gpt', lr: 0.001, dModel: 64 }, metric: 2.5 },
      { label: 'b', settings: { family: 'bert', lr: 0.003, dModel: 64 }, metric: 1.5 },
      { label: 'c', settings: { family: 'gpt', lr: 0.01, dModel: 64 }, metric: null },
    ];
    const o = parallelCoordinatesOption(rows, ['family', 'lr', 'dModel'], 'val/loss', theme);
    const axes = o.parallelAxis as { name: string; type: string; data?: string[] }[];
    expect(axes.map((a) => [a.name, a.type])).toEqual([['family', 'category'], ['lr', 'value'], ['val/loss', 'value']]);
    expect(axes[0].data).toEqual(['gpt', 'bert']);
    const data = (o.series as { data: { name: string; value: unknown[] }[] }[])[0].data;
    expect(data).toEqual([{ name: 'a', value: ['gpt', 0.001, 2.5] }, { name: 'b', value: ['bert', 0.003, 1.5] }]);
    expect(o.visualMap).toMatchObject({ dimension: 2, min: 1.5, max: 2.5 });
  });
});

// Runs-table logic and comparison-cell formatting (the wizard's parameter estimate is common/model-config's parameterCount, tested in ml/config.test.ts).
import { describe, expect, it } from 'vitest';
import type { RunT } from '../../../common/api';
import {
  emptyFilters,
  filterRuns,
  formatDuration,
  metricKeys,
  runDurationSeconds,
  runProgress,
  sortRuns,
} from '../../../renderer/components/runs/runsTable';
import { formatCell, rowUnit } from '../../../common/comparison/format';

const summary = (last: number, min: number, max: number, best: number) => ({
  last, lastStep: 10, min, minStep: 5, max, maxStep: 1, best, bestStep: 5, count: 10,
});

function run(over: Partial<RunT> & { id: number }): RunT {
  return {
    name: `run-${over.id}`, family: 'gpt', experimentId: null, datasetId: 1, datasetName: 'shakespeare', tokenizerId: 1, tokenizerName: 'shk-char',
    config: { preset: 'tiny', model: { nLayer: 2, nHead: 2, dModel: 64, contextLength: 64 }, training: { lr: 0.003, batchSize: 16 } },
    seed: 1337, status: 'completed', backend: 'native', threads: 2, error: null, tags: [], notes: '', archived: false, step: 100,
    totalSteps: 100, tokensSeen: 0, createdAt: '2026-01-01T00:00:00Z', startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:01:15Z',
    heartbeatAt: null, metrics: {}, ...over,
  };
}

const runs = [
  run({ id: 1, name: 'Alpha', metrics: { 'val/loss': summary(2.1, 1.9, 3, 1.9) }, tags: ['baseline'] }),
  run({ id: 2, name: 'beta', family: 'bert', status: 'running', finishedAt: null, step: 25, notes: 'try a higher learning rate',
    metrics: { 'val/loss': summary(2.5, 2.4, 3.2, 2.4), 'val/accuracy': summary(0.3, 0.1, 0.3, 0.3) } }),
  run({ id: 3, name: 'gamma', datasetName: 'sotu', tokenizerName: null }),
];

describe('runs table filters', () => {
  it('searches every word across name, dataset, settings, tags and notes', () => {
    expect(filterRuns(runs, { ...emptyFilters(), text: 'higher RATE' }).map((r) => r.id)).toEqual([2]);
    expect(filterRuns(runs, { ...emptyFilters(), text: 'baseline' }).map((r) => r.id)).toEqual([1]);
    expect(filterRuns(runs, { ...emptyFilters(), text: '2L 2H' }).length).toBe(3);
  });

  it('applies per-column filters together', () => {
    expect(filterRuns(runs, { ...emptyFilters(), family: 'gpt', dataset: 'shakespeare' }).map((r) => r.id)).toEqual([1]);
    expect(filterRuns(runs, { ...emptyFilters(), status: 'running' }).map((r) => r.id)).toEqual([2]);
    expect(filterRuns(runs, { ...emptyFilters(), tag: 'baseline', family: 'bert' })).toEqual([]);
  });
});

describe('runs table sorting', () => {
  const now = Date.parse('2026-01-01T00:10:00Z');
  it('sorts by a metric summary, runs without the metric last in both directions', () => {
    expect(sortRuns(runs, 'metric:val/loss:best', 'asc', now).map((r) => r.id)).toEqual([1, 2, 3]);
    expect(sortRuns(runs, 'metric:val/loss:best', 'desc', now).map((r) => r.id)).toEqual([2, 1, 3]);
    expect(sortRuns(runs, 'metric:val/accuracy:last', 'desc', now)[0].id).toBe(2);
  });

  it('sorts names case-insensitively and running durations against now', () => {
    expect(sortRuns(runs, 'name', 'asc', now).map((r) => r.name)).toEqual(['Alpha', 'beta', 'gamma']);
    // the running run has been going for 10 minutes, the finished ones took 75 s
    expect(sortRuns(runs, 'duration', 'desc', now)[0].id).toBe(2);
  });

  it('lists metric keys losses first', () => {
    expect(metricKeys(runs)).toEqual(['val/loss', 'val/accuracy']);
  });
});

describe('durations and progress', () => {
  it('measures start to finish, or to now while running', () => {
    expect(runDurationSeconds(runs[0], 0)).toBe(75);
    expect(runDurationSeconds(runs[1], Date.parse('2026-01-01T00:00:09Z'))).toBe(9);
    expect(runDurationSeconds({ startedAt: null, finishedAt: null }, 0)).toBeNull();
    expect(formatDuration(75)).toBe('1m 15s');
    expect(formatDuration(3725)).toBe('1h 2m');
    expect(formatDuration(null)).toBe('—');
    expect(runProgress(runs[1])).toBe(0.25);
    expect(runProgress({ step: 5, totalSteps: null })).toBeNull();
  });
});

describe('comparison cells', () => {
  it('formats each row in its unit, with the seed spread when there is one', () => {
    expect(rowUnit('fill.token.top5')).toBe('fraction');
    expect(formatCell({ values: [0.4, 0.44], mean: 0.42, std: 0.0283 }, 'fill.token.top1')).toBe('42.0% ± 2.8%');
    expect(formatCell({ values: [123456], mean: 123456, std: null }, 'cost.parameters')).toBe('123,456');
    expect(formatCell({ values: [12.34], mean: 12.34, std: null }, 'cost.wall')).toBe('12.3 s');
    expect(formatCell({ values: [], mean: null, std: null }, 'continue.perplexity')).toBe('—');
  });
});

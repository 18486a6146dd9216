// The length plot's option builder: a line per arm at bucket centres (shares in percent, BLEU as is), a band only for
// arms with several seeds, gaps for empty buckets, the bucket named on each point.
import { describe, expect, it } from 'vitest';
import type { Seq2seqArmT } from '../../../common/api/seq2seq';
import { lengthLines, lengthPlotOption } from '../../../common/charts/seq2seqLength';
import { chartTheme } from '../../../common/charts/theme';

const bucket = (lo: number, hi: number, v: number, pairs = 10) => ({ lo, hi, pairs, exactMatch: v, tokenAccuracy: v, bleu: v * 100, chrf: v * 100 });
const seed = (i: number, values: number[]) => ({
  seed: i, runId: i, status: 'completed' as const, step: 1, parameters: 1, trainSeconds: 1, tokensPerSecond: 1,
  overall: bucket(1, 20, 0.5), buckets: [bucket(1, 10, values[0]), bucket(11, 20, values[1], values[1] < 0 ? 0 : 10)],
});

describe('length plot', () => {
  const arms: Seq2seqArmT[] = [
    { variant: 'none', seeds: [seed(1, [0.9, 0.2]), seed(2, [0.8, 0.4])] },
    { variant: 'dot', seeds: [seed(1, [1, -1])] },
  ];
  it('averages seeds per bucket and leaves empty buckets out', () => {
    const lines = lengthLines(arms, 'exactMatch', (v) => `arm ${v}`);
    expect(lines[0].points[0].mean).toBeCloseTo(0.85);
    expect(lines[0].points[1].std).toBeCloseTo(Math.SQRT2 * 0.1);
    expect(lines[1].points[1].mean).toBeNull();
    expect(lines.map((l) => l.label)).toEqual(['arm none', 'arm dot']);
  });
  it('draws lines at bucket centres in percent, bands only with seeds to spread', () => {
    const option = lengthPlotOption({ lines: lengthLines(arms, 'exactMatch', String), metric: 'exactMatch', names: { x: 'length', y: 'exact match (%)' }, theme: chartTheme('light') });
    const series = option.series as { id: string; data: unknown[] }[];
    expect(series.map((s) => s.id)).toEqual(['none:lower', 'none:band', 'none', 'dot']);
    const none = series[2].data as { value: [number, number | null]; name: string }[];
    expect(none[0].value[0]).toBe(5.5);
    expect(none[0].value[1]).toBeCloseTo(85);
    expect(none[1].name).toBe('11–20');
    expect((series[3].data as { value: [number, number | null] }[])[1].value[1]).toBeNull();
  });
});

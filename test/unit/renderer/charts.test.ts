// Chart option builders: data → ECharts options, checked without a browser against hand-worked expectations.
import { describe, expect, it } from 'vitest';
import { labelCountsOption, lengthHistogramOption, topCharactersOption } from '../../../renderer/charts/datasetCharts';
import { tokenFrequencyOption } from '../../../renderer/charts/tokenizerCharts';
import { chartTheme } from '../../../common/charts/theme';

const light = chartTheme('light');
const dark = chartTheme('dark');
const names = { x: 'Length', y: 'Documents' };

type Axis = { type?: string; data?: unknown[]; name?: string; min?: number };
type Series = { type: string; data: unknown[]; itemStyle?: { color?: string } };
const xAxis = (o: { xAxis?: unknown }) => o.xAxis as Axis;
const yAxis = (o: { yAxis?: unknown }) => o.yAxis as Axis;
const series = (o: { series?: unknown }) => (o.series as Series[])[0];

describe('lengthHistogramOption', () => {
  it('labels each bin by its edges and keeps the counts in order', () => {
    const option = lengthHistogramOption({ edges: [0, 50, 100, 150], counts: [3, 0, 7] }, light, names);
    expect(xAxis(option).data).toEqual(['0–50', '50–100', '100–150']);
    expect(series(option)).toMatchObject({ type: 'bar', data: [3, 0, 7] });
    expect(xAxis(option).name).toBe('Length');
  });

  it('uses the theme: dark text and palette differ from light', () => {
    const l = lengthHistogramOption({ edges: [0, 1], counts: [1] }, light, names);
    const d = lengthHistogramOption({ edges: [0, 1], counts: [1] }, dark, names);
    expect(series(l).itemStyle?.color).toBe(light.palette[0]);
    expect(series(d).itemStyle?.color).toBe(dark.palette[0]);
    expect(light.palette[0]).not.toBe(dark.palette[0]);
  });

  it('does not share the counts array with the caller (ECharts mutates options it is given)', () => {
    const counts = [1, 2];
    const option = lengthHistogramOption({ edges: [0, 1, 2], counts }, light, names);
    expect(series(option).data).not.toBe(counts);
  });
});

describe('labelCountsOption', () => {
  it('orders labels by count, ties alphabetically, and colours each bar', () => {
    const option = labelCountsOption({ news: 44, fiction: 29, humor: 9, lore: 29 }, light, { x: 'Label', y: 'Documents' });
    expect(xAxis(option).data).toEqual(['news', 'fiction', 'lore', 'humor']);
    const data = series(option).data as { value: number; itemStyle: { color: string } }[];
    expect(data.map((d) => d.value)).toEqual([44, 29, 29, 9]);
    expect(data[1].itemStyle.color).toBe(light.palette[1]);
  });

  it('rotates axis labels once there are many labels', () => {
    const many = Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`genre${i}`, i + 1]));
    const option = labelCountsOption(many, light, names);
    expect((xAxis(option) as { axisLabel: { rotate: number } }).axisLabel.rotate).toBe(30);
  });
});

describe('topCharactersOption', () => {
  it('puts the most frequent character on top and shows whitespace visibly', () => {
    const option = topCharactersOption(
      [
        { char: ' ', count: 169892 },
        { char: 'e', count: 94611 },
        { char: '\n', count: 40000 },
      ],
      light,
      { x: 'Character', y: 'Count' },
    );
    // horizontal bars are drawn bottom-up, so the list is reversed
    expect(yAxis(option).data).toEqual(['⏎', 'e', '·']);
    expect(series(option).data).toEqual([40000, 94611, 169892]);
  });

  it('keeps only the first `limit` characters', () => {
    const top = Array.from({ length: 50 }, (_, i) => ({ char: String.fromCharCode(65 + i), count: 100 - i }));
    expect(yAxis(topCharactersOption(top, light, names, 10)).data).toHaveLength(10);
  });
});

describe('tokenFrequencyOption', () => {
  it('ranks by frequency (ties by id) and switches to a log axis when the spread exceeds 100×', () => {
    const option = tokenFrequencyOption(
      [
        { id: 5, token: 'a', frequency: 10 },
        { id: 9, token: 'the', frequency: 5000 },
        { id: 0, token: '[PAD]', frequency: 0 },
        { id: 7, token: 'b', frequency: 10 },
      ],
      light,
      { x: 'Token', y: 'Frequency' },
    );
    expect(xAxis(option).data).toEqual(['the', 'a', 'b', '[PAD]']);
    expect(yAxis(option).type).toBe('log');
    // a zero frequency cannot sit on a log axis: drawn at 1
    expect(series(option).data).toEqual([5000, 10, 10, 1]);
  });

  it('stays linear when frequencies are close, and labels byte-level tokens by their text', () => {
    const option = tokenFrequencyOption(
      [
        { id: 1, token: 'Ġthe', text: ' the', frequency: 300 },
        { id: 2, token: 'and', frequency: 120 },
      ],
      light,
      { x: 'Token', y: 'Frequency' },
    );
    expect(yAxis(option).type).toBe('value');
    expect(yAxis(option).min).toBe(0);
    expect(xAxis(option).data).toEqual(['·the', 'and']);
  });
});

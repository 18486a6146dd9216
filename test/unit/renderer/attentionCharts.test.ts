// The attention explorer's pure builders against hand-computed values: one head's matrix, heatmap pixels (causal mask
// greyed), hover lookup, SVG export and the head view's lines. (Mean and rollout: test/unit/analysis/attention-math.)
import { describe, expect, it } from 'vitest';
import { headMatrix, maxAbs, unpackFloat32 } from '../../../renderer/charts/attentionMath';
import { cellAt, cellColor, formatWeight, heatmapColors, heatmapPixels, heatmapScale, heatmapSvg, tokenLabel } from '../../../renderer/charts/attentionHeatmap';
import { headViewLayout, headViewLines, headViewSvg } from '../../../renderer/charts/headView';

// L = 2, NH = 2, T = 2: layer 0 heads [[1,0],[0.5,0.5]] and [[0,1],[0.5,0.5]]; layer 1 heads [[1,0],[1,0]] twice
const att = [1, 0, 0.5, 0.5, 0, 1, 0.5, 0.5, 1, 0, 1, 0, 1, 0, 1, 0];

describe('attentionMath', () => {
  it('reads one head', () => {
    expect(Array.from(headMatrix(att, 2, 2, 0, 1))).toEqual([0, 1, 0.5, 0.5]);
  });

  it('maxAbs scales non-probability maps and never returns 0', () => {
    expect(maxAbs([0.2, -0.7, 0.5])).toBe(0.7);
    expect(maxAbs([])).toBe(1);
  });
});

describe('attentionHeatmap', () => {
  const colors = heatmapColors('light');

  it('colours 0 as low, 1 as high, and greys masked cells above the diagonal', () => {
    const px = heatmapPixels({ values: [1, 0, 0.5, 0.5], rows: 2, cols: 2, causal: true, max: 1 }, colors);
    expect(Array.from(px.slice(0, 4))).toEqual([...colors.high, 255]);
    expect(Array.from(px.slice(4, 8))).toEqual([...colors.masked, 255]);
    // 256 colour levels: 0.5 lands on level 128 of 255, at most one unit per channel from the exact colour
    const exact = cellColor(0.5, 1, colors);
    Array.from(px.slice(8, 11)).forEach((v, i) => expect(Math.abs(v - exact[i])).toBeLessThanOrEqual(1));
    expect(cellColor(0, 1, colors)).toEqual(colors.low);
    expect(cellColor(-1, 1, colors, true)).toEqual([214, 69, 65]);
  });

  it('finds the hovered cell and nothing outside the map', () => {
    expect(cellAt(25, 9, 10, 3, 4)).toEqual({ row: 0, col: 2 });
    expect(cellAt(45, 9, 10, 3, 4)).toBeNull();
  });

  it('exports an SVG with one titled rect per cell, the token labels and the colour scale', () => {
    const svg = heatmapSvg({ values: [1, 0, 0.25, 0.75], rows: 2, cols: 2, causal: true, max: 1 }, ['a', 'b'], ['a', 'b'], colors, { title: 'L0 H0', scaleLabel: 'Attention weight' });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/<rect x="[^"]*" y="[^"]*" width="[^"]*" height="[^"]*" fill="#[0-9a-f]{6}"><title>/g)).toHaveLength(4);
    // the scale: a gradient bar from weight 0 (the low colour) to 1 (the high colour), labelled 0, 0.5, 1
    expect(svg).toContain('fill="url(#scale)"');
    expect(svg).toContain(`<stop offset="0" stop-color="#ffffff"/>`);
    expect(svg).toContain(`<stop offset="1" stop-color="#1f4ac7"/>`);
    expect(svg.match(/>(0|0\.5|1)<\/text>/g)).toEqual(['>0</text>', '>0.5</text>', '>1</text>']);
    expect(svg).toContain('>Attention weight</text>');
    expect(svg).toContain('<title>a → b: masked</title>');
    expect(svg).toContain('<title>b → b: 0.75</title>');
    expect(svg).toContain('L0 H0');
    expect(tokenLabel(' the\n')).toBe('·the⏎');
  });

  it('rounds weights to 3 significant digits and describes the colour scale', () => {
    expect([formatWeight(0), formatWeight(0.123456), formatWeight(1), formatWeight(0.000123456), formatWeight(2e-9)]).toEqual(['0', '0.123', '1', '0.000123', '2.00e-9']);
    const hex = (v: number): string => `#${cellColor(v, 1, colors).map((c) => c.toString(16).padStart(2, '0')).join('')}`;
    expect(heatmapScale(1, colors)).toEqual({ stops: [0, 0.25, 0.5, 0.75, 1].map(hex), ticks: ['0', '0.5', '1'] });
    expect(heatmapScale(1, colors).stops[0]).toBe('#ffffff');
    expect(heatmapScale(0.4, colors, true).ticks).toEqual(['-0.4', '0', '0.4']);
    expect(tokenLabel('\n\n')).toBe('⏎⏎');
    expect(tokenLabel(' abcdefghijkl')).toBe('·abcdefgh…');
  });
});

describe('headView', () => {
  it('draws one line per head and key above the threshold, width by weight, strongest last', () => {
    const lines = headViewLines(att, 2, 2, 0, 1, [0, 1], ['red', 'blue'], 6, 0.01);
    expect(lines).toHaveLength(4);
    expect(lines.map((l) => [l.head, l.key, l.width, l.color])).toEqual([[0, 0, 3, 'red'], [0, 1, 3, 'red'], [1, 0, 3, 'blue'], [1, 1, 3, 'blue']]);
    const one = headViewLines(att, 2, 2, 0, 0, [1], ['red', 'blue']);
    expect(one).toEqual([{ head: 1, key: 1, weight: 1, width: 6, color: 'blue' }]);
  });

  it('renders the lines and both token columns as SVG', () => {
    const layout = headViewLayout(2);
    const svg = headViewSvg(['x', 'y'], 0, headViewLines(att, 2, 2, 0, 0, [0, 1], ['red', 'blue']), layout, { text: '#000', highlight: '#00f', background: '#fff' });
    expect(svg.match(/<line /g)).toHaveLength(2);
    expect(svg.match(/<text /g)).toHaveLength(4);
    expect(svg).toContain('stroke="blue" stroke-width="6.00"');
  });
});

describe('unpackFloat32', () => {
  it('reads the little-endian float32 base64 the analysis channels send', () => {
    // 0..5 floats: base64 with "==", "=" and no padding
    for (let n = 0; n <= 5; n++) {
      const values = Float32Array.from({ length: n }, (_, i) => [0.25, 1, 0, 0.1, -3.5][i]);
      const base64 = Buffer.from(values.buffer).toString('base64');
      expect(Array.from(unpackFloat32(base64))).toEqual(Array.from(values));
    }
  });
});

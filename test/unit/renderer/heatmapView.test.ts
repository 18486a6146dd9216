// Reading a heatmap of 64–512 tokens: the zoom levels offered, the scrolled window of cells, the exported figure's layout.
import { describe, expect, it } from 'vitest';
import { figureLayout, fitCell, LABEL_MIN_CELL, visibleCells, zoomChoices } from '../../../renderer/charts/heatmapView';

describe('zoom', () => {
  it('offers zoom up to readable cells at 64–512 tokens, and none where the map is already large', () => {
    expect(fitCell(520, 512, 512)).toBe(1);
    expect(zoomChoices(520, 512, 512)).toEqual([1, 2, 4, 8, 16]);
    expect(zoomChoices(520, 256, 256)).toEqual([1, 2, 4, 8]);
    expect(zoomChoices(520, 64, 64)).toEqual([1, 2]);
    expect(zoomChoices(520, 12, 12)).toEqual([1]);
    // every zoomable map reaches a cell tall enough for its labels
    for (const T of [64, 100, 256, 400, 512]) expect(fitCell(520, T, T) * Math.max(...zoomChoices(520, T, T))).toBeGreaterThanOrEqual(LABEL_MIN_CELL);
  });

  it('draws the cells of the scrolled window, the first one cut by the scroll offset', () => {
    expect(visibleCells(0, 520, 16, 256)).toEqual({ first: 0, count: 34, offset: 0 });
    expect(visibleCells(100, 520, 16, 256)).toEqual({ first: 6, count: 34, offset: 4 });
    // scrolled to the end: the window stops at the last cell
    expect(visibleCells(256 * 16 - 520, 520, 16, 256)).toEqual({ first: 223, count: 33, offset: 8 });
    expect(visibleCells(0, 512, 1, 512)).toEqual({ first: 0, count: 512, offset: 0 });
  });
});

describe('exported PNG figure', () => {
  it('keeps 8–16-pixel cells with room for the title, both label axes and the colour scale', () => {
    const small = figureLayout(18, 18, 16);
    expect(small.cell).toBe(16);
    expect(small.top).toBeGreaterThan(small.pad); // the title sits above the column labels
    expect(small.height).toBe(small.legendTop + 40);
    expect(small.width).toBeGreaterThanOrEqual(small.pad + small.barWidth + 16 + 16 * 12);
    const long = figureLayout(512, 512, 16);
    expect(long.cell).toBe(8);
    expect(long.font).toBe(8);
    expect(long.width).toBe(long.pad + 512 * 8 + 12);
    expect(long.legendTop).toBe(long.top + 512 * 8 + 14);
  });
});

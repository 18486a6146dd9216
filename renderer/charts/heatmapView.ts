// Reading a heatmap of 64–512 tokens: zoom levels and the scrolled window of cells the on-screen canvas draws, and
// the layout of the exported PNG figure (title, axis labels, cells, colour scale) at a resolution worth printing.

/** A label needs a cell at least this tall to be read; smaller cells hide the labels and say "zoom in". */
export const LABEL_MIN_CELL = 7;
/** Space left of / above the cells for the token labels (10 characters at 11 px). */
export const LABEL_SPACE = 72;
/** The largest cell zooming makes (in CSS pixels). */
export const MAX_CELL = 24;

/** Whole pixels per cell when the whole matrix fits `size` pixels on its longer side (at least 1). */
export function fitCell(size: number, rows: number, cols: number): number {
  return Math.max(1, Math.floor(size / Math.max(rows, cols, 1)));
}

/**
 * The zoom factors worth offering: 1 (fit) and every doubling whose cell is at most MAX_CELL — 512 tokens in 520 px
 * (1-px cells) get 2×, 4×, 8× (readable labels) and 16×; a 12-token map (already 43-px cells) only [1].
 */
export function zoomChoices(size: number, rows: number, cols: number): number[] {
  const fit = fitCell(size, rows, cols);
  const out = [1];
  for (let z = 2; fit * z <= MAX_CELL; z *= 2) out.push(z);
  return out;
}

/** The cells drawn at a scroll position: the first one (partly) visible, how many, and how far the first is cut off. */
export function visibleCells(scroll: number, visible: number, cell: number, count: number): { first: number; count: number; offset: number } {
  const first = Math.min(Math.max(0, Math.floor(scroll / cell)), Math.max(0, count - 1));
  const offset = Math.max(0, scroll - first * cell);
  const n = Math.min(count - first, Math.ceil((visible + offset) / cell) + 1);
  return { first, count: Math.max(0, n), offset };
}

/** Where each part of the exported figure goes (all in image pixels). */
export interface FigureLayout {
  cell: number;
  /** label space left of and above the cells */
  pad: number;
  /** y of the first row of cells (below the title and the column labels) */
  top: number;
  width: number;
  height: number;
  legendTop: number;
  barWidth: number;
  font: number;
}

/**
 * The PNG figure's layout: cells of 8–16 px (the whole map within about 4,096 px, so 512 tokens still get 8-px cells
 * with their labels), the title on top, row labels left, column labels above, the colour scale under the cells.
 */
export function figureLayout(rows: number, cols: number, scaleLabelChars: number): FigureLayout {
  const cell = Math.min(16, Math.max(8, Math.floor(4096 / Math.max(rows, cols, 1))));
  const font = Math.min(12, cell);
  const pad = Math.ceil(font * 0.62 * 11) + 8;
  const titleHeight = 28;
  const top = titleHeight + pad;
  const barWidth = Math.max(160, Math.min(320, cols * cell));
  const width = Math.max(pad + cols * cell + 12, pad + barWidth + 16 + Math.ceil(scaleLabelChars * 12), 360);
  const legendTop = top + rows * cell + 14;
  return { cell, pad, top, width, height: legendTop + 40, legendTop, barWidth, font };
}

// Pixels and SVG of an attention heatmap: a (rows,cols) matrix as RGBA cells (one pixel per cell, scaled up on a
// <canvas> without smoothing), the causal mask greyed, and the same picture as a standalone SVG for export.

import { shortToken } from '../../common/token-text';

export type Rgb = [number, number, number];

export interface HeatmapColors {
  /** colour of weight 0 and of weight 1 (sequential), or of −max and +max around `mid` (diverging) */
  low: Rgb;
  high: Rgb;
  mid: Rgb;
  /** cells hidden by the causal mask */
  masked: Rgb;
  text: string;
  background: string;
}

export function heatmapColors(mode: 'light' | 'dark'): HeatmapColors {
  return mode === 'dark'
    ? { low: [28, 32, 41], high: [122, 162, 255], mid: [28, 32, 41], masked: [52, 56, 66], text: '#c9d1e0', background: '#1c2029' }
    : { low: [255, 255, 255], high: [31, 74, 199], mid: [255, 255, 255], masked: [214, 217, 224], text: '#3b4252', background: '#ffffff' };
}

/** The colour of value v: sequential scales 0..max, diverging scales −max..max through `mid` toward a warm red. */
export function cellColor(v: number, max: number, colors: HeatmapColors, diverging = false): Rgb {
  const mix = (a: Rgb, b: Rgb, t: number): Rgb => [0, 1, 2].map((i) => Math.round(a[i] + (b[i] - a[i]) * t)) as Rgb;
  const t = Math.max(-1, Math.min(1, v / max));
  if (!diverging) return mix(colors.low, colors.high, Math.max(0, t));
  return t >= 0 ? mix(colors.mid, colors.high, t) : mix(colors.mid, [214, 69, 65], -t);
}

export interface HeatmapInput {
  /** (rows,cols) row-major */
  values: ArrayLike<number>;
  rows: number;
  cols: number;
  /** grey the cells above the diagonal (GPT's causal mask) */
  causal: boolean;
  /** value drawn at full colour (1 for probabilities) */
  max: number;
  diverging?: boolean;
}

export function isMaskedCell(causal: boolean, row: number, col: number): boolean {
  return causal && col > row;
}

/** Colours for `levels` evenly spaced values over [0,max] (or [−max,max] diverging), as packed RGB triples. */
function colorTable(max: number, colors: HeatmapColors, diverging: boolean, levels: number): Uint8Array {
  const lut = new Uint8Array(levels * 3);
  for (let k = 0; k < levels; k++) {
    const v = diverging ? ((2 * k) / (levels - 1) - 1) * max : (k / (levels - 1)) * max;
    lut.set(cellColor(v, max, colors, diverging), k * 3);
  }
  return lut;
}

/**
 * RGBA bytes, one pixel per cell, ready for new ImageData(pixels, cols, rows). Values are looked up in a 256-level
 * colour table (a screen shows no finer steps), so a 512 × 512 map costs a few milliseconds.
 */
export function heatmapPixels(input: HeatmapInput, colors: HeatmapColors): Uint8ClampedArray<ArrayBuffer> {
  const { values, rows, cols, causal, max } = input;
  const diverging = input.diverging === true;
  const levels = diverging ? 511 : 256;
  const lut = colorTable(max, colors, diverging, levels);
  const top = levels - 1;
  const px = new Uint8ClampedArray(rows * cols * 4);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const o = (r * cols + c) * 4;
      px[o + 3] = 255;
      if (causal && c > r) {
        px[o] = colors.masked[0];
        px[o + 1] = colors.masked[1];
        px[o + 2] = colors.masked[2];
        continue;
      }
      const t = values[r * cols + c] / max;
      const clamped = t > 1 ? 1 : t < (diverging ? -1 : 0) ? (diverging ? -1 : 0) : t;
      const k = 3 * Math.round(diverging ? ((clamped + 1) / 2) * top : clamped * top);
      px[o] = lut[k];
      px[o + 1] = lut[k + 1];
      px[o + 2] = lut[k + 2];
    }
  }
  return px;
}

/** The cell under a point of a heatmap drawn at `cell` pixels per cell from (0,0); null outside it. */
export function cellAt(x: number, y: number, cell: number, rows: number, cols: number): { row: number; col: number } | null {
  const row = Math.floor(y / cell);
  const col = Math.floor(x / cell);
  return row >= 0 && col >= 0 && row < rows && col < cols ? { row, col } : null;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const hex = (rgb: Rgb): string => `#${rgb.map((v) => v.toString(16).padStart(2, '0')).join('')}`;

/** A weight as people read it: 3 significant digits (0.0123, 0.457, 1), 0 as "0", no exponent above 1e-6. */
export function formatWeight(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  return Math.abs(v) >= 1e-6 ? String(Number(v.toPrecision(3))) : v.toExponential(2);
}

/** The colour scale beside a heatmap: its stops as CSS colours (low → high) and the values at its ends and middle. */
export function heatmapScale(max: number, colors: HeatmapColors, diverging = false): { stops: string[]; ticks: string[] } {
  const at = diverging ? [-max, -max / 2, 0, max / 2, max] : [0, max / 4, max / 2, (3 * max) / 4, max];
  return {
    stops: at.map((v) => hex(cellColor(v, max, colors, diverging))),
    ticks: [at[0], at[2], at[4]].map(formatWeight),
  };
}

/**
 * A standalone SVG of the heatmap: one <rect> per cell with its value in a <title> (hover in any SVG viewer), row
 * labels on the left and column labels rotated on top, the colour scale (with `scaleLabel`) under the cells.
 * `labelSpace` pixels are reserved for the labels.
 */
export function heatmapSvg(input: HeatmapInput, rowLabels: string[], colLabels: string[], colors: HeatmapColors,
  opts: { cell?: number; title?: string; labelSpace?: number; scaleLabel?: string } = {}): string {
  const cell = opts.cell ?? 14;
  const pad = opts.labelSpace ?? 70;
  const top = pad + (opts.title ? 20 : 0);
  const barWidth = Math.max(120, Math.min(240, input.cols * cell));
  // wide enough for the cells, and for the scale bar with its label beside it
  const width = Math.max(pad + input.cols * cell + 10, pad + barWidth + (opts.scaleLabel ? 8 + 7 * opts.scaleLabel.length : 10));
  // the colour scale under the cells: a gradient bar with its ends and middle labelled
  const legendTop = top + input.rows * cell + 12;
  const height = legendTop + 34;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="${Math.min(11, cell)}">`,
    `<rect width="${width}" height="${height}" fill="${colors.background}"/>`,
  ];
  if (opts.title) parts.push(`<text x="4" y="14" fill="${colors.text}" font-weight="bold">${escapeXml(opts.title)}</text>`);
  for (let r = 0; r < input.rows; r++) {
    parts.push(`<text x="${pad - 4}" y="${top + r * cell + cell * 0.75}" text-anchor="end" fill="${colors.text}">${escapeXml(rowLabels[r] ?? '')}</text>`);
  }
  for (let c = 0; c < input.cols; c++) {
    const x = pad + c * cell + cell * 0.75;
    parts.push(`<text transform="translate(${x},${top - 4}) rotate(-90)" fill="${colors.text}">${escapeXml(colLabels[c] ?? '')}</text>`);
  }
  for (let r = 0; r < input.rows; r++) {
    for (let c = 0; c < input.cols; c++) {
      const masked = isMaskedCell(input.causal, r, c);
      const v = input.values[r * input.cols + c];
      const fill = masked ? hex(colors.masked) : hex(cellColor(v, input.max, colors, input.diverging));
      const label = masked ? 'masked' : formatWeight(v);
      parts.push(`<rect x="${pad + c * cell}" y="${top + r * cell}" width="${cell}" height="${cell}" fill="${fill}"><title>${escapeXml(`${rowLabels[r] ?? r} → ${colLabels[c] ?? c}: ${label}`)}</title></rect>`);
    }
  }
  const scale = heatmapScale(input.max, colors, input.diverging === true);
  parts.push(`<defs><linearGradient id="scale" x1="0" x2="1" y1="0" y2="0">${scale.stops.map((c, i) => `<stop offset="${i / (scale.stops.length - 1)}" stop-color="${c}"/>`).join('')}</linearGradient></defs>`);
  parts.push(`<rect x="${pad}" y="${legendTop}" width="${barWidth}" height="10" fill="url(#scale)" stroke="${colors.text}" stroke-width="0.5"/>`);
  scale.ticks.forEach((tick, i) => {
    const anchor = ['start', 'middle', 'end'][i];
    parts.push(`<text x="${pad + (barWidth * i) / 2}" y="${legendTop + 22}" text-anchor="${anchor}" fill="${colors.text}">${escapeXml(tick)}</text>`);
  });
  if (opts.scaleLabel) parts.push(`<text x="${pad + barWidth + 8}" y="${legendTop + 9}" fill="${colors.text}">${escapeXml(opts.scaleLabel)}</text>`);
  parts.push('</svg>');
  return parts.join('');
}

/** A token as a short axis label: spaces and newlines made visible (common/token-text), long tokens cut. */
export function tokenLabel(token: string): string {
  return shortToken(token, 10);
}

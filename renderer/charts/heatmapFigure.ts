// The exported PNG of a heatmap: the whole matrix (not the scrolled window on screen) with its title, row and column
// labels and colour scale, laid out by figureLayout (8–16-px cells, so 512 tokens stay readable when zoomed in).
import { heatmapPixels, heatmapScale, type HeatmapColors, type HeatmapInput } from './attentionHeatmap';
import { figureLayout } from './heatmapView';

export function drawHeatmapFigure(canvas: HTMLCanvasElement, input: HeatmapInput, rowLabels: string[], colLabels: string[], colors: HeatmapColors,
  opts: { title?: string; scaleLabel: string; font: string }): HTMLCanvasElement {
  const { rows, cols } = input;
  const l = figureLayout(rows, cols, opts.scaleLabel.length);
  canvas.width = l.width;
  canvas.height = l.height;
  const ctx = canvas.getContext('2d');
  if (ctx === null) return canvas;
  ctx.fillStyle = colors.background;
  ctx.fillRect(0, 0, l.width, l.height);
  ctx.fillStyle = colors.text;
  if (opts.title) {
    ctx.font = `bold 15px ${opts.font}`;
    ctx.textBaseline = 'middle';
    ctx.fillText(opts.title, 8, 14);
  }
  if (rows > 0 && cols > 0 && input.values.length >= rows * cols) {
    const small = document.createElement('canvas');
    small.width = cols;
    small.height = rows;
    small.getContext('2d')?.putImageData(new ImageData(heatmapPixels(input, colors), cols, rows), 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(small, l.pad, l.top, cols * l.cell, rows * l.cell);
  }
  ctx.fillStyle = colors.text;
  ctx.font = `${l.font}px ${opts.font}`;
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'right';
  rowLabels.forEach((label, r) => ctx.fillText(label, l.pad - 4, l.top + (r + 0.5) * l.cell));
  ctx.save();
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = 'left';
  colLabels.forEach((label, c) => ctx.fillText(label, -(l.top - 4), l.pad + (c + 0.5) * l.cell));
  ctx.restore();
  // the colour scale: a gradient bar with its ends and middle labelled, and what the colour means beside it
  const scale = heatmapScale(input.max, colors, input.diverging === true);
  const gradient = ctx.createLinearGradient(l.pad, 0, l.pad + l.barWidth, 0);
  scale.stops.forEach((stop, i) => gradient.addColorStop(i / (scale.stops.length - 1), stop));
  ctx.fillStyle = gradient;
  ctx.fillRect(l.pad, l.legendTop, l.barWidth, 12);
  ctx.strokeStyle = colors.text;
  ctx.lineWidth = 0.5;
  ctx.strokeRect(l.pad, l.legendTop, l.barWidth, 12);
  ctx.fillStyle = colors.text;
  ctx.font = `12px ${opts.font}`;
  scale.ticks.forEach((tick, i) => {
    ctx.textAlign = (['left', 'center', 'right'] as const)[i] ?? 'center';
    ctx.fillText(tick, l.pad + (l.barWidth * i) / 2, l.legendTop + 24);
  });
  ctx.textAlign = 'left';
  ctx.fillText(opts.scaleLabel, l.pad + l.barWidth + 10, l.legendTop + 6);
  return canvas;
}

// The head view (as bertviz draws it): tokens in two columns, lines from a chosen query token on the left to every
// key token on the right, one colour per head, thickness and opacity by attention weight.

export interface HeadViewLine {
  head: number;
  key: number;
  weight: number;
  /** stroke width in pixels */
  width: number;
  color: string;
}

export interface HeadViewLayout {
  rowHeight: number;
  /** x of the left and right token columns (text anchors) and of the line ends */
  leftX: number;
  rightX: number;
  lineFrom: number;
  lineTo: number;
  width: number;
  height: number;
}

export function headViewLayout(T: number, rowHeight = 20): HeadViewLayout {
  return { rowHeight, leftX: 110, rightX: 300, lineFrom: 116, lineTo: 294, width: 420, height: T * rowHeight + 10 };
}

/**
 * Lines from `query` in `layer` for every head in `heads`, read from the full (L,NH,T,T) attention: see
 * headViewRowLines, which draws them from the (NH,T) rows alone (what the explorer fetches).
 */
export function headViewLines(attention: ArrayLike<number>, NH: number, T: number, layer: number, query: number,
  heads: readonly number[], palette: readonly string[], maxWidth = 6, minWeight = 0.01): HeadViewLine[] {
  const rows = new Float32Array(NH * T);
  for (let h = 0; h < NH; h++) for (let j = 0; j < T; j++) rows[h * T + j] = attention[((layer * NH + h) * T + query) * T + j];
  return headViewRowLines(rows, T, heads, palette, maxWidth, minWeight);
}

/**
 * Lines from one query token for every head in `heads`, from that token's (NH,T) attention rows: weight w gives
 * width maxWidth·w; weights below `minWeight` are left out so long inputs stay readable. Sorted so the strongest
 * lines are drawn last (on top).
 */
export function headViewRowLines(rows: ArrayLike<number>, T: number, heads: readonly number[], palette: readonly string[],
  maxWidth = 6, minWeight = 0.01): HeadViewLine[] {
  const lines: HeadViewLine[] = [];
  for (const h of heads) {
    for (let j = 0; j < T; j++) {
      const weight = rows[h * T + j];
      if (weight < minWeight) continue;
      lines.push({ head: h, key: j, weight, width: Math.max(0.5, maxWidth * weight), color: palette[h % palette.length] });
    }
  }
  return lines.sort((a, b) => a.weight - b.weight);
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A standalone SVG of the head view (also what the page renders, so the export is exactly what is on screen). */
export function headViewSvg(labels: string[], query: number, lines: HeadViewLine[], layout: HeadViewLayout,
  colors: { text: string; highlight: string; background: string }): string {
  const y = (i: number): number => 5 + i * layout.rowHeight + layout.rowHeight / 2;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout.width} ${layout.height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${layout.width}" height="${layout.height}" fill="${colors.background}"/>`,
  ];
  for (const l of lines) {
    parts.push(`<line x1="${layout.lineFrom}" y1="${y(query)}" x2="${layout.lineTo}" y2="${y(l.key)}" stroke="${l.color}" stroke-width="${l.width.toFixed(2)}" stroke-opacity="${(0.25 + 0.75 * l.weight).toFixed(2)}"><title>head ${l.head}: ${escapeXml(labels[l.key] ?? '')} ${l.weight}</title></line>`);
  }
  labels.forEach((label, i) => {
    const weight = i === query ? ' font-weight="bold"' : '';
    const fill = i === query ? colors.highlight : colors.text;
    parts.push(`<text x="${layout.leftX}" y="${y(i) + 4}" text-anchor="end" fill="${fill}"${weight} data-side="query" data-index="${i}">${escapeXml(label)}</text>`);
    parts.push(`<text x="${layout.rightX}" y="${y(i) + 4}" fill="${colors.text}">${escapeXml(label)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}

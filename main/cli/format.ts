// Human output for the CLI: aligned tables, thousands separators and percentages (sizes: common/format.ts).

export function int(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function percent(share: number, digits = 1): string {
  return `${(share * 100).toFixed(digits)}%`;
}

/** Display width of a string: CJK and other wide characters take two terminal columns. */
function width(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch) ? 2 : 1;
  return w;
}

function pad(s: string, w: number, right: boolean): string {
  const fill = ' '.repeat(Math.max(0, w - width(s)));
  return right ? fill + s : s + fill;
}

/**
 * A plain-text table: a header row, a rule, then the rows; columns whose every cell looks numeric
 * are right-aligned. Cells are single-line (newlines and tabs become visible escapes).
 */
export function table(headers: string[], rows: string[][]): string {
  const clean = rows.map((r) => r.map((c) => c.replace(/\n/g, '\\n').replace(/\t/g, '\\t')));
  const widths = headers.map((h, i) => Math.max(width(h), ...clean.map((r) => width(r[i] ?? ''))));
  const numeric = headers.map((_, i) => clean.length > 0 && clean.every((r) => /^-?[\d,.]+%?$|^—$/.test(r[i] ?? '')));
  const line = (cells: string[]): string => cells.map((c, i) => pad(c, widths[i], numeric[i])).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...clean.map(line)].join('\n');
}

/** One line of a document for a preview: whitespace collapsed, cut at `max` characters. */
export function snippet(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const chars = [...flat];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : flat;
}

/** "key: value" lines with the keys padded to one width. */
export function fields(entries: [string, string][]): string {
  const w = Math.max(...entries.map(([k]) => width(k)));
  return entries.map(([k, v]) => `${pad(`${k}:`, w + 1, false)} ${v}`).join('\n');
}

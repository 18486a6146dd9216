// Pure formatting helpers shared by charts and pages: numbers, bin labels, visible whitespace in tokens.

/** 1234567 → "1,234,567" (en) or the locale's grouping; non-integers keep at most `digits` decimals. */
export function formatNumber(n: number, locale = 'en', digits = 1): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: Number.isInteger(n) ? 0 : digits }).format(n);
}

/** 0.0123 → "1.23%" */
export function formatPercent(ratio: number, locale = 'en', digits = 2): string {
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: digits }).format(ratio);
}

/**
 * Histogram edges (length n + 1) → n labels "lo–hi". Edges are document lengths in characters,
 * so whole numbers print without decimals; fractional edges are rounded for display.
 */
export function binLabels(edges: number[]): string[] {
  const labels: string[] = [];
  for (let i = 0; i + 1 < edges.length; i += 1) {
    labels.push(`${Math.round(edges[i])}–${Math.round(edges[i + 1])}`);
  }
  return labels;
}

/** Whitespace inside a token made visible (· space, ⏎ newline, ⇥ tab): one notation for every page and the CLI. */
export { visibleToken } from '../../common/token-text';

/** A stable colour index for a token chip: neighbours alternate, and the same id always gets the same hue. */
export function chipHue(id: number, position: number): number {
  // The golden-angle step spreads consecutive ids around the wheel; the position term keeps two
  // adjacent chips from landing on near-identical hues when their ids happen to be close.
  return Math.round((id * 137.508 + (position % 2) * 180) % 360);
}

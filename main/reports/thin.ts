// Thins the series of an ECharts line option with LTTB after the option was built, so smoothing (EMA) and seed bands
// are computed on exactly the points the compare page uses, and only the drawing is downsampled.
import { lttbIndices } from './lttb';

type Pair = [number, number | null];
interface LineSeries {
  id?: string;
  data?: unknown;
}

/** The base of a series id: "run-3:raw" → "run-3", "seeds-1:band" → "seeds-1" (a curve's or band's parts). */
function baseId(id: string | undefined): string {
  return (id ?? '').replace(/:(raw|lower|band)$/, '');
}

function isPairs(data: unknown): data is Pair[] {
  return Array.isArray(data) && (data.length === 0 || Array.isArray(data[0]));
}

/**
 * Every series with more than `maxPoints` [x, y] pairs keeps at most that many, chosen by LTTB on the group's main
 * series (the smoothed line or band mean) and applied to all its parts, so a band's stacked edges stay aligned.
 * Returns the points of the main lines (curves and band means) drawn and given, raw underlays and band edges aside.
 */
export function thinLineOption(option: Record<string, unknown>, maxPoints: number): { drawn: number; total: number } {
  const series = (option.series ?? []) as LineSeries[];
  const groups = new Map<string, LineSeries[]>();
  for (const s of series) {
    const key = baseId(s.id);
    const g = groups.get(key);
    if (g) g.push(s);
    else groups.set(key, [s]);
  }
  let drawn = 0;
  let total = 0;
  for (const [key, members] of groups) {
    const main = members.find((s) => s.id === key) ?? members[0];
    if (!isPairs(main.data)) continue;
    const pairs = main.data;
    const idx = lttbIndices(pairs.map((p) => p[0]), pairs.map((p) => p[1]), maxPoints);
    total += pairs.length;
    for (const s of members) {
      if (!isPairs(s.data)) continue;
      const d = s.data;
      if (d.length > maxPoints) s.data = d.length === pairs.length ? idx.map((i) => d[i]) : lttbIndices(d.map((p) => p[0]), d.map((p) => p[1]), maxPoints).map((i) => d[i]);
    }
    drawn += (main.data as Pair[]).length;
  }
  return { drawn, total };
}

// The store's query-side downsampling (store/runs.ts RunQueries.series: first, last, lowest, highest and every non-finite point
// of maxPoints/4 equal step ranges) done in memory on a series already read whole, so a report that needs every
// point anyway reads each series once and still draws exactly the points the compare page draws.

export interface Columns {
  steps: number[];
  values: (number | null)[];
  times: number[];
}

/** Same rows, same order as RunQueries.series(run, key, maxPoints) on the same points (steps ascending). */
export function decimateLikeStore(s: Columns, maxPoints: number): Columns & { total: number } {
  const n = s.steps.length;
  if (n <= maxPoints || n === 0) return { ...s, total: n };
  const buckets = Math.max(1, Math.floor(maxPoints / 4));
  const lo = s.steps[0];
  const span = s.steps[n - 1] - lo + 1;
  const keep = new Uint8Array(n);
  let start = 0;
  while (start < n) {
    // SQLite's integer division: CAST((step - lo) * buckets / span AS INTEGER)
    const b = Math.trunc(((s.steps[start] - lo) * buckets) / span);
    let end = start;
    while (end + 1 < n && Math.trunc(((s.steps[end + 1] - lo) * buckets) / span) === b) end += 1;
    keep[start] = 1;
    keep[end] = 1;
    let min = -1;
    let max = -1;
    for (let i = start; i <= end; i += 1) {
      const v = s.values[i];
      if (v === null) {
        keep[i] = 1;
        continue;
      }
      // ties go to the earlier step, as ORDER BY value, step does
      if (min === -1 || v < (s.values[min] as number)) min = i;
      if (max === -1 || v > (s.values[max] as number)) max = i;
    }
    if (min !== -1) keep[min] = 1;
    if (max !== -1) keep[max] = 1;
    start = end + 1;
  }
  const out: Columns & { total: number } = { steps: [], values: [], times: [], total: n };
  // a series read without its times (charts on the step axis only) stays without them
  const withTimes = s.times.length === n;
  for (let i = 0; i < n; i += 1) {
    if (!keep[i]) continue;
    out.steps.push(s.steps[i]);
    out.values.push(s.values[i]);
    if (withTimes) out.times.push(s.times[i]);
  }
  return out;
}

// Largest-Triangle-Three-Buckets downsampling (Steinarsson 2013): keeps the points that shape a curve, for drawing.

/**
 * Indices of at most `threshold` points of (x, y) chosen by LTTB: the first and last point always, and from each of
 * threshold - 2 equal buckets the point forming the largest triangle with the previous pick and the next bucket's
 * mean. A null y (a non-finite value) is kept wherever it falls, so a gap in the curve survives downsampling.
 * x must increase. Returns every index when the series is already short enough.
 */
export function lttbIndices(x: ArrayLike<number>, y: ArrayLike<number | null>, threshold: number): number[] {
  const n = x.length;
  if (threshold >= n || threshold < 3) return Array.from({ length: n }, (_, i) => i);
  const out: number[] = [0];
  const every = (n - 2) / (threshold - 2);
  let a = 0;
  for (let b = 0; b < threshold - 2; b += 1) {
    const start = Math.floor(b * every) + 1;
    const end = Math.min(Math.floor((b + 1) * every) + 1, n - 1);
    // the next bucket's average point (the last point for the final bucket)
    const nStart = end;
    const nEnd = Math.min(Math.floor((b + 2) * every) + 1, n);
    let avgX = 0;
    let avgY = 0;
    let count = 0;
    for (let j = nStart; j < nEnd; j += 1) {
      const yj = y[j];
      if (yj === null || !Number.isFinite(yj)) continue;
      avgX += x[j];
      avgY += yj;
      count += 1;
    }
    if (count > 0) {
      avgX /= count;
      avgY /= count;
    } else {
      avgX = x[n - 1];
      avgY = (y[n - 1] as number | null) ?? 0;
    }
    const ax = x[a];
    const ay = (y[a] as number | null) ?? avgY;
    let best = -1;
    let bestArea = -1;
    for (let j = start; j < end; j += 1) {
      const yj = y[j];
      if (yj === null || !Number.isFinite(yj)) {
        out.push(j);
        continue;
      }
      const area = Math.abs((ax - avgX) * (yj - ay) - (ax - x[j]) * (avgY - ay));
      if (area > bestArea) {
        bestArea = area;
        best = j;
      }
    }
    if (best >= 0) {
      out.push(best);
      a = best;
    }
  }
  out.push(n - 1);
  return out.sort((p, q) => p - q);
}

/** The (x, y) pairs LTTB keeps, ready for an ECharts series. */
export function lttb(x: ArrayLike<number>, y: ArrayLike<number | null>, threshold: number): { x: number[]; y: (number | null)[] } {
  const idx = lttbIndices(x, y, threshold);
  return { x: idx.map((i) => x[i]), y: idx.map((i) => y[i]) };
}

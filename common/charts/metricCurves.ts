// Pure helpers for metric curves: EMA smoothing, x-axis modes (step / tokens seen / wall time), seed groups as mean ± std.

/** What the x axis counts: optimizer steps, tokens the model has read, or seconds of wall time since the run started. */
export type XMode = 'step' | 'tokens' | 'time';

/** One metric of one run as columns, the shape runs.metrics returns (times are seconds since the Unix epoch). */
export interface SeriesColumns {
  steps: readonly number[];
  values: readonly (number | null)[];
  times: readonly number[];
}

/**
 * Exponential moving average with bias correction (as TensorBoard draws it): s_i = w·s_{i-1} + (1-w)·v_i, shown
 * divided by 1 - w^k where k counts the values seen so far, so the first points are not dragged toward 0.
 * A null (a diverged step stored as NULL) stays null and does not move the average. weight is clamped to [0, 0.999].
 */
export function emaSmooth(values: readonly (number | null)[], weight: number): (number | null)[] {
  const w = Math.min(Math.max(weight, 0), 0.999);
  if (w === 0) return [...values];
  const out: (number | null)[] = [];
  let acc = 0;
  let seen = 0;
  for (const v of values) {
    if (v === null || !Number.isFinite(v)) {
      out.push(null);
      continue;
    }
    acc = w * acc + (1 - w) * v;
    seen += 1;
    out.push(acc / (1 - w ** seen));
  }
  return out;
}

/**
 * The x value of every point: the step itself, step × tokensPerStep (batch × context, which is how a run counts the
 * tokens it has read), or seconds since `origin` (the run's start; the series' first time when origin is null).
 */
export function xValues(series: SeriesColumns, mode: XMode, tokensPerStep: number, origin: number | null = null): number[] {
  if (mode === 'step') return [...series.steps];
  if (mode === 'tokens') return series.steps.map((s) => s * tokensPerStep);
  const start = origin ?? (series.times.length > 0 ? Math.min(...series.times) : 0);
  return series.times.map((t) => t - start);
}

/** A curve's value at x by linear interpolation between its neighbours; null outside its range or next to a gap. */
function valueAt(xs: readonly number[], ys: readonly (number | null)[], x: number, from: { i: number }): number | null {
  // `from` carries the search position between calls: the grid is visited in increasing x, so the scan is linear overall.
  while (from.i + 1 < xs.length && xs[from.i + 1] < x) from.i += 1;
  const i = from.i;
  if (xs.length === 0 || x < xs[0] || x > xs[xs.length - 1]) return null;
  if (xs[i] === x) return ys[i];
  const j = i + 1;
  if (j >= xs.length) return null;
  if (xs[j] === x) return ys[j];
  const a = ys[i];
  const b = ys[j];
  if (a === null || b === null) return null;
  return a + ((b - a) * (x - xs[i])) / (xs[j] - xs[i]);
}

export interface MeanStd {
  x: number[];
  mean: number[];
  /** sample standard deviation (n - 1 in the denominator); 0 where only one run covers x */
  std: number[];
  /** how many runs contributed at each x */
  n: number[];
}

/** Every x of any curve, ascending, each once: one typed-array sort (numeric, no comparator) of them all. */
function unionGrid(curves: readonly { x: readonly number[] }[]): Float64Array {
  let total = 0;
  for (const c of curves) total += c.x.length;
  const all = new Float64Array(total);
  let k = 0;
  for (const c of curves) for (let i = 0; i < c.x.length; i += 1) all[k++] = c.x[i];
  all.sort();
  let n = 0;
  for (let i = 0; i < total; i += 1) if (n === 0 || all[i] !== all[n - 1]) all[n++] = all[i];
  return all.subarray(0, n);
}

/**
 * Mean ± std over runs that differ only by seed. Downsampled series of different runs need not share x values, so
 * every x any run has is a grid point and each run contributes its interpolated value where it covers that x.
 * Input curves must have increasing x. (A report draws 50 seeds × 1,000 points per band: the grid is a typed-array
 * sort and the values at each x go through one reused buffer, summed in curve order as before.)
 */
export function meanStdBand(curves: readonly { x: readonly number[]; y: readonly (number | null)[] }[]): MeanStd {
  const grid = unionGrid(curves);
  const cursors = curves.map(() => ({ i: 0 }));
  const vals = new Float64Array(curves.length);
  const out: MeanStd = { x: [], mean: [], std: [], n: [] };
  for (let g = 0; g < grid.length; g += 1) {
    const x = grid[g];
    let count = 0;
    for (let k = 0; k < curves.length; k += 1) {
      const v = valueAt(curves[k].x, curves[k].y, x, cursors[k]);
      if (v !== null && Number.isFinite(v)) vals[count++] = v;
    }
    if (count === 0) continue;
    let sum = 0;
    for (let k = 0; k < count; k += 1) sum += vals[k];
    const mean = sum / count;
    let squares = 0;
    if (count > 1) for (let k = 0; k < count; k += 1) squares += (vals[k] - mean) ** 2;
    const variance = count > 1 ? squares / (count - 1) : 0;
    out.x.push(x);
    out.mean.push(mean);
    out.std.push(Math.sqrt(variance));
    out.n.push(count);
  }
  return out;
}

/** A copy of a run's recorded config with every `seed` field removed at any depth, for comparing settings. */
function withoutSeeds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSeeds);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([k]) => k !== 'seed')
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => [k, withoutSeeds(v)]);
    return Object.fromEntries(entries);
  }
  return value;
}

/** The part of a run that must match for two runs to count as "the same experiment, another seed". */
export interface SeedGroupable {
  id: number;
  family: string;
  datasetId: number | null;
  tokenizerId: number | null;
  config: Record<string, unknown>;
}

/** Equal keys ⇔ the runs differ at most in their seeds (keys are sorted, so property order does not matter). */
export function seedGroupKey(run: SeedGroupable): string {
  return JSON.stringify([run.family, run.datasetId, run.tokenizerId, withoutSeeds(run.config)]);
}

/** Groups runs by seedGroupKey, keeping the order in which each group's first run appears; singletons are groups of one. */
export function groupBySeed<R extends SeedGroupable>(runs: readonly R[]): R[][] {
  const groups = new Map<string, R[]>();
  for (const r of runs) {
    const key = seedGroupKey(r);
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  return [...groups.values()];
}

// Which columns (or JSON fields) of an imported log are the step, value, metric key, run and time: names as tools write them.

const STEP = ['step', 'global_step', 'iter', 'iteration', 'it', 'steps', 'global step'];
const VALUE = ['value'];
const KEY = ['key', 'tag', 'metric', 'name'];
const RUN = ['run'];
const TIME = ['time', 'wall_time', 'wall time', 'walltime', 'timestamp'];
/** Columns that describe a point rather than being a metric of their own (the lab's CSV export writes tokens). */
const DERIVED = ['tokens', 'epoch_time'];

function find(names: readonly string[], wanted: readonly string[]): number {
  for (const w of wanted) {
    const i = names.findIndex((n) => n.trim().toLowerCase() === w);
    if (i !== -1) return i;
  }
  return -1;
}

export interface ColumnRoles {
  step: number;
  value: number;
  key: number;
  run: number;
  time: number;
  /** wide format: metric columns (every other column) */
  metrics: number[];
}

export function columnRoles(names: readonly string[]): ColumnRoles {
  const step = find(names, STEP);
  const value = find(names, VALUE);
  const key = find(names, KEY);
  const run = find(names, RUN);
  const time = find(names, TIME);
  const derived = names.map((n, i) => (DERIVED.includes(n.trim().toLowerCase()) ? i : -1)).filter((i) => i >= 0);
  const taken = new Set([step, value, key, run, time, ...derived]);
  const metrics = value === -1 ? names.map((_, i) => i).filter((i) => !taken.has(i) && names[i].trim() !== '') : [];
  return { step, value, key, run, time, metrics };
}

export const STEP_NAMES = STEP;

/** A cell as a number: '' → undefined (no point), nan/inf spellings → null (a non-finite value), else the number or NaN. */
export function numberCell(raw: unknown): number | null | undefined {
  if (raw === null || raw === undefined) return undefined;
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : null;
  if (typeof raw === 'boolean') return undefined;
  const s = String(raw).trim();
  if (s === '') return undefined;
  if (/^[+-]?(nan|inf|infinity)$/i.test(s)) return null;
  const n = Number(s);
  return Number.isNaN(n) ? Number.NaN : n;
}

/** Seconds since the Unix epoch from a number (seconds, or milliseconds when above 1e11) or a date string; else null. */
export function timeCell(raw: unknown): number | null {
  if (raw === null || raw === undefined || raw === '') return null;
  const n = typeof raw === 'number' ? raw : Number(String(raw).trim());
  if (Number.isFinite(n)) return n > 1e11 ? n / 1000 : n;
  const d = Date.parse(String(raw));
  return Number.isNaN(d) ? null : d / 1000;
}

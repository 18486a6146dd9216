// Pure logic of the runs table: text search, per-column filters, sorting by any column (metric summaries included), durations.
import type { RunT } from '../../../common/api';
import { settingsSummary } from '../../../common/charts/runSettings';

export type SummaryField = 'last' | 'best' | 'min';

/** A sortable column: a run field, or one summary figure of a metric ("metric:val/loss:best"). */
export type SortKey = 'name' | 'family' | 'dataset' | 'tokenizer' | 'status' | 'progress' | 'tokensPerSecond' | 'duration' | 'started' | `metric:${string}:${SummaryField}`;

export interface RunFilters {
  /** words that must all appear (case-insensitive) in name, dataset, tokenizer, settings, tags or notes */
  text: string;
  family: string;
  status: string;
  dataset: string;
  tokenizer: string;
  tag: string;
}

export const emptyFilters = (): RunFilters => ({ text: '', family: '', status: '', dataset: '', tokenizer: '', tag: '' });

/** The metric the training loop logs its throughput under. */
export const TOKENS_PER_SECOND_KEY = 'train/tokens_per_s';

/** Seconds the run has trained: start to finish, or to `now` while it is still going; null before it started. */
export function runDurationSeconds(run: Pick<RunT, 'startedAt' | 'finishedAt'>, now: number): number | null {
  if (!run.startedAt) return null;
  const start = Date.parse(run.startedAt);
  const end = run.finishedAt ? Date.parse(run.finishedAt) : now;
  return Number.isFinite(start) && Number.isFinite(end) ? Math.max(0, (end - start) / 1000) : null;
}

/** 0…1 share of the planned steps done; null when the run has no planned total. */
export function runProgress(run: Pick<RunT, 'step' | 'totalSteps'>): number | null {
  return run.totalSteps && run.totalSteps > 0 ? Math.min(1, run.step / run.totalSteps) : null;
}

/** 75 → "1m 15s", 3725 → "1h 2m", 9 → "9s". */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

export function summaryValue(run: RunT, key: string, field: SummaryField): number | null {
  const m = run.metrics[key];
  if (!m) return null;
  return field === 'last' ? m.last : field === 'best' ? m.best : m.min;
}

function haystack(run: RunT): string {
  return [run.name, run.family, run.datasetName ?? '', run.tokenizerName ?? '', settingsSummary(run), run.tags.join(' '), run.notes, run.status]
    .join(' ')
    .toLowerCase();
}

/** Runs that pass the text search and every set column filter (an empty filter passes everything). */
export function filterRuns(runs: readonly RunT[], f: RunFilters): RunT[] {
  const words = f.text.toLowerCase().split(/\s+/).filter(Boolean);
  return runs.filter((r) => {
    if (f.family && r.family !== f.family) return false;
    if (f.status && r.status !== f.status) return false;
    if (f.dataset && (r.datasetName ?? '') !== f.dataset) return false;
    if (f.tokenizer && (r.tokenizerName ?? '') !== f.tokenizer) return false;
    if (f.tag && !r.tags.includes(f.tag)) return false;
    if (words.length === 0) return true;
    const text = haystack(r);
    return words.every((w) => text.includes(w));
  });
}

function sortValue(run: RunT, key: SortKey, now: number): number | string | null {
  if (key.startsWith('metric:')) {
    // the metric key itself contains "/" but never ":", so the last segment is the summary field
    const field = key.slice(key.lastIndexOf(':') + 1) as SummaryField;
    return summaryValue(run, key.slice('metric:'.length, key.lastIndexOf(':')), field);
  }
  switch (key) {
    case 'name': return run.name.toLowerCase();
    case 'family': return run.family;
    case 'dataset': return run.datasetName?.toLowerCase() ?? null;
    case 'tokenizer': return run.tokenizerName?.toLowerCase() ?? null;
    case 'status': return run.status;
    case 'progress': return runProgress(run);
    case 'tokensPerSecond': return run.metrics[TOKENS_PER_SECOND_KEY]?.last ?? null;
    case 'duration': return runDurationSeconds(run, now);
    case 'started': return run.startedAt ? Date.parse(run.startedAt) : null;
    default: return null;
  }
}

/** A sorted copy; runs without a value go last in both directions, ties keep the newest run first. */
export function sortRuns(runs: readonly RunT[], key: SortKey, direction: 'asc' | 'desc', now: number): RunT[] {
  const sign = direction === 'asc' ? 1 : -1;
  return [...runs].sort((a, b) => {
    const va = sortValue(a, key, now);
    const vb = sortValue(b, key, now);
    if (va === null && vb === null) return b.id - a.id;
    if (va === null) return 1;
    if (vb === null) return -1;
    const c = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
    return c !== 0 ? sign * c : b.id - a.id;
  });
}

/** Distinct non-empty values of a column, sorted, for its filter menu. */
export function distinct(runs: readonly RunT[], pick: (r: RunT) => string | null | readonly string[]): string[] {
  const set = new Set<string>();
  for (const r of runs) {
    const v = pick(r);
    if (Array.isArray(v)) v.forEach((x) => set.add(x));
    else if (typeof v === 'string' && v) set.add(v);
  }
  return [...set].sort((a, b) => a.localeCompare(b));
}

/** Every metric key any of the runs has logged, losses first, for the "metrics to show" menu. */
export function metricKeys(runs: readonly RunT[]): string[] {
  const keys = new Set<string>();
  for (const r of runs) for (const k of Object.keys(r.metrics)) keys.add(k);
  const rank = (k: string): number => (k.endsWith('/loss') ? 0 : k.startsWith('val/') ? 1 : 2);
  return [...keys].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

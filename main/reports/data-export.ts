// Every number out: all series of the chosen runs as one long CSV (run,key,step,tokens,time,value) or JSON, streamed
// page by page from the store in bounded memory, a run-summary CSV (config + last/best per metric), and TensorBoard
// event files (one folder per run).
import path from 'node:path';
import { EventFileWriter } from './tfevents/writer';
import type { StreamOut } from './output';

/** A run as the exports describe it (the service fills this from the store). */
export interface ExportRun {
  id: number;
  /** unique within the export: the run's name, with " #id" added when two chosen runs share a name */
  label: string;
  name: string;
  family: string;
  origin: string;
  status: string;
  seed: number;
  datasetName: string | null;
  tokenizerName: string | null;
  config: Record<string, unknown>;
  /** tokens one optimizer step reads (batch × context), or null when unknown (external runs) */
  tokensPerStep: number | null;
  step: number;
  tokensSeen: number;
  createdAt: string;
  finishedAt: string | null;
  /** metric key → summary of that key */
  metrics: Record<string, { last: number | null; lastStep: number; best: number | null; bestStep: number | null; count: number }>;
}

export interface Point {
  step: number;
  value: number | null;
  time: number;
}

/** Where the points come from: a run's keys, and one page of a key's points after a step (keyset paging). */
export interface PointSource {
  keys(runId: number): string[];
  page(runId: number, key: string, afterStep: number | null, limit: number): Point[];
}

/** Points read per query: ~1.5 MB of rows at a time, whatever the run's length. */
export const PAGE = 20_000;

/** Every page of one series, in step order. */
export function* pointsOf(source: PointSource, runId: number, key: string, pageSize = PAGE): Generator<Point[]> {
  let after: number | null = null;
  for (;;) {
    const rows = source.page(runId, key, after, pageSize);
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1].step;
  }
}

/** A CSV field, quoted when it holds a comma, quote or line break. */
export function csvField(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A value as text with every digit kept; non-finite values (stored as NULL) as NaN, which pandas and R read. */
function valueText(v: number | null): string {
  return v === null ? 'NaN' : String(v);
}

export const LONG_CSV_HEADER = 'run,key,step,tokens,time,value\n';

/**
 * The long CSV: one row per point, `time` in seconds since the Unix epoch (ms precision), `tokens` = step × tokens per
 * step when the run knows it. Memory stays at one page of points plus the stream's buffer. Returns the rows written.
 */
export async function writeLongCsv(out: StreamOut, runs: readonly ExportRun[], source: PointSource, onProgress?: (rows: number) => void): Promise<number> {
  await out.write(LONG_CSV_HEADER);
  let rows = 0;
  for (const run of runs) {
    const label = csvField(run.label);
    for (const key of source.keys(run.id)) {
      const k = csvField(key);
      for (const page of pointsOf(source, run.id, key)) {
        let chunk = '';
        for (const p of page) {
          const tokens = run.tokensPerStep === null ? '' : String(p.step * run.tokensPerStep);
          chunk += `${label},${k},${p.step},${tokens},${p.time.toFixed(3)},${valueText(p.value)}\n`;
        }
        await out.write(chunk);
        rows += page.length;
        onProgress?.(rows);
      }
    }
  }
  return rows;
}

/**
 * JSON: { generator, exportedAt, runs: [{ …run, series: { key: { steps, times, values } } }] }, written series by series
 * (each array streamed page by page), so memory stays bounded like the CSV's. Non-finite values are null.
 */
export async function writeJsonExport(out: StreamOut, runs: readonly ExportRun[], source: PointSource, meta: { generator: string; exportedAt: string }): Promise<number> {
  let points = 0;
  await out.write(`{"generator":${JSON.stringify(meta.generator)},"exportedAt":${JSON.stringify(meta.exportedAt)},"runs":[`);
  for (const [ri, run] of runs.entries()) {
    const { label, ...rest } = run;
    const head = JSON.stringify({ ...rest, label });
    await out.write(`${ri > 0 ? ',' : ''}\n${head.slice(0, -1)},"series":{`);
    for (const [ki, key] of source.keys(run.id).entries()) {
      await out.write(`${ki > 0 ? ',' : ''}\n${JSON.stringify(key)}:`);
      // three arrays: the points are read twice more rather than held, keeping memory at one page
      for (const [fi, field] of (['steps', 'times', 'values'] as const).entries()) {
        await out.write(`${fi === 0 ? '{' : ','}"${field}":[`);
        let first = true;
        for (const page of pointsOf(source, run.id, key)) {
          const parts = page.map((p) => (field === 'steps' ? String(p.step) : field === 'times' ? p.time.toFixed(3) : p.value === null ? 'null' : String(p.value)));
          await out.write(`${first ? '' : ','}${parts.join(',')}`);
          first = false;
          if (field === 'steps') points += page.length;
        }
        await out.write(']');
      }
      await out.write('}');
    }
    await out.write('}}');
  }
  await out.write('\n]}\n');
  return points;
}

/** Scalar leaves of a config, dotted: { model: { layers: 2 } } → [["model.layers", 2]]. Arrays are written as JSON. */
function leaves(obj: Record<string, unknown>, prefix = '', out: [string, string][] = []): [string, string][] {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) leaves(v as Record<string, unknown>, key, out);
    else out.push([key, Array.isArray(v) ? JSON.stringify(v) : String(v ?? '')]);
  }
  return out;
}

/** One row per run: identity, every config leaf (config.*), and per metric its last, best and best step. */
export function runSummaryCsv(runs: readonly ExportRun[]): string {
  const configKeys = [...new Set(runs.flatMap((r) => leaves(r.config).map(([k]) => k)))].sort();
  const metricKeys = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].sort();
  const header = ['run_id', 'run', 'name', 'family', 'origin', 'status', 'seed', 'dataset', 'tokenizer', 'steps', 'tokens_seen', 'created_at', 'finished_at',
    ...configKeys.map((k) => `config.${k}`), ...metricKeys.flatMap((k) => [`${k} last`, `${k} best`, `${k} best_step`, `${k} points`])];
  const lines = [header.map(csvField).join(',')];
  for (const r of runs) {
    const cfg = new Map(leaves(r.config));
    const cells: (string | number | null)[] = [r.id, r.label, r.name, r.family, r.origin, r.status, r.seed, r.datasetName, r.tokenizerName, r.step, r.tokensSeen, r.createdAt, r.finishedAt,
      ...configKeys.map((k) => cfg.get(k) ?? null),
      ...metricKeys.flatMap((k) => {
        const m = r.metrics[k];
        return m ? [m.last, m.best, m.bestStep, m.count] : [null, null, null, null];
      })];
    lines.push(cells.map(csvField).join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** A run's folder name in a TensorBoard export: "<id>-<name>" with unsafe characters replaced (TensorBoard shows it as the run). */
export function runFolderName(run: ExportRun): string {
  return `${run.id}-${run.name}`.replace(/[^\p{L}\p{N}._-]+/gu, '_').slice(0, 80);
}

/** TensorBoard event files: `<folder>/<id>-<name>/events.out.tfevents.*`, one per run. Returns the points written. */
export function writeTfEvents(folder: string, runs: readonly ExportRun[], source: PointSource): number {
  let points = 0;
  for (const run of runs) {
    const start = Date.parse(run.createdAt) / 1000 || Date.now() / 1000;
    const w = new EventFileWriter(path.join(folder, runFolderName(run)), start);
    try {
      for (const key of source.keys(run.id)) {
        for (const page of pointsOf(source, run.id, key)) for (const p of page) w.add(key, p.step, p.value, p.time);
      }
    } finally {
      w.close();
    }
    points += w.points;
  }
  return points;
}

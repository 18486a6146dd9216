// Query objects of the reports capability: report rows and their pinned figures, pages of metric points for exports,
// and external runs written with their points in one transaction.
import type Database from 'better-sqlite3';
import type { Point, PointSource } from '../reports/data-export';
import type { ExternalRunData } from '../reports/import/types';

export interface ReportRow {
  id: number;
  name: string;
  experiment_id: number | null;
  run_ids_json: string;
  options_json: string;
  format: string | null;
  path: string | null;
  sha256: string | null;
  bytes: number | null;
  exported_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface FigureRow {
  id: number;
  report_id: number;
  position: number;
  title: string;
  caption: string;
  run_id: number | null;
  step: number | null;
  view: string;
  mime: 'image/svg+xml' | 'image/png';
  data: string;
  meta_json: string;
  created_at: string;
}

export class ReportQueries {
  constructor(private readonly db: Database.Database) {}

  list(): ReportRow[] {
    return this.db.prepare('SELECT * FROM reports ORDER BY updated_at DESC, id DESC').all() as ReportRow[];
  }

  get(id: number): ReportRow | undefined {
    return this.db.prepare('SELECT * FROM reports WHERE id = ?').get(id) as ReportRow | undefined;
  }

  insert(r: { name: string; experimentId: number | null; runIds: number[]; options: unknown }): number {
    const now = new Date().toISOString();
    return Number(this.db.prepare('INSERT INTO reports (name, experiment_id, run_ids_json, options_json, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(r.name, r.experimentId, JSON.stringify(r.runIds), JSON.stringify(r.options), now, now).lastInsertRowid);
  }

  update(id: number, r: { name: string; runIds: number[]; options: unknown }): void {
    this.db.prepare('UPDATE reports SET name = ?, run_ids_json = ?, options_json = ?, updated_at = ? WHERE id = ?')
      .run(r.name, JSON.stringify(r.runIds), JSON.stringify(r.options), new Date().toISOString(), id);
  }

  recordExport(id: number, e: { format: string; path: string; sha256: string; bytes: number }): void {
    this.db.prepare('UPDATE reports SET format = ?, path = ?, sha256 = ?, bytes = ?, exported_at = ? WHERE id = ?')
      .run(e.format, e.path, e.sha256, e.bytes, new Date().toISOString(), id);
  }

  delete(id: number): void {
    this.db.prepare('DELETE FROM reports WHERE id = ?').run(id);
  }

  figures(reportId: number): FigureRow[] {
    return this.db.prepare('SELECT * FROM report_figures WHERE report_id = ? ORDER BY position, id').all(reportId) as FigureRow[];
  }

  figureCounts(): Map<number, number> {
    const rows = this.db.prepare('SELECT report_id, count(*) AS n FROM report_figures GROUP BY report_id').all() as { report_id: number; n: number }[];
    return new Map(rows.map((r) => [r.report_id, r.n]));
  }

  addFigure(f: { reportId: number; title: string; caption: string; runId: number | null; step: number | null; view: string; mime: string; data: string; meta: unknown }): number {
    const pos = (this.db.prepare('SELECT coalesce(max(position), -1) + 1 AS p FROM report_figures WHERE report_id = ?').get(f.reportId) as { p: number }).p;
    const id = Number(this.db.prepare(`INSERT INTO report_figures (report_id, position, title, caption, run_id, step, view, mime, data, meta_json, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(f.reportId, pos, f.title, f.caption, f.runId, f.step, f.view, f.mime, f.data, JSON.stringify(f.meta), new Date().toISOString()).lastInsertRowid);
    this.touch(f.reportId);
    return id;
  }

  removeFigure(reportId: number, figureId: number): boolean {
    const changed = this.db.prepare('DELETE FROM report_figures WHERE id = ? AND report_id = ?').run(figureId, reportId).changes > 0;
    if (changed) this.touch(reportId);
    return changed;
  }

  private touch(id: number): void {
    this.db.prepare('UPDATE reports SET updated_at = ? WHERE id = ?').run(new Date().toISOString(), id);
  }

  existingRunIds(ids: readonly number[]): Set<number> {
    if (ids.length === 0) return new Set();
    const rows = this.db.prepare(`SELECT id FROM runs WHERE id IN (${ids.map(() => '?').join(',')})`).pluck().all(...ids) as number[];
    return new Set(rows);
  }

  /** runs.origin and runs.origin_json of some runs (the API's Run carries them too). */
  origins(ids: readonly number[]): Map<number, { origin: 'local' | 'external'; info: Record<string, unknown> }> {
    if (ids.length === 0) return new Map();
    const rows = this.db.prepare(`SELECT id, origin, origin_json FROM runs WHERE id IN (${ids.map(() => '?').join(',')})`).all(...ids) as { id: number; origin: 'local' | 'external'; origin_json: string }[];
    return new Map(rows.map((r) => [r.id, { origin: r.origin, info: JSON.parse(r.origin_json) as Record<string, unknown> }]));
  }
}

/** Points of the metrics table, page by page (keyset on step), for exports that must not hold a run in memory. */
export class MetricPointQueries implements PointSource {
  private readonly keysStmt: Database.Statement;
  private readonly firstPage: Database.Statement;
  private readonly nextPage: Database.Statement;
  private readonly seriesSteps: Database.Statement;
  private readonly seriesValues: Database.Statement;
  private readonly seriesTimes: Database.Statement;
  private readonly readTogether: (runId: number, key: string, withTimes: boolean) => { steps: number[]; values: (number | null)[]; times: number[] };

  constructor(db: Database.Database) {
    this.keysStmt = db.prepare('SELECT key FROM metric_summaries WHERE run_id = ? ORDER BY key');
    this.firstPage = db.prepare('SELECT step, value, time FROM metrics WHERE run_id = ? AND key = ? ORDER BY step LIMIT ?');
    this.nextPage = db.prepare('SELECT step, value, time FROM metrics WHERE run_id = ? AND key = ? AND step > ? ORDER BY step LIMIT ?');
    this.seriesSteps = db.prepare('SELECT step FROM metrics WHERE run_id = ? AND key = ? ORDER BY step').pluck();
    this.seriesValues = db.prepare('SELECT value FROM metrics WHERE run_id = ? AND key = ? ORDER BY step').pluck();
    this.seriesTimes = db.prepare('SELECT time FROM metrics WHERE run_id = ? AND key = ? ORDER BY step').pluck();
    // one read transaction: a run logging meanwhile cannot make the three columns disagree in length
    this.readTogether = db.transaction((runId: number, key: string, withTimes: boolean) => ({
      steps: this.seriesSteps.all(runId, key) as number[],
      values: this.seriesValues.all(runId, key) as (number | null)[],
      times: withTimes ? (this.seriesTimes.all(runId, key) as number[]) : [],
    }));
  }

  /**
   * Every point of one series as columns, in step order, for a report that draws or attaches it. A column per query,
   * each a plain array of values: turning rows into JS values is what reading costs (per point ~1.15 µs this way,
   * ~1.5 as row arrays, ~2.8 as row objects; SQLite's own scan ~0.25), and a report of 100 runs reads millions.
   * withTimes false leaves times empty (a third less to read) for charts on the step or tokens axis only.
   */
  columns(runId: number, key: string, withTimes = true): { steps: number[]; values: (number | null)[]; times: number[] } {
    return this.readTogether(runId, key, withTimes);
  }

  keys(runId: number): string[] {
    return this.keysStmt.pluck().all(runId) as string[];
  }

  page(runId: number, key: string, afterStep: number | null, limit: number): Point[] {
    return (afterStep === null ? this.firstPage.all(runId, key, limit) : this.nextPage.all(runId, key, afterStep, limit)) as Point[];
  }
}

/**
 * One external run and all its points in one transaction: a failure stores nothing of it. Returns the run id.
 * A point without a time is stored at time 0 (metrics.time is required) and origin_json.times says so.
 */
export interface ExternalRunExtra {
  family: string;
  experimentId: number | null;
  parentRunId: number | null;
  config: Record<string, unknown>;
  origin: Record<string, unknown>;
  name?: string;
  /** default 'completed'; a run that stopped early or diverged says so */
  status?: 'completed' | 'stopped' | 'failed';
  /** default: the largest step logged */
  step?: number;
  totalSteps?: number | null;
  datasetId?: number | null;
  tokenizerId?: number | null;
  /** the run's seed and the tokens it trained on, when the importer knows them (issue 19's exports); default 0 */
  seed?: number;
  tokensSeen?: number;
}

export function insertExternalRun(db: Database.Database, run: ExternalRunData, extra: ExternalRunExtra): number {
  return db.transaction((): number => {
    const now = new Date().toISOString();
    let last = 0;
    let points = 0;
    let timed = true;
    let first: number | null = null;
    let final: number | null = null;
    for (const s of run.series) {
      points += s.steps.length;
      if (s.steps.length > 0) last = Math.max(last, s.steps[s.steps.length - 1]);
      for (const t of s.times) {
        if (t === null) timed = false;
        else {
          first = first === null ? t : Math.min(first, t);
          final = final === null ? t : Math.max(final, t);
        }
      }
    }
    const iso = (t: number | null): string | null => (t === null ? null : new Date(t * 1000).toISOString());
    const origin = { format: run.format, path: run.files.length === 1 ? run.files[0] : undefined, files: run.files, importedAt: now, points, times: timed, ...extra.origin };
    const id = Number(db.prepare(`INSERT INTO runs (experiment_id, name, family, dataset_id, tokenizer_id, config_json, seed, status, step, total_steps,
        tokens_seen, created_at, started_at, finished_at, origin, origin_json, parent_run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'external', ?, ?)`)
      .run(extra.experimentId, extra.name ?? run.name, extra.family, extra.datasetId ?? null, extra.tokenizerId ?? null, JSON.stringify(extra.config),
        extra.seed ?? 0, extra.status ?? 'completed', extra.step ?? last, extra.totalSteps === undefined ? last : extra.totalSteps, extra.tokensSeen ?? 0, now, iso(first), iso(final), JSON.stringify(origin), extra.parentRunId).lastInsertRowid);
    const insert = db.prepare('INSERT INTO metrics (run_id, key, step, value, time) VALUES (?, ?, ?, ?, ?) ON CONFLICT (run_id, key, step) DO UPDATE SET value = excluded.value, time = excluded.time');
    for (const s of run.series) {
      for (let i = 0; i < s.steps.length; i += 1) insert.run(id, s.key, s.steps[i], s.values[i], s.times[i] ?? 0);
    }
    return id;
  })();
}

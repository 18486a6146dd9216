// The run tables seen from the services: runs, their metrics (points and summaries), artifacts and samples — row
// shapes, every statement prepared once per connection, and rows turned into API objects.
import type Database from 'better-sqlite3';
import type { ArtifactT, MetricSeriesT, MetricSummaryT, RunSampleT, RunStatusT, RunT } from '../../common/api';
import { LabError } from '../../common/errors';
import { higherIsBetter } from '../../common/metrics';
import { thisOwner } from './owner';

export interface RunRow {
  id: number;
  experiment_id: number | null;
  name: string;
  family: string;
  dataset_id: number | null;
  dataset_name: string | null;
  tokenizer_id: number | null;
  tokenizer_name: string | null;
  config_json: string;
  seed: number;
  status: string;
  backend: string | null;
  threads: number | null;
  error: string | null;
  tags_json: string;
  notes: string;
  archived: number;
  step: number;
  total_steps: number | null;
  tokens_seen: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  heartbeat_at: string | null;
  origin?: string;
  origin_json?: string;
  parent_run_id?: number | null;
}

interface SummaryRow {
  run_id: number;
  key: string;
  last: number | null;
  last_step: number;
  min: number | null;
  min_step: number | null;
  max: number | null;
  max_step: number | null;
  count: number;
}

interface ArtifactRow {
  id: number;
  kind: string;
  path: string;
  sha256: string;
  bytes: number;
  step: number | null;
  meta_json: string;
  created_at: string;
}

interface SampleRow {
  id: number;
  step: number | null;
  kind: string;
  prompt: string;
  output: string;
  settings_json: string;
  created_at: string;
}

/** One scalar of a run, as stored: time in seconds since the Unix epoch (fractional). */
export interface MetricPoint {
  key: string;
  step: number;
  value: number;
  time: number;
}

export interface NewRunRow {
  name: string;
  family: string;
  datasetId: number | null;
  tokenizerId: number | null;
  experimentId: number | null;
  config: Record<string, unknown>;
  seed: number;
  totalSteps: number | null;
  status: 'queued' | 'running';
  /** the run this one starts from (a fine-tune's pre-trained parent) */
  parentRunId?: number | null;
}

export interface NewArtifact {
  kind: string;
  /** relative to the lab home */
  path: string;
  sha256: string;
  bytes: number;
  step: number | null;
  meta?: Record<string, unknown>;
}

export interface NewSample {
  step: number | null;
  kind: string;
  prompt: string;
  output: string;
  settings?: Record<string, unknown>;
}

/** Which runs runs.list asks for. */
export interface RunFilter {
  includeArchived: boolean;
  status?: RunStatusT;
  datasetId?: number;
  experimentId?: number;
}

const RUN_SELECT = `SELECT r.*, d.name AS dataset_name, t.name AS tokenizer_name FROM runs r
  LEFT JOIN datasets d ON d.id = r.dataset_id LEFT JOIN tokenizers t ON t.id = r.tokenizer_id`;

function toSummary(s: SummaryRow): MetricSummaryT {
  const high = higherIsBetter(s.key);
  return {
    last: s.last, lastStep: s.last_step, min: s.min, minStep: s.min_step, max: s.max, maxStep: s.max_step,
    best: high ? s.max : s.min, bestStep: high ? s.max_step : s.min_step, count: s.count,
  };
}

function toRun(r: RunRow, summaries: SummaryRow[]): RunT {
  return {
    id: r.id, name: r.name, family: r.family as RunT['family'], experimentId: r.experiment_id,
    datasetId: r.dataset_id, datasetName: r.dataset_name, tokenizerId: r.tokenizer_id, tokenizerName: r.tokenizer_name,
    config: JSON.parse(r.config_json) as Record<string, unknown>, seed: r.seed, status: r.status as RunStatusT,
    backend: r.backend, threads: r.threads, error: r.error, tags: JSON.parse(r.tags_json) as string[], notes: r.notes,
    archived: r.archived === 1, step: r.step, totalSteps: r.total_steps, tokensSeen: r.tokens_seen,
    createdAt: r.created_at, startedAt: r.started_at, finishedAt: r.finished_at, heartbeatAt: r.heartbeat_at,
    origin: r.origin === 'external' ? 'external' : 'local', originInfo: JSON.parse(r.origin_json ?? '{}') as Record<string, unknown>,
    parentRunId: r.parent_run_id ?? null,
    metrics: Object.fromEntries(summaries.map((s) => [s.key, toSummary(s)])),
  };
}

function toArtifact(a: ArtifactRow): ArtifactT {
  return { id: a.id, kind: a.kind, path: a.path, sha256: a.sha256, bytes: a.bytes, step: a.step, meta: JSON.parse(a.meta_json) as Record<string, unknown>, createdAt: a.created_at };
}

function toSample(s: SampleRow): RunSampleT {
  return { id: s.id, step: s.step, kind: s.kind, prompt: s.prompt, output: s.output, settings: JSON.parse(s.settings_json) as Record<string, unknown>, createdAt: s.created_at };
}

/** The WHERE clause of a run listing, from fixed fragments; every value is a bound parameter. */
function filterClause(f: RunFilter): { sql: string; params: (number | string)[] } {
  const where: string[] = [];
  const params: (number | string)[] = [];
  if (!f.includeArchived) where.push('r.archived = 0');
  if (f.status !== undefined) { where.push('r.status = ?'); params.push(f.status); }
  if (f.datasetId !== undefined) { where.push('r.dataset_id = ?'); params.push(f.datasetId); }
  if (f.experimentId !== undefined) { where.push('r.experiment_id = ?'); params.push(f.experimentId); }
  return { sql: where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '', params };
}

/** Every statement the run services, the scheduler and the recorder run, prepared once per connection. */
export class RunQueries {
  private readonly byIdStmt: Database.Statement<[number], RunRow>;
  private readonly summariesStmt: Database.Statement<[number], SummaryRow>;
  private readonly insertStmt: Database.Statement<unknown[]>;
  private readonly statusStmt: Database.Statement<unknown[]>;
  private readonly heartbeatStmt: Database.Statement<[string, number, number, number]>;
  private readonly insertArtifactStmt: Database.Statement<unknown[]>;
  private readonly insertSampleStmt: Database.Statement<unknown[]>;
  private readonly checkpointsStmt: Database.Statement<[number], ArtifactRow>;
  private readonly artifactsStmt: Database.Statement<[number], ArtifactRow>;
  private readonly latestSamplesStmt: Database.Statement<[number, number], SampleRow>;
  private readonly firstValueStmt: Database.Statement<[number, string], { step: number; value: number | null }>;
  private readonly meanValueStmt: Database.Statement<[number, string], { mean: number | null }>;
  private readonly insertMetric: Database.Statement<unknown[]>;
  readonly insertMetrics: (runId: number, points: MetricPoint[]) => void;
  readonly discardAfter: (runId: number, step: number) => void;

  constructor(private readonly db: Database.Database) {
    this.byIdStmt = db.prepare(`${RUN_SELECT} WHERE r.id = ?`);
    this.summariesStmt = db.prepare('SELECT * FROM metric_summaries WHERE run_id = ? ORDER BY key');
    this.insertStmt = db.prepare(`INSERT INTO runs (experiment_id, name, family, dataset_id, tokenizer_id, config_json, seed, status,
        total_steps, created_at, started_at, heartbeat_at, parent_run_id, owner_pid, owner_host) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    // Becoming running stamps started_at (the first time) and clears an earlier finish and error; a final status
    // stamps finished_at and keeps `error` (the reason a run failed or stopped). Becoming running or queued records the
    // process making the move as the run's owner (recovery checks whether a running or queued run's owner still exists).
    this.statusStmt = db.prepare(`UPDATE runs SET status = ?,
        owner_pid = CASE WHEN ? THEN ? ELSE owner_pid END, owner_host = CASE WHEN ? THEN ? ELSE owner_host END,
        started_at = CASE WHEN ? THEN coalesce(started_at, ?) ELSE started_at END,
        finished_at = CASE WHEN ? THEN ? WHEN ? THEN NULL ELSE finished_at END,
        heartbeat_at = ?,
        error = CASE WHEN ? THEN NULL WHEN ? THEN ? ELSE error END,
        backend = coalesce(?, backend), threads = coalesce(?, threads)
      WHERE id = ?`);
    this.heartbeatStmt = db.prepare('UPDATE runs SET heartbeat_at = ?, step = ?, tokens_seen = ? WHERE id = ?');
    this.insertArtifactStmt = db.prepare('INSERT INTO artifacts (run_id, kind, path, sha256, bytes, step, meta_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    this.insertSampleStmt = db.prepare('INSERT INTO samples (run_id, step, kind, prompt, output, settings_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.checkpointsStmt = db.prepare("SELECT * FROM artifacts WHERE run_id = ? AND kind = 'checkpoint' ORDER BY step DESC, id DESC");
    this.artifactsStmt = db.prepare('SELECT * FROM artifacts WHERE run_id = ? ORDER BY step, id');
    this.latestSamplesStmt = db.prepare('SELECT * FROM samples WHERE run_id = ? ORDER BY step DESC, id DESC LIMIT ?');
    this.firstValueStmt = db.prepare('SELECT step, value FROM metrics WHERE run_id = ? AND key = ? ORDER BY step LIMIT 1');
    this.meanValueStmt = db.prepare('SELECT avg(value) AS mean FROM metrics WHERE run_id = ? AND key = ? AND value IS NOT NULL');
    // Re-logging a step (a resumed run) replaces the stored value; migration 1's triggers keep metric_summaries current.
    this.insertMetric = db.prepare(`INSERT INTO metrics (run_id, key, step, value, time) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (run_id, key, step) DO UPDATE SET value = excluded.value, time = excluded.time`);
    this.insertMetrics = db.transaction((runId: number, points: MetricPoint[]) => {
      for (const p of points) this.insertMetric.run(runId, p.key, p.step, Number.isFinite(p.value) ? p.value : null, p.time);
    });
    this.discardAfter = db.transaction((runId: number, step: number) => {
      db.prepare('DELETE FROM metrics WHERE run_id = ? AND step > ?').run(runId, step);
      db.prepare('DELETE FROM samples WHERE run_id = ? AND step > ?').run(runId, step);
    });
  }

  /** The run row (with its dataset and tokenizer names), or undefined. */
  row(id: number): RunRow | undefined {
    return this.byIdStmt.get(id);
  }

  /** The run row, or LabError('not_found') with the sentence every front door shows. */
  requireRow(id: number): RunRow {
    const row = this.row(id);
    if (!row) throw new LabError('not_found', `There is no run with id ${id}; \`attention-lab runs list\` shows the runs there are.`, { field: 'id' });
    return row;
  }

  /** The run as the API shows it, with the summary of every metric key; LabError('not_found') when missing. */
  run(id: number): RunT {
    return toRun(this.requireRow(id), this.summariesStmt.all(id));
  }

  /** The runs of a filter in id order, each with the summaries of `keys` (default: every key), in two queries. */
  list(filter: RunFilter, keys?: readonly string[]): RunT[] {
    const { sql, params } = filterClause(filter);
    const rows = this.db.prepare(`${RUN_SELECT}${sql} ORDER BY r.id`).all(...params) as RunRow[];
    const all = this.db.prepare(`SELECT s.* FROM metric_summaries s JOIN runs r ON r.id = s.run_id${sql} ORDER BY s.run_id, s.key`).all(...params) as SummaryRow[];
    const byRun = new Map<number, SummaryRow[]>();
    for (const s of all) {
      if (keys !== undefined && !keys.includes(s.key)) continue;
      const list = byRun.get(s.run_id);
      if (list) list.push(s);
      else byRun.set(s.run_id, [s]);
    }
    return rows.map((r) => toRun(r, byRun.get(r.id) ?? []));
  }

  /** Ids of an experiment's runs, in id order. */
  idsOfExperiment(experimentId: number): number[] {
    return this.db.prepare('SELECT id FROM runs WHERE experiment_id = ? ORDER BY id').pluck().all(experimentId) as number[];
  }

  insert(run: NewRunRow): number {
    const now = new Date().toISOString();
    const owner = thisOwner();
    const running = run.status === 'running';
    return Number(this.insertStmt.run(run.experimentId, run.name, run.family, run.datasetId, run.tokenizerId, JSON.stringify(run.config), run.seed,
      run.status, run.totalSteps, now, running ? now : null, running ? now : null, run.parentRunId ?? null, owner.pid, owner.host).lastInsertRowid);
  }

  /** Writes a status move (already checked by the service), with its timestamps, error, backend and threads. */
  updateStatus(id: number, to: RunStatusT, final: boolean, extra: { error?: string | null; backend?: string; threads?: number }): void {
    const now = new Date().toISOString();
    const running = to === 'running' ? 1 : 0;
    const owns = running === 1 || to === 'queued' ? 1 : 0;
    // running clears the error; an error given (a sentence, or null to clear it, as a resume does) replaces it
    const givesError = extra.error !== undefined ? 1 : 0;
    const owner = thisOwner();
    this.statusStmt.run(to, owns, owner.pid, owns, owner.host,
      running, now, final ? 1 : 0, now, running, now, running, givesError, extra.error ?? null, extra.backend ?? null, extra.threads ?? null, id);
  }

  heartbeat(id: number, step: number, tokensSeen: number): void {
    this.heartbeatStmt.run(new Date().toISOString(), step, tokensSeen, id);
  }

  remove(id: number): void {
    this.db.prepare('DELETE FROM runs WHERE id = ?').run(id);
  }

  setTags(id: number, tags: string[]): void {
    this.db.prepare('UPDATE runs SET tags_json = ? WHERE id = ?').run(JSON.stringify(tags), id);
  }

  setArchived(id: number, archived: boolean): void {
    this.db.prepare('UPDATE runs SET archived = ? WHERE id = ?').run(archived ? 1 : 0, id);
  }

  /** Replaces a run's config (a learning-rate sweep records the rate it chose). */
  setConfig(id: number, config: Record<string, unknown>): void {
    this.db.prepare('UPDATE runs SET config_json = ? WHERE id = ?').run(JSON.stringify(config), id);
  }

  setNotes(id: number, notes: string): void {
    this.db.prepare('UPDATE runs SET notes = ? WHERE id = ?').run(notes, id);
  }

  /** The name and status of a run's dataset (both null when the dataset was deleted), or undefined for no such run. */
  datasetOf(runId: number): { name: string | null; status: string | null } | undefined {
    return this.db.prepare('SELECT d.name, d.status FROM runs r LEFT JOIN datasets d ON d.id = r.dataset_id WHERE r.id = ?').get(runId) as
      | { name: string | null; status: string | null } | undefined;
  }

  // ---------- artifacts and samples ----------

  addArtifact(runId: number, a: NewArtifact): number {
    return Number(this.insertArtifactStmt.run(runId, a.kind, a.path, a.sha256, a.bytes, a.step, JSON.stringify(a.meta ?? {}), new Date().toISOString()).lastInsertRowid);
  }

  addSample(runId: number, s: NewSample): number {
    return Number(this.insertSampleStmt.run(runId, s.step, s.kind, s.prompt, s.output, JSON.stringify(s.settings ?? {}), new Date().toISOString()).lastInsertRowid);
  }

  /** A run's checkpoint records, newest first (a step may have a plain and a resumable record). */
  checkpoints(runId: number): ArtifactT[] {
    return this.checkpointsStmt.all(runId).map(toArtifact);
  }

  /** Every checkpoint of a run, oldest step first (one per step: the newest artifact saved at that step). */
  checkpointSteps(runId: number): ArtifactT[] {
    return this.checkpoints(runId).filter((a) => a.step !== null).reverse()
      .filter((a, i, all) => i === all.length - 1 || all[i + 1].step !== a.step);
  }

  /** The newest checkpoint of a run (resumable ones only when asked), or null when it has none. */
  latestCheckpoint(runId: number, resumable = false): ArtifactT | null {
    return this.checkpoints(runId).find((a) => !resumable || a.meta.resumable === true) ?? null;
  }

  /** Every artifact of a run, oldest step first. */
  artifacts(runId: number): ArtifactT[] {
    return this.artifactsStmt.all(runId).map(toArtifact);
  }

  /** The newest `count` samples of a run, newest first. */
  latestSamples(runId: number, count: number): RunSampleT[] {
    return this.latestSamplesStmt.all(runId, count).map(toSample);
  }

  // ---------- metrics ----------

  /** The value logged at the smallest step of a key (the run's starting point), or null. */
  firstValue(runId: number, key: string): { step: number; value: number | null } | null {
    return this.firstValueStmt.get(runId, key) ?? null;
  }

  /** Mean of a key's values over the run (e.g. throughput), or null when nothing finite was logged. */
  meanValue(runId: number, key: string): number | null {
    return this.meanValueStmt.get(runId, key)?.mean ?? null;
  }

  /** Time of the first and last point of a key (seconds since the epoch), null when none. */
  timeSpan(runId: number, key: string): { first: number | null; last: number | null } {
    return this.db.prepare('SELECT min(time) AS first, max(time) AS last FROM metrics WHERE run_id = ? AND key = ?').get(runId, key) as
      { first: number | null; last: number | null };
  }

  /** Every metric key a run has, in key order. */
  metricKeys(runId: number): string[] {
    return this.db.prepare('SELECT key FROM metric_summaries WHERE run_id = ? ORDER BY key').pluck().all(runId) as string[];
  }

  /**
   * One metric key of a run with at most about maxPoints points. Short series come back whole. Longer ones are cut
   * into maxPoints / 4 equal step ranges and each range keeps its first, last, lowest and highest point (and any
   * non-finite one), so spikes, the start and the end survive — min/max decimation as the experiment trackers do it.
   */
  series(runId: number, key: string, maxPoints: number): MetricSeriesT {
    const bounds = this.db.prepare('SELECT count(*) AS n, min(step) AS lo, max(step) AS hi FROM metrics WHERE run_id = ? AND key = ?')
      .get(runId, key) as { n: number; lo: number | null; hi: number | null };
    type Row = { step: number; value: number | null; time: number };
    let rows: Row[];
    if (bounds.n <= maxPoints || bounds.lo === null || bounds.hi === null) {
      rows = this.db.prepare('SELECT step, value, time FROM metrics WHERE run_id = ? AND key = ? ORDER BY step').all(runId, key) as Row[];
    } else {
      const buckets = Math.max(1, Math.floor(maxPoints / 4));
      // bound numbers arrive as REAL, so the bucket number is cut to an integer explicitly
      const span = bounds.hi - bounds.lo + 1;
      rows = this.db.prepare(`
        SELECT step, value, time FROM (
          SELECT step, value, time,
            row_number() OVER (PARTITION BY b ORDER BY step) AS first_rank,
            row_number() OVER (PARTITION BY b ORDER BY step DESC) AS last_rank,
            row_number() OVER (PARTITION BY b ORDER BY value IS NULL, value ASC, step) AS min_rank,
            row_number() OVER (PARTITION BY b ORDER BY value IS NULL, value DESC, step) AS max_rank
          FROM (SELECT step, value, time, CAST((step - ?) * ? / ? AS INTEGER) AS b FROM metrics WHERE run_id = ? AND key = ?))
        WHERE first_rank = 1 OR last_rank = 1 OR min_rank = 1 OR max_rank = 1 OR value IS NULL
        ORDER BY step`).all(bounds.lo, buckets, span, runId, key) as Row[];
    }
    return { key, total: bounds.n, steps: rows.map((r) => r.step), values: rows.map((r) => r.value), times: rows.map((r) => r.time) };
  }
}

// RunService: the 'runs.*' channels and the run-tracking base — run rows and their status, heartbeats, metrics
// (batched writes, summaries, query-side downsampling), artifacts and probe samples.
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { ArtifactT, ChannelArgs, ChannelOutput, MetricSeriesT, MetricSummaryT, RunSampleT, RunStatusT, RunT } from '../../../common/api';
import { MetricWriter, METRIC_FLUSH_MS } from './metric-writer';
import { DEFAULT_STALE_AFTER_MS } from '../../store/recovery';
import type { LabContext } from '../app/context';
import { LabError } from '../../../common/errors';
import { higherIsBetter } from '../../../common/metrics';

/** Which status may follow which; anything else is refused, so a finished run cannot silently start again. */
const TRANSITIONS: Record<RunStatusT, readonly RunStatusT[]> = {
  queued: ['running', 'stopped', 'failed', 'paused'],
  running: ['completed', 'stopped', 'failed', 'crashed', 'paused'],
  paused: ['running', 'queued', 'stopped', 'failed'],
  // a resume puts the run back in the scheduler's queue first
  stopped: ['running', 'queued'],
  crashed: ['running', 'queued'],
  completed: [],
  failed: [],
};
const FINAL: readonly RunStatusT[] = ['completed', 'stopped', 'failed', 'crashed'];

export interface NewRun {
  name: string;
  /** checked by the API's family enum (common/api/runs.ts) where it is read back; 'classifier': a GPT/BERT body
   *  fine-tuned with a classification head, 'baseline': TF-IDF + logistic regression (issue 18) */
  family: 'gpt' | 'bert' | 'word2vec' | 'fasttext' | 'glove' | 'embeddings-import' | 'classifier' | 'baseline';
  datasetId: number | null;
  tokenizerId: number | null;
  experimentId?: number | null;
  /** everything needed to rebuild the run: { model, training, preset, … } */
  config: Record<string, unknown>;
  seed: number;
  totalSteps: number | null;
  status?: 'queued' | 'running';
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

interface RunRow {
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

/** The folder of a run's files (checkpoints) inside the lab home. */
export function runFolder(home: string, runId: number): string {
  return path.join(home, 'runs', String(runId));
}

export class RunService {
  private readonly db: Database.Database;

  constructor(private readonly ctx: LabContext) {
    this.db = ctx.db;
  }

  // ---------- writing side (training jobs) ----------

  create(run: NewRun): number {
    const now = new Date().toISOString();
    const status = run.status ?? 'queued';
    const info = this.db.prepare(`INSERT INTO runs (experiment_id, name, family, dataset_id, tokenizer_id, config_json, seed, status,
        total_steps, created_at, started_at, heartbeat_at, parent_run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(run.experimentId ?? null, run.name, run.family, run.datasetId, run.tokenizerId, JSON.stringify(run.config), run.seed,
        status, run.totalSteps, now, status === 'running' ? now : null, status === 'running' ? now : null, run.parentRunId ?? null);
    return Number(info.lastInsertRowid);
  }

  /**
   * Moves a run to `to` (see TRANSITIONS). Becoming running stamps started_at (the first time) and clears any
   * earlier finish and error; a final status stamps finished_at and keeps `error` (the reason a run failed or stopped).
   */
  setStatus(id: number, to: RunStatusT, extra: { error?: string | null; backend?: string; threads?: number } = {}): void {
    const row = this.runRow(id);
    const from = row.status as RunStatusT;
    if (from !== to && !TRANSITIONS[from].includes(to)) {
      throw new LabError('conflict', `Run ${id} ("${row.name}") is ${from}, so it cannot become ${to}${from === 'completed' ? '; start a new run instead' : ''}.`, { field: 'status' });
    }
    const now = new Date().toISOString();
    const running = to === 'running';
    this.db.prepare(`UPDATE runs SET status = ?,
        started_at = CASE WHEN ? THEN coalesce(started_at, ?) ELSE started_at END,
        finished_at = CASE WHEN ? THEN ? WHEN ? THEN NULL ELSE finished_at END,
        heartbeat_at = ?,
        error = CASE WHEN ? THEN NULL ELSE coalesce(?, error) END,
        backend = coalesce(?, backend), threads = coalesce(?, threads)
      WHERE id = ?`)
      .run(to, running ? 1 : 0, now, FINAL.includes(to) ? 1 : 0, now, running ? 1 : 0, now, running ? 1 : 0, extra.error ?? null,
        extra.backend ?? null, extra.threads ?? null, id);
  }

  /** A sign of life with the progress so far; recovery treats a silent 'running' run as crashed. */
  heartbeat(id: number, step: number, tokensSeen: number): void {
    this.db.prepare('UPDATE runs SET heartbeat_at = ?, step = ?, tokens_seen = ? WHERE id = ?').run(new Date().toISOString(), step, tokensSeen, id);
  }

  /** Records a learning-rate sweep's outcome in the run's config: the rate it trains at (so a resume keeps it), and
   *  the trials, which the run page and the comparison table show. One statement: read and write in a transaction. */
  recordSweep(id: number, sweep: { trials: Array<{ lr: number; valLoss: number | null; accuracy: number | null }>; lr: number; atEdge: boolean; steps: number }): void {
    this.ctx.db.transaction(() => {
      const config = JSON.parse(this.runRow(id).config_json) as { training?: Record<string, unknown> } & Record<string, unknown>;
      const training = { ...(config.training ?? {}), lr: sweep.lr, minLr: sweep.lr / 10, lrSweep: null };
      this.db.prepare('UPDATE runs SET config_json = ? WHERE id = ?').run(JSON.stringify({ ...config, training, lrSweep: sweep }), id);
    })();
  }

  /** A writer that batches this run's metric points (at most flushMs behind). */
  metricWriter(id: number, flushMs = METRIC_FLUSH_MS): MetricWriter {
    this.runRow(id);
    return new MetricWriter(this.db, id, flushMs);
  }

  addArtifact(runId: number, a: NewArtifact): number {
    const info = this.db.prepare('INSERT INTO artifacts (run_id, kind, path, sha256, bytes, step, meta_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(runId, a.kind, a.path, a.sha256, a.bytes, a.step, JSON.stringify(a.meta ?? {}), new Date().toISOString());
    return Number(info.lastInsertRowid);
  }

  addSample(runId: number, s: NewSample): number {
    const info = this.db.prepare('INSERT INTO samples (run_id, step, kind, prompt, output, settings_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(runId, s.step, s.kind, s.prompt, s.output, JSON.stringify(s.settings ?? {}), new Date().toISOString());
    return Number(info.lastInsertRowid);
  }

  /**
   * Forgets what a run logged after `step` (metrics and samples), in one transaction: a crashed run resumes from its
   * last checkpoint, and the steps after it are trained, logged and probed again.
   */
  discardAfter(runId: number, step: number): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM metrics WHERE run_id = ? AND step > ?').run(runId, step);
      this.db.prepare('DELETE FROM samples WHERE run_id = ? AND step > ?').run(runId, step);
    })();
  }

  /** The newest checkpoint of a run (resumable ones only when asked), or null when it has none. */
  /** Every checkpoint of a run, oldest step first (one per step: the newest artifact saved at that step). */
  checkpoints(runId: number): ArtifactT[] {
    const rows = this.db.prepare("SELECT * FROM artifacts WHERE run_id = ? AND kind = 'checkpoint' AND step IS NOT NULL ORDER BY step ASC, id DESC").all(runId) as ArtifactRow[];
    return rows.map(toArtifact).filter((a, i, all) => i === 0 || all[i - 1].step !== a.step);
  }

  latestCheckpoint(runId: number, resumable = false): ArtifactT | null {
    const rows = this.db.prepare("SELECT * FROM artifacts WHERE run_id = ? AND kind = 'checkpoint' ORDER BY step DESC, id DESC").all(runId) as ArtifactRow[];
    const found = rows.map(toArtifact).find((a) => !resumable || a.meta.resumable === true);
    return found ?? null;
  }

  /** The value logged at the smallest step of a key (the run's starting point), or null. */
  firstValue(runId: number, key: string): { step: number; value: number | null } | null {
    const row = this.db.prepare('SELECT step, value FROM metrics WHERE run_id = ? AND key = ? ORDER BY step LIMIT 1').get(runId, key) as
      | { step: number; value: number | null } | undefined;
    return row ?? null;
  }

  /** Mean of a key's values over the run (e.g. throughput), or null when nothing finite was logged. */
  meanValue(runId: number, key: string): number | null {
    const row = this.db.prepare('SELECT avg(value) AS mean FROM metrics WHERE run_id = ? AND key = ? AND value IS NOT NULL').get(runId, key) as { mean: number | null };
    return row.mean;
  }

  run(id: number): RunT {
    return toRun(this.runRow(id), this.summaries(id));
  }

  // ---------- the 'runs.*' channels ----------

  async list(input: ChannelArgs<'runs.list'>): Promise<ChannelOutput<'runs.list'>> {
    const where: string[] = [];
    const params: (number | string)[] = [];
    if (!input.includeArchived) where.push('r.archived = 0');
    if (input.status !== undefined) { where.push('r.status = ?'); params.push(input.status); }
    if (input.datasetId !== undefined) { where.push('r.dataset_id = ?'); params.push(input.datasetId); }
    if (input.experimentId !== undefined) { where.push('r.experiment_id = ?'); params.push(input.experimentId); }
    const filter = where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '';
    const rows = this.db.prepare(`${RUN_SELECT}${filter} ORDER BY r.id`).all(...params) as RunRow[];
    // One query for the summaries of every listed run, grouped here, instead of one per run.
    const keys = input.metrics;
    const all = this.db.prepare(`SELECT s.* FROM metric_summaries s JOIN runs r ON r.id = s.run_id${filter} ORDER BY s.run_id, s.key`).all(...params) as SummaryRow[];
    const byRun = new Map<number, SummaryRow[]>();
    for (const s of all) {
      if (keys !== undefined && !keys.includes(s.key)) continue;
      const list = byRun.get(s.run_id);
      if (list) list.push(s);
      else byRun.set(s.run_id, [s]);
    }
    return rows.map((r) => toRun(r, byRun.get(r.id) ?? []));
  }

  async get(input: ChannelArgs<'runs.get'>): Promise<ChannelOutput<'runs.get'>> {
    const run = this.run(input.id);
    const artifacts = (this.db.prepare('SELECT * FROM artifacts WHERE run_id = ? ORDER BY step, id').all(input.id) as ArtifactRow[]).map(toArtifact);
    // the newest samples, shown oldest first so a person reads them as the run learned
    const samples = (this.db.prepare('SELECT * FROM samples WHERE run_id = ? ORDER BY step DESC, id DESC LIMIT ?').all(input.id, input.samples) as SampleRow[])
      .reverse().map(toSample);
    return { ...run, artifacts, samples };
  }

  async metrics(input: ChannelArgs<'runs.metrics'>): Promise<ChannelOutput<'runs.metrics'>> {
    this.runRow(input.id);
    const keys = input.keys ?? (this.db.prepare('SELECT key FROM metric_summaries WHERE run_id = ? ORDER BY key').pluck().all(input.id) as string[]);
    return { runId: input.id, series: keys.map((key) => querySeries(this.db, input.id, key, input.maxPoints)) };
  }

  /** Removes the run, its metrics, samples and artifact rows (cascade), then its files; a live run must be stopped first. */
  async delete(input: ChannelArgs<'runs.delete'>): Promise<ChannelOutput<'runs.delete'>> {
    const row = this.runRow(input.id);
    const beat = Date.parse(row.heartbeat_at ?? row.started_at ?? row.created_at);
    if ((row.status === 'running' || row.status === 'paused') && Date.now() - beat < DEFAULT_STALE_AFTER_MS) {
      throw new LabError('conflict', `Run ${row.id} ("${row.name}") is ${row.status}; stop it first, then delete it.`, { field: 'id' });
    }
    this.db.prepare('DELETE FROM runs WHERE id = ?').run(input.id);
    fs.rmSync(runFolder(this.ctx.home, input.id), { recursive: true, force: true });
    return { ok: true };
  }

  async tag(input: ChannelArgs<'runs.tag'>): Promise<ChannelOutput<'runs.tag'>> {
    const row = this.runRow(input.id);
    const tags = (JSON.parse(row.tags_json) as string[]).filter((t) => !input.remove.includes(t));
    for (const t of input.add) if (!tags.includes(t)) tags.push(t);
    this.db.prepare('UPDATE runs SET tags_json = ? WHERE id = ?').run(JSON.stringify(tags), input.id);
    return this.run(input.id);
  }

  /** Hides a run from the default lists (or shows it again); nothing is deleted. */
  async archive(input: ChannelArgs<'runs.archive'>): Promise<ChannelOutput<'runs.archive'>> {
    this.runRow(input.id);
    this.db.prepare('UPDATE runs SET archived = ? WHERE id = ?').run(input.archived ? 1 : 0, input.id);
    return this.run(input.id);
  }

  async note(input: ChannelArgs<'runs.note'>): Promise<ChannelOutput<'runs.note'>> {
    this.runRow(input.id);
    this.db.prepare('UPDATE runs SET notes = ? WHERE id = ?').run(input.notes, input.id);
    return this.run(input.id);
  }

  // ---------- helpers ----------

  private runRow(id: number): RunRow {
    const row = this.db.prepare(`${RUN_SELECT} WHERE r.id = ?`).get(id) as RunRow | undefined;
    if (!row) throw new LabError('not_found', `There is no run with id ${id}; \`attention-lab runs list\` shows the runs there are.`, { field: 'id' });
    return row;
  }

  private summaries(id: number): SummaryRow[] {
    return this.db.prepare('SELECT * FROM metric_summaries WHERE run_id = ? ORDER BY key').all(id) as SummaryRow[];
  }
}

interface Bounds {
  n: number;
  lo: number | null;
  hi: number | null;
}

/**
 * One metric key of a run with at most about maxPoints points. Short series come back whole. Longer ones are cut
 * into maxPoints / 4 equal step ranges and each range keeps its first, last, lowest and highest point (and any
 * non-finite one), so spikes, the start and the end survive — min/max decimation as the experiment trackers do it.
 */
export function querySeries(db: Database.Database, runId: number, key: string, maxPoints: number): MetricSeriesT {
  const bounds = db.prepare('SELECT count(*) AS n, min(step) AS lo, max(step) AS hi FROM metrics WHERE run_id = ? AND key = ?')
    .get(runId, key) as Bounds;
  type Row = { step: number; value: number | null; time: number };
  let rows: Row[];
  if (bounds.n <= maxPoints || bounds.lo === null || bounds.hi === null) {
    rows = db.prepare('SELECT step, value, time FROM metrics WHERE run_id = ? AND key = ? ORDER BY step').all(runId, key) as Row[];
  } else {
    const buckets = Math.max(1, Math.floor(maxPoints / 4));
    // bound numbers arrive as REAL, so the bucket number is cut to an integer explicitly
    const span = bounds.hi - bounds.lo + 1;
    rows = db.prepare(`
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

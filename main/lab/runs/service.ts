// RunService: the 'runs.*' channels and the run-tracking base — run rows and their status, heartbeats, metrics
// (batched writes, summaries, query-side downsampling), artifacts and probe samples.
import fs from 'node:fs';
import path from 'node:path';
import type { ChannelArgs, ChannelOutput, RunStatusT, RunT } from '../../../common/api';
import { LabError } from '../../../common/errors';
import { DEFAULT_STALE_AFTER_MS, markRunsOfDeadOwners } from '../../store/recovery';
import type { NewArtifact, NewSample, RunQueries } from '../../store/runs';
import type { LabContext } from '../app/context';
import { MetricWriter, METRIC_FLUSH_MS } from './metric-writer';

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
  family: 'gpt' | 'bert' | 'gru' | 'lstm' | 'seq2seq' | 'word2vec' | 'fasttext' | 'glove' | 'embeddings-import' | 'classifier' | 'baseline';
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

export type { NewArtifact, NewSample } from '../../store/runs';

/** The folder of a run's files (checkpoints) inside the lab home. */
export function runFolder(home: string, runId: number): string {
  return path.join(home, 'runs', String(runId));
}

/** The 'runs.*' channels and the rules of a run's life (status transitions, deletion); reads and writes go through RunQueries. */
export class RunService {
  private readonly q: RunQueries;

  constructor(private readonly ctx: LabContext) {
    this.q = ctx.store.runs;
  }

  // ---------- writing side (training jobs) ----------

  create(run: NewRun): number {
    return this.q.insert({ ...run, experimentId: run.experimentId ?? null, status: run.status ?? 'queued' });
  }

  /**
   * Moves a run to `to` (see TRANSITIONS). Becoming running stamps started_at (the first time) and clears any
   * earlier finish and error; a final status stamps finished_at and keeps `error` (the reason a run failed or stopped).
   */
  setStatus(id: number, to: RunStatusT, extra: { error?: string | null; backend?: string; threads?: number } = {}): void {
    const row = this.q.requireRow(id);
    const from = row.status as RunStatusT;
    if (from !== to && !TRANSITIONS[from].includes(to)) {
      throw new LabError('conflict', `Run ${id} ("${row.name}") is ${from}, so it cannot become ${to}${from === 'completed' ? '; start a new run instead' : ''}.`, { field: 'status' });
    }
    this.q.updateStatus(id, to, FINAL.includes(to), extra);
  }

  /** A sign of life with the progress so far; recovery treats a silent 'running' run as crashed. */
  heartbeat(id: number, step: number, tokensSeen: number): void {
    this.q.heartbeat(id, step, tokensSeen);
  }

  /** Records a learning-rate sweep's outcome in the run's config: the rate it trains at (so a resume keeps it), and
   *  the trials, which the run page and the comparison table show. One statement: read and write in a transaction. */
  recordSweep(id: number, sweep: { trials: Array<{ lr: number; valLoss: number | null; accuracy: number | null }>; lr: number; atEdge: boolean; steps: number }): void {
    this.ctx.db.transaction(() => {
      const config = JSON.parse(this.q.requireRow(id).config_json) as { training?: Record<string, unknown> } & Record<string, unknown>;
      const training = { ...(config.training ?? {}), lr: sweep.lr, minLr: sweep.lr / 10, lrSweep: null };
      this.q.setConfig(id, { ...config, training, lrSweep: sweep });
    })();
  }

  /** A writer that batches this run's metric points (at most flushMs behind). */
  metricWriter(id: number, flushMs = METRIC_FLUSH_MS): MetricWriter {
    this.q.requireRow(id);
    return new MetricWriter(this.q, id, flushMs);
  }

  addArtifact(runId: number, a: NewArtifact): number {
    return this.q.addArtifact(runId, a);
  }

  addSample(runId: number, s: NewSample): number {
    return this.q.addSample(runId, s);
  }

  /**
   * Forgets what a run logged after `step` (metrics and samples), in one transaction: a crashed run resumes from its
   * last checkpoint, and the steps after it are trained, logged and probed again.
   */
  discardAfter(runId: number, step: number): void {
    this.q.discardAfter(runId, step);
  }

  /** The run as the API shows it (reads that need no rule go to ctx.store.runs directly). */
  run(id: number): RunT {
    return this.q.run(id);
  }

  // ---------- the 'runs.*' channels ----------

  async list(input: ChannelArgs<'runs.list'>): Promise<ChannelOutput<'runs.list'>> {
    return this.q.list(input, input.metrics);
  }

  async get(input: ChannelArgs<'runs.get'>): Promise<ChannelOutput<'runs.get'>> {
    const run = this.run(input.id);
    // the newest samples, shown oldest first so a person reads them as the run learned
    return { ...run, artifacts: this.q.artifacts(input.id), samples: this.q.latestSamples(input.id, input.samples).reverse() };
  }

  async metrics(input: ChannelArgs<'runs.metrics'>): Promise<ChannelOutput<'runs.metrics'>> {
    this.q.requireRow(input.id);
    const keys = input.keys ?? this.q.metricKeys(input.id);
    return { runId: input.id, series: keys.map((key) => this.q.series(input.id, key, input.maxPoints)) };
  }

  /** Removes the run, its metrics, samples and artifact rows (cascade), then its files; a live run must be stopped first. */
  async delete(input: ChannelArgs<'runs.delete'>): Promise<ChannelOutput<'runs.delete'>> {
    markRunsOfDeadOwners(this.ctx.db);
    const row = this.q.requireRow(input.id);
    const beat = Date.parse(row.heartbeat_at ?? row.started_at ?? row.created_at);
    if ((row.status === 'running' || row.status === 'paused') && Date.now() - beat < DEFAULT_STALE_AFTER_MS) {
      throw new LabError('conflict', `Run ${row.id} ("${row.name}") is ${row.status}; stop it first, then delete it.`, { field: 'id' });
    }
    this.q.remove(input.id);
    fs.rmSync(runFolder(this.ctx.home, input.id), { recursive: true, force: true });
    return { ok: true };
  }

  async tag(input: ChannelArgs<'runs.tag'>): Promise<ChannelOutput<'runs.tag'>> {
    const row = this.q.requireRow(input.id);
    const tags = (JSON.parse(row.tags_json) as string[]).filter((t) => !input.remove.includes(t));
    for (const t of input.add) if (!tags.includes(t)) tags.push(t);
    this.q.setTags(input.id, tags);
    return this.run(input.id);
  }

  /** Hides a run from the default lists (or shows it again); nothing is deleted. */
  async archive(input: ChannelArgs<'runs.archive'>): Promise<ChannelOutput<'runs.archive'>> {
    this.q.requireRow(input.id);
    this.q.setArchived(input.id, input.archived);
    return this.run(input.id);
  }

  async note(input: ChannelArgs<'runs.note'>): Promise<ChannelOutput<'runs.note'>> {
    this.q.requireRow(input.id);
    this.q.setNotes(input.id, input.notes);
    return this.run(input.id);
  }
}

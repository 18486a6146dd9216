// RunRecorder: applies a training job's messages to the store — metrics through the batching MetricWriter, heartbeats,
// probe samples, checkpoints as artifacts — and keeps the figures a progress line and the final outcome need.
// It is the main-process half of a job; the job (in-process or in a worker) only sends messages.
import path from 'node:path';
import type { TrainJobMessage, TrainJobResult } from '../../jobs/train/protocol';
import type { TrainingJob } from '../../jobs/training-jobs';
import type { MetricWriter } from './metric-writer';
import type { RunStatusT } from '../../../common/api';
import type { LabContext } from '../app/context';
import { isLabError } from '../../../common/errors';
import type { RunService } from './service';

/** Longest a running run goes without a heartbeat while it trains (recovery treats 60 s of silence as a crash). */
const HEARTBEAT_MS = 2000;

export interface TrainProgress {
  runId: number;
  step: number;
  totalSteps: number;
  loss: number;
  valLoss: number | null;
  /** mean throughput of this session's optimizer steps */
  tokensPerSecond: number;
  /** seconds left at this session's pace, null before the pace is known */
  etaSeconds: number | null;
}

export class RunRecorder {
  backend = 'unknown';
  threads = 0;
  parameters = 0;
  /** absolute folder of the newest checkpoint this session saved */
  checkpoint: string | null = null;
  private readonly writer: MetricWriter;
  private lastBeat = 0;
  private lastVal: number | null = null;
  private stepSeconds = 0;
  private stepTokens = 0;
  private firstStepAt: number | null = null;
  private firstStep = 0;
  private readonly batchTokens: number;
  private lastStep = 0;

  constructor(private readonly ctx: LabContext, private readonly runs: RunService, readonly runId: number, private readonly job: TrainingJob,
    private readonly hooks: { log?(line: string): void; progress?(p: TrainProgress): void } = {}) {
    this.writer = runs.metricWriter(runId);
    this.batchTokens = job.tokensPerStep;
  }

  /** Mean tokens per second over this session's optimizer steps (evaluation and I/O excluded). */
  get tokensPerSecond(): number {
    return this.stepSeconds > 0 ? this.stepTokens / this.stepSeconds : 0;
  }

  readonly onMessage = (m: TrainJobMessage): void => {
    switch (m.type) {
      case 'started':
        ({ backend: this.backend, threads: this.threads, parameters: this.parameters } = m);
        this.runs.setStatus(this.runId, 'running', { backend: m.backend, threads: m.threads });
        this.firstStep = m.step;
        this.lastStep = m.step;
        break;
      case 'step':
        this.step(m);
        break;
      case 'eval':
        this.writer.add('val/loss', m.step, m.valLoss, m.time);
        if (m.perplexity !== null) this.writer.add('val/perplexity', m.step, m.perplexity, m.time);
        this.writer.add('val/accuracy', m.step, m.accuracy, m.time);
        this.lastVal = m.valLoss;
        break;
      case 'sample':
        this.runs.addSample(this.runId, { step: m.step, kind: m.kind, prompt: m.prompt, output: m.output, settings: m.settings });
        break;
      case 'checkpoint': {
        // everything logged up to the checkpoint is made durable before it is registered as a place to resume from
        this.writer.flush();
        const model = m.files.find((f) => f.name === 'model.safetensors');
        this.runs.addArtifact(this.runId, {
          kind: 'checkpoint', path: path.relative(this.ctx.home, m.dir), sha256: model?.sha256 ?? '', bytes: m.files.reduce((n, f) => n + f.bytes, 0),
          step: m.step, meta: { resumable: m.resumable, reason: m.reason, files: m.files },
        });
        this.checkpoint = m.dir;
        break;
      }
      case 'log':
        this.hooks.log?.(m.message);
        break;
      case 'metrics':
        for (const [key, value] of Object.entries(m.values)) this.writer.add(key, m.step, value, m.time);
        break;
      case 'sweep':
        this.runs.recordSweep(this.runId, { trials: m.trials, lr: m.lr, atEdge: m.atEdge, steps: m.steps });
        this.hooks.log?.(`Learning rate ${m.lr.toExponential(0)}: the lowest validation loss of the sweep${m.atEdge ? ' (at the edge of the range tried)' : ''}.`);
        break;
    }
  };

  /** Settles the run: the diverged step's loss (kept as NULL), the last flush and heartbeat, the final status
   *  (the result's own, or `status` — a scheduler records a stop it asked for as a pause as 'paused'). */
  finish(result: TrainJobResult, status: RunStatusT = result.status): void {
    if (result.status === 'failed' && result.lastLoss !== null && !Number.isFinite(result.lastLoss)) {
      this.writer.add('train/loss', result.step, result.lastLoss);
    }
    this.writer.close();
    this.runs.heartbeat(this.runId, result.step, result.step * this.batchTokens);
    this.runs.setStatus(this.runId, status, { error: status === 'paused' ? null : result.reason });
  }

  /** The job's process died without a result: keep what was flushed and received, mark the run crashed. */
  crash(reason: string): void {
    this.writer.close();
    this.runs.setStatus(this.runId, 'crashed', { error: reason });
  }

  /** A figure the job's host measured (e.g. the worker's memory), recorded at the run's current step. */
  addSystemMetric(key: string, value: number, time = Date.now() / 1000): void {
    this.writer.add(key, this.lastStep, value, time);
  }

  /** The job threw: keep what was logged and mark the run failed with the error's sentence. */
  fail(error: unknown): void {
    this.writer.close();
    const message = error instanceof Error ? error.message : String(error);
    this.runs.setStatus(this.runId, 'failed', { error: isLabError(error) ? message : `Training failed with an unexpected error: ${message}` });
  }

  private step(m: Extract<TrainJobMessage, { type: 'step' }>): void {
    const w = this.writer;
    this.lastStep = m.step;
    w.add('train/loss', m.step, m.loss, m.time);
    w.add('train/lr', m.step, m.lr, m.time);
    if (m.gradNorm !== null) w.add('train/grad_norm', m.step, m.gradNorm, m.time);
    w.add('train/tokens_per_s', m.step, m.tokensPerSecond, m.time);
    this.stepSeconds += this.batchTokens / m.tokensPerSecond;
    this.stepTokens += this.batchTokens;
    this.firstStepAt ??= performance.now();
    if (Date.now() - this.lastBeat >= HEARTBEAT_MS) {
      this.lastBeat = Date.now();
      this.runs.heartbeat(this.runId, m.step, m.step * this.batchTokens);
    }
    const elapsed = (performance.now() - this.firstStepAt) / 1000;
    const done = m.step - this.firstStep;
    const total = this.job.totalSteps;
    this.hooks.progress?.({
      runId: this.runId, step: m.step, totalSteps: total, loss: m.loss, valLoss: this.lastVal, tokensPerSecond: this.tokensPerSecond,
      etaSeconds: done > 1 ? (elapsed / (done - 1)) * (total - m.step) : null,
    });
  }
}

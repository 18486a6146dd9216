// JobScheduler: every training run is a job in its own worker process, started from a queue with a concurrency
// limit. It records what the worker reports (RunRecorder), settles the run when the process ends (completed, stopped,
// paused, failed, crashed), and pushes throttled runs.changed / runs.metrics events to the front ends. Its queue is
// kept alive in the store (heartbeats), so a long-lived front end takes over the queue a crashed app left behind.
import type { ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import type { EventPayload, RunStatusT } from '../../../common/api';
import type { LabContext } from '../app/context';
import { LabError } from '../../../common/errors';
import type { RunService } from './service';
import { notResumable, prepareTraining, type TrainingDeps, type TrainSpec } from './training';
import { RunRecorder } from './recorder';
import { claimAbandonedQueue, DEFAULT_STALE_AFTER_MS, markRunsOfDeadOwners, stampQueue, type RecoveryOptions } from '../../store/recovery';
import { JobProcess, spawnWorkerProcess, type JobEnd } from '../../jobs/job-process';
import { JobEvents } from './job-events';
import type { TrainJobMessage } from '../../jobs/train/protocol';
import type { TrainingJob } from '../../jobs/training-jobs';

/** One job at a time on a 2-core machine (two would only thrash each other's kernel threads). */
export function defaultConcurrency(cores = availableParallelism()): number {
  return cores <= 2 ? 1 : Math.min(4, Math.floor(cores / 2));
}

export interface SchedulerOptions {
  concurrency?: number;
  /** starts a worker process (tests and Electron pass their own) */
  spawn?: () => ChildProcess;
  /** shortest gap between two events of one kind for one run (default 100 ms: at most 10 a second) */
  eventIntervalMs?: number;
  /**
   * Long-lived front ends (the app, `serve`): at start and then with every queue heartbeat, queue again the runs a
   * dead process left 'queued', in their order. Off for one-shot CLI commands, which must not start training.
   */
  adoptAbandonedQueue?: boolean;
}

/** How often queued runs' heartbeats are refreshed: well inside the stale cutoff, so a live queue is never adopted. */
export const QUEUE_HEARTBEAT_MS = Math.floor(DEFAULT_STALE_AFTER_MS / 4);

/** A queued job: a new run carries its prepared spec; a resumed one is prepared from its checkpoint when it starts. */
interface Queued {
  runId: number;
  job: TrainingJob | null;
  /** a resume's kernel threads, when its caller chose them */
  threads?: number;
}

interface Active {
  runId: number;
  process: JobProcess | null;
  recorder: RunRecorder | null;
  /** what the person asked for while it ran; a pause settles as 'paused', a stop as 'stopped' */
  requested: 'stop' | 'pause' | null;
  settled: Promise<void>;
}

export class JobScheduler {
  private readonly runs: RunService;
  private readonly queue: Queued[] = [];
  private readonly active = new Map<number, Active>();
  private readonly events: JobEvents;
  private readonly waiters: Array<() => void> = [];
  private readonly settledListeners = new Set<(runId: number) => void>();
  private limit: number;
  private closed = false;
  private readonly queueBeat: NodeJS.Timeout;

  private readonly ctx: LabContext;

  constructor(private readonly deps: TrainingDeps, private readonly opts: SchedulerOptions = {}) {
    this.ctx = deps.ctx;
    this.runs = deps.runs;
    this.limit = opts.concurrency ?? defaultConcurrency();
    this.events = new JobEvents(deps.ctx, opts.eventIntervalMs ?? 100);
    this.queueBeat = setInterval(() => this.beatQueue(), QUEUE_HEARTBEAT_MS);
    this.queueBeat.unref();
    // after the constructor: the lab's services register their onSettled listeners before any adopted run can settle
    if (opts.adoptAbandonedQueue === true) setImmediate(() => this.beatQueue());
  }

  /** How this lab starts a worker process (measurements use the same one). */
  get spawnWorker(): () => ChildProcess {
    return this.opts.spawn ?? spawnWorkerProcess;
  }

  get concurrency(): number {
    return this.limit;
  }

  setConcurrency(n: number): void {
    if (!Number.isInteger(n) || n < 1) throw new LabError('invalid_input', `The job concurrency is ${n}, but it must be a whole number of at least 1.`, { field: 'concurrency' });
    this.limit = n;
    this.pump();
  }

  /** Ids of the runs whose worker is live, and of the queued ones in the order they will start. */
  snapshot(): { running: number[]; queued: number[] } {
    return { running: [...this.active.keys()], queued: this.queue.map((q) => q.runId) };
  }

  /** Called after a run's job has ended and its final status is stored (experiments measure from here). */
  onSettled(listener: (runId: number) => void): () => void {
    this.settledListeners.add(listener);
    return () => this.settledListeners.delete(listener);
  }

  /** The worker's process id of a running run (tests kill it to simulate a crash), or undefined. */
  pidOf(runId: number): number | undefined {
    return this.active.get(runId)?.process?.pid;
  }

  /** Records a new run as queued and queues its job; refusals (unknown or deleting dataset…) record nothing. */
  async start(spec: TrainSpec, log: (line: string) => void = () => {}): Promise<number> {
    this.assertOpen();
    if (spec.resume !== undefined) return this.resume(spec.resume);
    if (spec.dataset !== undefined) this.assertDatasetUsable(spec.dataset);
    const threads = spec.threads ?? Math.max(1, Math.floor(availableParallelism() / this.limit));
    const { runId, job } = await prepareTraining(this.deps, { ...spec, threads, queued: true }, log);
    this.queue.push({ runId, job });
    this.changed(runId);
    this.pump();
    return runId;
  }

  /** Queues the prepared job of a run its service already recorded as queued (kinds other than 'lm', e.g. a seq2seq arm). */
  enqueue(job: TrainingJob): void {
    this.assertOpen();
    this.queue.push({ runId: job.runId, job });
    this.changed(job.runId);
    this.pump();
  }

  /** Queues a stopped, paused or crashed run to continue from its last resumable checkpoint (with `threads` kernel threads). */
  resume(runId: number, threads?: number): number {
    this.assertOpen();
    // a run left 'running' by a process on this machine that was killed is crashed now, not after the stale cutoff
    markRunsOfDeadOwners(this.ctx.db);
    const run = this.runs.run(runId);
    if (this.active.has(runId) || this.queue.some((q) => q.runId === runId)) {
      throw new LabError('conflict', `Run ${runId} ("${run.name}") is already ${run.status}; it needs no resume.`, { field: 'id' });
    }
    if (!['stopped', 'paused', 'crashed'].includes(run.status)) throw notResumable(runId, run.name, run.status, 'id');
    if (this.ctx.store.runs.latestCheckpoint(runId, true) === null) {
      throw new LabError('not_found', `Run ${runId} ("${run.name}") has no resumable checkpoint, so it cannot continue; start a new run instead.`, { field: 'id' });
    }
    this.runs.setStatus(runId, 'queued', { error: null });
    this.queue.push({ runId, job: null, threads });
    this.changed(runId);
    this.pump();
    return runId;
  }

  /**
   * Queues again, behind this scheduler's own queue and in their original order, the runs a dead process left
   * 'queued' (see claimAbandonedQueue): a resumed one continues from its checkpoint, one that never trained starts
   * from step 0 with its recorded settings. Returns their ids.
   */
  adoptAbandoned(opts: RecoveryOptions = {}): number[] {
    if (this.closed) return [];
    const ids = claimAbandonedQueue(this.ctx.db, opts).filter((id) => !this.active.has(id) && !this.queue.some((q) => q.runId === id));
    for (const runId of ids) {
      this.queue.push({ runId, job: null });
      this.changed(runId);
    }
    this.pump();
    return ids;
  }

  /** Stops a run: a queued one leaves the queue, a running one checkpoints and ends as 'stopped'. */
  stop(runId: number): void {
    this.interrupt(runId, 'stop');
  }

  /** Pauses a run: it checkpoints and ends as 'paused'; resume() continues it. A queued run is paused in place. */
  pause(runId: number): void {
    this.interrupt(runId, 'pause');
  }

  /** Stops the run if it is live, waits for its worker to settle, then deletes it with its files. */
  async delete(runId: number): Promise<void> {
    const active = this.active.get(runId);
    if (active) {
      this.interrupt(runId, 'stop');
      await active.settled;
    } else if (this.queue.some((q) => q.runId === runId)) {
      this.interrupt(runId, 'stop');
    } else if (this.runs.run(runId).status === 'paused') {
      // a paused run has no worker; it is stopped so the store lets it go
      this.runs.setStatus(runId, 'stopped');
    }
    await this.runs.delete({ id: runId });
  }

  /** Resolves when none of `runIds` (default: any run) is queued or running. */
  async idle(runIds?: number[]): Promise<void> {
    const busy = (): boolean => (runIds === undefined
      ? this.active.size > 0 || this.queue.length > 0
      : runIds.some((id) => this.active.has(id) || this.queue.some((q) => q.runId === id)));
    while (busy()) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /**
   * Ends every worker at once (the lab is closing) and marks their runs crashed, so they can be resumed from the
   * last checkpoint at the next start. Queued resumes go back to paused; queued new runs, which never trained, stop.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const a of this.active.values()) {
      a.process?.kill();
      try {
        a.recorder?.crash('The lab closed while this run was training; resume it from its last checkpoint.');
      } catch (e) {
        console.error(`Run ${a.runId} could not be marked crashed while the lab closed:`, e);
      }
    }
    clearInterval(this.queueBeat);
    this.active.clear();
    for (const q of this.queue.splice(0)) {
      try {
        if (q.job === null) this.runs.setStatus(q.runId, 'paused');
        else this.runs.setStatus(q.runId, 'stopped', { error: 'The lab closed before this run started; start it again.' });
      } catch (e) {
        console.error(`Queued run ${q.runId} could not be settled while the lab closed:`, e);
      }
    }
    this.events.close();
    this.wake();
  }

  // ---------- other kinds: resumes a capability prepares itself (static embeddings; fine-tunes may join) ----------

  /** Run families whose queued resumes their own capability prepares (GPT/BERT: prepareTraining). */
  private readonly resumers = new Map<string, (runId: number) => TrainingJob | Promise<TrainingJob>>();

  /**
   * How runs of these families are prepared when they leave the queue as resumes (runs.resume, a crashed run, a queue
   * a dead app left): `prepare(runId)` returns the job from the run's record (it continues from the last resumable
   * checkpoint, or starts at step 0 if there is none); the scheduler then marks the run 'running'.
   */
  registerResume(families: readonly string[], prepare: (runId: number) => TrainingJob | Promise<TrainingJob>): void {
    for (const f of families) this.resumers.set(f, prepare);
  }

  private async prepareQueuedResume(runId: number, threads?: number): Promise<TrainingJob> {
    const own = this.resumers.get(this.runs.run(runId).family);
    if (own === undefined) return (await prepareTraining(this.deps, { resume: runId, queued: true, threads }, this.logTo(runId))).job;
    const job = await own(runId);
    this.runs.setStatus(runId, 'running', { error: null });
    return job;
  }

  // ---------- internals ----------

  private interrupt(runId: number, kind: 'stop' | 'pause'): void {
    const run = this.runs.run(runId);
    const active = this.active.get(runId);
    if (active) {
      active.requested = kind;
      active.process?.request(kind);
      return;
    }
    const at = this.queue.findIndex((q) => q.runId === runId);
    if (at >= 0) {
      const [entry] = this.queue.splice(at, 1);
      // a queued resume keeps its checkpoint, so it can pause; a queued fresh run has nothing to pause to
      const to: RunStatusT = kind === 'pause' && entry.job === null ? 'paused' : 'stopped';
      this.runs.setStatus(runId, to);
      this.changed(runId);
      this.wake();
      return;
    }
    throw new LabError('conflict', `Run ${runId} ("${run.name}") is ${run.status}, not queued or running, so there is nothing to ${kind}.`, { field: 'id' });
  }

  private pump(): void {
    while (!this.closed && this.active.size < this.limit && this.queue.length > 0) {
      const entry = this.queue.shift() as Queued;
      const active: Active = { runId: entry.runId, process: null, recorder: null, requested: null, settled: Promise.resolve() };
      this.active.set(entry.runId, active);
      active.settled = this.launch(entry, active).catch((e: unknown) => {
        console.error(`The job of run ${entry.runId} could not be settled:`, e);
      }).finally(() => {
        if (this.closed) return;
        this.active.delete(entry.runId);
        // The final status goes out before the next run starts (events keep their order), and nothing that throws
        // here — a run deleted meanwhile, an onSettled listener such as the experiment's auto-measure — may keep the
        // queue from moving on: the next run, a queued resume say, would otherwise wait forever.
        this.tell(`The final status of run ${entry.runId} could not be sent`, () => this.changed(entry.runId));
        this.wake();
        this.pump();
        for (const listener of this.settledListeners) this.tell(`A listener for the end of run ${entry.runId} failed`, () => listener(entry.runId));
      });
    }
  }

  private async launch(entry: Queued, active: Active): Promise<void> {
    let job: TrainingJob;
    try {
      if (entry.job === null) {
        job = await this.prepareQueuedResume(entry.runId, entry.threads);
      } else {
        job = entry.job;
        // a language model reads its dataset; other kinds carry their data in the job
        if (job.kind === 'lm') this.assertDatasetStillThere(entry.runId);
        this.runs.setStatus(entry.runId, 'running');
      }
    } catch (e) {
      this.runs.setStatus(entry.runId, 'failed', { error: e instanceof Error ? e.message : String(e) });
      return;
    }
    // the job's own lines (the learning-rate sweep's choice…) go out as runs.log, as the preparation's do
    const recorder = new RunRecorder(this.ctx, this.runs, entry.runId, job, { log: this.logTo(entry.runId) });
    active.recorder = recorder;
    this.changed(entry.runId);
    let lastStep = 0;
    const tokensPerStep = job.tokensPerStep;
    const proc = new JobProcess(job, {
      message: (m: TrainJobMessage) => {
        if (this.closed) return;
        recorder.onMessage(m);
        if (m.type === 'step' || m.type === 'started') lastStep = m.step;
        this.events.message(entry.runId, m, () => this.changedPayload(entry.runId));
      },
      heartbeat: (rss, time) => {
        if (this.closed) return;
        this.runs.heartbeat(entry.runId, lastStep, lastStep * tokensPerStep);
        recorder.addSystemMetric('system/rss_mb', rss / 2 ** 20, time);
      },
    }, this.spawnWorker);
    active.process = proc;
    if (active.requested !== null) proc.request(active.requested);
    const end = await proc.ended;
    if (this.closed) return;
    this.settle(entry.runId, recorder, end, active.requested);
  }

  private settle(runId: number, recorder: RunRecorder, end: JobEnd, requested: 'stop' | 'pause' | null): void {
    if (end.kind === 'result') {
      recorder.addSystemMetric('system/peak_rss_mb', end.peakRss / 2 ** 20);
      const paused = requested === 'pause' && end.result.status === 'stopped';
      recorder.finish(end.result, paused ? 'paused' : end.result.status);
    } else if (end.kind === 'error') {
      recorder.fail(end.labError ? new LabError('invalid_input', end.message) : new Error(end.message));
    } else {
      const beat = this.runs.run(runId).heartbeatAt ?? 'never';
      const how = end.signal !== null ? `was killed by ${end.signal}` : `exited with code ${end.code ?? 'unknown'}`;
      recorder.crash(`The training process ${how} before it finished (last heartbeat ${beat}); resume the run to continue from its last checkpoint.`);
    }
  }

  /** Where the lines about preparing and training one run go: runs.log events for the front ends that follow it. */
  private logTo(runId: number): (line: string) => void {
    return (line) => {
      if (!this.closed) this.ctx.emit('runs.log', { runId, taskId: null, line });
    };
  }

    /** Runs one notification; a failure is logged with `what` and goes no further. */
  private tell(what: string, notify: () => void): void {
    try {
      notify();
    } catch (e) {
      console.error(`${what}:`, e);
    }
  }

  private changedPayload(runId: number): EventPayload<'runs.changed'> {
    const r = this.runs.run(runId);
    return { id: r.id, status: r.status, step: r.step, totalSteps: r.totalSteps, error: r.error, experimentId: r.experimentId };
  }

  private changed(runId: number): void {
    if (!this.closed) this.events.changedNow(this.changedPayload(runId));
  }

  /** Keeps this queue's runs alive in the store (in queue order), then, if asked, adopts a dead process's queue. */
  private beatQueue(): void {
    if (this.closed) return;
    try {
      stampQueue(this.ctx.db, this.queue.map((q) => q.runId));
      if (this.opts.adoptAbandonedQueue === true) this.adoptAbandoned();
    } catch (e) {
      // a busy or closing store: the next beat tries again, well before the queue could look abandoned
      console.error('The job queue could not be refreshed in the store:', e);
    }
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  private assertOpen(): void {
    if (this.closed) throw new LabError('unavailable', 'The job scheduler has been closed; start the lab again to train.');
  }

  /** Refuses a dataset (name or id) that is being deleted or still importing, with the reason. */
  assertDatasetUsable(ref: string): void {
    const row = this.ctx.store.datasets.statusByRef.get(ref, /^\d+$/.test(ref) ? Number(ref) : -1);
    if (row !== undefined && row.status !== 'ready') {
      throw new LabError('conflict', `Dataset "${row.name}" is ${row.status === 'deleting' ? 'being deleted' : 'still importing'}, so no run can start on it; choose another dataset${row.status === 'importing' ? ' or wait for the import to finish' : ''}.`, { field: 'dataset' });
    }
  }

  private assertDatasetStillThere(runId: number): void {
    const row = this.ctx.store.runs.datasetOf(runId);
    if (row === undefined || row.status === null) {
      throw new LabError('not_found', `The dataset of run ${runId} was deleted while the run waited in the queue; start a new run on another dataset.`, { field: 'dataset' });
    }
    if (row.status !== 'ready') {
      throw new LabError('conflict', `Dataset "${row.name}" is being deleted, so run ${runId} cannot start; start a new run on another dataset.`, { field: 'dataset' });
    }
  }
}

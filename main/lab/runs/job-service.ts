// JobService: the 'runs.start|stop|pause|resume|delete' and 'jobs.*' channels over the lab's one JobScheduler,
// with the job concurrency kept as a setting in the store.
import type { ChannelArgs, ChannelOutput } from '../../../common/api';
import { JobScheduler, type SchedulerOptions } from './scheduler';
import type { RunQueries } from '../../store/runs';
import type { TrainingDeps } from './training';

const CONCURRENCY_KEY = 'jobs.concurrency';

export class JobService {
  readonly scheduler: JobScheduler;
  /** run reads (the channels answer with the run as it is now) */
  private readonly runs: RunQueries;

  constructor(private readonly deps: TrainingDeps, opts: SchedulerOptions = {}) {
    this.runs = deps.ctx.store.runs;
    const stored = deps.ctx.store.settings.get(CONCURRENCY_KEY);
    const concurrency = stored !== undefined && /^\d+$/.test(stored) && Number(stored) >= 1 ? Number(stored) : undefined;
    this.scheduler = new JobScheduler(deps, { ...opts, concurrency: opts.concurrency ?? concurrency });
  }

  /** The preparation's lines (default split, tokenizer, token counts) go out as runs.log with the caller's taskId. */
  async start(input: ChannelArgs<'runs.start'>): Promise<ChannelOutput<'runs.start'>> {
    const { taskId = null, ...spec } = input;
    const runId = await this.scheduler.start(spec, (line) => this.deps.ctx.emit('runs.log', { runId: null, taskId, line }));
    return this.runs.run(runId);
  }

  async stop(input: ChannelArgs<'runs.stop'>): Promise<ChannelOutput<'runs.stop'>> {
    this.scheduler.stop(input.id);
    return this.runs.run(input.id);
  }

  async pause(input: ChannelArgs<'runs.pause'>): Promise<ChannelOutput<'runs.pause'>> {
    this.scheduler.pause(input.id);
    return this.runs.run(input.id);
  }

  async resume(input: ChannelArgs<'runs.resume'>): Promise<ChannelOutput<'runs.resume'>> {
    this.scheduler.resume(input.id, input.threads);
    return this.runs.run(input.id);
  }

  /** A live run is stopped (with its checkpoint) before it is deleted. */
  async delete(input: ChannelArgs<'runs.delete'>): Promise<ChannelOutput<'runs.delete'>> {
    await this.scheduler.delete(input.id);
    return { ok: true };
  }

  async status(): Promise<ChannelOutput<'jobs.status'>> {
    const { running, queued } = this.scheduler.snapshot();
    const crashed = await this.runs.list({ status: 'crashed', includeArchived: false });
    const resumable = crashed.filter((r) => this.runs.latestCheckpoint(r.id, true) !== null);
    return { concurrency: this.scheduler.concurrency, running, queued, resumable };
  }

  async setConcurrency(input: ChannelArgs<'jobs.setConcurrency'>): Promise<ChannelOutput<'jobs.setConcurrency'>> {
    this.scheduler.setConcurrency(input.concurrency);
    this.deps.ctx.store.settings.set(CONCURRENCY_KEY, String(input.concurrency));
    return this.status();
  }

  close(): void {
    this.scheduler.close();
  }
}

// Following training runs from the CLI through the lab's events (runs.changed, runs.metrics, runs.log), as the app's
// pages do: a run started or resumed through lab.call is shown in the foreground — its preparation lines, a progress
// line per step, Ctrl-C as runs.stop — until it settles (completed, stopped, paused, failed, crashed).
import { randomUUID } from 'node:crypto';
import { constants as osConstants } from 'node:os';
import type { EventPayload, RunStatusT } from '../../common/api';
import type { TrainProgress } from '../lab/runs/recorder';
import type { Lab } from '../lab/index';
import type { CommandContext } from './command';

/** Statuses in which a run's job is still queued or working. */
const LIVE: readonly RunStatusT[] = ['queued', 'running'];

/** Non-TTY progress: the first step at once, then a line at most this often (logs stay short). */
const LINE_INTERVAL_MS = 2000;
/** TTY progress: the line is rewritten in place at most this often. */
const TTY_INTERVAL_MS = 100;

type Point = EventPayload<'runs.metrics'>['points'][number];

/**
 * The progress of one run's session as its metric points arrive: throughput as the mean over this session's optimizer
 * steps (tokens / seconds spent in steps — with the same tokens in every step, the harmonic mean of the steps'
 * tokens/s, so the step size is not needed), ETA at this session's pace, the last validation loss.
 */
export class SessionProgress {
  private stepSeconds = 0;
  private steps = 0;
  private firstStep: number | null = null;
  private firstAt = 0;
  private loss = Number.NaN;
  private valLoss: number | null = null;

  constructor(readonly runId: number, private readonly totalSteps: number) {}

  /** Mean tokens per second over this session's optimizer steps (evaluation and I/O excluded); 0 before a step. */
  get tokensPerSecond(): number {
    return this.stepSeconds > 0 ? this.steps / this.stepSeconds : 0;
  }

  /** Takes one point; returns the progress when it completes a step (its throughput point, the last of a step's points). */
  add(p: Point): TrainProgress | null {
    const value = p.value ?? Number.NaN;
    if (p.key === 'val/loss') this.valLoss = value;
    if (p.key === 'train/loss') {
      this.loss = value;
      if (this.firstStep === null) {
        this.firstStep = p.step - 1;
        this.firstAt = performance.now();
      }
    }
    if (p.key !== 'train/tokens_per_s') return null;
    if (Number.isFinite(value) && value > 0) {
      this.stepSeconds += 1 / value;
      this.steps += 1;
    }
    const done = p.step - (this.firstStep ?? p.step - 1);
    const elapsed = (performance.now() - this.firstAt) / 1000;
    return {
      runId: this.runId, step: p.step, totalSteps: this.totalSteps, loss: this.loss, valLoss: this.valLoss, tokensPerSecond: this.tokensPerSecond,
      etaSeconds: done > 1 ? (elapsed / (done - 1)) * (this.totalSteps - p.step) : null,
    };
  }
}

/**
 * Subscribes at once (before the command starts its runs, so no event is missed) and resolves `settled(ids)` when
 * none of them is queued or running any more. `onChanged`, `onMetrics` and `onLog` see every such event.
 */
export function followRuns(ctx: CommandContext, lab: Lab, handlers: {
  onChanged?(p: EventPayload<'runs.changed'>): void;
  onMetrics?(p: EventPayload<'runs.metrics'>): void;
  onLog?(p: EventPayload<'runs.log'>): void;
} = {}): { settled(ids: number[]): Promise<void>; close(): void } {
  const status = new Map<number, RunStatusT>();
  let waiting: { ids: number[]; resolve(): void } | null = null;
  const check = (): void => {
    if (waiting !== null && waiting.ids.every((id) => status.has(id) && !LIVE.includes(status.get(id) as RunStatusT))) {
      const done = waiting;
      waiting = null;
      done.resolve();
    }
  };
  const unsubscribe = lab.on((event, payload) => {
    if (event === 'runs.changed') {
      const p = payload as EventPayload<'runs.changed'>;
      status.set(p.id, p.status);
      handlers.onChanged?.(p);
      check();
    } else if (event === 'runs.metrics') {
      handlers.onMetrics?.(payload as EventPayload<'runs.metrics'>);
    } else if (event === 'runs.log') {
      handlers.onLog?.(payload as EventPayload<'runs.log'>);
    }
  });
  return {
    async settled(ids: number[]): Promise<void> {
      // a run may have settled before anyone asked: its stored status says so
      for (const id of ids) {
        if (status.has(id)) continue;
        const stored = (await ctx.call('runs.get', { id, samples: 0 })).status;
        if (!status.has(id)) status.set(id, stored);
      }
      await new Promise<void>((resolve) => {
        waiting = { ids, resolve };
        check();
      });
    },
    close: unsubscribe,
  };
}

/** The run a command started: its id and how many steps it will train (runs.start's Run, embeddings.train's answer…). */
export interface StartedRun {
  id: number;
  totalSteps: number | null;
}

export interface ForegroundOptions {
  /** starts or resumes the run through lab.call; `taskId` is what runs.start may take to tag its preparation lines */
  start(taskId: string): Promise<StartedRun>;
  /** the progress line of a step (written in place on a TTY at most every 100 ms, else a line every 2 s and the last step) */
  progressText(p: TrainProgress): string;
  /** said when Ctrl-C (or SIGTERM) asks for the stop */
  stopNote?: string;
}

export interface ForegroundSession {
  /** the run as start() answered it */
  run: StartedRun;
  session: SessionProgress;
  /** the signal that asked for the stop, or null */
  stopSignal: NodeJS.Signals | null;
  /** from the call to the run's settling, preparation included */
  wallSeconds: number;
}

/**
 * Starts one run and follows it in the foreground until it settles: runs.log lines of its preparation and job as notes
 * on stderr, a progress line per step from its metric points, and Ctrl-C (SIGINT/SIGTERM) as runs.stop — the job
 * finishes its step and saves a resumable checkpoint; the command exits with `stopExitCode`.
 */
export async function followForeground(ctx: CommandContext, opts: ForegroundOptions): Promise<ForegroundSession> {
  const lab = ctx.lab();
  const started = performance.now();
  const taskId = `cli-${randomUUID()}`;
  const tty = process.stderr.isTTY === true;
  let lastLine = 0;
  let inPlace = false;
  const note = (line: string): void => {
    if (inPlace) process.stderr.write('\n');
    inPlace = false;
    ctx.note(line);
  };
  const show = (p: TrainProgress): void => {
    const now = Date.now();
    const last = p.step === p.totalSteps;
    if (tty) {
      if (now - lastLine < TTY_INTERVAL_MS && !last) return;
      process.stderr.write(`\r${opts.progressText(p)}\x1b[K`);
      inPlace = true;
    } else {
      if (lastLine !== 0 && now - lastLine < LINE_INTERVAL_MS && !last) return;
      ctx.note(opts.progressText(p));
    }
    lastLine = now;
  };
  // events of runs this command may own come before start() answers with its id (a resume is prepared inside the
  // call): they wait here until the id is known, then those of other runs are dropped
  let session: SessionProgress | null = null;
  const early: Array<EventPayload<'runs.metrics'> | EventPayload<'runs.log'>> = [];
  const take = (e: EventPayload<'runs.metrics'> | EventPayload<'runs.log'>): void => {
    if ('line' in e) {
      note(e.line);
      return;
    }
    for (const point of e.points) {
      const p = session?.add(point);
      if (p) show(p);
    }
  };
  const follow = followRuns(ctx, lab, {
    onMetrics: (m) => {
      if (session === null) early.push(m);
      else if (m.runId === session.runId) take(m);
    },
    onLog: (l) => {
      if (l.runId === null) {
        if (l.taskId === taskId) take(l);
      } else if (session === null) {
        early.push(l);
      } else if (l.runId === session.runId) {
        take(l);
      }
    },
  });
  let stopSignal: NodeJS.Signals | null = null;
  let runId: number | null = null;
  // a run that already ended has nothing to stop
  const stop = (): void => {
    if (runId !== null) ctx.call('runs.stop', { id: runId }).catch(() => undefined);
  };
  void ctx.waitForStop().then((signal) => {
    stopSignal = signal;
    note(opts.stopNote ?? 'Stopping after this step and saving a resumable checkpoint…');
    stop();
  });
  let run: StartedRun;
  try {
    run = await opts.start(taskId);
    runId = run.id;
    if (stopSignal !== null) stop();
    session = new SessionProgress(run.id, run.totalSteps ?? 0);
    for (const e of early.splice(0)) if (e.runId === run.id) take(e);
    await follow.settled([run.id]);
  } finally {
    follow.close();
    if (inPlace) process.stderr.write('\n');
  }
  return { run, session, stopSignal, wallSeconds: (performance.now() - started) / 1000 };
}

/** 128 + the signal's number (130 for Ctrl-C) when a signal stopped the run, as shells expect; else undefined (exit 0). */
export function stopExitCode(status: string, stopSignal: NodeJS.Signals | null): number | undefined {
  return status === 'stopped' && stopSignal !== null ? 128 + osConstants.signals[stopSignal] : undefined;
}

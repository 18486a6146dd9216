// Jobs in their own child process: the spawn (kept in this one function, so Electron can swap in its own), a
// training-job handle that sends commands, relays reports and settles when the process is gone, and one-shot tasks.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { LabError } from '../../common/errors';
import { TASK_LABELS, type TaskInput, type TaskKind, type TaskOutput } from './tasks';
import type { TrainJobMessage, TrainJobResult } from './train/protocol';
import type { TrainingJob } from './training-jobs';
import { isWorkerReport, type WorkerCommand, type WorkerReport } from './worker-protocol';
import { tsxWorkerOptions } from './tsx-loader';

const WORKER_ENTRY = fileURLToPath(new URL('./worker.ts', import.meta.url));

/** Starts the worker process: Node with tsx as its TypeScript loader and structured-clone IPC. */
export function spawnWorkerProcess(): ChildProcess {
  return fork(WORKER_ENTRY, [], {
    ...tsxWorkerOptions(),
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/** How a job process ended: its result, an error it reported, or an exit without either (a crash). */
export type JobEnd =
  | { kind: 'result'; result: TrainJobResult; peakRss: number }
  | { kind: 'error'; message: string; labError: boolean }
  | { kind: 'crash'; code: number | null; signal: NodeJS.Signals | null };

export interface JobHandlers {
  message(m: TrainJobMessage): void;
  heartbeat(rss: number, time: number): void;
}

/** A running job process. `ended` resolves once the process has exited, with what it last reported. */
export class JobProcess {
  readonly ended: Promise<JobEnd>;
  private readonly child: ChildProcess;

  constructor(job: TrainingJob, handlers: JobHandlers, spawn: () => ChildProcess = spawnWorkerProcess) {
    this.child = spawn();
    let final: JobEnd | null = null;
    this.child.on('message', (raw: unknown) => {
      if (!isWorkerReport(raw)) return;
      const report: WorkerReport = raw;
      if (report.type === 'job') handlers.message(report.message);
      else if (report.type === 'heartbeat') handlers.heartbeat(report.rss, report.time);
      else if (report.type === 'result') final = { kind: 'result', result: report.result, peakRss: report.peakRss };
      else if (report.type === 'error') final = { kind: 'error', message: report.message, labError: report.labError };
    });
    this.ended = new Promise((resolve) => {
      // 'close' comes after 'exit' and after the IPC channel has delivered every message the child sent
      this.child.once('close', (code, signal) => resolve(final ?? { kind: 'crash', code, signal }));
      this.child.once('error', () => resolve(final ?? { kind: 'crash', code: null, signal: null }));
    });
    this.send({ type: 'start', job });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Asks the job to finish its step, save a resumable checkpoint and exit. */
  request(type: 'stop' | 'pause'): void {
    this.send({ type });
  }

  /** Ends the process at once (the app is closing); the run is settled by whoever awaits `ended`. */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  private send(command: WorkerCommand): void {
    if (this.child.connected) this.child.send(command);
  }
}

/**
 * Runs a one-shot task (tasks.ts) in its own worker process and resolves with its answer, so a long computation never
 * blocks the lab and a crash stays there; `signal` (the lab closing) ends the process.
 */
export function runTask<K extends TaskKind>(kind: K, input: TaskInput<K>, spawn: () => ChildProcess = spawnWorkerProcess,
  signal?: AbortSignal): Promise<TaskOutput<K>> {
  const label = TASK_LABELS[kind];
  if (signal?.aborted === true) return Promise.reject(new LabError('unavailable', `The lab closed before ${label.process.replace(/^The /, 'the ')} started.`));
  const child = spawn();
  signal?.addEventListener('abort', () => child.kill('SIGKILL'), { once: true });
  let outcome: { output: unknown } | { error: string; labError: boolean } | null = null;
  child.on('message', (raw: unknown) => {
    if (!isWorkerReport(raw)) return;
    if (raw.type === 'done') outcome = { output: raw.output };
    else if (raw.type === 'error') outcome = { error: raw.message, labError: raw.labError };
  });
  child.send({ type: 'task', kind, input } satisfies WorkerCommand);
  return new Promise((resolve, reject) => {
    child.once('close', (code, signal) => {
      const o = outcome as typeof outcome;
      if (o !== null && 'output' in o) resolve(o.output as TaskOutput<K>);
      else if (o !== null) reject(o.labError ? new LabError('invalid_input', o.error) : new Error(o.error));
      else reject(new LabError('internal', `${label.process} ${signal !== null ? `was killed by ${signal}` : `exited with code ${code ?? 'unknown'}`} before it reported; ${label.retry}.`));
    });
  });
}

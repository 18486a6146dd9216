// The messages between the lab (parent) and a job worker process (child): commands down; job messages, heartbeats and
// the final result (or a task's one answer) up. Sent over Node's IPC channel with 'advanced' (structured clone)
// serialization, so the typed arrays of a job's spec cross as they are.
import type { TaskKind } from './tasks';
import type { TrainJobMessage, TrainJobResult } from './train/protocol';
import type { TrainingJob } from './training-jobs';

/** Parent → worker. 'stop' and 'pause' both finish the current step and save a resumable checkpoint. */
export type WorkerCommand =
  /** run a training job (training-jobs.ts), relaying its messages, until it ends or is told to stop */
  | { type: 'start'; job: TrainingJob }
  /** run a one-shot task (tasks.ts) and exit */
  | { type: 'task'; kind: TaskKind; input: unknown }
  | { type: 'stop' }
  | { type: 'pause' };

/** Worker → parent. `time` is seconds since the Unix epoch; `rss` is the worker's resident set in bytes. */
export type WorkerReport =
  | { type: 'job'; message: TrainJobMessage }
  | { type: 'heartbeat'; rss: number; time: number }
  | { type: 'result'; result: TrainJobResult; peakRss: number }
  | { type: 'done'; output: unknown }
  | { type: 'error'; message: string; labError: boolean };

/** How often a worker says it is alive (and how much memory it holds). */
export const WORKER_HEARTBEAT_MS = 5000;

export function isWorkerReport(value: unknown): value is WorkerReport {
  const type = (value as { type?: unknown } | null)?.type;
  return type === 'job' || type === 'heartbeat' || type === 'result' || type === 'done' || type === 'error';
}

// The messages between the scheduler (parent) and a training worker process (child): commands down, job messages,
// heartbeats and the final result up. Sent over Node's IPC channel with 'advanced' (structured clone) serialization,
// so the typed arrays of a TrainJobSpec cross as they are.
import type { MeasureOptions, PairInput, PairMeasurement } from '../lab/compare-measure';
import type { TrainJobMessage, TrainJobResult, TrainJobSpec } from './protocol';

/** Parent → worker. 'stop' and 'pause' both finish the current step and save a resumable checkpoint. */
export type WorkerCommand =
  | { type: 'start'; spec: TrainJobSpec }
  /** measure a trained GPT/BERT pair on held-out text (a comparison), then exit */
  | { type: 'measure'; input: PairInput; options: Partial<MeasureOptions> }
  | { type: 'stop' }
  | { type: 'pause' };

/** Worker → parent. `time` is seconds since the Unix epoch; `rss` is the worker's resident set in bytes. */
export type WorkerReport =
  | { type: 'job'; message: TrainJobMessage }
  | { type: 'heartbeat'; rss: number; time: number }
  | { type: 'result'; result: TrainJobResult; peakRss: number }
  | { type: 'measured'; measurement: PairMeasurement }
  | { type: 'error'; message: string; labError: boolean };

/** How often a worker says it is alive (and how much memory it holds). */
export const WORKER_HEARTBEAT_MS = 5000;

export function isWorkerReport(value: unknown): value is WorkerReport {
  const type = (value as { type?: unknown } | null)?.type;
  return type === 'job' || type === 'heartbeat' || type === 'result' || type === 'measured' || type === 'error';
}

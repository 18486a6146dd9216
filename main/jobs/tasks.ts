// One-shot jobs: a job worker process runs one from plain data, answers once and exits. Each kind names its input and
// output in TaskKinds and its body in TASKS; a service runs it with runTask(kind, input, …) (job-process.ts), which
// spawns the worker, so a long or crashing computation never touches the lab's own process.
// Adding a kind: its body in jobs/<kind>/, one entry in TaskKinds and one in TASKS; nothing else changes.
import { computePair, type MeasureOptions, type PairInput, type PairMeasurement } from './measure/measure';

export interface TaskKinds {
  /** measure a trained GPT/BERT pair on held-out text (a comparison) */
  measure: { input: { pair: PairInput; options: Partial<MeasureOptions> }; output: PairMeasurement };
}

export type TaskKind = keyof TaskKinds;
export type TaskInput<K extends TaskKind> = TaskKinds[K]['input'];
export type TaskOutput<K extends TaskKind> = TaskKinds[K]['output'];

/** The body of every kind; it may throw a LabError, whose sentence reaches the caller. */
export const TASKS: { [K in TaskKind]: (input: TaskInput<K>) => TaskOutput<K> | Promise<TaskOutput<K>> } = {
  measure: ({ pair, options }) => computePair(pair, options),
};

/** What a kind's process is called in the sentence when it dies before answering ("the measuring process …"). */
export const TASK_LABELS: { [K in TaskKind]: { process: string; retry: string } } = {
  measure: { process: 'The measuring process', retry: 'measure the experiment again' },
};

// One-shot jobs: a job worker process runs one from plain data, answers once and exits. Each kind names its input and
// output in TaskKinds and its body in TASKS; a service runs it with runTask(kind, input, …) (job-process.ts), which
// spawns the worker, so a long or crashing computation never touches the lab's own process.
// Adding a kind: its body in jobs/<kind>/, one entry in TaskKinds and one in TASKS; nothing else changes.
import { computePair, type MeasureOptions, type PairInput, type PairMeasurement } from './measure/measure';
import { alignmentFrames, decoderSteps, type AlignmentFrame, type AlignmentTaskInput, type DecoderStepsTaskInput } from './seq2seq/inspect-task';
import { runTorchExport, type TorchExportTaskInput } from './scale/export-task';
import type { TorchExportResult } from '../scale/torch-export';
import { computeTutorialPair, type TutorialOptions, type TutorialPairFigures } from './measure/tutorial';

export interface TaskKinds {
  /** measure a trained GPT/BERT pair on held-out text (a comparison) */
  measure: { input: { pair: PairInput; options: Partial<MeasureOptions> }; output: PairMeasurement };
  /** a seq2seq run's target x source attention at each of its weight snapshots (the alignment view) */
  seq2seqAlignment: { input: AlignmentTaskInput; output: { runId: number; frames: AlignmentFrame[] }[] };
  /** a seq2seq RNN decoder step by step at one snapshot */
  seq2seqDecoderSteps: { input: DecoderStepsTaskInput; output: ReturnType<typeof decoderSteps> };
  /** a run or experiment written as a PyTorch DDP project: its data tokenized, shards, weights and scripts */
  torchExport: { input: TorchExportTaskInput; output: TorchExportResult };
  /** the tutorial's extra rows for one pre-trained pair: fill-in with/without the right side, continuations scored */
  tutorial: { input: { pair: PairInput; options: Partial<TutorialOptions> }; output: TutorialPairFigures };
}

export type TaskKind = keyof TaskKinds;
export type TaskInput<K extends TaskKind> = TaskKinds[K]['input'];
export type TaskOutput<K extends TaskKind> = TaskKinds[K]['output'];

/** The body of every kind; it may throw a LabError, whose sentence reaches the caller. */
export const TASKS: { [K in TaskKind]: (input: TaskInput<K>) => TaskOutput<K> | Promise<TaskOutput<K>> } = {
  measure: ({ pair, options }) => computePair(pair, options),
  seq2seqAlignment: (input) => alignmentFrames(input),
  seq2seqDecoderSteps: (input) => decoderSteps(input),
  torchExport: (input) => runTorchExport(input),
  tutorial: ({ pair, options }) => computeTutorialPair(pair, options),
};

/** What a kind's process is called in the sentence when it dies before answering ("the measuring process …"). */
export const TASK_LABELS: { [K in TaskKind]: { process: string; retry: string } } = {
  measure: { process: 'The measuring process', retry: 'measure the experiment again' },
  seq2seqAlignment: { process: 'The alignment process', retry: 'show the alignment again' },
  seq2seqDecoderSteps: { process: 'The decoder-steps process', retry: 'show the steps again' },
  torchExport: { process: 'The PyTorch export process', retry: 'export again (with --force to replace what it left in the folder)' },
  tutorial: { process: 'The fill-in and generation measuring process', retry: 'start the fine-tune experiment again' },
};

// The training job's message protocol: the plain-data spec a job starts from and the messages it sends back, so the
// same job body runs in-process (CLI foreground) or in a worker (structured-clone safe: no functions, no classes).
import type { ModelConfig } from '../../../common/model-config';
import type { SweepTrial } from '../../ml/lr-sweep';
import type { SpecialIds } from '../../ml/batches';
import type { KernelPreference } from '../../../native-kernels/index';

/** Optimizer and loop settings of a run, recorded in its config so a resume continues the same schedule. */
export interface TrainingSettings {
  steps: number;
  batchSize: number;
  lr: number;
  minLr: number;
  warmupSteps: number;
  weightDecay: number;
  gradClip: number;
  /** evaluate every N steps, and after the last one */
  evalEvery: number;
  /** validation batches per evaluation */
  evalBatches: number;
  /** save a resumable checkpoint every N steps (and at the end, and on stop) */
  checkpointEvery: number;
  /** seed of batch sampling and masking (the model's init seed is model.seed) */
  seed: number;
  /** BERT: share of tokens masked in training (absent in runs recorded before issue 14: 0.15) */
  maskProbability?: number;
  /** "fair by construction": before training, a short run at each candidate rate picks `lr` (null/absent: none) */
  lrSweep?: { candidates: number[]; steps: number } | null;
}

export interface TrainJobSpec {
  runId: number;
  model: ModelConfig;
  training: TrainingSettings;
  /** token ids per document of the train and validation splits */
  data: { train: Int32Array[]; val: Int32Array[] };
  specials: SpecialIds;
  /** the Hugging Face tokenizer.json text, copied into every checkpoint and used to render samples */
  tokenizerJson: string;
  /** absolute folder of this run's files: checkpoints go to <runDir>/step-<n>/ */
  runDir: string;
  /** absolute checkpoint folder to continue from (weights + optimizer state), or null for a fresh start */
  resumeFrom: string | null;
  /** kernel threads; null = the kernels' default (all cores) */
  threads: number | null;
  kernels: KernelPreference;
}

export interface CheckpointFile {
  name: string;
  bytes: number;
  sha256: string;
}

/** What a job reports while it runs; `time` is seconds since the Unix epoch. */
export type TrainJobMessage =
  | { type: 'started'; backend: string; threads: number; parameters: number; step: number }
  /** gradNorm null: the kind has no gradient norm (static embeddings' sparse SGD) */
  | { type: 'step'; step: number; loss: number; lr: number; gradNorm: number | null; tokensPerSecond: number; tokens: number; time: number }
  | { type: 'eval'; step: number; valLoss: number; perplexity: number | null; accuracy: number; time: number }
  | { type: 'sample'; step: number; kind: 'continuation' | 'fill-mask'; prompt: string; output: string; settings: Record<string, unknown> }
  | { type: 'checkpoint'; step: number; dir: string; files: CheckpointFile[]; resumable: boolean; reason: 'periodic' | 'final' | 'stop' }
  | { type: 'log'; message: string }
  /** the learning-rate sweep's trials and the rate the run then trains at */
  | { type: 'sweep'; trials: SweepTrial[]; lr: number; atEdge: boolean; steps: number }
  /** a job's own scalars by metric key (fine-tuning: val/macro_f1, test/accuracy, train/examples_per_s…) */
  | { type: 'metrics'; step: number; values: Record<string, number>; time: number };

/**
 * How the job talks to whoever runs it: post() for messages, shouldStop() polled between steps, parentGone() asked
 * right before a checkpoint is written (a worker whose parent was killed must not write one: nobody would record it,
 * and a resume started elsewhere owns the run's folder now).
 */
export interface TrainJobPort {
  post(message: TrainJobMessage): void;
  shouldStop(): boolean;
  parentGone?(): boolean;
}

/** Thrown instead of writing a checkpoint once the parent is gone (see TrainJobPort.parentGone); the worker exits. */
export class ParentGone extends Error {
  constructor() {
    super('The process that started this job is gone; the job stops without writing a checkpoint.');
  }
}

/** Throws ParentGone when the job's parent process is gone; called right before a checkpoint folder is written. */
export function assertParentAlive(port: TrainJobPort): void {
  if (port.parentGone?.() === true) throw new ParentGone();
}

export interface TrainJobResult {
  status: 'completed' | 'stopped' | 'failed';
  step: number;
  /** why the run stopped or failed, as a sentence; null when it completed */
  reason: string | null;
  /** the loss of the last step (NaN/Inf when the run diverged), null before any step */
  lastLoss: number | null;
}

// Long jobs a job worker runs for the scheduler, by kind: each streams TrainJobMessages (started, step, eval, sample,
// checkpoint, log) through a port, finishes its step and saves a resumable checkpoint when asked to stop, and resolves
// to a TrainJobResult — so every kind is a run like any other (metrics, samples, checkpoints, stop/pause/resume).
// Adding a kind: its body in jobs/<kind>/, one entry in TrainingJobSpecs and one in TRAINING_JOBS; the lab side
// prepares its TrainingJob (lab/runs/training.ts does it for 'lm') and the scheduler queues it.
import type { TrainJobPort, TrainJobResult, TrainJobSpec } from './train/protocol';
import { runTrainJob } from './train/train-job';
import { runEmbeddingsJob, type EmbeddingsJobSpec } from './embeddings/embeddings-job';
import { runFinetuneJob } from './finetune/finetune-job';
import type { FinetuneJobSpec } from './finetune/protocol';
import type { RnnJobSpec } from './rnn/protocol';
import { runRnnJob } from './rnn/rnn-job';
import type { Seq2seqJobSpec } from './seq2seq/protocol';
import { runSeq2seqJob } from './seq2seq/job';

/** Each kind's own spec: plain data only (it crosses to the worker by structured clone). */
export interface TrainingJobSpecs {
  /** GPT and BERT language models (jobs/train/) */
  lm: TrainJobSpec;
  /** static word embeddings: word2vec, fastText, GloVe (jobs/embeddings/) */
  embeddings: EmbeddingsJobSpec;
  /** a sequence classifier fine-tuned from a pre-trained run (jobs/finetune/) */
  finetune: FinetuneJobSpec;
  /** GRU and LSTM language models (jobs/rnn/): the same data, settings and messages as 'lm' */
  'rnn-lm': RnnJobSpec;
  /** one arm (variant and seed) of a seq2seq "with vs without attention" experiment (jobs/seq2seq/) */
  seq2seq: Seq2seqJobSpec;
}

export type TrainingJobKind = keyof TrainingJobSpecs;

/** A training job as the scheduler queues it and a worker runs it: the kind's spec and what every kind reports by. */
export type TrainingJob = {
  [K in TrainingJobKind]: {
    kind: K;
    spec: TrainingJobSpecs[K];
    /** the run it trains */
    runId: number;
    /** optimizer steps of the whole run (progress, ETA) */
    totalSteps: number;
    /** tokens (or the kind's own unit) one optimizer step consumes: throughput and tokens seen */
    tokensPerStep: number;
  };
}[TrainingJobKind];

/** The body of every kind. */
export const TRAINING_JOBS: { [K in TrainingJobKind]: (spec: TrainingJobSpecs[K], port: TrainJobPort) => Promise<TrainJobResult> } = {
  lm: runTrainJob,
  embeddings: runEmbeddingsJob,
  finetune: runFinetuneJob,
  'rnn-lm': runRnnJob,
  seq2seq: runSeq2seqJob,
};

/** Runs a job's body in this process (the worker calls it; tests and the in-process trainer too). */
export function runTrainingJob(job: TrainingJob, port: TrainJobPort): Promise<TrainJobResult> {
  const body = TRAINING_JOBS[job.kind] as (spec: TrainingJob['spec'], port: TrainJobPort) => Promise<TrainJobResult>;
  return body(job.spec, port);
}

/** The job of one kind. */
export type TrainingJobOf<K extends TrainingJobKind> = Extract<TrainingJob, { kind: K }>;

/** A GPT/BERT spec as a training job. */
export function lmJob(spec: TrainJobSpec): TrainingJobOf<'lm'> {
  return { kind: 'lm', spec, runId: spec.runId, totalSteps: spec.training.steps, tokensPerStep: spec.training.batchSize * spec.model.contextLength };
}

/** A static-embedding spec as a training job: a step is one corpus word (epochs × words in all). */
export function embeddingsJob(spec: EmbeddingsJobSpec): TrainingJobOf<'embeddings'> {
  return { kind: 'embeddings', spec, runId: spec.runId, totalSteps: spec.totalSteps, tokensPerStep: 1 };
}

/** A fine-tune as a training job: its optimizer steps and the tokens one step reads, as the lab counted them. */
export function finetuneJob(spec: FinetuneJobSpec, totalSteps: number, tokensPerStep: number): TrainingJobOf<'finetune'> {
  // a whole number: tokens seen are stored as an integer (a step's mean example length is not)
  return { kind: 'finetune', spec, runId: spec.runId, totalSteps, tokensPerStep: Math.max(1, Math.round(tokensPerStep)) };
}

/** A GRU/LSTM language model's spec as a training job. */
export function rnnJob(spec: RnnJobSpec): TrainingJobOf<'rnn-lm'> {
  return { kind: 'rnn-lm', spec, runId: spec.runId, totalSteps: spec.training.steps, tokensPerStep: spec.training.batchSize * spec.model.contextLength };
}

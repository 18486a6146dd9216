// Long jobs a job worker runs for the scheduler, by kind: each streams TrainJobMessages (started, step, eval, sample,
// checkpoint, log) through a port, finishes its step and saves a resumable checkpoint when asked to stop, and resolves
// to a TrainJobResult — so every kind is a run like any other (metrics, samples, checkpoints, stop/pause/resume).
// Adding a kind: its body in jobs/<kind>/, one entry in TrainingJobSpecs and one in TRAINING_JOBS; the lab side
// prepares its TrainingJob (lab/runs/training.ts does it for 'lm') and the scheduler queues it.
import type { TrainJobPort, TrainJobResult, TrainJobSpec } from './train/protocol';
import { runTrainJob } from './train/train-job';

/** Each kind's own spec: plain data only (it crosses to the worker by structured clone). */
export interface TrainingJobSpecs {
  /** GPT and BERT language models (jobs/train/) */
  lm: TrainJobSpec;
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
};

/** Runs a job's body in this process (the worker calls it; tests and the in-process trainer too). */
export function runTrainingJob(job: TrainingJob, port: TrainJobPort): Promise<TrainJobResult> {
  const body = TRAINING_JOBS[job.kind] as (spec: TrainingJob['spec'], port: TrainJobPort) => Promise<TrainJobResult>;
  return body(job.spec, port);
}

/** A GPT/BERT spec as a training job. */
export function lmJob(spec: TrainJobSpec): TrainingJob {
  return { kind: 'lm', spec, runId: spec.runId, totalSteps: spec.training.steps, tokensPerStep: spec.training.batchSize * spec.model.contextLength };
}

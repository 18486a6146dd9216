// Running a Trainer as a worker job, for every family trained by ml/train.ts (GPT, BERT, the RNN language models):
// step and evaluation messages, a probe after each evaluation, periodic checkpoints taken after everything their step
// logs, the first evaluation of a fresh run, the final (or stop) checkpoint and the job's result. A family's job body
// brings only what differs: its model (built or reloaded), how a checkpoint folder is written, and its probe.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Kernels } from '../../../native-kernels/kernels';
import type { TrainableModel } from '../../ml/model';
import { Trainer, type EvalMetrics, type TrainerState } from '../../ml/train';
import { assertParentAlive, type CheckpointFile, type TrainJobMessage, type TrainJobPort, type TrainJobResult, type TrainJobSpec } from './protocol';

const now = (): number => Date.now() / 1000;

/** name, size and sha256 of every file of a checkpoint folder (the run recorder keeps them as the artifact's files). */
export function describeFiles(dir: string): CheckpointFile[] {
  return readdirSync(dir).sort().map((name) => {
    const file = join(dir, name);
    return { name, bytes: statSync(file).size, sha256: createHash('sha256').update(readFileSync(file)).digest('hex') };
  });
}

export interface TrainerJobParts<M extends TrainableModel> {
  model: M;
  /** the optimizer state of a resumed run; null for a fresh one (evaluated before its first step) */
  state: TrainerState | null;
  /** the settings it trains with: the spec's, or after a learning-rate sweep the chosen rate */
  training: TrainJobSpec['training'];
  parameters: number;
  /** writes the checkpoint folder `dir` for `state` (the weights after its step) */
  save: (dir: string, state: TrainerState) => void;
  /** a probe's message after each evaluation (e.g. a continuation sample), or null */
  probe?: (e: EvalMetrics) => TrainJobMessage | null;
}

/** Trains to completion, a stop request or divergence, reporting through `port`. Exceptions (bad data, I/O) propagate. */
export async function runTrainerJob<M extends TrainableModel>(
  k: Kernels, spec: Pick<TrainJobSpec, 'runDir' | 'data' | 'specials'>, port: TrainJobPort, parts: TrainerJobParts<M>,
): Promise<TrainJobResult> {
  const { model, training: t } = parts;
  const post = (m: TrainJobMessage): void => port.post(m);
  const postEval = (e: EvalMetrics): void => {
    post({ type: 'eval', step: e.step, valLoss: e.valLoss, perplexity: e.perplexity, accuracy: e.accuracy, time: now() });
    const probed = parts.probe?.(e) ?? null;
    if (probed !== null) post(probed);
  };
  // A periodic checkpoint is taken after everything its step logs (the evaluation comes after onStep), so a run
  // resumed from it never lacks that step's evaluation. The rule mirrors when Trainer.run() evaluates.
  const hasVal = spec.data.val.some((d) => d.length > 0);
  const evaluatesAt = (step: number): boolean => hasVal && t.evalEvery > 0 && step % t.evalEvery === 0 && step < t.steps;
  const checkpointDue = (step: number): boolean => t.checkpointEvery > 0 && step % t.checkpointEvery === 0 && step < t.steps;

  const trainer = new Trainer(model, spec.data, {
    steps: t.steps, batchSize: t.batchSize, lr: t.lr, minLr: t.minLr, warmupSteps: t.warmupSteps, weightDecay: t.weightDecay,
    gradClip: t.gradClip, evalEvery: t.evalEvery, evalBatches: t.evalBatches, seed: t.seed, specials: spec.specials,
    maskProbability: t.maskProbability,
    onStep: (m) => {
      post({ type: 'step', step: m.step, loss: m.loss, lr: m.lr, gradNorm: m.gradNorm, tokensPerSecond: m.tokensPerSecond, tokens: m.step * t.batchSize * model.config.contextLength, time: now() });
      if (checkpointDue(m.step) && !evaluatesAt(m.step)) checkpoint('periodic');
    },
    onEval: (e) => {
      postEval(e);
      if (checkpointDue(e.step)) checkpoint('periodic');
    },
    shouldStop: () => port.shouldStop(),
  });
  if (parts.state !== null) trainer.load(parts.state);

  /** Saves the weights and the trainer state after the latest step (hoisted: onStep calls it while training). */
  function checkpoint(reason: 'periodic' | 'final' | 'stop'): void {
    assertParentAlive(port);
    const s = trainer.state();
    const dir = join(spec.runDir, `step-${s.step}`);
    parts.save(dir, s);
    post({ type: 'checkpoint', step: s.step, dir, files: describeFiles(dir), resumable: true, reason });
  }

  post({ type: 'started', backend: k.backend, threads: k.getThreads(), parameters: parts.parameters, step: trainer.step });
  // The starting point of the curves: a fresh run is evaluated (and probed) before its first step.
  if (parts.state === null) postEval(trainer.evaluate());

  const result = await trainer.run();
  const lastLoss = result.step > 0 && !(result.status === 'stopped' && Number.isNaN(result.lastLoss)) ? result.lastLoss : null;
  if (result.status === 'diverged') return { status: 'failed', step: result.step, reason: result.reason, lastLoss };
  checkpoint(result.status === 'stopped' ? 'stop' : 'final');
  return result.status === 'stopped'
    ? { status: 'stopped', step: result.step, reason: result.reason, lastLoss }
    : { status: 'completed', step: result.step, reason: null, lastLoss };
}

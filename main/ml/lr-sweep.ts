// "Fair by construction": a short learning-rate sweep per model family before a comparison, so each model trains at
// its own best rate rather than at one rate that happens to suit the other. The candidates, the choice among the
// trials, and the sweep itself (fresh models from the same seed, a short schedule each) live here.
import type { Kernels } from '../../native-kernels/kernels';
import { createModel } from './checkpoint';
import type { ModelConfig } from '../../common/model-config';
import { initWeights, type QkvInit } from './init';
import { Trainer, type TrainData, type TrainOptions } from './train';
import { LabError } from '../../common/errors';

/** One candidate rate after its short run: the validation loss at its end, or null when it diverged (or had no
 *  validation text). */
export interface SweepTrial {
  lr: number;
  valLoss: number | null;
  accuracy: number | null;
}

export interface SweepChoice {
  lr: number;
  trials: SweepTrial[];
  /** true when the best rate was the smallest or largest candidate: the true best may lie beyond the range */
  atEdge: boolean;
}

/** Two validation losses closer than this (relative) are a tie; the smaller rate then wins, being the safer one. */
const TIE = 0.005;

/** Candidate rates around a preset's base rate, geometric, smallest first: base × factors. */
export function sweepCandidates(baseLr: number, factors: readonly number[] = [1 / 3, 1, 3]): number[] {
  if (!(baseLr > 0) || !Number.isFinite(baseLr)) {
    throw new LabError('invalid_input', `The base learning rate ${baseLr} must be a positive number (e.g. 3e-3).`, { field: 'lr' });
  }
  return [...new Set(factors.map((f) => Number((baseLr * f).toPrecision(3))))].sort((a, b) => a - b);
}

/** The rate with the lowest validation loss; diverged trials never win; near-ties go to the smaller rate. */
export function pickLearningRate(trials: SweepTrial[]): SweepChoice {
  const ordered = [...trials].sort((a, b) => a.lr - b.lr);
  const finite = ordered.filter((t) => t.valLoss !== null && Number.isFinite(t.valLoss));
  if (finite.length === 0) {
    throw new LabError('invalid_input', `Every learning rate of the sweep (${ordered.map((t) => t.lr.toExponential(1)).join(', ')}) diverged or had no validation loss; try smaller rates or give the dataset a validation split.`, { field: 'lr' });
  }
  const lowest = Math.min(...finite.map((t) => t.valLoss as number));
  const best = finite.find((t) => (t.valLoss as number) <= lowest * (1 + TIE)) as SweepTrial;
  const index = ordered.indexOf(best);
  return { lr: best.lr, trials: ordered, atEdge: ordered.length > 1 && (index === 0 || index === ordered.length - 1) };
}

export interface SweepOptions {
  candidates: number[];
  /** optimizer steps of each trial (its own warm-up and cosine over these steps) */
  steps: number;
  /** the training settings shared with the real run (batch, warm-up share, masking …); lr and steps are replaced */
  training: Omit<TrainOptions, 'lr' | 'steps' | 'onStep' | 'onEval' | 'evalEvery'>;
  qkvInit?: QkvInit;
  /** told after each trial (progress) */
  onTrial?: (trial: SweepTrial, index: number) => void;
  shouldStop?: () => boolean;
}

/** Trains a fresh model (same config and seed) for `steps` at each candidate rate and picks the best. */
export async function sweepLearningRate(k: Kernels, config: ModelConfig, data: TrainData, opts: SweepOptions): Promise<SweepChoice> {
  if (!Number.isInteger(opts.steps) || opts.steps < 1) {
    throw new LabError('invalid_input', `The sweep's steps per trial are ${opts.steps}, but they must be a whole number of at least 1.`, { field: 'sweepSteps' });
  }
  const trials: SweepTrial[] = [];
  for (const [i, lr] of opts.candidates.entries()) {
    if (opts.shouldStop?.() === true) break;
    const model = createModel(k, config, false);
    initWeights(model.params, config, opts.qkvInit);
    const warmupSteps = Math.min(opts.training.warmupSteps ?? 0, Math.floor(opts.steps / 10));
    // 16 validation batches: the trials differ by a few hundredths of a nat, more than 4 batches' noise allows
    const trainer = new Trainer(model, data, {
      evalBatches: 16, ...opts.training, lr, minLr: lr / 10, steps: opts.steps, warmupSteps, evalEvery: 0, shouldStop: opts.shouldStop,
    });
    const result = await trainer.run();
    const trial: SweepTrial = result.status === 'finished' && result.lastEval !== null
      ? { lr, valLoss: result.lastEval.valLoss, accuracy: result.lastEval.accuracy }
      : { lr, valLoss: null, accuracy: null };
    trials.push(trial);
    opts.onTrial?.(trial, i);
  }
  return pickLearningRate(trials);
}

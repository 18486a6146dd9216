// Turns an experiment's budget (steps, tokens or minutes) into the optimizer steps every run of it trains for,
// so GPT, BERT (and the optional GRU/LSTM) see the same number of tokens. Minutes are converted at this machine's measured speed.
import type { ExperimentBudgetT } from '../../../common/api';
import { getKernels } from '../../../native-kernels/index';
import { createModel } from '../../ml/checkpoint';
import type { ModelConfig } from '../../../common/model-config';
import { IGNORE_INDEX } from '../../ml/model';
import { LabError } from '../../../common/errors';
import { isRnnFamily, type RnnConfig } from '../../../common/rnn-config';
import { RnnLanguageModel } from '../../ml/rnn/lm';

/** Optimizer steps timed per model to estimate the speed (after one untimed warm-up step). */
const TIMED_STEPS = 2;
/** Share of the time budget left for evaluations, checkpoints and process start-up. */
const OVERHEAD = 0.8;

/** Seconds one training step (forward + backward, no optimizer) of this model takes here, on random tokens. */
export function secondsPerStep(config: ModelConfig | RnnConfig, batchSize: number): number {
  const model = isRnnFamily(config.family) ? new RnnLanguageModel(getKernels(), config as RnnConfig) : createModel(getKernels(), config as ModelConfig);
  const B = batchSize;
  const T = config.contextLength;
  const tokens = new Int32Array(B * T);
  const targets = new Int32Array(B * T);
  for (let i = 0; i < tokens.length; i++) {
    tokens[i] = (i * 7919) % config.vocabSize;
    // BERT is trained on the masked ~15% only; GPT and the RNNs on every position
    targets[i] = config.family !== 'bert' || i % 7 === 0 ? (i * 104729) % config.vocabSize : IGNORE_INDEX;
  }
  const step = (): void => {
    model.zeroGrad();
    model.forward({ B, T, tokens, targets }, { train: true });
    model.backward();
  };
  step();
  const t0 = performance.now();
  for (let i = 0; i < TIMED_STEPS; i++) step();
  return (performance.now() - t0) / 1000 / TIMED_STEPS;
}

/** Steps per run: as given, tokens / (batch × context) rounded up, or what the slower model trains in the minutes. */
export function budgetSteps(budget: ExperimentBudgetT, tokensPerStep: number, configs: Array<ModelConfig | RnnConfig>, batchSize: number): number {
  if ('steps' in budget) return budget.steps;
  if ('tokens' in budget) return Math.max(1, Math.ceil(budget.tokens / tokensPerStep));
  const slowest = Math.max(...configs.map((c) => secondsPerStep(c, batchSize)));
  const steps = Math.floor((budget.minutes * 60 * OVERHEAD) / slowest);
  if (steps < 1) {
    throw new LabError('invalid_input', `A budget of ${budget.minutes} min is shorter than one training step here (${slowest.toFixed(1)} s); give more minutes or a smaller preset.`, { field: 'budget' });
  }
  return steps;
}

// The training loop: seeded batches, forward/backward, clipping, AdamW with warmup + cosine, periodic evaluation,
// progress through callbacks, NaN/Inf detection, and a state that resumes to the same curve.
import type { ModelConfig } from '../../common/model-config';
import { bertBatches, gptBatches, type BatchSource, type SpecialIds } from './batches';
import { IGNORE_INDEX, type TrainableModel } from './model';
import { AdamW, DEFAULT_ADAMW, gradientClip, learningRate, type AdamWState } from './optimizer';
import { Rng } from './rng';
import { LabError } from '../../common/errors';

/** Token ids of the train and validation splits, one Int32Array per document (not the database). */
export interface TrainData {
  train: Int32Array[];
  val: Int32Array[];
}

export interface TrainOptions {
  steps: number;
  batchSize: number;
  /** sequence length (default: the model's context length) */
  seqLen?: number;
  lr: number;
  /** floor of the cosine decay (default lr / 10) */
  minLr?: number;
  warmupSteps?: number;
  weightDecay?: number;
  beta1?: number;
  beta2?: number;
  /** global gradient-norm clip (0 = off; default 1) */
  gradClip?: number;
  /** evaluate every N steps and after the last step (0 = only at the end) */
  evalEvery?: number;
  /** number of validation batches per evaluation (the same batches every time) */
  evalBatches?: number;
  /** seed of batch sampling and masking (default: the model's seed) */
  seed?: number;
  specials?: SpecialIds;
  /** BERT masking probability in training (default 0.15) */
  maskProbability?: number;
  /** BERT masking probability of the validation batches (default 0.15, BERT's standard rate), kept apart from the
   *  training rate so that val/loss and val/accuracy mean the same in every BERT run whatever rate it trained at */
  evalMaskProbability?: number;
  onStep?: (m: StepMetrics) => void;
  onEval?: (m: EvalMetrics) => void;
  /** polled between steps; true stops the run cleanly (e.g. Ctrl-C) */
  shouldStop?: () => boolean;
}

export interface StepMetrics {
  /** 1-based number of the finished step */
  step: number;
  loss: number;
  lr: number;
  /** gradient norm before clipping */
  gradNorm: number;
  tokensPerSecond: number;
}

export interface EvalMetrics {
  step: number;
  valLoss: number;
  /** exp(valLoss) for next-token models (GPT, GRU, LSTM); null for BERT */
  perplexity: number | null;
  /** next-token accuracy (GPT) or masked-token accuracy (BERT) */
  accuracy: number;
}

/** Everything besides the weights that a resumed run needs to continue the same curve. */
export interface TrainerState {
  step: number;
  rng: number[];
  optimizer: AdamWState;
}

export interface TrainResult {
  status: 'finished' | 'stopped' | 'diverged';
  /** why the run stopped early, as a sentence */
  reason: string | null;
  step: number;
  lastLoss: number;
  lastEval: EvalMetrics | null;
}

/** M: the model's own type, which trainer.model keeps (GptModel, BertModel, RnnLanguageModel ...). */
export class Trainer<M extends TrainableModel = TrainableModel> {
  readonly optimizer: AdamW;
  step = 0;
  private rng: Rng;
  private readonly train: BatchSource;
  private readonly val: BatchSource | null;
  private readonly T: number;
  private readonly opts: Required<Omit<TrainOptions, 'onStep' | 'onEval' | 'shouldStop' | 'specials'>>;

  constructor(readonly model: M, data: TrainData, private readonly options: TrainOptions) {
    const c = model.config;
    this.opts = {
      steps: options.steps, batchSize: options.batchSize, seqLen: options.seqLen ?? c.contextLength, lr: options.lr,
      minLr: options.minLr ?? options.lr / 10, warmupSteps: options.warmupSteps ?? 0,
      weightDecay: options.weightDecay ?? DEFAULT_ADAMW.weightDecay, beta1: options.beta1 ?? DEFAULT_ADAMW.beta1,
      beta2: options.beta2 ?? DEFAULT_ADAMW.beta2, gradClip: options.gradClip ?? 1, evalEvery: options.evalEvery ?? 0,
      evalBatches: options.evalBatches ?? 4, seed: options.seed ?? c.seed, maskProbability: options.maskProbability ?? 0.15,
      evalMaskProbability: options.evalMaskProbability ?? 0.15,
    };
    const o = this.opts;
    positiveInt(o.steps, 'steps');
    positiveInt(o.batchSize, 'batchSize');
    positiveInt(o.evalBatches, 'evalBatches');
    if (!Number.isInteger(o.seqLen) || o.seqLen < 2 || o.seqLen > c.contextLength) {
      throw new LabError('invalid_input', `seqLen ${o.seqLen} must be a whole number from 2 to the context length ${c.contextLength}.`, { field: 'seqLen' });
    }
    if (!(o.lr > 0) || !Number.isFinite(o.lr)) throw new LabError('invalid_input', `Learning rate ${o.lr} must be a positive number (e.g. 3e-4).`, { field: 'lr' });
    this.T = o.seqLen;
    const specials = options.specials ?? {};
    // Every family but BERT predicts the next token (GPT and the RNN language models).
    const source = (docs: Int32Array[], split: string, maskProbability: number): BatchSource => (c.family !== 'bert'
      ? gptBatches(docs, this.T, specials, split)
      : bertBatches(docs, this.T, c as ModelConfig, specials, maskProbability, split));
    this.train = source(data.train, 'train', o.maskProbability);
    this.val = data.val.some((d) => d.length > 0) ? source(data.val, 'validation', o.evalMaskProbability) : null;
    this.rng = new Rng(o.seed);
    this.optimizer = new AdamW(model.k, model.params.table, { ...DEFAULT_ADAMW, beta1: o.beta1, beta2: o.beta2, weightDecay: o.weightDecay });
  }

  /** The state to save beside the weights (the optimizer moments are views, copy before training on). */
  state(): TrainerState {
    return { step: this.step, rng: this.rng.getState(), optimizer: this.optimizer.state() };
  }

  load(state: TrainerState): void {
    this.step = state.step;
    this.rng = Rng.fromState(state.rng);
    this.optimizer.load(state.optimizer);
  }

  /** One optimizer step; returns its metrics (loss NaN/Inf is reported, not thrown). */
  trainStep(): StepMetrics {
    const started = performance.now();
    const m = this.model;
    const o = this.opts;
    const batch = this.train.next(this.rng, o.batchSize);
    const loss = m.forward(batch, { train: true, step: this.step });
    m.zeroGrad();
    m.backward();
    const { norm: gradNorm, scale } = gradientClip(m.k, m.grads.data, o.gradClip);
    const lr = learningRate(this.step, { maxLr: o.lr, minLr: o.minLr, warmupSteps: o.warmupSteps, totalSteps: o.steps });
    if (Number.isFinite(loss) && Number.isFinite(gradNorm)) this.optimizer.step(m.params.data, m.grads.data, lr, scale);
    this.step += 1;
    const seconds = Math.max(1e-9, (performance.now() - started) / 1000);
    return { step: this.step, loss, lr, gradNorm, tokensPerSecond: (batch.B * batch.T) / seconds };
  }

  /** Mean loss and accuracy on the same validation batches every time (their own fixed RNG). */
  evaluate(): EvalMetrics {
    if (this.val === null) throw new LabError('invalid_input', 'There is no validation split to evaluate on; give the run a validation split.', { field: 'val' });
    const m = this.model;
    const rng = new Rng((this.opts.seed ^ 0x9e3779b9) >>> 0);
    let lossSum = 0;
    let lossCount = 0;
    let correct = 0;
    let predicted = 0;
    for (let i = 0; i < this.opts.evalBatches; i++) {
      const batch = this.val.next(rng, this.opts.batchSize);
      const loss = m.forward(batch, { train: false });
      const targets = batch.targets as Int32Array;
      const rows = countTargets(targets);
      if (rows === 0) continue;
      lossSum += loss * rows;
      lossCount += rows;
      const acc = argmaxHits(m.logits(), m.logitRows(), targets, m.config.vocabSize);
      correct += acc;
      predicted += rows;
    }
    const valLoss = lossCount > 0 ? lossSum / lossCount : Number.NaN;
    return {
      step: this.step, valLoss,
      perplexity: m.config.family !== 'bert' ? Math.exp(valLoss) : null,
      accuracy: predicted > 0 ? correct / predicted : 0,
    };
  }

  /** Trains until options.steps, a stop request, or a non-finite loss; yields to the event loop between steps. */
  async run(): Promise<TrainResult> {
    const o = this.opts;
    let lastLoss = Number.NaN;
    let lastEval: EvalMetrics | null = null;
    const evalNow = (): void => {
      if (this.val === null) return;
      lastEval = this.evaluate();
      this.options.onEval?.(lastEval);
    };
    while (this.step < o.steps) {
      if (this.options.shouldStop?.() === true) {
        return { status: 'stopped', reason: `Stopped on request after step ${this.step}.`, step: this.step, lastLoss, lastEval };
      }
      const metrics = this.trainStep();
      lastLoss = metrics.loss;
      if (!Number.isFinite(metrics.loss) || !Number.isFinite(metrics.gradNorm)) {
        const what = !Number.isFinite(metrics.loss) ? `The loss became ${metrics.loss}` : `The gradient norm became ${metrics.gradNorm}`;
        return {
          status: 'diverged', step: this.step, lastLoss, lastEval,
          reason: `${what} at step ${this.step} (learning rate ${metrics.lr.toExponential(2)}); the run was stopped with the metrics so far kept. Lower the learning rate or enable gradient clipping.`,
        };
      }
      this.options.onStep?.(metrics);
      if (o.evalEvery > 0 && this.step % o.evalEvery === 0 && this.step < o.steps) evalNow();
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    evalNow();
    return { status: 'finished', reason: null, step: this.step, lastLoss, lastEval };
  }
}

function positiveInt(v: number, field: string): void {
  if (!Number.isInteger(v) || v < 1) throw new LabError('invalid_input', `${field} is ${v}, but it must be a whole number of at least 1.`, { field });
}

function countTargets(targets: Int32Array): number {
  let n = 0;
  for (let i = 0; i < targets.length; i++) if (targets[i] !== IGNORE_INDEX) n++;
  return n;
}

/** How many rows with a target have their largest logit at the target id; rows maps logit rows to positions. */
function argmaxHits(logits: Float32Array, rows: Int32Array | null, targets: Int32Array, V: number): number {
  let hits = 0;
  const n = rows === null ? targets.length : rows.length;
  for (let r = 0; r < n; r++) {
    const target = targets[rows === null ? r : rows[r]];
    if (target === IGNORE_INDEX) continue;
    let best = 0;
    for (let j = 1; j < V; j++) if (logits[r * V + j] > logits[r * V + best]) best = j;
    if (best === target) hits++;
  }
  return hits;
}

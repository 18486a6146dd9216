// Training a seq2seq model on encoded pairs: seeded batches, teacher forcing with an adjustable ratio, global-norm
// clipping, AdamW with warmup + cosine decay, periodic teacher-forced validation, progress through callbacks, and the
// held-out decoding that the quality metrics read.
import { LabError } from '../../../common/errors';
import { AdamW, DEFAULT_ADAMW, gradientClip, learningRate } from '../optimizer';
import { IGNORE_INDEX } from '../model';
import { Rng } from '../rng';
import { makeBatch, type EncodedPairs, type PairBatch } from './batch';
import { decode, mixedDecoderInputs, type Decoded } from './decode';
import type { Seq2seqModel } from './model';

export interface Seq2seqTrainOptions {
  steps: number;
  batchSize: number;
  lr: number;
  /** floor of the cosine decay (default lr / 10) */
  minLr?: number;
  warmupSteps?: number;
  weightDecay?: number;
  /** global gradient-norm clip (0 = off; default 1) */
  gradClip?: number;
  /** probability of feeding the gold previous token rather than the model's own prediction (default 1) */
  teacherForcing?: number;
  /** validate every N steps and after the last (0 = only at the end) */
  evalEvery?: number;
  /** batch sampling and teacher-forcing coins (default: the model's seed) */
  seed?: number;
  onStep?: (m: Seq2seqStepMetrics) => void;
  onEval?: (m: Seq2seqEvalMetrics) => void;
  /** polled between steps; true stops the run cleanly */
  shouldStop?: () => boolean;
}

export interface Seq2seqStepMetrics {
  step: number;
  loss: number;
  lr: number;
  gradNorm: number;
  /** target tokens (with [EOS]) trained on per second in this step */
  tokensPerSecond: number;
  /** target tokens trained on so far, this step's included */
  tokens: number;
  /** wall seconds since the run started */
  elapsed: number;
}

export interface Seq2seqEvalMetrics {
  step: number;
  /** teacher-forced cross-entropy on the validation pairs */
  valLoss: number;
  /** teacher-forced next-token accuracy on them */
  valAccuracy: number;
}

export interface Seq2seqTrainResult {
  status: 'finished' | 'stopped' | 'diverged';
  reason: string | null;
  step: number;
  lastLoss: number;
  lastEval: Seq2seqEvalMetrics | null;
  seconds: number;
}

function positiveInt(v: number, field: string): void {
  if (!Number.isInteger(v) || v < 1) throw new LabError('invalid_input', `${field} is ${v}, but it must be a whole number of at least 1.`, { field });
}

export class Seq2seqTrainer {
  readonly optimizer: AdamW;
  step = 0;
  /** target tokens ([EOS] included) and seconds of the optimizer steps so far (validation excluded) */
  targetTokens = 0;
  stepSeconds = 0;
  private readonly rng: Rng;
  private readonly o: Required<Omit<Seq2seqTrainOptions, 'onStep' | 'onEval' | 'shouldStop'>>;
  private readonly started = performance.now();

  constructor(readonly model: Seq2seqModel, private readonly data: { train: EncodedPairs; val: EncodedPairs },
    private readonly options: Seq2seqTrainOptions) {
    this.o = {
      steps: options.steps, batchSize: options.batchSize, lr: options.lr, minLr: options.minLr ?? options.lr / 10,
      warmupSteps: options.warmupSteps ?? 0, weightDecay: options.weightDecay ?? 0, gradClip: options.gradClip ?? 1,
      teacherForcing: options.teacherForcing ?? 1, evalEvery: options.evalEvery ?? 0, seed: options.seed ?? model.config.seed,
    };
    positiveInt(this.o.steps, 'steps');
    positiveInt(this.o.batchSize, 'batchSize');
    if (!(this.o.lr > 0) || !Number.isFinite(this.o.lr)) throw new LabError('invalid_input', `The learning rate ${this.o.lr} must be a positive number (e.g. 3e-3).`, { field: 'lr' });
    const tf = this.o.teacherForcing;
    if (!(tf >= 0 && tf <= 1)) throw new LabError('invalid_input', `The teacher-forcing ratio is ${tf}, but it must lie from 0 (always the model's own predictions) to 1 (always the gold tokens).`, { field: 'teacherForcing' });
    if (data.train.src.length === 0) throw new LabError('invalid_input', 'There are no training pairs: the train split is empty.', { field: 'train' });
    this.rng = new Rng(this.o.seed);
    this.optimizer = new AdamW(model.k, model.params.table, { ...DEFAULT_ADAMW, weightDecay: this.o.weightDecay });
  }

  /** The next training batch: batchSize pairs drawn with replacement. */
  private nextBatch(): PairBatch {
    const n = this.data.train.src.length;
    const rows = Int32Array.from({ length: this.o.batchSize }, () => this.rng.int(n));
    return makeBatch(this.data.train.src, this.data.train.tgt, rows);
  }

  trainStep(): Seq2seqStepMetrics {
    const t0 = performance.now();
    const m = this.model;
    const batch = this.nextBatch();
    if (this.o.teacherForcing < 1) batch.tgtIn = mixedDecoderInputs(m, batch, this.o.teacherForcing, () => this.rng.next());
    const loss = m.forward(batch, { train: true, step: this.step });
    m.zeroGrad();
    m.backward();
    const { norm: gradNorm, scale } = gradientClip(m.k, m.grads.data, this.o.gradClip);
    const lr = learningRate(this.step, { maxLr: this.o.lr, minLr: this.o.minLr, warmupSteps: this.o.warmupSteps, totalSteps: this.o.steps });
    if (Number.isFinite(loss) && Number.isFinite(gradNorm)) this.optimizer.step(m.params.data, m.grads.data, lr, scale);
    this.step += 1;
    let targets = 0;
    for (const y of batch.tgtOut as Int32Array) if (y !== IGNORE_INDEX) targets++;
    const seconds = Math.max(1e-9, (performance.now() - t0) / 1000);
    this.targetTokens += targets;
    this.stepSeconds += seconds;
    return { step: this.step, loss, lr, gradNorm, tokensPerSecond: targets / seconds, tokens: this.targetTokens, elapsed: (performance.now() - this.started) / 1000 };
  }

  /** Teacher-forced loss and next-token accuracy over every validation pair. */
  evaluate(): Seq2seqEvalMetrics {
    const { src, tgt } = this.data.val;
    let lossSum = 0;
    let count = 0;
    let hits = 0;
    const V = this.model.config.tgtVocab;
    for (let i = 0; i < src.length; i += this.o.batchSize) {
      const rows = Int32Array.from({ length: Math.min(this.o.batchSize, src.length - i) }, (_, j) => i + j);
      const batch = makeBatch(src, tgt, rows);
      const loss = this.model.forward(batch, { train: false });
      const targets = batch.tgtOut as Int32Array;
      const logits = this.model.logits();
      let n = 0;
      for (let r = 0; r < targets.length; r++) {
        if (targets[r] === IGNORE_INDEX) continue;
        n++;
        let best = 0;
        for (let j = 1; j < V; j++) if (logits[r * V + j] > logits[r * V + best]) best = j;
        if (best === targets[r]) hits++;
      }
      lossSum += loss * n;
      count += n;
    }
    return { step: this.step, valLoss: count > 0 ? lossSum / count : Number.NaN, valAccuracy: count > 0 ? hits / count : 0 };
  }

  async run(): Promise<Seq2seqTrainResult> {
    let lastLoss = Number.NaN;
    let lastEval: Seq2seqEvalMetrics | null = null;
    const seconds = (): number => (performance.now() - this.started) / 1000;
    const evalNow = (): void => {
      if (this.data.val.src.length === 0) return;
      lastEval = this.evaluate();
      this.options.onEval?.(lastEval);
    };
    while (this.step < this.o.steps) {
      if (this.options.shouldStop?.() === true) {
        return { status: 'stopped', reason: `Stopped on request after step ${this.step}.`, step: this.step, lastLoss, lastEval, seconds: seconds() };
      }
      const m = this.trainStep();
      lastLoss = m.loss;
      if (!Number.isFinite(m.loss) || !Number.isFinite(m.gradNorm)) {
        const what = !Number.isFinite(m.loss) ? `The loss became ${m.loss}` : `The gradient norm became ${m.gradNorm}`;
        return { status: 'diverged', step: this.step, lastLoss, lastEval, seconds: seconds(),
          reason: `${what} at step ${this.step} (learning rate ${m.lr.toExponential(2)}); the run was stopped with the metrics so far kept. Lower the learning rate or enable gradient clipping.` };
      }
      this.options.onStep?.(m);
      if (this.o.evalEvery > 0 && this.step % this.o.evalEvery === 0 && this.step < this.o.steps) evalNow();
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    evalNow();
    return { status: 'finished', reason: null, step: this.step, lastLoss, lastEval, seconds: seconds() };
  }
}

/** Decodes every pair's source in batches; the outputs in pair order. */
export function decodePairs(model: Seq2seqModel, pairs: EncodedPairs, opts: { beam: number; maxLength: number; batchSize: number; keepAttention?: boolean }): Decoded[] {
  const out: Decoded[] = [];
  for (let i = 0; i < pairs.src.length; i += opts.batchSize) {
    const rows = Int32Array.from({ length: Math.min(opts.batchSize, pairs.src.length - i) }, (_, j) => i + j);
    out.push(...decode(model, makeBatch(pairs.src, null, rows), { beam: opts.beam, maxLength: opts.maxLength, keepAttention: opts.keepAttention }));
  }
  return out;
}

// Fine-tuning loop: shuffled epochs of right-padded batches, AdamW (warm-up then linear decay, as BERT's recipe),
// global-norm clipping, class weights, evaluation on the validation examples after each epoch, early stopping on
// validation macro-F1 with the best epoch's weights restored. A frozen body is run once per example and only the
// head trains on those features (a linear probe; the same numbers as running the body every epoch, without dropout).
// Resumable at epoch boundaries: state() after an epoch (optimizer moments, history, the best epoch and its weights)
// and `resume` continue the same run; each epoch's shuffle comes from (seed, epoch), so no RNG state is carried.
import type { F32 } from '../../../native-kernels/kernels';
import { LabError } from '../../../common/errors';
import { AdamW, type AdamWState } from '../optimizer';
import { TensorTable, type TensorSpec } from '../params';
import { Rng } from '../rng';
import type { SequenceClassifier } from './classifier';
import { collate, type EncodedExample } from './examples';
import { argmaxRows, classificationMetrics, type ClassificationMetrics } from './metrics';

export type ClassWeighting = 'none' | 'balanced';

export interface FinetuneOptions {
  epochs: number;
  batchSize: number;
  lr: number;
  /** share of the steps spent warming up (default 0.1) */
  warmupRatio?: number;
  weightDecay?: number;
  gradClip?: number;
  /** at least this many optimizer steps: a few labels make short epochs, so small budgets run more epochs (default 0) */
  minSteps?: number;
  /** stop after this many epochs without a better validation macro-F1 (0 = never; default 3) */
  patience?: number;
  /** 'balanced': weight w_k = N / (K n_k), as scikit-learn's class_weight='balanced' */
  classWeights?: ClassWeighting;
  seed: number;
  /** after each epoch's evaluation; trainer.state() is the resumable state at that point */
  onEpoch?: (e: EpochMetrics) => void;
  /** continue a run from the state saved after one of its epochs */
  resume?: FinetuneState | null;
  /** tokens: the batch's real (unpadded) tokens */
  onStep?: (s: { step: number; loss: number; lr: number; gradNorm: number; examplesPerSecond: number; tokens: number; tokensPerSecond: number }) => void;
  shouldStop?: () => boolean;
}

export interface EpochMetrics {
  epoch: number;
  step: number;
  trainLoss: number;
  valLoss: number | null;
  val: ClassificationMetrics | null;
}

/** Everything a resumed run needs besides the model's current weights (plain data, as checkpoints store it). */
export interface FinetuneState {
  /** epochs completed */
  epoch: number;
  step: number;
  history: EpochMetrics[];
  best: { epoch: number; f1: number; loss: number } | null;
  /** the best epoch's weights: body (null when frozen) and head */
  bestBody: Float32Array | null;
  bestHead: Float32Array | null;
  bodyOptimizer: AdamWState | null;
  headOptimizer: AdamWState;
  trainSeconds: number;
  trained: number;
}

export interface FinetuneResult {
  status: 'finished' | 'stopped' | 'diverged';
  reason: string | null;
  epochs: number;
  steps: number;
  /** the epoch whose weights the model holds now (the best on validation), 0 when none was evaluated */
  bestEpoch: number;
  history: EpochMetrics[];
  /** training examples per second over the optimizer steps (forward, backward and update) */
  examplesPerSecond: number;
  classWeights: number[];
  stoppedEarly: boolean;
}

/** Per-class weights: all 1, or N / (K n_k) from the training labels (a class with no examples gets 0). */
export function classWeightsOf(labels: readonly number[], K: number, mode: ClassWeighting): number[] {
  if (mode === 'none') return new Array<number>(K).fill(1);
  const counts = new Array<number>(K).fill(0);
  for (const y of labels) counts[y]++;
  return counts.map((n) => (n > 0 ? labels.length / (K * n) : 0));
}

/** Linear warm-up to lr over `warmup` steps, then linear decay to 0 at `total`. */
export function finetuneLr(step: number, lr: number, warmup: number, total: number): number {
  if (step < warmup) return (lr * (step + 1)) / warmup;
  return lr * Math.max(0, (total - step) / Math.max(1, total - warmup));
}

/** A table over some specs of a larger layout (original offsets kept), so AdamW updates only those tensors. */
function subsetTable(specs: TensorSpec[], total: number): TensorTable {
  const t = new TensorTable();
  t.specs.push(...specs);
  t.total = total;
  return t;
}

export class FinetuneTrainer {
  private readonly bodyOpt: AdamW | null;
  private readonly headOpt: AdamW;
  private readonly weights: number[];
  private readonly K: number;
  /** frozen body: the pooled features of every train and validation example, computed once */
  private features: { train: F32; val: F32 } | null = null;
  private epochDone = 0;
  private stepDone = 0;
  private history: EpochMetrics[] = [];
  private best: { epoch: number; f1: number; loss: number; body: Float32Array | null; head: Float32Array } | null = null;
  private trainSeconds = 0;
  private trained = 0;

  constructor(readonly model: SequenceClassifier, private readonly train: EncodedExample[], private readonly val: EncodedExample[],
    private readonly padId: number, private readonly opts: FinetuneOptions) {
    if (train.length === 0) throw new LabError('invalid_input', 'There are no training examples to fine-tune on; give the dataset a train split with labelled texts.', { field: 'train' });
    for (const [name, v] of [['epochs', opts.epochs], ['batchSize', opts.batchSize]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new LabError('invalid_input', `${name} is ${v}, but it must be a whole number of at least 1.`, { field: name });
    }
    if (!(opts.lr > 0) || !Number.isFinite(opts.lr)) throw new LabError('invalid_input', `Learning rate ${opts.lr} must be a positive number (e.g. 1e-3).`, { field: 'lr' });
    this.K = model.spec.numClasses;
    this.weights = classWeightsOf(train.map((e) => e.label), this.K, opts.classWeights ?? 'none');
    const settings = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: opts.weightDecay ?? 0.01 };
    const bodySpecs = model.trainableBodySpecs();
    this.bodyOpt = bodySpecs.length > 0 ? new AdamW(model.k, subsetTable(bodySpecs, model.params.table.total), settings) : null;
    this.headOpt = new AdamW(model.k, model.head.table, settings);
  }

  private get withSegments(): boolean {
    return this.train.some((e) => e.segments !== null) || this.val.some((e) => e.segments !== null);
  }

  /** Pooled features (N,C) of examples in eval mode, batched by length so padding stays short. */
  featuresOf(examples: readonly EncodedExample[]): F32 {
    const C = this.model.config.dModel;
    const out = new Float32Array(examples.length * C);
    this.inLengthOrder(examples, (idx, batch) => {
      this.model.forward(batch, null);
      const pooled = this.model.pooled();
      idx.forEach((i, b) => out.set(pooled.subarray(b * C, (b + 1) * C), i * C));
    });
    return out;
  }

  /** Class probabilities (N,K) of examples in eval mode. */
  predict(examples: readonly EncodedExample[]): Float32Array {
    const K = this.K;
    const out = new Float32Array(examples.length * K);
    this.inLengthOrder(examples, (idx, batch) => {
      this.model.forward(batch, null);
      const probs = this.model.probabilities();
      idx.forEach((i, b) => out.set(probs.subarray(b * K, (b + 1) * K), i * K));
    });
    return out;
  }

  private inLengthOrder(examples: readonly EncodedExample[], each: (idx: number[], batch: ReturnType<typeof collate>['batch']) => void): void {
    const order = Array.from(examples.keys()).sort((a, b) => examples[a].tokens.length - examples[b].tokens.length || a - b);
    const B = Math.max(this.opts.batchSize, 32);
    for (let at = 0; at < order.length; at += B) {
      const idx = order.slice(at, at + B);
      each(idx, collate(idx.map((i) => examples[i]), this.padId, this.withSegments).batch);
    }
  }

  /** Loss and metrics on the validation examples (null when there are none). */
  evaluate(): { loss: number; metrics: ClassificationMetrics } | null {
    if (this.val.length === 0) return null;
    let probs: Float32Array;
    if (this.features !== null) {
      const C = this.model.config.dModel;
      probs = new Float32Array(this.val.length * this.K);
      for (let at = 0; at < this.val.length; at += 256) {
        const n = Math.min(256, this.val.length - at);
        this.model.forwardPooled(this.features.val.subarray(at * C, (at + n) * C), n, null);
        probs.set(this.model.probabilities(), at * this.K);
      }
    } else probs = this.predict(this.val);
    const truth = this.val.map((e) => e.label);
    let loss = 0;
    let wsum = 0;
    truth.forEach((y, i) => {
      loss -= this.weights[y] * Math.log(Math.max(probs[i * this.K + y], 1e-30));
      wsum += this.weights[y];
    });
    const predicted = argmaxRows(probs, truth.length, this.K);
    return { loss: wsum > 0 ? loss / wsum : 0, metrics: classificationMetrics(truth, predicted, this.K, probs) };
  }

  /** Optimizer steps the whole run takes (epochs, raised to minSteps), as run() schedules the learning rate. */
  totalSteps(): number {
    const stepsPerEpoch = Math.ceil(this.train.length / this.opts.batchSize);
    return this.epochsPlanned() * stepsPerEpoch;
  }

  private epochsPlanned(): number {
    const stepsPerEpoch = Math.ceil(this.train.length / this.opts.batchSize);
    return Math.max(this.opts.epochs, Math.ceil((this.opts.minSteps ?? 0) / stepsPerEpoch));
  }

  /** The resumable state after the latest completed epoch (call from onEpoch). */
  state(): FinetuneState {
    return {
      epoch: this.epochDone, step: this.stepDone, history: this.history.slice(),
      best: this.best === null ? null : { epoch: this.best.epoch, f1: this.best.f1, loss: this.best.loss },
      bestBody: this.best?.body ?? null, bestHead: this.best?.head ?? null,
      bodyOptimizer: this.bodyOpt?.state() ?? null, headOptimizer: this.headOpt.state(),
      trainSeconds: this.trainSeconds, trained: this.trained,
    };
  }

  private load(st: FinetuneState): void {
    this.epochDone = st.epoch;
    this.stepDone = st.step;
    this.history = st.history.slice();
    this.best = st.best === null || st.bestHead === null ? null : { ...st.best, body: st.bestBody, head: st.bestHead };
    if (st.bodyOptimizer !== null && this.bodyOpt !== null) this.bodyOpt.load(st.bodyOptimizer);
    this.headOpt.load(st.headOptimizer);
    this.trainSeconds = st.trainSeconds;
    this.trained = st.trained;
  }

  async run(): Promise<FinetuneResult> {
    const o = this.opts;
    const m = this.model;
    const frozen = m.spec.freeze;
    if (o.resume) this.load(o.resume);
    if (frozen) this.features = { train: this.featuresOf(this.train), val: this.featuresOf(this.val) };
    const epochs = this.epochsPlanned();
    const total = this.totalSteps();
    const warmup = Math.floor((o.warmupRatio ?? 0.1) * total);
    const patience = o.patience ?? 3;
    const history = this.history;
    let step = this.stepDone;
    let status: FinetuneResult['status'] = 'finished';
    let reason: string | null = null;
    let stoppedEarly = false;
    const C = m.config.dModel;
    let epoch = this.epochDone;
    // a resumed run that had already stopped early (or finished) has nothing left to train
    const stalled = this.best !== null && patience > 0 && epoch - this.best.epoch >= patience;
    outer: for (epoch = this.epochDone + 1; epoch <= epochs && !stalled; epoch++) {
      // the same order in every run of this seed and epoch, resumed or not
      const rng = new Rng((Math.imul(o.seed >>> 0, 0x9e3779b1) ^ epoch) >>> 0);
      const order = Array.from(this.train.keys());
      for (let i = order.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [order[i], order[j]] = [order[j], order[i]];
      }
      let lossSum = 0;
      let lossCount = 0;
      for (let at = 0; at < order.length; at += o.batchSize) {
        if (o.shouldStop?.() === true) {
          status = 'stopped';
          reason = `Stopped on request at step ${step}.`;
          break outer;
        }
        const idx = order.slice(at, at + o.batchSize);
        const started = performance.now();
        let loss: number;
        const labels = Int32Array.from(idx, (i) => this.train[i].label);
        if (this.features !== null) {
          const feats = new Float32Array(idx.length * C);
          idx.forEach((i, b) => feats.set((this.features as { train: F32 }).train.subarray(i * C, (i + 1) * C), b * C));
          loss = m.forwardPooled(feats, idx.length, labels, this.weights);
        } else {
          const { batch } = collate(idx.map((i) => this.train[i]), this.padId, this.withSegments);
          loss = m.forward(batch, labels, { train: true, step, classWeights: this.weights });
        }
        m.zeroGrad();
        m.backward();
        const bodyNorm = frozen ? 0 : m.k.sumSquares(m.grads.data, m.grads.data.length);
        const gradNorm = Math.sqrt(bodyNorm + m.k.sumSquares(m.headGrads.data, m.headGrads.data.length));
        const clip = o.gradClip ?? 1;
        const scale = clip > 0 && Number.isFinite(gradNorm) && gradNorm > clip ? clip / (gradNorm + 1e-6) : 1;
        const lr = finetuneLr(step, o.lr, warmup, total);
        if (!Number.isFinite(loss) || !Number.isFinite(gradNorm)) {
          status = 'diverged';
          reason = `The loss became ${loss} at step ${step + 1} (learning rate ${lr.toExponential(2)}); lower the learning rate.`;
          break outer;
        }
        this.bodyOpt?.step(m.params.data, m.grads.data, lr, scale);
        this.headOpt.step(m.head.data, m.headGrads.data, lr, scale);
        step++;
        const seconds = (performance.now() - started) / 1000;
        this.trainSeconds += seconds;
        this.trained += idx.length;
        lossSum += loss * idx.length;
        lossCount += idx.length;
        let tokens = 0;
        for (const i of idx) tokens += this.train[i].tokens.length;
        o.onStep?.({ step, loss, lr, gradNorm, examplesPerSecond: idx.length / Math.max(seconds, 1e-9), tokens, tokensPerSecond: tokens / Math.max(seconds, 1e-9) });
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      const ev = this.evaluate();
      const metrics: EpochMetrics = { epoch, step, trainLoss: lossCount > 0 ? lossSum / lossCount : Number.NaN, valLoss: ev?.loss ?? null, val: ev?.metrics ?? null };
      history.push(metrics);
      let stopNow = false;
      if (ev !== null) {
        const best = this.best;
        const better = best === null || ev.metrics.macroF1 > best.f1 + 1e-9 || (Math.abs(ev.metrics.macroF1 - best.f1) <= 1e-9 && ev.loss < best.loss);
        if (better) {
          this.best = { epoch, f1: ev.metrics.macroF1, loss: ev.loss, body: frozen ? null : Float32Array.from(m.params.data), head: Float32Array.from(m.head.data) };
        } else if (patience > 0 && best !== null && epoch - best.epoch >= patience) {
          stoppedEarly = true;
          reason = `Validation macro-F1 did not improve for ${patience} epochs after epoch ${best.epoch}; stopped early and kept epoch ${best.epoch}'s weights.`;
          stopNow = true;
        }
      }
      this.epochDone = epoch;
      this.stepDone = step;
      o.onEpoch?.(metrics);
      if (stopNow) break;
    }
    const best = this.best;
    if (stalled && best !== null) {
      stoppedEarly = true;
      reason = `Validation macro-F1 had not improved for ${patience} epochs after epoch ${best.epoch}; kept epoch ${best.epoch}'s weights.`;
    }
    if (best !== null && status !== 'diverged') {
      if (best.body !== null) m.params.data.set(best.body);
      m.head.data.set(best.head);
    }
    return {
      status, reason, epochs: history.length, steps: step, bestEpoch: best?.epoch ?? 0, history,
      examplesPerSecond: this.trainSeconds > 0 ? this.trained / this.trainSeconds : 0, classWeights: this.weights, stoppedEarly,
    };
  }
}

// A sequence classifier on a pre-trained (or fresh) GPT or BERT body: the body's kernels and buffers, a pooling head
// (BERT [CLS] through its pooler, mean of the last layer, GPT's last token) and a linear layer to K classes, with a
// class-weighted cross-entropy; forward and backward, full fine-tuning or a frozen body (linear probe).
//
// Head tensors (beside the body's own, in safetensors naming; K = classes, C = dModel):
//   classifier.weight (K, C), classifier.bias (K)
// pooled(b) = 'cls':  tanh(pooler.dense(h[b, 0]))           (BERT; h = the body's final hidden states)
//             'mean': mean of h[b, t] over real tokens t     (keyMask 1)
//             'last': h[b, last real token]                  (GPT: the extract token after the text)
// logits(b) = pooled(b) @ classifier.weight^T + classifier.bias
// loss = sum_b w[y_b] * nll_b / sum_b w[y_b]                 (torch.nn.functional.cross_entropy with weight=w)
import type { F32, Kernels } from '../../../native-kernels/kernels';
import type { ModelConfig } from '../../../common/model-config';
import { LabError } from '../../../common/errors';
import { TransformerBase, type Batch, type ForwardOptions } from '../model';
import { NamedBuffer, TensorTable, type TensorSpec } from '../params';
import { Rng } from '../rng';

export type HeadKind = 'cls' | 'mean' | 'last';

export interface ClassifierSpec {
  head: HeadKind;
  /** number of classes K (at least 2) */
  numClasses: number;
  /** true: the body's weights stay as loaded and only the head trains (a linear probe) */
  freeze: boolean;
}

/** The heads each family offers: BERT's [CLS] (pooler) or mean; GPT's last token or mean. */
export const HEADS_OF: Record<'gpt' | 'bert', readonly HeadKind[]> = { bert: ['cls', 'mean'], gpt: ['last', 'mean'] };

/** The body: TransformerBase's embeddings, blocks and final norm, opened for a head that is not a language model. */
class Body extends TransformerBase {
  /** Runs the blocks; `keep` keeps every layer's activations for a backward; rows as TransformerBase.encode. */
  forwardBody(batch: Batch, opts: ForwardOptions, keep: boolean, rows: Int32Array | null): F32 {
    this.prepare(batch, opts);
    this.run = { ...this.run, keepAll: keep };
    return this.encode(batch, rows !== null && keep && this.canRunRows() ? rows : null);
  }

  /** Whether the latest run() computed its last block for the given rows only. */
  ranRows(rows: Int32Array | null, keep: boolean): boolean {
    return rows !== null && keep && this.canRunRows();
  }

  backwardBody(dhidden: F32, rows: Int32Array | null): void {
    this.encodeBackward(dhidden, rows);
  }
}

export function headTable(K: number, C: number): TensorTable {
  const t = new TensorTable();
  t.add('classifier.weight', [K, C], 'linear');
  t.add('classifier.bias', [K], 'bias');
  return t;
}

/** What the body's pass of a forward leaves for backward. */
interface BodyPass {
  batch: Batch;
  rows: Int32Array | null;
  rowsOnly: boolean;
  hidden: F32;
  lengths: Int32Array;
  keep: boolean;
}

export class SequenceClassifier {
  readonly body: Body;
  readonly head: NamedBuffer;
  readonly headGrads: NamedBuffer;
  /** latest forward: (B,K) logits, (B,K) probabilities, (B,C) pooled features */
  private logitsBuf = new Float32Array(0);
  private probsBuf = new Float32Array(0);
  private pooledBuf = new Float32Array(0);
  /** [CLS] inputs of the pooler (B,C) and its pre-tanh values are kept for backward */
  private clsIn = new Float32Array(0);
  /** rows of the latest forward */
  private rowsB = 0;
  private last: { B: number; labels: Int32Array; weights: Float64Array; weightSum: number; body: BodyPass | null } | null = null;

  constructor(readonly k: Kernels, readonly config: ModelConfig, readonly spec: ClassifierSpec, init = true) {
    const heads = HEADS_OF[config.family];
    if (!heads.includes(spec.head)) {
      throw new LabError('invalid_input', `A ${config.family.toUpperCase()} classifier takes the head ${heads.join(' or ')}, not "${spec.head}" (${config.family === 'bert' ? 'BERT reads its [CLS] token through the pooler, or the mean of its last layer' : 'GPT reads the last token, which has seen the whole text, or the mean over tokens'}).`, { field: 'head' });
    }
    if (!Number.isInteger(spec.numClasses) || spec.numClasses < 2) {
      throw new LabError('invalid_input', `A classifier needs at least 2 classes, got ${spec.numClasses}.`, { field: 'numClasses' });
    }
    this.body = new Body(k, config, init);
    const table = headTable(spec.numClasses, config.dModel);
    this.head = new NamedBuffer(table);
    this.headGrads = new NamedBuffer(table);
    if (init) this.initHead(config.seed);
  }

  /** classifier.weight ~ N(0, 0.02), bias 0 (BERT's initializer_range), from its own stream so the body's init is
   *  untouched. */
  initHead(seed: number): void {
    const rng = new Rng((seed ^ 0x00c1a55) >>> 0);
    const w = this.head.view('classifier.weight');
    for (let i = 0; i < w.length; i++) w[i] = rng.normal() * 0.02;
    this.head.view('classifier.bias').fill(0);
  }

  get params(): NamedBuffer {
    return this.body.params;
  }

  get grads(): NamedBuffer {
    return this.body.grads;
  }

  /** The body tensors a fine-tune updates: none when frozen; else all but BERT's MLM head, and the pooler only for the
   *  [CLS] head (they get no gradient, and AdamW's weight decay would still shrink them). */
  trainableBodySpecs(): TensorSpec[] {
    if (this.spec.freeze) return [];
    return this.body.params.table.specs.filter((s) => !s.name.startsWith('mlm.') && (this.spec.head === 'cls' || !s.name.startsWith('pooler.')));
  }

  zeroGrad(): void {
    if (!this.spec.freeze) this.body.zeroGrad();
    this.headGrads.zero();
  }

  /**
   * Classifies a batch: tokens (B,T) right-padded, keyMask marks real tokens (required: it gives each row's length),
   * segments for BERT pairs. labels (B) and per-class weights (K, default 1) give the loss; without labels it returns
   * NaN and keeps nothing for backward. Returns the loss.
   */
  forward(batch: Batch, labels: Int32Array | null, opts: ForwardOptions & { classWeights?: ArrayLike<number> | null } = {}): number {
    const { B, T } = batch;
    const C = this.config.dModel;
    const keyMask = batch.keyMask;
    if (keyMask === null || keyMask === undefined) throw new LabError('internal', 'The classifier needs the batch key mask to find each sequence\'s length.');
    const lengths = new Int32Array(B);
    for (let b = 0; b < B; b++) {
      let n = 0;
      for (let t = 0; t < T; t++) n += keyMask[b * T + t];
      if (n === 0) throw new LabError('invalid_input', `Sequence ${b} of the batch has no tokens; every example needs at least one.`, { field: 'tokens' });
      lengths[b] = n;
    }
    if (labels !== null && labels.length !== B) throw new LabError('internal', `The batch has ${B} sequences but ${labels.length} labels.`);
    // Training the body needs every activation; a frozen body or an evaluation runs the lean inference pass.
    const keep = labels !== null && !this.spec.freeze;
    const rows = this.spec.head === 'mean' ? null
      : Int32Array.from({ length: B }, (_, b) => b * T + (this.spec.head === 'cls' ? 0 : lengths[b] - 1));
    const hidden = this.body.forwardBody({ ...batch, targets: null }, { train: opts.train === true && keep, step: opts.step }, keep, rows);
    const rowsOnly = this.body.ranRows(rows, keep);
    this.pool(this.grow('pooledBuf', B * C), hidden, batch, lengths, rows, rowsOnly);
    return this.headForward(B, labels, opts.classWeights ?? null, { batch, rows, rowsOnly, hidden, lengths, keep });
  }

  /** The head alone on given pooled features (B,C): a frozen body's features computed once (featuresOf) and reused
   *  every epoch, which is exactly what forward() computes without dropout. */
  forwardPooled(pooled: F32, B: number, labels: Int32Array | null, classWeights: ArrayLike<number> | null = null): number {
    this.grow('pooledBuf', B * this.config.dModel).set(pooled.subarray(0, B * this.config.dModel));
    return this.headForward(B, labels, classWeights, null);
  }

  private headForward(B: number, labels: Int32Array | null, classWeights: ArrayLike<number> | null, body: BodyPass | null): number {
    const C = this.config.dModel;
    const K = this.spec.numClasses;
    const pooled = this.pooledBuf.subarray(0, B * C);
    const logits = this.grow('logitsBuf', B * K);
    this.k.matmulForward(logits, pooled, this.head.view('classifier.weight'), this.head.view('classifier.bias'), B, C, K);
    const probs = this.grow('probsBuf', B * K);
    this.rowsB = B;
    softmaxRows(probs, logits, B, K);
    if (labels === null) {
      this.last = null;
      return Number.NaN;
    }
    const weights = new Float64Array(K).fill(1);
    if (classWeights) for (let j = 0; j < K; j++) weights[j] = classWeights[j];
    let loss = 0;
    let weightSum = 0;
    for (let b = 0; b < B; b++) {
      const y = labels[b];
      if (!(y >= 0 && y < K)) throw new LabError('invalid_input', `Label ${y} of sequence ${b} is not a class 0..${K - 1}.`, { field: 'labels' });
      const w = weights[y];
      loss -= w * Math.log(Math.max(probs[b * K + y], 1e-30));
      weightSum += w;
    }
    this.last = { B, labels, weights, weightSum, body };
    return weightSum > 0 ? loss / weightSum : 0;
  }

  /** (B,K) logits and probabilities of the latest forward, and its pooled (B,C) features. */
  logits(): F32 {
    return this.logitsBuf.subarray(0, this.rowsB * this.spec.numClasses);
  }

  probabilities(): F32 {
    return this.probsBuf.subarray(0, this.rowsB * this.spec.numClasses);
  }

  pooled(): F32 {
    return this.pooledBuf.subarray(0, this.rowsB * this.config.dModel);
  }

  /** Attention probabilities of the latest forward, as the body's (see TransformerModel.attention). */
  attention(layer?: number): F32 {
    return this.body.attention(layer);
  }

  /** Accumulates the gradients of the latest forward's loss: the head's always, the body's unless frozen. */
  backward(): void {
    const s = this.last;
    if (s === null) throw new LabError('internal', 'backward() needs a forward() with labels first.');
    const B = s.B;
    const C = this.config.dModel;
    const K = this.spec.numClasses;
    const probs = this.probsBuf;
    const dlogits = new Float32Array(B * K);
    const scale = s.weightSum > 0 ? 1 / s.weightSum : 0;
    for (let b = 0; b < B; b++) {
      const y = s.labels[b];
      const w = s.weights[y] * scale;
      for (let j = 0; j < K; j++) dlogits[b * K + j] = (probs[b * K + j] - (j === y ? 1 : 0)) * w;
    }
    const dpooled = new Float32Array(B * C);
    this.k.matmulBackward(dpooled, this.headGrads.view('classifier.weight'), this.headGrads.view('classifier.bias'), dlogits,
      this.pooledBuf.subarray(0, B * C), this.head.view('classifier.weight'), B, C, K);
    const pass = s.body;
    if (pass === null || !pass.keep) return;
    const T = pass.batch.T;
    const G = (n: string): F32 => this.body.grads.view(n);
    const P = (n: string): F32 => this.body.params.view(n);
    if (this.spec.head === 'cls') {
      // through tanh: d(pre) = dpooled * (1 - pooled^2), then the pooler's dense layer back to the [CLS] rows
      const dpre = new Float32Array(B * C);
      for (let i = 0; i < B * C; i++) dpre[i] = dpooled[i] * (1 - this.pooledBuf[i] * this.pooledBuf[i]); // tanh' = 1 - tanh^2
      const dcls = new Float32Array(B * C);
      this.k.matmulBackward(dcls, G('pooler.dense.weight'), G('pooler.dense.bias'), dpre, this.clsIn.subarray(0, B * C), P('pooler.dense.weight'), B, C, C);
      this.backRows(dcls, pass.rows as Int32Array, pass.rowsOnly, B * T, C);
      return;
    }
    if (this.spec.head === 'last') {
      this.backRows(dpooled, pass.rows as Int32Array, pass.rowsOnly, B * T, C);
      return;
    }
    const dhidden = new Float32Array(B * T * C);
    for (let b = 0; b < B; b++) {
      const inv = 1 / pass.lengths[b];
      for (let t = 0; t < T; t++) {
        if (pass.batch.keyMask![b * T + t] === 0) continue;
        const o = (b * T + t) * C;
        for (let c = 0; c < C; c++) dhidden[o + c] = dpooled[b * C + c] * inv;
      }
    }
    this.body.backwardBody(dhidden, null);
  }

  /** The gradient drow (B,C) of one row per sequence into the body: compact when the last block ran on those rows. */
  private backRows(drow: F32, rows: Int32Array, rowsOnly: boolean, BT: number, C: number): void {
    if (rowsOnly) {
      this.body.backwardBody(drow, rows);
      return;
    }
    const dhidden = new Float32Array(BT * C);
    rows.forEach((pos, b) => dhidden.set(drow.subarray(b * C, (b + 1) * C), pos * C));
    this.body.backwardBody(dhidden, null);
  }

  /** pooled (B,C) from the hidden states: (B*T,C), or (B,C) rows when the last block ran on `rows` only. */
  private pool(pooled: F32, hidden: F32, batch: Batch, lengths: Int32Array, rows: Int32Array | null, rowsOnly: boolean): void {
    const { B, T } = batch;
    const C = this.config.dModel;
    if (rows !== null) {
      const picked = this.spec.head === 'cls' ? this.grow('clsIn', B * C) : pooled;
      for (let b = 0; b < B; b++) {
        const src = rowsOnly ? b : rows[b];
        picked.set(hidden.subarray(src * C, (src + 1) * C), b * C);
      }
      if (this.spec.head === 'cls') {
        this.k.matmulForward(pooled, picked, this.body.params.view('pooler.dense.weight'), this.body.params.view('pooler.dense.bias'), B, C, C);
        for (let i = 0; i < B * C; i++) pooled[i] = Math.tanh(pooled[i]);
      }
      return;
    }
    pooled.fill(0);
    const mask = batch.keyMask as Uint8Array;
    for (let b = 0; b < B; b++) {
      const inv = 1 / lengths[b];
      for (let t = 0; t < T; t++) {
        if (mask[b * T + t] === 0) continue;
        const o = (b * T + t) * C;
        for (let c = 0; c < C; c++) pooled[b * C + c] += hidden[o + c] * inv;
      }
    }
  }

  private grow(name: 'logitsBuf' | 'probsBuf' | 'pooledBuf' | 'clsIn', n: number): F32 {
    if (this[name].length < n) this[name] = new Float32Array(n);
    return this[name].subarray(0, n);
  }
}

/** probs (N,K) = row-wise softmax of logits (N,K), in double. */
export function softmaxRows(probs: F32, logits: F32, N: number, K: number): void {
  for (let n = 0; n < N; n++) {
    let max = -Infinity;
    for (let j = 0; j < K; j++) max = Math.max(max, logits[n * K + j]);
    let sum = 0;
    for (let j = 0; j < K; j++) sum += Math.exp(logits[n * K + j] - max);
    for (let j = 0; j < K; j++) probs[n * K + j] = Math.exp(logits[n * K + j] - max) / sum;
  }
}

// The part GPT and BERT share: buffers, weight init, embeddings, the stack of blocks and the final norm (fwd + bwd).
import type { F32, Kernels } from '../../native-kernels/kernels';
import type { ModelConfig } from '../../common/model-config';
import { activationSpecs, MaskBuffer, namedBufferIn, scratchSpecs } from './activations';
import { blockBackward, blockBackwardRows, blockForward, blockForwardRows, dropoutSeed, layerAttention, linearForward, RowScratch, type BlockBuffers, type BlockDims, type BlockRun } from './block';
import { DEFAULT_QKV_INIT, initWeights as initModelWeights, type QkvInit } from './init';
import { NamedBuffer, parameterSpecs, sinusoidalTable } from './params';
import { mixSeed } from './rng';
import { LabError } from '../../common/errors';

/** Targets equal to this are ignored by the loss (BERT: every position that was not masked). */
export const IGNORE_INDEX = -100;

/** One batch of B sequences of T tokens, row-major (B,T). */
export interface Batch {
  B: number;
  T: number;
  tokens: Int32Array;
  /** next tokens (GPT) or original tokens at masked positions and IGNORE_INDEX elsewhere (BERT); null = no loss */
  targets: Int32Array | null;
  /** (B,T) 1 = real token, 0 = padding (BERT); null = no padding */
  keyMask?: Uint8Array | null;
  /** (B,T) segment ids (BERT with typeVocabSize > 0); null = all segment 0 */
  segments?: Int32Array | null;
}

export interface ForwardOptions {
  /** apply dropout (training); evaluation and inference pass false */
  train?: boolean;
  /** the optimizer step, so every step draws fresh dropout masks reproducibly */
  step?: number;
}

export interface TransformerModel {
  readonly config: ModelConfig;
  readonly k: Kernels;
  readonly params: NamedBuffer;
  readonly grads: NamedBuffer;
  /** activations of the latest forward pass (names in activations.ts). After a forward without targets (inference,
   *  which no backward can follow) the per-layer views that hold their own layer's values are h.{i}.qkv, att and
   *  each block's output (h.{i}.res2 pre-LN, h.{i}.ln_2 with its mean/rstd post-LN); the other per-layer
   *  temporaries live in layer 0's views (h.0.*), which then hold the last layer's values. Views outside the
   *  blocks (encoded, ln_e, ln_f, the head's) are written as always. After BERT's pass with targets (lossRowsOnly)
   *  the last layer holds the masked rows only (see activations.ts). */
  readonly acts: NamedBuffer;
  /** Runs the model; returns the mean loss over non-ignored targets, or NaN when batch.targets is null. */
  forward(batch: Batch, opts?: ForwardOptions): number;
  /** Accumulates parameter gradients of the latest forward loss into grads. */
  backward(): void;
  zeroGrad(): void;
  /** logits of the latest forward pass, (R,V): R = B*T rows in (b,t) order, except where logitRows() names the rows */
  logits(): F32;
  /** null when logits() covers every (b,t); else the flat b*T+t positions of its rows (BERT training: masked rows) */
  logitRows(): Int32Array | null;
  /** (B,NH,T,T) attention probabilities of one layer, or (L,B,NH,T,T) of all when layer is omitted */
  attention(layer?: number): F32;
  /** true once freezeForInference() ran */
  readonly inferenceOnly: boolean;
  /** Packs every linear weight (and the head's wte) once into the kernels' GEMM layout, which every later forward
   *  multiplies from: the same results, without repacking each weight on every call. The model becomes
   *  inference-only: backward() refuses, and its weights must not change afterwards (the packed copies would not
   *  follow). For loaded checkpoints (loadForInference) and benchmarks. */
  freezeForInference(): void;
}

/** What the training loop needs of a model: GPT, BERT and the RNN language models (rnn/lm.ts). */
export interface TrainableModel {
  readonly config: { readonly family: string; readonly vocabSize: number; readonly contextLength: number; readonly seed: number };
  readonly k: Kernels;
  readonly params: NamedBuffer;
  readonly grads: NamedBuffer;
  forward(batch: Batch, opts?: ForwardOptions): number;
  backward(): void;
  zeroGrad(): void;
  logits(): F32;
  logitRows(): Int32Array | null;
}

/** Stores weights, runs embeddings + blocks + final norm; subclasses add their head and loss. */
export abstract class TransformerBase {
  readonly params: NamedBuffer;
  readonly grads: NamedBuffer;
  acts: NamedBuffer;
  protected scratch: NamedBuffer;
  /** compact rows of a last block run on some rows only (BERT: the masked rows; see encode) */
  private readonly rowScratch = new RowScratch();
  protected masks: MaskBuffer;
  protected readonly sinusoid: F32 | null;
  protected dims: BlockDims;
  protected run: BlockRun;
  protected batch: Batch | null = null;
  /** mean loss count of the latest forward (non-ignored targets) */
  protected count = 0;
  private readonly countOut = new Int32Array(1);
  /** packed linear weights by parameter name once freezeForInference() ran; null while the model is trainable */
  protected packed: Map<string, F32> | null = null;

  constructor(readonly k: Kernels, readonly config: ModelConfig, init = true) {
    const table = parameterSpecs(config);
    this.params = new NamedBuffer(table);
    this.grads = new NamedBuffer(table);
    this.sinusoid = config.positions === 'sinusoidal' ? sinusoidalTable(config.contextLength, config.dModel) : null;
    this.dims = { B: 1, T: 1, C: config.dModel, NH: config.nHead, F: config.dFF };
    this.acts = namedBufferIn(activationSpecs(config, 1, 1), null);
    this.scratch = namedBufferIn(scratchSpecs(config, 1, 1), null);
    this.masks = new MaskBuffer(config, 1, 1);
    this.run = { norm: config.norm, causal: config.family === 'gpt', keyMask: null, dropout: 0, seed: 0, keepAll: true };
    if (init) this.initWeights();
  }

  /** GPT-2's init with Xavier-uniform Q/K/V projections (init.ts says why and what each tensor gets). */
  initWeights(qkv: QkvInit = DEFAULT_QKV_INIT): void {
    initModelWeights(this.params, this.config, qkv);
  }

  zeroGrad(): void {
    this.grads.zero();
  }

  get inferenceOnly(): boolean {
    return this.packed !== null;
  }

  freezeForInference(): void {
    if (this.packed !== null) return;
    const packed = new Map<string, F32>();
    for (const s of this.params.table.specs) {
      if (s.role !== 'linear' && s.name !== 'wte') continue;
      const [OC, C] = s.shape; // (out, in), like torch.nn.Linear.weight; wte (V,C) is the tied head's weight
      packed.set(s.name, this.k.packLinearWeight(this.params.view(s.name), C, OC));
    }
    this.packed = packed;
  }

  /** out(BT,OC) = inp(BT,C) @ W^T + bias for the linear parameter `name` (OC,C), packed when inference-only. */
  protected linear(out: F32, inp: F32, name: string, bias: F32 | null, BT: number, C: number, OC: number): void {
    linearForward(this.k, this.params, this.packed, out, inp, name, bias, BT, C, OC);
  }

  logits(): F32 {
    return this.acts.view('logits');
  }

  logitRows(): Int32Array | null {
    return null;
  }

  attention(layer?: number): F32 {
    return layer === undefined ? this.acts.view('att') : layerAttention(this.acts, layer, this.dims);
  }

  /** Checks the batch and sizes the activation buffers for its (B,T). */
  protected prepare(batch: Batch, opts: ForwardOptions): void {
    const c = this.config;
    const { B, T } = batch;
    if (!Number.isInteger(B) || B < 1 || !Number.isInteger(T) || T < 1 || T > c.contextLength) {
      throw new LabError('invalid_input', `A batch of ${B} × ${T} tokens does not fit this model (context length ${c.contextLength}); use 1 to ${c.contextLength} tokens per sequence.`, { field: 'T' });
    }
    if (batch.tokens.length !== B * T) throw new LabError('invalid_input', `The batch holds ${batch.tokens.length} tokens, expected B × T = ${B * T}.`, { field: 'tokens' });
    for (let i = 0; i < batch.tokens.length; i++) {
      const id = batch.tokens[i];
      if (id < 0 || id >= c.vocabSize) {
        throw new LabError('invalid_input', `Token id ${id} at position ${i} is outside the model's vocabulary of ${c.vocabSize}; the tokenizer and the model do not match.`, { field: 'tokens' });
      }
    }
    const targets = batch.targets;
    if (targets !== null) {
      if (targets.length !== B * T) throw new LabError('invalid_input', `The batch holds ${targets.length} targets, expected B × T = ${B * T}.`, { field: 'targets' });
      for (let i = 0; i < targets.length; i++) {
        const id = targets[i];
        if (id !== IGNORE_INDEX && (id < 0 || id >= c.vocabSize)) {
          throw new LabError('invalid_input', `Target id ${id} at position ${i} is outside the model's vocabulary of ${c.vocabSize} (use ${IGNORE_INDEX} for positions without a target).`, { field: 'targets' });
        }
      }
    }
    if (batch.keyMask && batch.keyMask.length !== B * T) throw new LabError('invalid_input', `The key mask has ${batch.keyMask.length} entries, expected B × T = ${B * T}.`, { field: 'keyMask' });
    if (batch.segments && c.typeVocabSize === 0) throw new LabError('invalid_input', 'Segment ids were given, but this model has no segment embeddings (typeVocabSize 0).', { field: 'segments' });
    if (B !== this.dims.B || T !== this.dims.T) {
      this.dims = { ...this.dims, B, T };
      this.acts = namedBufferIn(activationSpecs(c, B, T), this.acts);
      this.scratch = namedBufferIn(scratchSpecs(c, B, T), this.scratch);
      // Storage a step walks end to end (~100 MB at the reference config): huge pages, asked for before first touch.
      this.k.adviseHugePages(this.acts.data);
      this.k.adviseHugePages(this.scratch.data);
      if (c.dropout > 0) this.masks = new MaskBuffer(c, B, T);
    }
    const train = opts.train === true && c.dropout > 0;
    this.run = {
      norm: c.norm, causal: c.family === 'gpt', keyMask: batch.keyMask ?? null,
      dropout: train ? c.dropout : 0, seed: mixSeed(c.seed, opts.step ?? 0), keepAll: batch.targets !== null,
    };
    this.batch = batch;
  }

  private blockBuffers(): BlockBuffers {
    return { params: this.params, grads: this.grads, acts: this.acts, scratch: this.scratch, masks: this.masks, packed: this.packed,
      rowScratch: this.rowScratch };
  }

  /** Whether encode() may run the last block on some rows only in this pass: a trainable model (not packed) with at
   *  least one layer. */
  protected canRunRows(): boolean {
    return this.packed === null && this.config.nLayer > 0;
  }

  /** Embeddings (+ ln_e), dropout, all blocks, (+ ln_f); returns the final hidden states (B,T,C). With `rows`
   *  (ascending flat positions, at least one; only when canRunRows()): the last block and ln_f run for those rows
   *  alone (blockForwardRows) and the result is their (M,C) hidden states, for a caller whose loss reads no other row. */
  protected encode(batch: Batch, rows: Int32Array | null = null): F32 {
    const k = this.k;
    const { B, T, C } = this.dims;
    const N = B * T * C;
    const a = this.acts;
    const pos = this.sinusoid ?? this.params.view('wpe');
    const segTable = this.params.maybe('wtt');
    k.embeddingForward(a.view('encoded'), batch.tokens, this.params.view('wte'), pos.subarray(0, T * C),
      segTable === null ? null : (batch.segments ?? new Int32Array(B * T)), segTable, B, T, C);
    let x = a.view('encoded');
    if (this.config.norm === 'post') {
      k.layernormForward(a.view('ln_e'), a.view('ln_e.mean'), a.view('ln_e.rstd'), x, this.params.view('ln_e.weight'), this.params.view('ln_e.bias'), B * T, C);
      x = a.view('ln_e');
    }
    if (this.run.dropout > 0) {
      k.dropoutForward(a.view('encoded.drop'), this.masks.view('encoded'), x, this.run.dropout, dropoutSeed(this.run.seed, this.config.nLayer, 0), N);
      x = a.view('encoded.drop');
    }
    const buf = this.blockBuffers();
    const L = this.config.nLayer;
    for (let l = 0; l < L; l++) {
      x = rows !== null && l === L - 1 ? blockForwardRows(k, this.dims, this.run, l, x, buf, rows) : blockForward(k, this.dims, this.run, l, x, buf);
    }
    if (this.config.norm === 'pre') {
      const n = rows === null ? B * T : rows.length;
      const out = a.view('ln_f').subarray(0, n * C);
      k.layernormForward(out, a.view('ln_f.mean'), a.view('ln_f.rstd'), x, this.params.view('ln_f.weight'), this.params.view('ln_f.bias'), n, C);
      x = out;
    }
    return x;
  }

  /** The input of layer l (the output of the layer before, or the embeddings after ln_e/dropout). */
  private layerInput(l: number): F32 {
    const a = this.acts;
    if (l > 0) return a.view(this.config.norm === 'pre' ? `h.${l - 1}.res2` : `h.${l - 1}.ln_2`);
    if (this.run.dropout > 0) return a.view('encoded.drop');
    return this.config.norm === 'post' ? a.view('ln_e') : a.view('encoded');
  }

  /** Backward from dhidden, the gradient of encode()'s output, down to the embeddings: (B,T,C), or (M,C) when that
   *  encode() ran with `rows` (pass the same rows). */
  protected encodeBackward(dhidden: F32, rows: Int32Array | null = null): void {
    const k = this.k;
    const c = this.config;
    const { B, T, C } = this.dims;
    const BT = B * T;
    const a = this.acts;
    const P = (n: string): F32 => this.params.view(n);
    const G = (n: string): F32 => this.grads.view(n);
    const n = rows === null ? BT : rows.length;
    let dcur = this.scratch.view('dres.a');
    let dnext = this.scratch.view('dres.b');
    if (c.norm === 'pre') {
      const last = a.view(c.nLayer > 0 ? `h.${c.nLayer - 1}.res2` : 'encoded');
      k.layernormBackward(dcur, G('ln_f.weight'), G('ln_f.bias'), dhidden, last, P('ln_f.weight'), a.view('ln_f.mean'), a.view('ln_f.rstd'), n, C);
    } else {
      dcur.set(dhidden.subarray(0, n * C));
    }
    const buf = this.blockBuffers();
    for (let l = c.nLayer - 1; l >= 0; l--) {
      if (rows !== null && l === c.nLayer - 1) blockBackwardRows(k, this.dims, this.run, l, this.layerInput(l), dcur.subarray(0, n * C), dnext, buf, rows);
      else blockBackward(k, this.dims, this.run, l, this.layerInput(l), dcur, dnext, buf);
      [dcur, dnext] = [dnext, dcur];
    }
    if (this.run.dropout > 0) {
      k.dropoutBackward(dnext, dcur, this.masks.view('encoded'), this.run.dropout, BT * C);
      [dcur, dnext] = [dnext, dcur];
    }
    if (c.norm === 'post') {
      k.layernormBackward(dnext, G('ln_e.weight'), G('ln_e.bias'), dcur, a.view('encoded'), P('ln_e.weight'), a.view('ln_e.mean'), a.view('ln_e.rstd'), BT, C);
      [dcur, dnext] = [dnext, dcur];
    }
    const batch = this.batch as Batch;
    const dseg = this.grads.maybe('wtt');
    k.embeddingBackward(G('wte'), this.grads.maybe('wpe'), dseg, dcur, batch.tokens,
      dseg === null ? null : (batch.segments ?? new Int32Array(BT)), B, T, C);
  }

  /** Softmax cross-entropy of the logits against the targets; stores the count for backward. */
  protected lossForward(targets: Int32Array, rows: number): number {
    const V = this.config.vocabSize;
    const loss = this.k.crossEntropyForward(this.acts.view('losses'), this.acts.view('probs'), this.acts.view('logits'),
      targets, IGNORE_INDEX, rows, V, this.countOut);
    this.count = this.countOut[0];
    return loss;
  }

  /** dlogits (BT,V) of the mean loss. */
  protected lossBackward(targets: Int32Array, rows: number): F32 {
    const dlogits = this.scratch.view('dlogits');
    this.k.crossEntropyBackward(dlogits, this.acts.view('probs'), targets, IGNORE_INDEX, this.count > 0 ? 1 / this.count : 0, rows, this.config.vocabSize);
    return dlogits;
  }

  protected requireForwardWithTargets(): Batch {
    if (this.packed !== null) {
      throw new LabError('invalid_input', 'This model was loaded for inference only (its weights are packed and must not change), so it cannot run backward() or train; load the checkpoint with loadModel to train it.');
    }
    if (this.batch === null || this.batch.targets === null) {
      throw new LabError('internal', 'backward() needs a forward() with targets first.');
    }
    return this.batch;
  }
}

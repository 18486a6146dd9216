// The RNN language model (families 'gru', 'lstm'): token embedding, a stack of recurrent layers, a linear output
// layer over the vocabulary, next-token loss — torch's word_language_model RNNModel, tensor for tensor:
//   encoder.weight (V,E) · rnn.weight_ih_l{k} ... (spec.ts) · decoder.weight (V,H), decoder.bias (V)
//   emb = drop(encoder[tokens]); out, hN = rnn(emb, h0); logits = decoder(drop(out))
// Batches arrive batch-major (B,T) like GPT's and the logits leave in (b,t) order (the training loop, evaluation and
// sampling read them as GPT's); inside, the recurrence runs time-major (T,B,·).
// Activations (one buffer): h0, c0 (L,B,H) the state a run() continues from, emb, emb.drop (T,B,E) (dropout > 0;
//   without it the stack reads the token ids itself), top.drop (T,B,H), top.bt (B,T,H), logits (BT,V), probs (BT,V),
//   losses (BT); the stack keeps its own (stack.ts), the time-major token ids are an Int32Array (T,B). Scratch: dlogits (BT,V), dtop.bt (B,T,H), dtop (T,B,H),
//   dtop.undrop, demb, demb.undrop (T,B,E) (dropout > 0).
import type { F32, Kernels } from '../../../native-kernels/kernels';
import { LabError } from '../../../common/errors';
import { namedBufferIn } from '../activations';
import type { Batch, ForwardOptions } from '../model';
import { IGNORE_INDEX } from '../model';
import { NamedBuffer, TensorTable } from '../params';
import { mixSeed, Rng } from '../rng';
import type { RnnConfig } from '../../../common/rnn-config';
import { addRecurrentParams, initRecurrentParams, type RecurrentSpec } from './spec';
import { RecurrentStack, stackLayout } from './stack';
import type { TokenInput } from './token-input';

/** The recurrent state between calls of run(): hidden (and cell) states (L,B,H). */
export interface RnnState {
  h: F32;
  c: F32 | null;
}

export function rnnParameterTable(c: RnnConfig): TensorTable {
  const t = new TensorTable();
  t.add('encoder.weight', [c.vocabSize, c.dEmbed], 'embedding');
  addRecurrentParams(t, 'rnn.', stackSpec(c));
  t.add('decoder.weight', [c.vocabSize, c.dModel], 'linear');
  t.add('decoder.bias', [c.vocabSize], 'bias');
  return t;
}

function stackSpec(c: RnnConfig): RecurrentSpec {
  return { cell: c.family, inputSize: c.dEmbed, hiddenSize: c.dModel, numLayers: c.nLayer, bidirectional: false, dropout: c.dropout };
}

/** The model's own activation and scratch tables for a batch (B,T) (names in the header; the stack's are separate). */
export function lmLayout(c: RnnConfig, B: number, T: number): { acts: TensorTable; scratch: TensorTable } {
  const [E, H, V, BT] = [c.dEmbed, c.dModel, c.vocabSize, B * T];
  const drop = c.dropout > 0 ? T : 0;
  const acts = new TensorTable();
  acts.add('h0', [c.nLayer, B, H]);
  acts.add('c0', [c.family === 'lstm' ? c.nLayer : 0, B, H]);
  acts.add('emb', [drop, B, E]);
  acts.add('emb.drop', [drop, B, E]);
  acts.add('top.drop', [drop, B, H]);
  acts.add('top.bt', [B, T, H]);
  acts.add('logits', [BT, V]);
  acts.add('probs', [BT, V]);
  acts.add('losses', [B, T]);
  const scratch = new TensorTable();
  scratch.add('dlogits', [BT, V]);
  scratch.add('dtop.bt', [B, T, H]);
  scratch.add('dtop', [T, B, H]);
  scratch.add('dtop.undrop', [drop, B, H]);
  scratch.add('demb', [drop, B, E]);
  scratch.add('demb.undrop', [drop, B, E]);
  return { acts, scratch };
}

/** Bytes a training run of this config needs at (batch, contextLength): weights, gradients and AdamW moments, then
 *  every activation, scratch and mask buffer the model and its stack allocate (the token projection's tables too). */
export function rnnMemoryEstimate(c: RnnConfig, batch: number): { parameters: number; weightBytes: number; activationBytes: number; totalBytes: number } {
  const parameters = rnnParameterTable(c).total;
  const weightBytes = parameters * 4 * 4;
  const T = c.contextLength;
  const lm = lmLayout(c, batch, T);
  const stack = stackLayout(stackSpec(c), T, batch);
  const G = c.family === 'gru' ? 3 : 4;
  const projection = 2 * c.vocabSize * G * c.dModel + c.vocabSize * 4 * c.dModel + c.vocabSize * c.dEmbed;
  const maskBytes = stack.maskBytes + (c.dropout > 0 ? batch * T * (c.dEmbed + c.dModel) : 0);
  const floats = lm.acts.total + lm.scratch.total + stack.acts.total + stack.scratch.total + projection;
  const activationBytes = floats * 4 + maskBytes + batch * T * 4;
  return { parameters, weightBytes, activationBytes, totalBytes: weightBytes + activationBytes };
}

export class RnnLanguageModel {
  readonly params: NamedBuffer;
  readonly grads: NamedBuffer;
  readonly stack: RecurrentStack;
  acts: NamedBuffer;
  private scratch: NamedBuffer;
  private masks = { emb: new Uint8Array(0), top: new Uint8Array(0) };
  private tokensTM = new Int32Array(0);
  private B = 0;
  private T = 0;
  private batch: Batch | null = null;
  private dropout = 0;
  private count = 0;
  private readonly countOut = new Int32Array(1);
  readonly inferenceOnly = false;

  constructor(readonly k: Kernels, readonly config: RnnConfig, init = true) {
    this.params = new NamedBuffer(rnnParameterTable(config));
    this.grads = new NamedBuffer(this.params.table);
    this.stack = new RecurrentStack(stackSpec(config), 'rnn.');
    this.acts = new NamedBuffer(new TensorTable());
    this.scratch = new NamedBuffer(new TensorTable());
    if (init) this.initWeights();
  }

  /** word_language_model's init: embedding and output weights uniform in +-0.1, output bias 0; the stack as torch. */
  initWeights(): void {
    const rng = new Rng(this.config.seed);
    for (const name of ['encoder.weight', 'decoder.weight']) {
      const v = this.params.view(name);
      for (let i = 0; i < v.length; i++) v[i] = (rng.next() * 2 - 1) * 0.1;
    }
    this.params.view('decoder.bias').fill(0);
    initRecurrentParams(this.params, 'rnn.', this.stack.spec, rng);
  }

  zeroGrad(): void {
    this.grads.zero();
  }

  logits(): F32 {
    return this.acts.view('logits');
  }

  logitRows(): Int32Array | null {
    return null;
  }

  /** Packing is a Transformer inference speed-up; an RNN's weights are used as they are. */
  freezeForInference(): void {}

  private size(B: number, T: number): void {
    if (B === this.B && T === this.T) return;
    const c = this.config;
    const { acts, scratch } = lmLayout(c, B, T);
    this.acts = namedBufferIn(acts, this.acts);
    this.scratch = namedBufferIn(scratch, this.scratch);
    if (c.dropout > 0) this.masks = { emb: new Uint8Array(B * T * c.dEmbed), top: new Uint8Array(B * T * c.dModel) };
    this.tokensTM = new Int32Array(B * T);
    this.B = B;
    this.T = T;
  }

  /** Runs the model on tokens (B,T) from `state` (null = zeros); fills logits (b,t order) and returns the final
   *  state, which a later call may continue from (generation past the context). */
  run(tokens: Int32Array, B: number, T: number, state: RnnState | null, opts: ForwardOptions = {}): RnnState {
    const c = this.config;
    this.checkTokens(tokens, B, T);
    this.size(B, T);
    const k = this.k;
    const [E, H, V, BT] = [c.dEmbed, c.dModel, c.vocabSize, B * T];
    const train = opts.train === true && c.dropout > 0;
    this.dropout = train ? c.dropout : 0;
    const seed = mixSeed(c.seed, opts.step ?? 0);
    for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) this.tokensTM[t * B + b] = tokens[b * T + t];
    // Without dropout on the embeddings the stack reads the token ids itself (token-input.ts: with a small
    // vocabulary it gathers the first layer's input projection from a table instead of a GEMM over every step).
    let x: F32 | TokenInput = { tokens: this.tokensTM, table: this.params.view('encoder.weight') };
    if (this.dropout > 0) {
      const emb = this.acts.view('emb');
      k.embeddingForward(emb, this.tokensTM, this.params.view('encoder.weight'), null, null, null, 1, BT, E);
      k.dropoutForward(this.acts.view('emb.drop'), this.masks.emb, emb, this.dropout, mixSeed(seed, 1), BT * E);
      x = this.acts.view('emb.drop');
    }
    // The state is copied first: it may be a view of the stack's own final states, which this pass overwrites.
    let h0: F32 | null = null;
    let c0: F32 | null = null;
    if (state !== null) {
      h0 = this.acts.view('h0');
      h0.set(state.h.subarray(0, h0.length));
      if (state.c !== null && c.family === 'lstm') {
        c0 = this.acts.view('c0');
        c0.set(state.c.subarray(0, c0.length));
      }
    }
    let top = this.stack.forward(k, this.params, x, T, B, { h0, c0, train, seed: mixSeed(seed, 2) });
    if (this.dropout > 0) {
      k.dropoutForward(this.acts.view('top.drop'), this.masks.top, top, this.dropout, mixSeed(seed, 3), BT * H);
      top = this.acts.view('top.drop');
    }
    const topBT = this.acts.view('top.bt');
    transposeTB(topBT, top, T, B, H);
    k.matmulForward(this.acts.view('logits'), topBT, this.params.view('decoder.weight'), this.params.view('decoder.bias'), BT, H, V);
    return { h: this.stack.hN(), c: c.family === 'lstm' ? this.stack.cN() : null };
  }

  /** batch.targets (B,T) are the tokens one step ahead (as GPT); every window starts from a zero state. */
  forward(batch: Batch, opts: ForwardOptions = {}): number {
    const c = this.config;
    const { B, T } = batch;
    if (!Number.isInteger(T) || T < 1 || T > c.contextLength) {
      throw new LabError('invalid_input', `A batch of ${B} × ${T} tokens does not fit this model (context length ${c.contextLength}); use 1 to ${c.contextLength} tokens per sequence.`, { field: 'T' });
    }
    this.run(batch.tokens, B, T, null, opts);
    this.batch = batch;
    if (batch.targets === null) return Number.NaN;
    if (batch.targets.length !== B * T) throw new LabError('invalid_input', `The batch holds ${batch.targets.length} targets, expected B × T = ${B * T}.`, { field: 'targets' });
    const loss = this.k.crossEntropyForward(this.acts.view('losses'), this.acts.view('probs'), this.acts.view('logits'),
      batch.targets, IGNORE_INDEX, B * T, c.vocabSize, this.countOut);
    this.count = this.countOut[0];
    return loss;
  }

  backward(): void {
    const batch = this.batch;
    if (batch === null || batch.targets === null) throw new LabError('internal', 'backward() needs a forward() with targets first.');
    const c = this.config;
    const k = this.k;
    const { B, T } = batch;
    const [E, H, V, BT] = [c.dEmbed, c.dModel, c.vocabSize, B * T];
    const dlogits = this.scratch.view('dlogits');
    k.crossEntropyBackward(dlogits, this.acts.view('probs'), batch.targets, IGNORE_INDEX, this.count > 0 ? 1 / this.count : 0, BT, V);
    const dtopBT = this.scratch.view('dtop.bt');
    k.matmulBackward(dtopBT, this.grads.view('decoder.weight'), this.grads.view('decoder.bias'), dlogits, this.acts.view('top.bt'),
      this.params.view('decoder.weight'), BT, H, V);
    let dtop = this.scratch.view('dtop');
    transposeTB(dtop, dtopBT, B, T, H);
    if (this.dropout > 0) {
      k.dropoutBackward(this.scratch.view('dtop.undrop'), dtop, this.masks.top, this.dropout, BT * H);
      dtop = this.scratch.view('dtop.undrop');
    }
    if (this.dropout === 0) {
      this.stack.backward(k, this.params, this.grads, { dout: dtop, dinp: null, dtable: this.grads.view('encoder.weight') });
      return;
    }
    const demb = this.scratch.view('demb');
    this.stack.backward(k, this.params, this.grads, { dout: dtop, dinp: demb });
    k.dropoutBackward(this.scratch.view('demb.undrop'), demb, this.masks.emb, this.dropout, BT * E);
    k.embeddingBackward(this.grads.view('encoder.weight'), null, null, this.scratch.view('demb.undrop'), this.tokensTM, null, 1, BT, E);
  }

  private checkTokens(tokens: Int32Array, B: number, T: number): void {
    if (!Number.isInteger(B) || B < 1 || !Number.isInteger(T) || T < 1) {
      throw new LabError('invalid_input', `A batch needs at least one sequence of one token, got ${B} × ${T}.`, { field: 'T' });
    }
    if (tokens.length !== B * T) throw new LabError('invalid_input', `The batch holds ${tokens.length} tokens, expected B × T = ${B * T}.`, { field: 'tokens' });
    const V = this.config.vocabSize;
    for (let i = 0; i < tokens.length; i++) {
      if (tokens[i] < 0 || tokens[i] >= V) {
        throw new LabError('invalid_input', `Token id ${tokens[i]} at position ${i} is outside the model's vocabulary of ${V}; the tokenizer and the model do not match.`, { field: 'tokens' });
      }
    }
  }
}

/** dst (B,T,W) = src (T,B,W) transposed in its first two axes (also the other way round, with the dims swapped). */
function transposeTB(dst: F32, src: F32, T: number, B: number, W: number): void {
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) dst.set(src.subarray((t * B + b) * W, (t * B + b + 1) * W), (b * T + t) * W);
  }
}

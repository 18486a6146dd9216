// The RNN encoder-decoder, with or without attention (Sutskever et al. 2014; Luong et al. 2015's global attention):
//   encoder  GRU/LSTM stack (one or two directions) over the source embeddings, padded sources by length
//   bridge   one direction: the decoder starts from the encoder's final states; two: h0[l] = tanh(W_l [hN fwd; hN bwd]
//            + b_l), and for LSTM c0[l] = V_l [cN fwd; cN bwd] + c_l
//   decoder  GRU/LSTM stack over the target embeddings ([BOS] y_0 ...) from those states
//   attention none: out_t = s_t (the whole source reaches the decoder only through its initial state) · otherwise
//            out_t = tanh(W_c [c_t; s_t] + b_c) with c_t from the alignment function (alignment.ts)
//   logits   W_o out_t + b_o
// Parameters: src.embed (Vs,E), tgt.embed (Vt,E), enc.* and dec.* (torch.nn.GRU/LSTM names, rnn/spec.ts),
// bridge.{l}.weight (H,2H)/.bias, bridge_c.{l}.* (LSTM), attn.* (alignment.ts), out.weight (Vt,H), out.bias (Vt).
// The stacks run time-major (T,B,.); the attention and the output layer batch-major (B,T,.), so states are copied
// across once per pass each way.
import type { F32, Kernels } from '../../../native-kernels/kernels';
import { LabError } from '../../../common/errors';
import { rnnStateSizes, type RnnSeq2seqConfig } from '../../../common/seq2seq-config';
import { IGNORE_INDEX } from '../model';
import { NamedBuffer, TensorTable } from '../params';
import { mixSeed, Rng } from '../rng';
import { addRecurrentParams, initRecurrentParams, type RecurrentSpec } from '../rnn/spec';
import { RecurrentStack } from '../rnn/stack';
import { addAttentionParameters, LuongAttention, type AttentionShape } from './alignment';
import type { PairBatch } from './batch';
import type { CrossAttention, IncrementalDecoder, Seq2seqModel } from './model';
import { RnnStepper } from './rnn-stepper';
import { Workspace } from './workspace';

function encoderSpec(c: RnnSeq2seqConfig): RecurrentSpec {
  return { cell: c.cell, inputSize: c.embed, hiddenSize: c.hidden, numLayers: c.layers, bidirectional: c.bidirectional, dropout: c.dropout };
}

function decoderSpec(c: RnnSeq2seqConfig): RecurrentSpec {
  return { cell: c.cell, inputSize: c.embed, hiddenSize: c.hidden, numLayers: c.layers, bidirectional: false, dropout: c.dropout };
}

function attentionShape(c: RnnSeq2seqConfig): AttentionShape | null {
  if (c.attention === 'none') return null;
  const { decoder, encoder } = rnnStateSizes(c);
  return { fn: c.attention, decoderSize: decoder, encoderSize: encoder, attentionSize: c.attentionSize, maxSourceLength: c.maxSrcLen };
}

export function rnnSeq2seqParameters(c: RnnSeq2seqConfig): TensorTable {
  const t = new TensorTable();
  t.add('src.embed', [c.srcVocab, c.embed], 'embedding');
  t.add('tgt.embed', [c.tgtVocab, c.embed], 'embedding');
  addRecurrentParams(t, 'enc.', encoderSpec(c));
  addRecurrentParams(t, 'dec.', decoderSpec(c));
  if (c.bidirectional) {
    for (let l = 0; l < c.layers; l++) {
      for (const p of c.cell === 'lstm' ? ['bridge', 'bridge_c'] : ['bridge']) {
        t.add(`${p}.${l}.weight`, [c.hidden, 2 * c.hidden], 'linear');
        t.add(`${p}.${l}.bias`, [c.hidden], 'bias');
      }
    }
  }
  const shape = attentionShape(c);
  if (shape) addAttentionParameters(t, 'attn.', shape);
  t.add('out.weight', [c.tgtVocab, c.hidden], 'linear');
  t.add('out.bias', [c.tgtVocab], 'bias');
  return t;
}

/** dst (B,T,W) batch-major from src (T,B,W) time-major, or back with toTimeMajor. */
function transpose(dst: F32, src: F32, T: number, B: number, W: number, toTimeMajor = false): void {
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      const tm = (t * B + b) * W;
      const bm = (b * T + t) * W;
      if (toTimeMajor) dst.set(src.subarray(bm, bm + W), tm);
      else dst.set(src.subarray(tm, tm + W), bm);
    }
  }
}

/** Token ids (B,T) to time-major (T,B). */
function timeMajorIds(ids: Int32Array, B: number, T: number): Int32Array {
  const out = new Int32Array(B * T);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) out[t * B + b] = ids[b * T + t];
  return out;
}

/** What one encoder pass leaves for the decoder: outputs batch-major, the decoder's initial states. */
export interface Encoded {
  /** (B,S,He) */
  out: F32;
  /** (L,B,H) */
  h0: F32;
  c0: F32 | null;
}

export class RnnSeq2seq implements Seq2seqModel {
  readonly params: NamedBuffer;
  readonly grads: NamedBuffer;
  private readonly encoder: RecurrentStack;
  private readonly decoderStack: RecurrentStack;
  private readonly attn: LuongAttention | null;
  private readonly ws = new Workspace();
  private batch: PairBatch | null = null;
  private encoded: Encoded | null = null;
  private count = 0;
  private readonly countOut = new Int32Array(1);
  private train = false;
  private seed = 0;

  constructor(readonly k: Kernels, readonly config: RnnSeq2seqConfig, init = true) {
    this.params = new NamedBuffer(rnnSeq2seqParameters(config));
    this.grads = new NamedBuffer(this.params.table);
    this.encoder = new RecurrentStack(encoderSpec(config), 'enc.');
    this.decoderStack = new RecurrentStack(decoderSpec(config), 'dec.');
    const shape = attentionShape(config);
    this.attn = shape ? new LuongAttention(k, shape, this.params, this.grads, 'attn.') : null;
    if (init) this.initWeights();
  }

  /** Embeddings uniform in +-0.1 (Sutskever et al.'s range), the stacks as torch, every other weight and bias as
   *  torch.nn.Linear (uniform in +-1/sqrt(fan in)), the concat score's v by its size. */
  initWeights(): void {
    const rng = new Rng(this.config.seed);
    const uniform = (name: string, bound: number): void => {
      const v = this.params.view(name);
      for (let i = 0; i < v.length; i++) v[i] = (rng.next() * 2 - 1) * bound;
    };
    uniform('src.embed', 0.1);
    uniform('tgt.embed', 0.1);
    initRecurrentParams(this.params, 'enc.', this.encoder.spec, rng);
    initRecurrentParams(this.params, 'dec.', this.decoderStack.spec, rng);
    for (const s of this.params.table.specs) {
      if (s.name.startsWith('src.') || s.name.startsWith('tgt.') || s.name.startsWith('enc.') || s.name.startsWith('dec.')) continue;
      const fanIn = s.name.endsWith('.v') ? s.shape[0] : this.params.table.get(s.name.replace(/\.bias$/, '.weight')).shape[1];
      uniform(s.name, 1 / Math.sqrt(fanIn));
    }
  }

  zeroGrad(): void {
    this.grads.zero();
  }

  private checkBatch(b: PairBatch): void {
    const c = this.config;
    if (b.S > c.maxSrcLen) throw new LabError('invalid_input', `A source of ${b.S} tokens is longer than this model's ${c.maxSrcLen}; truncate the sources or build the model for longer ones.`, { field: 'maxSrcLen' });
    if (b.T > c.maxTgtLen) throw new LabError('invalid_input', `A target of ${b.T} tokens (with its end token) is longer than this model's ${c.maxTgtLen}; truncate the targets or build the model for longer ones.`, { field: 'maxTgtLen' });
    for (let i = 0; i < b.B; i++) {
      if (b.srcLen[i] < 1) throw new LabError('invalid_input', `Source ${i + 1} of the batch is empty; every source needs at least one token.`, { field: 'src' });
    }
  }

  /** Runs the encoder and the bridge (this.ws, the given stack) over the batch's sources. */
  private encode(stack: RecurrentStack, ws: Workspace, b: PairBatch, train: boolean): Encoded {
    const k = this.k;
    const c = this.config;
    const { B, S } = b;
    const { encoder: He } = rnnStateSizes(c);
    const H = c.hidden;
    const L = c.layers;
    const srcTM = timeMajorIds(b.src, B, S);
    // Token input: with a small vocabulary the stack gathers the first layer's input projection from V rows
    // (token-input.ts) instead of an (S*B, E) x (E, G*H) GEMM; otherwise it looks the embeddings up itself.
    const outTM = stack.forward(k, this.params, { tokens: srcTM, table: this.params.view('src.embed') }, S, B,
      { lengths: b.srcLen, train, seed: mixSeed(this.seed, 1) });
    const out = ws.get('enc.out', B * S * He);
    transpose(out, outTM, S, B, He);
    if (!c.bidirectional) {
      return { out, h0: stack.hN().slice(0, L * B * H), c0: c.cell === 'lstm' ? stack.cN().slice(0, L * B * H) : null };
    }
    const h0 = ws.get('bridge.h0', L * B * H);
    const c0 = c.cell === 'lstm' ? ws.get('bridge.c0', L * B * H) : null;
    for (let l = 0; l < L; l++) {
      const hcat = this.bridgeInput(ws, stack.hN(), 'h', l, B);
      const h = h0.subarray(l * B * H, (l + 1) * B * H);
      k.matmulForward(h, hcat, this.params.view(`bridge.${l}.weight`), this.params.view(`bridge.${l}.bias`), B, 2 * H, H);
      k.tanhForward(h, h, B * H);
      if (c0) {
        const ccat = this.bridgeInput(ws, stack.cN(), 'c', l, B);
        k.matmulForward(c0.subarray(l * B * H, (l + 1) * B * H), ccat, this.params.view(`bridge_c.${l}.weight`), this.params.view(`bridge_c.${l}.bias`), B, 2 * H, H);
      }
    }
    return { out, h0, c0 };
  }

  /** [state fwd; state bwd] rows (B,2H) of layer l from final states (2L,B,H). */
  private bridgeInput(ws: Workspace, states: F32, which: string, l: number, B: number): F32 {
    const H = this.config.hidden;
    const cat = ws.get(`bridge.${which}.in.${l}`, B * 2 * H);
    const fwd = states.subarray(2 * l * B * H), bwd = states.subarray((2 * l + 1) * B * H);
    for (let b = 0; b < B; b++) {
      cat.set(fwd.subarray(b * H, (b + 1) * H), b * 2 * H);
      cat.set(bwd.subarray(b * H, (b + 1) * H), b * 2 * H + H);
    }
    return cat;
  }

  forward(batch: PairBatch, opts: { train?: boolean; step?: number } = {}): number {
    this.checkBatch(batch);
    const k = this.k;
    const c = this.config;
    const { B, S, T } = batch;
    const H = c.hidden;
    this.batch = batch;
    this.train = opts.train === true;
    this.seed = mixSeed(c.seed, opts.step ?? 0);
    const enc = this.encode(this.encoder, this.ws, batch, this.train);
    this.encoded = enc;
    const tgtTM = timeMajorIds(batch.tgtIn, B, T);
    const decTM = this.decoderStack.forward(k, this.params, { tokens: tgtTM, table: this.params.view('tgt.embed') }, T, B,
      { h0: enc.h0, c0: enc.c0, train: this.train, seed: mixSeed(this.seed, 2) });
    const dec = this.ws.get('dec.out', B * T * H);
    transpose(dec, decTM, T, B, H);
    const top = this.attn ? this.attn.forward(dec, enc.out, batch.srcLen, B, T, S) : dec;
    const V = c.tgtVocab;
    const logits = this.ws.get('logits', B * T * V);
    k.matmulForward(logits, top, this.params.view('out.weight'), this.params.view('out.bias'), B * T, H, V);
    if (batch.tgtOut === null) return Number.NaN;
    const loss = k.crossEntropyForward(this.ws.get('losses', B * T), this.ws.get('probs', B * T * V), logits, batch.tgtOut, IGNORE_INDEX, B * T, V, this.countOut);
    this.count = this.countOut[0];
    return loss;
  }

  backward(): void {
    const b = this.batch;
    const enc = this.encoded;
    if (b === null || b.tgtOut === null || enc === null) throw new LabError('internal', 'backward() needs a forward() with targets first.');
    const k = this.k;
    const c = this.config;
    const ws = this.ws;
    const { B, S, T } = b;
    const H = c.hidden;
    const L = c.layers;
    const { encoder: He } = rnnStateSizes(c);
    const V = c.tgtVocab;
    const dlogits = ws.get('dlogits', B * T * V);
    k.crossEntropyBackward(dlogits, ws.get('probs', B * T * V), b.tgtOut, IGNORE_INDEX, this.count > 0 ? 1 / this.count : 0, B * T, V);
    const dtop = ws.get('grad.top', B * T * H);
    const top = this.attn ? this.attn.output(B * T) : ws.get('dec.out', B * T * H);
    k.matmulBackward(dtop, this.grads.view('out.weight'), this.grads.view('out.bias'), dlogits, top, this.params.view('out.weight'), B * T, H, V);
    let ddec = dtop;
    let dencOut: F32 | null = null;
    if (this.attn) {
      const g = this.attn.backward(dtop);
      ddec = g.ddec;
      dencOut = g.denc;
    }
    // decoder stack, its gradient at h0 (c0) goes to the encoder's final states (through the bridge)
    const ddecTM = ws.get('grad.dec.tm', T * B * H);
    transpose(ddecTM, ddec, T, B, H, true);
    const { dh0, dc0 } = this.decoderStack.backward(k, this.params, this.grads, { dout: ddecTM, dinp: null, dtable: this.grads.view('tgt.embed') });
    const dhN = ws.zeros('grad.enc.hN', L * (c.bidirectional ? 2 : 1) * B * H);
    const dcN = c.cell === 'lstm' ? ws.zeros('grad.enc.cN', dhN.length) : null;
    if (!c.bidirectional) {
      dhN.set(dh0.subarray(0, L * B * H));
      if (dcN) dcN.set(dc0.subarray(0, L * B * H));
    } else {
      this.bridgeBackward(dh0, dc0, dhN, dcN, B);
    }
    let dencTM: F32 | null = null;
    if (dencOut) {
      dencTM = ws.get('grad.enc.tm', S * B * He);
      transpose(dencTM, dencOut, S, B, He, true);
    }
    this.encoder.backward(k, this.params, this.grads, { dout: dencTM, dhN, dcN, dinp: null, dtable: this.grads.view('src.embed') });
  }

  /** Backward of the bidirectional bridge: dh0/dc0 (L,B,H) to dhN/dcN (2L,B,H). */
  private bridgeBackward(dh0: F32, dc0: F32, dhN: F32, dcN: F32 | null, B: number): void {
    const k = this.k;
    const ws = this.ws;
    const H = this.config.hidden;
    const enc = this.encoded as Encoded;
    for (let l = 0; l < this.config.layers; l++) {
      const parts: [string, F32, F32, F32 | null][] = [['bridge', dh0, dhN, enc.h0]];
      if (dcN) parts.push(['bridge_c', dc0, dcN, null]);
      for (const [p, dstate, dfinal, out] of parts) {
        const which = p === 'bridge' ? 'h' : 'c';
        let dpre = dstate.subarray(l * B * H, (l + 1) * B * H);
        if (out) {
          const g = ws.get('grad.bridge.pre', B * H);
          k.tanhBackward(g, out.subarray(l * B * H, (l + 1) * B * H), dpre, B * H);
          dpre = g;
        }
        const dcat = ws.get('grad.bridge.cat', B * 2 * H);
        k.matmulBackward(dcat, this.grads.view(`${p}.${l}.weight`), this.grads.view(`${p}.${l}.bias`), dpre, ws.get(`bridge.${which}.in.${l}`, B * 2 * H), this.params.view(`${p}.${l}.weight`), B, 2 * H, H);
        const fwd = dfinal.subarray(2 * l * B * H), bwd = dfinal.subarray((2 * l + 1) * B * H);
        for (let b = 0; b < B; b++) {
          fwd.set(dcat.subarray(b * 2 * H, b * 2 * H + H), b * H);
          bwd.set(dcat.subarray(b * 2 * H + H, (b + 1) * 2 * H), b * H);
        }
      }
    }
  }

  logits(): F32 {
    const b = this.batch as PairBatch;
    return this.ws.get('logits', b.B * b.T * this.config.tgtVocab);
  }

  crossAttention(): CrossAttention | null {
    if (!this.attn) return null;
    const b = this.batch as PairBatch;
    return { weights: this.attn.weights(), layers: 1, heads: 1, B: b.B, T: b.T, S: b.S };
  }

  decoder(batch: PairBatch, beams: number): IncrementalDecoder {
    this.checkBatch({ ...batch, T: 1 });
    return new RnnStepper(this, batch, beams);
  }

  /** For RnnStepper: a fresh encoder stack (its own storage) and the encoding of a batch with it. */
  encodeForDecoding(ws: Workspace, batch: PairBatch): Encoded {
    return this.encode(new RecurrentStack(encoderSpec(this.config), 'enc.'), ws, batch, false);
  }

  /** For RnnStepper: a decoder stack and attention layer with their own storage, over this model's weights. */
  stepParts(): { stack: RecurrentStack; attn: LuongAttention | null } {
    const shape = attentionShape(this.config);
    return { stack: new RecurrentStack(decoderSpec(this.config), 'dec.'), attn: shape ? new LuongAttention(this.k, shape, this.params, this.grads, 'attn.') : null };
  }
}

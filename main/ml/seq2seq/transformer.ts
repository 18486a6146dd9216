// The Transformer encoder-decoder (Vaswani et al. 2017, pre-LN): the encoder is the lab's existing block stack
// (block.ts, bidirectional self-attention with the source padding masked), the decoder adds cross-attention
// (transformer-decoder.ts); learned positions on both sides, the output head tied to the target embedding.
// Parameters (C = dModel, F = dFF):
//   src.wte (Vs,C) src.wpe (Ss,C) tgt.wte (Vt,C, also the head) tgt.wpe (St,C)
//   enc.h.{l}.* (the GPT/BERT block tensors, params.ts) enc.ln_f.weight/.bias (C)
//   dec.h.{l}.* (transformer-decoder.ts) dec.ln_f.weight/.bias (C)
import type { F32, Kernels } from '../../../native-kernels/kernels';
import { LabError } from '../../../common/errors';
import type { ModelConfig } from '../../../common/model-config';
import type { TransformerSeq2seqConfig } from '../../../common/seq2seq-config';
import { activationSpecs, MaskBuffer, namedBufferIn, scratchSpecs } from '../activations';
import { blockBackward, blockForward, type BlockBuffers, type BlockDims, type BlockRun } from '../block';
import { IGNORE_INDEX } from '../model';
import { NamedBuffer, TensorTable } from '../params';
import { Rng } from '../rng';
import type { PairBatch } from './batch';
import type { CrossAttention, IncrementalDecoder, Seq2seqModel, StepDetail } from './model';
import { addDecoderBlock, crossKeysValues, decoderBlockBackward, decoderBlockForward, decoderCrossAttention, type DecoderDims } from './transformer-decoder';
import { Workspace } from './workspace';

export function transformerParameters(c: TransformerSeq2seqConfig): TensorTable {
  const t = new TensorTable();
  const C = c.dModel, F = c.dFF;
  t.add('src.wte', [c.srcVocab, C], 'embedding');
  t.add('src.wpe', [c.maxSrcLen, C], 'embedding');
  t.add('tgt.wte', [c.tgtVocab, C], 'embedding');
  t.add('tgt.wpe', [c.maxTgtLen, C], 'embedding');
  for (let l = 0; l < c.nLayer; l++) {
    const p = `enc.h.${l}.`;
    t.add(p + 'ln_1.weight', [C], 'norm-gain');
    t.add(p + 'ln_1.bias', [C], 'norm-bias');
    t.add(p + 'attn.c_attn.weight', [3 * C, C], 'linear');
    t.add(p + 'attn.c_attn.bias', [3 * C], 'bias');
    t.add(p + 'attn.c_proj.weight', [C, C], 'linear');
    t.add(p + 'attn.c_proj.bias', [C], 'bias');
    t.add(p + 'ln_2.weight', [C], 'norm-gain');
    t.add(p + 'ln_2.bias', [C], 'norm-bias');
    t.add(p + 'mlp.c_fc.weight', [F, C], 'linear');
    t.add(p + 'mlp.c_fc.bias', [F], 'bias');
    t.add(p + 'mlp.c_proj.weight', [C, F], 'linear');
    t.add(p + 'mlp.c_proj.bias', [C], 'bias');
  }
  t.add('enc.ln_f.weight', [C], 'norm-gain');
  t.add('enc.ln_f.bias', [C], 'norm-bias');
  for (let l = 0; l < c.nLayer; l++) addDecoderBlock(t, l, C, F);
  t.add('dec.ln_f.weight', [C], 'norm-gain');
  t.add('dec.ln_f.bias', [C], 'norm-bias');
  return t;
}

/** The tensors whose names start with `prefix`, as a NamedBuffer over the same floats with the prefix dropped (the
 *  block functions address an encoder layer as "h.{l}."). The tensors must be stored back to back. */
export function subBuffer(whole: NamedBuffer, prefix: string): NamedBuffer {
  const specs = whole.table.specs.filter((s) => s.name.startsWith(prefix));
  const t = new TensorTable();
  for (const s of specs) {
    if (s.offset !== specs[0].offset + t.total) throw new LabError('internal', `The tensors under "${prefix}" are not stored back to back.`);
    t.add(s.name.slice(prefix.length), s.shape, s.role);
  }
  return new NamedBuffer(t, whole.data.subarray(specs[0].offset, specs[0].offset + t.total));
}

/** Source key mask (B,S): 1 for the first srcLen[b] positions. */
function keyMask(srcLen: Int32Array, B: number, S: number): Uint8Array {
  const m = new Uint8Array(B * S);
  for (let b = 0; b < B; b++) m.fill(1, b * S, b * S + srcLen[b]);
  return m;
}

export class TransformerSeq2seq implements Seq2seqModel {
  readonly params: NamedBuffer;
  readonly grads: NamedBuffer;
  private readonly encCfg: ModelConfig;
  /** the encoder's tensors seen as a block stack ("h.{l}." names) over the same floats */
  private readonly encParams: NamedBuffer;
  private readonly encGrads: NamedBuffer;
  private readonly ws = new Workspace();
  private encActs: NamedBuffer | null = null;
  private encScratch: NamedBuffer | null = null;
  private batch: PairBatch | null = null;
  private count = 0;
  private readonly countOut = new Int32Array(1);
  private kvs: { k: F32; v: F32 }[] = [];

  constructor(readonly k: Kernels, readonly config: TransformerSeq2seqConfig, init = true) {
    const table = transformerParameters(config);
    this.params = new NamedBuffer(table);
    this.grads = new NamedBuffer(table);
    // the encoder stack seen as a GPT-shaped stack without dropout (its head views are tiny and unused)
    this.encCfg = { family: 'gpt', vocabSize: 2, nLayer: config.nLayer, nHead: config.nHead, dModel: config.dModel, dFF: config.dFF,
      contextLength: config.maxSrcLen, positions: 'learned', norm: 'pre', dropout: 0, typeVocabSize: 0, seed: config.seed };
    this.encParams = subBuffer(this.params, 'enc.');
    this.encGrads = subBuffer(this.grads, 'enc.');
    if (init) this.initWeights();
  }

  /** GPT-2's init: N(0, 0.02) for matrices and embeddings, residual projections by 1/sqrt(2 L) more, gains 1, biases 0. */
  initWeights(): void {
    const rng = new Rng(this.config.seed);
    const proj = 0.02 / Math.sqrt(2 * this.config.nLayer);
    for (const s of this.params.table.specs) {
      const v = this.params.view(s.name);
      if (s.role === 'norm-gain') v.fill(1);
      else if (s.role === 'linear' || s.role === 'embedding') {
        const std = s.name.endsWith('c_proj.weight') ? proj : 0.02;
        for (let i = 0; i < v.length; i++) v[i] = rng.normal() * std;
      } else v.fill(0);
    }
  }

  zeroGrad(): void {
    this.grads.zero();
  }

  private checkBatch(b: PairBatch): void {
    const c = this.config;
    if (b.S > c.maxSrcLen) throw new LabError('invalid_input', `A source of ${b.S} tokens is longer than this model's ${c.maxSrcLen}; truncate the sources or build the model for longer ones.`, { field: 'maxSrcLen' });
    if (b.T > c.maxTgtLen) throw new LabError('invalid_input', `A target of ${b.T} tokens (with its end token) is longer than this model's ${c.maxTgtLen}; truncate the targets or build the model for longer ones.`, { field: 'maxTgtLen' });
  }

  /** The encoder over the batch's sources: memory (B,S,C), in this.ws. */
  private encode(b: PairBatch, train: boolean): F32 {
    const k = this.k;
    const { B, S } = b;
    const C = this.config.dModel;
    this.encActs = namedBufferIn(activationSpecs(this.encCfg, B, S), this.encActs);
    this.encScratch = namedBufferIn(scratchSpecs(this.encCfg, B, S), this.encScratch);
    const a = this.encActs;
    k.embeddingForward(a.view('encoded'), b.src, this.params.view('src.wte'), this.params.view('src.wpe').subarray(0, S * C), null, null, B, S, C);
    let x = a.view('encoded');
    const buf = this.encBuffers();
    const run = this.encRun(b, train);
    for (let l = 0; l < this.config.nLayer; l++) x = blockForward(k, this.encDims(b), run, l, x, buf);
    const memory = a.view('ln_f');
    k.layernormForward(memory, a.view('ln_f.mean'), a.view('ln_f.rstd'), x, this.params.view('enc.ln_f.weight'), this.params.view('enc.ln_f.bias'), B * S, C);
    return memory;
  }

  private encDims(b: PairBatch): BlockDims {
    return { B: b.B, T: b.S, C: this.config.dModel, NH: this.config.nHead, F: this.config.dFF };
  }

  private encRun(b: PairBatch, train: boolean): BlockRun {
    return { norm: 'pre', causal: false, keyMask: keyMask(b.srcLen, b.B, b.S), dropout: 0, seed: 0, keepAll: train };
  }

  private encBuffers(): BlockBuffers {
    return {
      params: this.encParams, grads: this.encGrads, acts: this.encActs as NamedBuffer,
      scratch: this.encScratch as NamedBuffer, masks: new MaskBuffer(this.encCfg, 1, 1),
    };
  }

  /** Target embeddings, the decoder blocks and dec.ln_f over tokens (B,T) with memory keys/values; returns (B,T,C). */
  private decode(ws: Workspace, tokens: Int32Array, kvs: { k: F32; v: F32 }[], srcLen: Int32Array, d: DecoderDims): F32 {
    const k = this.k;
    const { B, T, C } = d;
    let x = ws.get('tgt.emb', B * T * C);
    k.embeddingForward(x, tokens, this.params.view('tgt.wte'), this.params.view('tgt.wpe').subarray(0, T * C), null, null, B, T, C);
    for (let l = 0; l < this.config.nLayer; l++) x = decoderBlockForward(k, this.params, ws, l, d, x, kvs[l], srcLen);
    const out = ws.get('dec.ln_f', B * T * C);
    k.layernormForward(out, ws.get('dec.ln_f.mean', B * T), ws.get('dec.ln_f.rstd', B * T), x, this.params.view('dec.ln_f.weight'), this.params.view('dec.ln_f.bias'), B * T, C);
    return out;
  }

  private dims(b: PairBatch): DecoderDims {
    const c = this.config;
    return { B: b.B, T: b.T, S: b.S, C: c.dModel, NH: c.nHead, F: c.dFF };
  }

  forward(batch: PairBatch, opts: { train?: boolean } = {}): number {
    this.checkBatch(batch);
    this.batch = batch;
    const k = this.k;
    const d = this.dims(batch);
    const memory = this.encode(batch, opts.train !== false || batch.tgtOut !== null);
    this.kvs = [];
    for (let l = 0; l < this.config.nLayer; l++) this.kvs.push(crossKeysValues(k, this.params, this.ws, l, memory, d.B, d.S, d.C));
    const h = this.decode(this.ws, batch.tgtIn, this.kvs, batch.srcLen, d);
    const BT = d.B * d.T;
    const V = this.config.tgtVocab;
    const logits = this.ws.get('logits', BT * V);
    k.matmulForward(logits, h, this.params.view('tgt.wte'), null, BT, d.C, V);
    if (batch.tgtOut === null) return Number.NaN;
    const loss = k.crossEntropyForward(this.ws.get('losses', BT), this.ws.get('probs', BT * V), logits, batch.tgtOut, IGNORE_INDEX, BT, V, this.countOut);
    this.count = this.countOut[0];
    return loss;
  }

  backward(): void {
    const b = this.batch;
    if (b === null || b.tgtOut === null || this.encActs === null) throw new LabError('internal', 'backward() needs a forward() with targets first.');
    const k = this.k;
    const d = this.dims(b);
    const { B, T, S, C } = d;
    const BT = B * T;
    const V = this.config.tgtVocab;
    const ws = this.ws;
    const dlogits = ws.get('dlogits', BT * V);
    k.crossEntropyBackward(dlogits, ws.get('probs', BT * V), b.tgtOut, IGNORE_INDEX, this.count > 0 ? 1 / this.count : 0, BT, V);
    const dh = ws.get('grad.h', BT * C);
    k.matmulBackward(dh, this.grads.view('tgt.wte'), null, dlogits, ws.get('dec.ln_f', BT * C), this.params.view('tgt.wte'), BT, C, V);
    let dcur = ws.get('grad.x.a', BT * C);
    let dnext = ws.get('grad.x.b', BT * C);
    const L = this.config.nLayer;
    const last = L > 0 ? ws.get(`d${L - 1}.out`, BT * C) : ws.get('tgt.emb', BT * C);
    k.layernormBackward(dcur, this.grads.view('dec.ln_f.weight'), this.grads.view('dec.ln_f.bias'), dh, last, this.params.view('dec.ln_f.weight'), ws.get('dec.ln_f.mean', BT), ws.get('dec.ln_f.rstd', BT), BT, C);
    const memory = (this.encActs as NamedBuffer).view('ln_f');
    const dmemory = ws.zeros('grad.memory', B * S * C);
    for (let l = L - 1; l >= 0; l--) {
      const x = l > 0 ? ws.get(`d${l - 1}.out`, BT * C) : ws.get('tgt.emb', BT * C);
      decoderBlockBackward(k, this.params, this.grads, ws, l, d, x, memory, this.kvs[l], dcur, dnext, dmemory);
      [dcur, dnext] = [dnext, dcur];
    }
    k.embeddingBackward(this.grads.view('tgt.wte'), this.grads.view('tgt.wpe'), null, dcur, b.tgtIn, null, B, T, C);
    this.encodeBackward(b, dmemory);
  }

  private encodeBackward(b: PairBatch, dmemory: F32): void {
    const k = this.k;
    const { B, S } = b;
    const C = this.config.dModel;
    const a = this.encActs as NamedBuffer;
    const s = this.encScratch as NamedBuffer;
    const L = this.config.nLayer;
    let dcur = s.view('dres.a');
    let dnext = s.view('dres.b');
    const last = L > 0 ? a.view(`h.${L - 1}.res2`) : a.view('encoded');
    k.layernormBackward(dcur, this.grads.view('enc.ln_f.weight'), this.grads.view('enc.ln_f.bias'), dmemory, last, this.params.view('enc.ln_f.weight'), a.view('ln_f.mean'), a.view('ln_f.rstd'), B * S, C);
    const buf = this.encBuffers();
    const run = this.encRun(b, true);
    const dims = this.encDims(b);
    for (let l = L - 1; l >= 0; l--) {
      const x = l > 0 ? a.view(`h.${l - 1}.res2`) : a.view('encoded');
      blockBackward(k, dims, run, l, x, dcur, dnext, buf);
      [dcur, dnext] = [dnext, dcur];
    }
    k.embeddingBackward(this.grads.view('src.wte'), this.grads.view('src.wpe'), null, dcur, b.src, null, B, S, C);
  }

  logits(): F32 {
    const b = this.batch as PairBatch;
    return this.ws.get('logits', b.B * b.T * this.config.tgtVocab);
  }

  /** Cross-attention of every decoder block: (L, B, NH, T, S). */
  crossAttention(): CrossAttention {
    const b = this.batch as PairBatch;
    const d = this.dims(b);
    const n = d.B * d.NH * d.T * d.S;
    const L = this.config.nLayer;
    const weights = new Float32Array(L * n);
    for (let l = 0; l < L; l++) weights.set(decoderCrossAttention(this.ws, l, d), l * n);
    return { weights, layers: L, heads: d.NH, B: d.B, T: d.T, S: d.S };
  }

  /** Greedy/beam decoding by re-running the decoder over each row's prefix (no key/value cache: the tasks' targets
   *  are short); the encoder runs once, its keys and values are shared by every step. */
  decoder(batch: PairBatch, beams: number): IncrementalDecoder {
    this.checkBatch({ ...batch, T: 1 });
    const rows = batch.B * beams;
    const idx = Int32Array.from({ length: rows }, (_, r) => Math.floor(r / beams));
    const expanded: PairBatch = {
      B: rows, S: batch.S, T: 1, tgtIn: new Int32Array(rows), tgtOut: null,
      src: new Int32Array(rows * batch.S), srcLen: new Int32Array(rows),
    };
    for (let r = 0; r < rows; r++) {
      expanded.src.set(batch.src.subarray(idx[r] * batch.S, (idx[r] + 1) * batch.S), r * batch.S);
      expanded.srcLen[r] = batch.srcLen[idx[r]];
    }
    const ws = new Workspace();
    const memory = this.encode(expanded, false).slice();
    const C = this.config.dModel;
    const kvs: { k: F32; v: F32 }[] = [];
    for (let l = 0; l < this.config.nLayer; l++) {
      const kv = crossKeysValues(this.k, this.params, ws, l, memory, rows, batch.S, C);
      kvs.push({ k: kv.k.slice(), v: kv.v.slice() });
    }
    return new TransformerStepper(this, ws, kvs, expanded.srcLen, rows, batch.S);
  }

  /** For TransformerStepper: log-probabilities (rows,V) at the last position of prefixes (rows, T). */
  stepLogProbs(ws: Workspace, prefix: Int32Array, kvs: { k: F32; v: F32 }[], srcLen: Int32Array, rows: number, T: number, S: number): F32 {
    const c = this.config;
    if (T > c.maxTgtLen) throw new LabError('invalid_input', `Decoding reached ${T} target tokens, more than this model's ${c.maxTgtLen}; lower the maximum output length.`, { field: 'maxLength' });
    const d: DecoderDims = { B: rows, T, S, C: c.dModel, NH: c.nHead, F: c.dFF };
    const h = this.decode(ws, prefix, kvs, srcLen, d);
    const last = ws.get('step.h', rows * c.dModel);
    for (let r = 0; r < rows; r++) last.set(h.subarray(((r + 1) * T - 1) * c.dModel, (r + 1) * T * c.dModel), r * c.dModel);
    const out = ws.get('step.logp', rows * c.tgtVocab);
    this.k.matmulForward(out, last, this.params.view('tgt.wte'), null, rows, c.dModel, c.tgtVocab);
    logSoftmaxRows(out, rows, c.tgtVocab);
    return out;
  }

  /** For TransformerStepper: the last block's cross-attention at the last position, averaged over heads: (rows, S). */
  stepAttention(ws: Workspace, rows: number, T: number, S: number): F32 {
    const c = this.config;
    const d: DecoderDims = { B: rows, T, S, C: c.dModel, NH: c.nHead, F: c.dFF };
    const att = decoderCrossAttention(ws, c.nLayer - 1, d);
    const out = new Float32Array(rows * S);
    for (let r = 0; r < rows; r++) {
      for (let h = 0; h < c.nHead; h++) {
        const o = ((r * c.nHead + h) * T + T - 1) * S;
        for (let j = 0; j < S; j++) out[r * S + j] += att[o + j] / c.nHead;
      }
    }
    return out;
  }
}

/** In place: each row of x (rows, V) becomes its log-softmax. */
export function logSoftmaxRows(x: F32, rows: number, V: number): void {
  for (let r = 0; r < rows; r++) {
    let max = -Infinity;
    for (let j = 0; j < V; j++) max = Math.max(max, x[r * V + j]);
    let sum = 0;
    for (let j = 0; j < V; j++) sum += Math.exp(x[r * V + j] - max);
    const lse = max + Math.log(sum);
    for (let j = 0; j < V; j++) x[r * V + j] -= lse;
  }
}

class TransformerStepper implements IncrementalDecoder {
  private prefix: Int32Array[];
  private T = 0;

  constructor(private readonly model: TransformerSeq2seq, private readonly ws: Workspace, private readonly kvs: { k: F32; v: F32 }[],
    private readonly srcLen: Int32Array, readonly rows: number, private readonly S: number) {
    this.prefix = Array.from({ length: rows }, () => new Int32Array(0));
  }

  step(tokens: Int32Array): F32 {
    this.T += 1;
    const T = this.T;
    const flat = new Int32Array(this.rows * T);
    for (let r = 0; r < this.rows; r++) {
      const p = new Int32Array(T);
      p.set(this.prefix[r]);
      p[T - 1] = tokens[r];
      this.prefix[r] = p;
      flat.set(p, r * T);
    }
    return this.model.stepLogProbs(this.ws, flat, this.kvs, this.srcLen, this.rows, T, this.S);
  }

  reorder(from: Int32Array): void {
    this.prefix = Array.from(from, (f) => this.prefix[f]);
  }

  attention(): F32 {
    return this.model.stepAttention(this.ws, this.rows, this.T, this.S);
  }

  detail(): StepDetail | null {
    return null;
  }
}

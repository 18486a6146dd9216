// Greedy and beam decoding of the RNN encoder-decoders (rnn-seq2seq.ts): the encoder runs once, then each call of
// step() feeds one token per row through the decoder stack (T = 1, from the rows' states) and the attention, over
// rows = sources x beams; reorder() moves the rows' states when beam search keeps other continuations.
import type { F32 } from '../../../native-kernels/kernels';
import { rnnStateSizes } from '../../../common/seq2seq-config';
import type { RecurrentStack } from '../rnn/stack';
import type { LuongAttention } from './alignment';
import type { PairBatch } from './batch';
import type { IncrementalDecoder, StepDetail } from './model';
import type { RnnSeq2seq } from './rnn-seq2seq';
import { logSoftmaxRows } from './transformer';
import { Workspace } from './workspace';

/** Greedy/beam decoding of the RNN models: the encoder once, then one decoder step per token over rows = B x beams. */
export class RnnStepper implements IncrementalDecoder {
  readonly rows: number;
  private readonly ws = new Workspace();
  private readonly stack: RecurrentStack;
  private readonly attn: LuongAttention | null;
  private readonly enc: F32;
  private readonly srcLen: Int32Array;
  private h: F32;
  private c: F32 | null;
  private steps = 0;
  private readonly S: number;

  constructor(private readonly model: RnnSeq2seq, batch: PairBatch, beams: number) {
    const c = model.config;
    const { encoder: He } = rnnStateSizes(c);
    const H = c.hidden;
    const L = c.layers;
    this.rows = batch.B * beams;
    this.S = batch.S;
    const e = model.encodeForDecoding(this.ws, batch);
    // row r = b * beams + i continues source b
    this.enc = new Float32Array(this.rows * batch.S * He);
    this.srcLen = new Int32Array(this.rows);
    this.h = new Float32Array(L * this.rows * H);
    this.c = e.c0 ? new Float32Array(L * this.rows * H) : null;
    for (let r = 0; r < this.rows; r++) {
      const b = Math.floor(r / beams);
      this.enc.set(e.out.subarray(b * batch.S * He, (b + 1) * batch.S * He), r * batch.S * He);
      this.srcLen[r] = batch.srcLen[b];
      for (let l = 0; l < L; l++) {
        this.h.set(e.h0.subarray((l * batch.B + b) * H, (l * batch.B + b + 1) * H), (l * this.rows + r) * H);
        if (this.c && e.c0) this.c.set(e.c0.subarray((l * batch.B + b) * H, (l * batch.B + b + 1) * H), (l * this.rows + r) * H);
      }
    }
    const parts = model.stepParts();
    this.stack = parts.stack;
    this.attn = parts.attn;
  }

  step(tokens: Int32Array): F32 {
    const m = this.model;
    const c = m.config;
    const k = m.k;
    const R = this.rows;
    const emb = this.ws.get('emb', R * c.embed);
    k.embeddingForward(emb, tokens, m.params.view('tgt.embed'), null, null, null, 1, R, c.embed);
    const s = this.stack.forward(k, m.params, emb, 1, R, { h0: this.h, c0: this.c });
    this.h = this.stack.hN().slice();
    if (this.c) this.c = this.stack.cN().slice();
    const top = this.attn ? this.attn.forward(s, this.enc, this.srcLen, R, 1, this.S, this.steps > 0) : s;
    this.steps++;
    const out = this.ws.get('logp', R * c.tgtVocab);
    k.matmulForward(out, top, m.params.view('out.weight'), m.params.view('out.bias'), R, c.hidden, c.tgtVocab);
    logSoftmaxRows(out, R, c.tgtVocab);
    return out;
  }

  reorder(from: Int32Array): void {
    const H = this.model.config.hidden;
    const L = this.model.config.layers;
    const move = (state: F32): F32 => {
      const out = new Float32Array(state.length);
      for (let l = 0; l < L; l++) {
        for (let r = 0; r < this.rows; r++) out.set(state.subarray((l * this.rows + from[r]) * H, (l * this.rows + from[r] + 1) * H), (l * this.rows + r) * H);
      }
      return out;
    };
    this.h = move(this.h);
    if (this.c) this.c = move(this.c);
  }

  attention(): F32 | null {
    return this.attn ? this.attn.weights() : null;
  }

  detail(row: number): StepDetail | null {
    if (!this.attn) return null;
    const S = this.S;
    const He = this.attn.shape.encoderSize;
    return {
      scores: this.attn.scores().subarray(row * S, (row + 1) * S),
      weights: this.attn.weights().subarray(row * S, (row + 1) * S),
      context: this.attn.context().subarray(row * He, (row + 1) * He),
    };
  }
}

// Luong-style global attention between a decoder and an encoder, with the alignment function selectable, forward and
// backward on the kernels. For every decoder position t and source position j (B batch, T target, S source rows):
//   score(s_t, h_j) = dot       s_t . h_j                        (needs Hd = He)
//                     scaled    s_t . h_j / sqrt(Hd)             (needs Hd = He)
//                     general   s_t . (W_a h_j)                  W_a (Hd, He)
//                     concat    v . tanh(W_s s_t + b + W_h h_j)  Bahdanau's additive score; W_s (A, Hd), W_h (A, He), v (A)
//                     location  (W_loc s_t + b_loc)[j]           Luong's location-based: scores from s_t alone; W_loc (Smax, Hd)
//   a_t = softmax over the first srcLen[b] positions;  c_t = sum_j a_tj h_j (He)
//   out_t = tanh(W_c [c_t; s_t] + b_c) (Hd)   the attentional hidden state the output layer reads.
// Shapes: dec (B,T,Hd), enc (B,S,He); parameters live in the model's buffer under `prefix` (names in
// addAttentionParameters). The layer keeps its activations (scores, att, ctx, out) for backward and for the alignment view.
import type { F32, Kernels } from '../../../native-kernels/kernels';
import { LabError } from '../../../common/errors';
import type { NamedBuffer, TensorTable } from '../params';
import type { AlignmentFunction } from '../../../common/seq2seq-config';
import { Workspace } from './workspace';

export type { AlignmentFunction } from '../../../common/seq2seq-config';

export interface AttentionShape {
  fn: AlignmentFunction;
  /** Hd: the decoder state size (queries) */
  decoderSize: number;
  /** He: the encoder output size (keys and values; twice the hidden size for a bidirectional encoder) */
  encoderSize: number;
  /** A: the hidden size of the concat score */
  attentionSize: number;
  /** Smax: the longest source the location score has weights for */
  maxSourceLength: number;
}

/** Refuses shapes an alignment function cannot score, saying which sizes and what to change. */
export function checkAttentionShape(s: AttentionShape, encoderNote = ''): void {
  const { fn, decoderSize: Hd, encoderSize: He } = s;
  if ((fn === 'dot' || fn === 'scaled') && Hd !== He) {
    throw new LabError('invalid_input', `The ${fn === 'dot' ? 'dot' : 'scaled dot-product'} alignment function multiplies the decoder state by each encoder state, so their sizes must match, but the decoder state has ${Hd} values and the encoder states ${He}${encoderNote}; choose "general" or "concat" (they learn a matrix between the two sizes) or make the sizes equal.`, { field: 'attention' });
  }
  if (fn === 'concat' && !(Number.isInteger(s.attentionSize) && s.attentionSize >= 1)) {
    throw new LabError('invalid_input', `The concat alignment function needs an attention size of at least 1 (the rows of W in v·tanh(W[s; h])), but it is ${s.attentionSize}.`, { field: 'attentionSize' });
  }
  if (fn === 'location' && !(Number.isInteger(s.maxSourceLength) && s.maxSourceLength >= 1)) {
    throw new LabError('invalid_input', `The location alignment function has one weight row per source position, so it needs the longest source length (at least 1), but it is ${s.maxSourceLength}.`, { field: 'maxSourceLength' });
  }
}

/** The attention's tensors, added to the model's table under `prefix` (e.g. "attn."). */
export function addAttentionParameters(t: TensorTable, prefix: string, s: AttentionShape): void {
  const { decoderSize: Hd, encoderSize: He, attentionSize: A } = s;
  if (s.fn === 'general') t.add(`${prefix}general.weight`, [Hd, He], 'linear');
  if (s.fn === 'concat') {
    t.add(`${prefix}concat.query.weight`, [A, Hd], 'linear');
    t.add(`${prefix}concat.query.bias`, [A], 'bias');
    t.add(`${prefix}concat.key.weight`, [A, He], 'linear');
    t.add(`${prefix}concat.v`, [A], 'linear');
  }
  if (s.fn === 'location') {
    t.add(`${prefix}location.weight`, [s.maxSourceLength, Hd], 'linear');
    t.add(`${prefix}location.bias`, [s.maxSourceLength], 'bias');
  }
  t.add(`${prefix}combine.weight`, [Hd, He + Hd], 'linear');
  t.add(`${prefix}combine.bias`, [Hd], 'bias');
}

/** dst = dst + src over n floats (kernels' residual add, in place). */
function addInto(k: Kernels, dst: F32, src: F32, n: number): void {
  k.residualForward(dst, dst, src, n);
}

export class LuongAttention {
  private readonly ws = new Workspace();
  private dims = { B: 0, T: 0, S: 0 };
  private dec: F32 | null = null;
  private enc: F32 | null = null;

  constructor(private readonly k: Kernels, readonly shape: AttentionShape, private readonly params: NamedBuffer,
    private readonly grads: NamedBuffer, private readonly prefix: string) {
    checkAttentionShape(shape);
  }

  private P(n: string): F32 {
    return this.params.view(this.prefix + n);
  }

  private G(n: string): F32 {
    return this.grads.view(this.prefix + n);
  }

  /** Scores, weights, context and the attentional state for dec (B,T,Hd) over enc (B,S,He); returns out (B,T,Hd).
   *  dec and enc must stay unchanged until backward() ran. reuseKeys: enc is the same as in the previous call (a
   *  decoder stepping through one output), so its projections for general and concat are reused, not recomputed. */
  forward(dec: F32, enc: F32, srcLen: Int32Array, B: number, T: number, S: number, reuseKeys = false): F32 {
    const k = this.k;
    const { fn, decoderSize: Hd, encoderSize: He, attentionSize: A } = this.shape;
    if (fn === 'location' && S > this.shape.maxSourceLength) {
      throw new LabError('invalid_input', `The location alignment function was built for sources of up to ${this.shape.maxSourceLength} tokens (one weight row per position), but this batch has ${S}; truncate the sources or build the model with a larger maximum source length.`, { field: 'maxSourceLength' });
    }
    this.dims = { B, T, S };
    this.dec = dec;
    this.enc = enc;
    const BT = B * T;
    const scores = this.ws.get('scores', BT * S);
    if (fn === 'dot' || fn === 'scaled') {
      k.alignDotForward(scores, dec, enc, fn === 'dot' ? 1 : 1 / Math.sqrt(Hd), B, T, S, 1, Hd);
    } else if (fn === 'general') {
      const keys = this.ws.get('keys', B * S * Hd);
      if (!reuseKeys) k.matmulForward(keys, enc, this.P('general.weight'), null, B * S, He, Hd);
      k.alignDotForward(scores, dec, keys, 1, B, T, S, 1, Hd);
    } else if (fn === 'concat') {
      const qp = this.ws.get('concat.q', BT * A);
      const kp = this.ws.get('concat.k', B * S * A);
      k.matmulForward(qp, dec, this.P('concat.query.weight'), this.P('concat.query.bias'), BT, Hd, A);
      if (!reuseKeys) k.matmulForward(kp, enc, this.P('concat.key.weight'), null, B * S, He, A);
      k.alignAdditiveForward(scores, qp, kp, this.P('concat.v'), B, T, S, A);
    } else {
      k.matmulForward(scores, dec, this.P('location.weight').subarray(0, S * Hd), this.P('location.bias').subarray(0, S), BT, Hd, S);
    }
    const att = this.ws.get('att', BT * S);
    const ctx = this.ws.get('ctx', BT * He);
    k.alignSoftmaxContextForward(ctx, att, scores, enc, srcLen, B, T, S, 1, He);
    // [c_t; s_t] rows, then out = tanh(W_c [c; s] + b_c)
    const cat = this.ws.get('cat', BT * (He + Hd));
    for (let r = 0; r < BT; r++) {
      cat.set(ctx.subarray(r * He, (r + 1) * He), r * (He + Hd));
      cat.set(dec.subarray(r * Hd, (r + 1) * Hd), r * (He + Hd) + He);
    }
    const out = this.ws.get('out', BT * Hd);
    k.matmulForward(out, cat, this.P('combine.weight'), this.P('combine.bias'), BT, He + Hd, Hd);
    k.tanhForward(out, out, BT * Hd);
    return out;
  }

  /** The latest forward's scores before the softmax (B,T,S). */
  scores(): F32 {
    const { B, T, S } = this.dims;
    return this.ws.get('scores', B * T * S);
  }

  /** The latest forward's attention weights (B,T,S): row t of batch element b is a_t over its source positions. */
  weights(): F32 {
    const { B, T, S } = this.dims;
    return this.ws.get('att', B * T * S);
  }

  /** The latest forward's attentional states out (B,T,Hd) (n = B*T). */
  output(n: number): F32 {
    return this.ws.get('out', n * this.shape.decoderSize);
  }

  /** The latest forward's context vectors (B,T,He). */
  context(): F32 {
    const { B, T } = this.dims;
    return this.ws.get('ctx', B * T * this.shape.encoderSize);
  }

  /** Backward from dout (B,T,Hd), the gradient at out: accumulates the parameter gradients and returns the
   *  gradients at dec (B,T,Hd) and enc (B,S,He), written into the layer's own buffers (valid until the next call). */
  backward(dout: F32): { ddec: F32; denc: F32 } {
    const k = this.k;
    const { fn, decoderSize: Hd, encoderSize: He, attentionSize: A } = this.shape;
    const { B, T, S } = this.dims;
    const dec = this.dec as F32;
    const enc = this.enc as F32;
    const BT = B * T;
    const BS = B * S;
    const W = He + Hd;
    const dpre = this.ws.get('dpre', BT * Hd);
    k.tanhBackward(dpre, this.ws.get('out', BT * Hd), dout, BT * Hd);
    const dcat = this.ws.get('dcat', BT * W);
    k.matmulBackward(dcat, this.G('combine.weight'), this.G('combine.bias'), dpre, this.ws.get('cat', BT * W), this.P('combine.weight'), BT, W, Hd);
    const dctx = this.ws.get('dctx', BT * He);
    const ddec = this.ws.get('ddec', BT * Hd);
    for (let r = 0; r < BT; r++) {
      dctx.set(dcat.subarray(r * W, r * W + He), r * He);
      ddec.set(dcat.subarray(r * W + He, (r + 1) * W), r * Hd);
    }
    const dscores = this.ws.get('dscores', BT * S);
    const denc = this.ws.get('denc', BS * He);
    k.alignSoftmaxContextBackward(dscores, denc, dctx, this.ws.get('att', BT * S), enc, B, T, S, 1, He);
    const dq = this.ws.get('dq', BT * Math.max(Hd, A));
    if (fn === 'dot' || fn === 'scaled') {
      const dk = this.ws.get('dk', BS * He);
      k.alignDotBackward(dq, dk, dscores, dec, enc, fn === 'dot' ? 1 : 1 / Math.sqrt(Hd), B, T, S, 1, Hd);
      addInto(k, ddec, dq, BT * Hd);
      addInto(k, denc, dk, BS * He);
    } else if (fn === 'general') {
      const dkeys = this.ws.get('dkeys', BS * Hd);
      k.alignDotBackward(dq, dkeys, dscores, dec, this.ws.get('keys', BS * Hd), 1, B, T, S, 1, Hd);
      addInto(k, ddec, dq, BT * Hd);
      const dk = this.ws.get('dk', BS * He);
      k.matmulBackward(dk, this.G('general.weight'), null, dkeys, enc, this.P('general.weight'), BS, He, Hd);
      addInto(k, denc, dk, BS * He);
    } else if (fn === 'concat') {
      const dqp = this.ws.get('dqp', BT * A);
      const dkp = this.ws.get('dkp', BS * A);
      k.alignAdditiveBackward(dqp, dkp, this.G('concat.v'), dscores, this.ws.get('concat.q', BT * A), this.ws.get('concat.k', BS * A), this.P('concat.v'), B, T, S, A);
      const dqd = dq.subarray(0, BT * Hd);
      k.matmulBackward(dqd, this.G('concat.query.weight'), this.G('concat.query.bias'), dqp, dec, this.P('concat.query.weight'), BT, Hd, A);
      addInto(k, ddec, dqd, BT * Hd);
      const dk = this.ws.get('dk', BS * He);
      k.matmulBackward(dk, this.G('concat.key.weight'), null, dkp, enc, this.P('concat.key.weight'), BS, He, A);
      addInto(k, denc, dk, BS * He);
    } else {
      const dqd = dq.subarray(0, BT * Hd);
      k.matmulBackward(dqd, this.G('location.weight').subarray(0, S * Hd), this.G('location.bias').subarray(0, S), dscores, dec,
        this.P('location.weight').subarray(0, S * Hd), BT, Hd, S);
      addInto(k, ddec, dqd, BT * Hd);
    }
    return { ddec, denc };
  }
}

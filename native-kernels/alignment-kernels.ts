// The alignment kernels of attention between two sequences (a decoder reading an encoder): scores, masked softmax and
// context, for every alignment function of the seq2seq models and for a Transformer's cross-attention.
//
// Shapes: B batch, T decoder (query) positions, S encoder (key) positions, NH heads (1 for the RNN models), D the
// query/key size per head, H the value size per head, A the additive attention size. Rows are (b, t) / (b, j) with the
// heads' channels side by side, as in the self-attention kernels: head h uses channels [h*D, (h+1)*D).
// Every alignment function is one of these kernels after the GEMMs that project its inputs (main/ml/seq2seq/alignment.ts):
//   dot         alignDot(q = s, k = h, scale 1)          general   alignDot(q = s, k = h W_a^T)
//   scaled dot  alignDot(q = s, k = h, 1/sqrt(D))        concat    alignAdditive(q = s W_s^T + b, k = h W_h^T, v)
//   location    scores = s W_loc^T + b (a plain matmul)  then alignSoftmaxContext for all of them.
// Conventions as in kernels.ts: outputs first, activation gradients written, parameter gradients (dv) accumulated.
import type { F32 } from './kernels';

export interface AlignmentKernels {
  /** scores(B,NH,T,S)[b,h,t,j] = scale * q[b,t,h,:] . k[b,j,h,:], with q(B,T,NH*D) and k(B,S,NH*D). */
  alignDotForward(scores: F32, q: F32, k: F32, scale: number, B: number, T: number, S: number, NH: number, D: number): void;
  /** dq(B,T,NH*D) = scale dscores k and dk(B,S,NH*D) = scale dscores^T q, both written. */
  alignDotBackward(dq: F32, dk: F32, dscores: F32, q: F32, k: F32, scale: number,
    B: number, T: number, S: number, NH: number, D: number): void;

  /** Additive (Bahdanau's "concat") scores: scores(B,T,S)[b,t,j] = sum_a v[a] tanh(q[b,t,a] + k[b,j,a]), with the
   *  projected decoder states q(B,T,A) and encoder states k(B,S,A). Nothing but the scores is kept. */
  alignAdditiveForward(scores: F32, q: F32, k: F32, v: F32, B: number, T: number, S: number, A: number): void;
  /** dq(B,T,A) and dk(B,S,A) written, dv(A) accumulated; the tanh values are recomputed, not stored. Positions whose
   *  dscores is exactly 0 (masked keys) cost nothing. */
  alignAdditiveBackward(dq: F32, dk: F32, dv: F32, dscores: F32, q: F32, k: F32, v: F32,
    B: number, T: number, S: number, A: number): void;

  /** att(B,NH,T,S) = softmax over j of scores, keys j >= srcLen[b] masked (exactly 0; srcLen[b] = 0 gives a zero row);
   *  ctx(B,T,NH*H)[b,t,h,:] = sum_j att[b,h,t,j] values[b,j,h,:]. att may be the scores buffer itself. */
  alignSoftmaxContextForward(ctx: F32, att: F32, scores: F32, values: F32, srcLen: Int32Array,
    B: number, T: number, S: number, NH: number, H: number): void;
  /** dscores(B,NH,T,S) and dvalues(B,S,NH*H) written from dctx(B,T,NH*H) and the saved att (masked keys get 0). */
  alignSoftmaxContextBackward(dscores: F32, dvalues: F32, dctx: F32, att: F32, values: F32,
    B: number, T: number, S: number, NH: number, H: number): void;

  /** out(N) = tanh(inp) elementwise (Luong's attentional state tanh(W_c [c; s] + b)); out may be inp. */
  tanhForward(out: F32, inp: F32, N: number): void;
  /** dinp(N) = dout * (1 - out^2), from the forward's output; dinp may be dout. */
  tanhBackward(dinp: F32, out: F32, dout: F32, N: number): void;
}

// The kernel contract: every backend (native C++ addon, JS reference) implements exactly this.
// Conventions (llm.c style): stateless functions over raw float32 buffers and dimensions;
// arguments are outputs first, then inputs, then weights, then dimensions (B, T, C, NH ...).
// Parameter gradients ACCUMULATE (+=); activation gradients are WRITTEN (=).
// Linear weights are stored (OC, C) row-major, like torch.nn.Linear.weight, so y = x @ W^T + b.
// Buffers may be subarray views of larger buffers; kernels read/write exactly the stated extents.

import type { AlignmentKernels } from './alignment-kernels';
import type { RnnKernels } from './rnn-kernels';

export type F32 = Float32Array;
export type BackendName = 'native-avx2' | 'native-portable' | 'js';

/** Every kernel family; the alignment kernels (attention between two sequences) are listed in alignment-kernels.ts,
 *  the recurrent ones (GRU, LSTM) in rnn-kernels.ts. */
export interface Kernels extends AlignmentKernels, RnnKernels {
  readonly backend: BackendName;
  /** Worker threads used by the native backend (JS ignores it but remembers the value). */
  setThreads(n: number): void;
  getThreads(): number;
  /** A hint, never a change of values: `buf` is large and walked end to end on every step (a model's activations).
   *  On Linux the native backend asks the kernel for transparent huge pages over its 2 MiB-aligned interior
   *  (madvise), which takes effect for pages not yet touched, so call it on fresh storage; elsewhere, and in JS,
   *  nothing happens. */
  adviseHugePages(buf: F32): void;

  /** General matmul on row-major buffers: C(M,N) = alpha * op(A) @ op(B) + beta * C.
   *  op(A) is (M,K): A is (M,K) when !transA, (K,M) when transA. op(B) is (K,N): B is (K,N) when !transB, (N,K) when transB. */
  sgemm(transA: boolean, transB: boolean, M: number, N: number, K: number, alpha: number,
    A: F32, B: F32, beta: number, C: F32): void;

  /** out(BT,OC) = inp(BT,C) @ weight(OC,C)^T + bias(OC) (bias may be null). */
  matmulForward(out: F32, inp: F32, weight: F32, bias: F32 | null, BT: number, C: number, OC: number): void;
  /** dinp(BT,C) = dout @ weight (written); dweight(OC,C) += dout^T @ inp; dbias(OC) += sum_rows dout. dinp may be null (skip). */
  matmulBackward(dinp: F32 | null, dweight: F32, dbias: F32 | null, dout: F32, inp: F32, weight: F32,
    BT: number, C: number, OC: number): void;

  /** out(B,T,C) = wte[tokens[b,t]] + pos[t] (+ segTable[segments[b,t]] when given). pos(T,C) is learned or a fixed sinusoidal table. */
  embeddingForward(out: F32, tokens: Int32Array, wte: F32, pos: F32 | null,
    segments: Int32Array | null, segTable: F32 | null, B: number, T: number, C: number): void;
  /** Scatter-add: dwte[tokens[b,t]] += dout[b,t]; dpos[t] += dout[b,t] (if dpos); dseg[segments[b,t]] += dout[b,t] (if dseg). */
  embeddingBackward(dwte: F32, dpos: F32 | null, dseg: F32 | null, dout: F32, tokens: Int32Array,
    segments: Int32Array | null, B: number, T: number, C: number): void;

  /** LayerNorm over the last dim (eps 1e-5). mean(N), rstd(N) are saved for backward. N = rows. */
  layernormForward(out: F32, mean: F32, rstd: F32, inp: F32, weight: F32, bias: F32, N: number, C: number): void;
  /** dinp written; dweight, dbias accumulated. With dresidual (N,C), dinp = the LayerNorm input's gradient +
   *  dresidual, exactly as a residualForward of the two afterwards (the residual stream's gradient joins in the same
   *  pass). dresidual may be the same buffer as dinp. */
  layernormBackward(dinp: F32, dweight: F32, dbias: F32, dout: F32, inp: F32, weight: F32,
    mean: F32, rstd: F32, N: number, C: number, dresidual?: F32 | null): void;

  /** GELU, tanh approximation (as GPT-2 and torch.nn.GELU(approximate='tanh')). */
  geluForward(out: F32, inp: F32, N: number): void;
  geluBackward(dinp: F32, inp: F32, dout: F32, N: number): void;

  /** out = a + b (elementwise, N elements). */
  residualForward(out: F32, a: F32, b: F32, N: number): void;

  /** Multi-head scaled dot-product self-attention.
   *  qkv(B,T,3C) holds [q | k | v] per position, head h uses channels [h*hs, (h+1)*hs) of each, hs = C/NH.
   *  att(B,NH,T,T) receives the softmax probabilities (kept for backward and for visualisation);
   *  preatt(B,NH,T,T) the scaled scores before masking, or null to not keep them (nothing in training or inference
   *  reads them; skipping them saves B*NH*T*T stores, and a causal model its masked scores).
   *  out(B,T,C) = att @ v, heads concatenated.
   *  causal: key j > query i is masked. keyMask(B,T): 1 = real token, 0 = padding (masked as a key).
   *  Masked probabilities are exactly 0. A query row whose keys are all masked gets all-zero probabilities. */
  attentionForward(out: F32, preatt: F32 | null, att: F32, qkv: F32, keyMask: Uint8Array | null, causal: boolean,
    B: number, T: number, C: number, NH: number): void;
  /** dqkv(B,T,3C) written from dout(B,T,C) and the saved att. Each backend keeps its own per-head scratch (one head's
   *  (T,T) at most), so callers allocate no (B,NH,T,T) buffers for the score gradients. */
  attentionBackward(dqkv: F32, dout: F32, qkv: F32, att: F32, B: number, T: number, C: number, NH: number): void;
  /** The same attention for some query rows only, over every key: what a layer needs when only those rows of its
   *  output reach the loss (BERT's last layer, the masked rows). rows[0..M): ascending flat positions b*T+t.
   *  q(M,C): those rows' queries (heads as in qkv); kv(B,T,2C): [k | v] of every position.
   *  out(M,C) = att v for those rows, heads concatenated. att: for head (b,h), the probabilities of batch element b's
   *  M_b rows, in order, each T wide, from (b*NH+h)*T*T (the first M_b rows of that head's (T,T) block of an
   *  attentionForward att; the rest is not touched). Each row equals the row attentionForward gives that position
   *  (causal: key j > t masked; keyMask as there), to float rounding. */
  attentionRowsForward(out: F32, att: F32, q: F32, kv: F32, rows: Int32Array, M: number, keyMask: Uint8Array | null,
    causal: boolean, B: number, T: number, C: number, NH: number): void;
  /** dq(M,C) and dkv(B,T,2C) written (dkv zero for keys no row sees) from dout(M,C) and the att of
   *  attentionRowsForward: attentionBackward's gradients with dout zero on every other row. */
  attentionRowsBackward(dq: F32, dkv: F32, dout: F32, q: F32, kv: F32, att: F32, rows: Int32Array, M: number,
    B: number, T: number, C: number, NH: number): void;

  /** Inverted dropout: mask[i] = keep (1) with prob 1-p from a counter-based RNG seeded by (seed, i), out = inp*mask/(1-p).
   *  Same seed -> same mask, on every backend and thread count. */
  dropoutForward(out: F32, mask: Uint8Array, inp: F32, p: number, seed: number, N: number): void;
  dropoutBackward(dinp: F32, dout: F32, mask: Uint8Array, p: number, N: number): void;

  /** Softmax + cross-entropy per row. probs(N,V) written, losses(N) written (0 where target == ignoreIndex).
   *  Returns the mean loss over non-ignored rows (0 if none) and writes their count to counts[0]. */
  crossEntropyForward(losses: F32, probs: F32, logits: F32, targets: Int32Array, ignoreIndex: number,
    N: number, V: number, counts: Int32Array): number;
  /** dlogits(N,V) written: (probs - onehot) * scale for non-ignored rows, 0 for ignored rows.
   *  For the mean loss, scale = 1 / count. */
  crossEntropyBackward(dlogits: F32, probs: F32, targets: Int32Array, ignoreIndex: number, scale: number,
    N: number, V: number): void;

  /** One AdamW step on N parameters (decoupled weight decay, bias-corrected; t is the 1-based step). gradScale
   *  (default 1) multiplies every gradient as it is read, exactly as scale(grads, gradScale) first would, without
   *  changing grads: global-norm clipping folded into the step. */
  adamwUpdate(params: F32, grads: F32, m: F32, v: F32, N: number, lr: number, beta1: number, beta2: number,
    eps: number, weightDecay: number, t: number, gradScale?: number): void;
  /** Sum of squares of N values (accumulated in double). */
  sumSquares(buf: F32, N: number): number;
  /** buf *= s. */
  scale(buf: F32, s: number, N: number): void;

  /** A linear weight(OC,C) prepared once for matmulForwardPacked, in this backend's own opaque layout (pass it only
   *  to the backend that packed it). For weights that no longer change, e.g. an inference-only model's. */
  packLinearWeight(weight: F32, C: number, OC: number): F32;
  /** out(BT,OC) = inp(BT,C) @ weight^T + bias(OC) from packLinearWeight(weight, C, OC); the same values as
   *  matmulForward(out, inp, weight, bias, BT, C, OC). */
  matmulForwardPacked(out: F32, inp: F32, packed: F32, bias: F32 | null, BT: number, C: number, OC: number): void;
}

// The contract every seq2seq model keeps (RNN encoder-decoder with or without attention, Transformer encoder-decoder):
// a teacher-forced training pass over one buffer of parameters and gradients, and an incremental decoder for greedy
// and beam search. Attention weights of the latest pass are exposed for the alignment view.
import type { F32, Kernels } from '../../../native-kernels/kernels';
import type { Seq2seqConfig } from '../../../common/seq2seq-config';
import type { NamedBuffer } from '../params';
import type { PairBatch } from './batch';

/** Decoder x source attention of the latest pass: weights (layers, B, heads, T, S); one layer and head for the RNNs. */
export interface CrossAttention {
  weights: F32;
  layers: number;
  heads: number;
  B: number;
  T: number;
  S: number;
}

/** One decoding step's numbers for the step-by-step view (RNN attention models; row 0 of the batch). */
export interface StepDetail {
  /** scores before the softmax (S) */
  scores: F32;
  /** attention weights (S) */
  weights: F32;
  /** context vector (He) */
  context: F32;
}

/** Runs a decoder one token at a time over `rows` = batch x beams rows, for greedy and beam search. */
export interface IncrementalDecoder {
  readonly rows: number;
  /** log-probabilities (rows, V) of the next token after feeding `tokens` (one per row) */
  step(tokens: Int32Array): F32;
  /** row r continues from row from[r] (beam search keeps the best continuations) */
  reorder(from: Int32Array): void;
  /** attention weights (rows, S) of the latest step, or null for a model without attention */
  attention(): F32 | null;
  /** the latest step's scores, weights and context of row `row`, or null without attention */
  detail(row: number): StepDetail | null;
}

export interface Seq2seqModel {
  readonly config: Seq2seqConfig;
  readonly k: Kernels;
  readonly params: NamedBuffer;
  readonly grads: NamedBuffer;
  /** Teacher-forced pass (batch.tgtIn fed to the decoder); the mean cross-entropy over targets, NaN without them. */
  forward(batch: PairBatch, opts?: { train?: boolean; step?: number }): number;
  /** Accumulates the gradients of the latest forward loss. */
  backward(): void;
  zeroGrad(): void;
  /** (B, T, V) logits of the latest forward */
  logits(): F32;
  /** decoder x source attention of the latest forward, null for the model without attention */
  crossAttention(): CrossAttention | null;
  /** Encodes the batch's sources and returns a decoder for `beams` rows per source (row b * beams + i). */
  decoder(batch: PairBatch, beams: number): IncrementalDecoder;
}

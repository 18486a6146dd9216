// Encoder-decoder (seq2seq) model settings shared by every side: an RNN encoder-decoder with or without attention
// (the alignment function selectable) or a Transformer encoder-decoder; validation with sentences that name the
// field, and the parameter count the lab records and the experiment page shows.
import { LabError } from './errors';

/** The alignment functions of the attention (Luong et al. 2015; concat is Bahdanau et al. 2014's additive score). */
export const ALIGNMENT_FUNCTIONS = ['dot', 'general', 'concat', 'scaled', 'location'] as const;
export type AlignmentFunction = typeof ALIGNMENT_FUNCTIONS[number];
/** An RNN encoder-decoder's attention: none (the context is the encoder's last state) or an alignment function. */
export const SEQ2SEQ_ATTENTIONS = ['none', ...ALIGNMENT_FUNCTIONS] as const;
export type Seq2seqAttention = typeof SEQ2SEQ_ATTENTIONS[number];
export type RnnCell = 'gru' | 'lstm';
/** The arms of the "with vs without attention" experiment: the RNN without attention, with each alignment function,
 *  and the Transformer encoder-decoder. */
export const SEQ2SEQ_VARIANTS = [...SEQ2SEQ_ATTENTIONS, 'transformer'] as const;
export type Seq2seqVariant = typeof SEQ2SEQ_VARIANTS[number];

interface Seq2seqCommon {
  /** token ids of each side (from its vocabulary or tokenizer) */
  srcVocab: number;
  tgtVocab: number;
  /** longest source in tokens, and longest target including its [EOS] */
  maxSrcLen: number;
  maxTgtLen: number;
  /** weight initialisation (and dropout masks) */
  seed: number;
}

export interface RnnSeq2seqConfig extends Seq2seqCommon {
  arch: 'rnn';
  cell: RnnCell;
  attention: Seq2seqAttention;
  /** embedding width of both sides */
  embed: number;
  /** hidden units per direction (encoder) and of the decoder */
  hidden: number;
  /** stacked layers of the encoder and of the decoder */
  layers: number;
  /** a bidirectional encoder: its states are 2 x hidden wide, and a bridge maps its final states to the decoder's */
  bidirectional: boolean;
  /** A of the concat score v . tanh(W [s; h]) */
  attentionSize: number;
  /** dropout between stacked layers (training only) */
  dropout: number;
}

export interface TransformerSeq2seqConfig extends Seq2seqCommon {
  arch: 'transformer';
  /** width of the residual stream (C) */
  dModel: number;
  nHead: number;
  /** blocks of the encoder and of the decoder */
  nLayer: number;
  /** hidden width of the MLP */
  dFF: number;
}

export type Seq2seqConfig = RnnSeq2seqConfig | TransformerSeq2seqConfig;

function int(input: Record<string, unknown>, field: string, lo: number, hi: number, what: string): number {
  const v = input[field];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
    throw new LabError('invalid_input', `${field} is ${JSON.stringify(v)}, but it must be a whole number from ${lo} to ${hi} (${what}).`, { field });
  }
  return v;
}

function oneOf<T extends string>(input: Record<string, unknown>, field: string, values: readonly T[]): T {
  const v = input[field];
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
    throw new LabError('invalid_input', `${field} is ${JSON.stringify(v)}, but it must be one of ${values.join(', ')}.`, { field });
  }
  return v as T;
}

/** Decoder state size Hd and encoder output size He of an RNN model. */
export function rnnStateSizes(c: RnnSeq2seqConfig): { decoder: number; encoder: number } {
  return { decoder: c.hidden, encoder: c.hidden * (c.bidirectional ? 2 : 1) };
}

/** Checks every field and returns a clean copy; throws LabError naming the first bad field. */
export function validateSeq2seqConfig(input: Record<string, unknown>): Seq2seqConfig {
  const arch = oneOf(input, 'arch', ['rnn', 'transformer'] as const);
  const common: Seq2seqCommon = {
    srcVocab: int(input, 'srcVocab', 5, 1_000_000, 'the source vocabulary, four special tokens included'),
    tgtVocab: int(input, 'tgtVocab', 5, 1_000_000, 'the target vocabulary, four special tokens included'),
    maxSrcLen: int(input, 'maxSrcLen', 1, 4096, 'the longest source in tokens'),
    maxTgtLen: int(input, 'maxTgtLen', 2, 4096, 'the longest target in tokens, its end token included'),
    seed: int(input, 'seed', 0, 0xffffffff, 'any 32-bit unsigned number'),
  };
  if (arch === 'transformer') {
    const nHead = int(input, 'nHead', 1, 64, 'attention heads');
    const dModel = int(input, 'dModel', 1, 4096, 'the width of the model');
    if (dModel % nHead !== 0) {
      throw new LabError('invalid_input', `dModel ${dModel} is not divisible by nHead ${nHead}; choose a head count that divides it.`, { field: 'nHead' });
    }
    return {
      arch, ...common, dModel, nHead, nLayer: int(input, 'nLayer', 1, 24, 'blocks per side'),
      dFF: int(input, 'dFF', 1, 65536, 'usually 4 x dModel'),
    };
  }
  const dropout = input.dropout ?? 0;
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1)) {
    throw new LabError('invalid_input', `dropout is ${JSON.stringify(dropout)}, but it must be a number from 0 up to (not including) 1.`, { field: 'dropout' });
  }
  if (input.bidirectional !== undefined && typeof input.bidirectional !== 'boolean') {
    throw new LabError('invalid_input', `bidirectional is ${JSON.stringify(input.bidirectional)}, but it must be true or false.`, { field: 'bidirectional' });
  }
  const c: RnnSeq2seqConfig = {
    arch, ...common,
    cell: oneOf(input, 'cell', ['gru', 'lstm'] as const),
    attention: oneOf(input, 'attention', SEQ2SEQ_ATTENTIONS),
    embed: int(input, 'embed', 1, 4096, 'the embedding width'),
    hidden: int(input, 'hidden', 1, 4096, 'hidden units per direction'),
    layers: int(input, 'layers', 1, 8, 'stacked layers per side'),
    bidirectional: input.bidirectional === true,
    attentionSize: int({ attentionSize: input.attentionSize ?? input.hidden }, 'attentionSize', 1, 4096, 'the hidden size of the concat score'),
    dropout,
  };
  const { decoder, encoder } = rnnStateSizes(c);
  if ((c.attention === 'dot' || c.attention === 'scaled') && decoder !== encoder) {
    throw new LabError('invalid_input', `The ${c.attention === 'dot' ? 'dot' : 'scaled dot-product'} alignment function multiplies the decoder state by each encoder state, so their sizes must match, but the decoder state has ${decoder} values and the bidirectional encoder's states ${encoder} (both directions); choose "general" or "concat" (they learn a matrix between the two sizes) or a one-directional encoder.`, { field: 'attention' });
  }
  return c;
}

/** Trainable floats; equals the sum of the model's parameter table (test/unit/seq2seq checks both). */
export function seq2seqParameterCount(c: Seq2seqConfig): number {
  if (c.arch === 'transformer') {
    const C = c.dModel, F = c.dFF;
    const mlp = (F * C + F) + (C * F + C);
    const enc = 4 * C + (3 * C * C + 3 * C) + (C * C + C) + mlp;
    const dec = enc + 2 * C + (C * C + C) + (2 * C * C + 2 * C) + (C * C + C);
    return (c.srcVocab + c.maxSrcLen + c.tgtVocab + c.maxTgtLen) * C + c.nLayer * (enc + dec) + 4 * C;
  }
  const G = c.cell === 'gru' ? 3 : 4;
  const D = c.bidirectional ? 2 : 1;
  const H = c.hidden;
  const { decoder: Hd, encoder: He } = rnnStateSizes(c);
  const layer = (inp: number): number => G * H * (inp + H) + 2 * G * H;
  let n = (c.srcVocab + c.tgtVocab) * c.embed;
  for (let l = 0; l < c.layers; l++) n += D * layer(l === 0 ? c.embed : D * H);
  for (let l = 0; l < c.layers; l++) n += layer(l === 0 ? c.embed : H);
  if (c.bidirectional) n += c.layers * (c.cell === 'lstm' ? 2 : 1) * (H * 2 * H + H);
  if (c.attention !== 'none') {
    if (c.attention === 'general') n += Hd * He;
    if (c.attention === 'concat') n += c.attentionSize * (Hd + 1 + He + 1);
    if (c.attention === 'location') n += c.maxSrcLen * (Hd + 1);
    n += Hd * (He + Hd) + Hd;
  }
  return n + c.tgtVocab * Hd + c.tgtVocab;
}

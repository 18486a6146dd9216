// What the alignment view shows for one source: the target x source attention matrix of the model's own output
// (greedy) or of a given reference (teacher-forced), and the decoder step by step (scores, softmax, context vector,
// the most likely next tokens) for the RNN attention models.
import { LabError } from '../../../common/errors';
import { makeBatch } from './batch';
import { decodeSteps, greedyDecode } from './decode';
import type { Seq2seqModel } from './model';
import { logSoftmaxRows } from './transformer';
import { EOS, type SideTokenizer } from './vocab';

export interface AlignmentMatrix {
  sourceTokens: string[];
  /** the rows' tokens: the output (greedy) or the reference, [EOS] last */
  targetTokens: string[];
  /** the decoded text (greedy) or the reference */
  text: string;
  mode: 'output' | 'reference';
  /** (layers, heads, T, S) row-major; one layer and head for the RNN models */
  weights: number[];
  layers: number;
  heads: number;
}

function encodeSource(tok: SideTokenizer, source: string, max: number): Int32Array {
  const ids = tok.encode(source);
  if (ids.length === 0) throw new LabError('invalid_input', 'The source is empty after tokenization; type a source with at least one token the model knows.', { field: 'source' });
  if (ids.length > max) throw new LabError('invalid_input', `The source has ${ids.length} tokens, more than this model's ${max}; shorten it.`, { field: 'source' });
  return Int32Array.from(ids);
}

/** The attention matrix of one source; null weights for the model without attention are refused with a sentence. */
export function alignmentMatrix(model: Seq2seqModel, vocabs: { source: SideTokenizer; target: SideTokenizer }, source: string,
  opts: { reference?: string | null } = {}): AlignmentMatrix {
  const c = model.config;
  if (c.arch === 'rnn' && c.attention === 'none') {
    throw new LabError('invalid_input', 'This model has no attention (its decoder sees the source only through the encoder\'s last state), so there is no alignment matrix to show; pick one of the attention variants.', { field: 'runId' });
  }
  const src = encodeSource(vocabs.source, source, c.maxSrcLen);
  const S = src.length;
  const sourceTokens = Array.from(src, (id) => vocabs.source.token(id));
  if (opts.reference !== undefined && opts.reference !== null) {
    const tgt = Int32Array.from(vocabs.target.encode(opts.reference).slice(0, c.maxTgtLen - 1));
    model.forward(makeBatch([src], [tgt], [0]), { train: false });
    const att = model.crossAttention();
    if (att === null) throw new LabError('internal', 'The model returned no attention.');
    return {
      sourceTokens, targetTokens: [...Array.from(tgt, (id) => vocabs.target.token(id)), vocabs.target.token(EOS)], text: opts.reference,
      mode: 'reference', weights: Array.from(att.weights), layers: att.layers, heads: att.heads,
    };
  }
  if (c.arch === 'transformer') {
    // decode greedily, then run the decoder over its own output to get every block's and head's cross-attention
    const [out] = greedyDecode(model, makeBatch([src], null, [0]), { maxLength: c.maxTgtLen });
    const ids = Int32Array.from(out.ids.slice(0, c.maxTgtLen - 1));
    model.forward(makeBatch([src], [ids], [0]), { train: false });
    const att = model.crossAttention() as NonNullable<ReturnType<Seq2seqModel['crossAttention']>>;
    return {
      sourceTokens, targetTokens: [...Array.from(ids, (id) => vocabs.target.token(id)), vocabs.target.token(EOS)], text: vocabs.target.decode(ids),
      mode: 'output', weights: Array.from(att.weights), layers: att.layers, heads: att.heads,
    };
  }
  const [out] = greedyDecode(model, makeBatch([src], null, [0]), { maxLength: c.maxTgtLen, keepAttention: true });
  const rows = out.attention ?? [];
  const weights: number[] = [];
  for (const row of rows) for (let j = 0; j < S; j++) weights.push(row[j]);
  const emitted = [...out.ids, ...(rows.length > out.ids.length ? [EOS] : [])];
  return { sourceTokens, targetTokens: emitted.map((id) => vocabs.target.token(id)), text: vocabs.target.decode(out.ids), mode: 'output', weights, layers: 1, heads: 1 };
}

export interface DecoderStepView {
  /** the token emitted at this step */
  token: string;
  /** scores before the softmax, over the source positions */
  scores: number[];
  /** the softmax of the scores: the attention weights */
  weights: number[];
  /** the context vector: the weights' average of the encoder states */
  context: number[];
  /** the most likely next tokens and their probabilities */
  top: { token: string; p: number }[];
}

/** The decoder of an RNN attention model, step by step, on one source (greedy). */
export function decoderStepView(model: Seq2seqModel, vocabs: { source: SideTokenizer; target: SideTokenizer }, source: string, topK = 5):
{ sourceTokens: string[]; steps: DecoderStepView[] } {
  const c = model.config;
  if (c.arch !== 'rnn' || c.attention === 'none') {
    throw new LabError('invalid_input', 'The step-by-step view shows an RNN decoder\'s attention (scores, softmax, context vector); pick an RNN variant with an alignment function.', { field: 'runId' });
  }
  const src = encodeSource(vocabs.source, source, c.maxSrcLen);
  const batch = makeBatch([src], null, [0]);
  const { ids, steps } = decodeSteps(model, batch, c.maxTgtLen);
  // the next-token distributions: the teacher-forced pass over the emitted tokens gives the same numbers
  const fed = Int32Array.from(ids.filter((id) => id !== EOS).slice(0, c.maxTgtLen - 1));
  model.forward(makeBatch([src], [fed], [0]), { train: false });
  const V = c.tgtVocab;
  const logp = model.logits().slice();
  logSoftmaxRows(logp, logp.length / V, V);
  return {
    sourceTokens: Array.from(src, (id) => vocabs.source.token(id)),
    steps: steps.map((s, t) => {
      const row = Array.from(logp.subarray(t * V, (t + 1) * V), (x, id) => ({ id, p: Math.exp(x) })).sort((a, b) => b.p - a.p).slice(0, topK);
      return {
        token: vocabs.target.token(ids[t]), scores: Array.from(s.scores), weights: Array.from(s.weights), context: Array.from(s.context),
        top: row.map((r) => ({ token: vocabs.target.token(r.id), p: r.p })),
      };
    }),
  };
}

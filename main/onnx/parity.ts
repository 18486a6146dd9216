// Parity of an exported model: the same text through the native forward and through onnxruntime on the ONNX bytes,
// compared output by output (logits, every layer's attention, hidden states).
import type { TextTokenizer } from '../data/tokenizers/index';
import { inferText, type InferResult } from '../ml/inference';
import type { TransformerModel } from '../ml/model';
import { int64Tensor, openSession, type OnnxTensor } from './runtime';

/** The tolerance the issue sets for logits and attention. */
export const PARITY_TOLERANCE = 1e-4;

export interface ParityReport {
  tokens: number;
  logits: number;
  attention: number;
  hidden: number;
  /** logits and attention within the tolerance (PARITY_TOLERANCE unless the caller chose another) */
  ok: boolean;
}

/** The ONNX feeds for one native inference input (batch 1, no padding). */
export function feedsFor(result: InferResult, model: TransformerModel): Record<string, OnnxTensor> {
  const T = result.T;
  const ids = result.tokens.map((t) => t.id);
  const feeds: Record<string, OnnxTensor> = { input_ids: int64Tensor(ids, [1, T]) };
  if (model.config.family === 'bert') {
    feeds.attention_mask = int64Tensor(ids.map(() => 1), [1, T]);
    if (model.config.typeVocabSize > 0) feeds.token_type_ids = int64Tensor(result.tokens.map((t) => t.segment), [1, T]);
  }
  return feeds;
}

function maxAbsDiff(a: Float32Array, b: Float32Array, offset = 0): number {
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[offset + i] - b[i]));
  return m;
}

/** Runs `text` both ways and returns the largest absolute difference of each output family. */
export async function checkParity(model: TransformerModel, tokenizer: TextTokenizer, onnxBytes: Uint8Array, text: string, threads?: number,
  tolerance = PARITY_TOLERANCE): Promise<ParityReport> {
  const native = inferText(model, tokenizer, text);
  const session = await openSession(onnxBytes, { threads }, 'The exported model');
  try {
    const out = await session.run(feedsFor(native, model));
    const { L, NH, T, C } = native;
    let attention = 0;
    let hidden = maxAbsDiff(native.hidden, out['hidden_states.0'].data as Float32Array);
    for (let l = 0; l < L; l++) {
      attention = Math.max(attention, maxAbsDiff(native.attention, out[`attentions.${l}`].data as Float32Array, l * NH * T * T));
      hidden = Math.max(hidden, maxAbsDiff(native.hidden, out[`hidden_states.${l + 1}`].data as Float32Array, (l + 1) * T * C));
    }
    const logits = maxAbsDiff(native.logits, out.logits.data as Float32Array);
    return { tokens: T, logits, attention, hidden, ok: logits <= tolerance && attention <= tolerance };
  } finally {
    await session.close();
  }
}

// Top-k (T,k) typed arrays as the per-position predictions the CLI prints; the attention rows and text grids are pure
// and live in common/attention-views.ts (re-exported here for onnx/'s callers).
import { tokenText, type TextTokenizer } from '../data/tokenizers/index';

export { formatHead, headMatrices, tokenLabel, type HeadMatrix } from '../../common/attention-views';

export interface PositionPredictions {
  position: number;
  candidates: { id: number; token: string; probability: number }[];
}

/** Top-k (T,k) typed arrays as per-position lists with token text. */
export function predictions(topK: { k: number; ids: Int32Array; probs: Float32Array }, tokenizer: TextTokenizer): PositionPredictions[] {
  const T = topK.ids.length / topK.k;
  return Array.from({ length: T }, (_, t) => ({
    position: t,
    candidates: Array.from({ length: topK.k }, (_, j) => {
      const id = topK.ids[t * topK.k + j];
      return { id, token: tokenText(tokenizer, id), probability: topK.probs[t * topK.k + j] };
    }),
  }));
}

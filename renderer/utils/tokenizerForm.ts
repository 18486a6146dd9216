// Pure helpers for the tokenizer form: default names (the vocab size ranges per kind are common/tokenizers.ts VOCAB_RANGES).
import type { TokenizerKind } from '../../common/tokenizers';

/** "shakespeare" + bpe + 2000 → "shakespeare-bpe-2000" (kept within the 120-character name limit). */
export function defaultTokenizerName(datasetName: string, kind: TokenizerKind, vocabSize: number): string {
  const suffix = `-${kind}-${vocabSize}`;
  return datasetName.slice(0, 120 - suffix.length) + suffix;
}

// Pure helpers for the tokenizer form: vocab size ranges per kind (mirroring the service's checks) and default names.
export type TokenizerKindT = 'char' | 'bpe' | 'wordpiece';

/**
 * The service refuses sizes outside these ranges with a sentence; the form shows them up front.
 * BPE needs 256 byte tokens + 7 special tokens at least.
 */
export const VOCAB_RANGES: Record<TokenizerKindT, { min: number; max: number; suggested: number }> = {
  char: { min: 16, max: 65536, suggested: 512 },
  bpe: { min: 263, max: 65536, suggested: 2000 },
  wordpiece: { min: 100, max: 65536, suggested: 2000 },
};

/** "shakespeare" + bpe + 2000 → "shakespeare-bpe-2000" (kept within the 120-character name limit). */
export function defaultTokenizerName(datasetName: string, kind: TokenizerKindT, vocabSize: number): string {
  const suffix = `-${kind}-${vocabSize}`;
  return datasetName.slice(0, 120 - suffix.length) + suffix;
}

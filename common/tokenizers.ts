// Tokenizer facts every side states the same way: the kinds, the special tokens each reserves, and the vocabulary
// sizes each kind accepts (the service refuses others with a sentence; the tokenizer form shows them up front).
import { LabError } from './errors';

export type TokenizerKind = 'char' | 'bpe' | 'wordpiece';

/** Reserved in this id order (0..6) by every tokenizer we train, so BERT and GPT can share one. */
export const SPECIAL_TOKENS: readonly string[] = Object.freeze(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', '[BOS]', '[EOS]']);

export type SpecialToken = '[PAD]' | '[UNK]' | '[CLS]' | '[SEP]' | '[MASK]' | '[BOS]' | '[EOS]';

/** The largest vocabulary the lab's models embed (and any tokenizer it trains or imports). */
export const MAX_VOCAB_SIZE = 65536;

export interface VocabRange {
  min: number;
  max: number;
  /** what the form starts with */
  suggested: number;
  /** for the error sentence: "too small for a byte-level BPE tokenizer … (256 bytes + 7 special tokens)" */
  label: string;
  why: string;
}

/** Vocab sizes per kind. BPE needs its 256 byte tokens and the 7 special tokens at least. */
export const VOCAB_RANGES: Record<TokenizerKind, VocabRange> = {
  char: { min: 16, max: MAX_VOCAB_SIZE, suggested: 512, label: 'a character-level', why: '7 special tokens + at least 9 characters' },
  bpe: {
    min: 256 + SPECIAL_TOKENS.length, max: MAX_VOCAB_SIZE, suggested: 2000, label: 'a byte-level BPE', why: '256 bytes + 7 special tokens',
  },
  wordpiece: { min: 100, max: MAX_VOCAB_SIZE, suggested: 2000, label: 'a WordPiece', why: '7 special tokens + room for an alphabet' },
};

/** Refuses a vocab size the kind cannot be trained to, with a sentence that says the range. */
export function checkVocabSize(kind: TokenizerKind, vocabSize: number): void {
  const rule = VOCAB_RANGES[kind];
  if (!Number.isInteger(vocabSize)) {
    throw new LabError('invalid_input', `Vocab size ${vocabSize} is not a whole number: give a count of tokens such as 8000.`, { field: 'vocabSize' });
  }
  if (vocabSize < rule.min) {
    throw new LabError(
      'invalid_input',
      `Vocab size ${vocabSize} is too small for ${rule.label} tokenizer: it needs at least ${rule.min} (${rule.why}).`,
      { field: 'vocabSize' },
    );
  }
  if (vocabSize > rule.max) {
    throw new LabError(
      'invalid_input',
      `Vocab size ${vocabSize} is too large for ${rule.label} tokenizer: the most is ${rule.max} (choose a smaller size).`,
      { field: 'vocabSize' },
    );
  }
}

// Shared tokenizer types: the public TextTokenizer contract (kinds and special tokens: common/tokenizers.ts).
import type { SpecialToken, TokenizerKind } from '../../../common/tokenizers';

export interface Encoded {
  ids: Int32Array;
  tokens: string[];
  /** [start, end) in UTF-16 code units of the text given to encode() */
  offsets: [number, number][];
}

export interface TextTokenizer {
  readonly kind: TokenizerKind;
  /** one more than the largest id (model vocabulary plus added tokens) */
  readonly vocabSize: number;
  readonly lowercase: boolean;
  encode(text: string): Encoded;
  /** special tokens are rendered as their text, like Hugging Face's decode(ids, skipSpecialTokens=false) */
  decode(ids: ArrayLike<number>): string;
  idToToken(id: number): string | undefined;
  tokenToId(token: string): number | undefined;
  specialId(token: SpecialToken): number;
  /** the Hugging Face tokenizer.json object */
  toJSON(): object;
}

export interface TrainOptions {
  vocabSize: number;
  lowercase?: boolean;
  onProgress?: (phase: string, done: number, total: number | null) => void;
}

export interface TrainResult {
  tokenizer: TextTokenizer;
  /** per id: how often the token occurs when the training texts are encoded */
  frequencies: number[];
  /** set when the result differs from the request, e.g. the data has fewer characters than asked for */
  note?: string;
}

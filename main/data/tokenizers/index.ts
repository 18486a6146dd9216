// Tokenizers: the public entry point (train one of three kinds, load any supported Hugging Face tokenizer.json).
//
// Why our own trainer: the `tokenizers` npm package encodes well but its Node train(files) takes no trainer
// options (no vocab size, no special tokens). So training (train.ts, merge-trainer.ts) happens here and writes a
// standard tokenizer.json; encoding (pipeline.ts) runs that same JSON in TS, synchronously, with offsets.
// test/unit/tokenizers/hf-parity.test.ts proves the library gives the same ids for our files, and that files the
// library trained give the same ids here.
//   char      -> BPE model without merges or pre-tokenizer (each character looked up; unseen -> [UNK]), Fuse decoder
//   bpe       -> GPT-2 byte-level BPE: ByteLevel pre-tokenizer and decoder, all 256 bytes in the vocabulary
//   wordpiece -> BertNormalizer (CJK isolated, optional lowercase) + BertPreTokenizer + WordPiece ("##")
import { LabError } from '../../../common/errors';
import { PipelineTokenizer } from './pipeline';
import type { SpecialToken } from '../../../common/tokenizers';
import type { TextTokenizer } from './types';

export type { Encoded, TextTokenizer, TrainOptions, TrainResult } from './types';
export { trainTokenizer } from './train';
export { tokenText } from './token-text';

/** Builds a tokenizer from tokenizer.json text or its parsed object; LabError('bad_file') names what is unsupported. */
export function loadTokenizer(json: string | object): TextTokenizer {
  let parsed: unknown = json;
  if (typeof json === 'string') {
    try {
      parsed = JSON.parse(json);
    } catch (e) {
      throw new LabError('bad_file', `This tokenizer.json is not valid JSON: ${(e as Error).message} (expected the file a Hugging Face tokenizer saves).`, { cause: e });
    }
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new LabError('bad_file', 'This tokenizer.json does not hold a JSON object: expected the file a Hugging Face tokenizer saves.');
  }
  return new PipelineTokenizer(parsed);
}

/** Ids of the special tokens a text continuation must never produce ([PAD], [UNK], [CLS], [SEP], [MASK], [BOS]);
 *  [EOS] stays allowed, it ends the text. Tokens a loaded tokenizer does not have are left out. */
export function nonTextSpecialIds(tokenizer: TextTokenizer): number[] {
  const names: SpecialToken[] = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', '[BOS]'];
  const ids: number[] = [];
  for (const name of names) {
    try {
      ids.push(tokenizer.specialId(name));
    } catch {
      // this tokenizer has no such token
    }
  }
  return ids;
}

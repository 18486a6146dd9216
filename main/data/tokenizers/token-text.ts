// A vocabulary entry as the text it stands for, for people to read: byte-level BPE pieces decoded ("Ġthe" → " the",
// "Ċ" → "\n", "Ã©" → "é"); WordPiece pieces ("##ing"), characters and special tokens as they are. Pages and the CLI
// then write its whitespace with common/token-text (· ⏎ ⇥), so no one ever reads Ġ or Ċ.
import { byteLevelToText } from '../../../common/byte-level';
import { SPECIAL_TOKENS } from '../../../common/tokenizers';
import type { TextTokenizer } from './types';

export function tokenText(tokenizer: Pick<TextTokenizer, 'kind' | 'idToToken'>, id: number): string {
  const raw = tokenizer.idToToken(id);
  if (raw === undefined) return `#${id}`;
  return tokenizer.kind === 'bpe' && !SPECIAL_TOKENS.includes(raw) ? byteLevelToText(raw) : raw;
}

// GPT-2's byte-level table, once for every side: the tokenizers encode and decode with it, and the tokenizer pages
// show byte-level BPE tokens as the text they stand for ("Ġthe" → " the").

/**
 * GPT-2 maps every byte to a printable character so tokens never hold spaces or control bytes: the bytes
 * '!'..'~', '¡'..'¬' and '®'..'ÿ' stand for themselves; the other 68 bytes, in order, become U+0100, U+0101, …
 * (so space 0x20 → 'Ġ' U+0120, newline 0x0A → 'Ċ' U+010A).
 */
function buildByteTable(): { byteToChar: string[]; charToByte: Map<string, number> } {
  const byteToChar = new Array<string>(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    byteToChar[b] = String.fromCharCode(printable ? b : 256 + extra++);
  }
  const charToByte = new Map<string, number>();
  byteToChar.forEach((c, b) => charToByte.set(c, b));
  return { byteToChar, charToByte };
}

export const { byteToChar: BYTE_TO_CHAR, charToByte: CHAR_TO_BYTE } = buildByteTable();

/** The 256 characters of the byte-level alphabet. */
export function byteLevelAlphabet(): string[] {
  return [...CHAR_TO_BYTE.keys()];
}

/**
 * "Ġthe" → " the", "Ã©" → "é". A token that splits a multi-byte character shows U+FFFD for the partial bytes;
 * characters outside the alphabet (special tokens such as "[UNK]") are kept as they are.
 */
export function byteLevelToText(token: string): string {
  const bytes: number[] = [];
  let out = '';
  const flush = (): void => {
    if (bytes.length) out += new TextDecoder('utf-8').decode(new Uint8Array(bytes));
    bytes.length = 0;
  };
  for (const ch of token) {
    const b = CHAR_TO_BYTE.get(ch);
    if (b === undefined) {
      flush();
      out += ch;
    } else {
      bytes.push(b);
    }
  }
  flush();
  return out;
}

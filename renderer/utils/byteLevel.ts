// Byte-level BPE (GPT-2 style) tokens → readable text: undoes the byte → printable-character mapping, then UTF-8.

/**
 * GPT-2 maps every byte to a printable character so tokens never hold spaces or control bytes: the bytes
 * '!'..'~', '¡'..'¬' and '®'..'ÿ' stand for themselves; the other 68 bytes, in order, become U+0100, U+0101, …
 * (so space 0x20 → 'Ġ' U+0120, newline 0x0A → 'Ċ' U+010A). This is the inverse table: character → byte.
 */
const charToByte: Map<string, number> = (() => {
  const direct: number[] = [];
  for (let b = 0x21; b <= 0x7e; b += 1) direct.push(b);
  for (let b = 0xa1; b <= 0xac; b += 1) direct.push(b);
  for (let b = 0xae; b <= 0xff; b += 1) direct.push(b);
  const isDirect = new Set(direct);
  const table = new Map<string, number>();
  for (const b of direct) table.set(String.fromCharCode(b), b);
  let shifted = 0;
  for (let b = 0; b < 256; b += 1) {
    if (!isDirect.has(b)) {
      table.set(String.fromCharCode(256 + shifted), b);
      shifted += 1;
    }
  }
  return table;
})();

/** The 256 characters of the byte-level alphabet. */
export function byteLevelAlphabet(): string[] {
  return [...charToByte.keys()];
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
    const b = charToByte.get(ch);
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

// GPT-2 byte-level helpers: the pre-tokenizer regex and byte encoding/decoding over the byte table (common/byte-level.ts).
import { BYTE_TO_CHAR, CHAR_TO_BYTE } from '../../../common/byte-level';

/**
 * GPT-2's split: contractions, letter runs, digit runs, other-symbol runs (each with one optional leading space),
 * then whitespace. \p{White_Space} stands in for \s because Hugging Face's Oniguruma \s is Unicode White_Space
 * (JS's \s also takes U+FEFF and misses U+0085).
 */
export const BYTE_LEVEL_SPLIT =
  /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\p{White_Space}\p{L}\p{N}]+|\p{White_Space}+(?!\P{White_Space})|\p{White_Space}+/gu;

const encoder = new TextEncoder();

/** UTF-8 bytes of a piece, and for each byte the [start, end) code units of the character it belongs to. */
export function bytesWithUnits(piece: string): { bytes: Uint8Array; unitStart: Int32Array; unitEnd: Int32Array } {
  const bytes = encoder.encode(piece);
  const unitStart = new Int32Array(bytes.length);
  const unitEnd = new Int32Array(bytes.length);
  let b = 0;
  for (let i = 0; i < piece.length; ) {
    const cp = piece.codePointAt(i)!;
    const units = cp > 0xffff ? 2 : 1;
    // lone surrogates are encoded by TextEncoder as U+FFFD (3 bytes)
    const n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    for (let k = 0; k < n; k++) {
      unitStart[b + k] = i;
      unitEnd[b + k] = i + units;
    }
    b += n;
    i += units;
  }
  return { bytes, unitStart, unitEnd };
}

export function bytesToMappedString(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += BYTE_TO_CHAR[bytes[i]];
  return s;
}

/** Maps byte-level token text back to bytes; characters outside the table (none in a well-formed vocab) pass as UTF-8. */
export function mappedStringToBytes(s: string, out: number[]): void {
  for (const ch of s) {
    const b = CHAR_TO_BYTE.get(ch);
    if (b !== undefined) out.push(b);
    else for (const x of encoder.encode(ch)) out.push(x);
  }
}

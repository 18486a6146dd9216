// Text encodings: BOM and binary sniffing, strict streaming UTF-8 validation, GB18030 detection, streaming decoders.
import iconv from 'iconv-lite';
import { LabError } from '../../../common/errors';
import { isCjk } from '../text';
import { displayName } from './source';
import type { EncodingChoice, ResolvedEncoding } from './types';

/** bytes looked at to tell text from binary */
export const BINARY_SNIFF_BYTES = 8 * 1024;
/** bytes looked at to detect the encoding when 'auto' is chosen */
export const DETECT_BYTES = 4 * 1024 * 1024;

export interface Bom {
  encoding: ResolvedEncoding;
  length: number;
}

export function detectBom(head: Uint8Array): Bom | null {
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', length: 3 };
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', length: 2 };
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', length: 2 };
  return null;
}

/**
 * Whether the first bytes look like a program, image or archive rather than text: any NUL byte, or more than 10 % C0
 * control characters other than tab, newline, form feed and carriage return. UTF-16 text is full of NULs, so callers
 * skip this check when the file is UTF-16.
 */
export function looksBinary(head: Uint8Array): boolean {
  const n = Math.min(head.length, BINARY_SNIFF_BYTES);
  if (n === 0) return false;
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = head[i];
    if (b === 0) return true;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0c && b !== 0x0d && b !== 0x1b) control++;
  }
  return control / n > 0.1;
}

export function binaryFileError(path: string): LabError {
  return new LabError('bad_file', `${displayName(path)} looks like a binary file (an image or program), not text: choose a text file.`, { field: path });
}

/**
 * Strict UTF-8 validation across chunk boundaries (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF).
 * `push` returns the absolute byte offset of the first invalid sequence, or -1; `end` reports a truncated final one.
 */
export class Utf8Validator {
  private need = 0;
  private lo = 0x80;
  private hi = 0xbf;
  private seqStart = 0;
  private offset = 0;

  push(chunk: Uint8Array): number {
    const base = this.offset;
    this.offset += chunk.length;
    let need = this.need;
    let lo = this.lo;
    let hi = this.hi;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (need === 0) {
        if (b < 0x80) continue;
        this.seqStart = base + i;
        if (b >= 0xc2 && b <= 0xdf) need = 1;
        else if (b === 0xe0) { need = 2; lo = 0xa0; }
        else if (b === 0xed) { need = 2; hi = 0x9f; }
        else if (b >= 0xe1 && b <= 0xef) need = 2;
        else if (b === 0xf0) { need = 3; lo = 0x90; }
        else if (b === 0xf4) { need = 3; hi = 0x8f; }
        else if (b >= 0xf1 && b <= 0xf3) need = 3;
        else return base + i;
      } else {
        if (b < lo || b > hi) return this.seqStart;
        need--;
        lo = 0x80;
        hi = 0xbf;
      }
    }
    this.need = need;
    this.lo = lo;
    this.hi = hi;
    return -1;
  }

  end(): number {
    return this.need > 0 ? this.seqStart : -1;
  }
}

/** Counts '\n' bytes in a buffer up to `end` (line numbers for error messages). */
export function countNewlines(buf: Uint8Array, end = buf.length): number {
  let n = 0;
  let i = Buffer.prototype.indexOf.call(buf, 0x0a, 0) as number;
  while (i !== -1 && i < end) {
    n++;
    i = Buffer.prototype.indexOf.call(buf, 0x0a, i + 1) as number;
  }
  return n;
}

export function invalidUtf8Error(path: string, line: number, byte: number): LabError {
  return new LabError(
    'bad_file',
    `${displayName(path)} is not valid UTF-8 at line ${line} (byte ${byte}): choose its encoding (e.g. gb18030) or convert it to UTF-8.`,
    { field: `${path}:${line}` },
  );
}

/** Share of CJK characters among the non-ASCII characters of a decoded sample; 0 when there are none. */
function cjkShare(text: string): number {
  let nonAscii = 0;
  let cjk = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number;
    if (cp < 0x80) continue;
    nonAscii++;
    if (isCjk(cp)) cjk++;
  }
  return nonAscii === 0 ? 0 : cjk / nonAscii;
}

export interface Detection {
  encoding: ResolvedEncoding;
  bomLength: number;
}

/**
 * Picks the encoding for a file from its first bytes. `head` holds up to DETECT_BYTES of it; `isWholeFile` says
 * whether that is all of it. Order: a BOM decides; else binary check; else strict UTF-8; else GB18030 when the
 * decoded text has no replacement characters and at least 30 % of its non-ASCII characters are CJK; else an error.
 * An explicit choice is kept (a UTF-8 BOM is still stripped), with the binary check for 8-bit encodings.
 */
export function detectEncoding(path: string, head: Uint8Array, choice: EncodingChoice, isWholeFile: boolean): Detection {
  const bom = detectBom(head);
  if (choice !== 'auto') {
    const bomLength = bom !== null && bom.encoding === choice ? bom.length : 0;
    if (!choice.startsWith('utf-16') && looksBinary(head)) throw binaryFileError(path);
    return { encoding: choice, bomLength };
  }
  if (bom !== null) return { encoding: bom.encoding, bomLength: bom.length };
  if (looksBinary(head)) throw binaryFileError(path);

  const v = new Utf8Validator();
  let bad = v.push(head);
  if (bad === -1 && isWholeFile) bad = v.end();
  if (bad === -1) return { encoding: 'utf-8', bomLength: 0 };

  // a streaming decoder holds back a character cut at the end of the sample instead of emitting U+FFFD for it
  const gb = iconv.getDecoder('gb18030');
  const decoded = gb.write(Buffer.from(head.buffer, head.byteOffset, head.byteLength)) + (isWholeFile ? gb.end() ?? '' : '');
  if (!decoded.includes('\uFFFD') && cjkShare(decoded) >= 0.3) return { encoding: 'gb18030', bomLength: 0 };

  const line = countNewlines(head, bad) + 1;
  throw new LabError(
    'bad_file',
    `${displayName(path)} is not valid UTF-8 at line ${line} (byte ${bad}) and does not read as GB18030 Chinese either: choose its encoding or convert it to UTF-8.`,
    { field: `${path}:${line}` },
  );
}

/** A streaming decoder: bytes in, text out; multi-byte characters split across chunks are held until complete. */
export interface StreamDecoder {
  write(chunk: Uint8Array): string;
  end(): string;
}

export function createDecoder(encoding: ResolvedEncoding): StreamDecoder {
  if (encoding === 'utf-8') {
    // ignoreBOM: the caller already skipped a BOM; a U+FEFF later in the text is content
    const td = new TextDecoder('utf-8', { ignoreBOM: true });
    return {
      write: (chunk) => td.decode(chunk, { stream: true }),
      end: () => td.decode(),
    };
  }
  const name = encoding === 'utf-16le' ? 'utf16-le' : encoding === 'utf-16be' ? 'utf16-be' : 'gb18030';
  const dec = iconv.getDecoder(name, { stripBOM: false });
  return {
    write: (chunk) => dec.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)),
    end: () => dec.end() ?? '',
  };
}

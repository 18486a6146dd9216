// Streaming a file as decoded text: bounded-size chunks, sha256 and progress as bytes pass, encoding checks throughout.
import { createHash, type Hash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { LabError } from '../../../common/errors';
import {
  createDecoder,
  countNewlines,
  detectEncoding,
  DETECT_BYTES,
  invalidUtf8Error,
  Utf8Validator,
} from './encoding';
import { displayName, fsError } from './source';
import type { EncodingChoice, ResolvedEncoding } from './types';

/**
 * Bytes per read. Small on purpose: decoded strings over ~128 KB go to V8's large-object space and linger until a
 * full GC, so 1 MB reads made resident memory grow ~100 MB on a 50 MB file; 32 KB reads grew it ~20 MB, as fast.
 */
export const CHUNK_BYTES = 32 * 1024;

export interface TextFile {
  path: string;
  encoding: ResolvedEncoding;
  /** file size when opened */
  bytes: number;
  /** decoded text in pieces of at most ~CHUNK_BYTES; ends with an error if the file is damaged, shrinks or vanishes */
  chunks(): AsyncGenerator<string, void, void>;
  /** hex sha256 of every byte read so far (complete once chunks() has finished) */
  sha256(): string;
}

export interface OpenTextOptions {
  encoding?: EncodingChoice;
  /** called after each chunk with the bytes read so far from this file */
  onBytes?: (done: number) => void;
  /** also feed the raw bytes to this hash (folders hash all their files together) */
  hash?: Hash;
}

async function readFully(fh: FileHandle, path: string, buf: Buffer): Promise<number> {
  let filled = 0;
  while (filled < buf.length) {
    let n: number;
    try {
      ({ bytesRead: n } = await fh.read(buf, filled, buf.length - filled, null));
    } catch (err) {
      throw fsError(err, path, 'read');
    }
    if (n === 0) break;
    filled += n;
  }
  return filled;
}

/**
 * Opens a text file, detects or checks its encoding on the first DETECT_BYTES, and returns a streaming reader.
 * Throws LabError for missing/unreadable/binary files and undetectable encodings. The handle stays open until
 * chunks() finishes or is abandoned (its finally closes it); call chunks() exactly once.
 */
export async function openTextFile(path: string, opts: OpenTextOptions = {}): Promise<TextFile> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    throw fsError(err, path, 'open');
  }
  let size: number;
  let head: Buffer | null;
  let headLen: number;
  let detected;
  try {
    size = (await fh.stat()).size;
    if (size === 0) throw new LabError('bad_file', `${displayName(path)} is empty: nothing to import.`, { field: path });
    head = Buffer.allocUnsafe(Math.min(size, DETECT_BYTES));
    headLen = await readFully(fh, path, head);
    detected = detectEncoding(path, head.subarray(0, headLen), opts.encoding ?? 'auto', headLen >= size);
  } catch (err) {
    await fh.close().catch(() => undefined);
    throw err;
  }
  const { encoding, bomLength } = detected;
  const ownHash = createHash('sha256');
  let digest: string | null = null;

  async function* chunks(): AsyncGenerator<string, void, void> {
    const decoder = createDecoder(encoding);
    const validator = encoding === 'utf-8' ? new Utf8Validator() : null;
    let newlines = 0;
    let done = 0;

    const take = (raw: Buffer, skip: number): string => {
      ownHash.update(raw);
      opts.hash?.update(raw);
      if (validator !== null) {
        const bad = validator.push(raw);
        if (bad !== -1) throw invalidUtf8Error(path, newlines + countNewlines(raw, bad - done) + 1, bad);
        newlines += countNewlines(raw);
      }
      done += raw.length;
      opts.onBytes?.(done);
      return decoder.write(skip > 0 ? raw.subarray(skip) : raw);
    };

    try {
      // the head is re-used in slices so the first yield is no larger than later ones, then let go
      for (let at = 0; at < headLen; at += CHUNK_BYTES) {
        const piece = (head as Buffer).subarray(at, Math.min(headLen, at + CHUNK_BYTES));
        const text = take(piece, at === 0 ? bomLength : 0);
        if (text.length > 0) yield text;
      }
      head = null;
      while (true) {
        const buf = Buffer.allocUnsafe(CHUNK_BYTES);
        const n = await readFully(fh, path, buf);
        if (n === 0) break;
        const text = take(buf.subarray(0, n), 0);
        if (text.length > 0) yield text;
      }
      if (validator !== null) {
        const bad = validator.end();
        if (bad !== -1) throw invalidUtf8Error(path, newlines + 1, bad);
      }
      if (done < size) {
        throw new LabError(
          'bad_file',
          `${displayName(path)} shrank or vanished while it was being imported (read ${done} of ${size} bytes): wait until it is fully written, then import it again.`,
          { field: path, details: { changed: true } },
        );
      }
      const tail = decoder.end();
      if (tail.length > 0) yield tail;
      digest = ownHash.digest('hex');
    } finally {
      await fh.close().catch(() => undefined);
    }
  }

  return {
    path,
    encoding,
    bytes: size,
    chunks,
    sha256: () => digest ?? ownHash.copy().digest('hex'),
  };
}

/** Hex sha256 of a file's bytes, streamed (for sources whose documents are not needed). */
export async function hashFile(path: string): Promise<string> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    throw fsError(err, path, 'open');
  }
  try {
    const hash = createHash('sha256');
    const buf = Buffer.allocUnsafe(CHUNK_BYTES);
    while (true) {
      const n = await readFully(fh, path, buf);
      if (n === 0) break;
      hash.update(buf.subarray(0, n));
    }
    return hash.digest('hex');
  } finally {
    await fh.close().catch(() => undefined);
  }
}

/**
 * Splits streamed text into lines (without their '\n' / '\r\n'), numbered from 1. Only the current partial line is
 * held between chunks, so memory is bounded by the longest line.
 */
export async function* lines(chunks: AsyncIterable<string>): AsyncGenerator<{ line: string; no: number }, void, void> {
  // pieces of the current line, joined once it ends: a 200 MB single-line file must not be re-copied per chunk
  let carry: string[] = [];
  let no = 0;
  const strip = (s: string) => (s.endsWith('\r') ? s.slice(0, -1) : s);
  for await (const chunk of chunks) {
    const first = chunk.indexOf('\n');
    if (first === -1) {
      carry.push(chunk);
      continue;
    }
    carry.push(chunk.slice(0, first));
    no++;
    yield { line: strip(carry.join('')), no };
    const parts = chunk.slice(first + 1).split('\n');
    carry = [parts.pop() as string];
    for (const p of parts) {
      no++;
      yield { line: strip(p), no };
    }
  }
  const last = carry.join('');
  if (last.length > 0) {
    no++;
    yield { line: strip(last), no };
  }
}

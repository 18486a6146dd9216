// TFRecord framing: each record is uint64 length (LE), masked CRC-32C of those 8 bytes, the payload, masked CRC-32C of it.
import { maskedCrc32c } from './crc32c';

/** Bytes a record adds around its payload: 8 (length) + 4 (length CRC) + 4 (payload CRC). */
export const RECORD_OVERHEAD = 16;

/** One framed record around `payload`. */
export function frameRecord(payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(payload.length + RECORD_OVERHEAD);
  out.writeBigUInt64LE(BigInt(payload.length), 0);
  out.writeUInt32LE(maskedCrc32c(out, 0, 8), 8);
  out.set(payload, 12);
  out.writeUInt32LE(maskedCrc32c(payload), 12 + payload.length);
  return out;
}

/** A record read back: its position in the file (0-based) and byte offset, and its payload (a view, not a copy). */
export interface RecordRead {
  index: number;
  offset: number;
  payload: Buffer;
}

/** Why reading stopped or skipped: the record's number and byte offset, and a sentence. */
export interface RecordProblem {
  index: number;
  offset: number;
  message: string;
}

/**
 * Splits a whole file's bytes into records. A payload with a bad CRC is reported and skipped (its length was sound,
 * so the next record can still be found); a bad length CRC or a truncated tail ends the reading, because nothing
 * after it can be located — everything before it is kept.
 */
export function splitRecords(bytes: Buffer): { records: RecordRead[]; problems: RecordProblem[] } {
  const records: RecordRead[] = [];
  const problems: RecordProblem[] = [];
  let offset = 0;
  let index = 0;
  while (offset < bytes.length) {
    if (bytes.length - offset < 12) {
      problems.push({ index, offset, message: `the file ends ${bytes.length - offset} byte(s) into record ${index + 1}'s header (truncated: the writer was probably still running or was killed)` });
      break;
    }
    const lengthBig = bytes.readBigUInt64LE(offset);
    if (bytes.readUInt32LE(offset + 8) !== maskedCrc32c(bytes, offset, offset + 8)) {
      problems.push({ index, offset, message: `record ${index + 1}'s length field fails its CRC-32C check, so the records after it cannot be located` });
      break;
    }
    const length = Number(lengthBig);
    const end = offset + 12 + length + 4;
    if (end > bytes.length) {
      problems.push({ index, offset, message: `record ${index + 1} says it holds ${length} bytes but the file ends ${bytes.length - offset - 12} byte(s) into it (truncated)` });
      break;
    }
    const payload = bytes.subarray(offset + 12, offset + 12 + length);
    if (bytes.readUInt32LE(offset + 12 + length) !== maskedCrc32c(payload)) {
      problems.push({ index, offset, message: `record ${index + 1}'s data fails its CRC-32C check (corrupted), so it was skipped` });
    } else {
      records.push({ index, offset, payload });
    }
    offset = end;
    index += 1;
  }
  return { records, problems };
}

// Writes one run's scalars as a TensorBoard event file (events.out.tfevents.<secs>.<host>.<pid>.<n>) in a folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encodeFileVersionEvent, encodeScalarEvent } from './proto';
import { frameRecord } from './record';

let fileCounter = 0;

/** The file name TensorFlow's writers use, with a counter so two writers in one process and second never collide. */
export function eventFileName(wallTime: number): string {
  fileCounter += 1;
  const host = os.hostname().replace(/[^A-Za-z0-9._-]/g, '_') || 'localhost';
  return `events.out.tfevents.${Math.floor(wallTime)}.${host}.${process.pid}.${fileCounter}`;
}

/**
 * Appends framed events to one file, buffering about 1 MiB before each write, so exporting millions of points keeps a
 * bounded buffer. The first record is the file-version event TensorBoard expects.
 */
export class EventFileWriter {
  readonly file: string;
  private readonly fd: number;
  private chunks: Buffer[] = [];
  private pending = 0;
  private readonly tagged = new Set<string>();
  points = 0;

  constructor(folder: string, startTime = Date.now() / 1000) {
    fs.mkdirSync(folder, { recursive: true });
    this.file = path.join(folder, eventFileName(startTime));
    this.fd = fs.openSync(this.file, 'wx');
    this.push(frameRecord(encodeFileVersionEvent(startTime)));
  }

  private push(b: Buffer): void {
    this.chunks.push(b);
    this.pending += b.length;
    if (this.pending >= 1 << 20) this.flush();
  }

  /** One scalar point; a null (non-finite) value is written as NaN, which TensorBoard shows as a gap. */
  add(tag: string, step: number, value: number | null, wallTime: number): void {
    const first = !this.tagged.has(tag);
    if (first) this.tagged.add(tag);
    this.push(frameRecord(encodeScalarEvent(tag, step, value ?? Number.NaN, wallTime, first)));
    this.points += 1;
  }

  flush(): void {
    if (this.pending === 0) return;
    const all = Buffer.concat(this.chunks, this.pending);
    let off = 0;
    while (off < all.length) off += fs.writeSync(this.fd, all, off, all.length - off);
    this.chunks = [];
    this.pending = 0;
  }

  close(): void {
    try {
      this.flush();
    } finally {
      fs.closeSync(this.fd);
    }
  }
}

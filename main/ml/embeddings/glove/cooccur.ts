// GloVe's co-occurrence counts in bounded memory: the kernel counts into a hash table of fixed size; whenever it is
// full, its entries are sorted and written to a temporary run file, and at the end the runs are merged (k-way, summing
// equal pairs) into one file of records sorted by (i, j). A corpus whose pairs fit in the table never touches disk
// until the final file is written.
//
// cooccurrence.bin: records of 12 bytes, little-endian: i int32, j int32, x float32 (x = sum of 1/distance weights).
import { closeSync, mkdirSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { EmbeddingKernels } from '../../../../native-kernels/embeddings';
import { sentenceCount, type WordCorpus } from '../corpus';

export const RECORD_BYTES = 12;

export interface CooccurCountOptions {
  V: number;
  window: number;
  symmetric: boolean;
  distanceWeighting: boolean;
  /** memory for the counting table, in bytes (16 bytes a slot, filled to 70%) */
  memoryBytes: number;
  /** where the run files go (a folder that is removed afterwards) */
  tmpDir: string;
  /** called after each counting call with the fraction of sentences counted */
  onProgress?: (fraction: number) => void;
}

export interface CooccurCountResult {
  /** distinct pairs (records in the output file) */
  records: number;
  /** sorted runs spilled to disk before the merge (0 = everything fit in memory) */
  spills: number;
  /** slots of the counting table at the end (it starts at 2^16 and doubles up to the budget) */
  capacity: number;
}

const LOAD = 0.7;
/** The table's first size: 2^16 slots (1 MiB). */
const INITIAL_SLOTS = 1 << 16;

/** Power-of-two slot count whose table (16 bytes a slot) fits in memoryBytes. */
export function tableCapacity(memoryBytes: number): number {
  let cap = 2;
  while (cap * 2 * 16 <= memoryBytes) cap *= 2;
  return cap;
}

/** Counts the corpus into `outPath` (cooccurrence.bin). */
export function countCooccurrences(k: EmbeddingKernels, corpus: WordCorpus, outPath: string, o: CooccurCountOptions): CooccurCountResult {
  // The table starts small and doubles while the budget allows (a small corpus never pays for a large table), then
  // spills when full.
  const limit = tableCapacity(o.memoryBytes);
  let capacity = Math.min(limit, INITIAL_SLOTS);
  let maxEntries = Math.floor(capacity * LOAD);
  let table = new Float64Array(2 * capacity).fill(-1);
  const S = sentenceCount(corpus);
  const runs: string[] = [];
  let pos = 0;
  let entries = 0;
  mkdirSync(o.tmpDir, { recursive: true });
  try {
    for (;;) {
      const r = k.cooccurCount(table, corpus.words, corpus.starts.subarray(pos), {
        V: o.V, window: o.window, symmetric: o.symmetric, distanceWeighting: o.distanceWeighting, entries, maxEntries,
      });
      pos += r.sentences;
      entries = r.entries;
      o.onProgress?.(S === 0 ? 1 : pos / S);
      if (pos >= S) break;
      if (capacity * 2 <= limit) {
        const bigger = new Float64Array(4 * capacity).fill(-1);
        k.cooccurRehash(table, bigger, o.V);
        table = bigger;
        capacity *= 2;
        maxEntries = Math.floor(capacity * LOAD);
        continue;
      }
      const path = join(o.tmpDir, `run-${runs.length}.bin`);
      writeRun(path, table, k.cooccurDrain(table));
      runs.push(path);
      table.fill(-1);
      entries = 0;
    }
    const n = k.cooccurDrain(table);
    if (runs.length === 0) {
      writeRecords(outPath, table, n, o.V);
      return { records: n, spills: 0, capacity };
    }
    const path = join(o.tmpDir, `run-${runs.length}.bin`);
    writeRun(path, table, n);
    runs.push(path);
    const spills = runs.length - 1;
    return { records: mergeRuns(runs, outPath, o.V), spills, capacity };
  } finally {
    rmSync(o.tmpDir, { recursive: true, force: true });
  }
}

/** A sorted run: n pairs of doubles [key, value], as the table holds them after cooccurDrain. */
function writeRun(path: string, table: Float64Array, n: number): void {
  const fd = openSync(path, 'w');
  try {
    writeAll(fd, new Uint8Array(table.buffer, table.byteOffset, n * 16));
  } finally {
    closeSync(fd);
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let at = 0;
  while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
}

/** Buffered writer of 12-byte records. */
class RecordWriter {
  private readonly buf = Buffer.alloc(RECORD_BYTES * 65536);
  private used = 0;
  count = 0;
  constructor(private readonly fd: number) {}
  push(i: number, j: number, x: number): void {
    this.buf.writeInt32LE(i, this.used);
    this.buf.writeInt32LE(j, this.used + 4);
    this.buf.writeFloatLE(x, this.used + 8);
    this.used += RECORD_BYTES;
    this.count++;
    if (this.used === this.buf.length) this.flush();
  }
  flush(): void {
    writeAll(this.fd, this.buf.subarray(0, this.used));
    this.used = 0;
  }
}

function writeRecords(outPath: string, table: Float64Array, n: number, V: number): void {
  const fd = openSync(outPath, 'w');
  try {
    const w = new RecordWriter(fd);
    for (let e = 0; e < n; e++) {
      const key = table[2 * e];
      const i = Math.floor(key / V);
      w.push(i, key - i * V, table[2 * e + 1]);
    }
    w.flush();
  } finally {
    closeSync(fd);
  }
}

/** Reads a run file block by block. */
class RunReader {
  private readonly block = new Float64Array(2 * 65536);
  private have = 0;
  private at = 0;
  private readonly fd: number;
  key = -1;
  value = 0;
  constructor(path: string) {
    this.fd = openSync(path, 'r');
    this.advance();
  }
  /** Moves to the next pair; key = -1 at the end (the file is then closed). */
  advance(): void {
    if (this.at === this.have) {
      const bytes = readSync(this.fd, new Uint8Array(this.block.buffer), 0, this.block.byteLength, null);
      this.have = Math.floor(bytes / 16);
      this.at = 0;
      if (this.have === 0) {
        this.key = -1;
        closeSync(this.fd);
        return;
      }
    }
    this.key = this.block[2 * this.at];
    this.value = this.block[2 * this.at + 1];
    this.at++;
  }
}

/** k-way merge of sorted runs, summing equal keys; returns the records written. */
function mergeRuns(runs: string[], outPath: string, V: number): number {
  const readers = runs.map((p) => new RunReader(p)).filter((r) => r.key >= 0);
  // binary min-heap of readers by current key
  const heap = readers;
  const less = (a: RunReader, b: RunReader): boolean => a.key < b.key;
  const down = (i: number): void => {
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < heap.length && less(heap[l], heap[m])) m = l;
      if (r < heap.length && less(heap[r], heap[m])) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m], heap[i]];
      i = m;
    }
  };
  for (let i = (heap.length >> 1) - 1; i >= 0; i--) down(i);
  const fd = openSync(outPath, 'w');
  try {
    const w = new RecordWriter(fd);
    let key = -1, sum = 0;
    while (heap.length > 0) {
      const top = heap[0];
      if (top.key !== key) {
        if (key >= 0) {
          const i = Math.floor(key / V);
          w.push(i, key - i * V, sum);
        }
        key = top.key;
        sum = 0;
      }
      sum += top.value;
      top.advance();
      if (top.key < 0) {
        heap[0] = heap[heap.length - 1];
        heap.pop();
      }
      down(0);
    }
    if (key >= 0) {
      const i = Math.floor(key / V);
      w.push(i, key - i * V, sum);
    }
    w.flush();
    return w.count;
  } finally {
    closeSync(fd);
  }
}

/** Records [from, from + n) of a cooccurrence.bin file as three arrays. */
export function readRecords(path: string, from: number, n: number): { rows: Int32Array; cols: Int32Array; vals: Float32Array } {
  const bytes = Buffer.alloc(n * RECORD_BYTES);
  const fd = openSync(path, 'r');
  try {
    let got = 0;
    while (got < bytes.length) {
      const r = readSync(fd, bytes, got, bytes.length - got, from * RECORD_BYTES + got);
      if (r === 0) break;
      got += r;
    }
    if (got < bytes.length) throw new Error(`${path} ends after ${Math.floor(got / RECORD_BYTES)} of the ${n} records asked for at ${from}.`);
  } finally {
    closeSync(fd);
  }
  const rows = new Int32Array(n), cols = new Int32Array(n), vals = new Float32Array(n);
  for (let r = 0; r < n; r++) {
    rows[r] = bytes.readInt32LE(r * RECORD_BYTES);
    cols[r] = bytes.readInt32LE(r * RECORD_BYTES + 4);
    vals[r] = bytes.readFloatLE(r * RECORD_BYTES + 8);
  }
  return { rows, cols, vals };
}

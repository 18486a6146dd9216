// GloVe's co-occurrence counts in bounded memory. Pairs of frequent words (most of a text's pairs) are summed in a
// dense lookup: row i (the i-th most frequent word) has min(V, P / (i + 1)) columns, the rank-product bound of the
// reference tool, with P as large as a quarter of the budget allows. Every other pair goes to a hash table that starts
// small and doubles up to the rest of the budget; whenever it is full, its entries are sorted and written to a
// temporary run file. At the end the runs, the last table and the lookup (each sorted by key) are merged, summing
// equal pairs, into one file of records sorted by (i, j).
//
// cooccurrence.bin: records of 12 bytes, little-endian: i int32, j int32, x float32 (x = sum of 1/distance weights).
import { closeSync, mkdirSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { CooccurLookup, EmbeddingKernels } from '../../../../native-kernels/embeddings';
import { sentenceCount, type WordCorpus } from '../corpus';

export const RECORD_BYTES = 12;

export interface CooccurCountOptions {
  V: number;
  window: number;
  symmetric: boolean;
  distanceWeighting: boolean;
  /** memory for the counting table, in bytes (16 bytes a slot, filled to 70%) */
  memoryBytes: number;
  /** bytes of the frequent-pair lookup (default: a quarter of memoryBytes, at most 16 bytes a corpus word; 0 = none) */
  lookupBytes?: number;
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

/** The lookup of the frequent words' pairs: the largest rank-product bound P whose rows fit in `bytes`. */
export function lookupFor(V: number, bytes: number): CooccurLookup | null {
  const cells = (P: number): number => {
    let total = 0;
    for (let i = 0; i < Math.min(V, P); i++) total += Math.min(V, Math.floor(P / (i + 1)));
    return total;
  };
  const most = Math.min(Math.floor(bytes / 8), 2 ** 31 - 1);
  if (most < V) return null;
  let lo = 1, hi = V * V;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (cells(mid) <= most) lo = mid;
    else hi = mid - 1;
  }
  const R = Math.min(V, lo);
  const starts = new Int32Array(R + 1);
  for (let i = 0; i < R; i++) starts[i + 1] = starts[i] + Math.min(V, Math.floor(lo / (i + 1)));
  return { starts, values: new Float64Array(starts[R]) };
}

/** Counts the corpus into `outPath` (cooccurrence.bin). */
export function countCooccurrences(k: EmbeddingKernels, corpus: WordCorpus, outPath: string, o: CooccurCountOptions): CooccurCountResult {
  // at most a quarter of the budget, and no more cells than twice the corpus's words (a small corpus has few pairs,
  // and every cell is allocated and read once at the merge)
  const lookup = lookupFor(o.V, o.lookupBytes ?? Math.min(o.memoryBytes / 4, 16 * corpus.words.length));
  // The table starts small and doubles while the rest of the budget allows (a small corpus never pays for a large
  // table), then spills when full.
  const limit = tableCapacity(o.memoryBytes - (lookup?.values.byteLength ?? 0));
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
      }, lookup);
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
    const sources: Source[] = [...runs.map((p) => new RunReader(p)), new ArraySource(table, n)];
    if (lookup) sources.push(new LookupSource(lookup, o.V));
    return { records: mergeSources(sources, outPath, o.V), spills: runs.length, capacity };
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

/** A sorted stream of [key, value] pairs; key = -1 once it is exhausted. */
interface Source {
  key: number;
  value: number;
  advance(): void;
}

/** The first n pairs of a drained table. */
class ArraySource implements Source {
  key = -1;
  value = 0;
  private at = 0;
  constructor(private readonly pairs: Float64Array, private readonly n: number) {
    this.advance();
  }
  advance(): void {
    if (this.at >= this.n) {
      this.key = -1;
      return;
    }
    this.key = this.pairs[2 * this.at];
    this.value = this.pairs[2 * this.at + 1];
    this.at++;
  }
}

/** The lookup's non-zero cells in key order (rows ascending, columns ascending). */
class LookupSource implements Source {
  key = -1;
  value = 0;
  private row = 0;
  private at = 0;
  constructor(private readonly l: CooccurLookup, private readonly V: number) {
    this.advance();
  }
  advance(): void {
    const { starts, values } = this.l;
    while (this.at < values.length && values[this.at] === 0) this.at++;
    if (this.at >= values.length) {
      this.key = -1;
      return;
    }
    while (starts[this.row + 1] <= this.at) this.row++;
    this.key = this.row * this.V + (this.at - starts[this.row]);
    this.value = values[this.at];
    this.at++;
  }
}

/** Reads a run file block by block. */
class RunReader implements Source {
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

/** k-way merge of sorted sources, summing equal keys, into cooccurrence.bin; returns the records written. */
function mergeSources(sources: Source[], outPath: string, V: number): number {
  // binary min-heap of the sources by current key
  const heap = sources.filter((r) => r.key >= 0);
  const less = (a: Source, b: Source): boolean => a.key < b.key;
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

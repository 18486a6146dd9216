// Token shards: a dataset's splits as flat little-endian uint16/uint32 files plus one index, which the exported
// Python project memory-maps (labdata.py TokenSplit). Documents keep their boundaries (BERT windows stay inside one
// document; GPT joins them with [EOS] as the lab does), through a per-split offsets file.
//
// data/<slug>/index.json: { format, dtype, vocabSize, splits: { train: { tokens, documents, offsets, shards: [
//   { file, tokens, sha256 } ] }, validation: {…} } }
// data/<slug>/<split>-00000.bin …   tokens of the split's documents, back to back, at most shardTokens per file
// data/<slug>/<split>.offsets.bin   documents + 1 little-endian uint64: document d is tokens [off[d], off[d+1])
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { LabError } from '../../common/errors';

export const TOKEN_INDEX_FORMAT = 'attention-lab-tokens/1';
/** 2^27 tokens: 256 MiB per uint16 shard, small enough to copy and checksum one at a time */
export const DEFAULT_SHARD_TOKENS = 1 << 27;

export interface ShardInfo {
  file: string;
  tokens: number;
  sha256: string;
}

export interface SplitIndex {
  tokens: number;
  documents: number;
  offsets: string;
  shards: ShardInfo[];
}

export interface TokenIndex {
  format: typeof TOKEN_INDEX_FORMAT;
  dtype: 'uint16' | 'uint32';
  vocabSize: number;
  splits: Record<string, SplitIndex>;
}

/** Writes every split's documents as shards, offsets and one index.json into dir; returns the index. */
export function writeTokenShards(dir: string, splits: Record<string, Int32Array[]>, vocabSize: number,
  shardTokens = DEFAULT_SHARD_TOKENS): TokenIndex {
  if (!Number.isInteger(shardTokens) || shardTokens < 1) throw new LabError('internal', `shardTokens ${shardTokens} must be a positive whole number.`);
  mkdirSync(dir, { recursive: true });
  const dtype = vocabSize <= 65536 ? 'uint16' : 'uint32';
  const index: TokenIndex = { format: TOKEN_INDEX_FORMAT, dtype, vocabSize, splits: {} };
  for (const [split, docs] of Object.entries(splits)) {
    const offsets = new BigUint64Array(docs.length + 1);
    let total = 0;
    docs.forEach((d, i) => {
      total += d.length;
      offsets[i + 1] = BigInt(total);
    });
    const shards: ShardInfo[] = [];
    const writer = new ShardWriter(dir, split, dtype, shardTokens, vocabSize, shards);
    for (const d of docs) writer.write(d);
    writer.close();
    const offsetsFile = `${split}.offsets.bin`;
    writeFileSync(join(dir, offsetsFile), new Uint8Array(offsets.buffer));
    index.splits[split] = { tokens: total, documents: docs.length, offsets: offsetsFile, shards };
  }
  writeFileSync(join(dir, 'index.json'), `${JSON.stringify(index, null, 2)}\n`);
  return index;
}

/** Streams token ids into numbered shard files of at most shardTokens tokens each. */
class ShardWriter {
  private fd = -1;
  private inShard = 0;
  private hash = createHash('sha256');
  private readonly bytesPer: number;

  constructor(private readonly dir: string, private readonly split: string, private readonly dtype: 'uint16' | 'uint32',
    private readonly shardTokens: number, private readonly vocabSize: number, private readonly shards: ShardInfo[]) {
    this.bytesPer = dtype === 'uint16' ? 2 : 4;
  }

  write(ids: Int32Array): void {
    let at = 0;
    while (at < ids.length) {
      if (this.fd < 0 || this.inShard === this.shardTokens) this.open();
      const n = Math.min(ids.length - at, this.shardTokens - this.inShard);
      const piece = ids.subarray(at, at + n);
      for (let i = 0; i < n; i++) {
        if (piece[i] < 0 || piece[i] >= this.vocabSize) {
          throw new LabError('internal', `Token id ${piece[i]} in the ${this.split} split is outside the vocabulary of ${this.vocabSize}.`);
        }
      }
      const out = this.dtype === 'uint16' ? Uint16Array.from(piece) : Uint32Array.from(piece);
      const bytes = new Uint8Array(out.buffer, 0, n * this.bytesPer);
      writeSync(this.fd, bytes);
      this.hash.update(bytes);
      this.inShard += n;
      this.shards[this.shards.length - 1].tokens = this.inShard;
      at += n;
    }
  }

  private open(): void {
    this.finish();
    const file = `${this.split}-${String(this.shards.length).padStart(5, '0')}.bin`;
    this.fd = openSync(join(this.dir, file), 'w');
    this.inShard = 0;
    this.hash = createHash('sha256');
    this.shards.push({ file, tokens: 0, sha256: '' });
  }

  private finish(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.shards[this.shards.length - 1].sha256 = this.hash.digest('hex');
    this.fd = -1;
  }

  close(): void {
    this.finish();
  }
}

/** Reads a split back into documents (for tests and checks; the Python side memory-maps instead). */
export function readTokenSplit(dir: string, split: string): Int32Array[] {
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as TokenIndex;
  const info = index.splits[split];
  if (info === undefined) return [];
  const all = new Int32Array(info.tokens);
  let at = 0;
  for (const s of info.shards) {
    const b = readFileSync(join(dir, s.file));
    const copy = b.buffer.slice(b.byteOffset, b.byteOffset + b.length); // aligned, whatever the Buffer pool did
    const view = index.dtype === 'uint16' ? new Uint16Array(copy) : new Uint32Array(copy);
    all.set(view, at);
    at += view.length;
  }
  const ob = readFileSync(join(dir, info.offsets));
  const offsets = new BigUint64Array(ob.buffer.slice(ob.byteOffset, ob.byteOffset + ob.length));
  return Array.from({ length: info.documents }, (_, d) => all.slice(Number(offsets[d]), Number(offsets[d + 1])));
}

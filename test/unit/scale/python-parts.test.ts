// The exported project's Python pieces against the lab's TypeScript originals, value for value, in cases the
// end-to-end parity runs do not reach: GPT without [EOS], BERT without [CLS] or [PAD], uint32 shards over many files,
// dropout masks at row offsets inside a batch, seed mixing; and the TensorBoard event files it writes, read back with
// an independent TFRecord reader (CRC-32C computed here).
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsKernels } from '../../../native-kernels/index';
import { bertBatches, gptBatches } from '../../../main/ml/batches';
import { dropoutSeed } from '../../../main/ml/block';
import { presetConfig } from '../../../common/model-config';
import { Rng, mixSeed } from '../../../main/ml/rng';
import { readTokenSplit, writeTokenShards } from '../../../main/scale/token-shards';
import { templateDir } from '../../../main/scale/torch-export';
import { python } from '../../integration/scale/fixtures';

let dir: string;
/** what the Python side printed: one JSON object */
let py: Record<string, unknown>;

/** Documents of ids in [7, V): lengths from 0 to 40, so some are shorter than a BERT window and one is empty. */
function documents(V: number): Int32Array[] {
  const rng = new Rng(99);
  return Array.from({ length: 25 }, (_, d) => Int32Array.from({ length: d === 3 ? 0 : 5 + rng.int(36) }, () => 7 + rng.int(V - 7)));
}

const V = 70_000; // above 65536: uint32 shards
const docs = documents(V);
const longDocs = docs.filter((d) => d.length >= 20);
const T = 16;
const B = 5;

const SCRIPT = String.raw`
import json, sys
import numpy as np, torch
from labdata import Rng, TokenSplit, GptBatches, BertBatches, mix_seed
from model import keep_mask, dropout_site_seed
from labio import EventWriter
d = sys.argv[1]
def draw(src, seed, n=3):
    rng = Rng(seed)
    out = []
    for _ in range(n):
        b = src.next(rng, ${B})
        out.append({'tokens': b.tokens.reshape(-1).tolist(), 'targets': b.targets.reshape(-1).tolist(),
                    'keyMask': None if b.key_mask is None else b.key_mask.reshape(-1).tolist()})
    return out
res = {}
res['gptNoEos'] = draw(GptBatches(TokenSplit(d + '/all', 'train'), ${T}, {}, 'train'), 5)
res['gptEos'] = draw(GptBatches(TokenSplit(d + '/all', 'train'), ${T}, {'eos': 6}, 'train'), 6)
res['bertNoCls'] = draw(BertBatches(TokenSplit(d + '/all', 'train'), ${T}, ${V}, {'mask': 4, 'pad': 0}, 0.15, 'train'), 7)
res['bertNoPad'] = draw(BertBatches(TokenSplit(d + '/long', 'train'), ${T}, ${V}, {'mask': 4, 'cls': 2, 'others': [3, 5]}, 0.3, 'train'), 8)
res['mix'] = [mix_seed(1337, s) for s in (0, 1, 19, 123456)]
res['site'] = [dropout_site_seed(mix_seed(1337, 3), l, s) for l in (0, 1, 2) for s in (0, 1, 2)]
seed = dropout_site_seed(mix_seed(42, 7), 1, 2)
res['keep'] = [keep_mask(seed, off, (2, 3, 8), 0.1, 'cpu').reshape(-1).int().tolist() for off in (0, 2 * 3 * 8)]
w = EventWriter(d + '/tb')
w.scalars(1, {'train/loss': 3.25, 'train/lr': 0.001})
w.scalars(2, {'train/loss': float('nan'), 'val/loss': 2.5})
w.close()
print(json.dumps(res))
`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lab-pyparts-'));
  writeTokenShards(join(dir, 'all'), { train: docs }, V, 97);
  writeTokenShards(join(dir, 'long'), { train: longDocs }, V, 1000);
  writeFileSync(join(dir, 'check.py'), SCRIPT);
  const r = await python(templateDir(), [join(dir, 'check.py'), dir], { PYTHONPATH: templateDir(), PYTHONDONTWRITEBYTECODE: '1' });
  expect(r.code, r.stderr).toBe(0);
  py = JSON.parse(r.stdout) as Record<string, unknown>;
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function drawTs(source: ReturnType<typeof gptBatches>, seed: number): unknown[] {
  const rng = new Rng(seed);
  return Array.from({ length: 3 }, () => {
    const b = source.next(rng, B);
    return { tokens: Array.from(b.tokens), targets: Array.from(b.targets as Int32Array), keyMask: b.keyMask ? Array.from(b.keyMask) : null };
  });
}

describe('token shards', () => {
  it('hold every document back (uint32 ids over many shard files)', () => {
    const index = JSON.parse(readFileSync(join(dir, 'all', 'index.json'), 'utf8')) as { dtype: string; splits: { train: { shards: unknown[] } } };
    expect(index.dtype).toBe('uint32');
    expect(index.splits.train.shards.length).toBeGreaterThan(3);
    expect(readTokenSplit(join(dir, 'all'), 'train').map((d) => Array.from(d))).toEqual(docs.map((d) => Array.from(d)));
  });
});

describe('labdata.py draws the lab\'s batches', () => {
  const bert = presetConfig('tiny', 'bert', V);
  it('GPT windows, with and without [EOS] between documents', () => {
    expect(py.gptNoEos).toEqual(drawTs(gptBatches(docs, T, {}, 'train'), 5));
    expect(py.gptEos).toEqual(drawTs(gptBatches(docs, T, { eos: 6 }, 'train'), 6));
  });

  it('BERT windows without [CLS] (short documents padded) and without [PAD] (long documents only)', () => {
    expect(py.bertNoCls).toEqual(drawTs(bertBatches(docs, T, bert, { mask: 4, pad: 0 }, 0.15, 'train'), 7));
    expect(py.bertNoPad).toEqual(drawTs(bertBatches(longDocs, T, bert, { mask: 4, cls: 2, others: [3, 5] }, 0.3, 'train'), 8));
  });
});

describe('model.py dropout', () => {
  it('mixes seeds as the lab does', () => {
    expect(py.mix).toEqual([0, 1, 19, 123456].map((s) => mixSeed(1337, s)));
    const sites: number[] = [];
    for (const l of [0, 1, 2]) for (const s of [0, 1, 2]) sites.push(dropoutSeed(mixSeed(1337, 3), l, s));
    expect(py.site).toEqual(sites);
  });

  it('keeps the elements the lab\'s dropout kernel keeps, at any row offset of the batch', () => {
    const seed = dropoutSeed(mixSeed(42, 7), 1, 2);
    const N = 4 * 3 * 8;
    const mask = new Uint8Array(N);
    jsKernels.dropoutForward(new Float32Array(N), mask, new Float32Array(N).fill(1), 0.1, seed, N);
    const [first, second] = py.keep as number[][];
    expect(first).toEqual(Array.from(mask.subarray(0, N / 2)));
    expect(second).toEqual(Array.from(mask.subarray(N / 2)));
    expect(first.includes(0) || second.includes(0)).toBe(true);
  });
});

/** CRC-32C, bit by bit (an independent reference for the table-driven Python one). */
function crc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

const masked = (c: number): number => ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0;

/** Records of a TFRecord file, each CRC checked. */
function records(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  while (at < buf.length) {
    const len = Number(buf.readBigUInt64LE(at));
    expect(buf.readUInt32LE(at + 8)).toBe(masked(crc32c(buf.subarray(at, at + 8))));
    const data = buf.subarray(at + 12, at + 12 + len);
    expect(buf.readUInt32LE(at + 12 + len)).toBe(masked(crc32c(data)));
    out.push(data);
    at += 16 + len;
  }
  return out;
}

/** The scalar values of an Event message: step and tag -> value (field numbers from tensorflow's event.proto). */
function scalars(msg: Buffer): { step: number; values: Record<string, number> } {
  let step = 0;
  const values: Record<string, number> = {};
  const varint = (b: Buffer, at: number): [number, number] => {
    let v = 0;
    let shift = 0;
    for (;;) {
      const byte = b[at++];
      v += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if ((byte & 0x80) === 0) return [v, at];
    }
  };
  const fields = (b: Buffer, visit: (field: number, wire: number, value: Buffer | number) => void): void => {
    let at = 0;
    while (at < b.length) {
      const [key, next] = varint(b, at);
      at = next;
      const wire = key & 7;
      if (wire === 0) { const [v, n] = varint(b, at); at = n; visit(key >> 3, wire, v); }
      else if (wire === 1) { visit(key >> 3, wire, b.subarray(at, at + 8)); at += 8; }
      else if (wire === 5) { visit(key >> 3, wire, b.subarray(at, at + 4)); at += 4; }
      else { const [len, n] = varint(b, at); visit(key >> 3, wire, b.subarray(n, n + len)); at = n + len; }
    }
  };
  fields(msg, (f, _w, v) => {
    if (f === 2) step = v as number;
    if (f === 5) {
      fields(v as Buffer, (_vf, _vw, value) => {
        let tag = '';
        let x = Number.NaN;
        fields(value as Buffer, (g, _gw, gv) => {
          if (g === 1) tag = (gv as Buffer).toString('utf8');
          if (g === 2) x = (gv as Buffer).readFloatLE(0);
        });
        values[tag] = x;
      });
    }
  });
  return { step, values };
}

describe('labio.py TensorBoard event files', () => {
  it('frame each Event in a TFRecord with masked CRC-32C and hold the scalars (non-finite ones left out)', () => {
    const files = readdirSync(join(dir, 'tb'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^events\.out\.tfevents\.\d+\./);
    const recs = records(readFileSync(join(dir, 'tb', files[0])));
    expect(recs).toHaveLength(3);
    expect(recs[0].includes(Buffer.from('brain.Event:2'))).toBe(true);
    expect(scalars(recs[1])).toEqual({ step: 1, values: { 'train/loss': 3.25, 'train/lr': Math.fround(0.001) } });
    expect(scalars(recs[2])).toEqual({ step: 2, values: { 'val/loss': 2.5 } });
  });
});

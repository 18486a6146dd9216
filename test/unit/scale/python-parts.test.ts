// The exported project's Python pieces against the lab's TypeScript originals, value for value, in cases the
// end-to-end parity runs do not reach: GPT without [EOS], BERT without [CLS] or [PAD], uint32 shards over many files,
// dropout masks at row offsets inside a batch, seed mixing; and the TensorBoard event files it writes, read back by
// the lab's own tfevents reader (main/reports/tfevents, written independently of labio.py).
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
import { readEventFile } from '../../../main/reports/tfevents/reader';
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

describe('labio.py TensorBoard event files', () => {
  it('read back by the lab\'s own tfevents reader (framing and CRC-32C checked), non-finite values left out', () => {
    const files = readdirSync(join(dir, 'tb'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^events\.out\.tfevents\.\d+\./);
    const read = readEventFile(join(dir, 'tb', files[0]));
    expect(read.problems).toEqual([]);
    expect(read.records).toBe(3);
    expect(read.scalars.map((x) => [x.key, x.steps, x.values])).toEqual([
      ['train/loss', [1], [3.25]], ['train/lr', [1], [Math.fround(0.001)]], ['val/loss', [2], [2.5]],
    ]);
  });
});

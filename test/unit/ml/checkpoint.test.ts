// Checkpoints: safetensors round trip, resume gives the uninterrupted curve, and bad files become LabError sentences.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jsKernels } from '../../../native-kernels/index';
import { loadCheckpoint, loadModel, readSafetensors, saveCheckpoint, writeSafetensors } from '../../../main/ml/checkpoint';
import { GptModel } from '../../../main/ml/gpt';
import { BertModel } from '../../../main/ml/bert';
import { Trainer, type TrainOptions } from '../../../main/ml/train';
import type { TransformerModel } from '../../../main/ml/model';
import { LabError } from '../../../common/errors';
import { patternDocs, tinyConfig, topicDocs } from './helpers';

const k = jsKernels;
const dir = mkdtempSync(join(tmpdir(), 'attention-lab-ckpt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function labError(fn: () => unknown): LabError {
  try {
    fn();
  } catch (e) {
    if (e instanceof LabError) return e;
    throw e;
  }
  throw new Error('no error was thrown');
}

describe('safetensors', () => {
  it('round-trips tensors and metadata with the documented header layout', () => {
    const path = join(dir, 'rt.safetensors');
    const a = Float32Array.from([1.5, -2, 3.25, 0, 1e-20, -7]);
    writeSafetensors(path, [{ name: 'a', shape: [2, 3], data: a }, { name: 'b', shape: [1], data: Float32Array.from([9]) }], { note: 'hi' });
    const bytes = readFileSync(path);
    const n = Number(bytes.readBigUInt64LE(0));
    expect(n % 8).toBe(0);
    const header = JSON.parse(bytes.subarray(8, 8 + n).toString()) as Record<string, { data_offsets: number[] }>;
    expect(header.a).toEqual({ dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] });
    expect(header.b.data_offsets).toEqual([24, 28]);
    expect(bytes.length).toBe(8 + n + 28);
    const back = readSafetensors(path);
    expect(Array.from(back.tensors.get('a')?.data ?? [])).toEqual(Array.from(a));
    expect(back.metadata).toEqual({ note: 'hi' });
  });

  it('refuses truncated, foreign-dtype, non-JSON and too-short files with a sentence', () => {
    const good = join(dir, 'good.safetensors');
    writeSafetensors(good, [{ name: 'w', shape: [4], data: Float32Array.from([1, 2, 3, 4]) }]);
    const bytes = readFileSync(good);
    const truncated = join(dir, 'truncated.safetensors');
    writeFileSync(truncated, bytes.subarray(0, bytes.length - 3));
    expect(labError(() => readSafetensors(truncated)).message).toMatch(/Tensor "w" in truncated.safetensors ends at byte 16 but the file holds only 13 data bytes; the file is truncated/);

    const header = JSON.stringify({ w: { dtype: 'F16', shape: [4], data_offsets: [0, 8] } });
    const f16 = Buffer.alloc(8 + header.length + 8);
    f16.writeBigUInt64LE(BigInt(header.length), 0);
    f16.write(header, 8);
    const foreign = join(dir, 'foreign.safetensors');
    writeFileSync(foreign, f16);
    const e = labError(() => readSafetensors(foreign));
    expect(e.code).toBe('bad_file');
    expect(e.message).toMatch(/Tensor "w" in foreign.safetensors has dtype "F16"; Attention Lab reads only F32 tensors/);

    const junk = join(dir, 'junk.safetensors');
    writeFileSync(junk, Buffer.concat([Buffer.from([5, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('{oops')]));
    expect(labError(() => readSafetensors(junk)).message).toMatch(/The header of junk.safetensors is not valid JSON/);
    writeFileSync(junk, Buffer.from('hello'));
    expect(labError(() => readSafetensors(junk)).message).toMatch(/5 bytes long, too short/);
    writeFileSync(junk, Buffer.from('PK\u0003\u0004 not a safetensors file at all'));
    expect(labError(() => readSafetensors(junk)).message).toMatch(/declares a \d+-byte header but only \d+ bytes follow/);
  });

  it('refuses tensors whose data offsets overlap (two names reading the same bytes)', () => {
    const header = JSON.stringify({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } });
    const bytes = Buffer.alloc(8 + header.length + 12);
    bytes.writeBigUInt64LE(BigInt(header.length), 0);
    bytes.write(header, 8);
    const path = join(dir, 'overlap.safetensors');
    writeFileSync(path, bytes);
    const e = labError(() => readSafetensors(path));
    expect(e.code).toBe('bad_file');
    expect(e.message).toMatch(/Tensor "b" in overlap.safetensors starts at byte 4, inside tensor "a" \(bytes 0 to 8\); the tensors overlap, so the file is damaged or was not written by a safetensors writer/);
  });
});

describe('model checkpoints', () => {
  it('reloads a BERT exactly and refuses a vocabulary mismatch or a missing tensor', () => {
    const bert = new BertModel(k, tinyConfig('bert', { typeVocabSize: 2, norm: 'post', positions: 'sinusoidal' }));
    const ck = join(dir, 'bert');
    saveCheckpoint(ck, bert, null, '{"model":{"type":"WordPiece"}}');
    expect(JSON.parse(readFileSync(join(ck, 'tokenizer.json'), 'utf8'))).toEqual({ model: { type: 'WordPiece' } });
    expect(JSON.parse(readFileSync(join(ck, 'config.json'), 'utf8'))).toEqual(bert.config);
    const { model, step } = loadModel(k, join(ck, 'model.safetensors'));
    expect(step).toBe(0);
    expect(model.config).toEqual(bert.config);
    expect(model.params.data).toEqual(bert.params.data);
    const mismatch = labError(() => loadModel(k, join(ck, 'model.safetensors'), { expectVocabSize: 30 }));
    expect(mismatch.message).toMatch(/has a vocabulary of 12 tokens but the tokenizer has 30/);

    const file = readSafetensors(join(ck, 'model.safetensors'));
    const partial = [...file.tensors.values()].filter((t) => t.name !== 'h.1.mlp.c_fc.bias');
    writeSafetensors(join(ck, 'model.safetensors'), partial, file.metadata);
    expect(labError(() => loadModel(k, join(ck, 'model.safetensors'))).message)
      .toMatch(/has no tensor "h.1.mlp.c_fc.bias", which this BERT model needs/);
  });

  it('refuses a checkpoint whose weights or optimizer moments hold NaN or Infinity, naming the tensor', () => {
    const gpt = new GptModel(k, tinyConfig('gpt'));
    const ck = join(dir, 'nan');
    const wte = gpt.params.view('wte');
    wte[5] = Number.NaN;
    wte[9] = Number.POSITIVE_INFINITY;
    saveCheckpoint(ck, gpt);
    const e = labError(() => loadModel(k, join(ck, 'model.safetensors')));
    expect(e.code).toBe('bad_file');
    expect(e.message).toMatch(/Tensor "wte" in model.safetensors holds 2 values that are not finite numbers \(NaN or Infinity; the first at index 5\)/);
    expect(e.message).toMatch(/use an earlier checkpoint/);

    wte[5] = 0;
    wte[9] = 0;
    const opt = { step: 3, rng: [1, 2, 3, 4], optimizer: { m: new Float32Array(gpt.params.data.length), v: new Float32Array(gpt.params.data.length).fill(Number.NaN), t: 3 } };
    saveCheckpoint(ck, gpt, opt);
    expect(labError(() => loadCheckpoint(k, ck)).message).toMatch(/Tensor "v" in optimizer.safetensors holds \d+ values that are not finite numbers/);
  });

  it.each(['gpt', 'bert'] as const)('%s: 10 steps + save + load + 10 steps gives the same losses as 20 steps', async (family) => {
    const data = family === 'gpt' ? { train: patternDocs(4, 100), val: [] } : { train: topicDocs(8, 40), val: [] };
    const options: TrainOptions = {
      steps: 20, batchSize: 4, lr: 5e-3, warmupSteps: 4, specials: { mask: 10, cls: 11, pad: 0 },
    };
    const make = (): TransformerModel => (family === 'gpt'
      ? new GptModel(k, tinyConfig('gpt', { dropout: 0.1 }))
      : new BertModel(k, tinyConfig('bert', { dropout: 0.1 })));
    const straight: number[] = [];
    await new Trainer(make(), data, { ...options, onStep: (m) => straight.push(m.loss) }).run();

    const resumed: number[] = [];
    const first = new Trainer(make(), data, { ...options, onStep: (m) => resumed.push(m.loss), shouldStop: () => resumed.length >= 10 });
    expect((await first.run()).status).toBe('stopped');
    const ck = join(dir, `resume-${family}`);
    saveCheckpoint(ck, first.model, first.state());

    const loaded = loadCheckpoint(k, ck, { expectVocabSize: 12 });
    expect(loaded.state?.step).toBe(10);
    const second = new Trainer(loaded.model, data, { ...options, onStep: (m) => resumed.push(m.loss) });
    second.load(loaded.state as NonNullable<typeof loaded.state>);
    expect((await second.run()).status).toBe('finished');
    expect(resumed).toEqual(straight);
  });
});

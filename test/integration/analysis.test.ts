// The analysis.* channels through createLab().call on tiny GPT and BERT runs trained here: attention, one head step by
// step (checked against the kernels' own softmax), hiding specials, bad input, ONNX export, inspect and run.
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttentionViewT, ChannelInput, ChannelName, ChannelOutput } from '../../common/api';
import { createLab, type Lab } from '../../main/lab/index';
import { trainRun } from '../../main/lab/runs/training';
import { storyText } from '../unit/compare/story';

let home: string;
let lab: Lab;
let gptId: number;
let bertId: number;
const TEXT = 'the cat sees a dog';

function call<K extends ChannelName>(channel: K, input: ChannelInput<K>): Promise<ChannelOutput<K>> {
  return lab.call(channel, input) as Promise<ChannelOutput<K>>;
}

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    return e as { code: string; message: string };
  }
  throw new Error('expected the call to fail');
}

/** Weight (layer l, head h, row i, column j) of a view. */
function weight(v: AttentionViewT, l: number, h: number, i: number, j: number): number {
  return v.attention[((l * v.NH + h) * v.T + i) * v.T + j];
}

function expectRowsSumToOne(v: AttentionViewT): void {
  for (let m = 0; m < v.L * v.NH; m++) {
    for (let i = 0; i < v.T; i++) {
      let s = 0;
      for (let j = 0; j < v.T; j++) s += v.attention[(m * v.T + i) * v.T + j];
      expect(s).toBeCloseTo(1, 4);
    }
  }
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'lab-analysis-'));
  writeFileSync(join(home, 'story.txt'), storyText(80));
  lab = createLab({ home, mode: 'cli', jobs: { concurrency: 1 } });
  await lab.call('datasets.import', { path: join(home, 'story.txt'), name: 'story', mode: 'paragraphs' });
  const spec = { dataset: 'story', preset: 'tiny' as const, steps: 6, checkpointEvery: 3, batchSize: 4, evalEvery: 6, seed: 3 };
  gptId = (await trainRun(lab.training, { ...spec, family: 'gpt', name: 'gpt-tiny' })).runId;
  bertId = (await trainRun(lab.training, { ...spec, family: 'bert', name: 'bert-tiny' })).runId;
}, 180_000);

afterAll(() => {
  lab?.close();
  rmSync(home, { recursive: true, force: true });
});

describe('analysis channels on trained runs', () => {
  it('lists a run’s checkpoints oldest first', async () => {
    const c = await call('analysis.checkpoints', { runId: gptId });
    expect(c.family).toBe('gpt');
    expect(c.checkpoints.map((x) => x.step)).toEqual([3, 6]);
  });

  it('GPT attention: (L,NH,T,T) rows sum to 1, upper triangle 0, predictions and learned positions per token', async () => {
    const v = await call('analysis.attention', { runId: gptId, text: TEXT });
    expect(v.source).toMatchObject({ kind: 'run', runId: gptId, label: 'gpt-tiny', step: 6 });
    expect([v.L, v.NH, v.T]).toEqual([2, 2, TEXT.length]);
    expect(v.tokens.map((t) => t.token).join('')).toBe(TEXT);
    expect(v.attention).toHaveLength(v.L * v.NH * v.T * v.T);
    expect(v.causal).toBe(true);
    expectRowsSumToOne(v);
    for (let i = 0; i < v.T; i++) for (let j = i + 1; j < v.T; j++) expect(weight(v, 1, 1, i, j)).toBe(0);
    expect(v.predictions).toHaveLength(v.T);
    expect(v.predictions[0]).toHaveLength(5);
    expect(v.positional).toMatchObject({ kind: 'learned', T: v.T, C: 64 });
    expect(v.positional?.values).toHaveLength(v.T * 64);
  });

  it('packed: the same attention as base64 float32, the number array left empty', async () => {
    const plain = await call('analysis.attention', { runId: gptId, text: TEXT });
    const packed = await call('analysis.attention', { runId: gptId, text: TEXT, packed: true });
    expect(packed.attention).toEqual([]);
    const buf = Buffer.from(packed.attentionPacked as string, 'base64');
    const floats = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
    expect(floats).toHaveLength(plain.attention.length);
    floats.forEach((w, i) => expect(w).toBeCloseTo(plain.attention[i], 5));
  });

  it('an earlier checkpoint gives a different pattern (the training slider)', async () => {
    const early = await call('analysis.attention', { runId: gptId, step: 3, text: TEXT });
    const late = await call('analysis.attention', { runId: gptId, step: 6, text: TEXT });
    expect(early.source.step).toBe(3);
    expect(early.attention).not.toEqual(late.attention);
  });

  it('BERT pair: [CLS] a [SEP] b [SEP]; hiding specials drops them and renormalises every row', async () => {
    const full = await call('analysis.attention', { runId: bertId, text: 'the cat', pair: 'a dog' });
    expect(full.tokens.map((t) => t.token).filter((t) => t.startsWith('['))).toEqual(['[CLS]', '[SEP]', '[SEP]']);
    expect(full.tokens.at(-1)?.segment).toBe(1);
    expect(full.causal).toBe(false);
    expectRowsSumToOne(full);
    const hidden = await call('analysis.attention', { runId: bertId, text: 'the cat', pair: 'a dog', hideSpecial: true });
    expect(hidden.specialsHidden).toBe(true);
    expect(hidden.T).toBe(full.T - 3);
    expect(hidden.tokens.some((t) => t.special)).toBe(false);
    expect(hidden.notes.join(' ')).toMatch(/renormalised/);
    expectRowsSumToOne(hidden);
    // token "c" (full row 2) attending to "a" (full column 5), as a share of what row 2 gave the text tokens
    const keep = full.tokens.map((t, i) => (t.special ? -1 : i)).filter((i) => i >= 0);
    const rowText = keep.reduce((s, j) => s + weight(full, 0, 1, 2, j), 0);
    expect(weight(hidden, 0, 1, keep.indexOf(2), keep.indexOf(5))).toBeCloseTo(weight(full, 0, 1, 2, 5) / rowText, 4);
    expect(hidden.predictions).toHaveLength(hidden.T);
  });

  it('one head step by step reproduces the kernels’ attention row', async () => {
    const s = await call('analysis.headSteps', { runId: gptId, text: TEXT, layer: 1, head: 0, query: 4 });
    expect(s.dHead).toBe(32);
    expect(s.keys).toHaveLength(TEXT.length);
    expect(s.masked.slice(0, 5).every((x) => x !== null)).toBe(true);
    expect(s.masked.slice(5).every((x) => x === null)).toBe(true);
    s.scores.forEach((x, j) => expect(s.scaled[j]).toBeCloseTo(x / Math.sqrt(32), 4));
    expect(s.weights.slice(5).every((w) => w === 0)).toBe(true);
    expect(s.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(s.checkDifference).toBeLessThan(1e-5);
    const out0 = s.weights.reduce((acc, w, j) => acc + w * s.values[j][0], 0);
    expect(s.output[0]).toBeCloseTo(out0, 4);
    const e = await failure(call('analysis.headSteps', { runId: gptId, text: TEXT, layer: 2, head: 0, query: 0 }));
    expect(e.message).toMatch(/Layer 2 does not exist/);
  });

  it('bad input: too long (truncate or refuse), empty, characters outside the tokenizer, missing step', async () => {
    const long = 'the cat sees a bird. '.repeat(10);
    const cut = await call('analysis.attention', { runId: gptId, text: long });
    expect(cut.truncated).toBe(true);
    expect(cut.T).toBe(64);
    expect(cut.notes[0]).toMatch(/only the first 64 fit the model's context and are shown \(text tokens 1–64\)/);
    expect(cut.windowStart).toBe(0);
    // a later window: the note names the text tokens shown, the tokens start there, and the window start is part of
    // the retained key (the same text at another start is another view)
    const later = await call('analysis.attention', { runId: gptId, text: long, start: 30, retain: true });
    expect([later.windowStart, later.T, later.tokens[0].start]).toEqual([30, 64, cut.tokens[30].start]);
    expect(later.notes[0]).toBe(`The input is ${cut.fullLength} tokens long; the model's context holds 64, so text tokens 31–94 are shown.`);
    const first = await call('analysis.attention', { runId: gptId, text: long, retain: true });
    expect(first.key).not.toBe(later.key);
    expect((await call('analysis.attention', { runId: gptId, text: long, start: 10_000 })).windowStart).toBe(cut.fullLength - 64);
    expect((await failure(call('analysis.attention', { runId: gptId, text: long, start: -1 }))).message).toMatch(/window start must be 0 or more/);
    expect((await failure(call('analysis.attention', { runId: gptId, text: long, window: 'error' }))).message).toMatch(/more than the model's context of 64/);
    expect((await failure(call('analysis.attention', { runId: gptId, text: '   ' }))).code).toBe('invalid_input');
    const unk = await call('analysis.attention', { runId: gptId, text: 'the 猫' });
    expect(unk.tokens.at(-1)).toMatchObject({ token: '[UNK]', unknown: true });
    expect(unk.notes.join(' ')).toMatch(/\[UNK\].*"猫"/);
    expect((await failure(call('analysis.attention', { runId: gptId, step: 5, text: TEXT }))).message).toMatch(/steps 3, 6/);
  });

  it('ONNX: export a run, inspect it, run it with the same attention; refuse files that are not ONNX', async () => {
    const out = await call('analysis.exportOnnx', { runId: bertId });
    expect(out.path).toBe(join(home, 'exports', `run-${bertId}-step-6.onnx`));
    const detail = await call('runs.get', { id: bertId, samples: 0 });
    expect(detail.artifacts.some((a) => a.kind === 'onnx' && a.step === 6)).toBe(true);
    const info = await call('analysis.onnxInspect', { path: out.path });
    expect(info.family).toBe('bert');
    expect(info.attentionOutputs).toHaveLength(2);
    expect(info.hasTokenizer).toBe(true);
    expect(info.metadata.tokenizer).toMatch(/characters/);
    const viaOnnx = await call('analysis.onnxRun', { path: out.path, text: TEXT });
    const native = await call('analysis.attention', { runId: bertId, text: TEXT });
    expect(viaOnnx.tokens.map((t) => t.token)).toEqual(native.tokens.map((t) => t.token));
    expect(viaOnnx.source.kind).toBe('onnx');
    expect(viaOnnx.attention).toHaveLength(native.attention.length);
    expect(Math.max(...viaOnnx.attention.map((w, i) => Math.abs(w - native.attention[i])))).toBeLessThan(1e-4);

    const junk = join(home, 'junk.onnx');
    writeFileSync(junk, 'this is not a model');
    expect((await failure(call('analysis.onnxInspect', { path: junk }))).code).toBe('bad_file');
    expect((await failure(call('analysis.onnxRun', { path: junk, text: TEXT }))).code).toBe('bad_file');
    expect((await failure(call('analysis.onnxInspect', { path: join(home, 'nowhere.onnx') }))).code).toBe('not_found');
  });

  it('a checkpoint whose files were deleted is named, with what to do', async () => {
    const dir = join(home, 'runs', String(gptId), 'step-3');
    renameSync(join(dir, 'model.safetensors'), join(dir, 'moved.safetensors'));
    const e = await failure(call('analysis.attention', { runId: gptId, step: 3, text: TEXT }));
    expect(e.code).toBe('not_found');
    expect(e.message).toMatch(/step-3 checkpoint of run "gpt-tiny" is missing its files.*Choose another step/);
  });
});

// The explorer's 512-token path through createLab().call: a 12-layer × 12-head GPT with a 512 context analysed once
// with `retain`, then only what the page draws fetched (one head, mean, rollout, the head view's rows, pooled
// thumbnails) — each checked against the full (L,NH,T,T) attention of the same call without retain; and the CLI's
// `attention --json` on the same run: all 144 maps refused with a way out, one layer printed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelInput, ChannelName, ChannelOutput } from '../../common/api';
import { runCli } from '../../main/cli/index';
import { createLab, type Lab } from '../../main/lab/index';
import { trainRun } from '../../main/lab/runs/training';
import { attentionRollout } from '../../main/ml/attention-math';
import { addWideGptRun } from '../e2e/attention-long-fixture';

let home: string;
let lab: Lab;
let wideId: number;
let full: Float32Array;
const TEXT = 'the cat sees a dog, '.repeat(26);
const [L, NH, T] = [12, 12, 512];

function call<K extends ChannelName>(channel: K, input: ChannelInput<K>): Promise<ChannelOutput<K>> {
  return lab.call(channel, input) as Promise<ChannelOutput<K>>;
}

function floats(base64: string): Float32Array {
  const b = Buffer.from(base64, 'base64');
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'lab-analysis-long-'));
  writeFileSync(join(home, 'story.txt'), 'the cat sees a dog, a dog sees the cat.\n\n'.repeat(40));
  lab = createLab({ home, mode: 'cli', jobs: { concurrency: 1 } });
  await lab.call('datasets.import', { path: join(home, 'story.txt'), name: 'story', mode: 'paragraphs' });
  const tiny = (await trainRun(lab.training, { dataset: 'story', family: 'gpt', preset: 'tiny', steps: 1, batchSize: 1, name: 'tiny' })).runId;
  wideId = addWideGptRun(lab.training, tiny, 'wide-512');
  const packed = await call('analysis.attention', { runId: wideId, text: TEXT, packed: true });
  full = floats(packed.attentionPacked as string);
}, 180_000);

afterAll(() => {
  lab?.close();
  rmSync(home, { recursive: true, force: true });
});

describe('retained attention at 512 tokens × 12 layers × 12 heads', () => {
  it('retain sends the view without its 151 MB of attention, under a key; the same text again is not recomputed', async () => {
    expect(full).toHaveLength(L * NH * T * T);
    const started = performance.now();
    const v = await call('analysis.attention', { runId: wideId, text: TEXT, retain: true });
    const first = performance.now() - started;
    expect([v.L, v.NH, v.T, v.truncated]).toEqual([L, NH, T, true]);
    expect(v.attention).toEqual([]);
    expect(v.attentionPacked).toBeUndefined();
    expect(v.key).toMatch(/^[0-9a-f]{24}$/);
    // tokens, predictions and the position table: a few hundred KB rather than the 201 MB of base64 attention
    expect(JSON.stringify(v).length).toBeLessThan(2_000_000);
    const again = performance.now();
    expect((await call('analysis.attention', { runId: wideId, text: TEXT, retain: true })).key).toBe(v.key);
    expect(performance.now() - again).toBeLessThan(first);
    expect((await call('analysis.attention', { runId: wideId, text: TEXT, retain: true, hideSpecial: true })).key).not.toBe(v.key);
  });

  it('one head, the mean over heads and the head view’s rows are exact cuts of the full tensor', async () => {
    const { key } = await call('analysis.attention', { runId: wideId, text: TEXT, retain: true });
    const head = await call('analysis.matrix', { key: key as string, kind: 'head', layer: 7, head: 5 });
    expect([head.rows, head.cols]).toEqual([T, T]);
    expect(head.packed.length).toBeLessThan(1.5e6);
    const m = floats(head.packed);
    const start = (7 * NH + 5) * T * T;
    expect(Array.from(m.subarray(0, 2 * T))).toEqual(Array.from(full.subarray(start, start + 2 * T)));
    expect(m[T * T - 1]).toBe(full[start + T * T - 1]);
    expect(head.max).toBe(m.reduce((a, b) => Math.max(a, b), 0));

    const mean = floats((await call('analysis.matrix', { key: key as string, kind: 'mean', layer: 3 })).packed);
    let s = 0;
    for (let h = 0; h < NH; h++) s += full[((3 * NH + h) * T + 300) * T + 17];
    expect(mean[300 * T + 17]).toBeCloseTo(s / NH, 6);

    const rows = await call('analysis.matrix', { key: key as string, kind: 'queryRows', layer: 11, query: 400 });
    expect([rows.rows, rows.cols]).toEqual([NH, T]);
    const r = floats(rows.packed);
    for (const h of [0, 6, 11]) expect(r[h * T + 123]).toBe(full[((11 * NH + h) * T + 400) * T + 123]);
  });

  it('rollout through a layer matches the reference rollout of the full tensor', async () => {
    const { key } = await call('analysis.attention', { runId: wideId, text: TEXT, retain: true });
    const got = floats((await call('analysis.matrix', { key: key as string, kind: 'rollout', layer: 2 })).packed);
    const want = attentionRollout(full, L, NH, T, 3, false);
    for (const [i, j] of [[0, 0], [511, 0], [511, 511], [256, 100]]) expect(got[i * T + j]).toBeCloseTo(want[i * T + j], 6);
  });

  it('thumbnails: 144 maps max-pooled to 64 × 64 bytes, each scaled to its own largest weight', async () => {
    const { key } = await call('analysis.attention', { runId: wideId, text: TEXT, retain: true });
    const th = await call('analysis.thumbnails', { key: key as string, size: 64 });
    expect([th.L, th.NH, th.T, th.size, th.causal]).toEqual([L, NH, T, 64, true]);
    const bytes = Buffer.from(th.packed, 'base64');
    expect(bytes.length).toBe(L * NH * 64 * 64);
    expect(th.packed.length).toBeLessThan(800_000);
    // map (4, 9), block (10, 3): rows 80..87, columns 24..31 of a 512 map pooled 8 × 8
    const m = 4 * NH + 9;
    let blockMax = 0;
    for (let i = 80; i < 88; i++) for (let j = 24; j < 32; j++) blockMax = Math.max(blockMax, full[(m * T + i) * T + j]);
    let mapMax = 0;
    for (let k = 0; k < T * T; k++) mapMax = Math.max(mapMax, full[m * T * T + k]);
    expect(th.maxima[m]).toBe(mapMax);
    expect(bytes[m * 4096 + 10 * 64 + 3]).toBe(Math.round((255 * blockMax) / mapMax));
    // causal: blocks right of the diagonal hold only masked weights
    expect(bytes[m * 4096 + 10 * 64 + 11]).toBe(0);
  });

  it('refuses a key it does not keep and a layer or head out of range, with sentences saying what to do', async () => {
    const { key } = await call('analysis.attention', { runId: wideId, text: TEXT, retain: true });
    await expect(call('analysis.matrix', { key: 'feedfeedfeedfeedfeedfeed', layer: 0 })).rejects.toMatchObject({ code: 'not_found', message: expect.stringMatching(/analyse the text again/) });
    await expect(call('analysis.matrix', { key: key as string, layer: 12 })).rejects.toMatchObject({ code: 'invalid_input', message: 'Layer 12 does not exist: this view has 12, numbered 0 to 11.' });
    await expect(call('analysis.matrix', { key: key as string, layer: 0, head: 12 })).rejects.toMatchObject({ field: 'head' });
  });

  it('CLI: `attention RUN --text … --json` refuses all 144 maps (≈500 MB of JSON) and prints one layer', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t), env: {} };
    expect(await runCli(['--home', home, 'attention', 'wide-512', '--text', TEXT, '--json'], io)).toBe(1);
    expect(err.join('')).toContain('144 attention maps of 512 tokens are 37,748,736 weights, more than the 4,194,304 one call prints; choose a layer with --layer 0..11 and/or a head with --head 0..11');
    expect(out).toEqual([]);
    expect(await runCli(['--home', home, 'attention', 'wide-512', '--text', TEXT, '--layer', '11', '--json'], io)).toBe(0);
    const json = JSON.parse(out.join('')) as { truncated: boolean; attention: { layer: number; head: number; matrix: number[][] }[] };
    expect(json.truncated).toBe(true);
    expect(json.attention.map((h) => `${h.layer}.${h.head}`)).toEqual(Array.from({ length: NH }, (_, h) => `11.${h}`));
    const m = json.attention[4].matrix;
    expect([m.length, m[0].length]).toEqual([T, T]);
    for (const [i, j] of [[0, 0], [300, 17], [511, 511]]) expect(m[i][j]).toBeCloseTo(full[((11 * NH + 4) * T + i) * T + j], 6);
  }, 120_000);
});

// The BERT-vs-GPT experiment with a GRU as its optional third model: three matched runs (same tokenizer, context,
// seed and tokens seen), the third column of the table with its verdict against GPT, the RNN's perplexity recomputed
// from its own cross-entropy on the same windows, loss by position, and the refusals (a custom context, a bad flag).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExperimentT } from '../../common/api';
import { rnnVerdictText } from '../../common/comparison/wording';
import { english } from '../../common/comparison/english';
import { getKernels } from '../../native-kernels/index';
import { loadHeldOut, measurePair } from '../../main/lab/experiments/measure-input';
import { runCheckpoint } from '../../main/lab/runs/checkpoints';
import { createLab, type Lab } from '../../main/lab/index';
import { loadRnnCheckpoint } from '../../main/ml/rnn/checkpoint';
import { loadTransformerProbe } from '../../main/ml/probes';
import { storyText } from '../unit/compare/story';

const BIN = join(import.meta.dirname, '..', '..', 'main', 'cli', 'bin.mjs');
let home: string;
let lab: Lab;
let experiment: ExperimentT;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'lab-compare-rnn-'));
  writeFileSync(join(home, 'story.txt'), storyText(80));
  lab = createLab({ home, mode: 'cli', jobs: { concurrency: 1 } });
  await lab.call('datasets.import', { path: join(home, 'story.txt'), name: 'story', mode: 'paragraphs' });
  experiment = (await lab.call('experiments.create', { dataset: 'story', preset: 'tiny', budget: { tokens: 12 * 16 * 64 }, seeds: 1, lrSweep: false, rnn: 'gru' })) as ExperimentT;
  await lab.jobs.scheduler.idle();
}, 180_000);

afterAll(() => {
  lab?.close();
  rmSync(home, { recursive: true, force: true });
});

describe('BERT vs GPT with a GRU as the third model', () => {
  it('trains three matched runs: same tokenizer, context, seed and tokens seen', async () => {
    const e = (await lab.call('experiments.get', { id: experiment.id })) as ExperimentT;
    expect(e.rnn).toBe('gru');
    expect(e.name).toContain('BERT vs GPT vs GRU');
    expect(e.status).toBe('completed');
    expect(e.runs.map((r) => r.family).sort()).toEqual(['bert', 'gpt', 'gru']);
    const [gpt, gru] = [e.runs.find((r) => r.family === 'gpt'), e.runs.find((r) => r.family === 'gru')];
    expect(gru?.id).toBe(e.pairs[0].rnnRunId);
    expect(gru?.tokenizerId).toBe(gpt?.tokenizerId);
    expect(gru?.seed).toBe(gpt?.seed);
    expect(gru?.tokensSeen).toBe(gpt?.tokensSeen);
    const model = (r: typeof gpt): Record<string, number> => (r?.config as { model: Record<string, number> }).model;
    expect(model(gru).contextLength).toBe(model(gpt).contextLength);
    expect(e.pairs[0].rnnParameters).toBeGreaterThan(0);
  });

  it('measures the GRU beside GPT and BERT, with its verdict against GPT and its loss by position', async () => {
    const e = (await lab.call('experiments.measure', { id: experiment.id, positions: 40 })) as ExperimentT;
    const c = e.comparison;
    if (c === null) throw new Error('not measured');
    expect(c.rnnFamily).toBe('gru');
    for (const r of c.rows.filter((x) => x.group !== 'summary')) {
      expect(r.rnn, r.id).toBeDefined();
      if (r.group === 'about') {
        expect(r.rnn?.phrase?.key, r.id).toMatch(/\.(rnn|gru)$/);
        continue;
      }
      const [g, n] = [r.gpt.mean as number, r.rnn?.mean as number];
      expect(Number.isFinite(n), r.id).toBe(true);
      if (r.group === 'fill' || r.id === 'continue.next') expect(n >= 0 && n <= 1, r.id).toBe(true);
      // the verdict against GPT follows the two numbers
      const v = r.rnnVsGpt;
      if (v?.kind === 'better') expect(v.winner, r.id).toBe((r.betterWhen === 'higher' ? n > g : n < g) ? 'rnn' : 'gpt');
      expect(rnnVerdictText(r, 'gru', 1, english, 'en-US'), r.id).toMatch(/^(GRU better|GPT better|No clear difference)/);
    }
    expect(c.notes).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'learningRate', side: 'gru' })]));
    expect(c.continuations[0].rnn).toEqual(expect.any(String));
    const l = c.lossByPosition;
    expect(l?.gpt).toHaveLength(64);
    expect(l?.rnn).toHaveLength(64);
    for (const x of [...(l?.gpt ?? []), ...(l?.rnn ?? [])]) expect(x).toBeGreaterThan(0);
  });

  it('reports the GRU\'s perplexity and mean loss by position from its own cross-entropy on the same windows', () => {
    const { gptRunId, bertRunId, rnnRunId, seed } = experiment.pairs[0];
    const m = measurePair(lab.ctx, experiment.datasetId as number, seed, gptRunId, bertRunId,
      { positions: 10, words: 3, gptWindows: 2, bertWindows: 1, prompts: 1, continuationTokens: 4 }, rnnRunId ?? null);
    const gru = loadRnnCheckpoint(getKernels(), runCheckpoint(lab.ctx, rnnRunId as number, 'measure').dir).model;
    const tokenizer = loadTransformerProbe({ runId: gptRunId, family: 'gpt', dir: runCheckpoint(lab.ctx, gptRunId, 'measure').dir }).tokenizer;
    const held = loadHeldOut(lab.ctx, experiment.datasetId as number, tokenizer);
    const losses = m.windows.map((w) => {
      const ids = held.docs[w.doc].ids.subarray(w.start, w.start + w.length);
      const T = ids.length - 1;
      return gru.forward({ B: 1, T, tokens: Int32Array.from(ids.subarray(0, T)), targets: Int32Array.from(ids.subarray(1)) }, { train: false });
    });
    const meanLoss = losses.reduce((a, b) => a + b, 0) / losses.length;
    expect(m.rnn?.perplexity).toBeGreaterThan(1);
    expect(Math.abs((m.rnn?.perplexity as number) - Math.exp(meanLoss)) / Math.exp(meanLoss)).toBeLessThan(1e-4);
    const byPosition = m.lossByPosition.rnn ?? [];
    expect(Math.abs(byPosition.reduce((a, b) => a + b, 0) / byPosition.length - meanLoss)).toBeLessThan(1e-4);
  });

  it('refuses a third model whose context differs from the comparison\'s, before anything is recorded', async () => {
    const before = ((await lab.call('experiments.list', {})) as ExperimentT[]).length;
    await expect(lab.call('experiments.create', { dataset: 'story', preset: 'tiny', size: { contextLength: 32 }, budget: { steps: 2 }, rnn: 'lstm' }))
      .rejects.toThrow('The LSTM third model reads 64 tokens at a time (the tiny preset), but this comparison\'s context is 32');
    expect(((await lab.call('experiments.list', {})) as ExperimentT[]).length).toBe(before);
  });

  it('refuses `compare --with-rnn` with a family it does not have', () => {
    const run = spawnSync(process.execPath, [BIN, '--home', home, 'compare', '--dataset', 'story', '--with-rnn', 'rnn'], { encoding: 'utf8' });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('--with-rnn must be gru or lstm, got "rnn".');
  });
});

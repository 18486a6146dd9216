// The BERT-vs-GPT experiment end to end on a tiny trained pair: matched runs through the scheduler, the measurements
// (accuracies in [0,1], GPT perplexity recomputed independently from the kernels' loss on the same windows, verdicts
// that follow the numbers), the probe channels, and `attention-lab compare --json`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComparisonRowT, ExperimentT } from '../../common/api';
import { loadHeldOut, measurePair } from '../../main/lab/experiments/measure-input';
import { runCheckpoint } from '../../main/lab/runs/checkpoints';
import { loadTransformerProbe } from '../../main/ml/probes';
import { createLab, type Lab } from '../../main/lab/index';
import { RunService } from '../../main/lab/runs/service';
import { storyText } from '../unit/compare/story';

const BIN = join(import.meta.dirname, '..', '..', 'main', 'cli', 'bin.mjs');
let home: string;
let lab: Lab;
let experiment: ExperimentT;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'lab-compare-'));
  writeFileSync(join(home, 'story.txt'), storyText(80));
  lab = createLab({ home, mode: 'cli', jobs: { concurrency: 1 } });
  await lab.call('datasets.import', { path: join(home, 'story.txt'), name: 'story', mode: 'paragraphs' });
  experiment = (await lab.call('experiments.create', { dataset: 'story', preset: 'tiny', budget: { tokens: 30 * 16 * 64 }, seeds: 1 })) as ExperimentT;
  await lab.jobs.scheduler.idle();
}, 120_000);

afterAll(() => {
  lab?.close();
  rmSync(home, { recursive: true, force: true });
});

describe('BERT-vs-GPT experiment', () => {
  it('creates a matched pair: same tokenizer, size, context, seed and tokens seen', async () => {
    expect(experiment.steps).toBe(30);
    expect(experiment.pairs).toHaveLength(1);
    const e = (await lab.call('experiments.get', { id: experiment.id })) as ExperimentT;
    expect(e.status).toBe('completed');
    const [gpt, bert] = [e.runs.find((r) => r.family === 'gpt'), e.runs.find((r) => r.family === 'bert')];
    expect(gpt?.tokenizerId).toBe(bert?.tokenizerId);
    expect(gpt?.seed).toBe(bert?.seed);
    expect(gpt?.tokensSeen).toBe(bert?.tokensSeen);
    const model = (r: typeof gpt): Record<string, unknown> => (r?.config as { model: Record<string, unknown> }).model;
    for (const k of ['nLayer', 'nHead', 'dModel', 'contextLength', 'vocabSize']) expect(model(gpt)[k], k).toBe(model(bert)[k]);
    expect(e.pairs[0].gptParameters).toBeGreaterThan(0);
    expect(e.pairs[0].bertParameters).toBeGreaterThan(e.pairs[0].gptParameters);
  });

  it('measures on held-out text with accuracies in [0,1] and a verdict per row that follows the numbers', async () => {
    const e = (await lab.call('experiments.measure', { id: experiment.id, positions: 80 })) as ExperimentT;
    const c = e.comparison;
    expect(c).not.toBeNull();
    if (c === null) return;
    expect(c.split).toBe('validation');
    expect(c.positions).toBe(80);
    for (const r of c.rows.filter((x) => x.group === 'fill' || x.id === 'continue.next')) {
      for (const v of [r.gpt.mean, r.bert.mean]) {
        expect(v, r.id).not.toBeNull();
        expect(v as number).toBeGreaterThanOrEqual(0);
        expect(v as number).toBeLessThanOrEqual(1);
      }
    }
    for (const r of c.rows.filter((x) => x.group !== 'about' && x.group !== 'summary')) {
      const g = r.gpt.mean as number;
      const b = r.bert.mean as number;
      expect(Number.isFinite(g) && Number.isFinite(b), r.id).toBe(true);
      const gptBetter = r.betterWhen === 'higher' ? g > b : g < b;
      if (r.winner === 'gpt' || r.winner === 'bert') expect(r.winner, r.id).toBe(gptBetter ? 'gpt' : 'bert');
      // GPT's perplexity and BERT's pseudo-perplexity never get a winner
      expect(r.verdict.kind, r.id).toMatch(r.id === 'continue.perplexity' ? /^incomparable$/ : /^(better|tie)$/);
      if (r.verdict.kind === 'better') expect(r.verdict.winner, r.id).toBe(r.winner);
    }
    expect(c.continuations.length).toBeGreaterThan(0);
  });

  it('reports GPT perplexity as exp(mean NLL), recomputed from the kernels\' loss on the same windows', () => {
    const { gptRunId, bertRunId, seed } = experiment.pairs[0];
    const m = measurePair(lab.ctx, experiment.datasetId as number, seed, gptRunId, bertRunId, { positions: 20, words: 5, gptWindows: 2, bertWindows: 1, prompts: 1, continuationTokens: 4 });
    expect(m.windows).toHaveLength(2);
    const gpt = loadTransformerProbe({ runId: gptRunId, family: 'gpt', dir: runCheckpoint(lab.ctx, gptRunId, 'measure').dir });
    const held = loadHeldOut(lab.ctx, experiment.datasetId as number, gpt.tokenizer);
    // the model's own cross-entropy (mean over the window's next-token targets), a path the measurement does not use
    const losses = m.windows.map((w) => {
      const ids = held.docs[w.doc].ids.subarray(w.start, w.start + w.length);
      const T = ids.length - 1;
      return gpt.model.forward({ B: 1, T, tokens: Int32Array.from(ids.subarray(0, T)), targets: Int32Array.from(ids.subarray(1)) }, { train: false });
    });
    const expected = Math.exp((losses[0] + losses[1]) / 2);
    expect(m.gpt.perplexity).toBeGreaterThan(1);
    expect(Math.abs(m.gpt.perplexity - expected) / expected).toBeLessThan(1e-4);
  });

  it('answers the probe from both models and refuses a run with no checkpoint yet', async () => {
    const ids = [experiment.pairs[0].gptRunId, experiment.pairs[0].bertRunId];
    const fill = (await lab.call('probe.fill', { runIds: ids, text: 'The king [MASK]ees the ball.', topK: 3 })) as Array<{ family: string; masks: Array<{ candidates: Array<{ probability: number }> }> }>;
    expect(fill.map((f) => f.family)).toEqual(['gpt', 'bert']);
    for (const f of fill) {
      const ps = f.masks[0].candidates.map((x) => x.probability);
      expect(ps).toHaveLength(3);
      expect(ps[0]).toBeGreaterThanOrEqual(ps[1]);
      expect(ps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1 + 1e-6);
    }
    const cont = (await lab.call('probe.continue', { runIds: ids, prompt: 'The old man', maxTokens: 8 })) as Array<{ continuation: string }>;
    expect(cont).toHaveLength(2);
    const fresh = new RunService(lab.ctx).create({ name: 'no checkpoint', family: 'bert', datasetId: null, tokenizerId: null, config: {}, seed: 1, totalSteps: 10 });
    await expect(lab.call('probe.fill', { runIds: [fresh], text: 'a [MASK] b' })).rejects.toThrow(/has no checkpoint yet \(it is queued\)/);
  });

  it('runs the whole comparison from the CLI, started from another folder, and prints every row with both models\' numbers and a verdict', () => {
    // `node <project>/main/cli/bin.mjs` from outside the project: its workers must still find their TypeScript loader
    const run = spawnSync(process.execPath, [BIN, '--home', home, 'compare', '--dataset', 'story', '--steps', '10', '--positions', '30', '--json'],
      { cwd: tmpdir(), encoding: 'utf8', env: { ...process.env, LANG: 'en_US.UTF-8' } });
    const { stdout, stderr } = run;
    expect(run.status, stderr).toBe(0);
    expect(stderr).not.toContain('ERR_MODULE_NOT_FOUND');
    expect(stderr).toMatch(/run \d+: completed, step 10\/10/);
    const out = JSON.parse(stdout) as ExperimentT;
    expect(out.id).not.toBe(experiment.id);
    expect(out.status).toBe('completed');
    // --json adds the English words of each row (label, verdict text) to the keys and numbers the lab sends
    const rows = (out.comparison?.rows ?? []) as Array<ComparisonRowT & { label: string; text: string }>;
    expect(rows.map((r) => r.id)).toEqual(expect.arrayContaining(['fill.token.top1', 'fill.token.top5', 'fill.word.top1', 'continue.next', 'continue.perplexity', 'cost.parameters', 'cost.tokens_per_s', 'cost.wall', 'cost.memory']));
    for (const r of rows.filter((x) => x.group !== 'about')) {
      expect(typeof r.gpt.mean, r.id).toBe('number');
      expect(typeof r.bert.mean, r.id).toBe('number');
      expect(r.label.length, r.id).toBeGreaterThan(5);
      if (r.group !== 'summary') expect(r.text, r.id).toMatch(/^(GPT did better|BERT did better|No clear difference|No winner)/);
      if (r.group === 'fill' || r.group === 'continue') expect(typeof r.baseline?.mean, r.id).toBe('number');
    }
    // each family first swept its learning rate (on by default), and the table says at which rate each trained
    const notes = out.comparison?.notes ?? [];
    expect(notes[0]).toEqual({ kind: 'oneSeed' });
    const rates = notes.filter((n) => n.kind === 'learningRate');
    expect(rates.map((n) => n.side)).toEqual(['gpt', 'bert']);
    for (const n of rates) if (n.kind === 'learningRate') expect(n.sweep?.trials.map((t) => t.lr)).toEqual([1e-3, 3e-3, 9e-3]);
  }, 120_000);
});

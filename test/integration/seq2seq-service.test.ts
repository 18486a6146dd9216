// The seq2seq experiment end to end through the service on a real lab home (SQLite file, worker processes): one run per
// variant in the runs table with its curves and weight snapshots, every arm measured by source length, the reported
// exact match recomputed here by decoding the held-out pairs with the final checkpoint, the alignment view's matrices
// (rows are distributions) at every snapshot, the decoder steps, refusals that record nothing, and the CLI's --json.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunDetailT } from '../../common/api';
import type { Seq2seqAlignmentT, Seq2seqDecoderStepsT, Seq2seqExperimentT } from '../../common/api/seq2seq';
import { getKernels } from '../../native-kernels/index';
import { generatePairs, splitPairs, TASKS } from '../../main/data/pairs/tasks';
import { loadSeq2seqCheckpoint } from '../../main/ml/seq2seq/checkpoint';
import { preparePairs } from '../../main/ml/seq2seq/experiment';
import { decodePairs } from '../../main/ml/seq2seq/train';
import { createLab, type Lab } from '../../main/lab/index';

const BIN = join(import.meta.dirname, '..', '..', 'main', 'cli', 'bin.mjs');
const TASK = { task: 'reverse' as const, pairs: 400, minLength: 2, maxLength: 10, symbols: 6, seed: 7 };
const SIZES = { hidden: 24, embed: 24, attentionSize: 24, transformer: { dModel: 24, nHead: 2, nLayer: 1, dFF: 48 } };
let home: string;
let lab: Lab;
let created: Seq2seqExperimentT;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'lab-seq2seq-'));
  lab = createLab({ home, mode: 'cli', jobs: { concurrency: 1 } });
  created = (await lab.call('seq2seq.create', {
    task: TASK, variants: ['none', 'dot', 'transformer'], sizes: SIZES, buckets: 3, snapshots: 2,
    budget: { steps: 80, batchSize: 16, lr: 1e-2, evalEvery: 40 },
  })) as Seq2seqExperimentT;
  await lab.jobs.scheduler.idle();
}, 240_000);

afterAll(() => {
  lab?.close();
  rmSync(home, { recursive: true, force: true });
});

const get = async (): Promise<Seq2seqExperimentT> => (await lab.call('seq2seq.get', { id: created.id })) as Seq2seqExperimentT;
const runOf = (e: Seq2seqExperimentT, variant: string): number => e.arms.find((a) => a.variant === variant)?.seeds[0].runId as number;

describe('seq2seq experiment through the service', () => {
  it('records one run per variant, trains them in workers and measures each by source length', async () => {
    expect(created.arms.map((a) => a.variant)).toEqual(['none', 'dot', 'transformer']);
    expect(created.data.test).toBe(40);
    const e = await get();
    expect(e.status).toBe('completed');
    for (const arm of e.arms) {
      const s = arm.seeds[0];
      expect(s.status, arm.variant).toBe('completed');
      expect(s.overall?.pairs, arm.variant).toBe(40);
      expect(s.buckets.map((b) => b.pairs).reduce((a, b) => a + b, 0)).toBe(40);
      expect(s.buckets[0].lo).toBe(2);
      expect(s.buckets[2].hi).toBe(10);
      for (const q of [s.overall, ...s.buckets]) {
        expect(q?.exactMatch).toBeGreaterThanOrEqual(0);
        expect(q?.exactMatch).toBeLessThanOrEqual(1);
      }
      expect(s.tokensPerSecond).toBeGreaterThan(0);
      expect(s.parameters).toBeGreaterThan(0);
    }
    expect(e.verdicts.length).toBeGreaterThan(0);
    expect(e.examples.length).toBe(8);
    const list = (await lab.call('seq2seq.list', {})) as { id: number }[];
    expect(list.map((x) => x.id)).toContain(created.id);
    // the BERT-vs-GPT list does not show (or choke on) a seq2seq experiment
    expect(((await lab.call('experiments.list', {})) as unknown[]).length).toBe(0);
  });

  it('keeps each arm a run like any other: family, curves, snapshots as checkpoints', async () => {
    const e = await get();
    const run = (await lab.call('runs.get', { id: runOf(e, 'dot') })) as RunDetailT;
    expect(run.family).toBe('seq2seq');
    expect(run.experimentId).toBe(created.id);
    expect(run.step).toBe(80);
    expect(run.metrics['train/loss'].count).toBe(80);
    expect(run.metrics['val/loss'].count).toBeGreaterThanOrEqual(2);
    expect(run.metrics['train/loss'].last as number).toBeLessThan(run.metrics['train/loss'].max as number);
    expect(run.artifacts.filter((a) => a.kind === 'checkpoint').map((a) => a.step ?? -1).sort((a, b) => a - b)).toEqual([40, 80]);
  });

  it('reports the exact match that decoding the held-out pairs with the final checkpoint gives', async () => {
    const e = await get();
    const runId = runOf(e, 'dot');
    const run = (await lab.call('runs.get', { id: runId })) as RunDetailT;
    const final = run.artifacts.find((a) => a.kind === 'checkpoint' && a.step === 80);
    const { model } = loadSeq2seqCheckpoint(getKernels('native'), join(home, final?.path as string));
    const set = generatePairs({ ...TASK, language: 'all' });
    const data = preparePairs(splitPairs(set.pairs), TASKS.reverse, { maxSrcLen: 128, maxTgtLen: 128, policy: 'refuse' });
    const decoded = decodePairs(model, data.test, { beam: 1, maxLength: model.config.maxTgtLen, batchSize: 64 });
    const exact = decoded.filter((d, i) => data.target.decode(d.ids) === data.target.decode(data.test.tgt[i])).length / decoded.length;
    expect(e.arms.find((a) => a.variant === 'dot')?.seeds[0].overall?.exactMatch).toBeCloseTo(exact, 10);
  });

  it('shows each snapshot\'s alignment matrix and the decoder step by step', async () => {
    const e = await get();
    const source = e.examples[e.examples.length - 1].source;
    const [a, tr] = (await lab.call('seq2seq.alignment', { runIds: [runOf(e, 'dot'), runOf(e, 'transformer')], source })) as Seq2seqAlignmentT[];
    expect(a.variant).toBe('dot');
    expect(a.frames.map((f) => f.step)).toEqual([40, 80]);
    for (const f of a.frames) {
      const S = f.sourceTokens.length;
      expect(S).toBe(source.split(' ').length);
      for (let t = 0; t < f.targetTokens.length; t++) expect(f.weights.slice(t * S, (t + 1) * S).reduce((x, y) => x + y, 0)).toBeCloseTo(1, 4);
    }
    expect(tr.variant).toBe('transformer');
    expect(tr.frames[0].heads).toBe(2);
    await expect(lab.call('seq2seq.alignment', { runIds: [runOf(e, 'none')], source })).rejects.toThrow(/no attention/);
    const steps = (await lab.call('seq2seq.decoderSteps', { runId: runOf(e, 'dot'), source, step: 40 })) as Seq2seqDecoderStepsT;
    expect(steps.step).toBe(40);
    expect(steps.steps[0].weights.length).toBe(source.split(' ').length);
  });

  it('refuses bad setups with sentences that name the field, recording nothing', async () => {
    const before = ((await lab.call('runs.list', {})) as unknown[]).length;
    await expect(lab.call('seq2seq.create', { task: { task: 'dates', minLength: 7, maxLength: 99 } })).rejects.toThrow(/maxLength is 99.*dates sources are/);
    await expect(lab.call('seq2seq.create', { task: TASK, variants: ['dot', 'dot'] })).rejects.toThrow(/"dot" twice/);
    await expect(lab.call('seq2seq.create', { task: TASK, variants: ['dot'], beam: 16 })).rejects.toThrow(/beam width 16 is larger than the target vocabulary/);
    await expect(lab.call('seq2seq.create', { task: TASK, variants: ['dot'], sizes: { bidirectional: true } })).rejects.toThrow(/choose "general" or "concat"/);
    await expect(lab.call('seq2seq.create', { task: { ...TASK, maxLength: 40, pairs: 200 }, variants: ['none'], maxSrcLen: 20 })).rejects.toThrow(/longer than|more than|limit/);
    expect(((await lab.call('runs.list', {})) as unknown[]).length).toBe(before);
    await expect(lab.call('seq2seq.get', { id: 999 })).rejects.toThrow(/no seq2seq experiment with id 999/);
  });

  it('`seq2seq-compare --json` prints every variant by length bucket with the verdicts', () => {
    const out = spawnSync(process.execPath, [BIN, '--home', home, 'seq2seq-compare', '--task', 'reverse', '--max-len', '8', '--pairs', '200',
      '--variants', 'none,dot', '--steps', '20', '--hidden', '16', '--buckets', '2', '--json'], { encoding: 'utf8', timeout: 180_000 });
    expect(out.status, out.stderr).toBe(0);
    const e = JSON.parse(out.stdout) as Seq2seqExperimentT;
    expect(e.arms.map((a) => a.variant)).toEqual(['none', 'dot']);
    for (const arm of e.arms) {
      expect(arm.seeds[0].buckets).toHaveLength(2);
      expect(typeof arm.seeds[0].buckets[0].exactMatch).toBe('number');
      expect(typeof arm.seeds[0].buckets[0].bleu).toBe('number');
    }
    expect(e.verdicts.length).toBeGreaterThan(0);
  }, 200_000);
});

// Fine-tuning through the service on a real lab home (SQLite file, the real importer and kernels): the names sample,
// a tiny GPT and BERT pre-trained on it, fine-tuned as runs with their parent recorded; the same architecture from
// scratch; the TF-IDF + logistic-regression baseline on the same label budget; stop after an epoch and resume; a
// queued fine-tune in the scheduler's job worker (pause, resume, a killed worker); and the refusals a person can act on.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunDetailT, RunT } from '../../common/api';
import type { FinetuneReportT, FinetuneRowT } from '../../common/api/finetune';
import { createLab, type Lab } from '../../main/lab/index';
import { trainRun } from '../../main/lab/runs/training';
import type { FinetuneService } from '../../main/lab/finetune/service';
import { prepareFinetuneResume } from '../../main/lab/finetune/prepare';
import { finetuneCompare } from '../../main/lab/finetune/compare';
import { runFinetuneJob } from '../../main/jobs/finetune/finetune-job';
import { RunRecorder } from '../../main/lab/runs/recorder';
import { finetuneJob } from '../../main/jobs/training-jobs';

let home: string;
let lab: Lab;
let service: FinetuneService;
const parents: Record<'gpt' | 'bert', number> = { gpt: 0, bert: 0 };
const BUDGET = { dataset: 'First names', labelsPerClass: 48, epochs: 3, batchSize: 16, threads: 1, seed: 3 } as const;

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'lab-finetune-'));
  lab = createLab({ home, mode: 'cli' });
  service = lab.finetune;
  await lab.call('datasets.importSample', { sampleId: 'names' });
  const names = (await lab.call('datasets.list', {})) as Array<{ id: number }>;
  // a stratified split with a test part, made before pre-training (which would otherwise make its default one, without test)
  await lab.call('datasets.split', { id: names[0].id, train: 0.8, validation: 0.1, test: 0.1, seed: 42, stratify: true });
  for (const family of ['gpt', 'bert'] as const) {
    const out = await trainRun(lab.training, { dataset: 'First names', family, preset: 'tiny', steps: 40, batchSize: 8, threads: 1, evalEvery: 20, lrSweep: false, name: `names-${family}` });
    expect(out.status).toBe('completed');
    parents[family] = out.runId;
  }
}, 240_000);

afterAll(() => {
  lab?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

describe('fine-tuning through the service', () => {
  it('fine-tunes a pre-trained GPT as a run: parent recorded, live metrics, epoch checkpoints, a test report', async () => {
    const logs: string[] = [];
    const out = await service.run({ from: parents.gpt, ...BUDGET, scratch: false, freeze: false, warmupRatio: 0.1, patience: 3, classWeights: 'none', minSteps: 0 }, { log: (l) => logs.push(l) });
    expect(out.status).toBe('completed');
    const run = (await lab.call('runs.get', { id: out.runId, samples: 0 })) as RunDetailT;
    expect(run).toMatchObject({ family: 'classifier', parentRunId: parents.gpt, status: 'completed' });
    expect(run.config).toMatchObject({ kind: 'pretrained', bodyFamily: 'gpt', head: 'last', classes: ['female', 'male'], labelsPerClass: 48 });
    // 96 labels, batches of 16: 6 steps an epoch, 3 epochs, one checkpoint after each
    expect(run.metrics['train/loss'].count).toBe(18);
    expect(run.metrics['val/macro_f1'].count).toBe(3);
    expect(run.artifacts.filter((a) => a.kind === 'checkpoint').map((a) => a.step)).toEqual([6, 12, 18, 18]);
    const report = (await lab.call('finetune.report', { runId: out.runId })) as FinetuneReportT;
    expect(report.evaluatedOn).toBe('test');
    expect(report.confusion.flat().reduce((a, b) => a + b, 0)).toBe(report.count);
    expect(report.count).toBeGreaterThan(700);
    expect(report.rocAuc).not.toBeNull();
    expect(report.macroF1).toBeGreaterThan(0.3);
    expect(report.misclassified.length).toBeGreaterThan(0);
    expect(report.misclassified[0].truth).not.toBe(report.misclassified[0].predicted);
    expect(logs.some((l) => l.startsWith('Epoch 3:'))).toBe(true);
  }, 120_000);

  it('runs BERT from the same architecture with fresh weights, a linear probe, and the baseline, all in one table', async () => {
    const common = { ...BUDGET, warmupRatio: 0.1, patience: 3, classWeights: 'none' as const, minSteps: 0 };
    const scratch = await service.run({ from: parents.bert, ...common, scratch: true, freeze: false });
    const probe = await service.run({ from: parents.bert, ...common, scratch: false, freeze: true, head: 'mean' });
    expect(scratch.status).toBe('completed');
    expect(probe.status).toBe('completed');
    const baseline = (await lab.call('finetune.baseline', { dataset: 'First names', analyzer: 'char_wb', labelsPerClass: 48, seed: 3 })) as FinetuneReportT;
    expect(baseline.macroF1).toBeGreaterThan(0.5);
    const rows = (await lab.call('finetune.list', {})) as FinetuneRowT[];
    expect(rows.map((r) => [r.kind, r.bodyFamily, r.head, r.freeze])).toEqual([
      ['pretrained', 'gpt', 'last', false], ['scratch', 'bert', 'cls', false], ['pretrained', 'bert', 'mean', true], ['baseline', null, null, false],
    ]);
    expect(rows.every((r) => r.macroF1 !== null && r.trainExamples === 96)).toBe(true);
    expect(rows[1].parent).toMatchObject({ id: parents.bert, family: 'bert' });
  }, 180_000);

  it('stops after an epoch and resumes from its checkpoint to the same number of steps', async () => {
    let epochs = 0;
    const out = await service.run({ from: parents.gpt, ...BUDGET, epochs: 3, scratch: false, freeze: false, warmupRatio: 0.1, patience: 0, classWeights: 'balanced', minSteps: 0 }, {
      log: (l) => { if (l.startsWith('Epoch ')) epochs++; },
      shouldStop: () => epochs >= 1,
    });
    expect(out.status).toBe('stopped');
    const runs = lab.ctx.store.runs;
    expect(runs.latestCheckpoint(out.runId, true)?.step).toBe(6);
    const prepared = await prepareFinetuneResume(lab.training, out.runId, { queued: false, threads: 1 }, () => {});
    expect(prepared.job.resumeFrom).not.toBeNull();
    const recorder = new RunRecorder(lab.ctx, lab.training.runs, out.runId, finetuneJob(prepared.job, prepared.totalSteps, 8));
    const result = await runFinetuneJob(prepared.job, { post: recorder.onMessage, shouldStop: () => false });
    recorder.finish(result);
    expect(result).toMatchObject({ status: 'completed', step: 18 });
    const run = runs.run(out.runId);
    expect(run.metrics['val/macro_f1'].count).toBe(3);
    expect(existsSync(join(home, runs.latestCheckpoint(out.runId)!.path, 'classification.json'))).toBe(true);
  }, 120_000);

  it('a fine-tune started through the API trains in the scheduler\'s job worker: progress, pause → resume, a killed worker → crashed → resumed', async () => {
    const started = (await lab.call('finetune.start', { from: parents.bert, dataset: 'First names', labelsPerClass: 48, epochs: 30, patience: 0, threads: 1, seed: 5 })) as RunT;
    expect(started).toMatchObject({ family: 'classifier', parentRunId: parents.bert, totalSteps: 180 });
    // recorded as queued; an idle scheduler takes it to its worker at once
    expect(['queued', 'running']).toContain(started.status);
    const metrics: number[] = [];
    const off = lab.on((event, payload) => {
      if (event === 'runs.metrics' && (payload as { runId: number }).runId === started.id) metrics.push(started.id);
    });
    const runs = lab.ctx.store.runs;
    const scheduler = lab.jobs.scheduler;
    await until('a first epoch checkpoint', () => (runs.latestCheckpoint(started.id, true) !== null ? true : undefined), 150_000);
    // the scheduler's worker process trains it, not the lab's own
    const first = scheduler.pidOf(started.id) as number;
    expect(first).toBeTypeOf('number');
    expect(first).not.toBe(process.pid);
    await lab.call('runs.pause', { id: started.id });
    const paused = await until('the pause', () => (runs.run(started.id).status !== 'running' ? runs.run(started.id) : undefined));
    expect(paused.status).toBe('paused');
    expect(scheduler.pidOf(started.id)).toBeUndefined();
    await lab.call('runs.resume', { id: started.id });
    // continued from its epoch checkpoint in a new worker
    await until('the resumed worker to step on', () => {
      const r = runs.run(started.id);
      return r.status === 'running' && r.step > paused.step && scheduler.pidOf(started.id) !== undefined ? true : undefined;
    }, 150_000);
    const second = scheduler.pidOf(started.id) as number;
    expect(second).not.toBe(first);
    // a killed worker takes only its process down: the run is crashed, resumable, and the lab goes on
    process.kill(second, 'SIGKILL');
    const crashed = await until('the crash', () => (runs.run(started.id).status !== 'running' ? runs.run(started.id) : undefined));
    expect(crashed.status).toBe('crashed');
    expect(crashed.error).toMatch(/killed by SIGKILL/);
    await lab.call('runs.resume', { id: started.id });
    const done = await until('the resumed run to finish', () => (['completed', 'failed', 'crashed'].includes(runs.run(started.id).status) ? runs.run(started.id) : undefined), 150_000);
    off();
    expect(done.status, done.error ?? '').toBe('completed');
    expect(done.step).toBe(180);
    // one validation point per epoch: the resumes discarded what came after their checkpoint
    expect(done.metrics['val/macro_f1'].count).toBe(30);
    expect(metrics.length).toBeGreaterThan(0);
    expect(await lab.call('finetune.report', { runId: started.id })).not.toBeNull();
  }, 300_000); // job workers start tsx: slow on a loaded machine

  it('compares pre-trained, from-scratch and baseline models over label budgets and seeds, on the same labels', async () => {
    // one budget (8 fine-tunes, each in a job worker): the budgets loop is the same code for every budget
    const cells = await finetuneCompare(service, { parents: [1, 2].map((seed) => ({ seed, gpt: parents.gpt, bert: parents.bert })), dataset: 'First names', labels: [8], epochs: 1, analyzer: 'char_wb', threads: 1 });
    expect(cells.map((c) => `${c.model}@${c.labelsPerClass}`)).toEqual(['gpt-pretrained', 'gpt-scratch', 'bert-pretrained', 'bert-scratch', 'tfidf-logreg'].map((m) => `${m}@8`));
    for (const c of cells) {
      expect(c.macroF1.values).toHaveLength(2);
      expect(c.runIds).toHaveLength(2);
      expect(c.macroF1.mean).toBeGreaterThanOrEqual(0);
      expect(c.macroF1.std).toBeGreaterThanOrEqual(0);
    }
    // every fine-tune of the comparison trained in a job worker: none is left queued or running
    expect(lab.jobs.scheduler.snapshot()).toEqual({ running: [], queued: [] });
    // the same seed draws the same labels for every model: each recorded run of one seed has 2 x budget train examples
    const rows = (await lab.call('finetune.list', {})) as FinetuneRowT[];
    const ofCell = rows.filter((r) => cells[0].runIds.includes(r.run.id));
    expect(ofCell.every((r) => r.trainExamples === 16)).toBe(true);
  }, 600_000); // 8 fine-tunes, each in its own job worker (tsx starts slowly on a loaded machine)

  it('refuses what cannot be fine-tuned, with sentences that say what to do', async () => {
    const bad = async (input: Record<string, unknown>): Promise<string> => {
      try {
        await lab.call('finetune.start', input);
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(await bad({ from: parents.gpt, dataset: 'First names', labelsPerClass: 100_000 })).toMatch(/A label budget of 100000 per class is larger than class "female" has in the train split of "First names" \(\d+\); choose at most \d+ per class\./);
    expect(await bad({ from: parents.gpt, dataset: 'First names', head: 'cls' })).toBe('A GPT classifier takes the head last or mean, not "cls".');
    expect(await bad({ from: parents.gpt, dataset: 'nope' })).toMatch(/^There is no dataset called "nope"/);
    const rows = (await lab.call('finetune.list', {})) as FinetuneRowT[];
    const classifier = rows.find((r) => r.kind === 'pretrained')!;
    expect(await bad({ from: classifier.run.id, dataset: 'First names' })).toMatch(/is a classifier run; fine-tune a pre-trained GPT or BERT run\./);
  });

  it('attention-lab finetune: through lab.call (finetune.start), followed in its job worker to its report', () => {
    const bin = join(import.meta.dirname, '..', '..', 'main', 'cli', 'bin.mjs');
    const r = spawnSync(process.execPath, [bin, '--home', home, 'finetune', '--from', String(parents.bert), '--dataset', 'First names', '--labels', '16',
      '--epochs', '1', '--threads', '1', '--seed', '3', '--json'], { encoding: 'utf8', timeout: 90_000 });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { runId: number; status: string; error: string | null; report: FinetuneReportT | null };
    expect(out).toMatchObject({ status: 'completed', error: null });
    expect(out.report?.evaluatedOn).toBe('test');
    // the job's lines (runs.log) and a progress line (runs.metrics) on stderr
    expect(r.stderr).toMatch(/^Epoch 1: train loss \d/m);
    expect(r.stderr).toMatch(/^step 2\/2 {2}loss /m);
  }, 120_000);
});

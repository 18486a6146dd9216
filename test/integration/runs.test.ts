// RunService and MetricWriter on a real SQLite store: batched metric writes and summaries, query-side downsampling,
// status transitions, tags, notes and delete. Expected values are computed here from the raw series, independently.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labContext, type LabContext } from '../../main/lab/app/context';
import { LabError } from '../../common/errors';
import { RunService, runFolder } from '../../main/lab/runs/service';
import { openStore } from '../../main/store/db';

let home: string;
let db: Database.Database;
let runs: RunService;
let ctx: LabContext;

beforeAll(() => {
  home = mkdtempSync(path.join(tmpdir(), 'lab-runs-'));
  db = openStore(path.join(home, 'lab.sqlite'));
  ctx = labContext(db, home);
  runs = new RunService(ctx);
});

afterAll(() => {
  db.close();
  rmSync(home, { recursive: true, force: true });
});

function newRun(name = 'r', status: 'queued' | 'running' = 'running'): number {
  return runs.create({ name, family: 'gpt', datasetId: null, tokenizerId: null, config: { preset: 'tiny' }, seed: 1, totalSteps: 100, status });
}

function storedCount(runId: number): number {
  return (db.prepare('SELECT count(*) AS n FROM metrics WHERE run_id = ?').get(runId) as { n: number }).n;
}

async function refusal(p: Promise<unknown> | (() => unknown)): Promise<LabError> {
  const e = await (typeof p === 'function' ? Promise.resolve().then(p) : p).then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(LabError);
  return e as LabError;
}

describe('MetricWriter', () => {
  it('keeps points in memory until flushed, then writes them all and the summaries match the series', () => {
    const id = newRun();
    const writer = runs.metricWriter(id, 60_000);
    const loss = [3.2, 2.9, 3.1, 2.2, 2.5, 1.9, 2.4];
    const acc = [0.1, 0.3, 0.25, 0.6];
    loss.forEach((v, i) => writer.add('train/loss', i + 1, v));
    acc.forEach((v, i) => writer.add('val/accuracy', (i + 1) * 10, v));
    expect(writer.pending).toBe(loss.length + acc.length);
    expect(storedCount(id)).toBe(0);
    writer.flush();
    expect(storedCount(id)).toBe(loss.length + acc.length);
    writer.close();

    const m = runs.run(id).metrics;
    const minLoss = Math.min(...loss);
    expect(m['train/loss']).toMatchObject({
      last: loss[loss.length - 1], lastStep: loss.length, min: minLoss, minStep: loss.indexOf(minLoss) + 1,
      max: Math.max(...loss), maxStep: loss.indexOf(Math.max(...loss)) + 1, count: loss.length,
    });
    expect(m['train/loss'].best).toBe(minLoss); // a loss is best when lowest
    expect(m['val/accuracy'].best).toBe(Math.max(...acc)); // an accuracy when highest
    expect(m['val/accuracy'].bestStep).toBe((acc.indexOf(Math.max(...acc)) + 1) * 10);
  });

  it('flushes on its own within the interval when the run goes quiet', async () => {
    const id = newRun();
    const writer = runs.metricWriter(id, 50);
    writer.add('train/loss', 1, 1.5);
    writer.add('train/loss', 2, 1.4);
    expect(storedCount(id)).toBe(0);
    await new Promise((r) => setTimeout(r, 200));
    expect(storedCount(id)).toBe(2);
    writer.close();
    expect(() => writer.add('train/loss', 3, 1)).toThrow(/closed/);
  });

  it('writes a batch once its oldest point is older than the interval, even while points keep coming', async () => {
    const id = newRun();
    const writer = runs.metricWriter(id, 30);
    writer.add('train/loss', 1, 2);
    const until = Date.now() + 40;
    while (Date.now() < until) { /* a busy training step: the timer cannot fire */ }
    writer.add('train/loss', 2, 1.8);
    expect(storedCount(id)).toBe(2);
    writer.close();
  });

  it('stores NaN/Inf as null, keeps them out of min/max, and a re-logged step (resume) replaces the value', () => {
    const id = newRun();
    const writer = runs.metricWriter(id);
    writer.add('train/loss', 1, 2.0);
    writer.add('train/loss', 2, 1.0);
    writer.add('train/loss', 3, Number.NaN);
    writer.close();
    let s = runs.run(id).metrics['train/loss'];
    expect(s).toMatchObject({ last: null, lastStep: 3, min: 1.0, max: 2.0, count: 3 });
    const again = runs.metricWriter(id);
    again.add('train/loss', 2, 1.5);
    again.close();
    s = runs.run(id).metrics['train/loss'];
    expect(s).toMatchObject({ min: 1.5, minStep: 2, max: 2.0, count: 3 });
  });
});

describe('metric queries', () => {
  it('downsamples a long series on the query side, keeping the first and last points and the extremes', async () => {
    const id = newRun('long');
    const n = 10_000;
    const values = Array.from({ length: n }, (_, i) => 3 * Math.exp(-i / 2000) + 0.05 * Math.sin(i));
    values[4999] = 100; // a spike at step 5000
    values[7776] = -50; // a dip at step 7777
    const writer = runs.metricWriter(id);
    values.forEach((v, i) => writer.add('train/loss', i + 1, v, 1000 + i));
    writer.close();

    const { series } = await runs.metrics({ id, keys: ['train/loss'], maxPoints: 400 });
    const s = series[0];
    expect(s.total).toBe(n);
    expect(s.steps.length).toBeLessThanOrEqual(400);
    expect(s.steps.length).toBeGreaterThan(100);
    expect(s.steps[0]).toBe(1);
    expect(s.steps[s.steps.length - 1]).toBe(n);
    expect(s.values[0]).toBe(values[0]);
    expect(s.values[s.values.length - 1]).toBe(values[n - 1]);
    expect(s.values[s.steps.indexOf(5000)]).toBe(100);
    expect(s.values[s.steps.indexOf(7777)]).toBe(-50);
    expect([...s.steps].sort((a, b) => a - b)).toEqual(s.steps);
    // every value and time returned is the stored one at that step
    s.steps.forEach((step, i) => {
      expect(s.values[i]).toBe(values[step - 1]);
      expect(s.times[i]).toBe(1000 + step - 1);
    });
    // a short series comes back whole
    const whole = await runs.metrics({ id, keys: ['train/loss'], maxPoints: 20_000 });
    expect(whole.series[0].steps).toHaveLength(n);
  });

  it('lists every key of a run when no keys are given', async () => {
    const id = newRun();
    const writer = runs.metricWriter(id);
    writer.add('val/loss', 0, 4);
    writer.add('train/loss', 1, 3);
    writer.close();
    const { series } = await runs.metrics({ id, maxPoints: 100 });
    expect(series.map((s) => s.key)).toEqual(['train/loss', 'val/loss']);
  });
});

describe('run rows', () => {
  it('moves through queued → running → completed with timestamps, and refuses to restart a completed run', async () => {
    const id = newRun('lifecycle', 'queued');
    expect(runs.run(id)).toMatchObject({ status: 'queued', startedAt: null, finishedAt: null });
    runs.setStatus(id, 'running', { backend: 'js', threads: 2 });
    const running = runs.run(id);
    expect(running).toMatchObject({ status: 'running', backend: 'js', threads: 2, finishedAt: null });
    expect(running.startedAt).not.toBeNull();
    runs.heartbeat(id, 40, 40 * 1024);
    expect(runs.run(id)).toMatchObject({ step: 40, tokensSeen: 40 * 1024 });
    runs.setStatus(id, 'completed');
    expect(runs.run(id).finishedAt).not.toBeNull();
    const e = await refusal(() => runs.setStatus(id, 'running'));
    expect(e.code).toBe('conflict');
    expect(e.message).toContain('is completed');
  });

  it('keeps the reason of a failure and clears it when a stopped run resumes', () => {
    const id = newRun('stops');
    runs.setStatus(id, 'stopped', { error: 'Stopped on request after step 3.' });
    expect(runs.run(id)).toMatchObject({ status: 'stopped', error: 'Stopped on request after step 3.' });
    runs.setStatus(id, 'running');
    expect(runs.run(id)).toMatchObject({ status: 'running', error: null, finishedAt: null });
  });

  it('clears the reason when a resume queues the run again (error: null), and keeps it when no error is given', () => {
    const id = newRun('requeued');
    runs.setStatus(id, 'stopped', { error: 'Stopped on request after step 5.' });
    runs.setStatus(id, 'stopped');
    expect(runs.run(id).error).toBe('Stopped on request after step 5.');
    runs.setStatus(id, 'queued', { error: null });
    expect(runs.run(id)).toMatchObject({ status: 'queued', error: null });
  });

  it('records artifacts and samples and returns them with the run; the newest checkpoint is found', async () => {
    const id = newRun('files');
    runs.addArtifact(id, { kind: 'checkpoint', path: `runs/${id}/step-10`, sha256: 'a'.repeat(64), bytes: 100, step: 10, meta: { resumable: false } });
    runs.addArtifact(id, { kind: 'checkpoint', path: `runs/${id}/step-20`, sha256: 'b'.repeat(64), bytes: 120, step: 20, meta: { resumable: true } });
    runs.addArtifact(id, { kind: 'checkpoint', path: `runs/${id}/step-30`, sha256: 'c'.repeat(64), bytes: 130, step: 30, meta: { resumable: false } });
    runs.addSample(id, { step: 10, kind: 'continuation', prompt: 'To be', output: ', or not' });
    runs.addSample(id, { step: 20, kind: 'continuation', prompt: 'To be', output: ', or not to be', settings: { temperature: 0.8 } });
    expect(ctx.store.runs.latestCheckpoint(id)?.step).toBe(30);
    expect(ctx.store.runs.latestCheckpoint(id, true)?.step).toBe(20);
    const detail = await runs.get({ id, samples: 1 });
    expect(detail.artifacts.map((a) => a.step)).toEqual([10, 20, 30]);
    expect(detail.samples).toHaveLength(1);
    expect(detail.samples[0]).toMatchObject({ step: 20, output: ', or not to be', settings: { temperature: 0.8 } });
  });

  it('lists runs with chosen metric summaries, tags and notes them, and filters by status', async () => {
    const id = newRun('listed');
    const writer = runs.metricWriter(id);
    writer.add('train/loss', 1, 2);
    writer.add('val/loss', 1, 2.5);
    writer.close();
    await runs.tag({ id, add: ['baseline', 'char'], remove: [] });
    const tagged = await runs.tag({ id, add: ['char'], remove: ['baseline'] });
    expect(tagged.tags).toEqual(['char']);
    expect((await runs.note({ id, notes: 'first try' })).notes).toBe('first try');
    const list = await runs.list({ metrics: ['val/loss'], includeArchived: false });
    const row = list.find((r) => r.id === id);
    expect(Object.keys(row?.metrics ?? {})).toEqual(['val/loss']);
    expect(row?.metrics['val/loss'].last).toBe(2.5);
    const completed = await runs.list({ status: 'completed', includeArchived: false });
    expect(completed.every((r) => r.status === 'completed')).toBe(true);
    expect(completed.some((r) => r.id === id)).toBe(false);
  });

  it('deletes a finished run with its metrics and files, refuses a live one, and names a missing one', async () => {
    const id = newRun('doomed');
    const writer = runs.metricWriter(id);
    writer.add('train/loss', 1, 2);
    writer.close();
    const folder = runFolder(home, id);
    mkdirSync(path.join(folder, 'step-1'), { recursive: true });
    writeFileSync(path.join(folder, 'step-1', 'model.safetensors'), 'x');
    const live = await refusal(runs.delete({ id }));
    expect(live.code).toBe('conflict');
    expect(live.message).toContain('stop it first');
    runs.setStatus(id, 'stopped');
    await runs.delete({ id });
    expect(existsSync(folder)).toBe(false);
    expect(storedCount(id)).toBe(0);
    const gone = await refusal(runs.get({ id, samples: 5 }));
    expect(gone.code).toBe('not_found');
    expect(gone.message).toContain(`no run with id ${id}`);
  });
});

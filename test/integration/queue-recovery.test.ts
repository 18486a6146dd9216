// Runs left 'queued' by an app that crashed: a one-shot CLI command leaves them be, the next long-lived lab (the app,
// `serve`) queues them again in their original order and trains them with real worker processes on a real lab home.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunT } from '../../common/api';
import { createLab, type Lab } from '../../main/lab/index';
import { prepareTraining } from '../../main/lab/runs/training';
import { openStore } from '../../main/store/db';
import { storyText } from '../unit/compare/story';

let home: string;
let lab: Lab;
const changes: Array<{ id: number; status: string }> = [];
/** the highest step each run's live metric events reached */
const steps = new Map<number, number>();

const TINY = { dataset: 'story', family: 'gpt' as const, preset: 'tiny' as const, batchSize: 4, threads: 1 };

const run = (id: number): Promise<RunT> => lab.call('runs.get', { id, samples: 0 }) as Promise<RunT>;

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function open(mode: 'cli' | 'browser'): Lab {
  const l = createLab({ home, mode, jobs: { concurrency: 1 } });
  l.on((event, payload) => {
    if (event === 'runs.changed') changes.push(payload as { id: number; status: string });
    if (event === 'runs.metrics') {
      const p = payload as { runId: number; points: Array<{ step: number }> };
      steps.set(p.runId, Math.max(steps.get(p.runId) ?? 0, ...p.points.map((x) => x.step)));
    }
  });
  return l;
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'lab-queue-'));
  writeFileSync(join(home, 'story.txt'), storyText());
  lab = open('cli');
  await lab.call('datasets.import', { path: join(home, 'story.txt'), name: 'story', mode: 'paragraphs' });
});

afterAll(() => {
  lab?.close();
  rmSync(home, { recursive: true, force: true });
});

describe('the queue a crashed app left', () => {
  it('is left alone by one-shot CLI commands and taken over, in order, by the next long-lived lab', async () => {
    // a run stopped with a checkpoint, which the crashed app had queued to resume
    const resumed = (await lab.call('runs.start', { ...TINY, steps: 300, name: 'resumed' })) as RunT;
    await until('steps of the run to stop', () => ((steps.get(resumed.id) ?? 0) >= 3 ? true : undefined));
    await lab.call('runs.stop', { id: resumed.id });
    await lab.jobs.scheduler.idle([resumed.id]);
    const stoppedAt = await run(resumed.id);
    expect(stoppedAt.status).toBe('stopped');
    expect(stoppedAt.step).toBeLessThan(300);

    // what the crashed app's scheduler had written: one run training, then a new run, the resume and a new run queued
    const runs = lab.training.runs;
    const training = (await prepareTraining(lab.training, { ...TINY, steps: 6, name: 'training at the crash' })).runId;
    const first = (await prepareTraining(lab.training, { ...TINY, family: 'bert', steps: 6, name: 'queued first', queued: true })).runId;
    await new Promise((r) => setTimeout(r, 5));
    runs.setStatus(resumed.id, 'queued', { error: null });
    await new Promise((r) => setTimeout(r, 5));
    const third = (await prepareTraining(lab.training, { ...TINY, steps: 6, name: 'queued third', queued: true })).runId;
    lab.close();
    // the crash was ten minutes ago: every timestamp moves back by as much, so their order is kept
    const db = openStore(join(home, 'lab.sqlite'), { recover: false });
    const back = (col: string): string => `${col} = strftime('%Y-%m-%dT%H:%M:%fZ', ${col}, '-10 minutes')`;
    db.prepare(`UPDATE runs SET ${back('created_at')}, ${back('started_at')}, ${back('heartbeat_at')} WHERE id IN (?, ?, ?, ?)`)
      .run(training, first, resumed.id, third);
    db.close();

    // a one-shot command: the training run is marked crashed, the queue stays as it was, nothing trains
    lab = open('cli');
    expect((await run(training)).status).toBe('crashed');
    for (const id of [first, resumed.id, third]) expect((await run(id)).status, `run ${id}`).toBe('queued');
    await new Promise((r) => setTimeout(r, 100));
    expect(lab.jobs.scheduler.snapshot()).toEqual({ running: [], queued: [] });
    lab.close();

    // the app (here the browser-mode lab): the queue resumes in its order, the new runs from step 0, the resume from its checkpoint
    const from = changes.length;
    lab = open('browser');
    const snapshot = await until('the adopted queue', () => {
      const s = lab.jobs.scheduler.snapshot();
      return s.running.length > 0 ? s : undefined;
    });
    expect(snapshot).toEqual({ running: [first], queued: [resumed.id, third] });
    await lab.jobs.scheduler.idle([first, resumed.id, third]);
    const started = changes.slice(from).filter((c) => c.status === 'running').map((c) => c.id);
    expect([...new Set(started)]).toEqual([first, resumed.id, third]);
    const done = await Promise.all([first, resumed.id, third].map(run));
    expect(done.map((r) => [r.status, r.step])).toEqual([['completed', 6], ['completed', 300], ['completed', 6]]);
    expect(done[1].metrics['train/loss'].count).toBe(300);
    // the run that was training when the app died is not restarted behind the person's back: it waits, crashed
    expect((await run(training)).status).toBe('crashed');
  }, 120_000);

  it('moves on to the next queued run even when something told of a run\'s end throws', async () => {
    // before, a throwing onSettled listener (or final-status event) skipped the queue's next start: a queued resume waited forever
    const off = lab.jobs.scheduler.onSettled(() => {
      throw new Error('a listener that fails');
    });
    const a = (await lab.call('runs.start', { ...TINY, steps: 4, name: 'ends first' })) as RunT;
    const b = (await lab.call('runs.start', { ...TINY, steps: 4, name: 'queued behind it' })) as RunT;
    expect(b.status).toBe('queued');
    await lab.jobs.scheduler.idle([a.id, b.id]);
    off();
    expect((await run(a.id)).status).toBe('completed');
    expect((await run(b.id)).status).toBe('completed');
  }, 60_000);
});

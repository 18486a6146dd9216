// The job scheduler with real worker processes on a real lab home: queue order at concurrency 1, stop, pause and
// resume, a worker killed with SIGKILL (crashed, metrics kept up to the last flush, resumed), crash detection at
// lab start, throttled events, and a run refused on a dataset that is being deleted.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunT } from '../../common/api';
import type { JobScheduler } from '../../main/lab/runs/scheduler';
import { createLab, type Lab } from '../../main/lab/index';
import { storyText } from '../unit/compare/story';

let home: string;
let lab: Lab;
const events: Array<{ event: string; payload: unknown; at: number }> = [];

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

const stepOf = (id: number): number => {
  const last = events.filter((e) => e.event === 'runs.metrics' && (e.payload as { runId: number }).runId === id).at(-1);
  return last ? Math.max(...(last.payload as { points: Array<{ step: number }> }).points.map((p) => p.step)) : 0;
};

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'lab-sched-'));
  writeFileSync(join(home, 'story.txt'), storyText());
  lab = createLab({ home, mode: 'cli', jobs: { concurrency: 1 } });
  lab.on((event, payload) => events.push({ event, payload, at: Date.now() }));
  await lab.call('datasets.import', { path: join(home, 'story.txt'), name: 'story', mode: 'paragraphs' });
});

afterAll(() => {
  lab?.close();
  rmSync(home, { recursive: true, force: true });
});

describe('job scheduler', () => {
  it('runs queued jobs one at a time in the order they were started, in worker processes', async () => {
    const a = (await lab.call('runs.start', { ...TINY, steps: 12, name: 'first' })) as RunT;
    const b = (await lab.call('runs.start', { ...TINY, family: 'bert', steps: 12, name: 'second' })) as RunT;
    expect(b.status).toBe('queued');
    const status = (await lab.call('jobs.status', {})) as { running: number[]; queued: number[]; concurrency: number };
    expect(status.concurrency).toBe(1);
    expect(status.running).toEqual([a.id]);
    expect(status.queued).toEqual([b.id]);
    const pid = await until('a worker pid', () => jobsScheduler().pidOf(a.id));
    expect(pid).not.toBe(process.pid);
    await jobsScheduler().idle();
    const [ra, rb] = [await run(a.id), await run(b.id)];
    expect([ra.status, rb.status]).toEqual(['completed', 'completed']);
    expect(ra.step).toBe(12);
    expect(Date.parse(rb.startedAt as string)).toBeGreaterThanOrEqual(Date.parse(ra.finishedAt as string));
    expect(ra.metrics['system/peak_rss_mb']?.max).toBeGreaterThan(10);
    // events: the status moves in order, and metric batches of one run come at most ~10 a second
    const statuses = events.filter((e) => e.event === 'runs.changed' && (e.payload as { id: number }).id === a.id).map((e) => (e.payload as { status: string }).status);
    expect(statuses[0]).toBe('queued');
    expect(statuses.at(-1)).toBe('completed');
    const batches = events.filter((e) => e.event === 'runs.metrics' && (e.payload as { runId: number }).runId === a.id);
    expect(batches.length).toBeGreaterThan(0);
    // the last batch may come early: a status change (here 'completed') flushes what is pending at once, by design
    for (let i = 1; i < batches.length - 1; i++) expect(batches[i].at - batches[i - 1].at).toBeGreaterThanOrEqual(90);
  });

  it('stops a running job with a resumable checkpoint, and pauses and resumes another to its end', async () => {
    const s = (await lab.call('runs.start', { ...TINY, steps: 5000, name: 'to stop' })) as RunT;
    await until('steps of the run to stop', () => (stepOf(s.id) >= 3 ? true : undefined));
    await lab.call('runs.stop', { id: s.id });
    await jobsScheduler().idle([s.id]);
    const stopped = await run(s.id);
    expect(stopped.status).toBe('stopped');
    const detail = (await lab.call('runs.get', { id: s.id, samples: 0 })) as { artifacts: Array<{ kind: string; meta: Record<string, unknown> }> };
    expect(detail.artifacts.some((x) => x.kind === 'checkpoint' && x.meta.reason === 'stop')).toBe(true);

    const p = (await lab.call('runs.start', { ...TINY, steps: 40, name: 'to pause' })) as RunT;
    await until('steps of the run to pause', () => (stepOf(p.id) >= 3 ? true : undefined));
    await lab.call('runs.pause', { id: p.id });
    await jobsScheduler().idle([p.id]);
    const paused = await run(p.id);
    expect(paused.status).toBe('paused');
    expect(paused.step).toBeLessThan(40);
    await lab.call('runs.resume', { id: p.id });
    await jobsScheduler().idle([p.id]);
    const done = await run(p.id);
    expect(done.status).toBe('completed');
    expect(done.step).toBe(40);
    expect(done.metrics['train/loss'].count).toBe(40);
  });

  it('marks a job whose worker is killed with SIGKILL as crashed, keeps its flushed metrics, and resumes it', async () => {
    const r = (await lab.call('runs.start', { ...TINY, steps: 400, checkpointEvery: 10, evalEvery: 1000, name: 'to kill' })) as RunT;
    await until('a checkpoint and steps after it', async () => {
      const d = (await lab.call('runs.get', { id: r.id, samples: 0 })) as { artifacts: Array<{ kind: string }>; metrics: RunT['metrics'] };
      return d.artifacts.some((a) => a.kind === 'checkpoint') && (d.metrics['train/loss']?.count ?? 0) >= 15 ? true : undefined;
    });
    process.kill(jobsScheduler().pidOf(r.id) as number, 'SIGKILL');
    await jobsScheduler().idle([r.id]);
    const crashed = await run(r.id);
    expect(crashed.status).toBe('crashed');
    expect(crashed.error).toMatch(/killed by SIGKILL.*last heartbeat 20\d\d-/);
    expect(crashed.metrics['train/loss'].count).toBeGreaterThanOrEqual(15);
    const status = (await lab.call('jobs.status', {})) as { resumable: RunT[] };
    expect(status.resumable.map((x) => x.id)).toContain(r.id);

    await lab.call('runs.resume', { id: r.id });
    await jobsScheduler().idle([r.id]);
    const resumed = await run(r.id);
    expect(resumed.status).toBe('completed');
    expect(resumed.step).toBe(400);
    expect(resumed.metrics['train/loss'].count).toBe(400);
  });

  it('refuses to start a run on a dataset that is being deleted', async () => {
    writeFileSync(join(home, 'other.txt'), storyText(10));
    await lab.call('datasets.import', { path: join(home, 'other.txt'), name: 'doomed', mode: 'paragraphs' });
    lab.ctx.db.prepare("UPDATE datasets SET status = 'deleting' WHERE name = 'doomed'").run();
    await expect(lab.call('runs.start', { ...TINY, dataset: 'doomed', steps: 5 })).rejects.toThrow(/Dataset "doomed" is being deleted, so no run can start on it/);
  });

  it('queues two experiments started at once instead of running their jobs side by side', async () => {
    const from = events.length;
    const [x, y] = (await Promise.all([
      lab.call('experiments.create', { dataset: 'story', budget: { steps: 6 }, seeds: 1 }),
      lab.call('experiments.create', { dataset: 'story', budget: { steps: 6 }, seeds: 1 }),
    ])) as Array<{ id: number; runs: RunT[] }>;
    const ids = [...x.runs, ...y.runs].map((r) => r.id);
    expect(new Set(ids).size).toBe(4);
    await jobsScheduler().idle(ids);
    const status = new Map<number, string>();
    let most = 0;
    for (const e of events.slice(from)) {
      if (e.event !== 'runs.changed') continue;
      const p = e.payload as { id: number; status: string };
      status.set(p.id, p.status);
      most = Math.max(most, [...status.values()].filter((s) => s === 'running').length);
    }
    expect(most).toBe(1);
    for (const id of ids) expect((await run(id)).status).toBe('completed');
  });

  it('marks runs left running by a dead app as crashed when the lab starts again, and lists them for resume', async () => {
    const r = (await lab.call('runs.start', { ...TINY, steps: 20, checkpointEvery: 5, name: 'orphan' })) as RunT;
    await jobsScheduler().idle([r.id]);
    // what a dead app leaves behind: 'running' with a heartbeat minutes old
    lab.ctx.db.prepare("UPDATE runs SET status = 'running', finished_at = NULL, heartbeat_at = ? WHERE id = ?").run(new Date(Date.now() - 5 * 60_000).toISOString(), r.id);
    // and a lab closed cleanly mid-run: its worker is ended, the run crashed (resumable), the queued one stopped
    const live = (await lab.call('runs.start', { ...TINY, steps: 5000, name: 'live at close' })) as RunT;
    const waiting = (await lab.call('runs.start', { ...TINY, steps: 5, name: 'queued at close' })) as RunT;
    await until('steps of the live run', () => (stepOf(live.id) >= 2 ? true : undefined));
    lab.close();
    lab = createLab({ home, mode: 'cli', jobs: { concurrency: 1 } });
    const after = await run(r.id);
    expect(after.status).toBe('crashed');
    expect(after.error).toMatch(/last heartbeat/);
    const status = (await lab.call('jobs.status', {})) as { resumable: RunT[] };
    expect(status.resumable.map((x) => x.id)).toContain(r.id);
    const [closedLive, closedQueued] = [await run(live.id), await run(waiting.id)];
    expect(closedLive.status).toBe('crashed');
    expect(closedLive.error).toMatch(/The lab closed while this run was training/);
    expect(closedQueued.status).toBe('stopped');
  });
});

/** The lab's scheduler, for waiting and for the worker's pid (the API has no channel for either). */
function jobsScheduler(): JobScheduler {
  return lab.jobs.scheduler;
}

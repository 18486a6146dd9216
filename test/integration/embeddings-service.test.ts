// Static embeddings through the lab (issue 15): a real lab home with its SQLite file, a dataset imported from text,
// training in the foreground and queued (in the scheduler's job worker), stop, pause, resume and a killed worker, neighbours and analogies with the sentences for unknown
// words, a too-small corpus refused with its word count, export → import round trip, bad vectors files; and the real
// CLI executable (`attention-lab embeddings …`) on the same corpus.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLab, type Lab } from '../../main/lab/index';
import type { ChannelOutput } from '../../common/api';
import { runCli } from '../../main/cli/index';

const BIN = join(import.meta.dirname, '..', '..', 'main', 'cli', 'bin.mjs');
// the shared test data lives beside the checkout (../shared), or two levels up from a worktree under wt/
const SHAKESPEARE = [join(import.meta.dirname, '..', '..', '..', 'shared'), join(import.meta.dirname, '..', '..', '..', '..', 'shared')]
  .map((d) => join(d, 'data', 'tinyshakespeare.txt')).find((f) => existsSync(f)) ?? 'tinyshakespeare.txt (missing: ../shared/data)';

let home: string;
let lab: Lab;
/** the Word2Vec run the service tests train (the CLI tests query it too) */
let w2v: number;
const SMALL = { dim: 24, epochs: 2, minCount: 3, threads: 1 };

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'lab-emb-'));
  // the first 150 kB: ~27,000 words, enough for "rome" and friends, trains in well under a second
  writeFileSync(join(home, 'plays.txt'), readFileSync(SHAKESPEARE, 'utf8').slice(0, 150_000));
  writeFileSync(join(home, 'tiny.txt'), 'to be or not to be\nthat is the question\n');
  lab = createLab({ home, mode: 'cli' });
  await lab.call('datasets.import', { path: join(home, 'plays.txt'), name: 'plays' });
  await lab.call('datasets.import', { path: join(home, 'tiny.txt'), name: 'tiny' });
});

afterAll(() => {
  lab?.close();
  rmSync(home, { recursive: true, force: true });
});

async function getRun(id: number): Promise<ChannelOutput<'runs.get'>> {
  return await lab.call('runs.get', { id }) as ChannelOutput<'runs.get'>;
}

/** Polls a run until `ok` (a worker starts in a second or two; a loaded machine takes longer). */
async function until(id: number, ok: (r: ChannelOutput<'runs.get'>) => boolean): Promise<ChannelOutput<'runs.get'>> {
  const deadline = Date.now() + 150_000;
  while (Date.now() < deadline) {
    const r = await getRun(id);
    if (ok(r)) return r;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`run ${id} never got there: ${JSON.stringify(await getRun(id))}`);
}

async function runCount(): Promise<number> {
  return (await lab.call('runs.list', { includeArchived: true }) as unknown[]).length;
}

describe('embeddings service', () => {
  it('refuses a corpus too small for min-count with its word count and a min-count that works, recording nothing', async () => {
    const before = await runCount();
    await expect(lab.call('embeddings.train', { dataset: 'tiny', method: 'word2vec' }))
      .rejects.toThrow(/dataset "tiny" has 10 words \(8 distinct\), and min-count 5 leaves no words to train; lower --min-count to 1 \(it keeps 8 words\)/);
    await expect(lab.call('embeddings.train', { dataset: 'plays', method: 'word2vec', settings: { dim: 0 } })).rejects.toThrow(/settings\.dim/);
    await expect(lab.call('embeddings.train', { dataset: 'nope', method: 'glove' })).rejects.toThrow(/There is no dataset called "nope"/);
    expect(await runCount()).toBe(before);
  });

  it('trains Word2Vec skip-gram in the foreground as a run: loss and words/s metrics, epoch checkpoints, final vectors', async () => {
    const steps: number[] = [];
    const o = await lab.embeddings.trainForeground({ dataset: 'plays', method: 'word2vec', settings: { ...SMALL, sg: true }, chinese: 'char', lowercase: true },
      { progress: (p) => steps.push(p.step) });
    expect(o.status).toBe('completed');
    expect(o.vocabulary).toBeGreaterThan(500);
    expect(o.steps).toBe(o.totalSteps);
    expect(o.totalSteps).toBe(2 * o.corpusWords);
    expect(steps.length).toBeGreaterThan(1);
    w2v = o.runId;
    const run = await lab.call('runs.get', { id: w2v }) as ChannelOutput<'runs.get'>;
    expect(run.family).toBe('word2vec');
    expect(run.status).toBe('completed');
    expect(run.metrics['train/loss'].count).toBeGreaterThan(1);
    expect(run.metrics['train/tokens_per_s'].last).toBeGreaterThan(0);
    expect(run.metrics['train/grad_norm']).toBeUndefined();
    expect(await lab.call('embeddings.checkpoints', { runId: w2v })).toEqual(['epoch-001', 'final']);
    const listed = await lab.call('embeddings.runs', {}) as ChannelOutput<'embeddings.runs'>;
    expect(listed.find((r) => r.runId === w2v)).toMatchObject({ family: 'word2vec', dim: 24, checkpoints: ['epoch-001', 'final'] });
  });

  it('answers neighbours and analogies, and names the nearest spellings of a word it does not know', async () => {
    const n = await lab.call('embeddings.neighbors', { runId: w2v, word: 'rome', k: 5 }) as ChannelOutput<'embeddings.neighbors'>;
    expect(n.inVocabulary).toBe(true);
    expect(n.neighbors).toHaveLength(5);
    expect(n.neighbors.map((x) => x.label)).not.toContain('rome');
    expect(n.neighbors[0].similarity).toBeGreaterThanOrEqual(n.neighbors[4].similarity);
    const a = await lab.call('embeddings.analogy', { runId: w2v, a: 'his', b: 'he', c: 'she' }) as ChannelOutput<'embeddings.analogy'>;
    expect(a.neighbors).toHaveLength(10);
    expect(a.neighbors.map((x) => x.label)).not.toContain('she');
    await expect(lab.call('embeddings.neighbors', { runId: w2v, word: 'romee' }))
      .rejects.toThrow(/"romee" is not in the vocabulary of run \d+ \("plays-word2vec-sg"\) \([\d,]+ words\); the nearest spellings in it are "rome"/);
    await expect(lab.call('embeddings.neighbors', { runId: w2v, word: 'rome', checkpoint: 'epoch-009' })).rejects.toThrow(/has no checkpoint "epoch-009"; its checkpoints are epoch-001, final/);
  });

  it('stops cleanly with a resumable checkpoint and resumes to the end (FastText CBOW; unseen words from n-grams)', async () => {
    let calls = 0;
    const stopped = await lab.embeddings.trainForeground({ dataset: 'plays', method: 'fasttext', settings: { ...SMALL, buckets: 20000 }, chinese: 'char', lowercase: true },
      { shouldStop: () => ++calls > 2 });
    expect(stopped.status).toBe('stopped');
    expect((await lab.call('runs.get', { id: stopped.runId }) as ChannelOutput<'runs.get'>).status).toBe('stopped');
    const resumed = await lab.embeddings.trainForeground({ resume: stopped.runId });
    expect(resumed.status).toBe('completed');
    expect(resumed.runId).toBe(stopped.runId);
    expect(resumed.steps).toBe(resumed.totalSteps);
    const n = await lab.call('embeddings.neighbors', { runId: stopped.runId, word: 'romeward', k: 3 }) as ChannelOutput<'embeddings.neighbors'>;
    expect(n.inVocabulary).toBe(false);
    expect(n.neighbors).toHaveLength(3);
  });

  it('trains a queued GloVe run (embeddings.train) to completion with its objective', async () => {
    const started = await lab.call('embeddings.train', { dataset: 'plays', method: 'glove', settings: { dim: 16, epochs: 3, minCount: 3, threads: 1 } }) as ChannelOutput<'embeddings.train'>;
    expect(started.totalSteps).toBe(3 * started.corpusWords);
    const run = await until(started.runId, (r) => ['completed', 'failed', 'crashed'].includes(r.status));
    expect(run.status, run.error ?? '').toBe('completed');
    expect(run.family).toBe('glove');
    expect(run.step).toBe(started.totalSteps);
    expect(run.metrics['train/loss'].count).toBeGreaterThan(0);
    expect(await lab.call('embeddings.checkpoints', { runId: started.runId })).toEqual(['epoch-001', 'epoch-002', 'final']);
  }, 300_000); // job workers start tsx: slow on a loaded machine

  it('trains a queued run in a job worker: runs.stop with a resumable checkpoint, runs.resume takes it to the end', async () => {
    const started = await lab.call('embeddings.train', { dataset: 'plays', method: 'word2vec', settings: { dim: 16, epochs: 40, minCount: 3, threads: 1 } }) as ChannelOutput<'embeddings.train'>;
    const metrics: number[] = [];
    const off = lab.on((event, payload) => {
      if (event === 'runs.metrics' && (payload as { runId: number }).runId === started.runId) metrics.push(started.runId);
    });
    await until(started.runId, (r) => r.status === 'running' && r.step > 0);
    // the scheduler's worker process trains it, not the lab's own
    const pid = lab.jobs.scheduler.pidOf(started.runId);
    expect(pid).toBeTypeOf('number');
    expect(pid).not.toBe(process.pid);
    await lab.call('runs.stop', { id: started.runId });
    const stopped = await until(started.runId, (r) => r.status !== 'running');
    expect(stopped.status).toBe('stopped');
    expect(stopped.step).toBeLessThan(started.totalSteps);
    expect(lab.jobs.scheduler.pidOf(started.runId)).toBeUndefined();
    await lab.call('runs.resume', { id: started.runId });
    const done = await until(started.runId, (r) => ['completed', 'failed', 'crashed'].includes(r.status));
    off();
    expect(done.status, done.error ?? '').toBe('completed');
    expect(done.step).toBe(started.totalSteps);
    // live metrics came through the scheduler's job events
    expect(metrics.length).toBeGreaterThan(0);
  }, 300_000); // job workers start tsx: slow on a loaded machine

  it('pauses a worker run, resumes it in a new worker, and recovers a killed worker from its last checkpoint', async () => {
    const started = await lab.call('embeddings.train', { dataset: 'plays', method: 'fasttext', settings: { dim: 16, epochs: 40, minCount: 3, threads: 1, sg: false } }) as ChannelOutput<'embeddings.train'>;
    await until(started.runId, (r) => r.status === 'running' && r.step > 0);
    const first = lab.jobs.scheduler.pidOf(started.runId) as number;
    await lab.call('runs.pause', { id: started.runId });
    const paused = await until(started.runId, (r) => r.status !== 'running');
    expect(paused.status).toBe('paused');
    await lab.call('runs.resume', { id: started.runId });
    const again = await until(started.runId, (r) => r.status === 'running' && r.step > paused.step && lab.jobs.scheduler.pidOf(r.id) !== undefined);
    const second = lab.jobs.scheduler.pidOf(started.runId) as number;
    expect(second).not.toBe(first);
    expect(again.step).toBeGreaterThan(paused.step);
    // a kernel crash or a killed worker takes only that process down: the run is marked crashed, the lab goes on
    process.kill(second, 'SIGKILL');
    const crashed = await until(started.runId, (r) => r.status !== 'running');
    expect(crashed.status).toBe('crashed');
    expect(crashed.error).toMatch(/killed by SIGKILL/);
    await lab.call('runs.resume', { id: started.runId });
    const done = await until(started.runId, (r) => ['completed', 'failed', 'crashed'].includes(r.status));
    expect(done.status, done.error ?? '').toBe('completed');
    expect(done.step).toBe(started.totalSteps);
    expect(await lab.call('embeddings.checkpoints', { runId: started.runId })).toContain('final');
  }, 300_000); // job workers start tsx: slow on a loaded machine

  it('exports word2vec text/binary and projector TSV, and imports them back as runs with the same neighbours', async () => {
    const want = (await lab.call('embeddings.neighbors', { runId: w2v, word: 'rome', k: 5 }) as ChannelOutput<'embeddings.neighbors'>).neighbors.map((x) => x.label);
    for (const format of ['w2v-text', 'w2v-bin', 'projector'] as const) {
      const out = join(home, `export-${format}${format === 'projector' ? '' : '.vec'}`);
      const e = await lab.call('embeddings.export', { runId: w2v, format, out }) as ChannelOutput<'embeddings.export'>;
      expect(e.dim).toBe(24);
      for (const f of e.files) expect(existsSync(f)).toBe(true);
      const imported = await lab.call('embeddings.import', {
        path: e.files[0], format, ...(format === 'projector' ? { metadataPath: e.files[1] } : {}), name: `back-${format}`,
      }) as ChannelOutput<'embeddings.import'>;
      expect(imported.words).toBe(e.words);
      const got = (await lab.call('embeddings.neighbors', { runId: imported.runId, word: 'rome', k: 5 }) as ChannelOutput<'embeddings.neighbors'>).neighbors.map((x) => x.label);
      expect(got, format).toEqual(want);
    }
  });

  it('refuses a damaged vectors file naming the line, and records no run', async () => {
    const before = await runCount();
    const bad = join(home, 'ragged.txt');
    writeFileSync(bad, '3 2\nking 0.1 0.2\nqueen 0.3\nman 0.5 0.6\n');
    await expect(lab.call('embeddings.import', { path: bad, format: 'w2v-text' })).rejects.toThrow(/[Ll]ine 3/);
    writeFileSync(bad, '2 2\nking 0.1 NaN\nqueen 0.3 0.4\n');
    await expect(lab.call('embeddings.import', { path: bad, format: 'w2v-text' })).rejects.toThrow(/[Ll]ine 2/);
    expect(await runCount()).toBe(before);
  });

  it('names a run that does not exist', async () => {
    await expect(lab.call('embeddings.neighbors', { runId: 999, word: 'rome' })).rejects.toThrow(/999/);
  });
});

interface Cli { code: number; stdout: string; stderr: string }

function cli(...args: string[]): Promise<Cli> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, '--home', home, ...args], { env: { ...process.env, LANG: 'en_US.UTF-8' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** The CLI in this process (the code path after bin.mjs), for the checks that need no separate process. */
async function inProcess(...args: string[]): Promise<Cli> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['--home', home, ...args], { stdout: (x) => { stdout += x; }, stderr: (x) => { stderr += x; }, env: { LANG: 'en_US.UTF-8' } });
  return { code, stdout, stderr };
}

describe('attention-lab embeddings', () => {
  it('trains with --json (the real executable), then lists neighbours, an analogy and exports', async () => {
    const t = await cli('embeddings', 'train', '--dataset', 'plays', '--method', 'word2vec', '--cbow', '--dim', '16', '--epochs', '1', '--min-count', '3', '--threads', '1', '--json');
    expect(t.code, t.stderr).toBe(0);
    const trained = JSON.parse(t.stdout) as { runId: number; status: string; vocabulary: number };
    expect(trained.status).toBe('completed');
    expect(t.stderr).toMatch(/words\/s/);
    // the corpus line of the preparation comes through the lab's runs.log event (the run trains in a job worker)
    expect(t.stderr).toMatch(/dataset "plays": [\d,]+ words of a [\d,]+-word vocabulary \(min-count 3\)\./);
    const n = await cli('embeddings', 'neighbors', String(trained.runId), 'rome', '--k', '3', '--json');
    expect(n.code, n.stderr).toBe(0);
    const nj = JSON.parse(n.stdout) as { neighbors: { label: string; similarity: number }[] };
    expect(nj.neighbors).toHaveLength(3);
    const human = await inProcess('embeddings', 'analogy', String(trained.runId), 'his', 'he', 'she');
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/his − he \+ she in run \d+ \(final\)/);
    const out = join(home, 'cli-export.bin');
    const e = await inProcess('embeddings', 'export', String(trained.runId), '--format', 'w2v-bin', '--out', out);
    expect(e.code, e.stderr).toBe(0);
    expect(existsSync(out)).toBe(true);
    const listed = await inProcess('embeddings', 'list');
    expect(listed.stdout).toMatch(/plays-word2vec-cbow/);
  }, 180_000); // two real processes: each starts tsx, slow on a loaded machine

  it('says what is wrong: a missing --method, a bad method, a corpus too small, an unknown word', async () => {
    const m = await inProcess('embeddings', 'train', '--dataset', 'plays');
    expect(m.code).toBe(2);
    expect(m.stderr).toMatch(/--method is required/);
    const bad = await inProcess('embeddings', 'train', '--dataset', 'plays', '--method', 'lsa');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/"method".*"word2vec", "fasttext", "glove".*"lsa"/);
    const budget = await inProcess('embeddings', 'train', '--dataset', 'plays', '--method', 'glove', '--memory-mb', '8');
    expect(budget.code).toBe(2);
    expect(budget.stderr).toContain('--memory-mb expects a whole number of MiB from 16 to 1048576 (GloVe\'s budget for counting co-occurrences; 1024 by default), got 8.');
    const notGlove = await inProcess('embeddings', 'train', '--dataset', 'plays', '--method', 'word2vec', '--memory-mb', '64');
    expect(notGlove.stderr).toContain('--memory-mb is GloVe\'s memory budget; "word2vec" has none');
    const small = await inProcess('embeddings', 'train', '--dataset', 'tiny', '--method', 'glove');
    expect(small.code).not.toBe(0);
    expect(small.stderr).toMatch(/10 words .* lower --min-count to 1/);
    const unknown = await inProcess('embeddings', 'neighbors', String(w2v), 'romee');
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/nearest spellings in it are "rome"/);
  });
});

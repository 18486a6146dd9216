// The projector.* channels and `embeddings project` on real parts: a real SQLite lab home, a tiny GPT trained here
// (token table, positions, contextual states at two checkpoints), Word2Vec vectors trained by the lab's kernels into a
// word-vector run, a word2vec text file; projections run in the analysis worker and stream their frames as events.
// Neighbours are checked against a brute-force cosine over the checkpoint's own weights.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelInput, ChannelName, ChannelOutput, EventPayload } from '../../common/api';
import { runCli } from '../../main/cli/index';
import { createLab, type Lab } from '../../main/lab/index';
import { runFolder } from '../../main/lab/runs/service';
import { trainRun } from '../../main/lab/runs/training';
import { embeddingConfig } from '../../main/ml/embeddings/config';
import { trainEmbeddings } from '../../main/ml/embeddings/train';
import { loadForInference } from '../../main/ml/inference';
import { getKernels } from '../../native-kernels/index';
import { getEmbeddingKernels } from '../../native-kernels/embeddings';
import { storyText } from '../unit/compare/story';

let home: string;
let lab: Lab;
let gptId: number;
let w2vId: number;
const events: Array<{ event: string; payload: unknown }> = [];

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

function floats(b64: string): Float32Array {
  const b = Buffer.from(b64, 'base64');
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/** Starts a projection and waits for its end: the frames it streamed and its done (or failed) event. */
async function projectAndWait(input: ChannelInput<'projector.project'>, onFirstFrame?: (jobId: number) => Promise<void>) {
  const { jobId } = await call('projector.project', input);
  const frames: EventPayload<'projector.frame'>[] = [];
  let first = true;
  for (;;) {
    const i = events.findIndex((e) => (e.payload as { jobId: number }).jobId === jobId);
    if (i < 0) {
      await new Promise((r) => setTimeout(r, 20));
      continue;
    }
    const { event, payload } = events.splice(i, 1)[0];
    if (event === 'projector.frame') {
      frames.push(payload as EventPayload<'projector.frame'>);
      if (first && onFirstFrame) await onFirstFrame(jobId);
      first = false;
    } else if (event === 'projector.done') {
      return { jobId, frames, done: payload as EventPayload<'projector.done'>, failed: null };
    } else if (event === 'projector.failed') {
      return { jobId, frames, done: null, failed: payload as EventPayload<'projector.failed'> };
    }
  }
}

const STORY = storyText(80);

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'lab-projector-'));
  writeFileSync(join(home, 'story.txt'), STORY);
  lab = createLab({ home, mode: 'cli', jobs: { concurrency: 1 } });
  lab.on((event, payload) => {
    if (event.startsWith('projector.')) events.push({ event, payload });
  });
  await lab.call('datasets.import', { path: join(home, 'story.txt'), name: 'story', mode: 'paragraphs' });
  gptId = (await trainRun(lab.training, { dataset: 'story', preset: 'tiny', steps: 6, checkpointEvery: 3, batchSize: 4, evalEvery: 6, seed: 3, family: 'gpt', name: 'gpt-tiny' })).runId;
  // a word-vector run as issue 15a's job leaves it: a runs row of family word2vec, vectors under runs/<id>/vectors/
  const info = lab.ctx.db.prepare(`INSERT INTO runs (name, family, config_json, seed, status, created_at)
    VALUES ('w2v-story', 'word2vec', '{}', 1, 'completed', ?)`).run(new Date().toISOString());
  w2vId = Number(info.lastInsertRowid);
  const sentences = STORY.toLowerCase().split(/[.\n]+/).map((s) => s.trim().split(/\s+/).filter(Boolean)).filter((s) => s.length > 0);
  const dir = runFolder(home, w2vId);
  mkdirSync(dir, { recursive: true });
  await trainEmbeddings(getEmbeddingKernels(), {
    config: embeddingConfig({ method: 'word2vec', sg: true, dim: 16, window: 3, epochs: 3, minCount: 1, threads: 1 }),
    sentences: () => sentences, corpusName: 'story', dir, resume: false,
  }, { progress: () => undefined, shouldStop: () => false });
}, 240_000);

afterAll(() => {
  lab?.close();
  rmSync(home, { recursive: true, force: true });
});

describe('projector sources and sets', () => {
  it('lists the GPT run with its checkpoints and layers, and the word-vector run with its epochs and final', async () => {
    const sources = await call('projector.sources', {});
    const gpt = sources.find((s) => s.runId === gptId)!;
    expect(gpt).toMatchObject({ family: 'gpt', kinds: ['token-embedding', 'position-embedding', 'contextual'], checkpoints: ['step-3', 'step-6'], layers: 2 });
    const w2v = sources.find((s) => s.runId === w2vId)!;
    expect(w2v.kinds).toEqual(['run-vectors']);
    expect(w2v.checkpoints.at(-1)).toBe('final');
  });

  it('token table: every token with its label; neighbours equal a brute-force cosine over the checkpoint’s wte', async () => {
    const set = await call('projector.open', { source: { kind: 'token-embedding', runId: gptId } });
    expect(set.checkpoint).toBe('step-6');
    const { model, tokenizer } = loadForInference(getKernels(), join(home, 'runs', String(gptId), 'step-6'));
    const C = model.config.dModel;
    expect([set.N, set.dim]).toEqual([tokenizer.vocabSize, C]);
    const wte = model.params.view('wte');
    const row = set.labels.indexOf('e');
    expect(row).toBeGreaterThanOrEqual(0);
    const cos = (i: number, j: number): number => {
      let d = 0, a = 0, b = 0;
      for (let c = 0; c < C; c++) {
        d += wte[i * C + c] * wte[j * C + c];
        a += wte[i * C + c] ** 2;
        b += wte[j * C + c] ** 2;
      }
      return d / Math.sqrt(a * b);
    };
    const expected = set.labels.map((_, j) => j).filter((j) => j !== row).sort((x, y) => cos(row, y) - cos(row, x)).slice(0, 5);
    const { neighbors } = await call('projector.neighbors', { key: set.key, index: row, k: 5, metric: 'cosine' });
    expect(neighbors.map((n) => n.index)).toEqual(expected);
    neighbors.forEach((n) => expect(n.similarity!).toBeCloseTo(cos(row, n.index), 4));
  });

  it('contextual: one point per token of each text at the chosen layer, and held-out sentences of the run’s dataset', async () => {
    const texts = ['the cat sees a dog', 'a dog sees the cat'];
    const set = await call('projector.open', { source: { kind: 'contextual', runId: gptId, layer: 2, texts } });
    expect(set.N).toBe(texts[0].length + texts[1].length);
    // the sentence column names each sentence (the projector's colour legend shows it), not a 0/1 ramp
    expect(set.columns.sentence.filter((s) => s === '2: a dog sees the cat')).toHaveLength(texts[1].length);
    expect(new Set(set.columns.sentence)).toEqual(new Set(['1: the cat sees a dog', '2: a dog sees the cat']));
    expect(set.layer).toBe(2);
    const held = await call('projector.open', { source: { kind: 'contextual', runId: gptId, layer: 1, heldOut: 4, seed: 7 } });
    expect(new Set(held.columns.sentence).size).toBe(4);
    expect(held.key).toMatch(/#contextual:L1:[0-9a-f]{8}$/);
  });

  it('word vectors of a run: search, analogy, neighbourhood, and a limit that keeps the most frequent words', async () => {
    const set = await call('projector.open', { source: { kind: 'run-vectors', runId: w2vId } });
    expect(set.checkpoint).toBe('final');
    expect(set.labels.slice(0, 2)).toContain('the');
    const { indices } = await call('projector.search', { key: set.key, query: 'kin' });
    expect(indices.map((i) => set.labels[i])).toContain('king');
    const a = await call('projector.analogy', { key: set.key, a: 'king', b: 'man', c: 'queen', k: 3 });
    expect(a.rows.map((r) => set.labels[r])).toEqual(['king', 'man', 'queen']);
    expect(a.answers).toHaveLength(3);
    expect(a.answers.map((x) => x.label)).not.toContain('king');
    const { rows } = await call('projector.neighbourhood', { key: set.key, index: set.labels.indexOf('king'), k: 5 });
    expect(rows[0]).toBe(set.labels.indexOf('king'));
    expect(rows).toHaveLength(6);
    const few = await call('projector.open', { source: { kind: 'run-vectors', runId: w2vId }, limit: 10 });
    expect(few.labels).toEqual(set.labels.slice(0, 10));
    expect(few.key).toBe(`${set.key}|first:10`);
  });

  it('a word2vec text file opens as it is; a missing file and a ragged one are sentences naming them', async () => {
    const path = join(home, 'tiny.vec');
    writeFileSync(path, '3 2\nalpha 1 0\nbeta 0 1\ngamma 1 1\n');
    const set = await call('projector.open', { source: { kind: 'file', path, format: 'w2v-text' } });
    expect([set.N, set.dim, set.runId]).toEqual([3, 2, null]);
    expect(set.labels).toEqual(['alpha', 'beta', 'gamma']);
    const missing = await failure(call('projector.open', { source: { kind: 'file', path: join(home, 'nope.vec'), format: 'w2v-text' } }));
    expect(missing.message).toContain('nope.vec');
    writeFileSync(join(home, 'bad.vec'), '2 3\nalpha 1 0 2\nbeta 0 1\n');
    const ragged = await failure(call('projector.open', { source: { kind: 'file', path: join(home, 'bad.vec'), format: 'w2v-text' } }));
    expect(ragged.message).toMatch(/line 3/i);
  });
});

describe('projections stream from the worker', () => {
  it('t-SNE streams frames (iteration rising, KL given) and ends with every point placed', async () => {
    const set = await call('projector.open', { source: { kind: 'token-embedding', runId: gptId } });
    const r = await projectAndWait({ key: set.key, params: { method: 'tsne', perplexity: 5, iterations: 300, frameEvery: 50 } });
    expect(r.failed).toBeNull();
    expect(r.frames.map((f) => f.iteration)).toEqual([50, 100, 150, 200, 250, 300]);
    r.frames.forEach((f) => expect(floats(f.coordsPacked)).toHaveLength(set.N * 2));
    expect(r.done!.kl).toBeGreaterThan(0);
    const coords = floats(r.done!.coordsPacked);
    expect(coords).toHaveLength(set.N * 2);
    expect(coords.every(Number.isFinite)).toBe(true);
  });

  it('PCA in 3D reports the explained variance; a re-projected subset keeps its rows', async () => {
    const set = await call('projector.open', { source: { kind: 'position-embedding', runId: gptId } });
    const r = await projectAndWait({ key: set.key, params: { method: 'pca', dims: 3 } });
    expect(r.done!.dims).toBe(3);
    expect(r.done!.explained!.length).toBe(3);
    const sub = await projectAndWait({ key: set.key, params: { method: 'umap', neighbors: 5, iterations: 50 }, rows: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] });
    expect(sub.done!.rows).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(floats(sub.done!.coordsPacked)).toHaveLength(20);
  });

  it('stop ends a running UMAP after its current frame, with the layout so far', async () => {
    const set = await call('projector.open', { source: { kind: 'token-embedding', runId: gptId } });
    const r = await projectAndWait({ key: set.key, params: { method: 'umap', iterations: 5000, frameEvery: 5 } }, async (jobId) => {
      expect((await call('projector.stop', { jobId })).stopped).toBe(true);
    });
    expect(r.done!.stopped).toBe(true);
    expect(r.done!.iterations).toBeLessThan(5000);
  });

  it('bad parameters fail as an event with the sentence (perplexity ≥ points)', async () => {
    const set = await call('projector.open', { source: { kind: 'run-vectors', runId: w2vId }, limit: 10 });
    const r = await projectAndWait({ key: set.key, params: { method: 'tsne', perplexity: 30 } });
    expect(r.failed!.code).toBe('invalid_input');
    expect(r.failed!.message).toContain('perplexity 30 must be below the number of points (10)');
  });
});

describe('two spaces, checkpoints, bookmarks, bad input', () => {
  it('compares the token table at two checkpoints and projects the checkpoint series aligned', async () => {
    const a = await call('projector.open', { source: { kind: 'token-embedding', runId: gptId, checkpoint: 'step-3' } });
    const b = await call('projector.open', { source: { kind: 'token-embedding', runId: gptId, checkpoint: 'step-6' } });
    const c = await call('projector.compare', { keyA: a.key, keyB: b.key, k: 5 });
    expect(c.labels).toHaveLength(a.N);
    expect(c.mean).toBeGreaterThan(0);
    expect(c.mean).toBeLessThanOrEqual(1);
    const s = await call('projector.series', { source: { kind: 'token-embedding', runId: gptId }, checkpoints: ['step-3', 'step-6'], params: { method: 'pca' } });
    expect(s.checkpoints).toEqual(['step-3', 'step-6']);
    expect(s.coordsPacked.map((p) => floats(p).length)).toEqual([a.N * 2, a.N * 2]);
    // UMAP: the second checkpoint starts from the first one's layout; both aligned, every coordinate finite
    const u = await call('projector.series', { source: { kind: 'token-embedding', runId: gptId }, checkpoints: ['step-3', 'step-6'], params: { method: 'umap', neighbors: 8 } });
    for (const p of u.coordsPacked) expect(floats(p).every(Number.isFinite)).toBe(true);
  });

  it('bookmarks are stored in SQLite with their layout, survive reopening the lab, and are deleted', async () => {
    const set = await call('projector.open', { source: { kind: 'run-vectors', runId: w2vId }, limit: 10 });
    const coords = new Float32Array(20).map((_, i) => i / 2);
    const saved = await call('projector.bookmarkSave', {
      name: 'first ten', setKey: set.key, source: { kind: 'run-vectors', runId: w2vId }, params: { method: 'umap', neighbors: 5 },
      view: { selected: 3, colour: 'count' }, coordsPacked: Buffer.from(coords.buffer).toString('base64'), N: 10,
    });
    lab.close();
    lab = createLab({ home, mode: 'cli', jobs: { concurrency: 1 } });
    lab.on((event, payload) => { if (event.startsWith('projector.')) events.push({ event, payload }); });
    const list = await call('projector.bookmarks', { setKey: set.key });
    expect(list).toEqual([expect.objectContaining({ id: saved.id, name: 'first ten', view: { selected: 3, colour: 'count' }, N: 10 })]);
    expect(Array.from(floats((await call('projector.bookmarkCoords', { id: saved.id })).coordsPacked))).toEqual(Array.from(coords));
    const wrong = await failure(call('projector.bookmarkSave', { name: 'x', setKey: set.key, source: { kind: 'run-vectors', runId: w2vId }, params: { method: 'pca' }, coordsPacked: 'AAAA', N: 10 }));
    expect(wrong.message).toContain('10 points in 2D need 80');
    await call('projector.bookmarkDelete', { id: saved.id });
    expect(await call('projector.bookmarks', {})).toEqual([]);
  });

  it('bad sources are sentences: an unknown checkpoint, a layer past the last, a word-vector kind on a GPT run, a set not open', async () => {
    expect((await failure(call('projector.open', { source: { kind: 'token-embedding', runId: gptId, checkpoint: 'step-9' } }))).message)
      .toBe('Run "gpt-tiny" has no checkpoint "step-9"; it has step-3, step-6.');
    expect((await failure(call('projector.open', { source: { kind: 'contextual', runId: gptId, layer: 7, texts: ['a cat'] } }))).message)
      .toContain('Layer 7 does not exist: run "gpt-tiny" has 2 layers');
    expect((await failure(call('projector.open', { source: { kind: 'run-vectors', runId: gptId } }))).message).toContain('is a gpt run, not a word-vector run');
    // the page opens a set again on exactly this (not_found on the field "key"): the worker keeps only the last few sets
    const dropped = await failure(call('projector.neighbors', { key: 'run:99@final', index: 0 })) as { code: string; message: string; field?: string };
    expect([dropped.code, dropped.field]).toEqual(['not_found', 'key']);
    expect(dropped.message).toContain('is not open');
  });
});

describe('attention-lab embeddings project', () => {
  it('prints 2D coordinates for every word of a word-vector run with --json, and writes a TSV', async () => {
    lab.close();
    let stdout = '';
    let stderr = '';
    const out = join(home, 'points.tsv');
    const code = await runCli(['--home', home, '--json', 'embeddings', 'project', String(w2vId), '--method', 'umap', '--neighbors', '5', '--out', out],
      { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, env: { LANG: 'en_US.UTF-8' } });
    expect(code, stderr).toBe(0);
    const r = JSON.parse(stdout) as { method: string; dims: number; N: number; points: Array<{ label: string; x: number; y: number }> };
    expect(r.method).toBe('umap');
    expect(r.points).toHaveLength(r.N);
    expect(r.points.map((p) => p.label)).toContain('king');
    expect(r.points.every((p) => Number.isFinite(p.x) && Number.isFinite(p.y))).toBe(true);
    expect(stderr).toMatch(/umap \d+\/\d+/);
    lab = createLab({ home, mode: 'cli', jobs: { concurrency: 1 } });
  }, 60_000);

  it('projects a GPT run’s contextual vectors of two --text sentences, and says what is missing without --layer', async () => {
    lab.close();
    const run = async (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
      let stdout = '';
      let stderr = '';
      const code = await runCli(['--home', home, ...args], { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, env: { LANG: 'en_US.UTF-8' } });
      return { code, stdout, stderr };
    };
    const ok = await run('--json', 'embeddings', 'project', 'gpt-tiny', '--kind', 'contextual', '--layer', '1', '--text', 'the cat', '--text', 'a king', '--method', 'pca', '--dims', '3');
    expect(ok.code, ok.stderr).toBe(0);
    const r = JSON.parse(ok.stdout) as { dims: number; N: number; points: Array<{ label: string; z: number }> };
    expect([r.dims, r.N]).toEqual([3, 'the cat'.length + 'a king'.length]);
    expect(r.points.every((p) => Number.isFinite(p.z))).toBe(true);
    const bad = await run('embeddings', 'project', 'gpt-tiny', '--kind', 'contextual', '--text', 'the cat');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--kind contextual needs --layer L');
    lab = createLab({ home, mode: 'cli', jobs: { concurrency: 1 } });
  }, 60_000);
});

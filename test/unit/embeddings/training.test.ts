// Training end to end on a small synthetic corpus with known structure (royals rule, animals eat): every method puts
// words of one group next to each other; a run stopped after a few calls and resumed ends with exactly the vectors of
// an uninterrupted run (one thread); bounded-memory co-occurrence counting with spills equals counting in memory;
// FastText gives unseen words vectors from their n-grams.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getEmbeddingKernels } from '../../../native-kernels/embeddings';
import { embeddingConfig } from '../../../main/ml/embeddings/config';
import { trainEmbeddings, vectorCheckpoints, type TrainHooks } from '../../../main/ml/embeddings/train';
import { loadWordVectors } from '../../../main/ml/embeddings/store';
import { neighborsOf, analogyOf } from '../../../main/ml/embeddings/query';
import { countCooccurrences, readRecords, RECORD_BYTES } from '../../../main/ml/embeddings/glove/cooccur';
import { buildCorpus } from '../../../main/ml/embeddings/corpus';
import { buildVocabulary, countWords } from '../../../main/ml/embeddings/vocab';
import { rng } from '../kernels/helpers';

const root = mkdtempSync(join(tmpdir(), 'emb-train-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const GROUPS = {
  royal: ['king', 'queen', 'prince', 'princess', 'duke'],
  animal: ['dog', 'cat', 'horse', 'cow', 'sheep'],
  place: ['castle', 'palace', 'tower', 'court'],
  food: ['grass', 'hay', 'oats', 'bread'],
};

/** Sentences like "the queen rules from the palace" and "a cow eats the hay in the field". */
function synthetic(seed: number, n: number): string[][] {
  const r = rng(seed);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const out: string[][] = [];
  for (let i = 0; i < n; i++) {
    if (r() < 0.5) out.push(['the', pick(GROUPS.royal), pick(['rules', 'reigns', 'sits']), 'in', 'the', pick(GROUPS.place)]);
    else out.push([pick(['a', 'the']), pick(GROUPS.animal), pick(['eats', 'chews', 'wants']), 'the', pick(GROUPS.food), 'in', 'the', 'field']);
  }
  return out;
}

const SENTENCES = synthetic(1, 4000);
const noHooks = (stopAfter = Infinity): TrainHooks & { calls: number; checkpoints: string[] } => {
  const h = {
    calls: 0,
    checkpoints: [] as string[],
    progress(): void { h.calls++; },
    checkpoint(name: string): void { h.checkpoints.push(name); },
    shouldStop: (): boolean => h.calls >= stopAfter,
  };
  return h;
};

function groupOf(word: string): string | undefined {
  return Object.entries(GROUPS).find(([, ws]) => ws.includes(word))?.[0];
}

const k = getEmbeddingKernels();

describe.each([
  { method: 'word2vec', sg: true },
  { method: 'word2vec', sg: false },
  { method: 'fasttext', sg: true },
  { method: 'glove', sg: false },
])('$method (sg $sg) learns the groups of a synthetic corpus', ({ method, sg }) => {
  it('neighbours of a word are words of its group', async () => {
    const dir = join(root, `${method}-${sg}`);
    const settings = method === 'glove'
      ? { method, dim: 20, window: 4, epochs: 30, minCount: 2, threads: 1, xMax: 10 }
      : { method, sg, dim: 20, window: 4, epochs: 5, minCount: 2, threads: 1, buckets: 10_000 };
    const res = await trainEmbeddings(k, { config: embeddingConfig(settings), sentences: () => SENTENCES, corpusName: 'synthetic', dir, resume: false }, noHooks());
    expect(res.status).toBe('completed');
    expect(res.vocabulary).toBe(28);
    expect(vectorCheckpoints(dir).at(-1)).toBe('final');
    const wv = loadWordVectors(join(dir, 'vectors', 'final'));
    for (const word of ['king', 'dog', 'castle', 'hay']) {
      const near = neighborsOf(wv, word, 3, 'the test run').neighbors.map((n) => n.label);
      const same = near.filter((w) => groupOf(w) === groupOf(word)).length;
      expect(same, `${word}: ${near.join(', ')}`).toBeGreaterThanOrEqual(2);
    }
    if (method === 'glove') {
      expect(res.objective).toBeGreaterThan(0);
      expect(wv.stats.objective).toBe(res.objective);
    }
  });
});

describe('resume', () => {
  it.each(['word2vec', 'glove'])('%s stopped after 3 calls and resumed ends with the uninterrupted vectors', async (method) => {
    const config = embeddingConfig({ method, sg: method === 'word2vec' ? true : undefined, dim: 16, window: 3, epochs: 3, minCount: 2, threads: 1 });
    const whole = join(root, `whole-${method}`), parts = join(root, `parts-${method}`);
    // calls of 5000 words, or of 100 co-occurrence records: each epoch takes several calls
    const spec = { config, sentences: () => SENTENCES, corpusName: 'synthetic', resume: true, callSize: method === 'glove' ? 100 : 5000 };
    await trainEmbeddings(k, { ...spec, dir: whole }, noHooks());
    const first = noHooks(3);
    const stopped = await trainEmbeddings(k, { ...spec, dir: parts }, first);
    expect(stopped.status).toBe('stopped');
    expect(first.checkpoints.at(-1)).toMatch(/^epoch-00\d$/);
    const second = noHooks();
    const done = await trainEmbeddings(k, { ...spec, dir: parts }, second);
    expect(done.status).toBe('completed');
    const a = loadWordVectors(join(whole, 'vectors', 'final'));
    const b = loadWordVectors(join(parts, 'vectors', 'final'));
    expect(Array.from(b.vectors)).toEqual(Array.from(a.vectors));
  });

  it('refuses to resume on a changed corpus', async () => {
    const config = embeddingConfig({ method: 'word2vec', dim: 8, epochs: 2, minCount: 2, threads: 1 });
    const dir = join(root, 'changed');
    await trainEmbeddings(k, { config, sentences: () => SENTENCES, corpusName: 'synthetic', dir, resume: true, callSize: 5000 }, noHooks(2));
    await expect(trainEmbeddings(k, { config, sentences: () => SENTENCES.slice(0, 3000), corpusName: 'synthetic', dir, resume: true }, noHooks()))
      .rejects.toThrow(/saved for another vocabulary or other settings/);
  });
});

describe('bounded-memory co-occurrence counting', () => {
  it('spilling sorted runs to disk and merging them gives the records of an in-memory count', () => {
    const few = SENTENCES.slice(0, 300);
    const vocab = buildVocabulary(countWords(few), { minCount: 1 });
    const corpus = buildCorpus(few, vocab);
    const o = { V: vocab.words.length, window: 5, symmetric: true, distanceWeighting: true };
    const big = countCooccurrences(k, corpus, join(root, 'big.bin'), { ...o, memoryBytes: 1 << 22, tmpDir: join(root, 'tmp-big') });
    const small = countCooccurrences(k, corpus, join(root, 'small.bin'), { ...o, memoryBytes: 4096, tmpDir: join(root, 'tmp-small') });
    expect(big.spills).toBe(0);
    expect(small.spills).toBeGreaterThan(5);
    expect(small.records).toBe(big.records);
    expect(readFileSync(join(root, 'small.bin')).length).toBe(big.records * RECORD_BYTES);
    const a = readRecords(join(root, 'big.bin'), 0, big.records);
    const b = readRecords(join(root, 'small.bin'), 0, small.records);
    expect(Array.from(b.rows)).toEqual(Array.from(a.rows));
    expect(Array.from(b.cols)).toEqual(Array.from(a.cols));
    for (let r = 0; r < a.vals.length; r++) expect(b.vals[r]).toBeCloseTo(a.vals[r], 4);
  });
});

describe('FastText words never seen in training', () => {
  it('get vectors from their n-grams that survive saving; Word2Vec names the nearest spellings instead', async () => {
    const dir = join(root, 'ft-oov');
    await trainEmbeddings(k, { config: embeddingConfig({ method: 'fasttext', sg: true, dim: 16, epochs: 3, minCount: 2, threads: 1 }), sentences: () => SENTENCES, corpusName: 'synthetic', dir, resume: false }, noHooks());
    const wv = loadWordVectors(join(dir, 'vectors', 'final'));
    const res = neighborsOf(wv, 'kings', 3, 'run 1');
    expect(res.inVocabulary).toBe(false);
    expect(res.neighbors[0].label).toBe('king');
    expect(() => neighborsOf(wv, 'zzzq', 3, 'run 1')).toThrow(/"zzzq" is not in the vocabulary of run 1 .*none of its character n-grams/);

    const w2v = join(root, 'w2v-oov');
    await trainEmbeddings(k, { config: embeddingConfig({ method: 'word2vec', dim: 8, epochs: 1, minCount: 2, threads: 1 }), sentences: () => SENTENCES, corpusName: 'synthetic', dir: w2v, resume: false }, noHooks());
    const plain = loadWordVectors(join(w2v, 'vectors', 'final'));
    expect(() => neighborsOf(plain, 'qeen', 3, 'run 2')).toThrow('"qeen" is not in the vocabulary of run 2 (28 words); the nearest spellings in it are "queen".');
    expect(analogyOf(plain, 'king', 'castle', 'tower', 2, 'run 2').neighbors.map((n) => n.label)).not.toContain('king');
  });
});

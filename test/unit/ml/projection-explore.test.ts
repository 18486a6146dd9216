// The projector's questions of a vector set (main/ml/embeddings/projection/explore.ts, compare.ts): neighbours in the
// original space against a brute-force float64 check, an analogy whose answer is known by construction, label search,
// the neighbourhood subset, the overlap of two spaces' neighbour lists (1 for a rotated copy, low for unrelated
// vectors) and a sequence of rotated layouts aligned back onto the first.
import { describe, expect, it } from 'vitest';
import { getProjectionKernels } from '../../../native-kernels/projection-backends';
import { analogy, neighbourhood, neighboursOfRow, rowOfLabel, searchLabels, subset, type Rows } from '../../../main/ml/embeddings/projection/explore';
import { alignSequence, compareSpaces } from '../../../main/ml/embeddings/projection/compare';
import { expectClose, rng } from '../kernels/helpers';

const pk = getProjectionKernels();

function randomSet(seed: number, N: number, D: number): Rows {
  const r = rng(seed);
  return {
    labels: Array.from({ length: N }, (_, i) => `w${i}`), dim: D,
    vectors: Float32Array.from({ length: N * D }, () => r() * 2 - 1),
    columns: { rank: Array.from({ length: N }, (_, i) => i) },
  };
}

describe('neighbours in the original space', () => {
  const set = randomSet(1, 300, 16);
  for (const metric of ['cosine', 'euclidean'] as const) {
    it(`${metric}: the k nearest rows, itself left out, as a float64 brute force finds them`, () => {
      const got = neighboursOfRow(pk, set, 7, 10, metric);
      const D = set.dim;
      const dist = (j: number): number => {
        let dot = 0, na = 0, nb = 0, sq = 0;
        for (let d = 0; d < D; d++) {
          const a = set.vectors[7 * D + d], b = set.vectors[j * D + d];
          dot += a * b; na += a * a; nb += b * b; sq += (a - b) ** 2;
        }
        return metric === 'cosine' ? 1 - dot / Math.sqrt(na * nb) : Math.sqrt(sq);
      };
      const want = Array.from({ length: 300 }, (_, j) => j).filter((j) => j !== 7).sort((x, y) => dist(x) - dist(y)).slice(0, 10);
      expect(got.map((n) => n.index)).toEqual(want);
      expectClose(got.map((n) => n.distance), want.map(dist), 1e-5, 1e-6, 'distances');
      if (metric === 'cosine') expect(got[0].similarity).toBeCloseTo(1 - got[0].distance, 6);
      expect(got[0].label).toBe(`w${want[0]}`);
    });
  }
});

describe('analogies, search and subsets', () => {
  // king = royal + male, queen = royal + female, man = male, woman = female, plus distractors
  const base: Record<string, number[]> = {
    king: [1, 1, 0, 0.1], queen: [1, 0, 1, 0.1], man: [0, 1, 0, 0.2], woman: [0, 0, 1, 0.2],
    apple: [0.1, 0.1, 0.1, 1], prince: [0.8, 1, 0, 0.5],
  };
  const words = Object.keys(base);
  const set: Rows = { labels: words, dim: 4, vectors: Float32Array.from(words.flatMap((w) => base[w])), columns: {} };

  for (const metric of ['cosine', 'euclidean'] as const) {
    it(`king - man + woman = queen (${metric}), the inputs never answers`, () => {
      const { query, answers } = analogy(pk, set, 0, 2, 3, 2, metric);
      expect(answers[0].label).toBe('queen');
      expect(answers.map((a) => a.label)).not.toContain('king');
      expect(query.length).toBe(4);
    });
  }

  it('search: exact, then prefix, then inside; case-insensitive', () => {
    expect(searchLabels(['bank', 'banker', 'riverbank', 'Bank', 'cat'], 'bank')).toEqual([0, 3, 1, 2]);
    expect(searchLabels(['a', 'b'], '   ')).toEqual([]);
  });

  it('an unknown label is named, with similar ones', () => {
    expect(rowOfLabel(words, 'Queen', 'b')).toBe(1);
    expect(() => rowOfLabel(words, 'kingdom', 'a')).toThrow(/"kingdom" is not a point of this set; similar labels: "king"/);
  });

  it('isolates a neighbourhood as a set of its own', () => {
    const rows = neighbourhood(pk, set, 0, 2, 'cosine');
    expect(rows[0]).toBe(0);
    expect(rows.length).toBe(3);
    const sub = subset({ ...set, columns: { n: [0, 1, 2, 3, 4, 5] } }, rows);
    expect(sub.labels[0]).toBe('king');
    expect(Array.from(sub.vectors.subarray(0, 4))).toEqual(base.king.map(Math.fround));
    expect(sub.columns.n).toEqual(rows);
    expect(sub.origin).toEqual(rows);
    expect(() => neighboursOfRow(pk, set, 9, 2, 'cosine')).toThrow(/Point 9 does not exist: the set has 6 points/);
  });
});

describe('comparing two spaces', () => {
  const a = randomSet(2, 400, 12);
  it('a rotated copy keeps every neighbour list; unrelated vectors share few', () => {
    // rotate the first two coordinates by 40 degrees: distances and angles stay the same
    const rot = Float32Array.from(a.vectors);
    const c = Math.cos(0.7), s = Math.sin(0.7);
    for (let i = 0; i < 400; i++) {
      const x = a.vectors[i * 12], y = a.vectors[i * 12 + 1];
      rot[i * 12] = c * x - s * y;
      rot[i * 12 + 1] = s * x + c * y;
    }
    const same = compareSpaces(pk, a, { ...a, vectors: rot }, 10, 'euclidean');
    expect(same.labels.length).toBe(400);
    expect(same.mean).toBeGreaterThan(0.99);
    const other = compareSpaces(pk, a, randomSet(3, 400, 12), 10, 'cosine');
    expect(other.mean).toBeLessThan(0.1);
  });

  it('compares on the shared labels only, in A\'s order, and refuses too few', () => {
    const b: Rows = { ...randomSet(4, 300, 12) };
    b.labels = b.labels.map((l, i) => (i % 2 === 0 ? l : `x${i}`));
    const cmp = compareSpaces(pk, a, b, 5, 'cosine');
    expect(cmp.labels.length).toBe(150);
    expect(cmp.labels.slice(0, 3)).toEqual(['w0', 'w2', 'w4']);
    expect(cmp.rowsB.slice(0, 3)).toEqual([0, 2, 4]);
    expect(() => compareSpaces(pk, a, { ...b, labels: b.labels.map((l) => `z${l}`) }, 5, 'cosine')).toThrow(/share 0 labels, too few to compare 5 neighbours/);
  });

  it('matches two contextual sets token by token (sentence, label, occurrence), not by label alone', () => {
    // the same two sentences read by two models; B starts each sentence with an extra [CLS] row
    const words = ['the', 'bank', 'of', 'the', 'river', 'the', 'bank', 'took', 'the', 'money', 'and', 'the', 'cash'];
    const sentence = words.map((_, i) => (i < 5 ? 0 : 1));
    const a = { ...randomSet(5, words.length, 6), labels: words, columns: { sentence } };
    const bRows = [0, ...words.keys()].map((i, r) => (r === 0 ? -1 : i));
    const bv = new Float32Array(bRows.length * 6);
    bRows.forEach((i, r) => { if (i >= 0) bv.set(a.vectors.subarray(i * 6, i * 6 + 6), r * 6); });
    const b = { labels: bRows.map((i) => (i < 0 ? '[CLS]' : words[i])), dim: 6, vectors: bv, columns: { sentence: bRows.map((i) => (i < 0 ? 0 : sentence[i])) } };
    const cmp = compareSpaces(pk, a, b, 3, 'euclidean');
    expect(cmp.labels).toHaveLength(words.length);
    expect(cmp.labels.slice(0, 4)).toEqual(['the · 1', 'bank · 1', 'of · 1', 'the · 1']);
    expect(cmp.rowsB).toEqual(words.map((_, i) => i + 1));
    expect(cmp.mean).toBe(1);
  });

  it('a sequence of rotated, scaled layouts is aligned back onto the first', () => {
    const r = rng(5);
    const N = 60;
    const first = Float32Array.from({ length: N * 2 }, () => r() * 10);
    const turned = (angle: number, scale: number): Float32Array => {
      const out = new Float32Array(N * 2);
      for (let i = 0; i < N; i++) {
        out[i * 2] = scale * (Math.cos(angle) * first[i * 2] - Math.sin(angle) * first[i * 2 + 1]) + 4;
        out[i * 2 + 1] = scale * (Math.sin(angle) * first[i * 2] + Math.cos(angle) * first[i * 2 + 1]) - 2;
      }
      return out;
    };
    const aligned = alignSequence([first, turned(1, 2), turned(2.5, 0.5)], N, 2);
    expectClose(aligned[1], first, 1e-4, 1e-3, 'second layout');
    expectClose(aligned[2], first, 1e-4, 1e-3, 'third layout');
  });
});

describe('the projector session (what the analysis worker holds)', () => {
  it('holds sets by key (least recently used dropped), projects with frames, stops on request', async () => {
    const { ProjectorSession, MAX_HELD_SETS } = await import('../../../main/ml/embeddings/projection/session');
    const session = new ProjectorSession(pk);
    for (let s = 0; s <= MAX_HELD_SETS; s++) session.hold({ key: `k${s}`, ...randomSet(10 + s, 120, 6) });
    expect(session.has('k0')).toBe(false);
    expect(() => session.get('k0')).toThrow(/The vector set "k0" is not open/);
    const frames: number[] = [];
    const done = await session.project(1, 'k1', { method: 'tsne', perplexity: 10, iterations: 100, frameEvery: 20 }, (f) => {
      frames.push(f.iteration);
      if (f.iteration === 40) session.stop(1);
    });
    expect(frames).toEqual([20, 40]);
    expect(done.stopped).toBe(true);
    expect(session.stop(1)).toBe(false);
    const part = await session.project(2, 'k1', { method: 'pca' }, () => undefined, [3, 4, 5, 6]);
    expect(part.coords.length).toBe(8);
    expect(part.rows).toEqual([3, 4, 5, 6]);
    expect(session.search('k1', 'w1').slice(0, 2)).toEqual([1, 10]);
    expect(session.neighbours('k1', 0, 3, 'cosine').length).toBe(3);
    expect(session.neighbourhood('k1', 0, 3, 'cosine')[0]).toBe(0);
    const an = session.analogy('k1', 'w1', 'w2', 'w3', 2, 'cosine');
    expect(an.rows).toEqual([1, 2, 3]);
    expect(an.answers.length).toBe(2);
    expect(session.compare('k1', 'k2', 5, 'cosine').labels.length).toBe(120);
  });
});

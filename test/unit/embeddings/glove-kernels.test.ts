// GloVe and co-occurrence kernels: native paths against the JS reference and against a plain recount, the AdaGrad
// step against finite differences of the objective, and the table's stop-when-full rule.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getEmbeddingKernels, jsEmbeddingKernels, type EmbeddingKernels, type GloveBuffers, type GloveOptions } from '../../../native-kernels/embeddings';
import { getKernels } from '../../../native-kernels/index';
import { expectClose, nativeBackends, rng } from '../kernels/helpers';

const backends = nativeBackends().map((b) => ({
  name: b.name,
  kernels: (): EmbeddingKernels => getEmbeddingKernels(b.name === 'native-avx2' ? 'native' : 'native-portable'),
}));
const all = [{ name: 'js', kernels: (): EmbeddingKernels => jsEmbeddingKernels }, ...backends];

let threadsBefore = 1;
beforeAll(() => {
  threadsBefore = getKernels().getThreads();
  getKernels().setThreads(1);
});
afterAll(() => getKernels().setThreads(threadsBefore));

function gloveSetup(seed: number, V: number, D: number, n: number): { b: GloveBuffers; o: GloveOptions } {
  const r = rng(seed);
  const vec = (len: number, s: number): Float32Array => Float32Array.from({ length: len }, () => (r() - 0.5) * s);
  const b: GloveBuffers = {
    w: vec(V * D, 0.5), wt: vec(V * D, 0.5), b: vec(V, 0.2), bt: vec(V, 0.2),
    gw: new Float32Array(V * D).fill(1), gwt: new Float32Array(V * D).fill(1), gb: new Float32Array(V).fill(1), gbt: new Float32Array(V).fill(1),
    rows: Int32Array.from({ length: n }, () => Math.floor(r() * V)), cols: Int32Array.from({ length: n }, () => Math.floor(r() * V)),
    vals: Float32Array.from({ length: n }, () => 0.1 + r() * r() * 300),
  };
  return { b, o: { V, D, xMax: 100, alpha: 0.75, eta: 0.05, gradClip: 100, n, parts: 1 } };
}

const copy = (b: GloveBuffers): GloveBuffers => ({
  ...b, w: b.w.slice(), wt: b.wt.slice(), b: b.b.slice(), bt: b.bt.slice(), gw: b.gw!.slice(), gwt: b.gwt!.slice(), gb: b.gb!.slice(), gbt: b.gbt!.slice(),
});

/** sum f d^2 in float64, straight from the definition. */
function objective(b: GloveBuffers, o: GloveOptions): number {
  let J = 0;
  for (let r = 0; r < o.n; r++) {
    const i = b.rows[r], j = b.cols[r], x = b.vals[r];
    let d = b.b[i] + b.bt[j] - Math.log(x);
    for (let k = 0; k < o.D; k++) d += b.w[i * o.D + k] * b.wt[j * o.D + k];
    J += Math.min(1, Math.pow(x / o.xMax, o.alpha)) * d * d;
  }
  return J;
}

describe.each(backends)('GloVe kernels on $name match the JS reference', ({ kernels }) => {
  for (const [V, D, n] of [[30, 20, 400], [7, 3, 50], [50, 100, 1000]]) {
    it(`gloveTrain and gloveCost, V=${V} D=${D} records=${n}`, () => {
      const { b, o } = gloveSetup(V + D, V, D, n);
      expect(kernels().gloveCost(b, o)).toBeCloseTo(objective(b, o), 6);
      const want = copy(b), got = copy(b);
      const cw = jsEmbeddingKernels.gloveTrain(want, o);
      const cg = kernels().gloveTrain(got, o);
      expect(cg / cw).toBeCloseTo(1, 4);
      for (const key of ['w', 'wt', 'b', 'bt', 'gw', 'gwt', 'gb', 'gbt'] as const) expectClose(got[key]!, want[key]!, 1e-4, 1e-5, key);
      expect(objective(got, o)).toBeLessThan(objective(b, o));
    });
  }
});

describe('gloveTrain steps along the gradient of f d^2 / 2 (finite differences)', () => {
  it.each(all)('$name: one record, every parameter', ({ kernels }) => {
    const { b, o } = gloveSetup(5, 4, 5, 1);
    b.vals[0] = 20; // below x_max, so f < 1 matters
    const half = (p: GloveBuffers): number => objective(p, o) / 2;
    const after = copy(b);
    const eta = 1e-3;
    kernels().gloveTrain(after, { ...o, eta });
    for (const key of ['w', 'wt', 'b', 'bt'] as const) {
      const x = b[key];
      const numeric = Array.from(x, (_, i) => {
        const orig = x[i];
        x[i] = orig + 1e-3;
        const up = half(b);
        x[i] = orig - 1e-3;
        const down = half(b);
        x[i] = orig;
        return (up - down) / 2e-3;
      });
      // AdaGrad's first step from G = 1: delta = -eta g / sqrt(1 + g^2), so g = u / sqrt(1 - u^2), u = -delta / eta
      const g = Array.from(after[key], (v, i) => {
        const u = -(v - x[i]) / eta;
        return u / Math.sqrt(1 - u * u);
      });
      expectClose(g, numeric, 2e-3, 2e-4, `gradient of ${key}`);
    }
  });
});

/** Plain recount: (earlier word, later word) within the window, weight 1/distance, both directions. */
function recount(words: Int32Array, starts: Int32Array, window: number, V: number): Map<number, number> {
  const m = new Map<number, number>();
  for (let s = 0; s + 1 < starts.length; s++) {
    for (let p = starts[s]; p < starts[s + 1]; p++) {
      for (let q = Math.max(starts[s], p - window); q < p; q++) {
        const w = 1 / (p - q);
        for (const key of [words[q] * V + words[p], words[p] * V + words[q]]) m.set(key, (m.get(key) ?? 0) + w);
      }
    }
  }
  return m;
}

describe.each(all)('co-occurrence counting on $name', ({ kernels }) => {
  const r = rng(17);
  const V = 60;
  const starts = [0];
  const list: number[] = [];
  for (let s = 0; s < 40; s++) {
    const L = 1 + Math.floor(r() * 20);
    for (let i = 0; i < L; i++) list.push(Math.floor(r() * r() * V));
    starts.push(list.length);
  }
  const words = Int32Array.from(list);
  const st = Int32Array.from(starts);

  it('counts every weighted pair once, sorted by (i, j), equal to a plain recount', () => {
    const table = new Float64Array(2 * 4096).fill(-1);
    const res = kernels().cooccurCount(table, words, st, { V, window: 4, symmetric: true, distanceWeighting: true, entries: 0, maxEntries: 4000 });
    expect(res.sentences).toBe(40);
    const n = kernels().cooccurDrain(table);
    expect(n).toBe(res.entries);
    const want = [...recount(words, st, 4, V).entries()].sort((a, b) => a[0] - b[0]);
    expect(n).toBe(want.length);
    for (let e = 0; e < n; e++) {
      expect(table[2 * e]).toBe(want[e][0]);
      expect(table[2 * e + 1]).toBeCloseTo(want[e][1], 10);
    }
  });

  it('pairs of frequent words go to the dense lookup rows, every other pair to the table, nothing twice', () => {
    const table = new Float64Array(2 * 4096).fill(-1);
    // rows of the 10 most frequent ids, row i with min(V, 40 / (i + 1)) columns
    const starts = new Int32Array(11);
    for (let i = 0; i < 10; i++) starts[i + 1] = starts[i] + Math.min(V, Math.floor(40 / (i + 1)));
    const lookup = { starts, values: new Float64Array(starts[10]) };
    const res = kernels().cooccurCount(table, words, st, { V, window: 4, symmetric: true, distanceWeighting: true, entries: 0, maxEntries: 4000 }, lookup);
    const n = kernels().cooccurDrain(table);
    expect(n).toBe(res.entries);
    const got = new Map<number, number>();
    for (let e = 0; e < n; e++) got.set(table[2 * e], table[2 * e + 1]);
    let inLookup = 0;
    for (let i = 0; i < 10; i++) {
      for (let j = 0; j < starts[i + 1] - starts[i]; j++) {
        const v = lookup.values[starts[i] + j];
        if (v === 0) continue;
        expect(got.has(i * V + j)).toBe(false);
        got.set(i * V + j, v);
        inLookup++;
      }
    }
    expect(inLookup).toBeGreaterThan(50);
    const want = recount(words, st, 4, V);
    expect(got.size).toBe(want.size);
    for (const [key, v] of want) expect(got.get(key)).toBeCloseTo(v, 10);
  });

  it('a table moved into one twice as large by cooccurRehash keeps every pair and can go on counting', () => {
    const small = new Float64Array(2 * 1024).fill(-1);
    const o = { V, window: 4, symmetric: true, distanceWeighting: true, entries: 0, maxEntries: 700 };
    const first = kernels().cooccurCount(small, words, st, o);
    const big = new Float64Array(2 * 4096).fill(-1);
    expect(kernels().cooccurRehash(small, big, V)).toBe(first.entries);
    const rest = kernels().cooccurCount(big, words, st.subarray(first.sentences), { ...o, entries: first.entries, maxEntries: 4000 });
    expect(first.sentences + rest.sentences).toBe(40);
    const n = kernels().cooccurDrain(big);
    const want = [...recount(words, st, 4, V).entries()].sort((a, b) => a[0] - b[0]);
    expect(n).toBe(want.length);
    for (let e = 0; e < n; e++) expect(big[2 * e + 1]).toBeCloseTo(want[e][1], 10);
  });

  it('stops before a sentence that could overfill the table, and a second call continues where it stopped', () => {
    const table = new Float64Array(2 * 1024).fill(-1);
    const o = { V, window: 4, symmetric: true, distanceWeighting: true, entries: 0, maxEntries: 300 };
    const first = kernels().cooccurCount(table, words, st, o);
    expect(first.sentences).toBeGreaterThan(0);
    expect(first.sentences).toBeLessThan(40);
    expect(first.entries).toBeLessThanOrEqual(300);
    // the next sentence would not have fitted in the worst case
    const next = st[first.sentences + 1] - st[first.sentences];
    expect(first.entries + next * 4 * 2).toBeGreaterThan(300);
    const n1 = kernels().cooccurDrain(table);
    const part1 = recount(words, st.subarray(0, first.sentences + 1), 4, V);
    expect(n1).toBe(part1.size);
  });
});

describe('co-occurrence argument checks', () => {
  it('refuses a table whose slot count is not a power of two, and ids outside the vocabulary', () => {
    const k = getEmbeddingKernels();
    const o = { V: 5, window: 2, symmetric: true, distanceWeighting: true, entries: 0, maxEntries: 10 };
    expect(() => k.cooccurCount(new Float64Array(2 * 24).fill(-1), Int32Array.of(1, 2), Int32Array.of(0, 2), o)).toThrow(/power-of-two/);
    expect(() => k.cooccurCount(new Float64Array(2 * 32).fill(-1), Int32Array.of(1, 7), Int32Array.of(0, 2), o)).toThrow(/words\[1\] is 7, outside \[0, 5\)/);
  });
});

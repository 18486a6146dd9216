// The projection kernels (native-kernels/src/{pca,knn,nndescent,tsne,tsne_bh,umap}.cc) against their JS references
// (native-kernels/js/projection/), on both native code paths: PCA, exact kNN (both metrics), NN-descent's recall
// against the exact graph, the perplexity bisection, both symmetrisations, the t-SNE gradient and KL (exact: to float
// rounding; Barnes-Hut: within the approximation), optimiser steps, UMAP memberships and epochs; results that must not
// depend on the thread count (bit-identical on 1 and 2 threads); and argument checks that name the bad argument.
import { afterEach, describe, expect, it } from 'vitest';
import { getKernels } from '../../../native-kernels/index';
import { getProjectionKernels } from '../../../native-kernels/projection-backends';
import { jsProjectionKernels as js } from '../../../native-kernels/js/projection/index';
import type { ProjectionKernels } from '../../../native-kernels/projection';
import { expectClose, nativeBackends, rng } from './helpers';

const backends = nativeBackends().map((b) => ({
  name: b.name,
  pk: (): ProjectionKernels => getProjectionKernels(b.name === 'native-avx2' ? 'native' : 'native-portable'),
}));

/** N points around C centres in D dimensions (seeded). */
function clusters(seed: number, N: number, D: number, C: number, spread = 4): Float32Array {
  const r = rng(seed);
  const centres = Array.from({ length: C * D }, () => (r() * 2 - 1) * spread);
  const X = new Float32Array(N * D);
  for (let i = 0; i < N; i++) for (let d = 0; d < D; d++) X[i * D + d] = centres[(i % C) * D + d] + (r() * 2 - 1);
  return X;
}

function csrOf(pk: ProjectionKernels, X: Float32Array, N: number, D: number, k: number, perplexity: number) {
  const idx = new Int32Array(N * k);
  const dist = new Float32Array(N * k);
  pk.knnGraph(idx, dist, X, N, D, k, 'euclidean');
  const P = new Float32Array(N * k);
  pk.tsneConditional(P, dist.map((d) => d * d), N, k, perplexity);
  const rowPtr = new Int32Array(N + 1);
  const cols = new Int32Array(2 * N * k);
  const vals = new Float32Array(2 * N * k);
  const nnz = pk.symmetrizeGraph(rowPtr, cols, vals, idx, P, N, k, 'sum');
  return { rowPtr, cols: cols.slice(0, nnz), vals: vals.slice(0, nnz) };
}

const relErr = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / den);
};

const sameBits = (a: ArrayLike<number>, b: ArrayLike<number>): boolean => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
};

describe.skipIf(backends.length === 0).each(backends)('$name projection kernels match the JS references', ({ pk }) => {
  afterEach(() => getKernels().setThreads(2));

  it('pcaFit and pcaTransform', () => {
    const N = 300, D = 12, k = 3;
    const X = clusters(1, N, D, 5);
    const got = { c: new Float32Array(k * D), v: new Float32Array(k), m: new Float32Array(D) };
    const want = { c: new Float32Array(k * D), v: new Float32Array(k), m: new Float32Array(D) };
    const tg = pk().pcaFit(got.c, got.v, got.m, X, N, D, k);
    const tw = js.pcaFit(want.c, want.v, want.m, X, N, D, k);
    expect(tg).toBeCloseTo(tw, 3);
    expectClose(got.m, want.m, 1e-5, 1e-5, 'mean');
    expectClose(got.v, want.v, 1e-4, 1e-5, 'variances');
    expectClose(got.c, want.c, 1e-3, 1e-4, 'components');
    const so = new Float32Array(N * k), sw = new Float32Array(N * k);
    pk().pcaTransform(so, X, got.m, got.c, N, D, k);
    js.pcaTransform(sw, X, want.m, want.c, N, D, k);
    expectClose(so, sw, 1e-3, 1e-3, 'scores');
  });

  it('PCA of a set with fewer rows than dimensions (rank-deficient covariance) gives orthonormal axes', () => {
    const N = 5, D = 40, k = 3;
    const X = clusters(2, N, D, 5);
    const c = new Float32Array(k * D), v = new Float32Array(k), m = new Float32Array(D);
    pk().pcaFit(c, v, m, X, N, D, k);
    const cw = new Float32Array(k * D), vw = new Float32Array(k), mw = new Float32Array(D);
    js.pcaFit(cw, vw, mw, X, N, D, k);
    expectClose(v, vw, 1e-3, 1e-4, 'variances');
    for (let a = 0; a < k; a++) {
      for (let b = 0; b < k; b++) {
        let dot = 0;
        for (let d = 0; d < D; d++) dot += c[a * D + d] * c[b * D + d];
        expect(dot).toBeCloseTo(a === b ? 1 : 0, 4);
      }
    }
  });

  for (const metric of ['euclidean', 'cosine'] as const) {
    it(`knnGraph and knnQuery (${metric}) give the exact neighbours`, () => {
      const N = 500, D = 24, k = 10;
      const X = clusters(3, N, D, 7);
      const a = { i: new Int32Array(N * k), d: new Float32Array(N * k) };
      const b = { i: new Int32Array(N * k), d: new Float32Array(N * k) };
      pk().knnGraph(a.i, a.d, X, N, D, k, metric);
      js.knnGraph(b.i, b.d, X, N, D, k, metric);
      expect(Array.from(a.i)).toEqual(Array.from(b.i));
      expectClose(a.d, b.d, 1e-5, 1e-5, 'distances');
      const Q = 7;
      const queries = clusters(4, Q, D, 3);
      const qa = { i: new Int32Array(Q * k), d: new Float32Array(Q * k) };
      const qb = { i: new Int32Array(Q * k), d: new Float32Array(Q * k) };
      pk().knnQuery(qa.i, qa.d, queries, X, Q, N, D, k, metric);
      js.knnQuery(qb.i, qb.d, queries, X, Q, N, D, k, metric);
      expect(Array.from(qa.i)).toEqual(Array.from(qb.i));
      expectClose(qa.d, qb.d, 1e-5, 1e-5, 'query distances');
    });
  }

  it('cosine kNN puts a zero vector at distance 1 from everything', () => {
    const N = 20, D = 4;
    const X = clusters(5, N, D, 2);
    X.fill(0, 0, D);
    const i = new Int32Array(N * 3), d = new Float32Array(N * 3);
    pk().knnGraph(i, d, X, N, D, 3, 'cosine');
    for (let s = 0; s < 3; s++) expect(d[s]).toBeCloseTo(1, 6);
  });

  it('knnDescent finds >= 97% of the exact neighbours, the same graph on 1 and 2 threads', () => {
    const N = 3000, D = 16, k = 15;
    const X = clusters(6, N, D, 12, 3);
    const exact = { i: new Int32Array(N * k), d: new Float32Array(N * k) };
    pk().knnGraph(exact.i, exact.d, X, N, D, k, 'euclidean');
    const runs = [1, 2].map((threads) => {
      getKernels().setThreads(threads);
      const i = new Int32Array(N * k), d = new Float32Array(N * k);
      const rounds = pk().knnDescent(i, d, X, N, D, k, 'euclidean', 7, 12, 30, 6);
      return { i, d, rounds };
    });
    expect(sameBits(runs[0].i, runs[1].i) && sameBits(runs[0].d, runs[1].d)).toBe(true);
    let hits = 0;
    for (let r = 0; r < N; r++) {
      const want = new Set(exact.i.subarray(r * k, (r + 1) * k));
      for (let s = 0; s < k; s++) if (want.has(runs[0].i[r * k + s])) hits++;
      for (let s = 1; s < k; s++) expect(runs[0].d[r * k + s]).toBeGreaterThanOrEqual(runs[0].d[r * k + s - 1]);
    }
    expect(hits / (N * k)).toBeGreaterThanOrEqual(0.97);
    expect(runs[0].rounds).toBeGreaterThan(0);
  });

  it('tsneConditional: each row has the asked perplexity', () => {
    const N = 200, D = 6, k = 30;
    const X = clusters(7, N, D, 4);
    const idx = new Int32Array(N * k), dist = new Float32Array(N * k);
    pk().knnGraph(idx, dist, X, N, D, k, 'euclidean');
    const sq = dist.map((d) => d * d);
    const a = new Float32Array(N * k), b = new Float32Array(N * k);
    expect(pk().tsneConditional(a, sq, N, k, 9)).toBe(0);
    js.tsneConditional(b, sq, N, k, 9);
    expectClose(a, b, 1e-5, 1e-7, 'P');
    for (let i = 0; i < N; i++) {
      let h = 0;
      let s = 0;
      for (let j = 0; j < k; j++) {
        s += a[i * k + j];
        if (a[i * k + j] > 0) h -= a[i * k + j] * Math.log(a[i * k + j]);
      }
      expect(s).toBeCloseTo(1, 5);
      expect(Math.exp(h)).toBeCloseTo(9, 2);
    }
  });

  for (const mode of ['sum', 'fuzzy-union'] as const) {
    it(`symmetrizeGraph (${mode})`, () => {
      const N = 150, D = 5, k = 8;
      const X = clusters(8, N, D, 3);
      const idx = new Int32Array(N * k), dist = new Float32Array(N * k);
      pk().knnGraph(idx, dist, X, N, D, k, 'euclidean');
      const w = Float32Array.from({ length: N * k }, (_, e) => 0.05 + ((e * 37) % 17) / 20);
      const got = { p: new Int32Array(N + 1), c: new Int32Array(2 * N * k), v: new Float32Array(2 * N * k) };
      const want = { p: new Int32Array(N + 1), c: new Int32Array(2 * N * k), v: new Float32Array(2 * N * k) };
      const n1 = pk().symmetrizeGraph(got.p, got.c, got.v, idx, w, N, k, mode);
      const n2 = js.symmetrizeGraph(want.p, want.c, want.v, idx, w, N, k, mode);
      expect(n1).toBe(n2);
      expect(Array.from(got.p)).toEqual(Array.from(want.p));
      expect(Array.from(got.c.subarray(0, n1))).toEqual(Array.from(want.c.subarray(0, n2)));
      expectClose(got.v.subarray(0, n1), want.v.subarray(0, n2), 1e-5, 1e-8, 'values');
      // symmetric: (i, j) and (j, i) carry the same value
      const at = new Map<string, number>();
      for (let i = 0; i < N; i++) for (let e = got.p[i]; e < got.p[i + 1]; e++) at.set(`${i},${got.c[e]}`, got.v[e]);
      for (const [key, v] of at) {
        const [i, j] = key.split(',');
        expect(at.get(`${j},${i}`)).toBe(v);
      }
    });
  }

  for (const dims of [2, 3]) {
    it(`tsneGradient in ${dims}D: exact (theta 0) to float rounding, Barnes-Hut within 2%`, () => {
      const N = 400, D = 8;
      const X = clusters(9, N, D, 6);
      const P = csrOf(pk(), X, N, D, 30, 10);
      const r = rng(10);
      const Y = Float32Array.from({ length: N * dims }, () => (r() * 2 - 1) * 8);
      const want = new Float32Array(N * dims);
      const klWant = js.tsneGradient(want, Y, P.rowPtr, P.cols, P.vals, N, dims, 4, 0);
      const exact = new Float32Array(N * dims);
      const klExact = pk().tsneGradient(exact, Y, P.rowPtr, P.cols, P.vals, N, dims, 4, 0);
      expect(relErr(exact, want)).toBeLessThan(1e-5);
      expect(klExact).toBeCloseTo(klWant, 5);
      const bh = new Float32Array(N * dims);
      const klBh = pk().tsneGradient(bh, Y, P.rowPtr, P.cols, P.vals, N, dims, 4, 0.5);
      expect(relErr(bh, want)).toBeLessThan(0.02);
      expect(Math.abs(klBh - klWant)).toBeLessThan(0.01);
      // Barnes-Hut converges to the exact gradient as theta shrinks
      const fine = new Float32Array(N * dims);
      pk().tsneGradient(fine, Y, P.rowPtr, P.cols, P.vals, N, dims, 4, 0.1);
      expect(relErr(fine, want)).toBeLessThan(relErr(bh, want));
    });
  }

  it('tsneGradient and tsneSteps give the same bits on 1 and 2 threads', () => {
    const N = 2500, D = 8, dims = 2;
    const X = clusters(11, N, D, 9);
    const P = csrOf(pk(), X, N, D, 30, 10);
    const r = rng(12);
    const Y0 = Float32Array.from({ length: N * dims }, () => (r() * 2 - 1) * 20);
    const out = [1, 2].map((threads) => {
      getKernels().setThreads(threads);
      const g = new Float32Array(N * dims);
      const kl = pk().tsneGradient(g, Y0, P.rowPtr, P.cols, P.vals, N, dims, 1, 0.5);
      const Y = Float32Array.from(Y0), u = new Float32Array(N * dims), gains = new Float32Array(N * dims).fill(1);
      pk().tsneSteps(Y, u, gains, P.rowPtr, P.cols, P.vals, N, dims, 3, 12, 0.5, 200, 0.5);
      return { g, kl, Y };
    });
    expect(sameBits(out[0].g, out[1].g)).toBe(true);
    expect(out[0].kl).toBe(out[1].kl);
    expect(sameBits(out[0].Y, out[1].Y)).toBe(true);
  });

  it('tsneSteps (exact) follows the JS optimiser', () => {
    const N = 120, D = 5, dims = 2;
    const X = clusters(13, N, D, 3);
    const P = csrOf(pk(), X, N, D, 30, 10);
    const r = rng(14);
    const Y0 = Float32Array.from({ length: N * dims }, () => (r() * 2 - 1) * 3);
    const a = { Y: Float32Array.from(Y0), u: new Float32Array(N * dims), g: new Float32Array(N * dims).fill(1) };
    const b = { Y: Float32Array.from(Y0), u: new Float32Array(N * dims), g: new Float32Array(N * dims).fill(1) };
    // a few steps: the gains rule compares signs, so a gradient within rounding of 0 may take the other branch on
    // one side once enough steps have passed
    const klA = pk().tsneSteps(a.Y, a.u, a.g, P.rowPtr, P.cols, P.vals, N, dims, 4, 12, 0.5, 50, 0);
    const klB = js.tsneSteps(b.Y, b.u, b.g, P.rowPtr, P.cols, P.vals, N, dims, 4, 12, 0.5, 50, 0);
    expectClose(a.Y, b.Y, 1e-4, 1e-5, 'Y after 4 steps');
    expectClose(a.g, b.g, 1e-6, 1e-6, 'gains');
    expect(klA).toBeCloseTo(klB, 4);
  });

  it('umapMemberships: each row sums to log2(k + 1), its nearest neighbour at weight 1', () => {
    const N = 300, D = 6, k = 14;
    const X = clusters(15, N, D, 5);
    const idx = new Int32Array(N * k), dist = new Float32Array(N * k);
    pk().knnGraph(idx, dist, X, N, D, k, 'euclidean');
    const a = new Float32Array(N * k), b = new Float32Array(N * k);
    expect(pk().umapMemberships(a, dist, N, k, 1)).toBe(0);
    js.umapMemberships(b, dist, N, k, 1);
    expectClose(a, b, 1e-5, 1e-7, 'weights');
    for (let i = 0; i < N; i++) {
      expect(a[i * k]).toBe(1);
      let s = 0;
      for (let j = 0; j < k; j++) s += a[i * k + j];
      expect(s).toBeCloseTo(Math.log2(k + 1), 3);
    }
  });

  it('umapEpochs (deterministic) follows the JS reference', () => {
    const N = 300, D = 6, k = 14;
    const X = clusters(16, N, D, 4);
    const idx = new Int32Array(N * k), dist = new Float32Array(N * k);
    pk().knnGraph(idx, dist, X, N, D, k, 'euclidean');
    const w = new Float32Array(N * k);
    pk().umapMemberships(w, dist, N, k, 1);
    const rowPtr = new Int32Array(N + 1), cols = new Int32Array(2 * N * k), vals = new Float32Array(2 * N * k);
    const E = pk().symmetrizeGraph(rowPtr, cols, vals, idx, w, N, k, 'fuzzy-union');
    const heads = new Int32Array(E), tails = cols.slice(0, E);
    for (let i = 0; i < N; i++) heads.fill(i, rowPtr[i], rowPtr[i + 1]);
    let max = 0;
    for (let e = 0; e < E; e++) max = Math.max(max, vals[e]);
    const eps = Float64Array.from({ length: E }, (_, e) => max / vals[e]);
    const r = rng(17);
    const Y0 = Float32Array.from({ length: N * 2 }, () => r() * 10);
    const state = () => ({ Y: Float32Array.from(Y0), next: Float64Array.from(eps), neg: eps.map((v) => v / 5) });
    const a = state(), b = state();
    // two epochs: every edge of weight 1 attracts and repels at least once; later epochs would amplify the last-bit
    // differences of libm's powf (native) and Math.pow (JS) through the gradient clip
    pk().umapEpochs(a.Y, heads, tails, eps, a.next, a.neg, E, N, 2, 0, 2, 200, 1.577, 0.895, 1, 5, 1, 3, true);
    js.umapEpochs(b.Y, heads, tails, eps, b.next, b.neg, E, N, 2, 0, 2, 200, 1.577, 0.895, 1, 5, 1, 3, true);
    expectClose(a.Y, b.Y, 1e-4, 1e-4, 'Y after 2 epochs');
    expect(Array.from(a.next)).toEqual(Array.from(b.next));
    expect(Array.from(a.neg)).toEqual(Array.from(b.neg));
    expect(relErr(a.Y, Y0)).toBeGreaterThan(1e-3);  // it moved
  });
});

describe('projection kernel argument checks name the bad argument', () => {
  const pk = getProjectionKernels();
  it('rejects short buffers, bad dimensions, metrics and modes', () => {
    const X = new Float32Array(20);
    expect(() => pk.knnGraph(new Int32Array(4), new Float32Array(40), X, 10, 2, 4, 'euclidean')).toThrow(/knnGraph: indices has 4 elements, needs N\*k = 40/);
    expect(() => pk.knnGraph(new Int32Array(100), new Float32Array(100), X, 10, 2, 10, 'euclidean')).toThrow(/k is 10, but it must be an integer from 1 to 9/);
    expect(() => pk.knnGraph(new Int32Array(40), new Float32Array(40), X, 10, 2, 4, 'manhattan' as never)).toThrow(/metric is "manhattan"; use "euclidean" or "cosine"/);
    expect(() => pk.symmetrizeGraph(new Int32Array(11), new Int32Array(80), new Float32Array(80), new Int32Array(40).fill(12), new Float32Array(40), 10, 4, 'sum')).toThrow(/indices\[0\] is 12, outside \[0, 10\)/);
    expect(() => pk.tsneGradient(new Float32Array(40), new Float32Array(40), new Int32Array(11), new Int32Array(0), new Float32Array(0), 10, 4, 1, 0.5)).toThrow(/dims is 4, but projections are 2- or 3-dimensional/);
    expect(() => pk.tsneConditional(new Float32Array(4), new Float32Array(4), 1, 4, 0)).toThrow(/perplexity is 0, but it must be a number > 0/);
    expect(() => pk.umapEpochs(new Float32Array(4), new Int32Array(1), new Int32Array(1), new Float32Array(1) as never, new Float64Array(1), new Float64Array(1), 1, 2, 2, 0, 1, 10, 1, 1, 1, 5, 1, 0, true)).toThrow(/epochsPerSample is a Float32Array, but it must be a Float64Array/);
  });
});

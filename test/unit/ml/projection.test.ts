// The projections end to end (main/ml/embeddings/projection): scikit-learn / SciPy golden numbers (PCA, t-SNE's P and
// KL, trustworthiness, UMAP's curve; test/fixtures/projection/make_golden.py), labelled clusters kept apart by t-SNE
// and UMAP in 2D and 3D (trustworthiness and label purity asserted), streamed frames and early stop, Procrustes
// alignment, and the sentences bad input gets.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { getProjectionKernels } from '../../../native-kernels/projection-backends';
import { project, resolveParams } from '../../../main/ml/embeddings/projection/index';
import { tsneAffinities } from '../../../main/ml/embeddings/projection/tsne';
import { fitCurve } from '../../../main/ml/embeddings/projection/umap-curve';
import { neighbourOverlap, trustworthiness } from '../../../main/ml/embeddings/projection/quality';
import { applyAlignment, procrustes } from '../../../main/ml/embeddings/projection/procrustes';
import type { ProjectionFrame } from '../../../main/ml/embeddings/projection/types';
import { expectClose, rng } from '../kernels/helpers';

interface Golden {
  curve: { spread: number; minDist: number; a: number; b: number }[];
  pca: { N: number; D: number; X: number[]; mean: number[]; components: number[]; variances: number[]; ratios: number[]; scores: number[] };
  tsne: { N: number; D: number; perplexity: number; k: number; X: number[]; P: { row: number[]; col: number[]; val: number[] }; Y: number[]; kl: number; trustworthiness5: number };
}
const golden = JSON.parse(readFileSync(new URL('../../fixtures/projection/golden.json', import.meta.url), 'utf8')) as Golden;
const pk = getProjectionKernels();

/** N points in C well-separated clusters of dimension D, with their labels. */
function labelled(seed: number, N: number, D: number, C: number): { X: Float32Array; labels: Int32Array } {
  const r = rng(seed);
  const centres = Array.from({ length: C * D }, () => (r() * 2 - 1) * 10);
  const X = new Float32Array(N * D);
  const labels = new Int32Array(N);
  for (let i = 0; i < N; i++) {
    labels[i] = i % C;
    for (let d = 0; d < D; d++) X[i * D + d] = centres[labels[i] * D + d] + (r() * 2 - 1) * 1.5;
  }
  return { X, labels };
}

/** Share of each point's 10 nearest layout neighbours that carry its label. */
function purity(coords: Float32Array, labels: Int32Array, N: number, dims: number): number {
  const k = 10;
  const idx = new Int32Array(N * k), dist = new Float32Array(N * k);
  pk.knnGraph(idx, dist, coords, N, dims, k, 'euclidean');
  let same = 0;
  for (let i = 0; i < N; i++) for (let s = 0; s < k; s++) if (labels[idx[i * k + s]] === labels[i]) same++;
  return same / (N * k);
}

describe('golden numbers from scikit-learn and SciPy', () => {
  it('PCA: mean, axes, variances and scores as sklearn.decomposition.PCA', async () => {
    const g = golden.pca;
    const res = await project(pk, Float32Array.from(g.X), g.N, g.D, { method: 'pca', dims: 3 });
    expectClose(res.variances ?? [], g.variances, 1e-4, 1e-5, 'variances');
    expectClose(res.explained ?? [], g.ratios, 1e-4, 1e-6, 'variance ratios');
    expectClose(res.coords, g.scores, 1e-3, 2e-4, 'scores (same signs as sklearn)');
  });

  it("t-SNE: P equals scikit-learn's joint probabilities, and the KL of a layout its exact value", () => {
    const g = golden.tsne;
    const X = Float32Array.from(g.X);
    const P = tsneAffinities(pk, X, g.N, g.D, resolveParams({ method: 'tsne', perplexity: g.perplexity }, g.N, g.D), true);
    expect(P.knn.k).toBe(g.k);
    // sklearn's P is float64 and keeps every kNN entry, however small; ours is float32 and drops what underflows, so
    // the entries above 1e-12 (all that can matter) must agree, and every entry of ours must be one of sklearn's
    const want = new Map<string, number>();
    g.P.row.forEach((i, e) => want.set(`${i},${g.P.col[e]}`, g.P.val[e]));
    const ours = new Set<string>();
    for (let i = 0; i < g.N; i++) for (let e = P.rowPtr[i]; e < P.rowPtr[i + 1]; e++) ours.add(`${i},${P.cols[e]}`);
    for (const [key, v] of want) if (v > 1e-12) expect(ours.has(key), `sklearn's P[${key}] = ${v} is in ours`).toBe(true);
    for (let i = 0; i < g.N; i++) {
      for (let e = P.rowPtr[i]; e < P.rowPtr[i + 1]; e++) {
        if (P.vals[e] === 0) continue;
        const w = want.get(`${i},${P.cols[e]}`);
        expect(w, `P[${i},${P.cols[e]}] exists in sklearn's P`).toBeDefined();
        expect(Math.abs(P.vals[e] - (w as number))).toBeLessThan(1e-6 * Math.max(1, (w as number) * 1e3));
      }
    }
    const grad = new Float32Array(g.N * 2);
    const kl = pk.tsneGradient(grad, Float32Array.from(g.Y), P.rowPtr, P.cols, P.vals, g.N, 2, 1, 0);
    expect(kl).toBeCloseTo(g.kl, 4);
  });

  it('trustworthiness as sklearn.manifold.trustworthiness', () => {
    const g = golden.tsne;
    expect(trustworthiness(pk, Float32Array.from(g.X), Float32Array.from(g.Y), g.N, g.D, 2, 5)).toBeCloseTo(g.trustworthiness5, 10);
  });

  it("UMAP's curve (a, b) as umap-learn's curve_fit", () => {
    for (const c of golden.curve) {
      const { a, b } = fitCurve(c.spread, c.minDist);
      expect(a).toBeCloseTo(c.a, 4);
      expect(b).toBeCloseTo(c.b, 4);
    }
  });
});

describe('labelled clusters stay apart', () => {
  const N = 600, D = 20, C = 6;
  const { X, labels } = labelled(31, N, D, C);
  for (const method of ['tsne', 'umap', 'pca'] as const) {
    for (const dims of [2, 3] as const) {
      it(`${method} ${dims}D`, async () => {
        const res = await project(pk, X, N, D, { method, dims, seed: 5 });
        expect(res.coords.length).toBe(N * dims);
        expect(res.coords.every(Number.isFinite)).toBe(true);
        const t = trustworthiness(pk, X, res.coords, N, D, dims, 10);
        const p = purity(res.coords, labels, N, dims);
        // measured here (trustworthiness, k = 10): t-SNE 0.974 (2D) / 0.980 (3D), UMAP 0.961 / 0.969, PCA 0.946 /
        // 0.951; label purity 1.0 for all. UMAP runs Hogwild on 2 threads, so its figure moves a little run to run.
        const floor = { tsne: 0.95, umap: 0.93, pca: 0.9 }[method];
        expect(t, `trustworthiness of ${method} ${dims}D`).toBeGreaterThan(floor);
        expect(p, `label purity of ${method} ${dims}D`).toBeGreaterThan(0.99);
      });
    }
  }
});

describe('streaming and stopping', () => {
  const { X } = labelled(32, 300, 10, 3);
  it('t-SNE streams a frame every frameEvery iterations and stops when asked', async () => {
    const frames: ProjectionFrame[] = [];
    const res = await project(pk, X, 300, 10, { method: 'tsne', iterations: 300, frameEvery: 50 }, (f) => {
      frames.push({ ...f, coords: Float32Array.from(f.coords) });
    });
    expect(frames.map((f) => f.iteration)).toEqual([50, 100, 150, 200, 250, 300]);
    expect(frames.every((f) => Number.isFinite(f.kl))).toBe(true);
    expect(frames[5].kl as number).toBeLessThan(frames[0].kl as number);
    expect(res.iterations).toBe(300);
    const stopped = await project(pk, X, 300, 10, { method: 'tsne', frameEvery: 25 }, (f) => f.iteration < 75);
    expect(stopped.stopped).toBe(true);
    expect(stopped.iterations).toBe(75);
  });

  it('UMAP streams epochs and a seed with deterministic gives one layout', async () => {
    const seen: number[] = [];
    const a = await project(pk, X, 300, 10, { method: 'umap', iterations: 60, frameEvery: 20, deterministic: true, seed: 9 }, (f) => {
      seen.push(f.iteration);
    });
    const b = await project(pk, X, 300, 10, { method: 'umap', iterations: 60, frameEvery: 20, deterministic: true, seed: 9 });
    expect(seen).toEqual([20, 40, 60]);
    expect(Array.from(a.coords)).toEqual(Array.from(b.coords));
    expect(a.curve?.a).toBeCloseTo(1.577, 3);
  });
});

describe('Procrustes alignment', () => {
  it('undoes a rotation, reflection, scale and shift', () => {
    const r = rng(40);
    const N = 50;
    for (const dims of [2, 3]) {
      const A = Float32Array.from({ length: N * dims }, () => r() * 10);
      const B = new Float32Array(N * dims);
      const angle = 0.7;
      for (let i = 0; i < N; i++) {
        const x = A[i * dims], y = A[i * dims + 1];
        B[i * dims] = 2.5 * (Math.cos(angle) * x - Math.sin(angle) * y) + 3;
        B[i * dims + 1] = -2.5 * (Math.sin(angle) * x + Math.cos(angle) * y) - 1;  // reflected
        if (dims === 3) B[i * dims + 2] = 2.5 * A[i * dims + 2] + 7;
      }
      const al = procrustes(A, B, N, dims);
      expect(al.rmsd).toBeLessThan(1e-4);
      expect(al.scale).toBeCloseTo(1 / 2.5, 5);
      expectClose(applyAlignment(al, B, N, dims), A, 1e-4, 1e-4, `aligned ${dims}D`);
    }
  });

  it('neighbour overlap of identical lists is 1 and of disjoint ones 0', () => {
    const a = Int32Array.from([1, 2, 0, 2, 0, 1]);
    expect(neighbourOverlap(a, a, 3, 2)).toBe(1);
    expect(neighbourOverlap(a, Int32Array.from([5, 6, 7, 8, 9, 10]), 3, 2)).toBe(0);
  });
});

describe('bad input gets a sentence that says what to do', () => {
  const X = new Float32Array(40).map((_, i) => i % 7);
  it('0 and 1 points', async () => {
    await expect(project(pk, new Float32Array(0), 0, 4, { method: 'umap' })).rejects.toThrow(/no points to project: the vector set is empty/);
    await expect(project(pk, new Float32Array(4), 1, 4, { method: 'tsne' })).rejects.toThrow(/needs at least 2 points, and this set has 1/);
  });
  it('perplexity at or above the number of points, neighbours above it', async () => {
    await expect(project(pk, X, 10, 4, { method: 'tsne' })).rejects.toThrow(/The perplexity 30 must be below the number of points \(10\); choose a perplexity of at most 3/);
    await expect(project(pk, X, 10, 4, { method: 'umap', neighbors: 15 })).rejects.toThrow(/n_neighbors 15 is more than the number of points \(10\)/);
  });
  it('dims, method, metric and parameters', async () => {
    await expect(project(pk, X, 10, 4, { method: 'pca', dims: 4 as never })).rejects.toThrow(/dims 4 is not 2 or 3/);
    await expect(project(pk, X, 20, 2, { method: 'pca', dims: 3 })).rejects.toThrow(/PCA to 3D needs vectors of at least 3 dimensions; these have 2/);
    await expect(project(pk, X, 10, 4, { method: 'mds' as never })).rejects.toThrow(/method "mds" is not known/);
    await expect(project(pk, X, 10, 4, { method: 'umap', neighbors: 5, minDist: 3 })).rejects.toThrow(/min_dist 3 must lie between 0 and the spread/);
    await expect(project(pk, X, 10, 4, { method: 'tsne', perplexity: 3, iterations: 0 })).rejects.toThrow(/number of iterations 0 must be a whole number from 1 up/);
  });
  it('a NaN names its row, label and dimension', async () => {
    const bad = Float32Array.from(X);
    bad[4 * 4 + 2] = NaN;
    const labels = Array.from({ length: 10 }, (_, i) => `w${i}`);
    await expect(project(pk, bad, 10, 4, { method: 'pca' }, undefined, labels)).rejects.toThrow(/Row 4 \("w4"\) has NaN in dimension 2/);
  });
});

describe('starting from a given layout', () => {
  it('t-SNE and UMAP continue from `init` (no exaggerated phase for t-SNE), and a wrong size is refused', async () => {
    const { X } = labelled(33, 200, 8, 4);
    const firstFrames: number[] = [];
    const first = await project(pk, X, 200, 8, { method: 'tsne', perplexity: 10, iterations: 300, frameEvery: 25 }, (f) => {
      firstFrames.push(f.kl as number);
    });
    const frames: number[] = [];
    const again = await project(pk, X, 200, 8, { method: 'tsne', perplexity: 10, iterations: 50, frameEvery: 25 }, (f) => {
      frames.push(f.kl as number);
    }, undefined, { init: first.coords });
    // already converged: from its first frame the KL stays near the first run's end, far below where a fresh start
    // (exaggerated phase from PCA) is after as many iterations
    expect(Math.abs((again.kl as number) - (first.kl as number))).toBeLessThan(0.3);
    expect(frames[0]).toBeLessThan(firstFrames[0] - 0.5);
    const u = await project(pk, X, 200, 8, { method: 'umap', iterations: 20 }, undefined, undefined, { init: first.coords });
    expect(u.coords.length).toBe(400);
    await expect(project(pk, X, 200, 8, { method: 'umap' }, undefined, undefined, { init: new Float32Array(10) }))
      .rejects.toThrow(/starting layout has 10 numbers, but 200 points in 2D need 400/);
  });
});

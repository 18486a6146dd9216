// Gradients of the projections by finite differences: t-SNE's KL(P || Q) gradient (JS reference and native, exact
// and Barnes-Hut) against central differences of the KL computed here in float64, and UMAP's per-sample update
// coefficients against central differences of the losses they descend (attraction log(1 + a d^2b), repulsion
// -log(1 - 1/(1 + a d^2b))), so the SGD moves along minus the gradient.
import { describe, expect, it } from 'vitest';
import { getProjectionKernels } from '../../../native-kernels/projection-backends';
import { jsProjectionKernels as js } from '../../../native-kernels/js/projection/index';
import { umapAttractionCoefficient, umapRepulsionCoefficient } from '../../../native-kernels/js/projection/umap';
import { rng } from '../kernels/helpers';

/** KL(P || Q) in float64 over every pair (P in CSR, summing to 1). */
function klDivergence(Y: Float64Array, N: number, dims: number, rowPtr: Int32Array, cols: Int32Array, vals: Float32Array): number {
  let Z = 0;
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) {
      if (i === j) continue;
      let d2 = 0;
      for (let d = 0; d < dims; d++) d2 += (Y[i * dims + d] - Y[j * dims + d]) ** 2;
      Z += 1 / (1 + d2);
    }
  }
  let kl = 0;
  for (let i = 0; i < N; i++) {
    for (let e = rowPtr[i]; e < rowPtr[i + 1]; e++) {
      const j = cols[e];
      let d2 = 0;
      for (let d = 0; d < dims; d++) d2 += (Y[i * dims + d] - Y[j * dims + d]) ** 2;
      const q = 1 / (1 + d2) / Z;
      if (vals[e] > 0) kl += vals[e] * Math.log(vals[e] / q);  // 0 log 0 = 0 (P entries that underflowed)
    }
  }
  return kl;
}

/** A small P: 60 points in 3 clusters, 20 nearest neighbours, perplexity 6. */
function smallP(N: number) {
  const r = rng(21);
  const D = 4;
  const X = Float32Array.from({ length: N * D }, (_, e) => (Math.floor(e / D) % 3) * 5 + r() * 2);
  const k = 20;
  const idx = new Int32Array(N * k), dist = new Float32Array(N * k);
  js.knnGraph(idx, dist, X, N, D, k, 'euclidean');
  const cond = new Float32Array(N * k);
  js.tsneConditional(cond, dist.map((d) => d * d), N, k, 6);
  const rowPtr = new Int32Array(N + 1), cols = new Int32Array(2 * N * k), vals = new Float32Array(2 * N * k);
  const nnz = js.symmetrizeGraph(rowPtr, cols, vals, idx, cond, N, k, 'sum');
  return { rowPtr, cols: cols.slice(0, nnz), vals: vals.slice(0, nnz) };
}

describe('t-SNE gradient by finite differences', () => {
  for (const dims of [2, 3]) {
    it(`dKL/dY in ${dims}D: JS reference and native kernels`, () => {
      const N = 60;
      const P = smallP(N);
      const r = rng(22 + dims);
      const Y = Float64Array.from({ length: N * dims }, () => (r() * 2 - 1) * 3);
      const eps = 1e-5;
      const fd = new Float64Array(N * dims);
      for (let i = 0; i < N * dims; i++) {
        const y = Y[i];
        Y[i] = y + eps;
        const up = klDivergence(Y, N, dims, P.rowPtr, P.cols, P.vals);
        Y[i] = y - eps;
        const down = klDivergence(Y, N, dims, P.rowPtr, P.cols, P.vals);
        Y[i] = y;
        fd[i] = (up - down) / (2 * eps);
      }
      const Y32 = Float32Array.from(Y);
      // the layout in float32 is what the kernels see; differences of Y's rounding are far below the tolerance
      const check = (grad: Float32Array, tol: number, what: string): void => {
        let num = 0;
        let den = 0;
        for (let i = 0; i < N * dims; i++) {
          num += (grad[i] - fd[i]) ** 2;
          den += fd[i] ** 2;
        }
        expect(Math.sqrt(num / den), what).toBeLessThan(tol);
      };
      const gJs = new Float32Array(N * dims);
      const kl = js.tsneGradient(gJs, Y32, P.rowPtr, P.cols, P.vals, N, dims, 1, 0);
      expect(kl).toBeCloseTo(klDivergence(Float64Array.from(Y32), N, dims, P.rowPtr, P.cols, P.vals), 6);
      check(gJs, 1e-4, 'JS reference');
      const pk = getProjectionKernels();
      const gExact = new Float32Array(N * dims);
      pk.tsneGradient(gExact, Y32, P.rowPtr, P.cols, P.vals, N, dims, 1, 0);
      check(gExact, 1e-4, `${pk.backend} exact`);
      const gBh = new Float32Array(N * dims);
      pk.tsneGradient(gBh, Y32, P.rowPtr, P.cols, P.vals, N, dims, 1, 0.5);
      check(gBh, 0.03, `${pk.backend} Barnes-Hut theta 0.5`);
    });
  }
});

describe('UMAP update coefficients by finite differences', () => {
  const a = 1.5769434604035877;
  const b = 0.8950608780665811;
  // the losses as functions of the head's coordinate x, tail at 0 (so d^2 = x^2 and d(d^2)/dx = 2x)
  const attract = (x: number): number => Math.log(1 + a * Math.pow(x * x, b));
  const repel = (x: number): number => -Math.log(1 - 1 / (1 + a * Math.pow(x * x, b)));
  const centralDiff = (f: (x: number) => number, x: number): number => (f(x + 1e-6) - f(x - 1e-6)) / 2e-6;

  for (const x of [0.3, 0.8, 1.5, 3, 6]) {
    it(`at distance ${x}: attraction is minus the gradient, repulsion too (within its 0.001 regulariser)`, () => {
      // update of the head = coefficient * (x - 0) = -dLoss/dx
      const up = umapAttractionCoefficient(x * x, a, b) * x;
      const gradAttract = centralDiff(attract, x);
      expect(up).toBeCloseTo(-gradAttract, 4);
      const push = umapRepulsionCoefficient(x * x, a, b, 1) * x;
      const gradRepel = centralDiff(repel, x);
      expect(Math.abs(push + gradRepel) / Math.abs(gradRepel)).toBeLessThan(0.001 / (x * x) + 1e-5);
    });
  }
});

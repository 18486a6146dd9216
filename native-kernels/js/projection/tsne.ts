// JS reference t-SNE: the perplexity bisection, the sparse symmetrisation (also UMAP's fuzzy union), the exact KL
// gradient over every pair in float64 (what Barnes-Hut approximates) and the optimiser steps on it.
import type { F32 } from '../../kernels';
import type { SymmetrizeMode } from '../../projection';

export function tsneConditional(P: F32, distances: F32, N: number, k: number, perplexity: number): number {
  const target = Math.log(perplexity);
  const p = new Float64Array(k);
  let missed = 0;
  for (let i = 0; i < N; i++) {
    let beta = 1;
    let lo = -Infinity;
    let hi = Infinity;
    let sum = 0;
    let ok = false;
    for (let step = 0; step < 100; step++) {
      sum = 0;
      for (let j = 0; j < k; j++) {
        p[j] = Math.exp(-distances[i * k + j] * beta);
        sum += p[j];
      }
      if (sum === 0) sum = 1e-8;
      let dsum = 0;
      for (let j = 0; j < k; j++) dsum += distances[i * k + j] * (p[j] / sum);
      const diff = Math.log(sum) + beta * dsum - target;
      if (Math.abs(diff) <= 1e-5) {
        ok = true;
        break;
      }
      if (diff > 0) {
        lo = beta;
        beta = hi === Infinity ? beta * 2 : (beta + hi) / 2;
      } else {
        hi = beta;
        beta = lo === -Infinity ? beta / 2 : (beta + lo) / 2;
      }
    }
    if (!ok) missed++;
    for (let j = 0; j < k; j++) P[i * k + j] = p[j] / sum;
  }
  return missed;
}

export function symmetrizeGraph(rowPtr: Int32Array, cols: Int32Array, vals: F32, indices: Int32Array, weights: F32,
  N: number, k: number, mode: SymmetrizeMode): number {
  const rows: Map<number, { fwd: number; bwd: number }>[] = Array.from({ length: N }, () => new Map());
  for (let i = 0; i < N; i++) {
    for (let s = 0; s < k; s++) {
      const j = indices[i * k + s];
      if (j < 0 || j >= N || j === i) continue;
      const w = weights[i * k + s];
      const a = rows[i].get(j) ?? { fwd: 0, bwd: 0 };
      a.fwd = Math.max(a.fwd, w);
      rows[i].set(j, a);
      const b = rows[j].get(i) ?? { fwd: 0, bwd: 0 };
      b.bwd = Math.max(b.bwd, w);
      rows[j].set(i, b);
    }
  }
  let nnz = 0;
  rowPtr[0] = 0;
  for (let i = 0; i < N; i++) {
    for (const j of [...rows[i].keys()].sort((x, y) => x - y)) {
      const { fwd, bwd } = rows[i].get(j)!;
      const v = mode === 'sum' ? Math.fround(fwd + bwd) : Math.fround(fwd + bwd - fwd * bwd);
      if (v > 0) {
        cols[nnz] = j;
        vals[nnz] = v;
        nnz++;
      }
    }
    rowPtr[i + 1] = nnz;
  }
  if (mode === 'sum') {
    let sum = 0;
    for (let e = 0; e < nnz; e++) sum += vals[e];
    for (let e = 0; e < nnz; e++) vals[e] = sum > 0 ? vals[e] / sum : 0;
  }
  return nnz;
}

/** The exact gradient (theta is ignored: this is what every theta approximates) and KL(P || Q). */
export function tsneGradient(grad: F32, Y: F32, rowPtr: Int32Array, cols: Int32Array, vals: F32, N: number,
  dims: number, exaggeration: number): number {
  let Z = 0;
  const rep = new Float64Array(N * dims);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) {
      if (j === i) continue;
      let r2 = 1;
      for (let d = 0; d < dims; d++) r2 += (Y[i * dims + d] - Y[j * dims + d]) ** 2;
      const q = 1 / r2;
      Z += q;
      for (let d = 0; d < dims; d++) rep[i * dims + d] += q * q * (Y[i * dims + d] - Y[j * dims + d]);
    }
  }
  let kl = 0;
  let psum = 0;
  for (let i = 0; i < N; i++) {
    const attr = new Float64Array(dims);
    for (let a = rowPtr[i]; a < rowPtr[i + 1]; a++) {
      const j = cols[a];
      let r2 = 1;
      for (let d = 0; d < dims; d++) r2 += (Y[i * dims + d] - Y[j * dims + d]) ** 2;
      const q = 1 / r2;
      for (let d = 0; d < dims; d++) attr[d] += vals[a] * q * (Y[i * dims + d] - Y[j * dims + d]);
      if (vals[a] > 0) kl += vals[a] * Math.log(vals[a] * r2);
      psum += vals[a];
    }
    for (let d = 0; d < dims; d++) grad[i * dims + d] = 4 * (exaggeration * attr[d] - rep[i * dims + d] / Z);
  }
  return kl + psum * Math.log(Z);
}

export function tsneSteps(Y: F32, update: F32, gains: F32, rowPtr: Int32Array, cols: Int32Array, vals: F32, N: number,
  dims: number, steps: number, exaggeration: number, momentum: number, learningRate: number): number {
  const grad = new Float32Array(N * dims);
  let kl = 0;
  for (let s = 0; s < steps; s++) {
    kl = tsneGradient(grad, Y, rowPtr, cols, vals, N, dims, exaggeration);
    for (let i = 0; i < N * dims; i++) {
      const g = grad[i];
      gains[i] = Math.max(0.01, update[i] * g < 0 ? gains[i] + 0.2 : gains[i] * 0.8);
      update[i] = momentum * update[i] - learningRate * gains[i] * g;
      Y[i] += update[i];
    }
  }
  return kl;
}

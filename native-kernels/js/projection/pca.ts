// JS reference PCA: covariance in float64, every eigenpair by cyclic Jacobi rotations, the top k kept.
import type { F32 } from '../../kernels';

/** Eigenpairs of a symmetric A(n,n) (destroyed): values(n) unsorted, vectors(n,n) with column c for values[c]. */
export function jacobiEigen(A: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let total = 0;
    for (let i = 0; i < n * n; i++) {
      total += A[i] * A[i];
      if (Math.floor(i / n) !== i % n) off += A[i] * A[i];
    }
    if (off === 0 || off <= 1e-30 * total) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = A[p * n + q];
        if (apq === 0) continue;
        const theta = (A[q * n + q] - A[p * n + p]) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let r = 0; r < n; r++) {
          const arp = A[r * n + p], arq = A[r * n + q];
          A[r * n + p] = c * arp - s * arq;
          A[r * n + q] = s * arp + c * arq;
        }
        for (let r = 0; r < n; r++) {
          const apr = A[p * n + r], aqr = A[q * n + r];
          A[p * n + r] = c * apr - s * aqr;
          A[q * n + r] = s * apr + c * aqr;
        }
        for (let r = 0; r < n; r++) {
          const vrp = V[r * n + p], vrq = V[r * n + q];
          V[r * n + p] = c * vrp - s * vrq;
          V[r * n + q] = s * vrp + c * vrq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = A[i * n + i];
  return { values, vectors: V };
}

export function pcaFit(components: F32, variances: F32, mean: F32, X: F32, N: number, D: number, k: number): number {
  const mu = new Float64Array(D);
  for (let i = 0; i < N; i++) for (let d = 0; d < D; d++) mu[d] += X[i * D + d];
  for (let d = 0; d < D; d++) {
    mu[d] /= N;
    mean[d] = mu[d];
  }
  const C = new Float64Array(D * D);
  const row = new Float64Array(D);
  for (let i = 0; i < N; i++) {
    for (let d = 0; d < D; d++) row[d] = X[i * D + d] - mu[d];
    for (let a = 0; a < D; a++) for (let b = 0; b < D; b++) C[a * D + b] += row[a] * row[b];
  }
  const denom = N > 1 ? N - 1 : 1;
  let trace = 0;
  for (let a = 0; a < D * D; a++) C[a] /= denom;
  for (let a = 0; a < D; a++) trace += C[a * D + a];
  const { values, vectors } = jacobiEigen(C, D);
  const order = Array.from({ length: D }, (_, i) => i).sort((x, y) => values[y] - values[x]);
  for (let c = 0; c < k; c++) {
    variances[c] = Math.max(0, values[order[c]]);
    // sign: the row with the largest |score| scores positive
    let best = 0;
    for (let i = 0; i < N; i++) {
      let s = 0;
      for (let d = 0; d < D; d++) s += (X[i * D + d] - mu[d]) * vectors[d * D + order[c]];
      if (Math.abs(s) > Math.abs(best)) best = s;
    }
    const sign = best < 0 ? -1 : 1;
    for (let d = 0; d < D; d++) components[c * D + d] = sign * vectors[d * D + order[c]];
  }
  return trace;
}

export function pcaTransform(out: F32, X: F32, mean: F32, components: F32, N: number, D: number, k: number): void {
  for (let i = 0; i < N; i++) {
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let d = 0; d < D; d++) s += (X[i * D + d] - mean[d]) * components[c * D + d];
      out[i * k + c] = s;
    }
  }
}

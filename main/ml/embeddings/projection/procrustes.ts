// Orthogonal Procrustes alignment of one layout onto another (same points, same order): the rotation or reflection,
// uniform scale and shift that bring B closest to A in least squares. The checkpoint slider aligns every checkpoint's
// layout onto its neighbour's so points move only as much as the space itself changed.
import { jacobiEigen } from '../../../../native-kernels/js/projection/pca';

export interface Alignment {
  /** (dims, dims) row-major: aligned = scale * (b - meanB) @ R + meanA */
  R: Float64Array;
  scale: number;
  meanA: Float64Array;
  meanB: Float64Array;
  /** root mean squared distance between A and aligned B */
  rmsd: number;
}

/** The alignment of B(N,dims) onto A(N,dims); `weights` (N, optional) count some points more (e.g. frequent words). */
export function procrustes(A: Float32Array, B: Float32Array, N: number, dims: number, weights?: Float32Array): Alignment {
  const w = (i: number): number => (weights ? weights[i] : 1);
  let wsum = 0;
  const meanA = new Float64Array(dims);
  const meanB = new Float64Array(dims);
  for (let i = 0; i < N; i++) {
    wsum += w(i);
    for (let d = 0; d < dims; d++) {
      meanA[d] += w(i) * A[i * dims + d];
      meanB[d] += w(i) * B[i * dims + d];
    }
  }
  for (let d = 0; d < dims; d++) {
    meanA[d] /= wsum || 1;
    meanB[d] /= wsum || 1;
  }
  // M = Bc^T W Ac (dims, dims); R = U V^T for M = U S V^T; scale = trace(S) / |Bc|^2
  const M = new Float64Array(dims * dims);
  let normB = 0;
  for (let i = 0; i < N; i++) {
    for (let r = 0; r < dims; r++) {
      const b = B[i * dims + r] - meanB[r];
      normB += w(i) * b * b;
      for (let c = 0; c < dims; c++) M[r * dims + c] += w(i) * b * (A[i * dims + c] - meanA[c]);
    }
  }
  // SVD through the eigenvectors of M^T M (V) and M V = U S.
  const MtM = new Float64Array(dims * dims);
  for (let r = 0; r < dims; r++) for (let c = 0; c < dims; c++) for (let k = 0; k < dims; k++) MtM[r * dims + c] += M[k * dims + r] * M[k * dims + c];
  const { values, vectors: V } = jacobiEigen(MtM, dims);
  const order = Array.from({ length: dims }, (_, i) => i).sort((x, y) => values[y] - values[x]);
  const U = new Float64Array(dims * dims);
  let traceS = 0;
  const Vs = new Float64Array(dims * dims);
  for (let j = 0; j < dims; j++) {
    const col = order[j];
    const s = Math.sqrt(Math.max(0, values[col]));
    traceS += s;
    for (let r = 0; r < dims; r++) Vs[r * dims + j] = V[r * dims + col];
    for (let r = 0; r < dims; r++) {
      let mv = 0;
      for (let k = 0; k < dims; k++) mv += M[r * dims + k] * V[k * dims + col];
      U[r * dims + j] = s > 1e-12 ? mv / s : 0;
    }
  }
  // Columns of U for zero singular values (degenerate layouts) completed to an orthonormal basis.
  for (let j = 0; j < dims; j++) {
    let n = 0;
    for (let r = 0; r < dims; r++) n += U[r * dims + j] ** 2;
    if (n > 0.5) continue;
    for (let r = 0; r < dims; r++) U[r * dims + j] = r === j ? 1 : 0;
    for (let p = 0; p < dims; p++) {
      if (p === j) continue;
      let dot = 0;
      for (let r = 0; r < dims; r++) dot += U[r * dims + p] * U[r * dims + j];
      for (let r = 0; r < dims; r++) U[r * dims + j] -= dot * U[r * dims + p];
    }
    let m = 0;
    for (let r = 0; r < dims; r++) m += U[r * dims + j] ** 2;
    for (let r = 0; r < dims; r++) U[r * dims + j] /= Math.sqrt(m) || 1;
  }
  const R = new Float64Array(dims * dims);
  for (let r = 0; r < dims; r++) for (let c = 0; c < dims; c++) for (let k = 0; k < dims; k++) R[r * dims + c] += U[r * dims + k] * Vs[c * dims + k];
  const scale = normB > 0 ? traceS / normB : 1;
  const alignment: Alignment = { R, scale, meanA, meanB, rmsd: 0 };
  const aligned = applyAlignment(alignment, B, N, dims);
  let sq = 0;
  for (let i = 0; i < N * dims; i++) sq += (aligned[i] - A[i]) ** 2;
  alignment.rmsd = Math.sqrt(sq / N);
  return alignment;
}

/** scale * (B - meanB) @ R + meanA, as a new (N, dims) array. */
export function applyAlignment(al: Alignment, B: Float32Array, N: number, dims: number): Float32Array {
  const out = new Float32Array(N * dims);
  for (let i = 0; i < N; i++) {
    for (let c = 0; c < dims; c++) {
      let s = 0;
      for (let r = 0; r < dims; r++) s += (B[i * dims + r] - al.meanB[r]) * al.R[r * dims + c];
      out[i * dims + c] = al.scale * s + al.meanA[c];
    }
  }
  return out;
}

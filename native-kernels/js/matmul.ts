// JS reference matmul kernels: general sgemm plus the linear-layer forward/backward, plain loops with float64 sums.

import type { F32 } from '../kernels';
import { LabError } from '../../common/errors';

/** C(M,N) = alpha * op(A) @ op(B) + beta * C, row-major; see Kernels.sgemm for the transpose layouts. */
export function sgemm(transA: boolean, transB: boolean, M: number, N: number, K: number, alpha: number,
  A: F32, B: F32, beta: number, C: F32): void {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let sum = 0;
      for (let k = 0; k < K; k++) {
        const a = transA ? A[k * M + i] : A[i * K + k];
        const b = transB ? B[j * K + k] : B[k * N + j];
        sum += a * b;
      }
      // beta == 0 must not read C (it may hold NaN from an uninitialised buffer), as in BLAS.
      C[i * N + j] = beta === 0 ? alpha * sum : alpha * sum + beta * C[i * N + j];
    }
  }
}

/** out(BT,OC) = inp(BT,C) @ weight(OC,C)^T + bias(OC). */
export function matmulForward(out: F32, inp: F32, weight: F32, bias: F32 | null, BT: number, C: number, OC: number): void {
  for (let t = 0; t < BT; t++) {
    const x = t * C;
    for (let o = 0; o < OC; o++) {
      const w = o * C;
      let sum = bias ? bias[o] : 0;
      for (let c = 0; c < C; c++) sum += inp[x + c] * weight[w + c];
      out[t * OC + o] = sum;
    }
  }
}

/** dinp = dout @ weight (written, skipped when null); dweight += dout^T @ inp; dbias += column sums of dout. */
export function matmulBackward(dinp: F32 | null, dweight: F32, dbias: F32 | null, dout: F32, inp: F32, weight: F32,
  BT: number, C: number, OC: number): void {
  if (dinp) {
    const row = new Float64Array(C);
    for (let t = 0; t < BT; t++) {
      row.fill(0);
      for (let o = 0; o < OC; o++) {
        const d = dout[t * OC + o];
        const w = o * C;
        for (let c = 0; c < C; c++) row[c] += d * weight[w + c];
      }
      for (let c = 0; c < C; c++) dinp[t * C + c] = row[c];
    }
  }
  const acc = new Float64Array(C);
  for (let o = 0; o < OC; o++) {
    acc.fill(0);
    let bsum = 0;
    for (let t = 0; t < BT; t++) {
      const d = dout[t * OC + o];
      bsum += d;
      const x = t * C;
      for (let c = 0; c < C; c++) acc[c] += d * inp[x + c];
    }
    for (let c = 0; c < C; c++) dweight[o * C + c] += acc[c];
    if (dbias) dbias[o] += bsum;
  }
}

/** The reference backend's "packed" weight is a plain copy of weight(OC,C): it has no GEMM layout to prepare. */
export function packLinearWeight(weight: F32, C: number, OC: number): F32 {
  return weight.slice(0, OC * C);
}

/** matmulForward on packLinearWeight's copy; a buffer of another length was packed by another backend. */
export function matmulForwardPacked(out: F32, inp: F32, packed: F32, bias: F32 | null, BT: number, C: number, OC: number): void {
  if (packed.length !== OC * C) {
    throw new LabError('invalid_input', `matmulForwardPacked: the packed weight has ${packed.length} floats, but the JS backend packs OC*C = ${OC * C}; pack it with the same backend that runs it.`, { field: 'packed' });
  }
  matmulForward(out, inp, packed, bias, BT, C, OC);
}

// JS reference LayerNorm over the last dimension (eps 1e-5), saving mean and 1/std per row for the backward.

import type { F32 } from '../kernels';

export const LAYERNORM_EPS = 1e-5;

/** out(N,C) = (inp - mean) * rstd * weight + bias; mean(N), rstd(N) written. */
export function layernormForward(out: F32, mean: F32, rstd: F32, inp: F32, weight: F32, bias: F32, N: number, C: number): void {
  for (let n = 0; n < N; n++) {
    const x = n * C;
    let m = 0;
    for (let c = 0; c < C; c++) m += inp[x + c];
    m /= C;
    let v = 0;
    for (let c = 0; c < C; c++) {
      const d = inp[x + c] - m;
      v += d * d;
    }
    v /= C;
    const s = 1 / Math.sqrt(v + LAYERNORM_EPS);
    for (let c = 0; c < C; c++) out[x + c] = (inp[x + c] - m) * s * weight[c] + bias[c];
    mean[n] = m;
    rstd[n] = s;
  }
}

/** dinp written: rstd * (g - mean(g) - xhat * mean(g * xhat)) with g = dout * weight, rounded to float, plus
 *  dresidual when given; dweight, dbias accumulated. */
export function layernormBackward(dinp: F32, dweight: F32, dbias: F32, dout: F32, inp: F32, weight: F32,
  mean: F32, rstd: F32, N: number, C: number, dresidual: F32 | null = null): void {
  const dw = new Float64Array(C);
  const db = new Float64Array(C);
  for (let n = 0; n < N; n++) {
    const x = n * C;
    const m = mean[n];
    const s = rstd[n];
    let gMean = 0;
    let gxMean = 0;
    for (let c = 0; c < C; c++) {
      const xhat = (inp[x + c] - m) * s;
      const g = dout[x + c] * weight[c];
      gMean += g;
      gxMean += g * xhat;
    }
    gMean /= C;
    gxMean /= C;
    for (let c = 0; c < C; c++) {
      const xhat = (inp[x + c] - m) * s;
      const g = dout[x + c] * weight[c];
      db[c] += dout[x + c];
      dw[c] += dout[x + c] * xhat;
      const di = (g - gMean - xhat * gxMean) * s;
      dinp[x + c] = dresidual === null ? di : Math.fround(di) + dresidual[x + c];
    }
  }
  for (let c = 0; c < C; c++) {
    dweight[c] += dw[c];
    dbias[c] += db[c];
  }
}

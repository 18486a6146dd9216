// JS reference alignment kernels (see alignment-kernels.ts): dot and additive scores, masked softmax + context, with
// their backward passes; plain loops with float64 sums.

import type { F32 } from '../kernels';

/** scores(B,NH,T,S) = scale * q k^T per (b, head). */
export function alignDotForward(scores: F32, q: F32, k: F32, scale: number, B: number, T: number, S: number, NH: number,
  D: number): void {
  const W = NH * D;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < NH; h++) {
      for (let t = 0; t < T; t++) {
        const qo = (b * T + t) * W + h * D;
        const so = ((b * NH + h) * T + t) * S;
        for (let j = 0; j < S; j++) {
          const ko = (b * S + j) * W + h * D;
          let dot = 0;
          for (let d = 0; d < D; d++) dot += q[qo + d] * k[ko + d];
          scores[so + j] = dot * scale;
        }
      }
    }
  }
}

/** dq = scale dscores k, dk = scale dscores^T q (written). */
export function alignDotBackward(dq: F32, dk: F32, dscores: F32, q: F32, k: F32, scale: number, B: number, T: number,
  S: number, NH: number, D: number): void {
  const W = NH * D;
  const acc = new Float64Array(D);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < NH; h++) {
      for (let t = 0; t < T; t++) {
        acc.fill(0);
        const so = ((b * NH + h) * T + t) * S;
        for (let j = 0; j < S; j++) {
          const g = dscores[so + j];
          const ko = (b * S + j) * W + h * D;
          for (let d = 0; d < D; d++) acc[d] += g * k[ko + d];
        }
        const qo = (b * T + t) * W + h * D;
        for (let d = 0; d < D; d++) dq[qo + d] = acc[d] * scale;
      }
      for (let j = 0; j < S; j++) {
        acc.fill(0);
        for (let t = 0; t < T; t++) {
          const g = dscores[((b * NH + h) * T + t) * S + j];
          const qo = (b * T + t) * W + h * D;
          for (let d = 0; d < D; d++) acc[d] += g * q[qo + d];
        }
        const ko = (b * S + j) * W + h * D;
        for (let d = 0; d < D; d++) dk[ko + d] = acc[d] * scale;
      }
    }
  }
}

/** scores(B,T,S) = sum_a v[a] tanh(q[b,t,a] + k[b,j,a]). */
export function alignAdditiveForward(scores: F32, q: F32, k: F32, v: F32, B: number, T: number, S: number, A: number): void {
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const qo = (b * T + t) * A;
      for (let j = 0; j < S; j++) {
        const ko = (b * S + j) * A;
        let sum = 0;
        for (let a = 0; a < A; a++) sum += v[a] * Math.tanh(q[qo + a] + k[ko + a]);
        scores[(b * T + t) * S + j] = sum;
      }
    }
  }
}

/** With u = tanh(q + k): dq[t] = sum_j g v (1 - u^2), dk[j] = sum_t g v (1 - u^2) (written), dv += sum g u. */
export function alignAdditiveBackward(dq: F32, dk: F32, dv: F32, dscores: F32, q: F32, k: F32, v: F32, B: number,
  T: number, S: number, A: number): void {
  const dqAcc = new Float64Array(T * A);
  const dkAcc = new Float64Array(S * A);
  const dvAcc = new Float64Array(A);
  for (let b = 0; b < B; b++) {
    dqAcc.fill(0);
    dkAcc.fill(0);
    for (let t = 0; t < T; t++) {
      const qo = (b * T + t) * A;
      for (let j = 0; j < S; j++) {
        const g = dscores[(b * T + t) * S + j];
        if (g === 0) continue;
        const ko = (b * S + j) * A;
        for (let a = 0; a < A; a++) {
          const u = Math.tanh(q[qo + a] + k[ko + a]);
          dvAcc[a] += g * u;
          const pre = g * v[a] * (1 - u * u);
          dqAcc[t * A + a] += pre;
          dkAcc[j * A + a] += pre;
        }
      }
    }
    for (let i = 0; i < T * A; i++) dq[b * T * A + i] = dqAcc[i];
    for (let i = 0; i < S * A; i++) dk[b * S * A + i] = dkAcc[i];
  }
  for (let a = 0; a < A; a++) dv[a] += dvAcc[a];
}

/** Masked softmax over the first srcLen[b] keys, then ctx = att @ values per (b, head). */
export function alignSoftmaxContextForward(ctx: F32, att: F32, scores: F32, values: F32, srcLen: Int32Array, B: number,
  T: number, S: number, NH: number, H: number): void {
  const W = NH * H;
  const row = new Float64Array(S);
  for (let b = 0; b < B; b++) {
    const L = srcLen[b];
    for (let h = 0; h < NH; h++) {
      for (let t = 0; t < T; t++) {
        const so = ((b * NH + h) * T + t) * S;
        let max = -Infinity;
        for (let j = 0; j < L; j++) max = Math.max(max, scores[so + j]);
        let sum = 0;
        for (let j = 0; j < S; j++) {
          row[j] = j < L ? Math.exp(scores[so + j] - max) : 0;
          sum += row[j];
        }
        const inv = sum > 0 ? 1 / sum : 0;
        for (let j = 0; j < S; j++) att[so + j] = row[j] * inv;
        const co = (b * T + t) * W + h * H;
        for (let e = 0; e < H; e++) {
          let acc = 0;
          for (let j = 0; j < L; j++) acc += att[so + j] * values[(b * S + j) * W + h * H + e];
          ctx[co + e] = acc;
        }
      }
    }
  }
}

/** datt = dctx values^T, dvalues = att^T dctx (written), dscores = att (datt - sum att datt). */
export function alignSoftmaxContextBackward(dscores: F32, dvalues: F32, dctx: F32, att: F32, values: F32, B: number,
  T: number, S: number, NH: number, H: number): void {
  const W = NH * H;
  const datt = new Float64Array(S);
  const acc = new Float64Array(H);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < NH; h++) {
      for (let t = 0; t < T; t++) {
        const so = ((b * NH + h) * T + t) * S;
        const co = (b * T + t) * W + h * H;
        let inner = 0;
        for (let j = 0; j < S; j++) {
          const vo = (b * S + j) * W + h * H;
          let dot = 0;
          for (let e = 0; e < H; e++) dot += dctx[co + e] * values[vo + e];
          datt[j] = dot;
          inner += att[so + j] * dot;
        }
        for (let j = 0; j < S; j++) dscores[so + j] = att[so + j] * (datt[j] - inner);
      }
      for (let j = 0; j < S; j++) {
        acc.fill(0);
        for (let t = 0; t < T; t++) {
          const a = att[((b * NH + h) * T + t) * S + j];
          if (a === 0) continue;
          const co = (b * T + t) * W + h * H;
          for (let e = 0; e < H; e++) acc[e] += a * dctx[co + e];
        }
        const vo = (b * S + j) * W + h * H;
        for (let e = 0; e < H; e++) dvalues[vo + e] = acc[e];
      }
    }
  }
}

/** out = tanh(inp). */
export function tanhForward(out: F32, inp: F32, N: number): void {
  for (let i = 0; i < N; i++) out[i] = Math.tanh(inp[i]);
}

/** dinp = dout (1 - out^2). */
export function tanhBackward(dinp: F32, out: F32, dout: F32, N: number): void {
  for (let i = 0; i < N; i++) dinp[i] = dout[i] * (1 - out[i] * out[i]);
}

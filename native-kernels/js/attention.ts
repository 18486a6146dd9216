// JS reference multi-head scaled dot-product self-attention with causal and key-padding masks; keeps the probabilities.

import type { F32 } from '../kernels';

/** Masking rule shared by forward and backward: key j is visible to query i unless causal and j > i, or keyMask[b,j] == 0. */
export function keyVisible(keyMask: Uint8Array | null, causal: boolean, b: number, T: number, i: number, j: number): boolean {
  if (causal && j > i) return false;
  return keyMask === null || keyMask[b * T + j] !== 0;
}

/** qkv(B,T,3C) -> preatt, att (B,NH,T,T), out(B,T,C). Masked probabilities are exactly 0; fully masked rows are all 0.
 *  preatt null: the scores go through a one-row float32 scratch (same rounding as when kept). */
export function attentionForward(out: F32, preatt: F32 | null, att: F32, qkv: F32, keyMask: Uint8Array | null, causal: boolean,
  B: number, T: number, C: number, NH: number): void {
  const hs = C / NH;
  const C3 = 3 * C;
  const scale = 1 / Math.sqrt(hs);
  const row = new Float64Array(T);
  const scratch = new Float32Array(T);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < NH; h++) {
      for (let i = 0; i < T; i++) {
        const q = (b * T + i) * C3 + h * hs;
        const a = ((b * NH + h) * T + i) * T;
        const pre = preatt ?? scratch;
        const p = preatt === null ? 0 : a;
        let max = -Infinity;
        for (let j = 0; j < T; j++) {
          const k = (b * T + j) * C3 + C + h * hs;
          let dot = 0;
          for (let d = 0; d < hs; d++) dot += qkv[q + d] * qkv[k + d];
          pre[p + j] = dot * scale;
          if (keyVisible(keyMask, causal, b, T, i, j) && pre[p + j] > max) max = pre[p + j];
        }
        let sum = 0;
        for (let j = 0; j < T; j++) {
          row[j] = keyVisible(keyMask, causal, b, T, i, j) ? Math.exp(pre[p + j] - max) : 0;
          sum += row[j];
        }
        const inv = sum > 0 ? 1 / sum : 0;
        for (let j = 0; j < T; j++) att[a + j] = row[j] * inv;
        const o = (b * T + i) * C + h * hs;
        for (let d = 0; d < hs; d++) {
          let acc = 0;
          for (let j = 0; j < T; j++) acc += att[a + j] * qkv[(b * T + j) * C3 + 2 * C + h * hs + d];
          out[o + d] = acc;
        }
      }
    }
  }
}

/** dqkv(B,T,3C) written from dout(B,T,C), using the saved att; one query row's score gradients at a time in scratch. */
export function attentionBackward(dqkv: F32, dout: F32, qkv: F32, att: F32, B: number, T: number, C: number, NH: number): void {
  const hs = C / NH;
  const C3 = 3 * C;
  const scale = 1 / Math.sqrt(hs);
  const datt = new Float32Array(T);
  const dpreatt = new Float32Array(T);
  dqkv.fill(0, 0, B * T * C3);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < NH; h++) {
      for (let i = 0; i < T; i++) {
        const a = ((b * NH + h) * T + i) * T;
        const o = (b * T + i) * C + h * hs;
        // out_i = sum_j att_ij v_j  =>  datt_ij = dout_i . v_j,  dv_j += att_ij dout_i
        for (let j = 0; j < T; j++) {
          const v = (b * T + j) * C3 + 2 * C + h * hs;
          let dot = 0;
          for (let d = 0; d < hs; d++) {
            dot += dout[o + d] * qkv[v + d];
            dqkv[v + d] += att[a + j] * dout[o + d];
          }
          datt[j] = dot;
        }
        // softmax backward: dpreatt_ij = att_ij (datt_ij - sum_k att_ik datt_ik); masked att are 0 so they get 0.
        let inner = 0;
        for (let j = 0; j < T; j++) inner += att[a + j] * datt[j];
        for (let j = 0; j < T; j++) dpreatt[j] = att[a + j] * (datt[j] - inner);
        const q = (b * T + i) * C3 + h * hs;
        for (let j = 0; j < T; j++) {
          const g = dpreatt[j] * scale;
          if (g === 0) continue;
          const k = (b * T + j) * C3 + C + h * hs;
          for (let d = 0; d < hs; d++) {
            dqkv[q + d] += g * qkv[k + d];
            dqkv[k + d] += g * qkv[q + d];
          }
        }
      }
    }
  }
}

/** The first index into rows[0..M) of each batch element's rows: batch b owns rows[start[b]..start[b+1]). */
function rowStarts(rows: Int32Array, M: number, B: number, T: number): Int32Array {
  const start = new Int32Array(B + 1);
  let m = 0;
  for (let b = 0; b <= B; b++) {
    while (m < M && rows[m] < b * T) m++;
    start[b] = m;
  }
  return start;
}

/** attentionForward for the query rows rows[0..M) (ascending b*T+t) only, over every key: q(M,C) those rows' queries,
 *  kv(B,T,2C) = [k | v] of every position, out(M,C). att: batch b's rows, in order, from (b*NH+h)*T*T; the rest of
 *  att is not touched. Scores are rounded through float32 as in attentionForward, so each row equals its row there. */
export function attentionRowsForward(out: F32, att: F32, q: F32, kv: F32, rows: Int32Array, M: number,
  keyMask: Uint8Array | null, causal: boolean, B: number, T: number, C: number, NH: number): void {
  const hs = C / NH;
  const C2 = 2 * C;
  const scale = 1 / Math.sqrt(hs);
  const row = new Float64Array(T);
  const pre = new Float32Array(T);
  const start = rowStarts(rows, M, B, T);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < NH; h++) {
      for (let m = start[b]; m < start[b + 1]; m++) {
        const i = rows[m] - b * T;
        const qo = m * C + h * hs;
        const a = ((b * NH + h) * T + (m - start[b])) * T;
        let max = -Infinity;
        for (let j = 0; j < T; j++) {
          const k = (b * T + j) * C2 + h * hs;
          let dot = 0;
          for (let d = 0; d < hs; d++) dot += q[qo + d] * kv[k + d];
          pre[j] = dot * scale;
          if (keyVisible(keyMask, causal, b, T, i, j) && pre[j] > max) max = pre[j];
        }
        let sum = 0;
        for (let j = 0; j < T; j++) {
          row[j] = keyVisible(keyMask, causal, b, T, i, j) ? Math.exp(pre[j] - max) : 0;
          sum += row[j];
        }
        const inv = sum > 0 ? 1 / sum : 0;
        for (let j = 0; j < T; j++) att[a + j] = row[j] * inv;
        for (let d = 0; d < hs; d++) {
          let acc = 0;
          for (let j = 0; j < T; j++) acc += att[a + j] * kv[(b * T + j) * C2 + C + h * hs + d];
          out[qo + d] = acc;
        }
      }
    }
  }
}

/** dq(M,C) and dkv(B,T,2C) written from dout(M,C) and attentionRowsForward's att: attentionBackward's gradients with
 *  dout zero on every row not in rows[0..M). dkv is zero for keys that no row sees. */
export function attentionRowsBackward(dq: F32, dkv: F32, dout: F32, q: F32, kv: F32, att: F32, rows: Int32Array,
  M: number, B: number, T: number, C: number, NH: number): void {
  const hs = C / NH;
  const C2 = 2 * C;
  const scale = 1 / Math.sqrt(hs);
  const datt = new Float32Array(T);
  const dpreatt = new Float32Array(T);
  const start = rowStarts(rows, M, B, T);
  dq.fill(0, 0, M * C);
  dkv.fill(0, 0, B * T * C2);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < NH; h++) {
      for (let m = start[b]; m < start[b + 1]; m++) {
        const a = ((b * NH + h) * T + (m - start[b])) * T;
        const o = m * C + h * hs;
        // out_m = sum_j att_mj v_j  =>  datt_mj = dout_m . v_j,  dv_j += att_mj dout_m
        for (let j = 0; j < T; j++) {
          const v = (b * T + j) * C2 + C + h * hs;
          let dot = 0;
          for (let d = 0; d < hs; d++) {
            dot += dout[o + d] * kv[v + d];
            dkv[v + d] += att[a + j] * dout[o + d];
          }
          datt[j] = dot;
        }
        // softmax backward: dpreatt_mj = att_mj (datt_mj - sum_k att_mk datt_mk); masked att are 0 so they get 0.
        let inner = 0;
        for (let j = 0; j < T; j++) inner += att[a + j] * datt[j];
        for (let j = 0; j < T; j++) dpreatt[j] = att[a + j] * (datt[j] - inner);
        for (let j = 0; j < T; j++) {
          const g = dpreatt[j] * scale;
          if (g === 0) continue;
          const k = (b * T + j) * C2 + h * hs;
          for (let d = 0; d < hs; d++) {
            dq[o + d] += g * kv[k + d];
            dkv[k + d] += g * q[o + d];
          }
        }
      }
    }
  }
}

// Attention maths the explorer draws: one head's matrix, the mean over heads, and attention rollout across layers.
// Every function reads the flat (L,NH,T,T) row-major array the analysis channels return.

/** The (T,T) matrix of one layer and head. */
export function headMatrix(attention: ArrayLike<number>, NH: number, T: number, layer: number, head: number): Float32Array {
  const start = (layer * NH + head) * T * T;
  const out = new Float32Array(T * T);
  for (let i = 0; i < T * T; i++) out[i] = attention[start + i];
  return out;
}

/** The (T,T) mean over the NH heads of one layer. */
export function meanOverHeads(attention: ArrayLike<number>, NH: number, T: number, layer: number): Float32Array {
  const out = new Float32Array(T * T);
  for (let h = 0; h < NH; h++) {
    const start = (layer * NH + h) * T * T;
    for (let i = 0; i < T * T; i++) out[i] += attention[start + i] / NH;
  }
  return out;
}

/**
 * Attention rollout (Abnar & Zuidema 2020): R = Â_L · … · Â_1 with Â_l = rownorm(0.5 · mean_h A_l + 0.5 · I), the
 * identity standing for the residual connection. Row i of R says how much token i's final representation draws on
 * each input token. Returns (T,T); upTo (1..L) stops after that many layers. causal: every map is lower-triangular
 * (GPT), so the product is too and the loops skip the zero half.
 */
export function attentionRollout(attention: ArrayLike<number>, L: number, NH: number, T: number, upTo = L, causal = false): Float32Array {
  let rollout: Float32Array = new Float32Array(T * T);
  for (let i = 0; i < T; i++) rollout[i * T + i] = 1;
  for (let l = 0; l < upTo; l++) {
    const a = meanOverHeads(attention, NH, T, l);
    for (let i = 0; i < T; i++) {
      let sum = 0;
      for (let j = 0; j < T; j++) {
        a[i * T + j] = 0.5 * a[i * T + j] + (i === j ? 0.5 : 0);
        sum += a[i * T + j];
      }
      if (sum > 0) for (let j = 0; j < T; j++) a[i * T + j] /= sum;
    }
    rollout = multiply(a, rollout, T, causal);
  }
  return rollout;
}

/** (T,T) a · b; lower-triangular inputs (causal) touch only k ≤ i and j ≤ k. */
function multiply(a: Float32Array, b: Float32Array, T: number, causal: boolean): Float32Array {
  const out = new Float32Array(T * T);
  for (let i = 0; i < T; i++) {
    const kEnd = causal ? i + 1 : T;
    for (let k = 0; k < kEnd; k++) {
      const w = a[i * T + k];
      if (w === 0) continue;
      const jEnd = causal ? k + 1 : T;
      const row = k * T;
      const at = i * T;
      for (let j = 0; j < jEnd; j++) out[at + j] += w * b[row + j];
    }
  }
  return out;
}

/** Largest value of a matrix (1 for an empty one), for scaling colours of maps that are not probabilities. */
export function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]));
  return m > 0 ? m : 1;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const SEXTET = new Uint8Array(128);
for (let i = 0; i < BASE64.length; i++) SEXTET[BASE64.charCodeAt(i)] = i;

/**
 * The bytes of a base64 string (analysis.thumbnails' pooled maps), in a buffer rounded up to whole float32s. Decoded
 * with a table rather than atob(), which takes half a second on 13 MB.
 */
export function unpackBytes(base64: string): Uint8Array {
  const pad = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  const n = (base64.length / 4) * 3 - pad;
  const bytes = new Uint8Array(Math.ceil(n / 4) * 4);
  let o = 0;
  for (let i = 0; i < base64.length; i += 4) {
    const v = (SEXTET[base64.charCodeAt(i)] << 18) | (SEXTET[base64.charCodeAt(i + 1)] << 12)
      | (SEXTET[base64.charCodeAt(i + 2)] << 6) | SEXTET[base64.charCodeAt(i + 3)];
    bytes[o++] = v >> 16;
    if (o < n) bytes[o++] = (v >> 8) & 255;
    if (o < n) bytes[o++] = v & 255;
  }
  return bytes.subarray(0, n);
}

/** The float32 array of a base64 string (little-endian, as analysis.matrix and `attentionPacked` send it). */
export function unpackFloat32(base64: string): Float32Array {
  const bytes = unpackBytes(base64);
  return new Float32Array(bytes.buffer, 0, bytes.length >> 2);
}

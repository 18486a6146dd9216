// Attention maths the explorer draws: one head's matrix, colour scaling, and decoding the packed arrays the analysis
// channels return (flat, row-major). The mean over heads and rollout are made in main (main/ml/attention-math.ts).

/** The (T,T) matrix of one layer and head. */
export function headMatrix(attention: ArrayLike<number>, NH: number, T: number, layer: number, head: number): Float32Array {
  const start = (layer * NH + head) * T * T;
  const out = new Float32Array(T * T);
  for (let i = 0; i < T * T; i++) out[i] = attention[start + i];
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

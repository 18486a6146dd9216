// Pure maths over the flat (L,NH,T,T) row-major attention arrays the analysis worker holds: the mean over heads,
// attention rollout, hiding tokens, the causal check, one head's scaled dot-product step by step, 6-digit rounding.
import { sig6 } from '../../common/attention-views';

export { sig6 };

/** A typed array as plain numbers rounded to 6 significant digits: what the API sends when it sends numbers. */
export function rounded(a: ArrayLike<number>): number[] {
  const out = new Array<number>(a.length);
  for (let i = 0; i < a.length; i++) out[i] = sig6(a[i]);
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

/**
 * Keeps only the tokens at `keep` (positions in 0..T-1) of an (L,NH,T,T) attention array: drops the other rows and
 * columns and rescales each kept row so it sums to 1 again. A row whose kept weights are all 0 stays 0.
 * Returns (L,NH,K,K) with K = keep.length.
 */
export function hideTokens(attention: Float32Array, shape: readonly [number, number, number, number], keep: readonly number[]): Float32Array {
  const [L, NH, T] = shape;
  const K = keep.length;
  const out = new Float32Array(L * NH * K * K);
  for (let m = 0; m < L * NH; m++) {
    for (let a = 0; a < K; a++) {
      const src = m * T * T + keep[a] * T;
      const dst = m * K * K + a * K;
      let sum = 0;
      for (let b = 0; b < K; b++) sum += attention[src + keep[b]];
      for (let b = 0; b < K; b++) out[dst + b] = sum > 0 ? attention[src + keep[b]] / sum : 0;
    }
  }
  return out;
}

/** True when every weight above the diagonal is (numerically) 0: the model attends only to itself and earlier tokens. */
export function looksCausal(attention: Float32Array, T: number): boolean {
  if (T < 2 || attention.length === 0) return false;
  for (let m = 0; m < attention.length / (T * T); m++) {
    for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) if (attention[m * T * T + i * T + j] > 1e-7) return false;
  }
  return true;
}

export interface DotProductSteps {
  q: number[];
  keys: number[][];
  values: number[][];
  scores: number[];
  scaled: number[];
  masked: (number | null)[];
  weights: number[];
  output: number[];
}

/**
 * softmax(q·Kᵀ/√d_k + mask)·V for one query token of one head, from a layer's qkv activation (T,3C) laid out as
 * [q | k | v], each C wide and split into NH heads of C/NH. Causal: keys after the query are masked (−∞ → null).
 */
export function dotProductSteps(qkv: Float32Array, T: number, C: number, NH: number, head: number, query: number, causal: boolean): DotProductSteps {
  const hs = C / NH;
  const at = (t: number, part: number): number[] => Array.from(qkv.subarray(t * 3 * C + part * C + head * hs, t * 3 * C + part * C + (head + 1) * hs));
  const q = at(query, 0);
  const keys = Array.from({ length: T }, (_, j) => at(j, 1));
  const values = Array.from({ length: T }, (_, j) => at(j, 2));
  const scores = keys.map((k) => k.reduce((s, kd, d) => s + kd * q[d], 0));
  const scaled = scores.map((s) => s / Math.sqrt(hs));
  const masked = scaled.map((s, j) => (causal && j > query ? null : s));
  const max = Math.max(...masked.filter((s): s is number => s !== null));
  const exps = masked.map((s) => (s === null ? 0 : Math.exp(s - max)));
  const total = exps.reduce((a, b) => a + b, 0);
  const weights = exps.map((e) => e / total);
  const output = q.map((_, d) => weights.reduce((s, w, j) => s + w * values[j][d], 0));
  return { q, keys, values, scores, scaled, masked, weights, output };
}

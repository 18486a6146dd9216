// The first layer of a recurrent stack whose input is an embedding lookup (a language model, a seq2seq encoder):
// x_t = table[token_t], so x_t W_ih^T + b_ih is row token_t of P = table W_ih^T + b_ih (V, G*H). When the vocabulary
// is smaller than the batch's steps, computing P once and gathering its rows replaces the (T*B, E) x (E, G*H) input
// GEMM, and in backward dP (scattered from the steps' gate gradients) replaces two more GEMMs of that size:
// dW_ih += dP^T table, db_ih += column sums of dP, dtable += dP W_ih — each V rows instead of T*B.
// Shapes: tokens (T*B) time-major · table (V,E) · P, dP (D,V,G*H) · cache (D,T,B,X) · dcache (D,T,B,4H).
import type { F32, Kernels } from '../../../native-kernels/kernels';
import { LabError } from '../../../common/errors';

export interface TokenInput {
  /** (T*B) token ids, time-major (row t*B + b) */
  tokens: Int32Array;
  /** (V, inputSize) embedding table */
  table: F32;
}

export function isTokenInput(x: F32 | TokenInput): x is TokenInput {
  return !(x instanceof Float32Array);
}

/** Whether the gathered projection is cheaper than the per-step GEMM: at most half as many table rows as steps. */
export function fusesProjection(V: number, T: number, B: number): boolean {
  return 2 * V <= T * B;
}

export function checkTokens(x: TokenInput, T: number, B: number, E: number): number {
  const V = Math.floor(x.table.length / E);
  if (x.tokens.length < T * B) {
    throw new LabError('invalid_input', `The token input has ${x.tokens.length} ids, but T*B = ${T * B} are needed.`, { field: 'tokens' });
  }
  for (let i = 0; i < T * B; i++) {
    if (x.tokens[i] < 0 || x.tokens[i] >= V) {
      throw new LabError('invalid_input', `Token id ${x.tokens[i]} at step ${Math.floor(i / B)}, row ${i % B} is outside the embedding table's ${V} rows.`, { field: 'tokens' });
    }
  }
  return V;
}

/** Grow-only scratch for P, dP and the table gradient. */
export class ProjectionScratch {
  private data = new Float32Array(0);

  get(n: number): F32 {
    if (this.data.length < n) this.data = new Float32Array(n);
    return this.data.subarray(0, n);
  }
}

export interface ProjectionDims {
  T: number; B: number; E: number; H: number; D: number; G: number; V: number;
  /** cache row width: 4H (GRU) or 5H (LSTM) */
  X: number;
}

/** P_d = table W_ih,d^T + b_ih,d for each direction, then cache_d[t,b, 0:G*H) = P_d[tokens[t*B+b]]. */
export function gatherProjection(k: Kernels, cache: F32, x: TokenInput, wih: F32, bih: F32, P: F32, d: ProjectionDims): void {
  const { T, B, E, H, D, G, V, X } = d;
  const GH = G * H;
  for (let dir = 0; dir < D; dir++) {
    const p = P.subarray(dir * V * GH, (dir + 1) * V * GH);
    k.matmulForward(p, x.table, wih.subarray(dir * GH * E, (dir + 1) * GH * E), bih.subarray(dir * GH, (dir + 1) * GH), V, E, GH);
    const base = dir * T * B * X;
    for (let r = 0; r < T * B; r++) {
      const v = x.tokens[r];
      cache.set(p.subarray(v * GH, (v + 1) * GH), base + r * X);
    }
  }
}

/** From the gate gradients in dcache: dP_d[v] = sum of the steps' dgi with token v (GRU: dcache columns r, z and the
 *  last H; LSTM: all 4H); then dW_ih += dP^T table, db_ih += column sums of dP, dtable += dP W_ih. dP (V,G*H) and
 *  dP4 (V,4H) are scratch. */
export function scatterProjection(k: Kernels, dtable: F32 | null, dwih: F32, dbih: F32, dcache: F32, x: TokenInput,
  wih: F32, dP: F32, dP4: F32, dTable: F32, gru: boolean, d: ProjectionDims): void {
  const { T, B, E, H, D, G, V } = d;
  const GH = G * H;
  const XD = 4 * H;
  for (let dir = 0; dir < D; dir++) {
    // Whole dcache rows (4H) summed per token by the embedding's scatter kernel (steps in order, as a loop would);
    // LSTM's dgi is the whole row, GRU's is [da_r | da_z] then da_n, which dcache keeps in its last H columns (after
    // da_n * r), so those are picked from the V summed rows.
    const rows = dP4.subarray(0, V * XD);
    rows.fill(0);
    k.embeddingBackward(rows, null, null, dcache.subarray(dir * T * B * XD, (dir + 1) * T * B * XD), x.tokens, null, 1, T * B, XD);
    let dp = rows;
    if (gru) {
      dp = dP.subarray(0, V * GH);
      for (let v = 0; v < V; v++) {
        dp.set(rows.subarray(v * XD, v * XD + 2 * H), v * GH);
        dp.set(rows.subarray(v * XD + 3 * H, (v + 1) * XD), v * GH + 2 * H);
      }
    }
    const w = wih.subarray(dir * GH * E, (dir + 1) * GH * E);
    k.matmulBackward(dtable === null ? null : dTable, dwih.subarray(dir * GH * E, (dir + 1) * GH * E),
      dbih.subarray(dir * GH, (dir + 1) * GH), dp, x.table, w, V, E, GH);
    if (dtable !== null) for (let i = 0; i < V * E; i++) dtable[i] += dTable[i];
  }
}

// JS reference embedding kernels: token + position (+ segment) lookup, and the matching scatter-add backward.

import type { F32 } from '../kernels';

/** out(B,T,C) = wte[tokens[b,t]] + pos[t] + segTable[segments[b,t]] (the optional terms when given). */
export function embeddingForward(out: F32, tokens: Int32Array, wte: F32, pos: F32 | null,
  segments: Int32Array | null, segTable: F32 | null, B: number, T: number, C: number): void {
  for (let bt = 0; bt < B * T; bt++) {
    const t = bt % T;
    const w = tokens[bt] * C;
    const s = segments && segTable ? segments[bt] * C : -1;
    for (let c = 0; c < C; c++) {
      let v = wte[w + c];
      if (pos) v += pos[t * C + c];
      if (s >= 0) v += segTable![s + c];
      out[bt * C + c] = v;
    }
  }
}

/** dwte[tokens[b,t]] += dout[b,t]; dpos[t] += dout[b,t]; dseg[segments[b,t]] += dout[b,t] (optional terms when given). */
export function embeddingBackward(dwte: F32, dpos: F32 | null, dseg: F32 | null, dout: F32, tokens: Int32Array,
  segments: Int32Array | null, B: number, T: number, C: number): void {
  for (let bt = 0; bt < B * T; bt++) {
    const t = bt % T;
    const w = tokens[bt] * C;
    const s = dseg && segments ? segments[bt] * C : -1;
    for (let c = 0; c < C; c++) {
      const d = dout[bt * C + c];
      dwte[w + c] += d;
      if (dpos) dpos[t * C + c] += d;
      if (s >= 0) dseg![s + c] += d;
    }
  }
}

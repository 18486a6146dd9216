// JS reference GRU/LSTM kernels: one (t, b) row at a time, every dot product written out in float64, the equations of
// rnn-kernels.ts line by line. Slow and obvious on purpose; the native drivers are checked against it.
import type { F32 } from '../kernels';
import type { Lengths, RnnKernels } from '../rnn-kernels';

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** y[k] = b[k] + sum_c W[k, c] x[c] for the G*H rows of a gate-stacked weight W (rows, n) at offset w0. */
function affine(W: F32, w0: number, bias: F32 | null, b0: number, x: ArrayLike<number>, x0: number, rows: number, n: number): Float64Array {
  const y = new Float64Array(rows);
  for (let k = 0; k < rows; k++) {
    let s = bias === null ? 0 : bias[b0 + k];
    for (let c = 0; c < n; c++) s += W[w0 + k * n + c] * x[x0 + c];
    y[k] = s;
  }
  return y;
}

/** The first step of direction d for row b is t = 0 (forward) or its last real step (reverse). */
function isFirst(d: number, t: number, b: number, T: number, lengths: Lengths): boolean {
  return d === 0 ? t === 0 : t === T - 1 || (lengths !== null && t + 1 >= lengths[b]);
}

function active(t: number, b: number, lengths: Lengths): boolean {
  return lengths === null || t < lengths[b];
}

interface Layer {
  lstm: boolean;
  /** a single cell: inp is the input projection gi (T,B,G*H) itself, W_ih and b_ih are not used, dinp receives dgi */
  given: boolean;
  T: number; B: number; C: number; H: number; D: number;
  /** null: the projection x W_ih^T + b_ih is already in the cache's first G*H columns (and its gradient the caller's) */
  inp: F32 | null; h0: F32 | null; c0: F32 | null; wih: F32; whh: F32;
  /** null in backward, which reads no bias */
  bih: F32 | null; bhh: F32 | null; lengths: Lengths;
}

function layerForward(L: Layer, out: F32, hN: F32 | null, cN: F32 | null, cache: F32): void {
  const { lstm, T, B, C, H, D, lengths } = L;
  const G = lstm ? 4 : 3;
  const X = lstm ? 5 * H : 4 * H;
  for (let d = 0; d < D; d++) {
    const h = new Float64Array(B * H);
    const c = new Float64Array(B * H);
    for (let i = 0; i < B * H; i++) {
      h[i] = L.h0 ? L.h0[d * B * H + i] : 0;
      c[i] = L.c0 ? L.c0[d * B * H + i] : 0;
    }
    for (let s = 0; s < T; s++) {
      const t = d === 0 ? s : T - 1 - s;
      for (let b = 0; b < B; b++) {
        const o = (t * B + b) * D * H + d * H;
        if (!active(t, b, lengths)) {
          out.fill(0, o, o + H);
          continue;
        }
        const row = ((d * T + t) * B + b) * X;
        const gi = L.inp === null ? Float64Array.from(cache.subarray(row, row + G * H))
          : L.given ? Float64Array.from(L.inp.subarray((t * B + b) * C, (t * B + b + 1) * C))
            : affine(L.wih, d * G * H * L.C, L.bih, d * G * H, L.inp, (t * B + b) * C, G * H, C);
        const gh = affine(L.whh, d * G * H * H, L.bhh, d * G * H, h, b * H, G * H, H);
        for (let j = 0; j < H; j++) {
          if (lstm) {
            const i = sigmoid(gi[j] + gh[j]);
            const f = sigmoid(gi[H + j] + gh[H + j]);
            const g = Math.tanh(gi[2 * H + j] + gh[2 * H + j]);
            const og = sigmoid(gi[3 * H + j] + gh[3 * H + j]);
            const cc = f * c[b * H + j] + i * g;
            const hh = og * Math.tanh(cc);
            cache[row + j] = i; cache[row + H + j] = f; cache[row + 2 * H + j] = g; cache[row + 3 * H + j] = og;
            cache[row + 4 * H + j] = cc;
            c[b * H + j] = cc;
            out[o + j] = hh;
          } else {
            const r = sigmoid(gi[j] + gh[j]);
            const z = sigmoid(gi[H + j] + gh[H + j]);
            const n = Math.tanh(gi[2 * H + j] + r * gh[2 * H + j]);
            cache[row + j] = r; cache[row + H + j] = z; cache[row + 2 * H + j] = n; cache[row + 3 * H + j] = gh[2 * H + j];
            out[o + j] = (1 - z) * n + z * h[b * H + j];
          }
        }
        for (let j = 0; j < H; j++) h[b * H + j] = out[o + j];
      }
    }
    for (let i = 0; i < B * H; i++) {
      if (hN) hN[d * B * H + i] = h[i];
      if (cN) cN[d * B * H + i] = c[i];
    }
  }
}

interface LayerGrads {
  dinp: F32 | null; dh0: F32 | null; dc0: F32 | null; dwih: F32; dwhh: F32; dbih: F32; dbhh: F32; dcache: F32;
  dout: F32 | null; dhN: F32 | null; dcN: F32 | null; out: F32; cache: F32;
}

function layerBackward(L: Layer, g: LayerGrads): void {
  const { lstm, T, B, C, H, D, lengths } = L;
  const G = lstm ? 4 : 3;
  const X = lstm ? 5 * H : 4 * H;
  if (g.dinp) g.dinp.fill(0, 0, T * B * C);
  for (let d = 0; d < D; d++) {
    const dh = new Float64Array(B * H);
    const dc = new Float64Array(B * H);
    for (let i = 0; i < B * H; i++) {
      dh[i] = g.dhN ? g.dhN[d * B * H + i] : 0;
      dc[i] = g.dcN ? g.dcN[d * B * H + i] : 0;
    }
    for (let s = 0; s < T; s++) {
      const t = d === 0 ? T - 1 - s : s;
      for (let b = 0; b < B; b++) {
        const drow = ((d * T + t) * B + b) * 4 * H;
        if (!active(t, b, lengths)) {
          g.dcache.fill(0, drow, drow + 4 * H);
          continue;
        }
        const first = isFirst(d, t, b, T, lengths);
        const tPrev = d === 0 ? t - 1 : t + 1;
        const hPrev = (j: number): number => (first ? (L.h0 ? L.h0[(d * B + b) * H + j] : 0) : g.out[(tPrev * B + b) * D * H + d * H + j]);
        const cPrev = (j: number): number => (first ? (L.c0 ? L.c0[(d * B + b) * H + j] : 0) : g.cache[((d * T + tPrev) * B + b) * X + 4 * H + j]);
        const row = ((d * T + t) * B + b) * X;
        const o = (t * B + b) * D * H + d * H;
        const dgh = new Float64Array(G * H);
        const dgi = new Float64Array(G * H);
        const direct = new Float64Array(H);
        for (let j = 0; j < H; j++) {
          const dhj = dh[b * H + j] + (g.dout ? g.dout[o + j] : 0);
          if (lstm) {
            const i = g.cache[row + j], f = g.cache[row + H + j], gg = g.cache[row + 2 * H + j], og = g.cache[row + 3 * H + j];
            const tc = Math.tanh(g.cache[row + 4 * H + j]);
            const dcell = dc[b * H + j] + dhj * og * (1 - tc * tc);
            dgh[j] = dcell * gg * i * (1 - i);
            dgh[H + j] = dcell * cPrev(j) * f * (1 - f);
            dgh[2 * H + j] = dcell * i * (1 - gg * gg);
            dgh[3 * H + j] = dhj * tc * og * (1 - og);
            for (let k = 0; k < 4; k++) dgi[k * H + j] = dgh[k * H + j];
            dc[b * H + j] = dcell * f;
          } else {
            const r = g.cache[row + j], z = g.cache[row + H + j], n = g.cache[row + 2 * H + j], ghn = g.cache[row + 3 * H + j];
            const dan = dhj * (1 - z) * (1 - n * n);
            dgi[j] = dgh[j] = dan * ghn * r * (1 - r);
            dgi[H + j] = dgh[H + j] = dhj * (hPrev(j) - n) * z * (1 - z);
            dgi[2 * H + j] = dan;
            dgh[2 * H + j] = dan * r;
            direct[j] = dhj * z;
          }
        }
        // dcache row: dgh for LSTM; [da_r | da_z | da_n r | da_n] for GRU.
        for (let k = 0; k < G * H; k++) g.dcache[drow + k] = dgh[k];
        if (!lstm) for (let j = 0; j < H; j++) g.dcache[drow + 3 * H + j] = dgi[2 * H + j];
        // Parameters, input, previous state.
        const wi = d * G * H * C;
        const wh = d * G * H * H;
        for (let k = 0; k < G * H; k++) {
          g.dbhh[d * G * H + k] += dgh[k];
          for (let j = 0; j < H; j++) g.dwhh[wh + k * H + j] += dgh[k] * hPrev(j);
          if (L.given || L.inp === null) continue;
          g.dbih[d * G * H + k] += dgi[k];
          for (let c = 0; c < C; c++) g.dwih[wi + k * C + c] += dgi[k] * L.inp[(t * B + b) * C + c];
        }
        if (g.dinp && L.given) {
          for (let k = 0; k < G * H; k++) g.dinp[(t * B + b) * C + k] = dgi[k];
        } else if (g.dinp) {
          for (let c = 0; c < C; c++) {
            let sum = 0;
            for (let k = 0; k < G * H; k++) sum += dgi[k] * L.wih[wi + k * C + c];
            g.dinp[(t * B + b) * C + c] += sum;
          }
        }
        for (let j = 0; j < H; j++) {
          let sum = direct[j];
          for (let k = 0; k < G * H; k++) sum += dgh[k] * L.whh[wh + k * H + j];
          dh[b * H + j] = sum;
        }
      }
    }
    for (let i = 0; i < B * H; i++) {
      if (g.dh0) g.dh0[d * B * H + i] = dh[i];
      if (g.dc0) g.dc0[d * B * H + i] = dc[i];
    }
  }
}

/** A single step is a layer of T = 1 whose input projection gi is given. */
function cellLayer(lstm: boolean, gi: F32, hPrev: F32, cPrev: F32 | null, whh: F32, bhh: F32 | null, B: number, H: number): Layer {
  const none = new Float32Array(0);
  return { lstm, given: true, T: 1, B, C: (lstm ? 4 : 3) * H, H, D: 1, inp: gi, h0: hPrev, c0: cPrev, wih: none, whh, bih: none, bhh, lengths: null };
}

export const jsRnnKernels: RnnKernels = {
  gruForward(out, hN, cache, inp, h0, wih, whh, bih, bhh, lengths, T, B, C, H, D) {
    layerForward({ lstm: false, given: false, T, B, C, H, D, inp, h0, c0: null, wih, whh, bih, bhh, lengths }, out, hN, null, cache);
  },
  gruBackward(dinp, dh0, dwih, dwhh, dbih, dbhh, dcache, dout, dhN, inp, h0, out, cache, wih, whh, lengths, T, B, C, H, D) {
    const L: Layer = { lstm: false, given: false, T, B, C, H, D, inp, h0, c0: null, wih, whh, bih: null, bhh: null, lengths };
    layerBackward(L, { dinp, dh0, dc0: null, dwih, dwhh, dbih, dbhh, dcache, dout, dhN, dcN: null, out, cache });
  },
  lstmForward(out, hN, cN, cache, inp, h0, c0, wih, whh, bih, bhh, lengths, T, B, C, H, D) {
    layerForward({ lstm: true, given: false, T, B, C, H, D, inp, h0, c0, wih, whh, bih, bhh, lengths }, out, hN, cN, cache);
  },
  lstmBackward(dinp, dh0, dc0, dwih, dwhh, dbih, dbhh, dcache, dout, dhN, dcN, inp, h0, c0, out, cache, wih, whh, lengths, T, B, C, H, D) {
    const L: Layer = { lstm: true, given: false, T, B, C, H, D, inp, h0, c0, wih, whh, bih: null, bhh: null, lengths };
    layerBackward(L, { dinp, dh0, dc0, dwih, dwhh, dbih, dbhh, dcache, dout, dhN, dcN, out, cache });
  },
  gruCellForward(hOut, cache, gi, hPrev, whh, bhh, B, H) {
    layerForward(cellLayer(false, gi, hPrev, null, whh, bhh, B, H), hOut, null, null, cache);
  },
  gruCellBackward(dgi, dhPrev, dwhh, dbhh, dh, hPrev, cache, whh, B, H) {
    const L = cellLayer(false, new Float32Array(B * 3 * H), hPrev, null, whh, null, B, H);
    const none = new Float32Array(0);
    layerBackward(L, { dinp: dgi, dh0: dhPrev, dc0: null, dwih: none, dwhh, dbih: none, dbhh,
      dcache: new Float32Array(B * 4 * H), dout: null, dhN: dh, dcN: null, out: hPrev, cache });
  },
  lstmCellForward(hOut, cOut, cache, gi, hPrev, cPrev, whh, bhh, B, H) {
    layerForward(cellLayer(true, gi, hPrev, cPrev, whh, bhh, B, H), hOut, null, cOut, cache);
  },
  lstmCellBackward(dgi, dhPrev, dcPrev, dwhh, dbhh, dh, dc, hPrev, cPrev, cache, whh, B, H) {
    const L = cellLayer(true, new Float32Array(B * 4 * H), hPrev, cPrev, whh, null, B, H);
    const none = new Float32Array(0);
    layerBackward(L, { dinp: dgi, dh0: dhPrev, dc0: dcPrev, dwih: none, dwhh, dbih: none, dbhh,
      dcache: new Float32Array(B * 4 * H), dout: null, dhN: dh, dcN: dc, out: hPrev, cache });
  },
};

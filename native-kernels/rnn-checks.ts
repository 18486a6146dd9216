// Argument checks in front of the recurrent kernels (rnn-kernels.ts): dimensions, buffer types and lengths, and the
// sequence lengths, so a bad call is a LabError sentence instead of an out-of-bounds read or a crash.
import type { F32, Kernels } from './kernels';
import type { Lengths, RnnKernels } from './rnn-kernels';
import { buf, dim, fail, optBuf } from './check-helpers';

const F = 'Float32Array';

interface Dims { T: number; B: number; C: number; H: number; D: number }

/** T, B, C, H >= 1, D 1 or 2, and lengths (B) each in 1..T. */
function layerDims(k: string, d: Dims, lengths: Lengths): void {
  dim(k, 'T', d.T, 1); dim(k, 'B', d.B, 1); dim(k, 'C', d.C, 1); dim(k, 'H', d.H, 1);
  if (d.D !== 1 && d.D !== 2) fail(k, `D is ${String(d.D)}, but a layer has 1 direction or 2 (bidirectional).`, 'D');
  if (lengths === null) return;
  buf(k, 'lengths', lengths, 'Int32Array', d.B, 'B');
  for (let b = 0; b < d.B; b++) {
    const n = lengths[b];
    if (n < 1 || n > d.T) fail(k, `lengths[${b}] is ${n}, outside 1..${d.T} (every sequence has between 1 and T = ${d.T} steps).`, 'lengths');
  }
}

/** The buffers every layer call shares: weights and input (null: the caller's projection, already in the cache). */
function layerWeights(k: string, d: Dims, G: number, wih: F32, whh: F32, inp: F32 | null): void {
  const { T, B, C, H, D } = d;
  optBuf(k, 'inp', inp, F, T * B * C, 'T*B*C');
  buf(k, 'wih', wih, F, D * G * H * C, `D*${G}H*C`);
  buf(k, 'whh', whh, F, D * G * H * H, `D*${G}H*H`);
}

function noInputNoGradient(k: string, inp: F32 | null, dinp: F32 | null): void {
  if (inp === null && dinp !== null) fail(k, 'dinp was given but inp is null; the gradient of an input projection computed outside belongs to its caller.', 'dinp');
}

function cellDims(k: string, B: number, H: number): void {
  dim(k, 'B', B, 1); dim(k, 'H', H, 1);
}

/** The checked RnnKernels over a raw backend (spread into checkedKernels). */
export function checkedRnnKernels(raw: Kernels): RnnKernels {
  return {
    gruForward(out, hN, cache, inp, h0, wih, whh, bih, bhh, lengths, T, B, C, H, D) {
      const k = 'gruForward';
      const d = { T, B, C, H, D };
      layerDims(k, d, lengths); layerWeights(k, d, 3, wih, whh, inp);
      buf(k, 'bih', bih, F, D * 3 * H, 'D*3H'); buf(k, 'bhh', bhh, F, D * 3 * H, 'D*3H');
      buf(k, 'out', out, F, T * B * D * H, 'T*B*D*H'); optBuf(k, 'hN', hN, F, D * B * H, 'D*B*H');
      buf(k, 'cache', cache, F, D * T * B * 4 * H, 'D*T*B*4H'); optBuf(k, 'h0', h0, F, D * B * H, 'D*B*H');
      raw.gruForward(out, hN, cache, inp, h0, wih, whh, bih, bhh, lengths, T, B, C, H, D);
    },
    gruBackward(dinp, dh0, dwih, dwhh, dbih, dbhh, dcache, dout, dhN, inp, h0, out, cache, wih, whh, lengths, T, B, C, H, D) {
      const k = 'gruBackward';
      const d = { T, B, C, H, D };
      layerDims(k, d, lengths); layerWeights(k, d, 3, wih, whh, inp); noInputNoGradient(k, inp, dinp);
      optBuf(k, 'dinp', dinp, F, T * B * C, 'T*B*C'); optBuf(k, 'dh0', dh0, F, D * B * H, 'D*B*H');
      buf(k, 'dwih', dwih, F, D * 3 * H * C, 'D*3H*C'); buf(k, 'dwhh', dwhh, F, D * 3 * H * H, 'D*3H*H');
      buf(k, 'dbih', dbih, F, D * 3 * H, 'D*3H'); buf(k, 'dbhh', dbhh, F, D * 3 * H, 'D*3H');
      buf(k, 'dcache', dcache, F, D * T * B * 4 * H, 'D*T*B*4H'); optBuf(k, 'dout', dout, F, T * B * D * H, 'T*B*D*H');
      optBuf(k, 'dhN', dhN, F, D * B * H, 'D*B*H'); optBuf(k, 'h0', h0, F, D * B * H, 'D*B*H');
      buf(k, 'out', out, F, T * B * D * H, 'T*B*D*H'); buf(k, 'cache', cache, F, D * T * B * 4 * H, 'D*T*B*4H');
      raw.gruBackward(dinp, dh0, dwih, dwhh, dbih, dbhh, dcache, dout, dhN, inp, h0, out, cache, wih, whh, lengths, T, B, C, H, D);
    },
    lstmForward(out, hN, cN, cache, inp, h0, c0, wih, whh, bih, bhh, lengths, T, B, C, H, D) {
      const k = 'lstmForward';
      const d = { T, B, C, H, D };
      layerDims(k, d, lengths); layerWeights(k, d, 4, wih, whh, inp);
      buf(k, 'bih', bih, F, D * 4 * H, 'D*4H'); buf(k, 'bhh', bhh, F, D * 4 * H, 'D*4H');
      buf(k, 'out', out, F, T * B * D * H, 'T*B*D*H');
      optBuf(k, 'hN', hN, F, D * B * H, 'D*B*H'); optBuf(k, 'cN', cN, F, D * B * H, 'D*B*H');
      buf(k, 'cache', cache, F, D * T * B * 5 * H, 'D*T*B*5H');
      optBuf(k, 'h0', h0, F, D * B * H, 'D*B*H'); optBuf(k, 'c0', c0, F, D * B * H, 'D*B*H');
      raw.lstmForward(out, hN, cN, cache, inp, h0, c0, wih, whh, bih, bhh, lengths, T, B, C, H, D);
    },
    lstmBackward(dinp, dh0, dc0, dwih, dwhh, dbih, dbhh, dcache, dout, dhN, dcN, inp, h0, c0, out, cache, wih, whh, lengths, T, B, C, H, D) {
      const k = 'lstmBackward';
      const d = { T, B, C, H, D };
      layerDims(k, d, lengths); layerWeights(k, d, 4, wih, whh, inp); noInputNoGradient(k, inp, dinp);
      optBuf(k, 'dinp', dinp, F, T * B * C, 'T*B*C');
      optBuf(k, 'dh0', dh0, F, D * B * H, 'D*B*H'); optBuf(k, 'dc0', dc0, F, D * B * H, 'D*B*H');
      buf(k, 'dwih', dwih, F, D * 4 * H * C, 'D*4H*C'); buf(k, 'dwhh', dwhh, F, D * 4 * H * H, 'D*4H*H');
      buf(k, 'dbih', dbih, F, D * 4 * H, 'D*4H'); buf(k, 'dbhh', dbhh, F, D * 4 * H, 'D*4H');
      buf(k, 'dcache', dcache, F, D * T * B * 4 * H, 'D*T*B*4H'); optBuf(k, 'dout', dout, F, T * B * D * H, 'T*B*D*H');
      optBuf(k, 'dhN', dhN, F, D * B * H, 'D*B*H'); optBuf(k, 'dcN', dcN, F, D * B * H, 'D*B*H');
      optBuf(k, 'h0', h0, F, D * B * H, 'D*B*H'); optBuf(k, 'c0', c0, F, D * B * H, 'D*B*H');
      buf(k, 'out', out, F, T * B * D * H, 'T*B*D*H'); buf(k, 'cache', cache, F, D * T * B * 5 * H, 'D*T*B*5H');
      raw.lstmBackward(dinp, dh0, dc0, dwih, dwhh, dbih, dbhh, dcache, dout, dhN, dcN, inp, h0, c0, out, cache, wih, whh, lengths, T, B, C, H, D);
    },
    gruCellForward(hOut, cache, gi, hPrev, whh, bhh, B, H) {
      const k = 'gruCellForward';
      cellDims(k, B, H);
      buf(k, 'hOut', hOut, F, B * H, 'B*H'); buf(k, 'cache', cache, F, B * 4 * H, 'B*4H'); buf(k, 'gi', gi, F, B * 3 * H, 'B*3H');
      buf(k, 'hPrev', hPrev, F, B * H, 'B*H'); buf(k, 'whh', whh, F, 3 * H * H, '3H*H'); buf(k, 'bhh', bhh, F, 3 * H, '3H');
      raw.gruCellForward(hOut, cache, gi, hPrev, whh, bhh, B, H);
    },
    gruCellBackward(dgi, dhPrev, dwhh, dbhh, dh, hPrev, cache, whh, B, H) {
      const k = 'gruCellBackward';
      cellDims(k, B, H);
      buf(k, 'dgi', dgi, F, B * 3 * H, 'B*3H'); optBuf(k, 'dhPrev', dhPrev, F, B * H, 'B*H');
      buf(k, 'dwhh', dwhh, F, 3 * H * H, '3H*H'); buf(k, 'dbhh', dbhh, F, 3 * H, '3H'); optBuf(k, 'dh', dh, F, B * H, 'B*H');
      buf(k, 'hPrev', hPrev, F, B * H, 'B*H'); buf(k, 'cache', cache, F, B * 4 * H, 'B*4H'); buf(k, 'whh', whh, F, 3 * H * H, '3H*H');
      raw.gruCellBackward(dgi, dhPrev, dwhh, dbhh, dh, hPrev, cache, whh, B, H);
    },
    lstmCellForward(hOut, cOut, cache, gi, hPrev, cPrev, whh, bhh, B, H) {
      const k = 'lstmCellForward';
      cellDims(k, B, H);
      buf(k, 'hOut', hOut, F, B * H, 'B*H'); buf(k, 'cOut', cOut, F, B * H, 'B*H'); buf(k, 'cache', cache, F, B * 5 * H, 'B*5H');
      buf(k, 'gi', gi, F, B * 4 * H, 'B*4H'); buf(k, 'hPrev', hPrev, F, B * H, 'B*H'); buf(k, 'cPrev', cPrev, F, B * H, 'B*H');
      buf(k, 'whh', whh, F, 4 * H * H, '4H*H'); buf(k, 'bhh', bhh, F, 4 * H, '4H');
      raw.lstmCellForward(hOut, cOut, cache, gi, hPrev, cPrev, whh, bhh, B, H);
    },
    lstmCellBackward(dgi, dhPrev, dcPrev, dwhh, dbhh, dh, dc, hPrev, cPrev, cache, whh, B, H) {
      const k = 'lstmCellBackward';
      cellDims(k, B, H);
      buf(k, 'dgi', dgi, F, B * 4 * H, 'B*4H'); optBuf(k, 'dhPrev', dhPrev, F, B * H, 'B*H'); optBuf(k, 'dcPrev', dcPrev, F, B * H, 'B*H');
      buf(k, 'dwhh', dwhh, F, 4 * H * H, '4H*H'); buf(k, 'dbhh', dbhh, F, 4 * H, '4H');
      optBuf(k, 'dh', dh, F, B * H, 'B*H'); optBuf(k, 'dc', dc, F, B * H, 'B*H');
      buf(k, 'hPrev', hPrev, F, B * H, 'B*H'); buf(k, 'cPrev', cPrev, F, B * H, 'B*H'); buf(k, 'cache', cache, F, B * 5 * H, 'B*5H');
      buf(k, 'whh', whh, F, 4 * H * H, '4H*H');
      raw.lstmCellBackward(dgi, dhPrev, dcPrev, dwhh, dbhh, dh, dc, hPrev, cPrev, cache, whh, B, H);
    },
  };
}

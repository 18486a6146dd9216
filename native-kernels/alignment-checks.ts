// Argument checks in front of the alignment kernels (alignment-kernels.ts): shapes, buffer lengths, finite scales and
// source lengths inside [0, S], so a bad call is a sentence rather than an out-of-bounds read or a native crash.

import type { AlignmentKernels } from './alignment-kernels';
import { buf, dim, fail, finite } from './check-helpers';

const F = 'Float32Array';

function shape(k: string, B: number, T: number, S: number, NH: number, D: number, dName: string): void {
  dim(k, 'B', B); dim(k, 'T', T); dim(k, 'S', S); dim(k, 'NH', NH, 1); dim(k, dName, D, 1);
}

/** srcLen(B): every length a whole number in [0, S]; reports the first one outside. */
function sourceLengths(k: string, srcLen: Int32Array, B: number, S: number): void {
  buf(k, 'srcLen', srcLen, 'Int32Array', B, 'B');
  for (let b = 0; b < B; b++) {
    if (srcLen[b] < 0 || srcLen[b] > S) {
      fail(k, `srcLen[${b}] is ${srcLen[b]}, outside [0, ${S}] (the source positions of this batch, S = ${S}).`, 'srcLen');
    }
  }
}

/** The alignment members of a checked Kernels object, wrapping `raw`. */
export function alignmentChecks(raw: AlignmentKernels): AlignmentKernels {
  return {
    alignDotForward(scores, q, k, scale, B, T, S, NH, D) {
      const n = 'alignDotForward';
      shape(n, B, T, S, NH, D, 'D'); finite(n, 'scale', scale);
      buf(n, 'scores', scores, F, B * NH * T * S, 'B*NH*T*S'); buf(n, 'q', q, F, B * T * NH * D, 'B*T*NH*D');
      buf(n, 'k', k, F, B * S * NH * D, 'B*S*NH*D');
      raw.alignDotForward(scores, q, k, scale, B, T, S, NH, D);
    },
    alignDotBackward(dq, dk, dscores, q, k, scale, B, T, S, NH, D) {
      const n = 'alignDotBackward';
      shape(n, B, T, S, NH, D, 'D'); finite(n, 'scale', scale);
      buf(n, 'dq', dq, F, B * T * NH * D, 'B*T*NH*D'); buf(n, 'dk', dk, F, B * S * NH * D, 'B*S*NH*D');
      buf(n, 'dscores', dscores, F, B * NH * T * S, 'B*NH*T*S');
      buf(n, 'q', q, F, B * T * NH * D, 'B*T*NH*D'); buf(n, 'k', k, F, B * S * NH * D, 'B*S*NH*D');
      raw.alignDotBackward(dq, dk, dscores, q, k, scale, B, T, S, NH, D);
    },
    alignAdditiveForward(scores, q, k, v, B, T, S, A) {
      const n = 'alignAdditiveForward';
      shape(n, B, T, S, 1, A, 'A');
      buf(n, 'scores', scores, F, B * T * S, 'B*T*S'); buf(n, 'q', q, F, B * T * A, 'B*T*A');
      buf(n, 'k', k, F, B * S * A, 'B*S*A'); buf(n, 'v', v, F, A, 'A');
      raw.alignAdditiveForward(scores, q, k, v, B, T, S, A);
    },
    alignAdditiveBackward(dq, dk, dv, dscores, q, k, v, B, T, S, A) {
      const n = 'alignAdditiveBackward';
      shape(n, B, T, S, 1, A, 'A');
      buf(n, 'dq', dq, F, B * T * A, 'B*T*A'); buf(n, 'dk', dk, F, B * S * A, 'B*S*A'); buf(n, 'dv', dv, F, A, 'A');
      buf(n, 'dscores', dscores, F, B * T * S, 'B*T*S'); buf(n, 'q', q, F, B * T * A, 'B*T*A');
      buf(n, 'k', k, F, B * S * A, 'B*S*A'); buf(n, 'v', v, F, A, 'A');
      raw.alignAdditiveBackward(dq, dk, dv, dscores, q, k, v, B, T, S, A);
    },
    alignSoftmaxContextForward(ctx, att, scores, values, srcLen, B, T, S, NH, H) {
      const n = 'alignSoftmaxContextForward';
      shape(n, B, T, S, NH, H, 'H');
      buf(n, 'ctx', ctx, F, B * T * NH * H, 'B*T*NH*H'); buf(n, 'att', att, F, B * NH * T * S, 'B*NH*T*S');
      buf(n, 'scores', scores, F, B * NH * T * S, 'B*NH*T*S'); buf(n, 'values', values, F, B * S * NH * H, 'B*S*NH*H');
      sourceLengths(n, srcLen, B, S);
      raw.alignSoftmaxContextForward(ctx, att, scores, values, srcLen, B, T, S, NH, H);
    },
    alignSoftmaxContextBackward(dscores, dvalues, dctx, att, values, B, T, S, NH, H) {
      const n = 'alignSoftmaxContextBackward';
      shape(n, B, T, S, NH, H, 'H');
      buf(n, 'dscores', dscores, F, B * NH * T * S, 'B*NH*T*S'); buf(n, 'dvalues', dvalues, F, B * S * NH * H, 'B*S*NH*H');
      buf(n, 'dctx', dctx, F, B * T * NH * H, 'B*T*NH*H'); buf(n, 'att', att, F, B * NH * T * S, 'B*NH*T*S');
      buf(n, 'values', values, F, B * S * NH * H, 'B*S*NH*H');
      raw.alignSoftmaxContextBackward(dscores, dvalues, dctx, att, values, B, T, S, NH, H);
    },
    tanhForward(out, inp, N) {
      const n = 'tanhForward';
      dim(n, 'N', N); buf(n, 'out', out, F, N, 'N'); buf(n, 'inp', inp, F, N, 'N');
      raw.tanhForward(out, inp, N);
    },
    tanhBackward(dinp, out, dout, N) {
      const n = 'tanhBackward';
      dim(n, 'N', N); buf(n, 'dinp', dinp, F, N, 'N'); buf(n, 'out', out, F, N, 'N'); buf(n, 'dout', dout, F, N, 'N');
      raw.tanhBackward(dinp, out, dout, N);
    },
  };
}

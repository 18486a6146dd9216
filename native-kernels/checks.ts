// Argument checks in front of every kernel: buffer types and lengths, dimensions, index ranges. A bad call becomes a
// LabError sentence instead of a silent out-of-bounds read (JS) or a crash (native).

import type { F32, Kernels } from './kernels';
import { buf, dim, fail, finite, indices, optBuf } from './check-helpers';
import { alignmentChecks } from './alignment-checks';
import { checkedRnnKernels } from './rnn-checks';

/** rows[0..M) must be strictly ascending flat positions inside [0, BT); reports the first offending index. */
function ascendingRows(kernel: string, rows: Int32Array, M: number, BT: number): void {
  for (let i = 0; i < M; i++) {
    const v = rows[i];
    if (v < 0 || v >= BT) fail(kernel, `rows[${i}] is ${v}, outside [0, ${BT}) (the positions b*T+t, B*T = ${BT}).`, 'rows');
    if (i > 0 && v <= rows[i - 1]) {
      fail(kernel, `rows[${i}] is ${v}, not above rows[${i - 1}] = ${rows[i - 1]}; rows must be strictly ascending.`, 'rows');
    }
  }
}

/** The dimensions and rows shared by attentionRowsForward and attentionRowsBackward. */
function rowsShape(kernel: string, rows: Int32Array, M: number, B: number, T: number, C: number, NH: number): void {
  dim(kernel, 'B', B); dim(kernel, 'T', T); heads(kernel, C, NH); dim(kernel, 'M', M);
  if (M > B * T) fail(kernel, `M is ${M}, but at most B*T = ${B * T} rows exist.`, 'M');
  buf(kernel, 'rows', rows, 'Int32Array', M, 'M');
  ascendingRows(kernel, rows, M, B * T);
}

function heads(kernel: string, C: number, NH: number): void {
  dim(kernel, 'C', C, 1);
  dim(kernel, 'NH', NH, 1);
  if (C % NH !== 0) fail(kernel, `C = ${C} is not divisible by NH = ${NH}; choose a head count that divides the model width.`, 'NH');
}

/** Wraps a backend so every call is validated first; the wrapped object keeps the backend name and thread setting. */
export function checkedKernels(raw: Kernels): Kernels {
  const F = 'Float32Array';
  const I = 'Int32Array';
  const U = 'Uint8Array';
  return {
    backend: raw.backend,
    setThreads(n) {
      if (!Number.isInteger(n) || n < 1 || n > 256) {
        fail('setThreads', `thread count ${String(n)} is not an integer between 1 and 256.`, 'threads');
      }
      raw.setThreads(n);
    },
    getThreads: () => raw.getThreads(),
    adviseHugePages(data) {
      buf('adviseHugePages', 'buf', data, F, 0, '0');
      raw.adviseHugePages(data);
    },
    sgemm(transA, transB, M, N, K, alpha, A, B, beta, C) {
      const k = 'sgemm';
      dim(k, 'M', M); dim(k, 'N', N); dim(k, 'K', K);
      finite(k, 'alpha', alpha); finite(k, 'beta', beta);
      buf(k, 'A', A, F, M * K, 'M*K'); buf(k, 'B', B, F, K * N, 'K*N'); buf(k, 'C', C, F, M * N, 'M*N');
      raw.sgemm(transA, transB, M, N, K, alpha, A, B, beta, C);
    },
    matmulForward(out, inp, weight, bias, BT, C, OC) {
      const k = 'matmulForward';
      dim(k, 'BT', BT); dim(k, 'C', C); dim(k, 'OC', OC);
      buf(k, 'out', out, F, BT * OC, 'BT*OC'); buf(k, 'inp', inp, F, BT * C, 'BT*C');
      buf(k, 'weight', weight, F, OC * C, 'OC*C'); optBuf(k, 'bias', bias, F, OC, 'OC');
      raw.matmulForward(out, inp, weight, bias, BT, C, OC);
    },
    matmulBackward(dinp, dweight, dbias, dout, inp, weight, BT, C, OC) {
      const k = 'matmulBackward';
      dim(k, 'BT', BT); dim(k, 'C', C); dim(k, 'OC', OC);
      optBuf(k, 'dinp', dinp, F, BT * C, 'BT*C'); buf(k, 'dweight', dweight, F, OC * C, 'OC*C');
      optBuf(k, 'dbias', dbias, F, OC, 'OC'); buf(k, 'dout', dout, F, BT * OC, 'BT*OC');
      buf(k, 'inp', inp, F, BT * C, 'BT*C'); buf(k, 'weight', weight, F, OC * C, 'OC*C');
      raw.matmulBackward(dinp, dweight, dbias, dout, inp, weight, BT, C, OC);
    },
    embeddingForward(out, tokens, wte, pos, segments, segTable, B, T, C) {
      const k = 'embeddingForward';
      dim(k, 'B', B); dim(k, 'T', T); dim(k, 'C', C, 1);
      buf(k, 'out', out, F, B * T * C, 'B*T*C'); buf(k, 'tokens', tokens, I, B * T, 'B*T');
      buf(k, 'wte', wte, F, C, 'C (at least one token row)'); optBuf(k, 'pos', pos, F, T * C, 'T*C');
      if ((segments === null) !== (segTable === null)) fail(k, 'segments and segTable must be given together or both be null.', 'segments');
      optBuf(k, 'segments', segments, I, B * T, 'B*T'); optBuf(k, 'segTable', segTable, F, C, 'C (at least one segment row)');
      indices(k, 'tokens', tokens, B * T, Math.floor(wte.length / C), 'rows of wte');
      if (segments && segTable) indices(k, 'segments', segments, B * T, Math.floor(segTable.length / C), 'rows of segTable');
      raw.embeddingForward(out, tokens, wte, pos, segments, segTable, B, T, C);
    },
    embeddingBackward(dwte, dpos, dseg, dout, tokens, segments, B, T, C) {
      const k = 'embeddingBackward';
      dim(k, 'B', B); dim(k, 'T', T); dim(k, 'C', C, 1);
      buf(k, 'dwte', dwte, F, C, 'C (at least one token row)'); optBuf(k, 'dpos', dpos, F, T * C, 'T*C');
      buf(k, 'dout', dout, F, B * T * C, 'B*T*C'); buf(k, 'tokens', tokens, I, B * T, 'B*T');
      if (dseg !== null && segments === null) fail(k, 'dseg was given without segments; pass both or neither.', 'segments');
      optBuf(k, 'dseg', dseg, F, C, 'C (at least one segment row)'); optBuf(k, 'segments', segments, I, B * T, 'B*T');
      indices(k, 'tokens', tokens, B * T, Math.floor(dwte.length / C), 'rows of dwte');
      if (dseg && segments) indices(k, 'segments', segments, B * T, Math.floor(dseg.length / C), 'rows of dseg');
      raw.embeddingBackward(dwte, dpos, dseg, dout, tokens, segments, B, T, C);
    },
    layernormForward(out, mean, rstd, inp, weight, bias, N, C) {
      const k = 'layernormForward';
      dim(k, 'N', N); dim(k, 'C', C, 1);
      buf(k, 'out', out, F, N * C, 'N*C'); buf(k, 'mean', mean, F, N, 'N'); buf(k, 'rstd', rstd, F, N, 'N');
      buf(k, 'inp', inp, F, N * C, 'N*C'); buf(k, 'weight', weight, F, C, 'C'); buf(k, 'bias', bias, F, C, 'C');
      raw.layernormForward(out, mean, rstd, inp, weight, bias, N, C);
    },
    layernormBackward(dinp, dweight, dbias, dout, inp, weight, mean, rstd, N, C, dresidual = null) {
      const k = 'layernormBackward';
      dim(k, 'N', N); dim(k, 'C', C, 1);
      buf(k, 'dinp', dinp, F, N * C, 'N*C'); buf(k, 'dweight', dweight, F, C, 'C'); buf(k, 'dbias', dbias, F, C, 'C');
      buf(k, 'dout', dout, F, N * C, 'N*C'); buf(k, 'inp', inp, F, N * C, 'N*C'); buf(k, 'weight', weight, F, C, 'C');
      buf(k, 'mean', mean, F, N, 'N'); buf(k, 'rstd', rstd, F, N, 'N');
      if (dresidual !== null) buf(k, 'dresidual', dresidual, F, N * C, 'N*C');
      raw.layernormBackward(dinp, dweight, dbias, dout, inp, weight, mean, rstd, N, C, dresidual);
    },
    geluForward(out, inp, N) {
      const k = 'geluForward';
      dim(k, 'N', N); buf(k, 'out', out, F, N, 'N'); buf(k, 'inp', inp, F, N, 'N');
      raw.geluForward(out, inp, N);
    },
    geluBackward(dinp, inp, dout, N) {
      const k = 'geluBackward';
      dim(k, 'N', N); buf(k, 'dinp', dinp, F, N, 'N'); buf(k, 'inp', inp, F, N, 'N'); buf(k, 'dout', dout, F, N, 'N');
      raw.geluBackward(dinp, inp, dout, N);
    },
    residualForward(out, a, b, N) {
      const k = 'residualForward';
      dim(k, 'N', N); buf(k, 'out', out, F, N, 'N'); buf(k, 'a', a, F, N, 'N'); buf(k, 'b', b, F, N, 'N');
      raw.residualForward(out, a, b, N);
    },
    attentionForward(out, preatt, att, qkv, keyMask, causal, B, T, C, NH) {
      const k = 'attentionForward';
      dim(k, 'B', B); dim(k, 'T', T); heads(k, C, NH);
      const BNTT = B * NH * T * T;
      buf(k, 'out', out, F, B * T * C, 'B*T*C'); optBuf(k, 'preatt', preatt, F, BNTT, 'B*NH*T*T');
      buf(k, 'att', att, F, BNTT, 'B*NH*T*T'); buf(k, 'qkv', qkv, F, B * T * 3 * C, 'B*T*3C');
      optBuf(k, 'keyMask', keyMask, U, B * T, 'B*T');
      raw.attentionForward(out, preatt, att, qkv, keyMask, causal, B, T, C, NH);
    },
    attentionBackward(dqkv, dout, qkv, att, B, T, C, NH) {
      const k = 'attentionBackward';
      dim(k, 'B', B); dim(k, 'T', T); heads(k, C, NH);
      const BNTT = B * NH * T * T;
      buf(k, 'dqkv', dqkv, F, B * T * 3 * C, 'B*T*3C'); buf(k, 'dout', dout, F, B * T * C, 'B*T*C');
      buf(k, 'qkv', qkv, F, B * T * 3 * C, 'B*T*3C'); buf(k, 'att', att, F, BNTT, 'B*NH*T*T');
      raw.attentionBackward(dqkv, dout, qkv, att, B, T, C, NH);
    },
    attentionRowsForward(out, att, q, kv, rows, M, keyMask, causal, B, T, C, NH) {
      const k = 'attentionRowsForward';
      rowsShape(k, rows, M, B, T, C, NH);
      buf(k, 'out', out, F, M * C, 'M*C'); buf(k, 'att', att, F, B * NH * T * T, 'B*NH*T*T');
      buf(k, 'q', q, F, M * C, 'M*C'); buf(k, 'kv', kv, F, B * T * 2 * C, 'B*T*2C');
      optBuf(k, 'keyMask', keyMask, U, B * T, 'B*T');
      raw.attentionRowsForward(out, att, q, kv, rows, M, keyMask, causal, B, T, C, NH);
    },
    attentionRowsBackward(dq, dkv, dout, q, kv, att, rows, M, B, T, C, NH) {
      const k = 'attentionRowsBackward';
      rowsShape(k, rows, M, B, T, C, NH);
      buf(k, 'dq', dq, F, M * C, 'M*C'); buf(k, 'dkv', dkv, F, B * T * 2 * C, 'B*T*2C');
      buf(k, 'dout', dout, F, M * C, 'M*C'); buf(k, 'q', q, F, M * C, 'M*C');
      buf(k, 'kv', kv, F, B * T * 2 * C, 'B*T*2C'); buf(k, 'att', att, F, B * NH * T * T, 'B*NH*T*T');
      raw.attentionRowsBackward(dq, dkv, dout, q, kv, att, rows, M, B, T, C, NH);
    },
    dropoutForward(out, mask, inp, p, seed, N) {
      const k = 'dropoutForward';
      dim(k, 'N', N);
      if (!(p >= 0 && p <= 1)) fail(k, `p is ${String(p)}, but a dropout probability must lie in [0, 1].`, 'p');
      if (!Number.isSafeInteger(seed) || seed < 0) fail(k, `seed is ${String(seed)}, but it must be a non-negative safe integer.`, 'seed');
      buf(k, 'out', out, F, N, 'N'); buf(k, 'mask', mask, U, N, 'N'); buf(k, 'inp', inp, F, N, 'N');
      raw.dropoutForward(out, mask, inp, p, seed, N);
    },
    dropoutBackward(dinp, dout, mask, p, N) {
      const k = 'dropoutBackward';
      dim(k, 'N', N);
      if (!(p >= 0 && p <= 1)) fail(k, `p is ${String(p)}, but a dropout probability must lie in [0, 1].`, 'p');
      buf(k, 'dinp', dinp, F, N, 'N'); buf(k, 'dout', dout, F, N, 'N'); buf(k, 'mask', mask, U, N, 'N');
      raw.dropoutBackward(dinp, dout, mask, p, N);
    },
    crossEntropyForward(losses, probs, logits, targets, ignoreIndex, N, V, counts) {
      const k = 'crossEntropyForward';
      dim(k, 'N', N); dim(k, 'V', V, 1);
      if (!Number.isInteger(ignoreIndex)) fail(k, `ignoreIndex is ${String(ignoreIndex)}, but it must be an integer.`, 'ignoreIndex');
      buf(k, 'losses', losses, F, N, 'N'); buf(k, 'probs', probs, F, N * V, 'N*V'); buf(k, 'logits', logits, F, N * V, 'N*V');
      buf(k, 'targets', targets, I, N, 'N'); buf(k, 'counts', counts, I, 1, '1');
      indices(k, 'targets', targets, N, V, 'the vocabulary', ignoreIndex);
      return raw.crossEntropyForward(losses, probs, logits, targets, ignoreIndex, N, V, counts);
    },
    crossEntropyBackward(dlogits, probs, targets, ignoreIndex, scale, N, V) {
      const k = 'crossEntropyBackward';
      dim(k, 'N', N); dim(k, 'V', V, 1); finite(k, 'scale', scale);
      if (!Number.isInteger(ignoreIndex)) fail(k, `ignoreIndex is ${String(ignoreIndex)}, but it must be an integer.`, 'ignoreIndex');
      buf(k, 'dlogits', dlogits, F, N * V, 'N*V'); buf(k, 'probs', probs, F, N * V, 'N*V'); buf(k, 'targets', targets, I, N, 'N');
      indices(k, 'targets', targets, N, V, 'the vocabulary', ignoreIndex);
      raw.crossEntropyBackward(dlogits, probs, targets, ignoreIndex, scale, N, V);
    },
    adamwUpdate(params, grads, m, v, N, lr, beta1, beta2, eps, weightDecay, t, gradScale = 1) {
      const k = 'adamwUpdate';
      dim(k, 'N', N); dim(k, 't', t, 1); finite(k, 'gradScale', gradScale);
      for (const [name, x] of [['lr', lr], ['beta1', beta1], ['beta2', beta2], ['eps', eps], ['weightDecay', weightDecay]] as const) {
        finite(k, name, x);
      }
      if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
        fail(k, `beta1 = ${beta1} and beta2 = ${beta2} must both lie in [0, 1).`, 'beta1');
      }
      buf(k, 'params', params, F, N, 'N'); buf(k, 'grads', grads, F, N, 'N'); buf(k, 'm', m, F, N, 'N'); buf(k, 'v', v, F, N, 'N');
      raw.adamwUpdate(params, grads, m, v, N, lr, beta1, beta2, eps, weightDecay, t, gradScale);
    },
    sumSquares(b: F32, N) {
      dim('sumSquares', 'N', N); buf('sumSquares', 'buf', b, F, N, 'N');
      return raw.sumSquares(b, N);
    },
    scale(b: F32, s, N) {
      dim('scale', 'N', N); finite('scale', 's', s); buf('scale', 'buf', b, F, N, 'N');
      raw.scale(b, s, N);
    },
    packLinearWeight(weight, C, OC) {
      const k = 'packLinearWeight';
      dim(k, 'C', C); dim(k, 'OC', OC); buf(k, 'weight', weight, F, OC * C, 'OC*C');
      return raw.packLinearWeight(weight, C, OC);
    },
    ...checkedRnnKernels(raw),
    matmulForwardPacked(out, inp, packed, bias, BT, C, OC) {
      const k = 'matmulForwardPacked';
      dim(k, 'BT', BT); dim(k, 'C', C); dim(k, 'OC', OC);
      buf(k, 'out', out, F, BT * OC, 'BT*OC'); buf(k, 'inp', inp, F, BT * C, 'BT*C');
      buf(k, 'packed', packed, F, 0, '(any length)'); optBuf(k, 'bias', bias, F, OC, 'OC');
      raw.matmulForwardPacked(out, inp, packed, bias, BT, C, OC);
    },
    ...alignmentChecks(raw),
  };
}

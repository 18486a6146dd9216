// JS reference softmax + cross-entropy per row with an ignore index, and its backward.

import type { F32 } from '../kernels';

/** probs(N,V), losses(N) written; returns the mean loss over rows whose target != ignoreIndex and puts their count in counts[0]. */
export function crossEntropyForward(losses: F32, probs: F32, logits: F32, targets: Int32Array, ignoreIndex: number,
  N: number, V: number, counts: Int32Array): number {
  let total = 0;
  let count = 0;
  for (let n = 0; n < N; n++) {
    const r = n * V;
    let max = -Infinity;
    for (let v = 0; v < V; v++) if (logits[r + v] > max) max = logits[r + v];
    let sum = 0;
    for (let v = 0; v < V; v++) sum += Math.exp(logits[r + v] - max);
    for (let v = 0; v < V; v++) probs[r + v] = Math.exp(logits[r + v] - max) / sum;
    const target = targets[n];
    if (target === ignoreIndex) {
      losses[n] = 0;
      continue;
    }
    // loss = logsumexp(logits) - logits[target], computed without taking log of a rounded probability.
    const loss = Math.log(sum) + max - logits[r + target];
    losses[n] = loss;
    total += loss;
    count++;
  }
  counts[0] = count;
  return count > 0 ? total / count : 0;
}

/** dlogits = (probs - onehot(target)) * scale for counted rows, 0 for ignored rows. */
export function crossEntropyBackward(dlogits: F32, probs: F32, targets: Int32Array, ignoreIndex: number, scale: number,
  N: number, V: number): void {
  for (let n = 0; n < N; n++) {
    const r = n * V;
    const target = targets[n];
    if (target === ignoreIndex) {
      dlogits.fill(0, r, r + V);
      continue;
    }
    for (let v = 0; v < V; v++) dlogits[r + v] = (probs[r + v] - (v === target ? 1 : 0)) * scale;
  }
}

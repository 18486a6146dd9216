// Classification metrics with scikit-learn's definitions (checked against sklearn.metrics in
// test/integration/finetune-sklearn.test.ts): accuracy, per-class precision/recall/F1 (0 where undefined, sklearn's
// zero_division=0), macro-F1, the confusion matrix (rows = true class, columns = predicted), ROC-AUC for two classes.
import { LabError } from '../../../common/errors';

export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  /** true examples of the class */
  support: number;
}

export interface ClassificationMetrics {
  accuracy: number;
  macroF1: number;
  /** per class index */
  perClass: ClassMetrics[];
  /** K x K counts, [true][predicted] */
  confusion: number[][];
  /** binary tasks only: area under the ROC curve of the class-1 score; null otherwise or when one class is absent */
  rocAuc: number | null;
  count: number;
}

/** predictions: class index per example; scores: (N, K) probabilities row-major (needed for ROC-AUC). */
export function classificationMetrics(truth: ArrayLike<number>, predicted: ArrayLike<number>, K: number,
  scores: ArrayLike<number> | null = null): ClassificationMetrics {
  const N = truth.length;
  if (predicted.length !== N) throw new LabError('internal', `Metrics got ${N} true labels but ${predicted.length} predictions.`);
  const confusion = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  let correct = 0;
  for (let i = 0; i < N; i++) {
    const y = truth[i];
    const p = predicted[i];
    if (!(y >= 0 && y < K && p >= 0 && p < K)) throw new LabError('internal', `Example ${i} has class ${y} / prediction ${p}, outside 0..${K - 1}.`);
    confusion[y][p]++;
    if (y === p) correct++;
  }
  const perClass: ClassMetrics[] = [];
  for (let c = 0; c < K; c++) {
    const tp = confusion[c][c];
    let predictedC = 0;
    let support = 0;
    for (let j = 0; j < K; j++) {
      predictedC += confusion[j][c];
      support += confusion[c][j];
    }
    const precision = predictedC > 0 ? tp / predictedC : 0;
    const recall = support > 0 ? tp / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    perClass.push({ precision, recall, f1, support });
  }
  // sklearn's f1_score(average='macro') averages over the labels present in truth or predictions
  const present = perClass.map((m, c) => m.support > 0 || confusion.some((row) => row[c] > 0));
  const used = perClass.filter((_, c) => present[c]);
  const macroF1 = used.length > 0 ? used.reduce((s, m) => s + m.f1, 0) / used.length : 0;
  let rocAuc: number | null = null;
  if (K === 2 && scores !== null) {
    const positive = Array.from({ length: N }, (_, i) => scores[i * 2 + 1]);
    rocAuc = binaryRocAuc(truth, positive);
  }
  return { accuracy: N > 0 ? correct / N : 0, macroF1, perClass, confusion, rocAuc, count: N };
}

/** ROC-AUC of scores for the positive class 1: the probability that a random positive outscores a random negative,
 *  ties counting one half (equal to the trapezoidal area under sklearn's roc_curve); null with one class only. */
export function binaryRocAuc(truth: ArrayLike<number>, score: ArrayLike<number>): number | null {
  const idx = Array.from({ length: truth.length }, (_, i) => i).sort((a, b) => score[a] - score[b]);
  let positives = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i] === 1) positives++;
  const negatives = truth.length - positives;
  if (positives === 0 || negatives === 0) return null;
  // Mann-Whitney U: sum of the positives' mid-ranks (tied scores share the mean rank)
  let rankSum = 0;
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j + 1 < idx.length && score[idx[j + 1]] === score[idx[i]]) j++;
    const mid = (i + j) / 2 + 1;
    for (let r = i; r <= j; r++) if (truth[idx[r]] === 1) rankSum += mid;
    i = j + 1;
  }
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** argmax per row of (N,K) scores; ties go to the lower class, as numpy's argmax. */
export function argmaxRows(scores: ArrayLike<number>, N: number, K: number): Int32Array {
  const out = new Int32Array(N);
  for (let n = 0; n < N; n++) {
    let best = 0;
    for (let j = 1; j < K; j++) if (scores[n * K + j] > scores[n * K + best]) best = j;
    out[n] = best;
  }
  return out;
}

/** Mean and sample standard deviation (n - 1; 0 for one value) of a list. */
export function meanStd(values: readonly number[]): { mean: number; std: number; n: number } {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, std: Number.NaN, n };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const std = n > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, std, n };
}

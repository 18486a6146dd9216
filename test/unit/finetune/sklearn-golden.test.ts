// The fine-tuning baselines and metrics against scikit-learn (test/fixtures/finetune/make_sklearn_golden.py):
// TF-IDF features, logistic regression (binary and multinomial, balanced class weights) and the classification metrics.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TfidfVectorizer, type SparseRows, type TfidfOptions } from '../../../main/ml/finetune/tfidf';
import { fitLogisticRegression, predictProba } from '../../../main/ml/finetune/logreg';
import { classificationMetrics } from '../../../main/ml/finetune/metrics';
import { classWeightsOf } from '../../../main/ml/finetune/train';

interface TfidfCase {
  name: string;
  options: { analyzer: 'word' | 'char_wb'; ngram_range: [number, number]; min_df?: number; max_features?: number; sublinear_tf?: boolean };
  vocabulary: string[];
  idf: number[];
  train: number[][];
  test: number[][];
}
interface LogregCase {
  name: string; classes: string[]; C: number; balanced: boolean; labels: number[];
  coef: number[][]; intercept: number[]; trainProba: number[][]; testProba: number[][];
}
interface MetricsCase {
  name: string; K: number; truth: number[]; pred: number[]; scores: number[][] | null;
  accuracy: number; macroF1: number; precision: number[]; recall: number[]; f1: number[]; support: number[];
  confusion: number[][]; rocAuc: number | null;
}
const fx = JSON.parse(readFileSync(join(import.meta.dirname, '../../fixtures/finetune/sklearn_golden.json'), 'utf8')) as {
  train: [string, string][]; test: string[]; tfidf: TfidfCase[]; logreg: LogregCase[]; metrics: MetricsCase[];
};

function optionsOf(c: TfidfCase['options']): TfidfOptions {
  return { analyzer: c.analyzer, ngram: c.ngram_range, minDf: c.min_df, maxFeatures: c.max_features, sublinearTf: c.sublinear_tf };
}

function toDense(m: SparseRows): number[][] {
  const out = Array.from({ length: m.rows }, () => new Array<number>(m.cols).fill(0));
  for (let i = 0; i < m.rows; i++) for (let p = m.indptr[i]; p < m.indptr[i + 1]; p++) out[i][m.indices[p]] = m.values[p];
  return out;
}

function expectClose(ours: number[][], ref: number[][], tol: number): void {
  expect(ours.length).toBe(ref.length);
  let worst = 0;
  ours.forEach((row, i) => row.forEach((v, j) => { worst = Math.max(worst, Math.abs(v - ref[i][j])); }));
  expect(worst).toBeLessThan(tol);
}

const texts = fx.train.map(([t]) => t);

describe('TF-IDF against sklearn.feature_extraction.text.TfidfVectorizer', () => {
  it.each(fx.tfidf.map((c) => [c.name, c] as const))('%s: vocabulary, idf and rows', (_n, c) => {
    const v = new TfidfVectorizer(optionsOf(c.options)).fit(texts);
    expect([...v.vocabulary.keys()]).toEqual(c.vocabulary);
    expectClose([Array.from(v.idf)], [c.idf], 1e-12);
    expectClose(toDense(v.transform(texts)), c.train, 1e-9);
    expectClose(toDense(v.transform(fx.test)), c.test, 1e-9);
  });
});

describe('logistic regression against sklearn LogisticRegression(solver="lbfgs")', () => {
  it.each(fx.logreg.map((c) => [c.name, c] as const))('%s: weights and probabilities', (_n, c) => {
    const tf = c.name.includes('char') ? fx.tfidf[1] : fx.tfidf[0];
    const rows = fx.train.filter(([, l]) => c.classes.includes(l));
    const v = new TfidfVectorizer(optionsOf(tf.options)).fit(texts);
    const X = v.transform(rows.map(([t]) => t));
    expect(rows.map(([, l]) => c.classes.indexOf(l))).toEqual(c.labels);
    const K = c.classes.length;
    const weights = c.balanced ? classWeightsOf(c.labels, K, 'balanced') : null;
    const model = fitLogisticRegression(X, c.labels, K, { C: c.C, classWeights: weights, tol: 1e-9, maxIter: 5000 });
    expect(model.converged).toBe(true);
    const R = c.coef.length;
    const coef = Array.from({ length: R }, (_, r) => Array.from(model.coef.subarray(r * model.D, (r + 1) * model.D)));
    // both solvers stop at a tight gradient tolerance; the weights of a poorly conditioned fit still differ in the 5th digit
    expectClose(coef, c.coef, 1e-4);
    expectClose([Array.from(model.intercept)], [c.intercept], 1e-4);
    const proba = (m: Float32Array): number[][] => Array.from({ length: m.length / K }, (_, i) => Array.from(m.subarray(i * K, (i + 1) * K)));
    expectClose(proba(predictProba(model, X)), c.trainProba, 5e-5);
    expectClose(proba(predictProba(model, v.transform(fx.test))), c.testProba, 5e-5);
  });
});

describe('classification metrics against sklearn.metrics', () => {
  it.each(fx.metrics.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    const scores = c.scores === null ? null : c.scores.flat();
    const m = classificationMetrics(c.truth, c.pred, c.K, scores);
    expect(m.accuracy).toBeCloseTo(c.accuracy, 12);
    expect(m.macroF1).toBeCloseTo(c.macroF1, 12);
    expect(m.perClass.map((p) => p.precision)).toEqual(c.precision.map((x) => expect.closeTo(x, 12) as unknown as number));
    expect(m.perClass.map((p) => p.recall)).toEqual(c.recall.map((x) => expect.closeTo(x, 12) as unknown as number));
    expect(m.perClass.map((p) => p.f1)).toEqual(c.f1.map((x) => expect.closeTo(x, 12) as unknown as number));
    expect(m.perClass.map((p) => p.support)).toEqual(c.support);
    expect(m.confusion).toEqual(c.confusion);
    if (c.rocAuc === null) expect(m.rocAuc).toBeNull();
    else expect(m.rocAuc).toBeCloseTo(c.rocAuc, 12);
  });
});

// L2-regularised logistic regression as scikit-learn's LogisticRegression(solver='lbfgs') defines it: two classes
// get one weight vector and the logistic loss, more get the multinomial (softmax) loss; the intercept is not
// penalised; the objective is 0.5 ||W||^2 + C sum_i s_i loss_i with sample weights s (class_weight='balanced' gives
// s_i = N / (K n_{y_i})). Minimised by our own L-BFGS with a backtracking line search. Checked against sklearn in
// test/integration/finetune-sklearn.test.ts.
import { LabError } from '../../../common/errors';
import type { SparseRows } from './tfidf';

export interface LogRegOptions {
  /** inverse regularisation strength (default 1, as sklearn) */
  C?: number;
  classWeights?: readonly number[] | null;
  /** stop when the largest gradient entry is below this (default 1e-6) */
  tol?: number;
  maxIter?: number;
}

export interface LogRegModel {
  K: number;
  D: number;
  /** binary: (1, D) and (1); multinomial: (K, D) and (K) */
  coef: Float64Array;
  intercept: Float64Array;
  iterations: number;
  converged: boolean;
}

/** Scores z (N, R) = X W^T + b for R weight rows stored in theta = [W (R*D) | b (R)]. */
function scores(X: SparseRows, theta: Float64Array, R: number): Float64Array {
  const D = X.cols;
  const z = new Float64Array(X.rows * R);
  for (let i = 0; i < X.rows; i++) {
    for (let r = 0; r < R; r++) {
      let s = theta[R * D + r];
      const w = r * D;
      for (let p = X.indptr[i]; p < X.indptr[i + 1]; p++) s += X.values[p] * theta[w + X.indices[p]];
      z[i * R + r] = s;
    }
  }
  return z;
}

/** Objective and gradient at theta. */
function objective(X: SparseRows, y: Int32Array, s: Float64Array, K: number, C: number, theta: Float64Array, grad: Float64Array): number {
  const D = X.cols;
  const R = K === 2 ? 1 : K;
  const z = scores(X, theta, R);
  grad.fill(0);
  let f = 0;
  const dz = new Float64Array(R);
  for (let i = 0; i < X.rows; i++) {
    if (R === 1) {
      const sign = y[i] === 1 ? 1 : -1;
      const m = sign * z[i];
      // log(1 + exp(-m)) without overflow
      f += s[i] * (m > 0 ? Math.log1p(Math.exp(-m)) : -m + Math.log1p(Math.exp(m)));
      const sig = 1 / (1 + Math.exp(m));
      dz[0] = -s[i] * sign * sig;
    } else {
      let max = -Infinity;
      for (let r = 0; r < R; r++) max = Math.max(max, z[i * R + r]);
      let sum = 0;
      for (let r = 0; r < R; r++) sum += Math.exp(z[i * R + r] - max);
      const lse = max + Math.log(sum);
      f += s[i] * (lse - z[i * R + y[i]]);
      for (let r = 0; r < R; r++) dz[r] = s[i] * (Math.exp(z[i * R + r] - lse) - (r === y[i] ? 1 : 0));
    }
    for (let r = 0; r < R; r++) {
      const d = C * dz[r];
      if (d === 0) continue;
      const w = r * D;
      for (let p = X.indptr[i]; p < X.indptr[i + 1]; p++) grad[w + X.indices[p]] += d * X.values[p];
      grad[R * D + r] += d;
    }
  }
  f *= C;
  for (let j = 0; j < R * D; j++) {
    f += 0.5 * theta[j] * theta[j];
    grad[j] += theta[j];
  }
  return f;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** Fits the model to rows X and classes y (0..K-1). */
export function fitLogisticRegression(X: SparseRows, labels: ArrayLike<number>, K: number, o: LogRegOptions = {}): LogRegModel {
  const N = X.rows;
  const D = X.cols;
  if (labels.length !== N) throw new LabError('internal', `Logistic regression got ${N} rows and ${labels.length} labels.`);
  if (K < 2) throw new LabError('invalid_input', `Logistic regression needs at least 2 classes, got ${K}.`, { field: 'labels' });
  const C = o.C ?? 1;
  const y = Int32Array.from(labels);
  const s = Float64Array.from(y, (c) => o.classWeights?.[c] ?? 1);
  const R = K === 2 ? 1 : K;
  const n = R * D + R;
  const theta = new Float64Array(n);
  const grad = new Float64Array(n);
  const tol = o.tol ?? 1e-6;
  const maxIter = o.maxIter ?? 1000;
  const M = 10;
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  let f = objective(X, y, s, K, C, theta, grad);
  let iterations = 0;
  let converged = maxAbs(grad) < tol;
  const next = new Float64Array(n);
  const nextGrad = new Float64Array(n);
  while (!converged && iterations < maxIter) {
    iterations++;
    // two-loop recursion: direction d = -H grad
    const q = Float64Array.from(grad);
    const alpha: number[] = new Array<number>(S.length);
    for (let k = S.length - 1; k >= 0; k--) {
      alpha[k] = rho[k] * dot(S[k], q);
      for (let j = 0; j < n; j++) q[j] -= alpha[k] * Y[k][j];
    }
    const gamma = S.length > 0 ? dot(S[S.length - 1], Y[Y.length - 1]) / dot(Y[Y.length - 1], Y[Y.length - 1]) : 1 / Math.max(1, Math.sqrt(dot(grad, grad)));
    for (let j = 0; j < n; j++) q[j] *= gamma;
    for (let k = 0; k < S.length; k++) {
      const beta = rho[k] * dot(Y[k], q);
      for (let j = 0; j < n; j++) q[j] += S[k][j] * (alpha[k] - beta);
    }
    for (let j = 0; j < n; j++) q[j] = -q[j];
    let slope = dot(grad, q);
    if (slope >= 0) {
      // not a descent direction (numerical trouble): restart from steepest descent
      S.length = 0; Y.length = 0; rho.length = 0;
      for (let j = 0; j < n; j++) q[j] = -grad[j];
      slope = -dot(grad, grad);
    }
    // backtracking line search with the Armijo condition
    let step = 1;
    let fNext = Number.NaN;
    for (let tries = 0; tries < 50; tries++) {
      for (let j = 0; j < n; j++) next[j] = theta[j] + step * q[j];
      fNext = objective(X, y, s, K, C, next, nextGrad);
      if (fNext <= f + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(fNext <= f)) break; // no progress possible at float precision
    const sk = new Float64Array(n);
    const yk = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      sk[j] = next[j] - theta[j];
      yk[j] = nextGrad[j] - grad[j];
    }
    const sy = dot(sk, yk);
    if (sy > 1e-12) {
      S.push(sk); Y.push(yk); rho.push(1 / sy);
      if (S.length > M) { S.shift(); Y.shift(); rho.shift(); }
    }
    const fPrev = f;
    theta.set(next);
    grad.set(nextGrad);
    f = fNext;
    converged = maxAbs(grad) < tol || Math.abs(fPrev - f) <= 1e-15 * Math.max(1, Math.abs(f));
  }
  return { K, D, coef: theta.slice(0, R * D), intercept: theta.slice(R * D), iterations, converged };
}

/** Class probabilities (N, K) of rows X. */
export function predictProba(model: LogRegModel, X: SparseRows): Float32Array {
  const R = model.K === 2 ? 1 : model.K;
  const theta = new Float64Array(R * model.D + R);
  theta.set(model.coef);
  theta.set(model.intercept, R * model.D);
  const z = scores(X, theta, R);
  const K = model.K;
  const out = new Float32Array(X.rows * K);
  for (let i = 0; i < X.rows; i++) {
    if (R === 1) {
      const p1 = 1 / (1 + Math.exp(-z[i]));
      out[i * 2] = 1 - p1;
      out[i * 2 + 1] = p1;
      continue;
    }
    let max = -Infinity;
    for (let r = 0; r < K; r++) max = Math.max(max, z[i * K + r]);
    let sum = 0;
    for (let r = 0; r < K; r++) sum += Math.exp(z[i * K + r] - max);
    for (let r = 0; r < K; r++) out[i * K + r] = Math.exp(z[i * K + r] - max) / sum;
  }
  return out;
}

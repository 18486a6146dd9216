// JS reference UMAP: the membership bisection and the SGD epochs, one edge after another, with the kernels' hash for
// negative samples and their float32 steps (so a deterministic native run follows the same path; only powf, libm's,
// and Math.pow may round the last bit differently).
import type { F32 } from '../../kernels';
import { mixKey } from './rng';
import { lowbias32 } from '../rng';

export function umapMemberships(weights: F32, distances: F32, N: number, k: number, localConnectivity: number): number {
  const target = Math.log2(k + 1);
  let meanAll = 0;
  for (let e = 0; e < N * k; e++) meanAll += distances[e];
  meanAll /= N * (k + 1);
  let missed = 0;
  for (let i = 0; i < N; i++) {
    const d = distances.subarray(i * k, (i + 1) * k);
    const nonzero = Array.from(d).filter((x) => x > 0);
    const meanRow = d.reduce((s, x) => s + x, 0) / (k + 1);
    let rho = 0;
    if (nonzero.length >= localConnectivity) {
      const index = Math.floor(localConnectivity);
      const frac = localConnectivity - index;
      if (index > 0) {
        rho = nonzero[index - 1];
        if (frac > 1e-5) rho += frac * (nonzero[index] - nonzero[index - 1]);
      } else {
        rho = frac * nonzero[0];
      }
    } else if (nonzero.length > 0) {
      rho = Math.max(...nonzero);
    }
    let lo = 0;
    let hi = Infinity;
    let mid = 1;
    let ok = false;
    for (let step = 0; step < 64; step++) {
      let psum = 0;
      for (let j = 0; j < k; j++) {
        const gap = d[j] - rho;
        psum += gap > 0 ? Math.exp(-gap / mid) : 1;
      }
      if (Math.abs(psum - target) < 1e-5) {
        ok = true;
        break;
      }
      if (psum > target) {
        hi = mid;
        mid = (lo + hi) / 2;
      } else {
        lo = mid;
        mid = hi === Infinity ? mid * 2 : (lo + hi) / 2;
      }
    }
    if (!ok) missed++;
    const sigma = Math.max(mid, 1e-3 * (rho > 0 ? meanRow : meanAll));
    for (let j = 0; j < k; j++) {
      const gap = d[j] - rho;
      weights[i * k + j] = gap <= 0 || sigma === 0 ? 1 : Math.exp(-gap / sigma);
    }
  }
  return missed;
}

const clip4 = (v: number): number => (v > 4 ? 4 : v < -4 ? -4 : v);

/** The attraction along an edge at squared distance d2 > 0: the update of the head is clip(c (y_head - y_tail)) alpha
 *  with c = -2ab d^(2(b-1)) / (1 + a d^2b), i.e. minus alpha times the gradient of log(1 + a d^2b) (float32 steps). */
export function umapAttractionCoefficient(d2: number, a: number, b: number): number {
  const f = Math.fround;
  const pb = f(Math.pow(f(d2), f(b)));
  return f(f(f(-2 * a * b) * f(pb / d2)) / f(f(a * pb) + 1));
}

/** The repulsion from a negative sample at squared distance d2 > 0: c = 2 gamma b / ((0.001 + d2)(1 + a d^2b)), minus
 *  the gradient of -gamma log(1 - 1 / (1 + a d^2b)) with d2 regularised by 0.001 (float32 steps). */
export function umapRepulsionCoefficient(d2: number, a: number, b: number, gamma: number): number {
  const f = Math.fround;
  return f(f(2 * gamma * b) / f(f(f(0.001) + d2) * f(f(a * f(Math.pow(f(d2), f(b)))) + 1)));
}

export function umapEpochs(Y: F32, heads: Int32Array, tails: Int32Array, epochsPerSample: Float64Array,
  nextSample: Float64Array, nextNegative: Float64Array, E: number, N: number, dims: number, epochFrom: number,
  epochTo: number, nEpochs: number, a: number, b: number, gamma: number, negativeRate: number, initialAlpha: number,
  seed: number): void {
  // float32 arithmetic step by step, as the kernel computes (a, b, gamma are float there too)
  const f = Math.fround;
  a = f(a);
  b = f(b);
  gamma = f(gamma);
  const c = new Float64Array(dims);
  for (let n = epochFrom; n < epochTo; n++) {
    const alpha = f(initialAlpha * (1 - n / nEpochs));
    for (let e = 0; e < E; e++) {
      if (nextSample[e] > n) continue;
      const h = heads[e] * dims;
      const t = tails[e] * dims;
      let d2 = 0;
      for (let d = 0; d < dims; d++) {
        c[d] = Y[h + d];
        d2 = f(d2 + f(f(c[d] - Y[t + d]) * f(c[d] - Y[t + d])));
      }
      if (d2 > 0) {
        const coeff = umapAttractionCoefficient(d2, a, b);
        for (let d = 0; d < dims; d++) {
          const o = Y[t + d];
          const g = f(clip4(f(coeff * f(c[d] - o))) * alpha);
          c[d] = f(c[d] + g);
          Y[t + d] = f(o - g);
        }
      }
      nextSample[e] += epochsPerSample[e];
      const perNegative = epochsPerSample[e] / negativeRate;
      const nNeg = Math.trunc((n - nextNegative[e]) / perNegative);  // truncation, as the kernel's integer cast
      const base = mixKey(seed, e, n, 0);
      const push = new Float64Array(dims);
      for (let p = 0; p < nNeg; p++) {
        // exact while N < 2^21 (the product stays below 2^53)
        const other = Math.floor((lowbias32((base + p) >>> 0) * N) / 4294967296);
        if (other === heads[e]) continue;
        let r2 = 0;
        const diff = new Float64Array(dims);
        for (let d = 0; d < dims; d++) {
          diff[d] = f(c[d] - Y[other * dims + d]);
          r2 = f(r2 + f(diff[d] * diff[d]));
        }
        if (r2 <= 0) continue;
        const coeff = umapRepulsionCoefficient(r2, a, b, gamma);
        for (let d = 0; d < dims; d++) push[d] = f(push[d] + f(clip4(f(coeff * diff[d])) * alpha));
      }
      for (let d = 0; d < dims; d++) c[d] = f(c[d] + push[d]);
      nextNegative[e] += nNeg * perNegative;
      for (let d = 0; d < dims; d++) Y[h + d] = c[d];
    }
  }
}

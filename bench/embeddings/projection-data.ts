// The benchmark points: a seeded mixture of Gaussian clusters in D dimensions, written as raw float32 so the anchors
// (scikit-learn, umap-js) read exactly the rows we project. Clusters differ in size (Zipf-like), spread and shape
// (each has its own random low-rank stretch), and some centres sit close, so neighbourhoods overlap as word vectors do.
import { writeFileSync } from 'node:fs';
import { mixKey, unitFloat } from '../../native-kernels/js/projection/rng';

export interface BenchPoints {
  N: number;
  D: number;
  X: Float32Array;
  labels: Int32Array;
}

function gaussian(seed: number, i: number, j: number): number {
  const u = Math.max(unitFloat(mixKey(seed, i, j, 1)), 1e-7);
  const v = unitFloat(mixKey(seed, i, j, 2));
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** N points in C clusters of dimension D; the same (N, D, C, seed) gives the same bytes. */
export function clusteredPoints(N: number, D: number, C = 20, seed = 7): BenchPoints {
  const weights = Array.from({ length: C }, (_, c) => 1 / (c + 2));
  const total = weights.reduce((s, w) => s + w, 0);
  const sizes = weights.map((w) => Math.floor((w / total) * N));
  sizes[0] += N - sizes.reduce((s, n) => s + n, 0);
  const rank = 4;
  const X = new Float32Array(N * D);
  const labels = new Int32Array(N);
  let row = 0;
  for (let c = 0; c < C; c++) {
    const centre = Array.from({ length: D }, (_, d) => 3 * gaussian(seed, c, d));
    const spread = 0.5 + unitFloat(mixKey(seed, c, 0, 3));
    const stretch = Array.from({ length: rank * D }, (_, a) => gaussian(seed + 1, c, a) * 0.6);
    for (let n = 0; n < sizes[c]; n++, row++) {
      labels[row] = c;
      const z = Array.from({ length: rank }, (_, r) => gaussian(seed + 2, row, r));
      for (let d = 0; d < D; d++) {
        let v = centre[d] + spread * gaussian(seed + 3, row, d);
        for (let r = 0; r < rank; r++) v += z[r] * stretch[r * D + d];
        X[row * D + d] = v;
      }
    }
  }
  return { N, D, X, labels };
}

/** Writes X as raw little-endian float32 (N*D values) and the labels as int32, for the Python anchors. */
export function writePoints(points: BenchPoints, xPath: string, labelPath?: string): void {
  writeFileSync(xPath, Buffer.from(points.X.buffer, points.X.byteOffset, points.X.byteLength));
  if (labelPath) writeFileSync(labelPath, Buffer.from(points.labels.buffer, points.labels.byteOffset, points.labels.byteLength));
}

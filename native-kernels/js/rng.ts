// Counter-based RNG for dropout: the keep/drop decision for element i depends only on (seed, i), so masks agree across backends and thread counts.
// The C++ twin lives in src/dropout_impl.h; both must stay bit-identical (32-bit integer ops only).

/** Chris Wellons' "lowbias32" integer hash: full avalanche on 32-bit words using only multiply, xor and shift. */
export function lowbias32(x: number): number {
  x = (x ^ (x >>> 16)) >>> 0;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x = (x ^ (x >>> 15)) >>> 0;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  x = (x ^ (x >>> 16)) >>> 0;
  return x;
}

/** Folds a JS number seed (any non-negative integer up to 2^53) into one 32-bit stream key. */
export function dropoutKey(seed: number): number {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 4294967296) >>> 0;
  return lowbias32((lo ^ lowbias32((hi + 0x9e3779b9) >>> 0)) >>> 0);
}

/** Uniform in [0, 1) with 24-bit resolution for element i of the stream `key`; exact in float64 and float32. */
export function dropoutUniform(key: number, i: number): number {
  const h = lowbias32((lowbias32((i ^ key) >>> 0) + key) >>> 0);
  return (h >>> 8) / 16777216;
}

// UMAP's low-dimensional similarity 1 / (1 + a d^2b), fitted (least squares, Levenberg-Marquardt from a = b = 1, as
// umap-learn's find_ab_params does with scipy's curve_fit) to the target curve: 1 up to min_dist, then
// exp(-(d - min_dist) / spread), on 300 points of [0, 3 spread].

/** The (a, b) of the curve for a spread and min_dist; spread 1 and min_dist 0.1 give a ~ 1.577, b ~ 0.895. */
export function fitCurve(spread: number, minDist: number): { a: number; b: number } {
  const n = 300;
  const xs = Array.from({ length: n }, (_, i) => (3 * spread * i) / (n - 1));
  const ys = xs.map((x) => (x < minDist ? 1 : Math.exp(-(x - minDist) / spread)));
  const model = (a: number, b: number, x: number): number => 1 / (1 + a * Math.pow(x, 2 * b));
  const sse = (a: number, b: number): number => xs.reduce((s, x, i) => s + (model(a, b, x) - ys[i]) ** 2, 0);
  let a = 1;
  let b = 1;
  let lambda = 1e-3;
  let err = sse(a, b);
  for (let iter = 0; iter < 500; iter++) {
    // J^T J and J^T r for r = y - f
    let jaa = 0, jab = 0, jbb = 0, ga = 0, gb = 0;
    for (let i = 0; i < n; i++) {
      const x = xs[i];
      if (x === 0) continue;  // f(0) = 1 whatever a and b: no gradient there
      const p = Math.pow(x, 2 * b);
      const f = 1 / (1 + a * p);
      const da = -p * f * f;
      const db = -a * p * 2 * Math.log(x) * f * f;
      const r = ys[i] - f;
      jaa += da * da; jab += da * db; jbb += db * db;
      ga += da * r; gb += db * r;
    }
    let improved = false;
    for (let tries = 0; tries < 30 && !improved; tries++) {
      const A = jaa * (1 + lambda), B = jab, Dd = jbb * (1 + lambda);
      const det = A * Dd - B * B;
      if (det === 0) break;
      const stepA = (Dd * ga - B * gb) / det;
      const stepB = (A * gb - B * ga) / det;
      const na = a + stepA, nb = b + stepB;
      const nerr = na > 0 && nb > 0 ? sse(na, nb) : Infinity;
      if (nerr < err) {
        const done = Math.abs(err - nerr) <= 1e-15 * Math.max(1, err) || (Math.abs(stepA) < 1e-12 && Math.abs(stepB) < 1e-12);
        a = na; b = nb; err = nerr;
        lambda = Math.max(lambda / 10, 1e-12);
        improved = true;
        if (done) return { a, b };
      } else {
        lambda *= 10;
      }
    }
    if (!improved) break;
  }
  return { a, b };
}

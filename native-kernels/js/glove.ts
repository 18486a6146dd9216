// JS reference of gloveTrain and gloveCost (src/glove_impl.h): one record at a time, in double, rounded to float32
// where the native code stores. Parts run one after another (the native result with a one-thread pool).
import type { GloveBuffers, GloveOptions } from '../embeddings-types';

function weight(x: number, o: GloveOptions): number {
  return x >= o.xMax ? 1 : Math.pow(x / o.xMax, o.alpha);
}

const clip = (v: number, c: number): number => (v > c ? c : v < -c ? -c : v);

export function gloveTrain(b: GloveBuffers, o: GloveOptions): number {
  const { D } = o;
  const gw = b.gw!, gwt = b.gwt!, gb = b.gb!, gbt = b.gbt!;
  let cost = 0;
  for (let r = 0; r < o.n; r++) {
    const i = b.rows[r], j = b.cols[r], x = b.vals[r];
    let d = 0;
    for (let k = 0; k < D; k++) d += b.w[i * D + k] * b.wt[j * D + k];
    d += b.b[i] + b.bt[j] - Math.log(x);
    if (!Number.isFinite(d)) continue;
    const f = weight(x, o);
    cost += f * d * d;
    const g = f * d;
    for (let k = 0; k < D; k++) {
      const a = b.w[i * D + k], t = b.wt[j * D + k];
      const da = clip(g * t, o.gradClip), dt = clip(g * a, o.gradClip);
      gw[i * D + k] += da * da;
      gwt[j * D + k] += dt * dt;
      b.w[i * D + k] = a - o.eta * da / Math.sqrt(gw[i * D + k]);
      b.wt[j * D + k] = t - o.eta * dt / Math.sqrt(gwt[j * D + k]);
    }
    const gc = clip(g, o.gradClip);
    gb[i] += gc * gc;
    gbt[j] += gc * gc;
    b.b[i] -= o.eta * gc / Math.sqrt(gb[i]);
    b.bt[j] -= o.eta * gc / Math.sqrt(gbt[j]);
  }
  return cost;
}

export function gloveCost(b: GloveBuffers, o: GloveOptions): number {
  const { D } = o;
  let cost = 0;
  for (let r = 0; r < o.n; r++) {
    const i = b.rows[r], j = b.cols[r], x = b.vals[r];
    let d = b.b[i] + b.bt[j] - Math.log(x);
    for (let k = 0; k < D; k++) d += b.w[i * D + k] * b.wt[j * D + k];
    cost += weight(x, o) * d * d;
  }
  return cost;
}

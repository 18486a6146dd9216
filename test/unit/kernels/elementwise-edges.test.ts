// Edge cases of the vectorized elementwise kernels (GELU, residual, LayerNorm, softmax/cross-entropy, dropout, AdamW)
// on both native paths: results independent of where a range is cut (masked vector tails), extreme and NaN inputs,
// wide LayerNorm rows, dropout decisions exactly at p, and many AdamW steps against the float64 JS reference.

import { describe, it, expect } from 'vitest';
import { jsKernels as js, type Kernels } from '../../../native-kernels/index';
import { dropoutKey, dropoutUniform } from '../../../native-kernels/js/rng';
import { expectClose, nativeBackends, randInts, randn, rng } from './helpers';

const RED = { rtol: 1e-4, atol: 1e-5 };
const ELEM = { rtol: 1e-5, atol: 1e-6 };

/** Cut points of a length-N range chosen so pieces start and end off the 8-float grid. */
function cuts(N: number): number[] {
  return [0, 1, 6, 13, 29, 100, 517, N];
}

function bitEqual(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

describe.each(nativeBackends())('$name elementwise edge cases', ({ kernels }) => {
  const nk = (): Kernels => kernels();

  it('an element gets the same bits whatever range it is computed in', () => {
    const r = rng(41);
    const N = 1003;
    const x = randn(r, N, 4), y = randn(r, N), dout = randn(r, N);
    const whole = { gelu: new Float32Array(N), dgelu: new Float32Array(N), sum: new Float32Array(N) };
    nk().geluForward(whole.gelu, x, N);
    nk().geluBackward(whole.dgelu, x, dout, N);
    nk().residualForward(whole.sum, x, y, N);
    const pieces = { gelu: new Float32Array(N), dgelu: new Float32Array(N), sum: new Float32Array(N) };
    const c = cuts(N);
    for (let k = 0; k + 1 < c.length; k++) {
      const [a, b] = [c[k], c[k + 1]];
      nk().geluForward(pieces.gelu.subarray(a, b), x.subarray(a, b), b - a);
      nk().geluBackward(pieces.dgelu.subarray(a, b), x.subarray(a, b), dout.subarray(a, b), b - a);
      nk().residualForward(pieces.sum.subarray(a, b), x.subarray(a, b), y.subarray(a, b), b - a);
    }
    expect(bitEqual(pieces.gelu, whole.gelu), 'gelu').toBe(true);
    expect(bitEqual(pieces.dgelu, whole.dgelu), 'gelu backward').toBe(true);
    expect(bitEqual(pieces.sum, whole.sum), 'residual').toBe(true);

    // AdamW on the whole buffer and on pieces, from the same state.
    const p0 = randn(r, N), g = randn(r, N), m0 = randn(r, N, 0.1), v0 = randn(r, N, 0.1).map(Math.abs);
    const w = { p: p0.slice(), m: m0.slice(), v: v0.slice() }, s = { p: p0.slice(), m: m0.slice(), v: v0.slice() };
    nk().adamwUpdate(w.p, g, w.m, w.v, N, 1e-3, 0.9, 0.95, 1e-8, 0.1, 7);
    for (let k = 0; k + 1 < c.length; k++) {
      const [a, b] = [c[k], c[k + 1]];
      nk().adamwUpdate(s.p.subarray(a, b), g.subarray(a, b), s.m.subarray(a, b), s.v.subarray(a, b), b - a, 1e-3, 0.9, 0.95, 1e-8, 0.1, 7);
    }
    expect(bitEqual(s.p, w.p) && bitEqual(s.m, w.m) && bitEqual(s.v, w.v), 'adamw params, m, v').toBe(true);
  });

  it('GELU and its gradient match the reference far out on both tails, and NaN stays NaN', () => {
    const xs = Float32Array.from([-1e4, -300, -100, -20, -9.5, -5, -1e-6, 0, -0, 1e-6, 5, 9.5, 20, 100, 300, 1e4, 3.4e38, -3.4e38]);
    const N = xs.length;
    const dout = new Float32Array(N).fill(1);
    const ref = [new Float32Array(N), new Float32Array(N)], ours = [new Float32Array(N), new Float32Array(N)];
    js.geluForward(ref[0], xs, N);
    nk().geluForward(ours[0], xs, N);
    js.geluBackward(ref[1], xs, dout, N);
    nk().geluBackward(ours[1], xs, dout, N);
    // At |x| = 3.4e38 the reference overflows in x^3 (inf * 0 = NaN on the negative side); only finite references count.
    const finite = (a: Float32Array, b: Float32Array): [number[], number[]] => {
      const keep = [...b.keys()].filter((i) => Number.isFinite(b[i]) && Math.abs(xs[i]) < 1e38);
      return [keep.map((i) => a[i]), keep.map((i) => b[i])];
    };
    expectClose(...finite(ours[0], ref[0]), ELEM.rtol, ELEM.atol, 'gelu tails');
    expectClose(...finite(ours[1], ref[1]), ELEM.rtol, ELEM.atol, 'gelu gradient tails');
    expect(ours[0][xs.length - 2], 'gelu(3.4e38)').toBe(xs[xs.length - 2]);
    const nan = Float32Array.of(NaN, 1, NaN), out = new Float32Array(3), dnan = new Float32Array(3);
    nk().geluForward(out, nan, 3);
    nk().geluBackward(dnan, nan, Float32Array.of(1, 1, 1), 3);
    expect([Number.isNaN(out[0]), Number.isNaN(out[1]), Number.isNaN(out[2])]).toEqual([true, false, true]);
    expect([Number.isNaN(dnan[0]), Number.isNaN(dnan[1]), Number.isNaN(dnan[2])]).toEqual([true, false, true]);
  });

  it('layernorm on wide rows with a large common offset stays within the reduction tolerance', () => {
    const r = rng(42);
    for (const [N, C, offset] of [[4, 1024, 50], [3, 3001, -20], [5, 9, 50]]) {
      const inp = randn(r, N * C, 2).map((v) => v + offset), w = randn(r, C), b = randn(r, C), dout = randn(r, N * C);
      const f = [0, 1].map(() => ({ out: new Float32Array(N * C), mean: new Float32Array(N), rstd: new Float32Array(N) }));
      js.layernormForward(f[0].out, f[0].mean, f[0].rstd, inp, w, b, N, C);
      nk().layernormForward(f[1].out, f[1].mean, f[1].rstd, inp, w, b, N, C);
      expectClose(f[1].out, f[0].out, RED.rtol, RED.atol, `out N=${N} C=${C} offset=${offset}`);
      expectClose(f[1].rstd, f[0].rstd, RED.rtol, RED.atol, 'rstd');
      const g = [0, 1].map(() => ({ dinp: new Float32Array(N * C), dw: new Float32Array(C), db: new Float32Array(C) }));
      js.layernormBackward(g[0].dinp, g[0].dw, g[0].db, dout, inp, w, f[0].mean, f[0].rstd, N, C);
      nk().layernormBackward(g[1].dinp, g[1].dw, g[1].db, dout, inp, w, f[0].mean, f[0].rstd, N, C);
      expectClose(g[1].dinp, g[0].dinp, RED.rtol, RED.atol, 'dinp');
      expectClose(g[1].dw, g[0].dw, RED.rtol, RED.atol, 'dweight');
      expectClose(g[1].db, g[0].db, RED.rtol, RED.atol, 'dbias');
    }
  });

  it('cross-entropy handles very spread logits, vocabularies off the 8-lane grid, and a NaN row', () => {
    const r = rng(43);
    for (const V of [1, 7, 8, 9, 65]) {
      const N = 6;
      const logits = randn(r, N * V, 80);
      const targets = randInts(r, N, V);
      logits[2 * V + (V - 1)] = NaN;  // row 2: a NaN logit, also in the last (masked) lane when V % 8 != 0
      const f = [0, 1].map(() => ({ losses: new Float32Array(N), probs: new Float32Array(N * V), counts: new Int32Array(1) }));
      js.crossEntropyForward(f[0].losses, f[0].probs, logits, targets, -1, N, V, f[0].counts);
      nk().crossEntropyForward(f[1].losses, f[1].probs, logits, targets, -1, N, V, f[1].counts);
      expect(Number.isNaN(f[1].losses[2]), `V=${V}: the NaN row's loss`).toBe(true);
      for (const row of [0, 1, 3, 4, 5]) {
        const span = (a: Float32Array, n: number): Float32Array => a.subarray(row * n, (row + 1) * n);
        expectClose(span(f[1].probs, V), span(f[0].probs, V), ELEM.rtol, ELEM.atol, `V=${V} row ${row} probs`);
        expectClose(span(f[1].losses, 1), span(f[0].losses, 1), ELEM.rtol, 1e-5, `V=${V} row ${row} loss`);
      }
    }
  });

  it('dropout keeps an element exactly when its uniform equals p, and drops it just above', () => {
    const seed = 987654321, N = 300;
    const key = dropoutKey(seed);
    const inp = randn(rng(44), N);
    for (const i of [0, 7, 8, 150, 299]) {
      const u = dropoutUniform(key, i);
      for (const p of [u, u + 2 ** -30]) {
        const masks = [new Uint8Array(N), new Uint8Array(N)], outs = [new Float32Array(N), new Float32Array(N)];
        js.dropoutForward(outs[0], masks[0], inp, p, seed, N);
        nk().dropoutForward(outs[1], masks[1], inp, p, seed, N);
        expect(masks[1][i], `element ${i} at p = ${p} (its uniform ${u})`).toBe(p === u ? 1 : 0);
        expect(Buffer.from(masks[1]).equals(Buffer.from(masks[0])), `mask at p = ${p}`).toBe(true);
      }
    }
  });

  it('LayerNorm backward with a residual gradient equals LayerNorm backward then a residual add, bit for bit', () => {
    const r = rng(47);
    for (const [N, C] of [[37, 128], [5, 13], [3, 200]]) {
      const x = randn(r, N * C, 2), w = randn(r, C), b = randn(r, C), dout = randn(r, N * C), dres = randn(r, N * C);
      const out = new Float32Array(N * C), mean = new Float32Array(N), rstd = new Float32Array(N);
      for (const [name, kern] of [['native', nk()], ['js', js]] as const) {
        kern.layernormForward(out, mean, rstd, x, w, b, N, C);
        const sep = { dinp: new Float32Array(N * C), dw: new Float32Array(C).fill(0.25), db: new Float32Array(C).fill(-0.5) };
        kern.layernormBackward(sep.dinp, sep.dw, sep.db, dout, x, w, mean, rstd, N, C);
        kern.residualForward(sep.dinp, sep.dinp, dres, N * C);
        const fused = { dinp: new Float32Array(N * C).fill(NaN), dw: new Float32Array(C).fill(0.25), db: new Float32Array(C).fill(-0.5) };
        kern.layernormBackward(fused.dinp, fused.dw, fused.db, dout, x, w, mean, rstd, N, C, dres);
        expect(bitEqual(fused.dinp, sep.dinp), `${name} ${N}x${C} dinp`).toBe(true);
        expect(bitEqual(fused.dw, sep.dw) && bitEqual(fused.db, sep.db), `${name} ${N}x${C} dweight, dbias`).toBe(true);
        // dresidual may be dinp itself (the gradient already there joins in place)
        const inPlace = dres.slice();
        kern.layernormBackward(inPlace, new Float32Array(C), new Float32Array(C), dout, x, w, mean, rstd, N, C, inPlace);
        expect(bitEqual(inPlace, sep.dinp), `${name} ${N}x${C} in place`).toBe(true);
      }
    }
  });

  it('AdamW with a gradient scale equals scaling the gradients first, bit for bit, and leaves them untouched', () => {
    const r = rng(46);
    const N = 1003;
    const p0 = randn(r, N), g = randn(r, N, 3), m0 = randn(r, N, 0.1), v0 = randn(r, N, 0.1).map(Math.abs);
    const gradScale = 1 / 2.718281828459045; // not a power of two: the rounding of g * scale matters
    for (const [name, kern] of [['native', nk()], ['js', js]] as const) {
      const folded = { p: p0.slice(), m: m0.slice(), v: v0.slice() }, first = { p: p0.slice(), m: m0.slice(), v: v0.slice() };
      const gKept = g.slice();
      kern.adamwUpdate(folded.p, gKept, folded.m, folded.v, N, 1e-3, 0.9, 0.95, 1e-8, 0.1, 3, gradScale);
      const gScaled = g.slice();
      kern.scale(gScaled, gradScale, N);
      kern.adamwUpdate(first.p, gScaled, first.m, first.v, N, 1e-3, 0.9, 0.95, 1e-8, 0.1, 3);
      expect(bitEqual(folded.p, first.p) && bitEqual(folded.m, first.m) && bitEqual(folded.v, first.v), `${name} params, m, v`).toBe(true);
      expect(bitEqual(gKept, g), `${name} gradients untouched`).toBe(true);
    }
  });

  it('200 AdamW steps stay within tolerance of the float64 reference', () => {
    const r = rng(45);
    const N = 2053;
    // Gradient scale per element, 1e-3 .. 10; every 17th gradient is exactly zero, so tiny v and eps are exercised.
    const scale = Float64Array.from({ length: N }, (_, i) => 10 ** ((i % 5) - 3));
    const p0 = randn(r, N);
    const s = [0, 1].map(() => ({ p: p0.slice(), m: new Float32Array(N), v: new Float32Array(N) }));
    for (let t = 1; t <= 200; t++) {
      const g = randn(r, N).map((x, i) => (i % 17 === 0 ? 0 : x * scale[i]));
      js.adamwUpdate(s[0].p, g, s[0].m, s[0].v, N, 3e-3, 0.9, 0.95, 1e-8, 0.1, t);
      nk().adamwUpdate(s[1].p, g, s[1].m, s[1].v, N, 3e-3, 0.9, 0.95, 1e-8, 0.1, t);
    }
    // The moments are running averages that can cancel to near zero, so they are compared in units of the gradient
    // scale (m / scale, v / scale^2): float rounding then shows up at ~1e-7, drift would show up far above 1e-5.
    const unit = (x: Float32Array, power: number): Float64Array => Float64Array.from(x, (val, i) => val / scale[i] ** power);
    expectClose(unit(s[1].m, 1), unit(s[0].m, 1), RED.rtol, RED.atol, 'm / scale');
    expectClose(unit(s[1].v, 2), unit(s[0].v, 2), RED.rtol, RED.atol, 'v / scale^2');
    expectClose(s[1].p, s[0].p, RED.rtol, RED.atol, 'params');
  });
});

// JS reference elementwise kernels: GELU (tanh approximation, as GPT-2) and the residual add.

import type { F32 } from '../kernels';

const GELU_K = Math.sqrt(2 / Math.PI);

/** out = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
export function geluForward(out: F32, inp: F32, N: number): void {
  for (let i = 0; i < N; i++) {
    const x = inp[i];
    out[i] = 0.5 * x * (1 + Math.tanh(GELU_K * (x + 0.044715 * x * x * x)));
  }
}

/** dinp = dout * d/dx gelu(x) (written). */
export function geluBackward(dinp: F32, inp: F32, dout: F32, N: number): void {
  for (let i = 0; i < N; i++) {
    const x = inp[i];
    const u = GELU_K * (x + 0.044715 * x * x * x);
    const th = Math.tanh(u);
    const sech2 = 1 - th * th;
    const grad = 0.5 * (1 + th) + 0.5 * x * sech2 * GELU_K * (1 + 3 * 0.044715 * x * x);
    dinp[i] = dout[i] * grad;
  }
}

/** out = a + b. */
export function residualForward(out: F32, a: F32, b: F32, N: number): void {
  for (let i = 0; i < N; i++) out[i] = a[i] + b[i];
}

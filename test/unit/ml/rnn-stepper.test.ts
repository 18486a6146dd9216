// The step-by-step decoder stack (RecurrentStepper): on the same weights it gives the whole-sequence stack's outputs,
// final states and every gradient (native and JS); with dropout between layers its gradients match finite
// differences; steps out of order are refused.
import { describe, expect, it } from 'vitest';
import { getKernels, jsKernels, type Kernels } from '../../../native-kernels/index';
import { NamedBuffer, TensorTable } from '../../../main/ml/params';
import { Rng } from '../../../main/ml/rng';
import { addRecurrentParams, initRecurrentParams, type RecurrentSpec } from '../../../main/ml/rnn/spec';
import { RecurrentStack } from '../../../main/ml/rnn/stack';
import { RecurrentStepper } from '../../../main/ml/rnn/stepper';
import { dotLoss, expectClose, numericGradient, randn, rng } from '../kernels/helpers';

function setup(cell: 'gru' | 'lstm', dropout: number): { spec: RecurrentSpec; params: NamedBuffer; table: TensorTable } {
  const spec: RecurrentSpec = { cell, inputSize: 5, hiddenSize: 6, numLayers: 2, bidirectional: false, dropout };
  const table = new TensorTable();
  addRecurrentParams(table, 'dec.', spec);
  const params = new NamedBuffer(table);
  initRecurrentParams(params, 'dec.', spec, new Rng(3));
  return { spec, params, table };
}

/** Runs the stepper over x (T,B,C) from h0/c0; returns the top outputs (T,B,H). */
function stepAll(k: Kernels, st: RecurrentStepper, params: NamedBuffer, x: Float32Array, T: number, B: number, C: number): Float32Array {
  const out = new Float32Array(T * B * st.spec.hiddenSize);
  for (let t = 0; t < T; t++) out.set(st.step(k, params, t, x.subarray(t * B * C, (t + 1) * B * C)), t * B * st.spec.hiddenSize);
  return out;
}

for (const [name, k] of [['native', getKernels()], ['js', jsKernels]] as const) {
  for (const cell of ['gru', 'lstm'] as const) {
    it(`${name} ${cell}: stepping equals the whole-sequence stack, forward and backward`, () => {
      const { spec, params, table } = setup(cell, 0);
      const [T, B, C, H] = [5, 3, 5, 6];
      const r = rng(2);
      const x = randn(r, T * B * C), h0 = randn(r, 2 * B * H, 0.5), c0 = randn(r, 2 * B * H, 0.5), R = randn(r, T * B * H), Rh = randn(r, 2 * B * H);
      const run = { h0, c0: cell === 'lstm' ? c0 : null };
      const stack = new RecurrentStack(spec, 'dec.');
      const whole = stack.forward(k, params, x, T, B, run).slice();
      const gStack = new NamedBuffer(table);
      const dxStack = new Float32Array(x.length);
      const { dh0 } = stack.backward(k, params, gStack, { dout: R, dhN: Rh, dinp: dxStack });

      const st = new RecurrentStepper(spec, 'dec.');
      st.begin(T, B, run);
      const stepped = stepAll(k, st, params, x, T, B, C);
      expectClose(stepped, whole, 1e-5, 1e-6, 'outputs');
      expectClose(st.state().h, stack.hN(), 1e-5, 1e-6, 'final h');
      const gStep = new NamedBuffer(table);
      const dxStep = new Float32Array(x.length);
      st.beginBackward(Rh, null);
      for (let t = T - 1; t >= 0; t--) st.backwardStep(k, params, gStep, t, R.subarray(t * B * H, (t + 1) * B * H), dxStep.subarray(t * B * C, (t + 1) * B * C));
      expectClose(dxStep, dxStack, 1e-4, 1e-5, 'dx');
      expectClose(st.dh0(), dh0, 1e-4, 1e-5, 'dh0');
      expectClose(gStep.data, gStack.data, 1e-4, 1e-5, 'parameter gradients');
    });
  }
}

describe('RecurrentStepper with dropout', () => {
  for (const cell of ['gru', 'lstm'] as const) {
    it(`${cell}: gradients through dropout between layers match finite differences`, () => {
      const { spec, params, table } = setup(cell, 0.25);
      const [T, B, C, H] = [3, 2, 5, 6];
      const r = rng(6);
      const x = randn(r, T * B * C), R = randn(r, T * B * H), h0 = randn(r, 2 * B * H, 0.5);
      const st = new RecurrentStepper(spec, 'dec.');
      const loss = (): number => {
        st.begin(T, B, { h0, train: true, seed: 5 });
        return dotLoss(stepAll(jsKernels, st, params, x, T, B, C), R);
      };
      loss();
      const grads = new NamedBuffer(table);
      const dx = new Float32Array(x.length);
      st.beginBackward();
      for (let t = T - 1; t >= 0; t--) st.backwardStep(jsKernels, params, grads, t, R.subarray(t * B * H, (t + 1) * B * H), dx.subarray(t * B * C, (t + 1) * B * C));
      expectClose(dx, numericGradient(x, loss, 1e-2), 1e-2, 2e-3, 'dx');
      expectClose(st.dh0(), numericGradient(h0, loss, 1e-2), 1e-2, 2e-3, 'dh0');
      for (const n of ['dec.weight_ih_l1', 'dec.weight_hh_l0', 'dec.bias_ih_l0']) {
        expectClose(grads.view(n), numericGradient(params.view(n), loss, 1e-2), 1e-2, 2e-3, n);
      }
    });
  }

  it('refuses steps out of order and a bidirectional spec', () => {
    const { spec, params } = setup('gru', 0);
    const st = new RecurrentStepper(spec, 'dec.');
    st.begin(2, 1);
    expect(() => st.step(jsKernels, params, 1, new Float32Array(5))).toThrow('Step 1 cannot run now: the decoder has run 0 of its 2 steps');
    expect(() => new RecurrentStepper({ ...spec, bidirectional: true }, '')).toThrow('A step-by-step decoder reads its input left to right');
  });
});

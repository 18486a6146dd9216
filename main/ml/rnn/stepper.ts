// A one-direction stack of GRU/LSTM layers run one time step at a time, keeping every step for backpropagation
// through time: the decoder of an encoder-decoder with attention, whose input at step t depends on its state at t-1.
// The same tensors (spec.ts) as RecurrentStack, so a stack trained either way is the same model.
//
// Per step t (0, 1, ... in order), per layer l: gi = x W_ih^T + b_ih (a linear layer), then the cell
// (gru/lstmCellForward). Backward runs t = last .. 0: each step's gradient of the top output (plus what flows back
// from step t+1) through the cells and linear layers. Storage for T steps of B rows, views of one buffer:
//   x (T,B,C) layer 0's inputs · per layer l: l{l}.h (T,B,H), l{l}.c (T,B,H) (LSTM), l{l}.cache (T,B,X),
//   l{l}.drop (T,B,H) (dropout > 0, l < L-1) · h0, c0 (L,B,H) · scratch gi (B,G*H), dgi (B,G*H), dh (B,H),
//   carry.h, carry.c (L,B,H), dx.a, dx.b (B,max(C,H)).
import type { F32, Kernels } from '../../../native-kernels/kernels';
import { LabError } from '../../../common/errors';
import { namedBufferIn } from '../activations';
import { NamedBuffer, TensorTable } from '../params';
import { mixSeed } from '../rng';
import { gatesOf, recurrentTensorName, validateRecurrentSpec, type RecurrentSpec } from './spec';

export interface StepperRun {
  /** (L,B,H) initial states; null = zeros */
  h0?: F32 | null;
  c0?: F32 | null;
  /** dropout between layers (training) */
  train?: boolean;
  seed?: number;
}

export class RecurrentStepper {
  readonly G: number;
  private buf: NamedBuffer;
  private masks = new Uint8Array(0);
  private T = 0;
  private B = 0;
  private steps = 0;
  private dropout = 0;
  private seed = 0;
  private next = -1;

  constructor(readonly spec: RecurrentSpec, readonly prefix: string) {
    validateRecurrentSpec(spec);
    if (spec.bidirectional) {
      throw new LabError('invalid_input', 'A step-by-step decoder reads its input left to right; give it bidirectional: false.', { field: 'bidirectional' });
    }
    this.G = gatesOf(spec.cell);
    this.buf = new NamedBuffer(new TensorTable());
  }

  /** Sizes storage for up to T steps of B rows and sets the initial states; forgets earlier steps. */
  begin(T: number, B: number, run: StepperRun = {}): void {
    const s = this.spec;
    const [H, L, C] = [s.hiddenSize, s.numLayers, s.inputSize];
    if (!Number.isInteger(T) || T < 1 || !Number.isInteger(B) || B < 1) {
      throw new LabError('invalid_input', `A decoder needs at least one step and one row, got T = ${T}, B = ${B}.`, { field: 'T' });
    }
    for (const [name, v] of [['h0', run.h0], ['c0', run.c0]] as const) {
      if (v && v.length < L * B * H) throw new LabError('invalid_input', `${name} has ${v.length} floats, but layers*B*H = ${L * B * H} are needed.`, { field: name });
    }
    if (T !== this.T || B !== this.B) {
      const lstm = s.cell === 'lstm';
      const t = new TensorTable();
      t.add('x', [T, B, C]);
      for (let l = 0; l < L; l++) {
        t.add(`l${l}.h`, [T, B, H]);
        t.add(`l${l}.c`, [lstm ? T : 0, B, H]);
        t.add(`l${l}.cache`, [T, B, (lstm ? 5 : 4) * H]);
        t.add(`l${l}.drop`, [s.dropout > 0 && l < L - 1 ? T : 0, B, H]);
      }
      for (const n of ['h0', 'c0', 'carry.h', 'carry.c']) t.add(n, [L, B, H]);
      t.add('gi', [B, this.G * H]);
      t.add('dgi', [B, this.G * H]);
      t.add('dh', [B, H]);
      t.add('dx.a', [B, Math.max(C, H)]);
      t.add('dx.b', [B, Math.max(C, H)]);
      this.buf = namedBufferIn(t, this.buf);
      this.masks = new Uint8Array(s.dropout > 0 ? (L - 1) * T * B * H : 0);
      this.T = T;
      this.B = B;
    }
    const h0 = this.buf.view('h0'), c0 = this.buf.view('c0');
    if (run.h0) h0.set(run.h0.subarray(0, h0.length)); else h0.fill(0);
    if (run.c0) c0.set(run.c0.subarray(0, c0.length)); else c0.fill(0);
    this.dropout = run.train === true ? s.dropout : 0;
    this.seed = run.seed ?? 0;
    this.steps = 0;
    this.next = -1;
  }

  /** Runs step t = 0, 1, ... (in order) on x (B, inputSize); returns the top layer's hidden state (B,H). */
  step(k: Kernels, params: NamedBuffer, t: number, x: F32): F32 {
    const s = this.spec;
    const [H, L, B, G] = [s.hiddenSize, s.numLayers, this.B, this.G];
    if (t !== this.steps || t >= this.T) {
      throw new LabError('invalid_input', `Step ${t} cannot run now: the decoder has run ${this.steps} of its ${this.T} steps (begin() again for a new sequence).`, { field: 't' });
    }
    const X = (s.cell === 'lstm' ? 5 : 4) * H;
    this.buf.view('x').set(x.subarray(0, B * s.inputSize), t * B * s.inputSize);
    let inp = this.buf.view('x').subarray(t * B * s.inputSize, (t + 1) * B * s.inputSize);
    let C = s.inputSize;
    const gi = this.buf.view('gi');
    for (let l = 0; l < L; l++) {
      const P = (kind: 'weight_ih' | 'weight_hh' | 'bias_ih' | 'bias_hh'): F32 => params.view(recurrentTensorName(this.prefix, kind, l, false));
      k.matmulForward(gi, inp, P('weight_ih'), P('bias_ih'), B, C, G * H);
      const h = this.at(`l${l}.h`, t, H);
      const cache = this.at(`l${l}.cache`, t, X);
      if (s.cell === 'gru') {
        k.gruCellForward(h, cache, gi, this.prev('h', l, t), P('weight_hh'), P('bias_hh'), B, H);
      } else {
        k.lstmCellForward(h, this.at(`l${l}.c`, t, H), cache, gi, this.prev('h', l, t), this.prev('c', l, t), P('weight_hh'), P('bias_hh'), B, H);
      }
      inp = h;
      if (this.dropout > 0 && l < L - 1) {
        inp = this.at(`l${l}.drop`, t, H);
        k.dropoutForward(inp, this.mask(l, t), h, this.dropout, mixSeed(this.seed, l, t), B * H);
      }
      C = H;
    }
    this.steps = t + 1;
    return this.at(`l${L - 1}.h`, t, H);
  }

  /** The hidden (and cell) states (L,B,H) after the latest step, e.g. to start another decoder or to decode on. */
  state(): { h: F32; c: F32 | null } {
    const s = this.spec;
    const [H, L, B] = [s.hiddenSize, s.numLayers, this.B];
    const h = new Float32Array(L * B * H);
    const c = s.cell === 'lstm' ? new Float32Array(L * B * H) : null;
    for (let l = 0; l < L; l++) {
      h.set(this.prev('h', l, this.steps), l * B * H);
      if (c) c.set(this.prev('c', l, this.steps), l * B * H);
    }
    return { h, c };
  }

  /** Starts backward after the last step: dhN, dcN (L,B,H) are the gradients of the final states (null = none). */
  beginBackward(dhN: F32 | null = null, dcN: F32 | null = null): void {
    const ch = this.buf.view('carry.h'), cc = this.buf.view('carry.c');
    if (dhN) ch.set(dhN.subarray(0, ch.length)); else ch.fill(0);
    if (dcN) cc.set(dcN.subarray(0, cc.length)); else cc.fill(0);
    this.next = this.steps - 1;
  }

  /** Backward of step t (t = last .. 0, in order): dh (B,H) is the loss's gradient of that step's top output (null =
   *  none); parameter gradients accumulate into grads; dx (B, inputSize) receives the gradient of the step's input. */
  backwardStep(k: Kernels, params: NamedBuffer, grads: NamedBuffer, t: number, dh: F32 | null, dx: F32 | null): void {
    const s = this.spec;
    const [H, L, B, G] = [s.hiddenSize, s.numLayers, this.B, this.G];
    if (t !== this.next || t < 0) {
      throw new LabError('invalid_input', `Backward of step ${t} cannot run now: call beginBackward() after the last step, then backwardStep for t = ${this.steps - 1} down to 0.`, { field: 't' });
    }
    const X = (s.cell === 'lstm' ? 5 : 4) * H;
    const dgi = this.buf.view('dgi');
    const sum = this.buf.view('dh');
    let above: F32 | null = dh;
    let spare = this.buf.view('dx.a');
    for (let l = L - 1; l >= 0; l--) {
      const P = (kind: 'weight_ih' | 'weight_hh'): F32 => params.view(recurrentTensorName(this.prefix, kind, l, false));
      const Gr = (kind: 'weight_ih' | 'weight_hh' | 'bias_ih' | 'bias_hh'): F32 => grads.view(recurrentTensorName(this.prefix, kind, l, false));
      const carryH = this.buf.view('carry.h').subarray(l * B * H, (l + 1) * B * H);
      const carryC = this.buf.view('carry.c').subarray(l * B * H, (l + 1) * B * H);
      if (above !== null) k.residualForward(sum, above.subarray(0, B * H), carryH, B * H);
      else sum.set(carryH);
      const cache = this.at(`l${l}.cache`, t, X);
      if (s.cell === 'gru') {
        k.gruCellBackward(dgi, carryH, Gr('weight_hh'), Gr('bias_hh'), sum, this.prev('h', l, t), cache, P('weight_hh'), B, H);
      } else {
        k.lstmCellBackward(dgi, carryH, carryC, Gr('weight_hh'), Gr('bias_hh'), sum, carryC.slice(), this.prev('h', l, t),
          this.prev('c', l, t), cache, P('weight_hh'), B, H);
      }
      const C = l === 0 ? s.inputSize : H;
      const x = l === 0 ? this.at('x', t, C) : (this.dropout > 0 ? this.at(`l${l - 1}.drop`, t, H) : this.at(`l${l - 1}.h`, t, H));
      const dinp = l === 0 ? dx : spare.subarray(0, B * C);
      k.matmulBackward(dinp === null ? null : dinp.subarray(0, B * C), Gr('weight_ih'), Gr('bias_ih'), dgi, x, P('weight_ih'), B, C, G * H);
      if (l === 0) break;
      above = dinp as F32;
      if (this.dropout > 0) {
        const other = spare === this.buf.view('dx.a') ? this.buf.view('dx.b') : this.buf.view('dx.a');
        k.dropoutBackward(other.subarray(0, B * H), above, this.mask(l - 1, t), this.dropout, B * H);
        above = other.subarray(0, B * H);
      } else {
        spare = spare === this.buf.view('dx.a') ? this.buf.view('dx.b') : this.buf.view('dx.a');
      }
    }
    this.next = t - 1;
  }

  /** After backwardStep(0): the gradients of h0 and c0 (L,B,H). */
  dh0(): F32 {
    return this.buf.view('carry.h');
  }

  dc0(): F32 {
    return this.buf.view('carry.c');
  }

  private at(name: string, t: number, w: number): F32 {
    return this.buf.view(name).subarray(t * this.B * w, (t + 1) * this.B * w);
  }

  /** The state of layer l before step t: step t-1's, or h0/c0. */
  private prev(which: 'h' | 'c', l: number, t: number): F32 {
    const n = this.B * this.spec.hiddenSize;
    if (t === 0) return this.buf.view(which === 'h' ? 'h0' : 'c0').subarray(l * n, (l + 1) * n);
    return this.at(`l${l}.${which}`, t - 1, this.spec.hiddenSize);
  }

  private mask(l: number, t: number): Uint8Array {
    const n = this.B * this.spec.hiddenSize;
    return this.masks.subarray((l * this.T + t) * n, (l * this.T + t + 1) * n);
  }
}

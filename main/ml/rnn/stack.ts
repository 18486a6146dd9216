// A stack of GRU/LSTM layers over whole sequences, forward and backward through time with the kernels: initial and
// final states, per-sequence lengths, dropout between layers. Weights live in the caller's parameter buffer (spec.ts
// names); activations in the stack's own storage, grown for the largest (T, B) seen and reused.
//
// Time-major: inp (T,B,C), out (T,B,D*H) (direction 1 in the second half of each row), h0/hN/c0/cN (L*D,B,H) in
// torch's order (index l*D + d). Storage (views of `acts`): per layer l: l{l}.out (T,B,D*H), l{l}.cache (D,T,B,X),
// l{l}.drop (T,B,D*H) (dropout > 0, l < L-1), and hN, cN (L*D,B,H); scratch for backward: dcache (D,T,B,4H),
// dx.a, dx.b (T,B,max(C, D*H)), dh0, dc0 (L*D,B,H); emb (T,B,C) when a token input is looked up rather than
// projected through its table (token-input.ts).
import type { F32, Kernels } from '../../../native-kernels/kernels';
import { LabError } from '../../../common/errors';
import { namedBufferIn } from '../activations';
import { NamedBuffer, TensorTable } from '../params';
import { mixSeed } from '../rng';
import { directionsOf, gatesOf, layerTensor, validateRecurrentSpec, type RecurrentSpec } from './spec';
import {
  checkTokens, fusesProjection, gatherProjection, isTokenInput, ProjectionScratch, scatterProjection, type ProjectionDims,
  type TokenInput,
} from './token-input';

export interface RecurrentRun {
  /** (L*D,B,H) initial hidden states; null = zeros */
  h0?: F32 | null;
  /** (L*D,B,H) initial cell states (LSTM); null = zeros */
  c0?: F32 | null;
  /** (B) real steps of each sequence, 1..T; null = all T (see rnn-kernels.ts for padded steps) */
  lengths?: Int32Array | null;
  /** apply dropout between layers (training) */
  train?: boolean;
  /** seed of this pass's dropout masks (e.g. mixSeed(modelSeed, step)) */
  seed?: number;
}

export interface RecurrentGradients {
  /** gradient of the top layer's output (T,B,D*H); null = none (only the final states reach the loss) */
  dout: F32 | null;
  /** gradients of hN / cN (L*D,B,H); null = none */
  dhN?: F32 | null;
  dcN?: F32 | null;
  /** where to write the gradient of the input (T,B,C); null = not wanted (a token input: use dtable) */
  dinp: F32 | null;
  /** a token input's table gradient (V, inputSize), accumulated (+=); null = not wanted */
  dtable?: F32 | null;
}

/** The stack's storage for (T,B): activation and backward-scratch tables (names in the header) and dropout-mask bytes.
 *  A token input with a gathered projection also uses 2 * D * V * G * H + V * 4 * H + V * inputSize floats (token-input.ts). */
export function stackLayout(s: RecurrentSpec, T: number, B: number): { acts: TensorTable; scratch: TensorTable; maskBytes: number } {
  const D = directionsOf(s);
  const H = s.hiddenSize;
  const X = (s.cell === 'gru' ? 4 : 5) * H;
  const acts = new TensorTable();
  for (let l = 0; l < s.numLayers; l++) {
    acts.add(`l${l}.out`, [T, B, D * H]);
    acts.add(`l${l}.cache`, [D, T, B, X]);
    if (s.dropout > 0 && l < s.numLayers - 1) acts.add(`l${l}.drop`, [T, B, D * H]);
  }
  acts.add('hN', [s.numLayers * D, B, H]);
  acts.add('cN', [s.cell === 'lstm' ? s.numLayers * D : 0, B, H]);
  const scratch = new TensorTable();
  const w = Math.max(s.inputSize, D * H);
  scratch.add('dcache', [D, T, B, 4 * H]);
  scratch.add('dx.a', [T, B, w]);
  scratch.add('dx.b', [T, B, w]);
  scratch.add('dh0', [s.numLayers * D, B, H]);
  scratch.add('dc0', [s.cell === 'lstm' ? s.numLayers * D : 0, B, H]);
  scratch.add('emb', [T, B, s.inputSize]);
  return { acts, scratch, maskBytes: s.dropout > 0 ? (s.numLayers - 1) * T * B * D * H : 0 };
}

export class RecurrentStack {
  readonly D: number;
  readonly G: number;
  /** activations of the latest forward (names in the header) */
  acts: NamedBuffer;
  private scratch: NamedBuffer;
  private masks: Uint8Array = new Uint8Array(0);
  private T = 0;
  private B = 0;
  private last: { inp: F32 | TokenInput; fused: boolean; V: number; run: RecurrentRun; dropout: number } | null = null;
  private readonly projection = { P: new ProjectionScratch(), dP4: new ProjectionScratch(), dTable: new ProjectionScratch() };

  constructor(readonly spec: RecurrentSpec, readonly prefix: string) {
    validateRecurrentSpec(spec);
    this.D = directionsOf(spec);
    this.G = gatesOf(spec.cell);
    this.acts = new NamedBuffer(new TensorTable());
    this.scratch = new NamedBuffer(new TensorTable());
  }

  get hidden(): number {
    return this.spec.hiddenSize;
  }

  /** Width of the output rows: H per direction. */
  get outputSize(): number {
    return this.D * this.spec.hiddenSize;
  }

  /** The top layer's output (T,B,D*H) of the latest forward. */
  output(): F32 {
    return this.acts.view(`l${this.spec.numLayers - 1}.out`);
  }

  /** Final hidden states (L*D,B,H) of the latest forward. */
  hN(): F32 {
    return this.acts.view('hN');
  }

  /** Final cell states (L*D,B,H) of the latest forward (LSTM). */
  cN(): F32 {
    return this.acts.view('cN');
  }

  private size(T: number, B: number): void {
    if (T === this.T && B === this.B) return;
    const { acts, scratch, maskBytes } = stackLayout(this.spec, T, B);
    this.acts = namedBufferIn(acts, this.acts);
    this.scratch = namedBufferIn(scratch, this.scratch);
    if (this.masks.length < maskBytes) this.masks = new Uint8Array(maskBytes);
    this.T = T;
    this.B = B;
  }

  private mask(l: number): Uint8Array {
    const n = this.T * this.B * this.outputSize;
    return this.masks.subarray(l * n, (l + 1) * n);
  }

  private projectionDims(V: number): ProjectionDims {
    const s = this.spec;
    const H = s.hiddenSize;
    return { T: this.T, B: this.B, E: s.inputSize, H, D: this.D, G: this.G, V, X: (s.cell === 'gru' ? 4 : 5) * H };
  }

  /** Runs every layer on inp (T,B,inputSize), or on the rows of an embedding table picked by token ids; returns the
   *  top layer's output (T,B,D*H). */
  forward(k: Kernels, params: NamedBuffer, inp: F32 | TokenInput, T: number, B: number, run: RecurrentRun = {}): F32 {
    const s = this.spec;
    const { D } = this;
    const H = s.hiddenSize;
    const L = s.numLayers;
    this.checkInputs(inp, T, B, run);
    this.size(T, B);
    const dropout = run.train === true ? s.dropout : 0;
    const state = (buf: F32 | null | undefined, l: number): F32 | null => (buf ? buf.subarray(l * D * B * H, (l + 1) * D * B * H) : null);
    let V = 0;
    let fused = false;
    let x: F32 | null;
    if (isTokenInput(inp)) {
      V = checkTokens(inp, T, B, s.inputSize);
      fused = fusesProjection(V, T, B);
      if (fused) {
        const P = this.projection.P.get(D * V * this.G * H);
        gatherProjection(k, this.acts.view('l0.cache'), inp, layerTensor(params, this.prefix, 'weight_ih', 0, D),
          layerTensor(params, this.prefix, 'bias_ih', 0, D), P, this.projectionDims(V));
        x = null;
      } else {
        x = this.scratch.view('emb');
        k.embeddingForward(x, inp.tokens, inp.table, null, null, null, 1, T * B, s.inputSize);
      }
    } else {
      x = inp;
    }
    let C = s.inputSize;
    for (let l = 0; l < L; l++) {
      const out = this.acts.view(`l${l}.out`);
      const cache = this.acts.view(`l${l}.cache`);
      const w = (kind: 'weight_ih' | 'weight_hh' | 'bias_ih' | 'bias_hh'): F32 => layerTensor(params, this.prefix, kind, l, D);
      const hN = state(this.acts.view('hN'), l) as F32;
      if (s.cell === 'gru') {
        k.gruForward(out, hN, cache, x, state(run.h0, l), w('weight_ih'), w('weight_hh'), w('bias_ih'), w('bias_hh'),
          run.lengths ?? null, T, B, C, H, D);
      } else {
        k.lstmForward(out, hN, state(this.acts.view('cN'), l), cache, x, state(run.h0, l), state(run.c0, l),
          w('weight_ih'), w('weight_hh'), w('bias_ih'), w('bias_hh'), run.lengths ?? null, T, B, C, H, D);
      }
      x = out;
      if (dropout > 0 && l < L - 1) {
        const dropped = this.acts.view(`l${l}.drop`);
        k.dropoutForward(dropped, this.mask(l), out, dropout, mixSeed(run.seed ?? 0, l, 0x52_4e_4e), T * B * D * H);
        x = dropped;
      }
      C = D * H;
    }
    this.last = { inp, fused, V, run, dropout };
    return x as F32;
  }

  /** Backward through every layer of the latest forward: accumulates the parameter gradients into grads, writes
   *  g.dinp; returns views of dh0 and dc0 (L*D,B,H), valid until the next call. */
  backward(k: Kernels, params: NamedBuffer, grads: NamedBuffer, g: RecurrentGradients): { dh0: F32; dc0: F32 } {
    if (this.last === null) throw new LabError('internal', 'RecurrentStack.backward() needs a forward() first.');
    const { inp, fused, V, run, dropout } = this.last;
    const s = this.spec;
    const { D, T, B } = this;
    const H = s.hiddenSize;
    const L = s.numLayers;
    const DH = D * H;
    const N = T * B * DH;
    if (g.dout !== null && g.dout.length < N) {
      throw new LabError('invalid_input', `The output gradient has ${g.dout.length} floats, but the stack's output is T*B*D*H = ${N}.`, { field: 'dout' });
    }
    const state = (buf: F32 | null | undefined, l: number): F32 | null => (buf ? buf.subarray(l * D * B * H, (l + 1) * D * B * H) : null);
    const dh0 = this.scratch.view('dh0');
    const dc0 = this.scratch.view('dc0');
    let dout: F32 | null = g.dout === null ? null : g.dout.subarray(0, N);
    let spare = this.scratch.view('dx.a');
    let other = this.scratch.view('dx.b');
    for (let l = L - 1; l >= 0; l--) {
      const C = l === 0 ? s.inputSize : DH;
      const tokens = l === 0 && isTokenInput(inp) ? inp : null;
      let x: F32 | null;
      let dinp: F32 | null;
      if (l > 0) {
        x = dropout > 0 ? this.acts.view(`l${l - 1}.drop`) : this.acts.view(`l${l - 1}.out`);
        dinp = spare.subarray(0, T * B * C);
      } else if (tokens === null) {
        x = inp as F32;
        dinp = g.dinp;
      } else {
        // A token input: the projection's gradient is scattered below (fused), or the lookup's input gradient is.
        x = fused ? null : this.scratch.view('emb');
        dinp = fused || !g.dtable ? null : spare.subarray(0, T * B * C);
      }
      const W = (kind: 'weight_ih' | 'weight_hh' | 'bias_ih' | 'bias_hh'): F32 => layerTensor(params, this.prefix, kind, l, D);
      const dW = (kind: 'weight_ih' | 'weight_hh' | 'bias_ih' | 'bias_hh'): F32 => layerTensor(grads, this.prefix, kind, l, D);
      const out = this.acts.view(`l${l}.out`);
      const cache = this.acts.view(`l${l}.cache`);
      if (s.cell === 'gru') {
        k.gruBackward(dinp, state(dh0, l), dW('weight_ih'), dW('weight_hh'), dW('bias_ih'), dW('bias_hh'), this.scratch.view('dcache'),
          dout, state(g.dhN, l), x, state(run.h0, l), out, cache, W('weight_ih'), W('weight_hh'), run.lengths ?? null, T, B, C, H, D);
      } else {
        k.lstmBackward(dinp, state(dh0, l), state(dc0, l), dW('weight_ih'), dW('weight_hh'), dW('bias_ih'), dW('bias_hh'),
          this.scratch.view('dcache'), dout, state(g.dhN, l), state(g.dcN, l), x, state(run.h0, l), state(run.c0, l), out, cache,
          W('weight_ih'), W('weight_hh'), run.lengths ?? null, T, B, C, H, D);
      }
      if (l === 0) {
        if (tokens !== null && g.dtable) {
          if (fused) {
            scatterProjection(k, g.dtable, dW('weight_ih'), dW('bias_ih'), this.scratch.view('dcache'), tokens, W('weight_ih'),
              this.projection.P.get(V * this.G * H), this.projection.dP4.get(V * 4 * H), this.projection.dTable.get(V * C), s.cell === 'gru', this.projectionDims(V));
          } else {
            k.embeddingBackward(g.dtable, null, null, dinp as F32, tokens.tokens, null, 1, T * B, C);
          }
        } else if (tokens !== null && fused) {
          scatterProjection(k, null, dW('weight_ih'), dW('bias_ih'), this.scratch.view('dcache'), tokens, W('weight_ih'),
            this.projection.P.get(V * this.G * H), this.projection.dP4.get(V * 4 * H), this.projection.dTable.get(V * C), s.cell === 'gru', this.projectionDims(V));
        }
        break;
      }
      // The next layer down receives the gradient of its (dropped-out) output, in the buffer it does not write.
      if (dropout > 0) {
        dout = other.subarray(0, N);
        k.dropoutBackward(dout, dinp as F32, this.mask(l - 1), dropout, N);
      } else {
        dout = dinp;
        [spare, other] = [other, spare];
      }
    }
    return { dh0, dc0 };
  }

  private checkInputs(inp: F32 | TokenInput, T: number, B: number, run: RecurrentRun): void {
    const s = this.spec;
    const states = s.numLayers * this.D * B * s.hiddenSize;
    if (!Number.isInteger(T) || T < 1 || !Number.isInteger(B) || B < 1) {
      throw new LabError('invalid_input', `A recurrent pass needs at least one step and one sequence, got T = ${T}, B = ${B}.`, { field: 'T' });
    }
    if (!isTokenInput(inp) && inp.length < T * B * s.inputSize) {
      throw new LabError('invalid_input', `The input has ${inp.length} floats, but T*B*inputSize = ${T}*${B}*${s.inputSize} = ${T * B * s.inputSize} are needed.`, { field: 'inp' });
    }
    for (const [name, v] of [['h0', run.h0], ['c0', run.c0]] as const) {
      if (v && v.length < states) {
        throw new LabError('invalid_input', `${name} has ${v.length} floats, but layers*directions*B*H = ${states} are needed.`, { field: name });
      }
    }
    if (run.c0 && s.cell !== 'lstm') throw new LabError('invalid_input', 'c0 was given, but a GRU has no cell state.', { field: 'c0' });
  }
}

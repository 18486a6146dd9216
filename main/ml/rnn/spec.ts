// A stack of GRU or LSTM layers as torch.nn.GRU / nn.LSTM describes it: its settings, their validation, its
// parameter tensors (torch's names under a prefix), their count and torch's initialisation.
//
// Tensors of layer k (G = 3 for GRU, 4 for LSTM; C_k = inputSize for k = 0, else H * directions):
//   {prefix}weight_ih_l{k} (G*H, C_k), {prefix}weight_ih_l{k}_reverse (bidirectional)   rows r|z|n or i|f|g|o
//   {prefix}weight_hh_l{k} (G*H, H), ..._reverse · {prefix}bias_ih_l{k} (G*H), ..._reverse · {prefix}bias_hh_l{k} ...
// The two directions' tensors of one kind sit back to back, so a layer's weights are one (D, G*H, ·) view for the
// kernels. torch's state_dict order differs; names and shapes are the same, so weights map by name.
import type { F32 } from '../../../native-kernels/kernels';
import { LabError } from '../../../common/errors';
import type { NamedBuffer, TensorTable } from '../params';
import { Rng } from '../rng';

export type RecurrentCell = 'gru' | 'lstm';

export interface RecurrentSpec {
  cell: RecurrentCell;
  /** width of the input of layer 0 */
  inputSize: number;
  /** H: units per direction */
  hiddenSize: number;
  numLayers: number;
  /** two directions (an encoder); the output of a layer is then (T, B, 2H), forward half first */
  bidirectional: boolean;
  /** dropout on the output of every layer but the last, in training (torch's `dropout` argument) */
  dropout: number;
}

export function gatesOf(cell: RecurrentCell): number {
  return cell === 'gru' ? 3 : 4;
}

export function directionsOf(s: RecurrentSpec): number {
  return s.bidirectional ? 2 : 1;
}

/** Throws LabError naming the first bad setting. */
export function validateRecurrentSpec(s: RecurrentSpec, where = 'the recurrent layers'): RecurrentSpec {
  if (s.cell !== 'gru' && s.cell !== 'lstm') {
    throw new LabError('invalid_input', `The cell of ${where} is ${JSON.stringify(s.cell)}, but it must be "gru" or "lstm".`, { field: 'cell' });
  }
  const whole = (v: number, field: string, max: number): void => {
    if (!Number.isInteger(v) || v < 1 || v > max) {
      throw new LabError('invalid_input', `${field} of ${where} is ${String(v)}, but it must be a whole number from 1 to ${max}.`, { field });
    }
  };
  whole(s.inputSize, 'inputSize', 65536);
  whole(s.hiddenSize, 'hiddenSize', 8192);
  whole(s.numLayers, 'numLayers', 16);
  if (!(s.dropout >= 0 && s.dropout < 1)) {
    throw new LabError('invalid_input', `dropout of ${where} is ${String(s.dropout)}, but it must be a number from 0 up to (not including) 1.`, { field: 'dropout' });
  }
  return s;
}

/** Tensor name of one layer's weight or bias, torch's spelling. */
export function recurrentTensorName(prefix: string, kind: 'weight_ih' | 'weight_hh' | 'bias_ih' | 'bias_hh', layer: number, reverse: boolean): string {
  return `${prefix}${kind}_l${layer}${reverse ? '_reverse' : ''}`;
}

/** Adds the stack's tensors to a parameter table (roles: weights 'linear', biases 'bias'). */
export function addRecurrentParams(t: TensorTable, prefix: string, s: RecurrentSpec): void {
  const G = gatesOf(s.cell);
  const H = s.hiddenSize;
  const D = directionsOf(s);
  for (let l = 0; l < s.numLayers; l++) {
    const C = l === 0 ? s.inputSize : H * D;
    for (const [kind, shape, role] of [['weight_ih', [G * H, C], 'linear'], ['weight_hh', [G * H, H], 'linear'],
      ['bias_ih', [G * H], 'bias'], ['bias_hh', [G * H], 'bias']] as const) {
      for (let d = 0; d < D; d++) t.add(recurrentTensorName(prefix, kind, l, d === 1), [...shape], role);
    }
  }
}

/** Trainable floats of the stack (matches addRecurrentParams). */
export function recurrentParameterCount(s: RecurrentSpec): number {
  const G = gatesOf(s.cell);
  const H = s.hiddenSize;
  const D = directionsOf(s);
  let n = 0;
  for (let l = 0; l < s.numLayers; l++) {
    const C = l === 0 ? s.inputSize : H * D;
    n += D * (G * H * C + G * H * H + 2 * G * H);
  }
  return n;
}

/** The (D, ·) view of one kind of tensor of layer l: both directions, back to back in the buffer. */
export function layerTensor(buf: NamedBuffer, prefix: string, kind: 'weight_ih' | 'weight_hh' | 'bias_ih' | 'bias_hh', l: number, D: number): F32 {
  const first = buf.table.get(recurrentTensorName(prefix, kind, l, false));
  return buf.data.subarray(first.offset, first.offset + D * first.size);
}

/** torch's initialisation: every weight and bias uniform in [-1/sqrt(H), 1/sqrt(H)). */
export function initRecurrentParams(params: NamedBuffer, prefix: string, s: RecurrentSpec, rng: Rng): void {
  const bound = 1 / Math.sqrt(s.hiddenSize);
  const D = directionsOf(s);
  for (let l = 0; l < s.numLayers; l++) {
    for (const kind of ['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh'] as const) {
      const v = layerTensor(params, prefix, kind, l, D);
      for (let i = 0; i < v.length; i++) v[i] = (rng.next() * 2 - 1) * bound;
    }
  }
}

// The recurrent part of the kernel contract: GRU and LSTM layers (whole sequences, one or two directions) and single
// time steps, with torch.nn.GRU / nn.LSTM semantics, gate order and biases, so their weights map 1:1.
//
// Time-major: a sequence is (T,B,·) row-major, row (t,b) at (t*B + b)*width. G = 3 gates for GRU (r | z | n), 4 for
// LSTM (i | f | g | o); D = 1 or 2 directions (direction 1 reads t = T-1 .. 0). Per direction d:
//   GRU:  r = s(W_ir x + b_ir + W_hr h + b_hr), z = s(W_iz x + b_iz + W_hz h + b_hz),
//         n = tanh(W_in x + b_in + r * (W_hn h + b_hn)), h' = (1 - z) * n + z * h
//   LSTM: i, f, o = s(W_i* x + b_i* + W_h* h + b_h*), g = tanh(...), c' = f * c + i * g, h' = o * tanh(c')
// Buffers: inp (T,B,C) · out (T,B,D*H), direction d at columns [d*H, (d+1)*H) · h0, hN, c0, cN and their gradients
// (D,B,H) · wih (D,G*H,C) · whh (D,G*H,H) · bih, bhh (D,G*H) (the directions' tensors back to back) ·
// cache (D,T,B,X), X = 4H GRU [r | z | n | W_hn h + b_hn], 5H LSTM [i | f | g | o | c] · dcache (D,T,B,4H) scratch.
// lengths (B), each in 1..T, or null = all T: steps t >= lengths[b] leave row b's state unchanged and write 0 to out,
// so direction 0's hN is the state after step lengths[b]-1 and direction 1 starts there from h0
// (torch's pack_padded_sequence); backward ignores dout at those steps.
// inp null: the caller has written x W_ih^T + b_ih into the first G*H columns of every cache row (e.g. gathered from a
// table of the embedding's projections), and computes dW_ih, db_ih and dinp itself from dcache (GRU: columns r, z and
// the last H; LSTM: all 4H); wih and bih are then not read, and dinp must be null.
// Parameter gradients accumulate (+=); dinp, dh0, dc0, dgi, dhPrev, dcPrev are written. null h0/c0 = zeros,
// null dout/dhN/dcN = no gradient from there, null dinp/dh0/dc0/dhPrev/dcPrev = not wanted.
import type { F32 } from './kernels';

export type Lengths = Int32Array | null;

export interface RnnKernels {
  /** One GRU layer over a whole sequence (both directions when D = 2). */
  gruForward(out: F32, hN: F32 | null, cache: F32, inp: F32 | null, h0: F32 | null, wih: F32, whh: F32, bih: F32, bhh: F32,
    lengths: Lengths, T: number, B: number, C: number, H: number, D: number): void;
  /** Backward through time of gruForward (same inputs; cache and out as gruForward left them). */
  gruBackward(dinp: F32 | null, dh0: F32 | null, dwih: F32, dwhh: F32, dbih: F32, dbhh: F32, dcache: F32,
    dout: F32 | null, dhN: F32 | null, inp: F32 | null, h0: F32 | null, out: F32, cache: F32, wih: F32, whh: F32,
    lengths: Lengths, T: number, B: number, C: number, H: number, D: number): void;
  /** One LSTM layer over a whole sequence. */
  lstmForward(out: F32, hN: F32 | null, cN: F32 | null, cache: F32, inp: F32 | null, h0: F32 | null, c0: F32 | null,
    wih: F32, whh: F32, bih: F32, bhh: F32, lengths: Lengths, T: number, B: number, C: number, H: number, D: number): void;
  lstmBackward(dinp: F32 | null, dh0: F32 | null, dc0: F32 | null, dwih: F32, dwhh: F32, dbih: F32, dbhh: F32,
    dcache: F32, dout: F32 | null, dhN: F32 | null, dcN: F32 | null, inp: F32 | null, h0: F32 | null, c0: F32 | null,
    out: F32, cache: F32, wih: F32, whh: F32, lengths: Lengths, T: number, B: number, C: number, H: number, D: number): void;

  /** One GRU step for B rows: gi (B,3H) = x W_ih^T + b_ih (the caller's projection); cache (B,4H) as one row block
   *  of the layer cache; hOut (B,H). */
  gruCellForward(hOut: F32, cache: F32, gi: F32, hPrev: F32, whh: F32, bhh: F32, B: number, H: number): void;
  /** dgi (B,3H) written (feed it to matmulBackward for W_ih, b_ih and x); dhPrev written; dwhh, dbhh accumulated. */
  gruCellBackward(dgi: F32, dhPrev: F32 | null, dwhh: F32, dbhh: F32, dh: F32 | null, hPrev: F32, cache: F32,
    whh: F32, B: number, H: number): void;
  /** One LSTM step: gi (B,4H); cache (B,5H); hOut, cOut (B,H). */
  lstmCellForward(hOut: F32, cOut: F32, cache: F32, gi: F32, hPrev: F32, cPrev: F32, whh: F32, bhh: F32,
    B: number, H: number): void;
  lstmCellBackward(dgi: F32, dhPrev: F32 | null, dcPrev: F32 | null, dwhh: F32, dbhh: F32, dh: F32 | null,
    dc: F32 | null, hPrev: F32, cPrev: F32, cache: F32, whh: F32, B: number, H: number): void;
}

/** The names of the RnnKernels functions (the native backend's wiring and the checks enumerate them). */
export const RNN_KERNEL_NAMES = [
  'gruForward', 'gruBackward', 'lstmForward', 'lstmBackward',
  'gruCellForward', 'gruCellBackward', 'lstmCellForward', 'lstmCellBackward',
] as const satisfies readonly (keyof RnnKernels)[];

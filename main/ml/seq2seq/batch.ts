// Batches of (source, target) token pairs for the seq2seq models, and the length policy applied before training:
// sequences longer than the model allows are cut or refused, as the user chose, with the count said.
//   src (B,S) source ids, [PAD] after srcLen[b]      tgtIn (B,T)  [BOS] y_0 .. y_{n-1}, [PAD] after
//   tgtOut (B,T) y_0 .. y_{n-1} [EOS], IGNORE_INDEX after  (T = the longest target + 1 in the batch)
import { LabError } from '../../../common/errors';
import { IGNORE_INDEX } from '../model';
import { BOS, EOS, PAD } from './vocab';

export interface PairBatch {
  B: number;
  S: number;
  T: number;
  src: Int32Array;
  srcLen: Int32Array;
  tgtIn: Int32Array;
  /** null: no targets (decoding) */
  tgtOut: Int32Array | null;
}

/** Token ids of pairs, one Int32Array per sequence, without [BOS]/[EOS]. */
export interface EncodedPairs {
  src: Int32Array[];
  tgt: Int32Array[];
}

/** A batch of the pairs at `rows` (targets null = a decoding batch with [BOS] only). */
export function makeBatch(src: readonly Int32Array[], tgt: readonly Int32Array[] | null, rows: ArrayLike<number>): PairBatch {
  const B = rows.length;
  let S = 1;
  let T = 1;
  for (let i = 0; i < B; i++) {
    S = Math.max(S, src[rows[i]].length);
    if (tgt) T = Math.max(T, tgt[rows[i]].length + 1);
  }
  const b: PairBatch = {
    B, S, T, src: new Int32Array(B * S).fill(PAD), srcLen: new Int32Array(B), tgtIn: new Int32Array(B * T).fill(PAD),
    tgtOut: tgt ? new Int32Array(B * T).fill(IGNORE_INDEX) : null,
  };
  for (let i = 0; i < B; i++) {
    const s = src[rows[i]];
    b.src.set(s, i * S);
    b.srcLen[i] = s.length;
    b.tgtIn[i * T] = BOS;
    if (tgt && b.tgtOut) {
      const y = tgt[rows[i]];
      b.tgtIn.set(y, i * T + 1);
      b.tgtOut.set(y, i * T);
      b.tgtOut[i * T + y.length] = EOS;
    }
  }
  return b;
}

export type LengthPolicy = 'truncate' | 'refuse';

export interface LengthReport {
  /** pairs whose source or target was cut */
  truncated: number;
  /** pairs dropped because a side was empty after encoding */
  empty: number;
}

/** Applies the model's limits: sources to maxSrc tokens, targets to maxTgt - 1 (room for [EOS]). 'refuse' throws a
 *  sentence naming how many pairs are too long and the first of them; 'truncate' cuts them and reports the count. */
export function applyLengthLimits(pairs: EncodedPairs, maxSrc: number, maxTgt: number, policy: LengthPolicy,
  what = 'pairs'): { pairs: EncodedPairs; report: LengthReport } {
  const tooLong: number[] = [];
  for (let i = 0; i < pairs.src.length; i++) {
    if (pairs.src[i].length > maxSrc || pairs.tgt[i].length > maxTgt - 1) tooLong.push(i);
  }
  if (tooLong.length > 0 && policy === 'refuse') {
    const i = tooLong[0];
    throw new LabError('invalid_input', `${tooLong.length} of ${pairs.src.length} ${what} are longer than the model allows (sources up to ${maxSrc} tokens, targets up to ${maxTgt - 1}); the first is #${i + 1} with a ${pairs.src[i].length}-token source and a ${pairs.tgt[i].length}-token target. Choose "truncate" to cut them, or raise the maximum lengths.`, { field: 'lengthPolicy' });
  }
  const out: EncodedPairs = { src: [], tgt: [] };
  let empty = 0;
  for (let i = 0; i < pairs.src.length; i++) {
    const s = pairs.src[i].subarray(0, maxSrc);
    const t = pairs.tgt[i].subarray(0, maxTgt - 1);
    if (s.length === 0 || t.length === 0) {
      empty++;
      continue;
    }
    out.src.push(s);
    out.tgt.push(t);
  }
  return { pairs: out, report: { truncated: tooLong.length, empty } };
}

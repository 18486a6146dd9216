// Decoding against a model whose next-token probabilities are a fixed table of the prefix: greedy takes the locally
// best token, beam search finds the better whole output greedy misses, beam 1 equals greedy, a beam larger than the
// vocabulary is refused, and teacher forcing below 1 mixes in the model's own predictions reproducibly.
import { describe, expect, it } from 'vitest';
import { getKernels } from '../../../native-kernels/index';
import type { Seq2seqConfig } from '../../../common/seq2seq-config';
import { beamDecode, checkBeam, decode, greedyDecode, mixedDecoderInputs } from '../../../main/ml/seq2seq/decode';
import { makeBatch } from '../../../main/ml/seq2seq/batch';
import type { IncrementalDecoder, Seq2seqModel } from '../../../main/ml/seq2seq/model';
import { NamedBuffer, TensorTable } from '../../../main/ml/params';
import { mulberry32 } from '../../../main/data/splits';

const V = 6; // PAD UNK BOS EOS a=4 b=5
const A = 4, B_ = 5, EOS = 3;

/** P(next | prefix): first token a 0.6 / b 0.4; after "a": a, b, EOS about a third each; after "b": EOS 0.9;
 *  later: EOS 0.8. The best whole output is "b" (0.36), though greedy starts with "a". */
function probs(prefix: number[]): number[] {
  const p = new Array<number>(V).fill(0);
  if (prefix.length === 0) { p[A] = 0.6; p[B_] = 0.4; }
  else if (prefix.length === 1 && prefix[0] === A) { p[A] = 0.34; p[B_] = 0.33; p[EOS] = 0.33; }
  else if (prefix.length === 1) { p[EOS] = 0.9; p[A] = 0.05; p[B_] = 0.05; }
  else { p[EOS] = 0.8; p[A] = 0.1; p[B_] = 0.1; }
  return p;
}

function tableModel(): Seq2seqModel {
  const t = new TensorTable();
  t.add('w', [1]);
  const config = { arch: 'transformer', srcVocab: 5, tgtVocab: V, maxSrcLen: 4, maxTgtLen: 8, seed: 0, dModel: 1, nHead: 1, nLayer: 1, dFF: 1 } as Seq2seqConfig;
  return {
    config, k: getKernels('js'), params: new NamedBuffer(t), grads: new NamedBuffer(t),
    forward: () => NaN, backward: () => undefined, zeroGrad: () => undefined, logits: () => new Float32Array(0), crossAttention: () => null,
    decoder(batch, beams): IncrementalDecoder {
      const rows = batch.B * beams;
      let prefixes: number[][] = Array.from({ length: rows }, () => []);
      return {
        rows,
        step(tokens) {
          prefixes = prefixes.map((p, r) => (tokens[r] === 2 ? p : [...p, tokens[r]]));
          const out = new Float32Array(rows * V);
          prefixes.forEach((p, r) => probs(p).forEach((q, j) => { out[r * V + j] = Math.log(q); }));
          return out;
        },
        reorder(from) { prefixes = Array.from(from, (f) => prefixes[f]); },
        attention: () => null,
        detail: () => null,
      };
    },
  };
}

const batch = makeBatch([Int32Array.of(4, 4)], null, [0]);

describe('decoding', () => {
  it('greedy follows the locally best token', () => {
    const [d] = greedyDecode(tableModel(), batch, { maxLength: 6 });
    expect(d.ids).toEqual([A, A, EOS].filter((x) => x !== EOS));
    expect(d.logProb).toBeCloseTo(Math.log(0.6) + Math.log(0.34) + Math.log(0.8), 5);
  });

  it('beam search finds the better whole output that greedy misses; beam 1 is greedy', () => {
    const [b] = beamDecode(tableModel(), batch, { beam: 2, maxLength: 6, lengthPenalty: 0 });
    expect(b.ids).toEqual([B_]);
    expect(b.logProb).toBeCloseTo(Math.log(0.4) + Math.log(0.9), 5);
    expect(decode(tableModel(), batch, { beam: 1, maxLength: 6 })).toEqual(greedyDecode(tableModel(), batch, { maxLength: 6 }));
  });

  it('refuses a beam wider than the target vocabulary, or not a whole number', () => {
    expect(() => checkBeam(7, 6)).toThrow('The beam size 7 is larger than the target vocabulary (6 tokens), so some beams could never be filled; choose at most 6.');
    expect(() => checkBeam(0, 6)).toThrow('The beam size is 0, but it must be a whole number of at least 1 (1 decodes greedily).');
  });

  it('teacher forcing 1 keeps the gold inputs, 0 feeds the model its own predictions, the same seed the same mix', () => {
    const tgt = [Int32Array.of(B_, B_, B_, B_)];
    const b = makeBatch([Int32Array.of(4)], tgt, [0]);
    const m = tableModel();
    expect(Array.from(mixedDecoderInputs(m, b, 1, mulberry32(1)))).toEqual(Array.from(b.tgtIn));
    // own predictions: a (first), then a (after "a"), then EOS (0.8) thereafter
    expect(Array.from(mixedDecoderInputs(m, b, 0, mulberry32(1)))).toEqual([2, A, A, EOS, EOS]);
    const half1 = mixedDecoderInputs(m, b, 0.5, mulberry32(7));
    expect(Array.from(mixedDecoderInputs(m, b, 0.5, mulberry32(7)))).toEqual(Array.from(half1));
  });
});

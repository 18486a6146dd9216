// Seq2seq settings and inputs: validation sentences (an alignment function that does not fit the shapes says which
// sizes), parameter counts equal to the models' tables, the length policy (refuse names the count and the first
// pair; truncate cuts and counts), and the per-side vocabularies.
import { describe, expect, it } from 'vitest';
import { getKernels } from '../../../native-kernels/index';
import { seq2seqParameterCount, SEQ2SEQ_ATTENTIONS, validateSeq2seqConfig } from '../../../common/seq2seq-config';
import { applyLengthLimits, makeBatch } from '../../../main/ml/seq2seq/batch';
import { createSeq2seqModel } from '../../../main/ml/seq2seq/experiment';
import { checkAttentionShape } from '../../../main/ml/seq2seq/alignment';
import { PairVocab } from '../../../main/ml/seq2seq/vocab';

const base = { srcVocab: 12, tgtVocab: 9, maxSrcLen: 10, maxTgtLen: 8, seed: 1 };
const rnn = { arch: 'rnn', ...base, cell: 'gru', embed: 6, hidden: 5, layers: 2, bidirectional: false, attentionSize: 7, dropout: 0 };

describe('seq2seq configs', () => {
  it('parameter counts equal the tensors the models allocate', () => {
    const k = getKernels('js');
    const configs = [
      ...SEQ2SEQ_ATTENTIONS.flatMap((attention) => [false, true].flatMap((bidirectional) => (['gru', 'lstm'] as const)
        .filter(() => !(bidirectional && (attention === 'dot' || attention === 'scaled')))
        .map((cell) => ({ ...rnn, attention, bidirectional, cell })))),
      { arch: 'transformer', ...base, dModel: 8, nHead: 2, nLayer: 3, dFF: 12 },
    ];
    for (const c of configs) {
      const config = validateSeq2seqConfig(c);
      expect(createSeq2seqModel(k, config, false).params.table.total, JSON.stringify(c)).toBe(seq2seqParameterCount(config));
    }
  });

  it('says which sizes do not fit an alignment function', () => {
    expect(() => validateSeq2seqConfig({ ...rnn, attention: 'dot', bidirectional: true }))
      .toThrow('The dot alignment function multiplies the decoder state by each encoder state, so their sizes must match, but the decoder state has 5 values and the bidirectional encoder\'s states 10 (both directions); choose "general" or "concat" (they learn a matrix between the two sizes) or a one-directional encoder.');
    expect(() => checkAttentionShape({ fn: 'scaled', decoderSize: 4, encoderSize: 6, attentionSize: 3, maxSourceLength: 5 }))
      .toThrow('The scaled dot-product alignment function multiplies the decoder state by each encoder state, so their sizes must match, but the decoder state has 4 values and the encoder states 6');
    expect(() => checkAttentionShape({ fn: 'concat', decoderSize: 4, encoderSize: 6, attentionSize: 0, maxSourceLength: 5 }))
      .toThrow('The concat alignment function needs an attention size of at least 1');
    expect(() => validateSeq2seqConfig({ ...rnn, attention: 'cosine' })).toThrow('attention is "cosine", but it must be one of none, dot, general, concat, scaled, location.');
    expect(() => validateSeq2seqConfig({ arch: 'transformer', ...base, dModel: 10, nHead: 3, nLayer: 1, dFF: 4 })).toThrow('dModel 10 is not divisible by nHead 3');
  });

  it('refuses a source longer than the location score was built for', () => {
    const model = createSeq2seqModel(getKernels('js'), validateSeq2seqConfig({ ...rnn, attention: 'location', maxSrcLen: 3 }));
    const batch = makeBatch([Int32Array.of(4, 5, 6, 7)], [Int32Array.of(4)], [0]);
    expect(() => model.forward(batch)).toThrow('A source of 4 tokens is longer than this model\'s 3; truncate the sources or build the model for longer ones.');
  });
});

describe('length limits', () => {
  const pairs = { src: [Int32Array.of(4, 5), Int32Array.of(4, 5, 6, 7, 8), Int32Array.of(4)], tgt: [Int32Array.of(4), Int32Array.of(5), Int32Array.of(4, 5, 6, 7, 8)] };
  it('refuse names how many pairs are too long and the first one', () => {
    expect(() => applyLengthLimits(pairs, 3, 4, 'refuse', 'training pairs'))
      .toThrow('2 of 3 training pairs are longer than the model allows (sources up to 3 tokens, targets up to 3); the first is #2 with a 5-token source and a 1-token target. Choose "truncate" to cut them, or raise the maximum lengths.');
  });
  it('truncate cuts sources and targets and counts the pairs it cut', () => {
    const { pairs: out, report } = applyLengthLimits(pairs, 3, 4, 'truncate');
    expect(out.src.map((s) => s.length)).toEqual([2, 3, 1]);
    expect(out.tgt.map((t) => t.length)).toEqual([1, 1, 3]);
    expect(report).toEqual({ truncated: 2, empty: 0 });
  });
});

describe('pair vocabularies', () => {
  it('characters or words, specials first, unknown tokens to [UNK], decode stops at [EOS]', () => {
    const chars = PairVocab.build(['1958-08-29', '日'], 'chars');
    expect(chars.vocabSize).toBe(4 + 8);
    expect(chars.decode(chars.encode('1958-08-29'))).toBe('1958-08-29');
    expect(chars.encode('7')).toEqual([1]);
    const words = PairVocab.build(['one thousand five', 'five'], 'words');
    expect(words.decode([...words.encode('five one'), 3, ...words.encode('thousand')])).toBe('five one');
    expect(PairVocab.fromJSON(words.toJSON()).encode('thousand five')).toEqual(words.encode('thousand five'));
  });
});

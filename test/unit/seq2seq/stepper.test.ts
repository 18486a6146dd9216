// The incremental decoders (greedy and beam search use them) against the teacher-forced pass: fed the same gold inputs
// one token at a time, they give the same next-token log-probabilities at every position, for every RNN variant
// (GRU and LSTM, one and two directions, each alignment function) and for the Transformer; with beams, every beam
// row of a source matches; reorder() moves rows' states.
import { describe, expect, it } from 'vitest';
import { getKernels } from '../../../native-kernels/index';
import { SEQ2SEQ_ATTENTIONS, validateSeq2seqConfig, type Seq2seqConfig } from '../../../common/seq2seq-config';
import { makeBatch } from '../../../main/ml/seq2seq/batch';
import { createSeq2seqModel } from '../../../main/ml/seq2seq/experiment';
import { logSoftmaxRows } from '../../../main/ml/seq2seq/transformer';
import { expectClose } from '../kernels/helpers';

const base = { srcVocab: 11, tgtVocab: 9, maxSrcLen: 7, maxTgtLen: 6, seed: 3 };
const configs: Seq2seqConfig[] = [
  ...SEQ2SEQ_ATTENTIONS.map((attention) => validateSeq2seqConfig({ arch: 'rnn', ...base, cell: 'gru', attention, embed: 5, hidden: 6, layers: 2, bidirectional: false, attentionSize: 4, dropout: 0 })),
  validateSeq2seqConfig({ arch: 'rnn', ...base, cell: 'lstm', attention: 'concat', embed: 5, hidden: 6, layers: 2, bidirectional: true, attentionSize: 4, dropout: 0 }),
  validateSeq2seqConfig({ arch: 'rnn', ...base, cell: 'lstm', attention: 'none', embed: 5, hidden: 6, layers: 1, bidirectional: true, attentionSize: 4, dropout: 0 }),
  validateSeq2seqConfig({ arch: 'transformer', ...base, dModel: 8, nHead: 2, nLayer: 2, dFF: 16 }),
];
const label = (c: Seq2seqConfig): string => (c.arch === 'transformer' ? 'transformer' : `${c.cell} ${c.attention}${c.bidirectional ? ' bidirectional' : ''}`);

describe.each([getKernels('js'), getKernels('native')].map((k) => [k.backend, k] as const))('incremental decoding on %s kernels', (_n, k) => {
  it.each(configs.map((c) => [label(c), c] as const))('%s: steps give the teacher-forced log-probabilities', (_l, config) => {
    const model = createSeq2seqModel(k, config);
    const src = [Int32Array.of(4, 5, 6, 7, 8, 9, 10), Int32Array.of(6, 5, 4), Int32Array.of(10, 4)];
    const tgt = [Int32Array.of(4, 5, 6, 7), Int32Array.of(8, 7), Int32Array.of(4, 4, 8, 5, 6)];
    const batch = makeBatch(src, tgt, [0, 1, 2]);
    model.forward(batch);
    const { B, T } = batch;
    const V = config.tgtVocab;
    const teacher = model.logits().slice();
    logSoftmaxRows(teacher, B * T, V);
    const beams = 2;
    const dec = model.decoder(makeBatch(src, null, [0, 1, 2]), beams);
    expect(dec.rows).toBe(B * beams);
    for (let t = 0; t < T; t++) {
      const tokens = Int32Array.from({ length: B * beams }, (_, r) => batch.tgtIn[Math.floor(r / beams) * T + t]);
      const logp = dec.step(tokens);
      for (let r = 0; r < B * beams; r++) {
        const b = Math.floor(r / beams);
        expectClose(logp.subarray(r * V, (r + 1) * V), teacher.subarray((b * T + t) * V, (b * T + t + 1) * V), 1e-4, 2e-5, `row ${r} step ${t}`);
      }
      // swapping the two beams of every source changes nothing: both follow the same prefix
      dec.reorder(Int32Array.from({ length: B * beams }, (_, r) => r + (r % 2 === 0 ? 1 : -1)));
    }
    if (config.arch === 'rnn' && config.attention !== 'none') {
      const att = dec.attention() as Float32Array;
      expect(att.length).toBe(B * beams * batch.S);
      expect(dec.detail(0)?.weights.length).toBe(batch.S);
    }
  });
});

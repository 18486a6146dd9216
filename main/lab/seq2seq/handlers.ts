// The seq2seq.* channels: the "with vs without attention" experiment and its alignment view.
import type { Handlers } from '../../../common/api';
import type { seq2seqChannels } from '../../../common/api/seq2seq';
import type { Seq2seqService } from './service';

export function seq2seqHandlers(seq2seq: Seq2seqService): Pick<Handlers, keyof typeof seq2seqChannels> {
  return {
    'seq2seq.create': (input) => seq2seq.create(input),
    'seq2seq.list': () => seq2seq.list(),
    'seq2seq.get': (input) => seq2seq.get(input),
    'seq2seq.stop': (input) => seq2seq.stop(input),
    'seq2seq.alignment': (input) => seq2seq.alignment(input),
    'seq2seq.decoderSteps': (input) => seq2seq.decoderSteps(input),
  };
}

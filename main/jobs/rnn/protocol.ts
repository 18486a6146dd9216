// The RNN language-model job's plain-data spec: a GPT/BERT job's spec with an RNN model config (families gru, lstm).
import type { RnnConfig } from '../../../common/rnn-config';
import type { TrainJobSpec } from '../train/protocol';

export type RnnJobSpec = Omit<TrainJobSpec, 'model'> & { model: RnnConfig };

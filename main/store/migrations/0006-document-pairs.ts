// Migration 6: the second text of a sentence-pair document (premise/hypothesis, question/answer; issue 18), imported
// from a second text column or field; null for every ordinary document. A fine-tune reads pairs as BERT's
// [CLS] a [SEP] b [SEP] with segments, GPT's a [SEP] b [EOS].
import type { Migration } from './types';

export const documentPairs: Migration = {
  version: 6,
  name: 'document-pairs',
  up(db) {
    db.exec('ALTER TABLE documents ADD COLUMN text_b TEXT');
  },
};

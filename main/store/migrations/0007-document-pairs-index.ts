// Migration 7: a partial index of the sentence-pair documents (text_b set) per dataset, so a dataset's pair count — read
// with every dataset, to offer pair datasets to the seq2seq experiment — is an index count that costs nothing for the
// datasets without pairs, however many documents they have.
import type { Migration } from './types';

export const documentPairsIndex: Migration = {
  version: 7,
  name: 'document-pairs-index',
  up(db) {
    db.exec('CREATE INDEX documents_pairs ON documents (dataset_id) WHERE text_b IS NOT NULL');
  },
};

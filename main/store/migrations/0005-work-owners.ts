// Migration 5: which process owns a live run or import (its pid and host), so a lab on the same machine can tell at
// once that the owner is gone (killed, crashed) instead of waiting for its heartbeat to go stale.
import type { Migration } from './types';

const sql = `
ALTER TABLE runs ADD COLUMN owner_pid INTEGER;
ALTER TABLE runs ADD COLUMN owner_host TEXT;
ALTER TABLE datasets ADD COLUMN owner_pid INTEGER;
ALTER TABLE datasets ADD COLUMN owner_host TEXT;
`;

export const workOwners: Migration = {
  version: 5,
  name: 'work-owners',
  up(db) {
    db.exec(sql);
  },
};

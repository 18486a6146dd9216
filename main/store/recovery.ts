// Crash recovery: runs whose worker died become 'crashed'; runs left queued by a dead app are claimed back for the
// queue, in their order; half-imported or half-deleted datasets are removed.
import type Database from 'better-sqlite3';
import { ownerGone, thisOwner } from './owner';

/**
 * Another process (the CLI beside the app, say) may open the same store while a run or an import is
 * live, so only work whose heartbeat is older than this is treated as abandoned. Workers and importers
 * refresh heartbeat_at far more often than this.
 */
export const DEFAULT_STALE_AFTER_MS = 60_000;

export interface RecoveryOptions {
  staleAfterMs?: number;
  now?: Date;
}

function cutoff(opts: RecoveryOptions): string {
  const now = opts.now ?? new Date();
  return new Date(now.getTime() - (opts.staleAfterMs ?? DEFAULT_STALE_AFTER_MS)).toISOString();
}

/** Ids of the rows in `status` whose owning process ran on this machine and is gone (see ownerGone). */
function ownedByDeadProcess(db: Database.Database, table: 'runs' | 'datasets', status: string): number[] {
  const rows = db.prepare(`SELECT id, owner_pid AS pid, owner_host AS host FROM ${table} WHERE status = ? AND owner_pid IS NOT NULL`)
    .all(status) as { id: number; pid: number; host: string | null }[];
  return rows.filter((r) => ownerGone(r.pid, r.host)).map((r) => r.id);
}

/**
 * Marks as 'crashed' the 'running' runs whose owning process ran on this machine and no longer exists: a kill -9 is
 * known at once, not after the stale cutoff. Safe in a live process (its own runs are never touched). Returns how many.
 */
export function markRunsOfDeadOwners(db: Database.Database, now = new Date()): number {
  return db.transaction(() => {
    const dead = db.prepare(`
      UPDATE runs
         SET status = 'crashed',
             finished_at = ?,
             error = coalesce(error, 'The process running this run (pid ' || owner_pid || ') stopped without finishing it (last heartbeat ' ||
               coalesce(heartbeat_at, started_at, created_at) || ').')
       WHERE status = 'running' AND id = ?`);
    let changes = 0;
    for (const id of ownedByDeadProcess(db, 'runs', 'running')) changes += dead.run(now.toISOString(), id).changes;
    return changes;
  }).immediate();
}

/**
 * Marks 'running' runs as 'crashed', keeping any error already recorded: those of a dead owner on this machine (see
 * markRunsOfDeadOwners), and every other one whose last sign of life (heartbeat_at, else started_at, else created_at)
 * is older than the stale cutoff. Returns how many.
 */
export function markInterruptedRuns(db: Database.Database, opts: RecoveryOptions = {}): number {
  const at = (opts.now ?? new Date()).toISOString();
  return markRunsOfDeadOwners(db, opts.now) + db.prepare(`
    UPDATE runs
       SET status = 'crashed',
           finished_at = ?,
           error = coalesce(error, 'The app stopped while this run was running (last heartbeat ' || coalesce(heartbeat_at, started_at, created_at) || ').')
     WHERE status = 'running'
       AND coalesce(heartbeat_at, started_at, created_at) < ?`).run(at, cutoff(opts)).changes;
}

/**
 * Claims the runs a dead process left 'queued', for the calling scheduler to queue again, and returns their ids in the
 * order they were queued. A live scheduler keeps its queued runs' heartbeat_at fresh (stamped in queue order), a run
 * queued and never beaten has its created_at, so a run whose coalesce(heartbeat_at, created_at) is older than the
 * stale cutoff belongs to no one, and that timestamp is also its place in the queue. A run whose recorded owner ran on
 * this machine and is gone (ownerGone: a kill -9) is claimed at once, whatever its heartbeat says. Claiming stamps them
 * now (in order) and makes this process their owner, inside one IMMEDIATE transaction, so two processes starting
 * together never both take the same run.
 */
export function claimAbandonedQueue(db: Database.Database, opts: RecoveryOptions = {}): number[] {
  const now = (opts.now ?? new Date()).getTime();
  return db.transaction(() => {
    const dead = new Set(ownedByDeadProcess(db, 'runs', 'queued'));
    const queued = db.prepare(`
      SELECT id, coalesce(heartbeat_at, created_at) < ? AS stale FROM runs
       WHERE status = 'queued'
       ORDER BY coalesce(heartbeat_at, created_at), id`).all(cutoff(opts)) as { id: number; stale: number }[];
    const ids = queued.filter((r) => r.stale === 1 || dead.has(r.id)).map((r) => r.id);
    stampQueue(db, ids, now);
    return ids;
  }).immediate();
}

/**
 * Refreshes the heartbeat of queued runs, 1 ms apart in queue order, so their order survives the process, and records
 * this process as their owner (a kill -9 of it frees them at once: claimAbandonedQueue).
 */
export function stampQueue(db: Database.Database, ids: number[], now = Date.now()): void {
  const owner = thisOwner();
  const stamp = db.prepare("UPDATE runs SET heartbeat_at = ?, owner_pid = ?, owner_host = ? WHERE id = ? AND status = 'queued'");
  db.transaction(() => ids.forEach((id, i) => stamp.run(new Date(now + i).toISOString(), owner.pid, owner.host, id)))();
}

/** Deletes the 'importing' datasets whose importing process ran on this machine and is gone. Returns how many. */
export function removeImportsOfDeadOwners(db: Database.Database): number {
  return db.transaction(() => {
    const remove = db.prepare("DELETE FROM datasets WHERE status = 'importing' AND id = ?");
    let changes = 0;
    for (const id of ownedByDeadProcess(db, 'datasets', 'importing')) changes += remove.run(id).changes;
    return changes;
  }).immediate();
}

/**
 * Deletes datasets left in 'deleting' (the delete was already decided), those in 'importing' whose importing process
 * is gone (removeImportsOfDeadOwners) and those whose import stopped beating; their documents and split go with them
 * (ON DELETE CASCADE). Returns how many.
 */
export function removeUnfinishedDatasets(db: Database.Database, opts: RecoveryOptions = {}): number {
  return removeImportsOfDeadOwners(db) + db.prepare(`
    DELETE FROM datasets
     WHERE status = 'deleting'
        OR (status = 'importing' AND coalesce(heartbeat_at, created_at) < ?)`).run(cutoff(opts)).changes;
}

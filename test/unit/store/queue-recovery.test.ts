// The queue a dead app left in the store: runs still 'queued' whose heartbeat went stale are claimed once, in the order
// they were queued; a queue another live process keeps beating is left alone. A real SQLite file in a temp folder.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3';
import { openStore } from '../../../main/store/db';
import { claimAbandonedQueue, stampQueue } from '../../../main/store/recovery';

let dir: string;
let db: Database.Database;
const iso = (msAgo: number): string => new Date(Date.now() - msAgo).toISOString();

function addRun(name: string, status: string, createdAt: string, heartbeatAt: string | null, owner?: { pid: number; host: string }): number {
  return Number(db.prepare(`INSERT INTO runs (name, family, config_json, seed, status, created_at, heartbeat_at, owner_pid, owner_host)
    VALUES (?, 'gpt', '{}', 1, ?, ?, ?, ?, ?)`).run(name, status, createdAt, heartbeatAt, owner?.pid ?? null, owner?.host ?? null).lastInsertRowid);
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-queue-'));
  db = openStore(path.join(dir, 'lab.sqlite'));
});

afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('claimAbandonedQueue', () => {
  it('claims stale queued runs in the order they entered the queue, once, and leaves live and other runs alone', () => {
    // the dead app's queue: two new runs (never beaten: created_at) and a resume queued between them (heartbeat_at)
    const first = addRun('new, queued first', 'queued', iso(600_000), null);
    const third = addRun('new, queued third', 'queued', iso(400_000), null);
    const second = addRun('resumed, queued second', 'queued', iso(3_600_000), iso(500_000));
    // a queue another process is keeping alive, and runs that are not queued at all
    const live = addRun('queued by a live CLI', 'queued', iso(900_000), iso(5_000));
    const stopped = addRun('stopped', 'stopped', iso(700_000), iso(700_000));

    expect(claimAbandonedQueue(db)).toEqual([first, second, third]);
    // claimed: stamped now, in order, so neither this nor another process claims them again
    expect(claimAbandonedQueue(db)).toEqual([]);
    const beats = db.prepare('SELECT id, heartbeat_at FROM runs WHERE id IN (?, ?, ?) ORDER BY heartbeat_at').all(first, second, third) as Array<{ id: number; heartbeat_at: string }>;
    expect(beats.map((b) => b.id)).toEqual([first, second, third]);
    expect(Date.now() - Date.parse(beats[0].heartbeat_at)).toBeLessThan(10_000);
    const statuses = db.prepare('SELECT id, status FROM runs ORDER BY id').all() as Array<{ id: number; status: string }>;
    expect(statuses.find((r) => r.id === live)?.status).toBe('queued');
    expect(statuses.find((r) => r.id === stopped)?.status).toBe('stopped');
    // once the live process stops beating, its queue is abandoned too
    expect(claimAbandonedQueue(db, { now: new Date(Date.now() + 120_000) })).toEqual([live, first, second, third]);
  });

  it('keeps a beaten queue in its order, 1 ms apart, and never stamps a run that left the queue', () => {
    const a = addRun('a', 'queued', iso(1_000), null);
    const b = addRun('b', 'queued', iso(2_000), null);
    const goneBeat = iso(3_000);
    const gone = addRun('gone', 'completed', iso(3_000), goneBeat);
    // the live scheduler's order is b, a (b was resumed ahead of it, say)
    stampQueue(db, [b, a, gone], Date.parse('2030-01-01T00:00:00.000Z'));
    const rows = db.prepare('SELECT id, heartbeat_at FROM runs ORDER BY id').all() as Array<{ id: number; heartbeat_at: string | null }>;
    expect(rows).toEqual([
      { id: a, heartbeat_at: '2030-01-01T00:00:00.001Z' },
      { id: b, heartbeat_at: '2030-01-01T00:00:00.000Z' },
      { id: gone, heartbeat_at: goneBeat },
    ]);
  });

  it('claims at once, in queue order, the queued runs of an owner on this machine that is gone (kill -9), and becomes their owner', () => {
    const gone = spawnSync(process.execPath, ['-e', '']).pid as number; // exited and reaped: no process has this pid now
    const host = os.hostname();
    // beaten a second ago: the 60-s rule alone would leave all of these alone
    const second = addRun('killed CLI, queued second', 'queued', iso(2_000), iso(1_000), { pid: gone, host });
    const first = addRun('killed CLI, queued first', 'queued', iso(2_000), iso(1_500), { pid: gone, host });
    const live = addRun('queued by a live parent', 'queued', iso(2_000), iso(1_000), { pid: process.ppid, host });
    const elsewhere = addRun('queued on another machine', 'queued', iso(2_000), iso(1_000), { pid: gone, host: `${host}-elsewhere` });
    const running = addRun('running, not queued', 'running', iso(2_000), iso(1_000), { pid: gone, host });

    expect(claimAbandonedQueue(db)).toEqual([first, second]);
    const owners = db.prepare('SELECT id, owner_pid AS pid FROM runs ORDER BY id').all() as Array<{ id: number; pid: number }>;
    expect(owners.filter((o) => o.pid === process.pid).map((o) => o.id)).toEqual([second, first]);
    // claimed by this (live) process: nobody takes them again, and the others are untouched
    expect(claimAbandonedQueue(db)).toEqual([]);
    expect(owners.find((o) => o.id === live)?.pid).toBe(process.ppid);
    expect(owners.find((o) => o.id === elsewhere)?.pid).toBe(gone);
    expect(db.prepare('SELECT status FROM runs WHERE id = ?').pluck().get(running)).toBe('running');
  });
});

// LabContext: what every service receives — the open store, the lab home, and the event emitter.
import type Database from 'better-sqlite3';
import type { EventName, EventPayload } from '../../../common/api';

export interface LabContext {
  /** the open better-sqlite3 connection (WAL, foreign keys on) */
  db: Database.Database;
  /** the lab home folder (holds lab.sqlite, artifacts/, uploads/, exports/) */
  home: string;
  /** push an event to every connected front end (Electron windows, browser-mode clients, CLI progress) */
  emit<K extends EventName>(event: K, payload: EventPayload<K>): void;
}

// LabContext: what every service receives — the store's query objects, the lab home, and the event emitter.
import type Database from 'better-sqlite3';
import type { EventName, EventPayload } from '../../../common/api';
import { Store } from '../../store/index';

export interface LabContext {
  /** the open better-sqlite3 connection (WAL, foreign keys on); services go through `store`, not SQL of their own */
  db: Database.Database;
  /** the query objects of every table (main/store/) */
  store: Store;
  /** the lab home folder (holds lab.sqlite, artifacts/, uploads/, exports/) */
  home: string;
  /** push an event to every connected front end (Electron windows, browser-mode clients, CLI progress) */
  emit<K extends EventName>(event: K, payload: EventPayload<K>): void;
}

/** A context over an open connection (createLab builds the lab's own; tests build one over a temporary store). */
export function labContext(db: Database.Database, home: string, emit: LabContext['emit'] = () => {}): LabContext {
  return { db, store: new Store(db), home, emit };
}

// Finds the better-sqlite3 addon built for Electron's ABI (by main/install/postinstall.mjs), if there is one.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { app } from 'electron';

/**
 * npm builds better-sqlite3 for Node's ABI, which Electron cannot load. The install step rebuilds it against
 * Electron's headers into <app>/build-electron/better_sqlite3.node (node_modules stays the Node build that the
 * CLI, browser mode and tests use). Without that file, better-sqlite3's default lookup is the only chance.
 */
export const ELECTRON_SQLITE_BINDING = join('build-electron', 'better_sqlite3.node');

export function electronSqliteBinding(): string | undefined {
  const file = join(app.getAppPath(), ELECTRON_SQLITE_BINDING);
  return existsSync(file) ? file : undefined;
}

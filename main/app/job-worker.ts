// Job workers inside the desktop app: the bundled worker entry run by Electron's own binary in Node mode.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * electron-vite bundles main/jobs/worker.ts as out/main/worker.js beside this entry (index.js). Electron's binary
 * runs it as plain Node (ELECTRON_RUN_AS_NODE), so a job stays a separate process that can crash alone, with the
 * same structured-clone IPC as the CLI's tsx workers; no TypeScript loader is needed for the bundle.
 */
export function spawnElectronWorker(): ChildProcess {
  const entry = fileURLToPath(new URL('./worker.js', import.meta.url));
  return fork(entry, [], {
    execPath: process.execPath,
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

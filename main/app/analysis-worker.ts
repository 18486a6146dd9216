// The analysis worker inside the desktop app: the bundled analysis entry run by Electron's own binary in Node mode.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * electron-vite bundles main/jobs/analysis/worker.ts as out/main/analysis-worker.js beside this entry (index.js).
 * Electron's binary runs it as plain Node (ELECTRON_RUN_AS_NODE), so inference stays off the main process (whose
 * event loop serves IPC and the window) and a crashing kernel takes down only the worker.
 */
export function spawnElectronAnalysisWorker(): ChildProcess {
  const entry = fileURLToPath(new URL('./analysis-worker.js', import.meta.url));
  return fork(entry, [], {
    execPath: process.execPath,
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

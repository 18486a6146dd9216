// The Electron main process: one secure window over the lab services; closing the window quits the app.
import { app, BrowserWindow, dialog, session } from 'electron';
import { toApiError } from '../lab/boundary';
import { createLab, type Lab } from '../lab/index';
import { guardCloseWhileJobsRun } from './close-guard';
import { spawnElectronAnalysisWorker } from './analysis-worker';
import { routeLabIpc } from './ipc';
import { spawnElectronWorker } from './job-worker';
import { electronSqliteBinding } from './native-binding';
import { rendererLocation } from './renderer-location';
import { lockDownWebContents, secureSession } from './security';
import { createMainWindow } from './window';
import { electronPdfPrinter } from './pdf-printer';

/**
 * GUI apps on Windows and macOS get no LANG; Electron knows the OS language, so lend it to the
 * settings default (zh* → Chinese) unless the person set a locale variable themselves.
 */
function labEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  if (!env.LC_ALL && !env.LC_MESSAGES && !env.LANG) env.LANG = app.getLocale();
  return env;
}

/** The sentence for a failed start; an addon built for Node instead of Electron gets its own remedy. */
function startupProblem(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  if ((e as { code?: unknown }).code === 'ERR_DLOPEN_FAILED' || message.includes('NODE_MODULE_VERSION')) {
    return `The database driver (better-sqlite3) is built for Node.js, not for Electron (${message.split('\n')[0]}). `
      + 'Run "node main/install/postinstall.mjs" once with internet access: it rebuilds the driver for Electron into build-electron/.';
  }
  return toApiError(e).message;
}

function start(): void {
  const where = rendererLocation();
  let lab: Lab;
  try {
    lab = createLab({ mode: 'electron', env: labEnv(), nativeBinding: electronSqliteBinding(), jobs: { spawn: spawnElectronWorker },
      analysis: { spawn: spawnElectronAnalysisWorker }, printPdf: electronPdfPrinter });
  } catch (e) {
    // Nothing works without the store (a damaged or foreign database, a read-only home): say why, then leave.
    dialog.showErrorBox('Attention Lab cannot start', startupProblem(e));
    app.quit();
    return;
  }
  secureSession(session.defaultSession);
  const stopRouting = routeLabIpc(lab, where);
  guardCloseWhileJobsRun(createMainWindow(where), lab);

  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', () => {
    stopRouting();
    lab.close();
  });
}

// A second launch focuses nothing new: two processes writing one lab home would fight over its database.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  lockDownWebContents();
  app.on('second-instance', () => {
    // The single window is the app; bring it forward.
    for (const win of BrowserWindow.getAllWindows()) {
      // a window hidden while jobs kept running comes back too
      if (win.isMinimized()) win.restore();
      win.show();
      win.focus();
    }
  });
  void app.whenReady().then(start);
}

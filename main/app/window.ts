// The one main window: sandboxed, context-isolated, no Node in the page, loading our renderer only.
import { BrowserWindow } from 'electron';
import type { RendererLocation } from './renderer-location';

export function createMainWindow(where: RendererLocation): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    title: 'Attention Lab',
    // Shown once painted, so the window never flashes white before the theme applies.
    show: false,
    webPreferences: {
      preload: where.preloadFile,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  if (where.devUrl !== null) void win.loadURL(where.devUrl);
  else void win.loadFile(where.indexFile);
  return win;
}

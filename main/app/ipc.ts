// The IPC router: 'lab:call' from our own page goes through lab.call; lab events go out to every window as 'lab:event'.
import { BrowserWindow, ipcMain } from 'electron';
import type { CallReply } from '../../common/api';
import type { Lab } from '../lab/index';
import { toApiError } from '../lab/boundary';
import { isOwnPage, type RendererLocation } from './renderer-location';


/** Registers the router; returns a function that removes it again (used when the app quits). */
export function routeLabIpc(lab: Lab, where: RendererLocation): () => void {
  ipcMain.handle('lab:call', async (event, channel: unknown, input: unknown): Promise<CallReply> => {
    const frameUrl = event.senderFrame?.url ?? '';
    if (!isOwnPage(frameUrl, where)) {
      console.error(`Refused an API call from ${JSON.stringify(frameUrl)}, which is not the Attention Lab page.`);
      return { ok: false, error: { message: 'This page may not use the Attention Lab API.', code: 'invalid_input' } };
    }
    try {
      return { ok: true, result: await lab.call(String(channel), input) };
    } catch (e) {
      return { ok: false, error: toApiError(e) };
    }
  });

  const unsubscribe = lab.on((name, payload) => {
    for (const win of BrowserWindow.getAllWindows()) {
      if (!win.isDestroyed()) win.webContents.send('lab:event', name, payload);
    }
  });

  return () => {
    ipcMain.removeHandler('lab:call');
    unsubscribe();
  };
}

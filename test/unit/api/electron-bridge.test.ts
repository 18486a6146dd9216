// The Electron bridge without Electron (its binary is not installable here): preload's window.lab and main's IPC
// router run for real against a stand-in for the 'electron' module that records what they register.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LabApi } from '../../../common/api';

type Handler = (...args: unknown[]) => unknown;

/** What the stand-in records: the API preload exposed, main's IPC handlers, and messages sent to windows. */
const electron = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  mainHandlers: new Map<string, Handler>(),
  rendererListeners: new Set<Handler>(),
  invoke: undefined as unknown as Handler,
  sentToWindows: [] as unknown[][],
}));

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => electron.exposed.set(key, api) },
  ipcRenderer: {
    invoke: (...args: unknown[]) => electron.invoke(...args),
    on: (_channel: string, listener: Handler) => electron.rendererListeners.add(listener),
    removeListener: (_channel: string, listener: Handler) => electron.rendererListeners.delete(listener),
  },
  webUtils: { getPathForFile: (file: { name: string }) => `/picked/${file.name}` },
  ipcMain: {
    handle: (channel: string, handler: Handler) => electron.mainHandlers.set(channel, handler),
    removeHandler: (channel: string) => electron.mainHandlers.delete(channel),
  },
  BrowserWindow: {
    getAllWindows: () => [{ isDestroyed: () => false, webContents: { send: (...args: unknown[]) => electron.sentToWindows.push(args) } }],
  },
}));

const { createLab } = await import('../../../main/lab/index');
const { routeLabIpc } = await import('../../../main/app/ipc');
const { rendererLocation } = await import('../../../main/app/renderer-location');
await import('../../../preload/index');
const windowLab = electron.exposed.get('lab') as LabApi;

const where = rendererLocation({});
const ownPage = pathToFileURL(where.indexFile).href;
let home: string;
let lab: ReturnType<typeof createLab>;
let stopRouting: () => void;

/** Calls main's 'lab:call' handler as Electron would for a frame at `url`. */
function callFrom(url: string, channel: string, input: unknown): Promise<unknown> {
  const handler = electron.mainHandlers.get('lab:call') as Handler;
  return handler({ senderFrame: { url } }, channel, input) as Promise<unknown>;
}

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'lab-ipc-'));
  lab = createLab({ home, env: { LANG: 'zh_CN.UTF-8' }, mode: 'electron' });
  stopRouting = routeLabIpc(lab, where);
  // Preload's invoke reaches main's handler from our own page, as the real IPC would.
  electron.invoke = (_channel, ...args) => callFrom(ownPage, args[0] as string, args[1]);
  electron.sentToWindows.length = 0;
});

afterEach(() => {
  stopRouting();
  lab.close();
  rmSync(home, { recursive: true, force: true });
});

describe('preload window.lab', () => {
  it('exposes exactly invoke, on and pathForFile', () => {
    expect([...electron.exposed.keys()]).toEqual(['lab']);
    expect(Object.keys(windowLab).sort()).toEqual(['invoke', 'on', 'pathForFile']);
    expect(windowLab.pathForFile?.({ name: 'a.txt' } as File)).toBe('/picked/a.txt');
  });

  it('calls through main and returns the result', async () => {
    await expect(windowLab.invoke('settings.get', {})).resolves.toEqual({ language: 'zh-CN', theme: 'system', hiddenRunColumns: ['tokenizer', 'figures', 'tokensPerSecond', 'started'] });
  });

  it('rejects with the service sentence, code and field', async () => {
    const error = await windowLab.invoke('settings.set', { theme: 'neon' } as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ message: 'Field "theme": expected one of "light", "dark", "system", received "neon".', code: 'invalid_input', field: 'theme' });
  });

  it('refuses unknown channels before sending anything', async () => {
    const invoke = vi.fn();
    electron.invoke = invoke;
    await expect(windowLab.invoke('datasets.drop' as never, {} as never)).rejects.toThrow('There is no API channel called "datasets.drop".');
    expect(invoke).not.toHaveBeenCalled();
  });

  it('delivers only the subscribed event, without the IPC event object, until unsubscribed', () => {
    const seen: unknown[] = [];
    const off = windowLab.on('datasets.changed', (payload) => seen.push(payload));
    for (const listener of electron.rendererListeners) {
      listener({ sender: 'ipc internals' }, 'tokenizers.changed', { id: 1 });
      listener({ sender: 'ipc internals' }, 'datasets.changed', { id: 2 });
    }
    off();
    expect(electron.rendererListeners.size).toBe(0);
    expect(seen).toEqual([{ id: 2 }]);
  });
});

describe('main IPC router', () => {
  it('refuses calls from frames that are not our page', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    for (const url of ['https://example.com/', 'file:///tmp/evil.html', '']) {
      await expect(callFrom(url, 'settings.get', {})).resolves.toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    }
    expect(log).toHaveBeenCalledTimes(3);
    log.mockRestore();
  });

  it('forwards lab events to every window as lab:event', () => {
    lab.ctx.emit('tokenizers.changed', { id: 5 });
    expect(electron.sentToWindows).toEqual([['lab:event', 'tokenizers.changed', { id: 5 }]]);
  });

  it('removes its handler and listener when stopped', () => {
    stopRouting();
    expect(electron.mainHandlers.has('lab:call')).toBe(false);
    lab.ctx.emit('tokenizers.changed', { id: 6 });
    expect(electron.sentToWindows).toEqual([]);
    stopRouting = routeLabIpc(lab, where);
  });
});

// The renderer's only door to the lab: picks Electron's window.lab (IPC) or the HTTP bridge (browser mode).
import type { ChannelInput, ChannelName, ChannelOutput, EventName, EventPayload, LabApi } from '../../common/api';
import { LabApiError, unwrapIpcError } from './errors';
import { HttpBridge, takeToken } from './httpBridge';

export { LabApiError, errorMessage, formErrorMessage, type FieldLabel } from './errors';

const electronLab = typeof window !== 'undefined' ? window.lab : undefined;
const http = electronLab ? null : new HttpBridge(takeToken());
const bridge: LabApi = electronLab ?? (http as HttpBridge);

export const mode: 'electron' | 'browser' = electronLab ? 'electron' : 'browser';

/** Calls one API channel; failures reject with a LabApiError carrying the service's sentence. */
export async function call<K extends ChannelName>(channel: K, input: ChannelInput<K>): Promise<ChannelOutput<K>> {
  try {
    return await bridge.invoke(channel, input);
  } catch (e) {
    if (e instanceof LabApiError) throw e;
    throw unwrapIpcError(e);
  }
}

/** Subscribes to a main → renderer event; returns the unsubscribe function. */
export function onEvent<K extends EventName>(event: K, listener: (payload: EventPayload<K>) => void): () => void {
  return bridge.on(event, listener);
}

/**
 * Turns a picked file into a path the lab can read: in Electron its real path on disk,
 * in browser mode the path of an uploaded copy under the lab home.
 */
export async function pathForPickedFile(file: File): Promise<string> {
  if (electronLab) {
    const path = electronLab.pathForFile?.(file);
    if (path) return path;
    throw new LabApiError({ message: `The path of ${file.name} is not available here; type its path instead.`, code: 'unavailable' });
  }
  return (http as HttpBridge).upload(file);
}

/** A link that downloads an exported file (browser mode only); null in Electron, where the path itself is shown. */
export function downloadUrl(path: string): string | null {
  return http ? http.downloadUrl(path) : null;
}

/** A task id for matching task.progress events to the call that started the task. */
export function newTaskId(kind: string): string {
  return `${kind}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

// The sandboxed preload, the bridge only: exposes window.lab (invoke, on, pathForFile) over IPC via contextBridge, and nothing else.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { IpcRendererEvent } from 'electron';
import { channelNames, eventNames } from '../common/api';
import type { ApiErrorShape, CallReply, ChannelInput, ChannelName, ChannelOutput, EventName, EventPayload, LabApi } from '../common/api';


const knownChannels = new Set<string>(channelNames);
const knownEvents = new Set<string>(eventNames);

/** An Error that carries the API's code and field for renderer/api to read. */
function apiError(shape: ApiErrorShape): Error {
  return Object.assign(new Error(shape.message), { code: shape.code, field: shape.field });
}

const lab: LabApi = {
  async invoke<K extends ChannelName>(channel: K, input: ChannelInput<K>): Promise<ChannelOutput<K>> {
    // Refused here as well as in main, so a typo fails fast and never reaches the IPC router.
    if (!knownChannels.has(channel)) {
      throw apiError({ message: `There is no API channel called ${JSON.stringify(channel)}.`, code: 'invalid_input', field: 'channel' });
    }
    const reply = (await ipcRenderer.invoke('lab:call', channel, input)) as CallReply;
    if (!reply.ok) throw apiError(reply.error);
    return reply.result as ChannelOutput<K>;
  },

  on<K extends EventName>(event: K, listener: (payload: EventPayload<K>) => void): () => void {
    if (!knownEvents.has(event)) throw new Error(`There is no API event called ${JSON.stringify(event)}.`);
    // The IPC event object is never handed to the page: it would expose ipcRenderer through event.sender.
    const handler = (_e: IpcRendererEvent, name: string, payload: unknown): void => {
      if (name === event) listener(payload as EventPayload<K>);
    };
    ipcRenderer.on('lab:event', handler);
    return () => {
      ipcRenderer.removeListener('lab:event', handler);
    };
  },

  pathForFile(file: File): string {
    return webUtils.getPathForFile(file);
  },
};

contextBridge.exposeInMainWorld('lab', lab);

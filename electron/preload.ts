/**
 * The sandboxed preload: exposes `window.lathe` (the LatheBridge) built from the channel list,
 * and nothing else. The page never sees ipcRenderer or the Electron event object.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_EVENT_CHANNEL, type LatheBridge } from '../main/contract/bridge';
import { CHANNELS, isChannel, isEventName } from '../main/contract/channels';
import { fail } from '../main/contract/result';

const bridge: LatheBridge = {
  channels: Object.freeze([...CHANNELS]),

  call(channel, payload) {
    if (!isChannel(channel)) {
      return Promise.resolve(fail('invalid-argument', `unknown channel ${JSON.stringify(String(channel)).slice(0, 80)}`));
    }
    return ipcRenderer
      .invoke(channel, payload)
      .catch((error: unknown) =>
        fail('unavailable', `${channel} could not reach Lathe's core: ${error instanceof Error ? error.message : String(error)}`),
      );
  },

  on(event, listener) {
    // Nothing is thrown across the bridge: an unknown event never fires, so it gets no subscription.
    if (!isEventName(event)) return () => undefined;
    const forward = (_event: IpcRendererEvent, name: unknown, payload: unknown) => {
      if (name === event) listener(payload as never);
    };
    ipcRenderer.on(IPC_EVENT_CHANNEL, forward);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, forward);
    };
  },
};

contextBridge.exposeInMainWorld('lathe', bridge);

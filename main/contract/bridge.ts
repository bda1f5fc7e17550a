import type { Channel, ChannelResponses, EventName, EventPayloads } from './channels';
import type { Result } from './result';
import type { RequestOf } from './schemas';

/**
 * What the renderer talks to: `window.lathe` in Electron (built by the preload from the channel
 * list), or the WebSocket client in browser mode. Same shape either way.
 */
export interface LatheBridge {
  readonly channels: readonly Channel[];
  call<C extends Channel>(channel: C, payload: RequestOf<C>): Promise<Result<ChannelResponses[C]>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): () => void;
}

/** The IPC channel names the preload and ipc.ts use to carry contract calls and events. */
export const IPC_EVENT_CHANNEL = 'lathe:event';

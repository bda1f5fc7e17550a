/**
 * The one place that picks the transport: `window.lathe` when the Electron preload exposed it,
 * otherwise the WebSocket client against the loopback server that served this page. Everything
 * else in the renderer asks `getBridge()` and never knows which one it got.
 */
import type { LatheBridge } from '../../main/contract/bridge';
import { WsClient, type ConnectionState } from './wsClient';

export type { ConnectionState } from './wsClient';

/** How the page reaches Lathe, and whether it currently can. */
export interface Connection {
  readonly transport: 'ipc' | 'ws' | 'test';
  state(): ConnectionState;
  onChange(listener: (state: ConnectionState) => void): () => void;
}

declare global {
  interface Window {
    /** Set by the Electron preload (contextBridge); absent in browser mode. */
    lathe?: LatheBridge;
  }
}

interface Transport {
  bridge: LatheBridge;
  connection: Connection;
}

let current: Transport | null = null;

/** An in-process bridge is always connected. */
export function alwaysOpen(transport: Connection['transport']): Connection {
  return { transport, state: () => 'open', onChange: () => () => {} };
}

/** `ws://host/api/ws` for the page's own origin (wss when served over https). */
export function webSocketUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/ws`;
}

function pickTransport(): Transport {
  if (window.lathe) return { bridge: window.lathe, connection: alwaysOpen('ipc') };
  const client = new WsClient(webSocketUrl(window.location));
  return {
    bridge: client,
    connection: { transport: 'ws', state: () => client.state, onChange: (listener) => client.onStateChange(listener) },
  };
}

export function getBridge(): LatheBridge {
  current ??= pickTransport();
  return current.bridge;
}

export function getConnection(): Connection {
  current ??= pickTransport();
  return current.connection;
}

/** Tests (and only tests) inject a fake bridge; pass null to forget it. */
export function setBridge(bridge: LatheBridge | null, connection: Connection = alwaysOpen('test')): void {
  current = bridge ? { bridge, connection } : null;
}

import { create } from 'zustand';
import type { Connection, ConnectionState } from '../api/client';

interface ConnectionStoreState {
  transport: Connection['transport'];
  state: ConnectionState;
  /** The connection dropped at least once since the page loaded. */
  everLost: boolean;
  changed(state: ConnectionState): void;
  attached(connection: Connection): void;
}

export const useConnectionStore = create<ConnectionStoreState>()((set) => ({
  transport: 'ws',
  state: 'connecting',
  everLost: false,
  changed(state) {
    set((s) => ({ state, everLost: s.everLost || state === 'reconnecting' }));
  },
  attached(connection) {
    set({ transport: connection.transport, state: connection.state() });
  },
}));

import { create } from 'zustand';
import type { PythonEnv, SystemInfo } from '../../main/contract/model';
import type { LatheError, Result } from '../../main/contract/result';
import { getBridge } from '../api/client';

interface SystemState {
  info: SystemInfo | null;
  /** The first load is under way (nothing to show yet). */
  loading: boolean;
  /** A refresh is under way while the last snapshot stays on screen. */
  refreshing: boolean;
  error: LatheError | null;
  load(refresh?: boolean): Promise<void>;
  /** Probes one interpreter for the Settings form; the answer is the form's, not stored here. */
  probePython(path: string): Promise<Result<PythonEnv>>;
  /** Fed by `system.changed`. */
  received(info: SystemInfo): void;
}

export const useSystemStore = create<SystemState>()((set, get) => ({
  info: null,
  loading: false,
  refreshing: false,
  error: null,

  async load(refresh = false) {
    const hasInfo = get().info !== null;
    set(hasInfo ? { refreshing: true } : { loading: true });
    const result = await getBridge().call('system.info', refresh ? { refresh: true } : {});
    if (result.ok) set({ info: result.value, error: null, loading: false, refreshing: false });
    else set({ error: result.error, loading: false, refreshing: false });
  },

  probePython(path) {
    return getBridge().call('system.probePython', { path });
  },

  received(info) {
    set({ info, error: null });
  },
}));

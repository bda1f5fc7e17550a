import { create } from 'zustand';
import type { AppInfo } from '../../main/contract/model';
import type { LatheError } from '../../main/contract/result';
import { getBridge } from '../api/client';

interface AppInfoState {
  info: AppInfo | null;
  error: LatheError | null;
  load(): Promise<void>;
}

/** Which Lathe this is and where it keeps its data: version, data folder, store, logs. */
export const useAppInfoStore = create<AppInfoState>()((set) => ({
  info: null,
  error: null,
  async load() {
    const result = await getBridge().call('app.info', {});
    set(result.ok ? { info: result.value, error: null } : { error: result.error });
  },
}));

import { create } from 'zustand';
import type { Settings } from '../../main/contract/model';
import type { LatheError } from '../../main/contract/result';
import type { SettingsPatch } from '../../main/contract/schemas';
import { getBridge } from '../api/client';

interface SettingsState {
  settings: Settings | null;
  loading: boolean;
  error: LatheError | null;
  load(): Promise<void>;
  /** Saves a patch; answers the error for the form to show, or null when saved. */
  update(patch: SettingsPatch): Promise<LatheError | null>;
  /** Fed by `settings.changed`. */
  received(settings: Settings): void;
}

export const useSettingsStore = create<SettingsState>()((set) => ({
  settings: null,
  loading: false,
  error: null,

  async load() {
    set({ loading: true });
    const result = await getBridge().call('settings.get', {});
    if (result.ok) set({ settings: result.value, error: null, loading: false });
    else set({ error: result.error, loading: false });
  },

  async update(patch) {
    const result = await getBridge().call('settings.update', { patch });
    if (!result.ok) return result.error;
    set({ settings: result.value, error: null });
    return null;
  },

  received(settings) {
    set({ settings, error: null });
  },
}));

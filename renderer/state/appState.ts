import { useSettingsStore } from './settingsStore';
import { useSystemStore } from './systemStore';

/** The readiness marker on <html data-app-state>: tests and e2e wait on it instead of sleeping. */
export type AppState = 'loading' | 'ready' | 'error';

/** Pure: ready once system info and settings are both in; error when either failed without data. */
export function appStateOf(system: { info: unknown; error: unknown }, settings: { settings: unknown; error: unknown }): AppState {
  if (system.info !== null && settings.settings !== null) return 'ready';
  if ((system.info === null && system.error !== null) || (settings.settings === null && settings.error !== null)) return 'error';
  return 'loading';
}

export function useAppState(): AppState {
  const system = useSystemStore((s) => appStateOf(s, { settings: true, error: null }));
  const settings = useSettingsStore((s) => appStateOf({ info: true, error: null }, s));
  if (system === 'error' || settings === 'error') return 'error';
  return system === 'ready' && settings === 'ready' ? 'ready' : 'loading';
}

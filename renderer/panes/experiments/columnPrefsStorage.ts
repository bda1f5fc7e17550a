import { columnPrefsKey, parseColumnPrefs, type ColumnPrefs } from './runColumns';

/** Where the runs table's column choice lives between sessions: localStorage, per experiment. */

function storage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

/** The stored choice for the experiment, or the defaults. */
export function readColumnPrefs(experimentId: string): ColumnPrefs {
  return parseColumnPrefs(storage()?.getItem(columnPrefsKey(experimentId)) ?? null);
}

/** Stores the choice; the defaults are stored as nothing. */
export function writeColumnPrefs(experimentId: string, prefs: ColumnPrefs): void {
  try {
    const key = columnPrefsKey(experimentId);
    if (prefs.shown.length === 0 && prefs.hidden.length === 0) storage()?.removeItem(key);
    else storage()?.setItem(key, JSON.stringify(prefs));
  } catch {
    // Storage full or disabled: the choice lasts until the pane reloads.
  }
}

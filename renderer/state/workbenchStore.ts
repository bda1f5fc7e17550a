import { create } from 'zustand';
import type { Theme } from '../../main/contract/model';
import type { PaneId } from '../panes/registry';

export type ResolvedTheme = 'light' | 'dark';

interface WorkbenchState {
  activePane: PaneId;
  paletteOpen: boolean;
  /** What the operating system prefers (prefers-color-scheme). */
  systemTheme: ResolvedTheme;
  /** What the page shows: Settings.theme, or the system's when that is 'system'. */
  resolvedTheme: ResolvedTheme;
  showPane(pane: PaneId): void;
  setPaletteOpen(open: boolean): void;
  togglePalette(): void;
  themeChanged(systemTheme: ResolvedTheme, setting: Theme): void;
}

/** Pure: the theme to show for a setting and the system's preference. */
export function resolveTheme(setting: Theme, systemTheme: ResolvedTheme): ResolvedTheme {
  return setting === 'system' ? systemTheme : setting;
}

export const useWorkbenchStore = create<WorkbenchState>()((set) => ({
  activePane: 'home',
  paletteOpen: false,
  systemTheme: 'light',
  resolvedTheme: 'light',
  showPane(activePane) {
    set({ activePane, paletteOpen: false });
  },
  setPaletteOpen(paletteOpen) {
    set({ paletteOpen });
  },
  togglePalette() {
    set((s) => ({ paletteOpen: !s.paletteOpen }));
  },
  themeChanged(systemTheme, setting) {
    set({ systemTheme, resolvedTheme: resolveTheme(setting, systemTheme) });
  },
}));

import { create } from 'zustand';
import type { EventLogEntry } from '../../main/contract/model';
import type { LatheError } from '../../main/contract/result';
import { getBridge } from '../api/client';

/** How many recent entries the renderer keeps and shows. */
export const RECENT_EVENTS = 20;

interface EventsState {
  /** Newest first. */
  entries: EventLogEntry[];
  loading: boolean;
  loaded: boolean;
  error: LatheError | null;
  load(): Promise<void>;
  /** Fed by `events.changed`. */
  received(entry: EventLogEntry): void;
}

/** Pure: `entry` merged into a newest-first list without duplicates, capped. */
export function mergeEntry(entries: readonly EventLogEntry[], entry: EventLogEntry, cap = RECENT_EVENTS): EventLogEntry[] {
  return [entry, ...entries.filter((e) => e.id !== entry.id)].sort((a, b) => b.id - a.id).slice(0, cap);
}

export const useEventsStore = create<EventsState>()((set) => ({
  entries: [],
  loading: false,
  loaded: false,
  error: null,

  async load() {
    set({ loading: true });
    const result = await getBridge().call('events.list', { limit: RECENT_EVENTS });
    if (result.ok) {
      const entries = [...result.value].sort((a, b) => b.id - a.id).slice(0, RECENT_EVENTS);
      set({ entries, loading: false, loaded: true, error: null });
    } else {
      set({ error: result.error, loading: false });
    }
  },

  received(entry) {
    set((state) => ({ entries: mergeEntry(state.entries, entry) }));
  },
}));

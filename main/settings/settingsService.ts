import os from 'node:os';
import type { Settings } from '../contract/model';
import type { SettingsPatch } from '../contract/schemas';
import type { EventBus } from '../api/eventBus';
import type { EventLog } from '../store/eventLog';
import type { MetadataStore } from '../store/metadataStore';

export function defaultSettings(): Settings {
  return {
    pythonPath: null,
    theme: 'system',
    dataFolders: [],
    concurrency: { cpuSlots: Math.max(1, os.availableParallelism()), gpuSamplingSeconds: 5 },
  };
}

/** Pure: the settings after applying a validated patch. */
export function applyPatch(current: Settings, patch: SettingsPatch): Settings {
  return {
    pythonPath: patch.pythonPath === undefined ? current.pythonPath : patch.pythonPath,
    theme: patch.theme ?? current.theme,
    dataFolders: patch.dataFolders ?? current.dataFolders,
    concurrency: { ...current.concurrency, ...stripUndefined(patch.concurrency ?? {}) },
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

type Listener = (settings: Settings) => void;

/** Settings persisted in the store, one row per top-level key, defaults filled in on read. */
export class SettingsService {
  private readonly listeners = new Set<Listener>();

  constructor(
    private readonly store: MetadataStore,
    private readonly bus: EventBus,
    private readonly events: EventLog,
  ) {}

  get(): Settings {
    const rows = this.store.timed('settings.get', () =>
      this.store.db.prepare('SELECT key, value FROM settings').all(),
    ) as Array<{ key: string; value: string }>;
    const stored = Object.fromEntries(rows.map((row) => [row.key, JSON.parse(row.value) as unknown]));
    const defaults = defaultSettings();
    return {
      ...defaults,
      ...stored,
      concurrency: { ...defaults.concurrency, ...((stored.concurrency as object | undefined) ?? {}) },
    } as Settings;
  }

  update(patch: SettingsPatch, actor: string): Settings {
    const next = applyPatch(this.get(), patch);
    const upsert = this.store.db.prepare(
      'INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
    );
    const now = new Date().toISOString();
    this.store.timed('settings.update', () =>
      this.store.db.transaction(() => {
        for (const key of Object.keys(patch) as Array<keyof Settings>) upsert.run(key, JSON.stringify(next[key]), now);
      })(),
    );
    this.events.append({ actor, action: 'settings.update', subject: 'settings', detail: { keys: Object.keys(patch) } });
    this.bus.emit('settings.changed', next);
    for (const listener of this.listeners) listener(next);
    return next;
  }

  onDidChange(listener: Listener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }
}

import type { EventLogEntry } from '../contract/model';
import type { EventBus } from '../api/eventBus';
import type { MetadataStore } from './metadataStore';

export interface EventLogInput {
  actor: string;
  action: string;
  subject: string;
  detail?: Record<string, unknown>;
}

interface EventRow {
  id: number;
  at: string;
  actor: string;
  action: string;
  subject: string;
  detail: string | null;
}

const toEntry = (row: EventRow): EventLogEntry => ({
  ...row,
  detail: row.detail === null ? null : (JSON.parse(row.detail) as Record<string, unknown>),
});

/** The append-only who/what/when log that every capability writes to and Home shows. */
export class EventLog {
  private readonly insert;
  constructor(
    private readonly store: MetadataStore,
    private readonly bus: EventBus,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.insert = store.db.prepare(
      'INSERT INTO event_log (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?) RETURNING *',
    );
  }

  append(input: EventLogInput): EventLogEntry {
    const row = this.store.timed('event_log.append', () =>
      this.insert.get(
        this.clock().toISOString(),
        input.actor,
        input.action,
        input.subject,
        input.detail === undefined ? null : JSON.stringify(input.detail),
      ),
    ) as EventRow;
    const entry = toEntry(row);
    this.bus.emit('events.changed', entry);
    return entry;
  }

  list(options: { limit?: number; beforeId?: number } = {}): EventLogEntry[] {
    const limit = options.limit ?? 50;
    const rows = this.store.timed('event_log.list', () =>
      options.beforeId === undefined
        ? this.store.db.prepare('SELECT * FROM event_log ORDER BY id DESC LIMIT ?').all(limit)
        : this.store.db.prepare('SELECT * FROM event_log WHERE id < ? ORDER BY id DESC LIMIT ?').all(options.beforeId, limit),
    ) as EventRow[];
    return rows.map(toEntry);
  }
}

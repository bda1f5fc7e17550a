/**
 * Numbered migrations, applied in order, each in its own transaction; `PRAGMA user_version`
 * records the last one applied. Never edit a shipped migration: add the next number.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: '0001-create-settings-and-event-log',
    sql: `
      CREATE TABLE settings (
        key        TEXT PRIMARY KEY,
        value      TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE event_log (
        id      INTEGER PRIMARY KEY AUTOINCREMENT,
        at      TEXT NOT NULL,
        actor   TEXT NOT NULL,
        action  TEXT NOT NULL,
        subject TEXT NOT NULL,
        detail  TEXT
      );
    `,
  },
  {
    version: 2,
    name: '0002-add-event-log-indexes',
    sql: `
      CREATE INDEX event_log_subject ON event_log (subject, id);
      CREATE INDEX event_log_action ON event_log (action, id);
    `,
  },
  {
    version: 3,
    name: '0003-create-system-snapshot',
    sql: `
      CREATE TABLE system_snapshot (
        id        INTEGER PRIMARY KEY CHECK (id = 1),
        key       TEXT NOT NULL,
        data      TEXT NOT NULL
      );
    `,
  },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

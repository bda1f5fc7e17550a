import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MetadataStore, StoreDamagedError, StoreTooNewError } from '../../../main/store/metadataStore';
import { LATEST_VERSION, MIGRATIONS } from '../../../main/store/migrations/index';
import { EventLog } from '../../../main/store/eventLog';
import { EventBus } from '../../../main/api/eventBus';
import { createLogger, LogSink } from '../../../main/log/logger';
import { createLathe } from '../../../main/app';
import { tmpDir } from '../../helpers/tmp';

const logger = createLogger('store-test');

describe('metadata store', () => {
  it('creates a new store in WAL mode at the latest schema', () => {
    const file = path.join(tmpDir(), 'lathe.db');
    const store = MetadataStore.open({ file, logger });
    expect(store.version).toBe(LATEST_VERSION);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    const tables = store.db.prepare("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name").pluck().all();
    expect(tables).toEqual(expect.arrayContaining(['event_log', 'settings']));
    store.dispose();
    expect(fs.readdirSync(path.dirname(file)).filter((f) => f.endsWith('.bak'))).toEqual([]);
  });

  it('treats an empty file as a new store', () => {
    const file = path.join(tmpDir(), 'lathe.db');
    fs.writeFileSync(file, '');
    const store = MetadataStore.open({ file, logger });
    expect(store.version).toBe(LATEST_VERSION);
    store.dispose();
  });

  for (const earlier of MIGRATIONS.slice(0, -1)) {
    it(`migrates a store at version ${earlier.version} to the latest, keeping its data and a backup`, () => {
      const dir = tmpDir();
      const file = path.join(dir, 'lathe.db');
      const old = MetadataStore.open({ file, logger, migrations: MIGRATIONS.filter((m) => m.version <= earlier.version) });
      expect(old.version).toBe(earlier.version);
      old.db.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('theme', '\"dark\"', 'then')").run();
      old.db.prepare("INSERT INTO event_log (at, actor, action, subject) VALUES ('then', 'me', 'did', 'it')").run();
      old.dispose();

      const sink = new LogSink();
      const store = MetadataStore.open({ file, logger: createLogger('store', sink) });
      expect(store.version).toBe(LATEST_VERSION);
      expect(store.db.prepare("SELECT value FROM settings WHERE key = 'theme'").pluck().get()).toBe('"dark"');
      expect(store.db.prepare('SELECT count(*) FROM event_log').pluck().get()).toBe(1);
      store.dispose();

      const backup = path.join(dir, `lathe.db.v${earlier.version}.bak`);
      expect(fs.existsSync(backup)).toBe(true);
      const copy = new Database(backup, { readonly: true });
      expect(copy.pragma('user_version', { simple: true })).toBe(earlier.version);
      copy.close();
      expect(sink.lines.join('\n')).toContain(`backed up ${file}`);
    });
  }

  it('backs up committed transactions still in the WAL after an unclean exit before migrating', () => {
    const earlier = MIGRATIONS[MIGRATIONS.length - 2]!;
    const live = path.join(tmpDir(), 'lathe.db');
    const old = MetadataStore.open({ file: live, logger, migrations: MIGRATIONS.filter((m) => m.version <= earlier.version) });
    old.db.prepare("INSERT INTO event_log (at, actor, action, subject) VALUES ('then', 'me', 'did', 'it')").run();
    // Copy the files while the connection is still open, as a crash would leave them.
    const dir = tmpDir();
    const file = path.join(dir, 'lathe.db');
    for (const suffix of ['', '-wal', '-shm']) {
      if (fs.existsSync(`${live}${suffix}`)) fs.copyFileSync(`${live}${suffix}`, `${file}${suffix}`);
    }
    old.dispose();
    expect(fs.statSync(`${file}-wal`).size).toBeGreaterThan(0);

    const sink = new LogSink();
    const store = MetadataStore.open({ file, logger: createLogger('store', sink) });
    expect(store.version).toBe(LATEST_VERSION);
    expect(store.db.prepare("SELECT action FROM event_log WHERE actor = 'me'").pluck().all()).toEqual(['did']);
    store.dispose();

    const backup = path.join(dir, `lathe.db.v${earlier.version}.bak`);
    expect(sink.lines.join('\n')).toContain(`backed up ${file}`);
    const copy = new Database(backup, { readonly: true, fileMustExist: true });
    expect(copy.pragma('user_version', { simple: true })).toBe(earlier.version);
    expect(copy.prepare("SELECT action FROM event_log WHERE actor = 'me'").pluck().all()).toEqual(['did']);
    copy.close();
  });

  it('replaces an older backup of the same schema version', () => {
    const earlier = MIGRATIONS[MIGRATIONS.length - 2]!;
    const dir = tmpDir();
    const file = path.join(dir, "it's lathe.db");
    const backup = `${file}.v${earlier.version}.bak`;
    fs.writeFileSync(backup, 'a stale backup\n');
    const old = MetadataStore.open({ file, logger, migrations: MIGRATIONS.filter((m) => m.version <= earlier.version) });
    old.db.prepare("INSERT INTO event_log (at, actor, action, subject) VALUES ('then', 'me', 'did', 'it')").run();
    old.dispose();

    MetadataStore.open({ file, logger }).dispose();
    const copy = new Database(backup, { readonly: true, fileMustExist: true });
    expect(copy.prepare('SELECT count(*) FROM event_log').pluck().get()).toBe(1);
    copy.close();
  });

  it('detects a corrupted file, says what to do, and leaves the file untouched', () => {
    const dir = tmpDir();
    const file = path.join(dir, 'lathe.db');
    const store = MetadataStore.open({ file, logger });
    const insert = store.db.prepare("INSERT INTO event_log (at, actor, action, subject, detail) VALUES ('t', 'a', 'b', 'c', ?)");
    for (let i = 0; i < 500; i++) insert.run('x'.repeat(200));
    store.dispose();
    const bytes = fs.readFileSync(file);
    // Scribble over the middle pages, as a crashed disk write would.
    bytes.fill(0xab, 4096 * 2, 4096 * 6);
    fs.writeFileSync(file, bytes);
    const before = fs.readFileSync(file);

    expect(() => MetadataStore.open({ file, logger })).toThrow(StoreDamagedError);
    try {
      MetadataStore.open({ file, logger });
    } catch (error) {
      expect((error as Error).message).toMatch(/is damaged/);
      expect((error as Error).message).toMatch(/has not modified it/);
    }
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('detects a file that is not a database at all without overwriting it', () => {
    const file = path.join(tmpDir(), 'lathe.db');
    fs.writeFileSync(file, 'this is a shopping list, not SQLite\n'.repeat(200));
    const before = fs.readFileSync(file);
    expect(() => MetadataStore.open({ file, logger })).toThrow(/is damaged/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('refuses a store from a newer Lathe', () => {
    const file = path.join(tmpDir(), 'lathe.db');
    const db = new Database(file);
    db.pragma(`user_version = ${LATEST_VERSION + 1}`);
    db.exec('CREATE TABLE future (x)');
    db.close();
    expect(() => MetadataStore.open({ file, logger })).toThrow(StoreTooNewError);
  });

  it('createLathe reports a damaged store instead of starting on top of it', async () => {
    const home = tmpDir();
    fs.writeFileSync(path.join(home, 'lathe.db'), Buffer.alloc(8192, 7));
    await expect(createLathe({ home, background: false })).rejects.toThrow(/lathe\.db is damaged/);
  });

  it('keeps an append-only event log, newest first, and announces each entry', () => {
    const store = MetadataStore.open({ file: path.join(tmpDir(), 'lathe.db'), logger });
    const bus = new EventBus();
    const seen: string[] = [];
    bus.onEvent((name, payload) => seen.push(`${name}:${(payload as { action: string }).action}`));
    const log = new EventLog(store, bus);
    for (let i = 1; i <= 5; i++) log.append({ actor: 'tester', action: `act${i}`, subject: 'thing', detail: { i } });
    const latest = log.list({ limit: 2 });
    expect(latest.map((e) => e.action)).toEqual(['act5', 'act4']);
    expect(log.list({ limit: 10, beforeId: latest[1]!.id }).map((e) => e.action)).toEqual(['act3', 'act2', 'act1']);
    expect(latest[0]!.detail).toEqual({ i: 5 });
    expect(seen).toEqual(['events.changed:act1', 'events.changed:act2', 'events.changed:act3', 'events.changed:act4', 'events.changed:act5']);
    store.dispose();
  });
});

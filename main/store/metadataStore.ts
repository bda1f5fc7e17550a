import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from '../log/logger';
import { LATEST_VERSION, MIGRATIONS, type Migration } from './migrations/index';

/** The store file is not a healthy SQLite database. Lathe has not touched it. */
export class StoreDamagedError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(
      `Lathe's metadata store ${file} is damaged (${reason}). Lathe has not modified it. ` +
        `Restore a backup (${path.basename(file)}.v*.bak beside it), or move the file aside and start Lathe again to create a new store.`,
    );
    this.name = 'StoreDamagedError';
  }
}

/** The store was written by a newer Lathe than this one. */
export class StoreTooNewError extends Error {
  constructor(
    readonly file: string,
    readonly version: number,
  ) {
    super(`Lathe's metadata store ${file} is at schema version ${version}, newer than this Lathe (${LATEST_VERSION}). Update Lathe.`);
    this.name = 'StoreTooNewError';
  }
}

export interface OpenStoreOptions {
  file: string;
  logger: Logger;
  /** For tests of upgrades: the migrations to know about (default: all). */
  migrations?: readonly Migration[];
  /** Called before a migration with the backup's path (tests). */
  clock?: () => Date;
}

const SLOW_MS = 40;

/** Checks a file that exists without writing to it: integrity and schema version. */
function inspect(file: string): number {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const rows = db.pragma('integrity_check') as Array<{ integrity_check: string }>;
    const verdict = rows.map((row) => row.integrity_check);
    if (verdict.length !== 1 || verdict[0] !== 'ok') throw new StoreDamagedError(file, verdict.slice(0, 3).join('; '));
    return db.pragma('user_version', { simple: true }) as number;
  } catch (error) {
    if (error instanceof StoreDamagedError) throw error;
    const code = (error as { code?: string }).code ?? '';
    if (/SQLITE_(NOTADB|CORRUPT)/.test(code)) throw new StoreDamagedError(file, (error as Error).message);
    throw error;
  } finally {
    db?.close();
  }
}

/**
 * Writes a consistent snapshot of the open database, WAL content included (a plain copy of the
 * main file would miss transactions committed to the WAL before an unclean exit).
 */
function backUp(db: Database.Database, file: string, version: number, latest: number, logger: Logger): void {
  const backup = `${file}.v${version}.bak`;
  fs.rmSync(backup, { force: true });
  db.exec(`VACUUM INTO '${backup.replaceAll("'", "''")}'`);
  logger.info(`backed up ${file} (schema ${version}) to ${backup} before migrating to ${latest}`);
}

/**
 * The SQLite metadata store: WAL, numbered migrations with a backup copy taken before any
 * migration of an existing file, and an integrity check on every open.
 */
export class MetadataStore {
  readonly db: Database.Database;
  readonly file: string;
  private readonly logger: Logger;

  private constructor(db: Database.Database, file: string, logger: Logger) {
    this.db = db;
    this.file = file;
    this.logger = logger;
  }

  static open(options: OpenStoreOptions): MetadataStore {
    const { file, logger } = options;
    const migrations = options.migrations ?? MIGRATIONS;
    const latest = migrations[migrations.length - 1]?.version ?? 0;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const exists = fs.existsSync(file) && fs.statSync(file).size > 0;
    const version = exists ? inspect(file) : 0;
    if (version > latest) throw new StoreTooNewError(file, version);
    const db = new Database(file);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
      if (exists && version < latest) backUp(db, file, version, latest, logger);
      const store = new MetadataStore(db, file, logger);
      store.migrate(version, migrations);
      return store;
    } catch (error) {
      db.close();
      throw error;
    }
  }

  get version(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  private migrate(from: number, migrations: readonly Migration[]): void {
    for (const migration of migrations) {
      if (migration.version <= from) continue;
      this.db.transaction(() => {
        this.db.exec(migration.sql);
        this.db.pragma(`user_version = ${migration.version}`);
      })();
      this.logger.info(`applied migration ${migration.name}`);
    }
  }

  /** Runs a store call and logs it when it takes longer than 40 ms (STYLE §7). */
  timed<T>(what: string, fn: () => T): T {
    const started = performance.now();
    try {
      return fn();
    } finally {
      const elapsed = performance.now() - started;
      if (elapsed > SLOW_MS) this.logger.warn(`slow store call: ${what} took ${elapsed.toFixed(0)} ms`);
    }
  }

  dispose(): void {
    if (this.db.open) {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
      this.db.close();
    }
  }
}

import type { ProcessingJobStatus } from '../contract/training';
import type { CreateProcessingJobRequest } from '../contract/trainingSchemas';
import type { JobHandle } from '../jobs/backend';
import type { MetadataStore } from '../store/metadataStore';

export interface ProcessingJobRow {
  name: string;
  arn: string;
  request: CreateProcessingJobRequest;
  status: ProcessingJobStatus;
  failureReason: string | null;
  exitMessage: string | null;
  handle: JobHandle | null;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  modifiedAt: string;
}

interface Raw {
  name: string;
  arn: string;
  request: string;
  status: ProcessingJobStatus;
  failure_reason: string | null;
  exit_message: string | null;
  handle: string | null;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
  modified_at: string;
}

const fromRaw = (raw: Raw): ProcessingJobRow => ({
  name: raw.name,
  arn: raw.arn,
  request: JSON.parse(raw.request) as CreateProcessingJobRequest,
  status: raw.status,
  failureReason: raw.failure_reason,
  exitMessage: raw.exit_message,
  handle: raw.handle ? (JSON.parse(raw.handle) as JobHandle) : null,
  createdAt: raw.created_at,
  startedAt: raw.started_at,
  endedAt: raw.ended_at,
  modifiedAt: raw.modified_at,
});

/** Processing jobs in the metadata store. */
export class ProcessingStore {
  constructor(private readonly store: MetadataStore) {}

  insert(row: ProcessingJobRow): void {
    this.store.db
      .prepare(
        `INSERT INTO processing_jobs (name, arn, request, status, failure_reason, exit_message, handle, created_at, started_at, ended_at, modified_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(row.name, row.arn, JSON.stringify(row.request), row.status, row.failureReason, row.exitMessage, row.handle ? JSON.stringify(row.handle) : null,
        row.createdAt, row.startedAt, row.endedAt, row.modifiedAt);
  }

  update(row: ProcessingJobRow): void {
    this.store.db
      .prepare('UPDATE processing_jobs SET status = ?, failure_reason = ?, exit_message = ?, handle = ?, started_at = ?, ended_at = ?, modified_at = ? WHERE name = ?')
      .run(row.status, row.failureReason, row.exitMessage, row.handle ? JSON.stringify(row.handle) : null, row.startedAt, row.endedAt, row.modifiedAt, row.name);
  }

  get(name: string): ProcessingJobRow | null {
    const raw = this.store.db.prepare('SELECT * FROM processing_jobs WHERE name = ?').get(name) as Raw | undefined;
    return raw ? fromRaw(raw) : null;
  }

  list(filter: { status?: ProcessingJobStatus; nameContains?: string }): ProcessingJobRow[] {
    const rows = this.store.timed('processing_jobs.list', () =>
      this.store.db
        .prepare(
          `SELECT * FROM processing_jobs WHERE (? IS NULL OR status = ?) AND (? IS NULL OR instr(lower(name), lower(?)) > 0)
           ORDER BY created_at DESC, name`,
        )
        .all(filter.status ?? null, filter.status ?? null, filter.nameContains ?? null, filter.nameContains ?? null),
    ) as Raw[];
    return rows.map(fromRaw);
  }

  /** Jobs not yet ended, oldest first. */
  unfinished(): ProcessingJobRow[] {
    return (this.store.db.prepare("SELECT * FROM processing_jobs WHERE status IN ('InProgress', 'Stopping') ORDER BY created_at, name").all() as Raw[]).map(fromRaw);
  }
}

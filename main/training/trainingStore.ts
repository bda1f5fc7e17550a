import type { SecondaryStatus, SecondaryStatusTransition, TrainingJobStatus } from '../contract/training';
import type { CreateTrainingJobRequest } from '../contract/trainingSchemas';
import type { MetadataStore } from '../store/metadataStore';

export interface TrainingJobRow {
  name: string;
  arn: string;
  request: CreateTrainingJobRequest;
  status: TrainingJobStatus;
  secondaryStatus: SecondaryStatus;
  transitions: SecondaryStatusTransition[];
  failureReason: string | null;
  modelArtifacts: string | null;
  finalMetrics: Array<{ MetricName: string; Value: number; Timestamp: string }>;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  modifiedAt: string;
}

interface Raw {
  name: string;
  arn: string;
  request: string;
  status: TrainingJobStatus;
  secondary_status: SecondaryStatus;
  transitions: string;
  failure_reason: string | null;
  model_artifacts: string | null;
  final_metrics: string;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
  modified_at: string;
}

const fromRaw = (raw: Raw): TrainingJobRow => ({
  name: raw.name,
  arn: raw.arn,
  request: JSON.parse(raw.request) as CreateTrainingJobRequest,
  status: raw.status,
  secondaryStatus: raw.secondary_status,
  transitions: JSON.parse(raw.transitions) as SecondaryStatusTransition[],
  failureReason: raw.failure_reason,
  modelArtifacts: raw.model_artifacts,
  finalMetrics: JSON.parse(raw.final_metrics) as TrainingJobRow['finalMetrics'],
  createdAt: raw.created_at,
  startedAt: raw.started_at,
  endedAt: raw.ended_at,
  modifiedAt: raw.modified_at,
});

/** Training jobs and their metric points in the metadata store. */
export class TrainingStore {
  constructor(private readonly store: MetadataStore) {}

  insert(row: TrainingJobRow): void {
    this.store.timed('training_jobs.insert', () =>
      this.store.db
        .prepare(
          `INSERT INTO training_jobs (name, arn, request, status, secondary_status, transitions, failure_reason, model_artifacts,
             final_metrics, created_at, started_at, ended_at, modified_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(row.name, row.arn, JSON.stringify(row.request), row.status, row.secondaryStatus, JSON.stringify(row.transitions),
          row.failureReason, row.modelArtifacts, JSON.stringify(row.finalMetrics), row.createdAt, row.startedAt, row.endedAt, row.modifiedAt),
    );
  }

  update(row: TrainingJobRow): void {
    this.store.timed('training_jobs.update', () =>
      this.store.db
        .prepare(
          `UPDATE training_jobs SET status = ?, secondary_status = ?, transitions = ?, failure_reason = ?, model_artifacts = ?,
             final_metrics = ?, started_at = ?, ended_at = ?, modified_at = ? WHERE name = ?`,
        )
        .run(row.status, row.secondaryStatus, JSON.stringify(row.transitions), row.failureReason, row.modelArtifacts,
          JSON.stringify(row.finalMetrics), row.startedAt, row.endedAt, row.modifiedAt, row.name),
    );
  }

  get(name: string): TrainingJobRow | null {
    const raw = this.store.db.prepare('SELECT * FROM training_jobs WHERE name = ?').get(name) as Raw | undefined;
    return raw ? fromRaw(raw) : null;
  }

  list(filter: { status?: TrainingJobStatus; nameContains?: string }): TrainingJobRow[] {
    const rows = this.store.timed('training_jobs.list', () =>
      this.store.db
        .prepare(
          `SELECT * FROM training_jobs WHERE (? IS NULL OR status = ?) AND (? IS NULL OR instr(lower(name), lower(?)) > 0)
           ORDER BY created_at DESC, name`,
        )
        .all(filter.status ?? null, filter.status ?? null, filter.nameContains ?? null, filter.nameContains ?? null),
    ) as Raw[];
    return rows.map(fromRaw);
  }

  /** Jobs a previous run of Lathe left unfinished. */
  unfinished(): TrainingJobRow[] {
    return (this.store.db.prepare("SELECT * FROM training_jobs WHERE status IN ('InProgress', 'Stopping')").all() as Raw[]).map(fromRaw);
  }

  addMetric(job: string, name: string, step: number, value: number, at: string): void {
    this.store.db.prepare('INSERT INTO job_metrics (job, name, step, value, at) VALUES (?, ?, ?, ?, ?)').run(job, name, step, value, at);
  }

  metrics(job: string, name: string): Array<{ step: number; value: number }> {
    return this.store.db.prepare('SELECT step, value FROM job_metrics WHERE job = ? AND name = ? ORDER BY step').all(job, name) as Array<{ step: number; value: number }>;
  }
}

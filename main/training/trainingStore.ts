import type { SecondaryStatus, SecondaryStatusTransition, TrainingJobStatus } from '../contract/training';
import type { CreateTrainingJobRequest } from '../contract/trainingSchemas';
import type { JobHandle } from '../jobs/backend';
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
  /** Where the current attempt runs; kept so a later Lathe finds it again. */
  handle: JobHandle | null;
  /** Attempts started so far (more than one after spot interruptions). */
  attempts: number;
  /** Training seconds used by attempts that have ended (MaxRuntimeInSeconds counts them all). */
  usedSeconds: number;
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
  handle: string | null;
  attempts: number;
  used_seconds: number;
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
  handle: raw.handle ? (JSON.parse(raw.handle) as JobHandle) : null,
  attempts: raw.attempts,
  usedSeconds: raw.used_seconds,
});

/** Training jobs and their metric points in the metadata store. */
export class TrainingStore {
  constructor(private readonly store: MetadataStore) {}

  insert(row: TrainingJobRow): void {
    this.store.timed('training_jobs.insert', () =>
      this.store.db
        .prepare(
          `INSERT INTO training_jobs (name, arn, request, status, secondary_status, transitions, failure_reason, model_artifacts,
             final_metrics, created_at, started_at, ended_at, modified_at, handle, attempts, used_seconds)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(row.name, row.arn, JSON.stringify(row.request), row.status, row.secondaryStatus, JSON.stringify(row.transitions),
          row.failureReason, row.modelArtifacts, JSON.stringify(row.finalMetrics), row.createdAt, row.startedAt, row.endedAt, row.modifiedAt,
          row.handle ? JSON.stringify(row.handle) : null, row.attempts, row.usedSeconds),
    );
  }

  update(row: TrainingJobRow): void {
    this.store.timed('training_jobs.update', () =>
      this.store.db
        .prepare(
          `UPDATE training_jobs SET status = ?, secondary_status = ?, transitions = ?, failure_reason = ?, model_artifacts = ?,
             final_metrics = ?, started_at = ?, ended_at = ?, modified_at = ?, handle = ?, attempts = ?, used_seconds = ? WHERE name = ?`,
        )
        .run(row.status, row.secondaryStatus, JSON.stringify(row.transitions), row.failureReason, row.modelArtifacts,
          JSON.stringify(row.finalMetrics), row.startedAt, row.endedAt, row.modifiedAt, row.handle ? JSON.stringify(row.handle) : null,
          row.attempts, row.usedSeconds, row.name),
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

  /** Jobs not yet ended, oldest first: the persistent queue and the jobs to reattach. */
  unfinished(): TrainingJobRow[] {
    return (this.store.db.prepare("SELECT * FROM training_jobs WHERE status IN ('InProgress', 'Stopping') ORDER BY created_at, name").all() as Raw[]).map(fromRaw);
  }

  /** One metric point; the same step again (a resumed attempt, a re-read log) replaces it. */
  addMetric(job: string, name: string, step: number, value: number, at: string): void {
    this.store.db
      .prepare('INSERT INTO job_metrics (job, name, step, value, at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (job, name, step) DO UPDATE SET value = excluded.value, at = excluded.at')
      .run(job, name, step, value, at);
  }

  metrics(job: string, name: string): Array<{ step: number; value: number }> {
    return this.store.db.prepare('SELECT step, value FROM job_metrics WHERE job = ? AND name = ? ORDER BY step').all(job, name) as Array<{ step: number; value: number }>;
  }

  /** Every metric of a job, as series. */
  allMetrics(job: string): Array<{ name: string; points: Array<{ step: number; value: number }> }> {
    const rows = this.store.timed('job_metrics.all', () =>
      this.store.db.prepare('SELECT name, step, value FROM job_metrics WHERE job = ? ORDER BY name, step').all(job),
    ) as Array<{ name: string; step: number; value: number }>;
    const series = new Map<string, Array<{ step: number; value: number }>>();
    for (const row of rows) {
      let points = series.get(row.name);
      if (!points) series.set(row.name, (points = []));
      points.push({ step: row.step, value: row.value });
    }
    return [...series].map(([name, points]) => ({ name, points }));
  }
}

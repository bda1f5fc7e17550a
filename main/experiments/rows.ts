/** Rows of the experiments tables and their contract shapes. */
import type { Experiment, RunInfo, RunStatus } from '../contract/experiments';

export interface ExperimentRow {
  id: number;
  name: string;
  artifact_location: string;
  lifecycle_stage: 'active' | 'deleted';
  tags: string;
  created_at: number;
  updated_at: number;
  run_count?: number;
}

export interface RunRow {
  id: string;
  experiment_id: number;
  name: string;
  status: RunStatus;
  start_time: number;
  end_time: number | null;
  lifecycle_stage: 'active' | 'deleted';
  source_kind: RunInfo['source']['kind'];
  source_name: string | null;
  artifact_uri: string;
}

export interface SummaryRow {
  key: string;
  last_value: number | null;
  last_special: string | null;
  last_step: number;
  last_timestamp: number;
  min_value: number | null;
  max_value: number | null;
  count: number;
}

export interface MetricInput {
  key: string;
  value: number;
  step: number;
  timestamp: number;
}

/** NaN and the infinities are stored as NULL plus a word: SQLite turns NaN into NULL anyway. */
export function encode(value: number): { value: number | null; special: string | null } {
  if (Number.isNaN(value)) return { value: null, special: 'NaN' };
  if (value === Infinity) return { value: null, special: 'Infinity' };
  if (value === -Infinity) return { value: null, special: '-Infinity' };
  return { value, special: null };
}

export function toExperiment(row: ExperimentRow): Experiment {
  return {
    experimentId: String(row.id),
    name: row.name,
    artifactLocation: row.artifact_location,
    lifecycleStage: row.lifecycle_stage,
    creationTime: row.created_at,
    lastUpdateTime: row.updated_at,
    tags: JSON.parse(row.tags) as Record<string, string>,
    runCount: row.run_count ?? 0,
  };
}

export function toInfo(row: RunRow): RunInfo {
  return {
    runId: row.id,
    experimentId: String(row.experiment_id),
    runName: row.name,
    status: row.status,
    startTime: row.start_time,
    ...(row.end_time !== null ? { endTime: row.end_time } : {}),
    lifecycleStage: row.lifecycle_stage,
    source: { kind: row.source_kind, ...(row.source_name !== null ? { name: row.source_name } : {}) },
    artifactUri: row.artifact_uri,
  };
}

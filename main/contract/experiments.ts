/** Experiments, runs, metrics and lineage (issue 4), in shapes close to MLflow's. Times are epoch ms. */

/** A metric value; JSON has no NaN or infinities, so they travel as these strings (as MLflow does). */
export type MetricValue = number | 'NaN' | 'Infinity' | '-Infinity';

export interface Experiment {
  experimentId: string;
  name: string;
  artifactLocation: string;
  lifecycleStage: 'active' | 'deleted';
  creationTime: number;
  lastUpdateTime: number;
  tags: Record<string, string>;
  runCount: number;
}

export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';

export interface RunInfo {
  runId: string;
  experimentId: string;
  runName: string;
  status: RunStatus;
  startTime: number;
  endTime?: number;
  lifecycleStage: 'active' | 'deleted';
  /** What created the run: a training or processing job (by name), the SDK, an MLflow client. */
  source: { kind: 'training-job' | 'processing-job' | 'sdk' | 'mlflow'; name?: string };
  artifactUri: string;
}

/** Kept at write time, so the runs table never reads points. */
export interface MetricSummary {
  key: string;
  last: MetricValue;
  lastStep: number;
  lastTimestamp: number;
  /** Over finite values; null when there are none. */
  min: number | null;
  max: number | null;
  count: number;
}

export interface LineageNode {
  kind: 'dataset' | 'training-job' | 'processing-job' | 'model-artifact' | 'run' | 'model-version';
  id: string;
}

export interface LineageEdge {
  from: LineageNode;
  to: LineageNode;
  relation: 'input' | 'produced';
}

export interface Run {
  info: RunInfo;
  params: Record<string, string>;
  tags: Record<string, string>;
  metrics: MetricSummary[];
}

export interface RunDetail extends Run {
  lineage: LineageEdge[];
}

export interface MetricPointOut {
  step: number;
  timestamp: number;
  value: MetricValue;
}

/** A bucket of the downsampled view: the extremes of the points it stands for. */
export interface MetricBucket {
  x: number;
  minX: number;
  maxX: number;
  min: number | null;
  max: number | null;
  first: MetricPointOut;
  last: MetricPointOut;
  count: number;
  nonFinite: number;
}

export interface MetricHistory {
  key: string;
  /** Points in the series. */
  total: number;
  /** Every point, when no width was asked for or the series fits in it. */
  points?: MetricPointOut[];
  /** At most `width` buckets otherwise. */
  buckets?: MetricBucket[];
}

/** One file or folder among a run's artifacts. */
export interface ArtifactEntry {
  /** Relative to the run's artifacts, with "/" separators; what runs.artifactPreview takes. */
  path: string;
  kind: 'file' | 'folder';
  /** Bytes; 0 for a folder. */
  size: number;
  modifiedTime: number;
  /** 'run': logged by the run (SDK, MLflow); 'job': an output of the run's training or processing job. */
  origin: 'run' | 'job';
}

export interface ArtifactListing {
  runId: string;
  /** The run's artifact folder on this machine. */
  root: string;
  entries: ArtifactEntry[];
  /** True when there were more entries than a listing carries (see ARTIFACT_LIST_LIMIT). */
  truncated: boolean;
}

/** Entries one listing carries at most. */
export const ARTIFACT_LIST_LIMIT = 2000;

/** What an artifact holds, read far enough to show it. */
export type ArtifactPreview =
  | { path: string; size: number; kind: 'text'; text: string; truncated: boolean }
  | { path: string; size: number; kind: 'table'; delimiter: string; columns: string[]; rows: string[][]; truncated: boolean }
  /** A PNG, JPEG, GIF or WebP image (SVG is shown as text: it can carry script). */
  | { path: string; size: number; kind: 'image'; mediaType: string; base64: string }
  /** The members of a .tar/.tar.gz (model.tar.gz), as SageMaker packs them. */
  | { path: string; size: number; kind: 'archive'; members: Array<{ name: string; size: number }>; truncated: boolean }
  | { path: string; size: number; kind: 'binary'; reason: string };

/** What a permanent delete removed. */
export interface PurgeResult {
  runs: number;
  /** Bytes of artifact files removed from disk. */
  bytesFreed: number;
  /** Folders that could not be removed (and why): the records are gone, these are left to remove by hand. */
  notRemoved?: string[];
}

/** Sent (at most every second per experiment) when runs of an experiment are created, change or get points. */
export interface ExperimentChange {
  experimentId: string;
}

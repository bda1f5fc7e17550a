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
  kind: 'dataset' | 'training-job' | 'processing-job' | 'model-artifact' | 'run';
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

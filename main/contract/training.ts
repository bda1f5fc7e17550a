/** DescribeTrainingJob and ListTrainingJobs answers, in SageMaker's shapes (times as ISO strings). */

export type TrainingJobStatus = 'InProgress' | 'Completed' | 'Failed' | 'Stopping' | 'Stopped';
export type SecondaryStatus =
  | 'Pending'
  | 'Starting'
  | 'Downloading'
  | 'Training'
  | 'Uploading'
  | 'Stopping'
  | 'Stopped'
  | 'MaxRuntimeExceeded'
  | 'MaxWaitTimeExceeded'
  | 'Completed'
  | 'Failed'
  | 'Interrupted';

export interface SecondaryStatusTransition {
  Status: SecondaryStatus;
  StartTime: string;
  EndTime?: string;
  StatusMessage: string;
}

export interface TrainingJobDescription {
  TrainingJobName: string;
  TrainingJobArn: string;
  TrainingJobStatus: TrainingJobStatus;
  SecondaryStatus: SecondaryStatus;
  SecondaryStatusTransitions: SecondaryStatusTransition[];
  FailureReason?: string;
  AlgorithmSpecification: Record<string, unknown>;
  HyperParameters: Record<string, string>;
  InputDataConfig: unknown[];
  OutputDataConfig: Record<string, unknown>;
  ResourceConfig: Record<string, unknown>;
  StoppingCondition: Record<string, unknown>;
  ModelArtifacts?: { S3ModelArtifacts: string };
  FinalMetricDataList: Array<{ MetricName: string; Value: number; Timestamp: string }>;
  CreationTime: string;
  TrainingStartTime?: string;
  TrainingEndTime?: string;
  LastModifiedTime: string;
  TrainingTimeInSeconds?: number;
  BillableTimeInSeconds?: number;
}

/** Where a job runs: a local process, or a Docker container. */
export type JobBackend = 'process' | 'docker';

/** What the Jobs pane needs about any job, beyond SageMaker's summary fields. */
export interface LatheJobFacts {
  /** The built-in algorithm, the Docker image, or the script's entry point. */
  Algorithm: string;
  Backend: JobBackend;
  Cpus: number;
  Gpus: number;
}

export interface TrainingJobSummary extends LatheJobFacts {
  Kind: 'training';
  TrainingJobName: string;
  TrainingJobArn: string;
  TrainingJobStatus: TrainingJobStatus;
  SecondaryStatus: SecondaryStatus;
  CreationTime: string;
  TrainingStartTime?: string;
  TrainingEndTime?: string;
  LastModifiedTime: string;
  FailureReason?: string;
}

export type ProcessingJobStatus = 'InProgress' | 'Completed' | 'Failed' | 'Stopping' | 'Stopped';

export interface ProcessingJobSummary extends LatheJobFacts {
  Kind: 'processing';
  ProcessingJobName: string;
  ProcessingJobArn: string;
  ProcessingJobStatus: ProcessingJobStatus;
  CreationTime: string;
  ProcessingStartTime?: string;
  ProcessingEndTime?: string;
  LastModifiedTime: string;
  FailureReason?: string;
  ExitMessage?: string;
}

export type JobSummary = TrainingJobSummary | ProcessingJobSummary;
export type JobKind = JobSummary['Kind'];

export interface ProcessingJobDescription {
  ProcessingJobName: string;
  ProcessingJobArn: string;
  ProcessingJobStatus: ProcessingJobStatus;
  ExitMessage?: string;
  FailureReason?: string;
  ProcessingInputs: unknown[];
  ProcessingOutputConfig?: Record<string, unknown>;
  ProcessingResources: Record<string, unknown>;
  StoppingCondition?: Record<string, unknown>;
  AppSpecification: Record<string, unknown>;
  Environment?: Record<string, string>;
  CreationTime: string;
  ProcessingStartTime?: string;
  ProcessingEndTime?: string;
  LastModifiedTime: string;
}

export interface JobLogLine {
  kind: JobKind;
  job: string;
  stream: 'stdout' | 'stderr';
  line: string;
}

/** A window of a job's log file, by line number. */
export interface JobLogPage {
  lines: string[];
  /** The number of the first line in `lines` (0-based). */
  start: number;
  /** Ask from here for what comes next. */
  next: number;
  /** Lines in the log so far. */
  total: number;
  /** The job has ended: no more lines will come. */
  complete: boolean;
}

export interface JobMetricSeries {
  name: string;
  points: Array<{ step: number; value: number }>;
}

export interface HyperparameterInfo {
  name: string;
  /** categorical: one of `values`; string: free text. */
  type: 'integer' | 'continuous' | 'categorical' | 'string' | 'boolean';
  /** As SageMaker's own algorithm applies it when the hyperparameter is not given. */
  default?: string;
  required: boolean;
  description: string;
  min?: number;
  max?: number;
  /** min itself is not allowed (as for a rate that must be above 0). */
  minExclusive?: boolean;
  values?: string[];
}

export interface AlgorithmInfo {
  /** The AlgorithmName to give in CreateTrainingJob. */
  name: string;
  title: string;
  description: string;
  channels: Array<{ name: string; required: boolean; description: string }>;
  hyperparameters: HyperparameterInfo[];
}

export interface FileEntry {
  name: string;
  path: string;
  kind: 'file' | 'directory';
  size: number;
  modified: string;
}

export interface FileListing {
  path: string;
  parent: string | null;
  entries: FileEntry[];
  /** Entries left out past the limit. */
  truncated: boolean;
}

/** The first rows of a data file, or of the first data file in a folder. */
export interface DataPreview {
  /** The file shown (for a folder: its first data file, or null when it has none). */
  path: string | null;
  kind: 'file' | 'directory';
  files: number;
  bytes: number;
  delimiter: ',' | '\t' | ';' | '|' | null;
  rows: string[][];
  truncated: boolean;
}

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

export interface TrainingJobSummary {
  TrainingJobName: string;
  TrainingJobArn: string;
  TrainingJobStatus: TrainingJobStatus;
  SecondaryStatus: SecondaryStatus;
  CreationTime: string;
  TrainingEndTime?: string;
  LastModifiedTime: string;
}

export interface JobLogLine {
  job: string;
  stream: 'stdout' | 'stderr';
  line: string;
}

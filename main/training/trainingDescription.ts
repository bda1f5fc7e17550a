/**
 * How a stored training job reads on the wire: DescribeTrainingJob, the summaries of
 * ListTrainingJobs and jobs.changed, its ARN, and the label of what it runs.
 */
import type { TrainingJobDescription, TrainingJobSummary } from '../contract/training';
import type { CreateTrainingJobRequest } from '../contract/trainingSchemas';
import { scriptHyperparameters } from '../jobs/scriptMode';
import { wantsGpu } from '../jobs/slots';
import { isProcessImage } from './trainingPlan';
import type { TrainingJobRow } from './trainingStore';

export const arnOf = (name: string) => `arn:aws:sagemaker:local:000000000000:training-job/${name.toLowerCase()}`;

/** Seconds the attempt now running has trained so far (0 when none is running). */
export function currentAttemptSeconds(row: TrainingJobRow, now: () => string): number {
  if (!row.handle) return 0;
  const started = row.transitions.findLast((t) => t.Status === 'Training')?.StartTime;
  return started ? Math.max(0, (Date.parse(now()) - Date.parse(started)) / 1000) : 0;
}

export function describeTrainingJob(row: TrainingJobRow, now: () => string): TrainingJobDescription {
  const { request } = row;
  const seconds = row.startedAt ? Math.round(row.usedSeconds + currentAttemptSeconds(row, now)) : undefined;
  return {
    TrainingJobName: row.name,
    TrainingJobArn: row.arn,
    TrainingJobStatus: row.status,
    SecondaryStatus: row.secondaryStatus,
    SecondaryStatusTransitions: row.transitions,
    ...(row.failureReason ? { FailureReason: row.failureReason } : {}),
    AlgorithmSpecification: { TrainingInputMode: 'File', ...request.AlgorithmSpecification },
    HyperParameters: request.HyperParameters ?? {},
    InputDataConfig: request.InputDataConfig ?? [],
    OutputDataConfig: request.OutputDataConfig,
    ResourceConfig: { InstanceType: 'local', InstanceCount: 1, VolumeSizeInGB: 1, ...request.ResourceConfig },
    StoppingCondition: request.StoppingCondition ?? { MaxRuntimeInSeconds: 86400 },
    ...(request.CheckpointConfig ? { CheckpointConfig: request.CheckpointConfig } : {}),
    ...(request.EnableManagedSpotTraining !== undefined ? { EnableManagedSpotTraining: request.EnableManagedSpotTraining } : {}),
    ...(request.Environment ? { Environment: request.Environment } : {}),
    ...(row.modelArtifacts ? { ModelArtifacts: { S3ModelArtifacts: row.modelArtifacts } } : {}),
    FinalMetricDataList: row.finalMetrics,
    CreationTime: row.createdAt,
    ...(row.startedAt ? { TrainingStartTime: row.startedAt } : {}),
    ...(row.endedAt ? { TrainingEndTime: row.endedAt } : {}),
    LastModifiedTime: row.modifiedAt,
    ...(seconds !== undefined && row.endedAt ? { TrainingTimeInSeconds: seconds, BillableTimeInSeconds: seconds } : {}),
  };
}

export function algorithmLabel(request: CreateTrainingJobRequest): string {
  const spec = request.AlgorithmSpecification;
  if (spec.AlgorithmName) return spec.AlgorithmName;
  const script = scriptHyperparameters(request.HyperParameters ?? {}).program;
  if (spec.TrainingImage && !isProcessImage(spec.TrainingImage)) return script ? `${script} in ${spec.TrainingImage}` : spec.TrainingImage;
  return script ?? spec.TrainingImage ?? 'script';
}

export function summaryOf(row: TrainingJobRow): TrainingJobSummary {
  const image = row.request.AlgorithmSpecification.TrainingImage;
  return {
    Kind: 'training',
    TrainingJobName: row.name,
    TrainingJobArn: row.arn,
    TrainingJobStatus: row.status,
    SecondaryStatus: row.secondaryStatus,
    CreationTime: row.createdAt,
    ...(row.startedAt ? { TrainingStartTime: row.startedAt } : {}),
    ...(row.endedAt ? { TrainingEndTime: row.endedAt } : {}),
    LastModifiedTime: row.modifiedAt,
    ...(row.failureReason ? { FailureReason: row.failureReason } : {}),
    Algorithm: algorithmLabel(row.request),
    Backend: image && !isProcessImage(image) ? 'docker' : 'process',
    Cpus: 1,
    Gpus: wantsGpu(row.request.ResourceConfig?.InstanceType) ? 1 : 0,
  };
}

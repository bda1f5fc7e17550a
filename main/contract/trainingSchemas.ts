/**
 * Training requests in SageMaker's shapes (sagemaker-contracts.md §4.1): CreateTrainingJob,
 * DescribeTrainingJob, ListTrainingJobs, StopTrainingJob. Fields Lathe does not use locally
 * (VpcConfig, ProfilerConfig, …) are accepted so SageMaker clients work unchanged, and ignored.
 */
import { z } from 'zod';

export const TRAINING_JOB_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

export const trainingJobName = z
  .string()
  .regex(TRAINING_JOB_NAME, 'must be 1–63 letters, digits and hyphens, starting and ending with a letter or digit');

const uri = (what: string) => z.string().min(1, `${what} must not be empty`).max(1024);

const channel = z.looseObject({
  ChannelName: z.string().regex(/^[A-Za-z0-9.\-_]{1,64}$/, 'must be 1–64 letters, digits, dots, hyphens or underscores'),
  DataSource: z.looseObject({
    S3DataSource: z.looseObject({
      S3DataType: z.enum(['S3Prefix', 'ManifestFile', 'AugmentedManifestFile']).optional(),
      S3Uri: uri('S3Uri'),
      S3DataDistributionType: z.enum(['FullyReplicated', 'ShardedByS3Key']).optional(),
    }),
  }),
  ContentType: z.string().max(256).optional(),
  CompressionType: z.enum(['None', 'Gzip']).optional(),
  InputMode: z.enum(['File', 'FastFile', 'Pipe']).optional(),
});

export const createTrainingJobSchema = z.looseObject({
  TrainingJobName: trainingJobName,
  AlgorithmSpecification: z
    .looseObject({
      TrainingImage: z.string().min(1).max(255).optional(),
      AlgorithmName: z.string().min(1).max(170).optional(),
      TrainingInputMode: z.enum(['File', 'FastFile', 'Pipe']).optional(),
      MetricDefinitions: z.array(z.strictObject({ Name: z.string().min(1).max(255), Regex: z.string().min(1).max(500) })).max(40).optional(),
      ContainerEntrypoint: z.array(z.string().min(1).max(256)).max(10).optional(),
      ContainerArguments: z.array(z.string().min(1).max(256)).max(100).optional(),
    })
    .refine((spec) => Boolean(spec.TrainingImage) !== Boolean(spec.AlgorithmName), {
      message: 'give exactly one of TrainingImage (a local Docker image) or AlgorithmName (a built-in algorithm)',
      path: ['AlgorithmName'],
    }),
  RoleArn: z.string().max(2048).optional(),
  HyperParameters: z
    .record(z.string().max(256), z.string().max(2500, 'a hyperparameter value is at most 2500 characters'))
    .refine((map) => Object.keys(map).length <= 100, 'at most 100 hyperparameters')
    .optional(),
  InputDataConfig: z.array(channel).max(20, 'at most 20 channels').optional(),
  OutputDataConfig: z.looseObject({ S3OutputPath: uri('S3OutputPath') }),
  ResourceConfig: z
    .looseObject({
      InstanceType: z.string().max(64).optional(),
      InstanceCount: z.number().int().min(1).max(1, 'Lathe trains on one machine: InstanceCount must be 1').optional(),
      VolumeSizeInGB: z.number().int().min(1).optional(),
    })
    .optional(),
  StoppingCondition: z
    .looseObject({
      MaxRuntimeInSeconds: z.number().int().min(1).optional(),
      MaxWaitTimeInSeconds: z.number().int().min(1).optional(),
    })
    .optional(),
  CheckpointConfig: z.looseObject({ S3Uri: uri('CheckpointConfig.S3Uri'), LocalPath: z.string().optional() }).optional(),
  Environment: z.record(z.string().max(512), z.string().max(512)).optional(),
  EnableNetworkIsolation: z.boolean().optional(),
  EnableManagedSpotTraining: z.boolean().optional(),
  Tags: z.array(z.looseObject({ Key: z.string(), Value: z.string() })).max(50).optional(),
});

export const describeTrainingJobSchema = z.strictObject({ TrainingJobName: trainingJobName });
export const stopTrainingJobSchema = z.strictObject({ TrainingJobName: trainingJobName });
export const listTrainingJobsSchema = z.looseObject({
  StatusEquals: z.enum(['InProgress', 'Completed', 'Failed', 'Stopping', 'Stopped']).optional(),
  NameContains: z.string().max(63).optional(),
  MaxResults: z.number().int().min(1).max(100).optional(),
  NextToken: z.string().max(8192).optional(),
  SortBy: z.enum(['Name', 'CreationTime', 'Status']).optional(),
  SortOrder: z.enum(['Ascending', 'Descending']).optional(),
});

export type CreateTrainingJobRequest = z.output<typeof createTrainingJobSchema>;

export const interruptTrainingJobSchema = z.strictObject({ TrainingJobName: trainingJobName });

export const trainingMetricsSchema = z.strictObject({
  TrainingJobName: trainingJobName,
  /** Only this metric; all of the job's metrics when left out. */
  MetricName: z.string().min(1).max(255).optional(),
});

const logWindow = {
  /** The first line wanted (0-based); negative counts from the end (-200 = the last 200 lines). */
  start: z.number().int().min(-100_000).max(Number.MAX_SAFE_INTEGER).optional(),
  limit: z.number().int().min(1).max(10_000).optional(),
};

export const trainingLogsSchema = z.strictObject({ TrainingJobName: trainingJobName, ...logWindow });

/** CreateProcessingJob (sagemaker-contracts.md §4.6). */
export const PROCESSING_JOB_NAME = TRAINING_JOB_NAME;
export const processingJobName = z
  .string()
  .regex(PROCESSING_JOB_NAME, 'must be 1–63 letters, digits and hyphens, starting and ending with a letter or digit');

const localPath = (what: string) =>
  z
    .string()
    .min(1, `${what} must not be empty`)
    .max(256)
    .regex(/^\/opt\/ml\/processing\/[^\0]+$/, `${what} must be under /opt/ml/processing/`)
    .refine((value) => !value.split('/').includes('..'), `${what} must not contain ".."`);

const processingInput = z.looseObject({
  InputName: z.string().min(1).max(256),
  AppManaged: z.boolean().optional(),
  S3Input: z.looseObject({
    S3Uri: uri('S3Input.S3Uri'),
    LocalPath: localPath('S3Input.LocalPath'),
    S3DataType: z.enum(['ManifestFile', 'S3Prefix']),
    S3InputMode: z.enum(['Pipe', 'File']).optional(),
    S3DataDistributionType: z.enum(['FullyReplicated', 'ShardedByS3Key']).optional(),
    S3CompressionType: z.enum(['None', 'Gzip']).optional(),
  }),
});

const processingOutput = z.looseObject({
  OutputName: z.string().min(1).max(256),
  S3Output: z.looseObject({
    S3Uri: uri('S3Output.S3Uri'),
    LocalPath: localPath('S3Output.LocalPath'),
    S3UploadMode: z.enum(['Continuous', 'EndOfJob']),
  }),
  AppManaged: z.boolean().optional(),
});

export const createProcessingJobSchema = z.looseObject({
  ProcessingJobName: processingJobName,
  ProcessingInputs: z.array(processingInput).max(10, 'at most 10 processing inputs').optional(),
  ProcessingOutputConfig: z.looseObject({ Outputs: z.array(processingOutput).min(1).max(10, 'at most 10 processing outputs'), KmsKeyId: z.string().optional() }).optional(),
  ProcessingResources: z.looseObject({
    ClusterConfig: z.looseObject({
      InstanceCount: z.number().int().min(1).max(1, 'Lathe processes on one machine: InstanceCount must be 1'),
      InstanceType: z.string().max(64),
      VolumeSizeInGB: z.number().int().min(1),
    }),
  }),
  StoppingCondition: z.looseObject({ MaxRuntimeInSeconds: z.number().int().min(1).max(777_600) }).optional(),
  AppSpecification: z.looseObject({
    ImageUri: z.string().min(1).max(255),
    ContainerEntrypoint: z.array(z.string().min(1).max(256)).min(1).max(100).optional(),
    ContainerArguments: z.array(z.string().min(1).max(256)).max(100).optional(),
  }),
  Environment: z
    .record(z.string().max(256), z.string().max(256))
    .refine((map) => Object.keys(map).length <= 100, 'at most 100 environment variables')
    .optional(),
  NetworkConfig: z.looseObject({ EnableNetworkIsolation: z.boolean().optional() }).optional(),
  RoleArn: z.string().max(2048),
  Tags: z.array(z.looseObject({ Key: z.string(), Value: z.string() })).max(50).optional(),
  ExperimentConfig: z.looseObject({}).optional(),
});

export const describeProcessingJobSchema = z.strictObject({ ProcessingJobName: processingJobName });
export const stopProcessingJobSchema = z.strictObject({ ProcessingJobName: processingJobName });
export const listProcessingJobsSchema = z.looseObject({
  StatusEquals: z.enum(['InProgress', 'Completed', 'Failed', 'Stopping', 'Stopped']).optional(),
  NameContains: z.string().max(63).optional(),
  MaxResults: z.number().int().min(1).max(100).optional(),
  NextToken: z.string().max(8192).optional(),
  SortBy: z.enum(['Name', 'CreationTime', 'Status']).optional(),
  SortOrder: z.enum(['Ascending', 'Descending']).optional(),
});
export const processingLogsSchema = z.strictObject({ ProcessingJobName: processingJobName, ...logWindow });

export type CreateProcessingJobRequest = z.output<typeof createProcessingJobSchema>;

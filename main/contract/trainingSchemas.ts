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

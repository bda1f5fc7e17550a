/** CreateTransformJob & co. (batch transform) in SageMaker's shapes. */
import { z } from 'zod';

const name = (what: string) => z.string().regex(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/, `${what} must be 1–63 letters, digits and hyphens, starting and ending with a letter or digit`);

export const createTransformJobSchema = z.looseObject({
  TransformJobName: name('TransformJobName').refine((n) => n.length <= 60, 'TransformJobName must be at most 60 characters in Lathe'),
  ModelName: name('ModelName'),
  MaxConcurrentTransforms: z.number().int().min(0).optional(),
  MaxPayloadInMB: z.number().int().min(0).max(100).optional(),
  BatchStrategy: z.enum(['MultiRecord', 'SingleRecord']).optional(),
  Environment: z.record(z.string().max(1024), z.string().max(10240)).optional(),
  TransformInput: z.looseObject({
    DataSource: z.looseObject({ S3DataSource: z.looseObject({ S3DataType: z.enum(['S3Prefix', 'ManifestFile', 'AugmentedManifestFile']), S3Uri: z.string().min(1).max(1024) }) }),
    ContentType: z.string().max(256).optional(),
    CompressionType: z.enum(['None', 'Gzip']).optional(),
    SplitType: z.enum(['None', 'Line', 'RecordIO', 'TFRecord']).optional(),
  }),
  TransformOutput: z.looseObject({
    S3OutputPath: z.string().min(1).max(1024),
    Accept: z.string().max(256).optional(),
    AssembleWith: z.enum(['None', 'Line']).optional(),
  }),
  TransformResources: z.looseObject({ InstanceType: z.string().max(64), InstanceCount: z.number().int().min(1).max(1, 'Lathe transforms on one machine: InstanceCount must be 1') }),
  Tags: z.array(z.looseObject({ Key: z.string(), Value: z.string() })).max(50).optional(),
});

export const transformJobNameSchema = z.looseObject({ TransformJobName: name('TransformJobName') });
export const listTransformJobsSchema = z.looseObject({
  StatusEquals: z.enum(['InProgress', 'Completed', 'Failed', 'Stopping', 'Stopped']).optional(),
  NameContains: z.string().max(63).optional(),
  MaxResults: z.number().int().min(1).max(100).optional(),
  NextToken: z.string().max(8192).optional(),
  SortBy: z.enum(['Name', 'CreationTime', 'Status']).optional(),
  SortOrder: z.enum(['Ascending', 'Descending']).optional(),
});

export type CreateTransformJobRequest = z.output<typeof createTransformJobSchema>;
export type ListTransformJobsRequest = z.output<typeof listTransformJobsSchema>;

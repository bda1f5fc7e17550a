/**
 * Requests for models, endpoint configs and endpoints in SageMaker's shapes (sagemaker-contracts.md
 * §4.5). Loose objects: boto3 sends members Lathe accepts and ignores (VpcConfig, Tags, …).
 */
import { z } from 'zod';
import { ENDPOINT_STATUSES } from './endpoints';

const name = (what: string) => z.string().regex(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/, `${what} must be 1–63 letters, digits and hyphens, starting and ending with a letter or digit`);
const sortOrder = z.enum(['Ascending', 'Descending']);
const paging = {
  NameContains: z.string().max(63).optional(),
  MaxResults: z.number().int().min(1).max(100).optional(),
  NextToken: z.string().max(8192).optional(),
  SortBy: z.enum(['Name', 'CreationTime']).optional(),
  SortOrder: sortOrder.optional(),
};

const container = z.looseObject({
  Image: z.string().min(1).max(255).optional(),
  ModelDataUrl: z.string().min(1).max(1024).optional(),
  ModelPackageName: z.string().min(1).max(2048).optional(),
  Environment: z
    .record(z.string().max(1024), z.string().max(1024))
    .refine((map) => Object.keys(map).length <= 100, 'at most 100 environment variables')
    .optional(),
  ContainerHostname: z.string().max(63).optional(),
});

export const createModelSchema = z
  .looseObject({
    ModelName: name('ModelName'),
    PrimaryContainer: container.optional(),
    Containers: z.array(container).min(1).max(15).optional(),
    ExecutionRoleArn: z.string().max(2048).optional(),
    Tags: z.array(z.looseObject({ Key: z.string(), Value: z.string() })).max(50).optional(),
  })
  .refine((r) => (r.PrimaryContainer === undefined) !== (r.Containers === undefined), { message: 'give PrimaryContainer or Containers (one of them)', path: ['PrimaryContainer'] });

export const modelNameSchema = z.looseObject({ ModelName: name('ModelName') });
export const listModelsSchema = z.looseObject({ ...paging });

const variant = z.looseObject({
  VariantName: name('VariantName'),
  ModelName: name('ModelName'),
  InitialInstanceCount: z.number().int().min(1, 'InitialInstanceCount must be at least 1').max(64, 'Lathe runs at most 64 workers per variant').optional(),
  InstanceType: z.string().max(64).optional(),
  InitialVariantWeight: z.number().min(0).max(1_000_000).optional(),
  ContainerStartupHealthCheckTimeoutInSeconds: z.number().int().min(1).max(3600).optional(),
});

export const createEndpointConfigSchema = z.looseObject({
  EndpointConfigName: name('EndpointConfigName'),
  ProductionVariants: z
    .array(variant)
    .min(1, 'give at least one production variant')
    .max(10, 'at most 10 production variants')
    .refine((variants) => new Set(variants.map((v) => v.VariantName)).size === variants.length, 'variant names must differ')
    .refine((variants) => variants.some((v) => (v.InitialVariantWeight ?? 1) > 0), 'at least one variant needs a weight above 0'),
  /** A variant that gets a copy of the traffic; its answers are compared with production's, never returned. */
  ShadowProductionVariants: z.array(variant).max(1, 'at most one shadow variant, as SageMaker allows').optional(),
  DataCaptureConfig: z
    .looseObject({
      EnableCapture: z.boolean().optional(),
      InitialSamplingPercentage: z.number().int().min(0).max(100),
      DestinationS3Uri: z.string().min(1).max(512),
      CaptureOptions: z
        .array(z.looseObject({ CaptureMode: z.enum(['Input', 'Output', 'InputAndOutput']) }))
        .min(1)
        .max(2),
      CaptureContentTypeHeader: z
        .looseObject({ CsvContentTypes: z.array(z.string().min(1).max(256)).min(1).max(10).optional(), JsonContentTypes: z.array(z.string().min(1).max(256)).min(1).max(10).optional() })
        .optional(),
    })
    .optional(),
  Tags: z.array(z.looseObject({ Key: z.string(), Value: z.string() })).max(50).optional(),
});

export const endpointConfigNameSchema = z.looseObject({ EndpointConfigName: name('EndpointConfigName') });
export const listEndpointConfigsSchema = z.looseObject({ ...paging });

export const createEndpointSchema = z.looseObject({
  EndpointName: name('EndpointName'),
  EndpointConfigName: name('EndpointConfigName'),
  Tags: z.array(z.looseObject({ Key: z.string(), Value: z.string() })).max(50).optional(),
});

export const updateEndpointSchema = z.looseObject({
  EndpointName: name('EndpointName'),
  EndpointConfigName: name('EndpointConfigName'),
});

export const endpointNameSchema = z.looseObject({ EndpointName: name('EndpointName') });
export const listEndpointsSchema = z.looseObject({ ...paging, StatusEquals: z.enum(ENDPOINT_STATUSES).optional() });

/** endpoints.invoke: InvokeEndpoint for the test console and `lathe call`. */
export const invokeEndpointSchema = z.strictObject({
  EndpointName: name('EndpointName'),
  Body: z.string().max(9_000_000),
  BodyEncoding: z.enum(['utf8', 'base64']).optional(),
  ContentType: z.string().min(1).max(1024).optional(),
  Accept: z.string().min(1).max(1024).optional(),
  TargetVariant: name('TargetVariant').optional(),
  CustomAttributes: z.string().max(1024).optional(),
  InferenceId: z.string().min(1).max(64).optional(),
});

export const endpointMetricsSchema = z.strictObject({
  EndpointName: name('EndpointName'),
  WindowSeconds: z.number().int().min(10).max(3600).optional(),
  StepSeconds: z.number().int().min(1).max(600).optional(),
});

export const endpointLogsSchema = z.strictObject({
  EndpointName: name('EndpointName'),
  VariantName: name('VariantName').optional(),
  Lines: z.number().int().min(1).max(5000).optional(),
});

export const endpointCapturedSchema = z.strictObject({
  EndpointName: name('EndpointName'),
  VariantName: name('VariantName').optional(),
  MaxRecords: z.number().int().min(1).max(500, 'MaxRecords is at most 500').optional(),
});

export type CreateModelRequest = z.output<typeof createModelSchema>;
export type CreateEndpointConfigRequest = z.output<typeof createEndpointConfigSchema>;
export type CreateEndpointRequest = z.output<typeof createEndpointSchema>;
export type UpdateEndpointRequest = z.output<typeof updateEndpointSchema>;
export type ListRequest = z.output<typeof listModelsSchema>;
export type ListEndpointsRequest = z.output<typeof listEndpointsSchema>;
export type InvokeEndpointRequest = z.output<typeof invokeEndpointSchema>;

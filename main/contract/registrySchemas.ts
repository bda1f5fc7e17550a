/**
 * Model registry requests in SageMaker's shapes (sagemaker-contracts.md §4.4). Loose objects:
 * boto3 fills in fields Lathe does not use (ClientToken, …), which are accepted and ignored.
 */
import { z } from 'zod';
import { APPROVAL_STATUSES, GATE_OPS, REPORT_KINDS } from './registry';

/** CreateModelPackageGroup's name rule: 1–63 letters, digits and inner hyphens. */
const groupName = z.string().regex(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/, 'must be 1–63 letters, digits and hyphens, starting and ending with a letter or digit');
/** A group's name or its ARN (CreateModelPackage and ListModelPackages take either). */
const groupNameOrArn = z.string().min(1, 'must not be empty').max(2048);
const packageArn = z.string().regex(/^arn:aws:sagemaker:[^:]*:[^:]*:model-package\/[^/]+\/\d+$/, 'must be a versioned model package ARN (…:model-package/<group>/<version>)');
const description = z.string().max(1024, 'must be at most 1024 characters');
const approvalStatus = z.enum(APPROVAL_STATUSES);
const metadata = z
  .record(z.string().min(1).max(128), z.string().max(256, 'a metadata value is at most 256 characters'))
  .refine((map) => Object.keys(map).length <= 50, 'at most 50 metadata properties');
const tags = z.array(z.looseObject({ Key: z.string().min(1).max(128), Value: z.string().max(256) })).max(50);
const sortOrder = z.enum(['Ascending', 'Descending']);
const paging = {
  MaxResults: z.number().int().min(1).max(100).optional(),
  NextToken: z.string().max(8192).optional(),
};

const metricsSource = z.looseObject({ ContentType: z.string().min(1).max(256), S3Uri: z.string().min(1).max(1024), ContentDigest: z.string().max(72).optional() });
const metricsGroup = z.record(z.string().max(64), metricsSource);

export const inferenceSpecificationSchema = z.looseObject({
  Containers: z
    .array(z.looseObject({ Image: z.string().min(1).max(255).optional(), ModelDataUrl: z.string().min(1).max(1024).optional(), ContainerHostname: z.string().max(63).optional() }))
    .min(1, 'give at least one container')
    .max(15, 'at most 15 containers'),
  SupportedContentTypes: z.array(z.string().max(256)).max(50).optional(),
  SupportedResponseMIMETypes: z.array(z.string().max(1024)).max(50).optional(),
  SupportedTransformInstanceTypes: z.array(z.string().max(64)).optional(),
  SupportedRealtimeInferenceInstanceTypes: z.array(z.string().max(64)).optional(),
});

export const createModelPackageGroupSchema = z.looseObject({
  ModelPackageGroupName: groupName,
  ModelPackageGroupDescription: description.optional(),
  Tags: tags.optional(),
});

export const describeModelPackageGroupSchema = z.looseObject({ ModelPackageGroupName: groupNameOrArn });

export const listModelPackageGroupsSchema = z.looseObject({
  NameContains: z.string().max(63).optional(),
  SortBy: z.enum(['Name', 'CreationTime']).optional(),
  SortOrder: sortOrder.optional(),
  ...paging,
});

export const createModelPackageSchema = z.looseObject({
  ModelPackageGroupName: groupNameOrArn,
  ModelPackageDescription: description.optional(),
  InferenceSpecification: inferenceSpecificationSchema.optional(),
  ModelApprovalStatus: approvalStatus.optional(),
  ModelMetrics: z
    .looseObject({ ModelQuality: metricsGroup.optional(), ModelDataQuality: metricsGroup.optional(), Bias: metricsGroup.optional(), Explainability: metricsGroup.optional() })
    .optional(),
  CustomerMetadataProperties: metadata.optional(),
  /**
   * Lathe extension: register a Completed training job's model. Its model.tar.gz becomes the
   * container's ModelDataUrl, its hyperparameters the metadata, its final metrics the evidence.
   */
  SourceTrainingJobName: z.string().regex(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/, 'must be a training job name').optional(),
});

/** DescribeModelPackage: the versioned package's ARN. */
export const describeModelPackageSchema = z.looseObject({ ModelPackageName: packageArn });

export const listModelPackagesSchema = z.looseObject({
  ModelApprovalStatus: approvalStatus.optional(),
  ModelPackageGroupName: groupNameOrArn.optional(),
  ModelPackageType: z.enum(['Versioned', 'Unversioned', 'Both']).optional(),
  NameContains: z.string().max(63).optional(),
  SortBy: z.enum(['Name', 'CreationTime']).optional(),
  SortOrder: sortOrder.optional(),
  ...paging,
});

export const updateModelPackageSchema = z.looseObject({
  ModelPackageArn: packageArn,
  ModelApprovalStatus: approvalStatus.optional(),
  ApprovalDescription: description.optional(),
  CustomerMetadataProperties: metadata.optional(),
  /**
   * Lathe extension: approve although the group's gates are unmet. The written reason is kept in
   * the audit trail, which marks the row as an override.
   */
  LatheOverrideReason: z
    .string()
    .max(1024, 'must be at most 1024 characters')
    .refine((reason) => reason.trim() !== '', 'must say why the gates are overridden')
    .optional(),
});

export const registryAuditSchema = z.strictObject({ ModelPackageArn: packageArn });

const reportKind = z.enum(REPORT_KINDS);

/** registry.setGates: replaces the group's gates as a whole. */
export const setGatesSchema = z.strictObject({
  ModelPackageGroupName: groupNameOrArn,
  MetricRules: z
    .array(
      z.strictObject({
        Metric: z.string().min(1, 'must not be empty').max(255),
        Op: z.enum(GATE_OPS),
        Threshold: z.number().refine(Number.isFinite, 'must be a finite number'),
      }),
    )
    .max(50, 'at most 50 metric rules'),
  RequiredReports: z.array(reportKind).max(REPORT_KINDS.length).refine((kinds) => new Set(kinds).size === kinds.length, 'name each report kind once'),
});

export const getGatesSchema = z.strictObject({ ModelPackageGroupName: groupNameOrArn });

/** registry.addReport: one report (its JSON body) on a version; the evaluation job files these. */
export const addReportSchema = z.strictObject({
  ModelPackageArn: packageArn,
  Kind: reportKind,
  Body: z.record(z.string(), z.unknown()).refine((body) => JSON.stringify(body).length <= 4_000_000, 'a report body is at most 4 MB of JSON'),
});

export const checkGatesSchema = z.strictObject({ ModelPackageArn: packageArn });

export type CreateModelPackageGroupRequest = z.output<typeof createModelPackageGroupSchema>;
export type ListModelPackageGroupsRequest = z.output<typeof listModelPackageGroupsSchema>;
export type CreateModelPackageRequest = z.output<typeof createModelPackageSchema>;
export type ListModelPackagesRequest = z.output<typeof listModelPackagesSchema>;
export type UpdateModelPackageRequest = z.output<typeof updateModelPackageSchema>;
export type SetGatesRequest = z.output<typeof setGatesSchema>;
export type AddReportRequest = z.output<typeof addReportSchema>;

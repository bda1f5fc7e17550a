/**
 * Model registry requests in SageMaker's shapes (sagemaker-contracts.md §4.4). Loose objects:
 * boto3 fills in fields Lathe does not use (ClientToken, …), which are accepted and ignored.
 */
import { z } from 'zod';
import { APPROVAL_STATUSES, EVALUATION_REPORTS, GATE_OPS, REPORT_KINDS } from './registry';

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
  AutoApprove: z.boolean().optional(),
}).refine((gates) => !gates.AutoApprove || gates.MetricRules.length + gates.RequiredReports.length > 0, { message: 'AutoApprove needs at least one metric rule or required report to decide on', path: ['AutoApprove'] });

export const getGatesSchema = z.strictObject({ ModelPackageGroupName: groupNameOrArn });

const featureName = z.string().regex(/^[^,\s]{1,64}$/, 'a feature name is 1–64 characters without commas or spaces');

/**
 * registry.evaluate: runs the evaluation job (python -m lathe.evaluate) on the version's model and
 * a test set laid out as the built-in algorithms take it (CSV, label first, no header). When it
 * completes, each report it computed is filed on the version.
 */
export const evaluateSchema = z
  .strictObject({
    ModelPackageArn: packageArn,
    /** s3:// (Lathe's object store), file:// or an absolute path: a CSV file or a folder of them. */
    TestDataUrl: z.string().min(1, 'name the test set').max(1024),
    /** Default: evaluation and explainability, plus bias when Facet is given. */
    Reports: z.array(z.enum(EVALUATION_REPORTS)).min(1).max(3).refine((kinds) => new Set(kinds).size === kinds.length, 'name each report once').optional(),
    ProblemType: z.enum(['auto', 'binary', 'multiclass', 'regression']).optional(),
    FeatureNames: z.array(featureName).min(1).max(500).refine((names) => new Set(names).size === names.length, 'feature names must differ').optional(),
    ProbabilityThreshold: z.number().min(0).max(1).optional(),
    LabelValues: z.array(z.number().refine(Number.isFinite, 'must be a finite number')).min(1).max(20).optional(),
    Facet: z
      .strictObject({
        /** A feature name (from FeatureNames) or a 0-based feature index, not counting the label. */
        NameOrIndex: z.union([featureName, z.number().int().min(0).max(9999)]),
        Values: z
          .array(z.number().refine(Number.isFinite, 'must be a finite number'))
          .min(1)
          .max(50)
          .refine((values) => values.join(',').length <= 256, 'the facet values, written with commas, must fit in 256 characters')
          .optional(),
        Threshold: z.number().refine(Number.isFinite, 'must be a finite number').optional(),
      })
      .refine((facet) => (facet.Values === undefined) !== (facet.Threshold === undefined), 'give the facet either Values or a Threshold')
      .optional(),
  })
  .refine((r) => !r.Reports?.includes('bias') || r.Facet !== undefined, { message: 'a bias report needs a Facet', path: ['Facet'] })
  .refine((r) => typeof r.Facet?.NameOrIndex !== 'string' || (r.FeatureNames ?? []).includes(r.Facet.NameOrIndex), { message: 'a facet named by name must be one of FeatureNames', path: ['Facet', 'NameOrIndex'] });

export const versionOnlySchema = z.strictObject({ ModelPackageArn: packageArn });

const cardSection = z.string().max(20_000, 'a model card section is at most 20,000 characters');

/** registry.saveCard: the whole card; sections may be empty while it is being written. */
export const saveCardSchema = z.strictObject({
  ModelPackageArn: packageArn,
  Content: z.strictObject({
    IntendedUse: cardSection,
    TrainingData: cardSection,
    Metrics: cardSection,
    Limitations: cardSection,
    EthicalConsiderations: cardSection,
    Owner: z.string().max(256, 'the owner is at most 256 characters'),
  }),
});

export const exportCardSchema = z.strictObject({ ModelPackageArn: packageArn, Format: z.enum(['markdown', 'html']) });

/** Requests that name only a version: audit, checkGates, evaluations, evidence, getCard. */
export const registryAuditSchema = versionOnlySchema;
export const checkGatesSchema = versionOnlySchema;

export type CreateModelPackageGroupRequest = z.output<typeof createModelPackageGroupSchema>;
export type ListModelPackageGroupsRequest = z.output<typeof listModelPackageGroupsSchema>;
export type CreateModelPackageRequest = z.output<typeof createModelPackageSchema>;
export type ListModelPackagesRequest = z.output<typeof listModelPackagesSchema>;
export type UpdateModelPackageRequest = z.output<typeof updateModelPackageSchema>;
export type SetGatesRequest = z.output<typeof setGatesSchema>;
export type EvaluateRequest = z.output<typeof evaluateSchema>;
export type SaveCardRequest = z.output<typeof saveCardSchema>;

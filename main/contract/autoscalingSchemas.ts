/**
 * Application Auto Scaling requests (sagemaker-contracts-2.md §5) for SageMaker endpoint variants:
 * `endpoint/<endpoint>/variant/<variant>` scaled on `sagemaker:variant:DesiredInstanceCount`.
 */
import { z } from 'zod';

const key = {
  ServiceNamespace: z.string().min(1).max(64),
  ResourceId: z.string().min(1).max(1600),
  ScalableDimension: z.string().min(1).max(128),
};
const paging = { MaxResults: z.number().int().min(1).max(50).optional(), NextToken: z.string().max(8192).optional() };

export const registerTargetSchema = z.looseObject({
  ...key,
  MinCapacity: z.number().int().min(0).optional(),
  MaxCapacity: z.number().int().min(0).optional(),
  RoleARN: z.string().max(1600).optional(),
});
export const targetKeySchema = z.looseObject(key);
export const describeTargetsSchema = z.looseObject({
  ServiceNamespace: key.ServiceNamespace,
  ResourceIds: z.array(z.string().max(1600)).max(50).optional(),
  ScalableDimension: key.ScalableDimension.optional(),
  ...paging,
});
export const putPolicySchema = z.looseObject({
  PolicyName: z.string().min(1).max(256),
  ...key,
  PolicyType: z.enum(['StepScaling', 'TargetTrackingScaling', 'PredictiveScaling']).optional(),
  TargetTrackingScalingPolicyConfiguration: z
    .looseObject({
      TargetValue: z.number().positive('TargetValue must be above 0'),
      PredefinedMetricSpecification: z.looseObject({ PredefinedMetricType: z.string().min(1), ResourceLabel: z.string().optional() }).optional(),
      CustomizedMetricSpecification: z.looseObject({}).optional(),
      ScaleOutCooldown: z.number().int().min(0).optional(),
      ScaleInCooldown: z.number().int().min(0).optional(),
      DisableScaleIn: z.boolean().optional(),
    })
    .optional(),
});
export const policyKeySchema = z.looseObject({ PolicyName: z.string().min(1).max(256), ...key });
export const describePoliciesSchema = z.looseObject({
  ServiceNamespace: key.ServiceNamespace,
  PolicyNames: z.array(z.string().max(256)).max(50).optional(),
  ResourceId: key.ResourceId.optional(),
  ScalableDimension: key.ScalableDimension.optional(),
  ...paging,
});
export const describeActivitiesSchema = z.looseObject({
  ServiceNamespace: key.ServiceNamespace,
  ResourceId: key.ResourceId.optional(),
  ScalableDimension: key.ScalableDimension.optional(),
  ...paging,
});

export type RegisterTargetRequest = z.output<typeof registerTargetSchema>;
export type TargetKey = z.output<typeof targetKeySchema>;
export type PutPolicyRequest = z.output<typeof putPolicySchema>;
export type PolicyKey = z.output<typeof policyKeySchema>;
export type DescribeTargetsRequest = z.output<typeof describeTargetsSchema>;
export type DescribePoliciesRequest = z.output<typeof describePoliciesSchema>;
export type DescribeActivitiesRequest = z.output<typeof describeActivitiesSchema>;

/**
 * The model registry in SageMaker's shapes (sagemaker-contracts.md §4.4): model package groups,
 * their numbered versions, and the approval audit trail Lathe keeps beside them. Times are ISO
 * strings here; the SageMaker wire turns them into epoch seconds.
 */

export const APPROVAL_STATUSES = ['PendingManualApproval', 'Approved', 'Rejected'] as const;
export type ModelApprovalStatus = (typeof APPROVAL_STATUSES)[number];

export interface Tag {
  Key: string;
  Value: string;
}

export interface ModelPackageGroupDescription {
  ModelPackageGroupName: string;
  ModelPackageGroupArn: string;
  ModelPackageGroupDescription?: string;
  CreationTime: string;
  ModelPackageGroupStatus: 'Completed';
}

export type ModelPackageGroupSummary = ModelPackageGroupDescription;

export interface ModelPackageContainer {
  Image?: string;
  ModelDataUrl?: string;
  [key: string]: unknown;
}

export interface InferenceSpecification {
  Containers: ModelPackageContainer[];
  SupportedContentTypes?: string[];
  SupportedResponseMIMETypes?: string[];
  [key: string]: unknown;
}

/** Lathe's extension: where a version came from and what it showed there. */
export interface ModelEvidence {
  Source: { TrainingJobName: string; TrainingJobArn: string };
  FinalMetrics: Array<{ MetricName: string; Value: number }>;
}

export interface ModelPackageDescription {
  ModelPackageName: string;
  ModelPackageGroupName: string;
  ModelPackageVersion: number;
  ModelPackageArn: string;
  ModelPackageDescription?: string;
  CreationTime: string;
  LastModifiedTime: string;
  ModelPackageStatus: 'Completed';
  ModelPackageStatusDetails: { ValidationStatuses: []; ImageScanStatuses: [] };
  ModelApprovalStatus: ModelApprovalStatus;
  ApprovalDescription?: string;
  InferenceSpecification?: InferenceSpecification;
  ModelMetrics?: Record<string, unknown>;
  CustomerMetadataProperties?: Record<string, string>;
  CreatedBy: { UserProfileName: string };
  /** Lathe extensions. */
  SourceTrainingJobName?: string;
  Evidence?: ModelEvidence;
}

export interface ModelPackageSummary {
  ModelPackageName: string;
  ModelPackageGroupName: string;
  ModelPackageVersion: number;
  ModelPackageArn: string;
  ModelPackageDescription?: string;
  CreationTime: string;
  ModelPackageStatus: 'Completed';
  ModelApprovalStatus: ModelApprovalStatus;
}

/** One approval attempt; `Outcome: 'refused'` ones changed nothing but are kept as evidence. */
export interface ApprovalAuditEntry {
  Id: number;
  ModelPackageArn: string;
  At: string;
  Actor: string;
  FromStatus: ModelApprovalStatus | null;
  ToStatus: ModelApprovalStatus;
  Comment?: string;
  Outcome: 'applied' | 'refused';
  /** Set when the move was applied over unmet gates: the written reason the person gave. */
  OverrideReason?: string;
}

/** How a gate compares a version's metric with its threshold. */
export const GATE_OPS = ['>=', '>', '<=', '<', '='] as const;
export type GateOp = (typeof GATE_OPS)[number];

/** The reports a group may require before a version is approved. */
export const REPORT_KINDS = ['evaluation', 'bias', 'explainability', 'model-card'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

/** One metric rule of a group's gates, e.g. `validation:auc >= 0.9`. */
export interface MetricRule {
  Metric: string;
  Op: GateOp;
  Threshold: number;
}

/** A group's approval gates; a group nobody set gates on has empty lists. */
export interface GroupGates {
  ModelPackageGroupName: string;
  MetricRules: MetricRule[];
  RequiredReports: ReportKind[];
  /**
   * Approve a pending version as soon as it meets every gate (a new report or a completed model
   * card can be the moment); the audit trail names `lathe-gates` as the actor.
   */
  AutoApprove?: boolean;
}

/** Whether a version meets its group's gates; Unmet says, one line each, what does not hold. */
export interface GateCheck {
  Passed: boolean;
  Unmet: string[];
}

/** The reports an evaluation job computes (docs/registry-reports.md documents their JSON). */
export const EVALUATION_REPORTS = ['evaluation', 'explainability', 'bias'] as const;
export type EvaluationReportKind = (typeof EVALUATION_REPORTS)[number];

/** An evaluation job run on a version: a processing job Lathe started and files reports from. */
export interface EvaluationJob {
  ProcessingJobName: string;
  ModelPackageArn: string;
  Status: 'InProgress' | 'Completed' | 'Failed' | 'Stopped';
  Reports: EvaluationReportKind[];
  TestDataUrl: string;
  CreationTime: string;
  EndTime?: string;
  FailureReason?: string;
}

/** A report filed on a version; Body is the report's JSON (docs/registry-reports.md). */
export interface FiledReport {
  ReportId: number;
  Kind: ReportKind;
  CreationTime: string;
  ProcessingJobName?: string;
  Body: Record<string, unknown>;
}

/** One metric of a version beside the champion's value of it. */
export interface MetricDelta {
  Name: string;
  Value: number | null;
  /** `training`: the job's final metric; `evaluation`: the latest evaluation report's, as evaluation:<name>. */
  Source: 'training' | 'evaluation';
  ChampionValue?: number | null;
  /** Value − ChampionValue, when both are numbers. */
  Delta?: number;
}

/** Everything the approve dialog shows: metrics with champion deltas, reports, gates. */
export interface VersionEvidence {
  ModelPackageArn: string;
  /** The group's most recently approved version other than this one; absent when there is none. */
  Champion?: { ModelPackageArn: string; ModelPackageVersion: number };
  Metrics: MetricDelta[];
  /** The latest report of each kind, the model card's included when it is complete. */
  Reports: FiledReport[];
  Gates: GroupGates;
  GateCheck: GateCheck;
  Evaluations: EvaluationJob[];
}

/** A model card's sections, in the order a card shows them. */
export const MODEL_CARD_FIELDS = ['IntendedUse', 'TrainingData', 'Metrics', 'Limitations', 'EthicalConsiderations', 'Owner'] as const;
export type ModelCardField = (typeof MODEL_CARD_FIELDS)[number];
export type ModelCardContent = Record<ModelCardField, string>;

/** A version's model card: saved, or prefilled from lineage and evidence until someone saves it. */
export interface ModelCard {
  ModelPackageArn: string;
  Content: ModelCardContent;
  Saved: boolean;
  /** Every section has text; a group may require this (the `model-card` report kind). */
  Complete: boolean;
  Missing: ModelCardField[];
  LastModifiedTime?: string;
  LastModifiedBy?: string;
}

export interface ModelCardExport {
  Format: 'markdown' | 'html';
  FileName: string;
  Text: string;
}

/** What `registry.changed` carries: enough to re-read the right thing. */
export interface RegistryChange {
  kind: 'group-created' | 'version-created' | 'version-updated' | 'approval-refused' | 'gates-set' | 'report-added' | 'evaluation-changed' | 'card-saved';
  ModelPackageGroupName: string;
  ModelPackageArn?: string;
  ModelApprovalStatus?: ModelApprovalStatus;
}

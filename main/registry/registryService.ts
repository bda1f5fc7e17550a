/**
 * The model registry: package groups, their versions numbered 1, 2, 3… per group, and the approval
 * workflow whose every attempt, refused ones included, lands in an append-only audit trail.
 * A version can come from a Completed training job (Lathe's extension to CreateModelPackage).
 */
import { conflict, invalid, notFound, precondition } from '../api/errors';
import type { EventBus } from '../api/eventBus';
import type { InferenceSpecification, ModelPackageDescription, ModelPackageGroupDescription, ModelPackageSummary, RegistryChange } from '../contract/registry';
import type { CreateModelPackageGroupRequest, CreateModelPackageRequest, ListModelPackageGroupsRequest, ListModelPackagesRequest, UpdateModelPackageRequest } from '../contract/registrySchemas';
import type { TrainingJobDescription } from '../contract/training';
import type { LineageEdge, LineageNode } from '../contract/experiments';
import { toS3Uri } from '../jobs/dataUri';
import { approvalVerdict, pageOf } from './approval';
import type { GroupRow, PackageRow, RegistryStore } from './registryStore';

const ARN_PREFIX = 'arn:aws:sagemaker:local:000000000000';
export const groupArnOf = (name: string) => `${ARN_PREFIX}:model-package-group/${name.toLowerCase()}`;
export const packageArnOf = (group: string, version: number) => `${ARN_PREFIX}:model-package/${group.toLowerCase()}/${version}`;

export interface RegistryServiceDeps {
  store: RegistryStore;
  bus: EventBus;
  training: { describe(name: string): TrainingJobDescription; readonly objectStore: string };
  /** Where a version registered from a job joins the job's lineage; none in some tests. */
  lineage?: { addLineage(from: LineageNode, to: LineageNode, relation: LineageEdge['relation']): void };
  clock?: () => Date;
}

/** A group's name from its name or ARN (CreateModelPackage and ListModelPackages take either). */
function groupNameOf(nameOrArn: string): string {
  const match = /:model-package-group\/([^/]+)$/.exec(nameOrArn);
  return match ? match[1]! : nameOrArn;
}

export class RegistryService {
  constructor(private readonly deps: RegistryServiceDeps) {}

  private now(): string {
    return (this.deps.clock?.() ?? new Date()).toISOString();
  }

  private changed(change: RegistryChange): void {
    this.deps.bus.emit('registry.changed', change);
  }

  createGroup(request: CreateModelPackageGroupRequest): { ModelPackageGroupArn: string } {
    const existing = this.deps.store.group(request.ModelPackageGroupName);
    if (existing) throw conflict(`model package group ${existing.name} already exists`);
    const tags = (request.Tags ?? []).map((t) => ({ Key: t.Key, Value: t.Value }));
    this.deps.store.insertGroup({ name: request.ModelPackageGroupName, description: request.ModelPackageGroupDescription ?? null, createdAt: this.now(), tags });
    this.changed({ kind: 'group-created', ModelPackageGroupName: request.ModelPackageGroupName });
    return { ModelPackageGroupArn: groupArnOf(request.ModelPackageGroupName) };
  }

  describeGroup(nameOrArn: string): ModelPackageGroupDescription {
    return describeGroupRow(this.requireGroup(nameOrArn));
  }

  listGroups(request: ListModelPackageGroupsRequest): { ModelPackageGroupSummaryList: ModelPackageGroupDescription[]; NextToken?: string } {
    const rows = sortBy(this.deps.store.groups(request.NameContains), (g) => (request.SortBy === 'Name' ? g.name : g.createdAt), request.SortOrder);
    const page = this.page(rows, request);
    return { ModelPackageGroupSummaryList: page.page.map(describeGroupRow), ...(page.next ? { NextToken: page.next } : {}) };
  }

  createVersion(request: CreateModelPackageRequest, actor: string): { ModelPackageArn: string } {
    const group = this.requireGroup(request.ModelPackageGroupName);
    const job = request.SourceTrainingJobName ? this.completedJob(request.SourceTrainingJobName) : null;
    const spec = request.InferenceSpecification ?? (job ? this.specFromJob(job) : null);
    if (!spec) throw invalid('InferenceSpecification is required unless SourceTrainingJobName names the training job to register');
    const modelDataUrl = spec.Containers.find((c) => c.ModelDataUrl)?.ModelDataUrl ?? null;
    const at = this.now();
    const row = this.deps.store.insertPackage(group.name, (version) => ({
      arn: packageArnOf(group.name, version),
      groupName: group.name,
      version,
      description: request.ModelPackageDescription ?? null,
      approvalStatus: request.ModelApprovalStatus ?? 'PendingManualApproval',
      approvalDescription: null,
      inferenceSpecification: spec as InferenceSpecification,
      modelMetrics: request.ModelMetrics ?? null,
      // The job's hyperparameters first, so what the caller gives explicitly wins.
      customerMetadata: { ...(job?.HyperParameters ?? {}), ...(request.CustomerMetadataProperties ?? {}) },
      modelDataUrl,
      sourceTrainingJob: job?.TrainingJobName ?? null,
      evidence: job ? { Source: { TrainingJobName: job.TrainingJobName, TrainingJobArn: job.TrainingJobArn }, FinalMetrics: job.FinalMetricDataList.map((m) => ({ MetricName: m.MetricName, Value: m.Value })) } : null,
      createdBy: actor,
      createdAt: at,
      modifiedAt: at,
    }));
    if (job && modelDataUrl) this.deps.lineage?.addLineage({ kind: 'model-artifact', id: modelDataUrl }, { kind: 'model-version', id: row.arn }, 'input');
    this.changed({ kind: 'version-created', ModelPackageGroupName: group.name, ModelPackageArn: row.arn, ModelApprovalStatus: row.approvalStatus });
    return { ModelPackageArn: row.arn };
  }

  describeVersion(arn: string): ModelPackageDescription {
    return describePackageRow(this.requirePackage(arn));
  }

  listVersions(request: ListModelPackagesRequest): { ModelPackageSummaryList: ModelPackageSummary[]; NextToken?: string } {
    // Unversioned packages do not exist in Lathe: asking for only those finds none.
    if (request.ModelPackageType === 'Unversioned') return { ModelPackageSummaryList: [] };
    const groupName = request.ModelPackageGroupName ? this.requireGroup(request.ModelPackageGroupName).name : undefined;
    const rows = this.deps.store.packages({ ...(groupName ? { groupName } : {}), ...(request.ModelApprovalStatus ? { status: request.ModelApprovalStatus } : {}), ...(request.NameContains ? { nameContains: request.NameContains } : {}) });
    // Versioned packages are named after their group: Name sorts by group, then version.
    const key = (r: PackageRow) => (request.SortBy === 'Name' ? `${r.groupName}\u0000${String(r.version).padStart(10, '0')}` : `${r.createdAt}\u0000${String(r.version).padStart(10, '0')}`);
    const page = this.page(sortBy(rows, key, request.SortOrder), request);
    return { ModelPackageSummaryList: page.page.map(summaryOf), ...(page.next ? { NextToken: page.next } : {}) };
  }

  /**
   * UpdateModelPackage. A status change writes its audit row in the same transaction; a refused
   * one writes a `refused` row and changes nothing else, so the trail shows every attempt.
   */
  updateVersion(request: UpdateModelPackageRequest, actor: string): { ModelPackageArn: string } {
    const row = this.requirePackage(request.ModelPackageArn);
    const to = request.ModelApprovalStatus ?? row.approvalStatus;
    const verdict = approvalVerdict(row.approvalStatus, to, request.ApprovalDescription);
    const entry = { ModelPackageArn: row.arn, At: this.now(), Actor: actor, FromStatus: row.approvalStatus, ToStatus: to, ...(request.ApprovalDescription ? { Comment: request.ApprovalDescription } : {}) };
    if (verdict.kind === 'refused') {
      this.deps.store.appendAudit({ ...entry, Outcome: 'refused' });
      throw precondition(`${row.arn} stays ${row.approvalStatus}: ${verdict.reason}`);
    }
    const next: PackageRow = {
      ...row,
      approvalStatus: to,
      approvalDescription: request.ApprovalDescription ?? row.approvalDescription,
      customerMetadata: { ...row.customerMetadata, ...(request.CustomerMetadataProperties ?? {}) },
      modifiedAt: entry.At,
    };
    this.deps.store.updatePackage(next, verdict.kind === 'allowed' ? { ...entry, Outcome: 'applied' } : null);
    this.changed({ kind: 'version-updated', ModelPackageGroupName: row.groupName, ModelPackageArn: row.arn, ModelApprovalStatus: to });
    return { ModelPackageArn: row.arn };
  }

  audit(arn: string): { entries: ReturnType<RegistryStore['audit']> } {
    return { entries: this.deps.store.audit(this.requirePackage(arn).arn) };
  }

  private requireGroup(nameOrArn: string): GroupRow {
    const name = groupNameOf(nameOrArn);
    const group = this.deps.store.group(name);
    if (!group) throw notFound(`no model package group named ${name}; create it first with CreateModelPackageGroup`);
    return group;
  }

  private requirePackage(arn: string): PackageRow {
    const row = this.deps.store.package(arn.toLowerCase().replace(/^arn:aws:sagemaker:[^:]*:[^:]*:/, `${ARN_PREFIX}:`));
    if (!row) throw notFound(`no model package ${arn}`);
    return row;
  }

  private completedJob(name: string): TrainingJobDescription {
    const job = this.deps.training.describe(name);
    if (job.TrainingJobStatus !== 'Completed') {
      throw precondition(`training job ${name} is ${job.TrainingJobStatus}; only a Completed job's model can be registered`, { TrainingJobStatus: job.TrainingJobStatus });
    }
    if (!job.ModelArtifacts) throw precondition(`training job ${name} completed without a model artifact to register`);
    return job;
  }

  private specFromJob(job: TrainingJobDescription): InferenceSpecification {
    const spec = job.AlgorithmSpecification;
    const named = [spec.TrainingImage, spec.AlgorithmName].find((v): v is string => typeof v === 'string' && v !== '');
    const image = named ?? 'lathe:process';
    return { Containers: [{ Image: image, ModelDataUrl: toS3Uri(job.ModelArtifacts!.S3ModelArtifacts, this.deps.training.objectStore) }] };
  }

  private page<T>(rows: T[], request: { NextToken?: string | undefined; MaxResults?: number | undefined }): { page: T[]; next?: string } {
    const page = pageOf(rows, request.NextToken, request.MaxResults);
    if (!page) throw invalid('NextToken is not one Lathe gave out');
    return page;
  }
}

function sortBy<T>(rows: T[], key: (row: T) => string, order: 'Ascending' | 'Descending' = 'Descending'): T[] {
  const sign = order === 'Ascending' ? 1 : -1;
  return [...rows].sort((a, b) => sign * (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

function describeGroupRow(row: GroupRow): ModelPackageGroupDescription {
  return {
    ModelPackageGroupName: row.name,
    ModelPackageGroupArn: groupArnOf(row.name),
    ...(row.description !== null ? { ModelPackageGroupDescription: row.description } : {}),
    CreationTime: row.createdAt,
    ModelPackageGroupStatus: 'Completed',
  };
}

function summaryOf(row: PackageRow): ModelPackageSummary {
  return {
    ModelPackageName: row.groupName,
    ModelPackageGroupName: row.groupName,
    ModelPackageVersion: row.version,
    ModelPackageArn: row.arn,
    ...(row.description !== null ? { ModelPackageDescription: row.description } : {}),
    CreationTime: row.createdAt,
    ModelPackageStatus: 'Completed',
    ModelApprovalStatus: row.approvalStatus,
  };
}

function describePackageRow(row: PackageRow): ModelPackageDescription {
  return {
    ...summaryOf(row),
    LastModifiedTime: row.modifiedAt,
    ModelPackageStatusDetails: { ValidationStatuses: [], ImageScanStatuses: [] },
    ...(row.approvalDescription !== null ? { ApprovalDescription: row.approvalDescription } : {}),
    ...(row.inferenceSpecification ? { InferenceSpecification: row.inferenceSpecification } : {}),
    ...(row.modelMetrics ? { ModelMetrics: row.modelMetrics } : {}),
    CustomerMetadataProperties: row.customerMetadata,
    CreatedBy: { UserProfileName: row.createdBy },
    ...(row.sourceTrainingJob ? { SourceTrainingJobName: row.sourceTrainingJob } : {}),
    ...(row.evidence ? { Evidence: row.evidence } : {}),
  };
}

/**
 * The model registry: package groups, their versions numbered 1, 2, 3… per group, and the approval
 * workflow whose every attempt, refused ones included, lands in an append-only audit trail.
 * A version can come from a Completed training job (Lathe's extension to CreateModelPackage) or
 * from a model.tar.gz on this machine. Approving checks the group's gates (gates.ts).
 */
import fs from 'node:fs';
import { conflict, invalid, notFound, precondition, unavailable } from '../api/errors';
import type { EventBus } from '../api/eventBus';
import type { EvaluationJob, FiledReport, GateCheck, GroupGates, InferenceSpecification, ModelCard, ModelCardExport, ModelEvidence, ModelPackageDescription, ModelPackageGroupDescription, ModelPackageSummary, RegistryChange, VersionEvidence } from '../contract/registry';
import type { EvaluateRequest, SaveCardRequest, CreateModelPackageGroupRequest, CreateModelPackageRequest, ListModelPackageGroupsRequest, ListModelPackagesRequest, SetGatesRequest, UpdateModelPackageRequest } from '../contract/registrySchemas';
import type { JobSummary, TrainingJobDescription } from '../contract/training';
import type { Logger } from '../log/logger';
import type { Disposable } from '../util/disposable';
import type { LineageEdge, LineageNode } from '../contract/experiments';
import { resolveDataUri, toS3Uri } from '../jobs/dataUri';
import { approvalVerdict } from './approval';
import { listPage, sortBy } from '../util/paging';
import { evaluateGates, ruleText, unknownMetricRules } from './gates';
import { RegistryEvaluations, type EvaluationDeps } from './evaluations';
import { EVALUATION_METRICS, championOf, metricDeltas, versionMetrics } from './evidence';
import { cardFileName, cardToHtml, cardToMarkdown, missingSections, prefillCard, type CardFacts } from './modelCards';
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
  /** Runs evaluation jobs; without it registry.evaluate answers unavailable. */
  processing?: EvaluationDeps['processing'];
  logger?: Logger;
  clock?: () => Date;
}

/** A group's name from its name or ARN (CreateModelPackage and ListModelPackages take either). */
function groupNameOf(nameOrArn: string): string {
  const match = /:model-package-group\/([^/]+)$/.exec(nameOrArn);
  return match ? match[1]! : nameOrArn;
}

export class RegistryService {
  private readonly evaluations: RegistryEvaluations | null;
  private readonly subscription: Disposable | null;

  constructor(private readonly deps: RegistryServiceDeps) {
    const processing = deps.processing;
    this.evaluations = processing
      ? new RegistryEvaluations({
          store: deps.store,
          processing,
          objectStore: deps.training.objectStore,
          changed: (change) => this.changed(change),
          filed: (arn) => this.autoApprove(arn),
          ...(deps.logger ? { logger: deps.logger } : {}),
          ...(deps.clock ? { clock: deps.clock } : {}),
        })
      : null;
    this.subscription = this.evaluations ? deps.bus.onEvent((name, payload) => (name === 'jobs.changed' ? this.evaluations?.onJobChanged(payload as JobSummary) : undefined)) : null;
    this.evaluations?.reconcile();
  }

  dispose(): void {
    this.subscription?.dispose();
    this.evaluations?.dispose();
  }

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
    const page = listPage(rows, request);
    return { ModelPackageGroupSummaryList: page.page.map(describeGroupRow), ...(page.next ? { NextToken: page.next } : {}) };
  }

  createVersion(request: CreateModelPackageRequest, actor: string): { ModelPackageArn: string } {
    const group = this.requireGroup(request.ModelPackageGroupName);
    const job = request.SourceTrainingJobName ? this.completedJob(request.SourceTrainingJobName) : null;
    // A model.tar.gz named by the caller must be on this machine; a job's is known to Lathe.
    const artifacts = request.InferenceSpecification ? this.modelFiles(request.InferenceSpecification as InferenceSpecification) : [];
    const spec = request.InferenceSpecification ?? (job ? this.specFromJob(job) : null);
    if (!spec) throw invalid('InferenceSpecification is required unless SourceTrainingJobName names the training job to register');
    const modelDataUrl = spec.Containers.find((c) => c.ModelDataUrl)?.ModelDataUrl ?? null;
    const evidence: ModelEvidence | null = job ? { Source: { TrainingJobName: job.TrainingJobName, TrainingJobArn: job.TrainingJobArn }, FinalMetrics: job.FinalMetricDataList.map((m) => ({ MetricName: m.MetricName, Value: m.Value })) } : null;
    const status = request.ModelApprovalStatus ?? 'PendingManualApproval';
    if (status === 'Approved') {
      // Registering straight as Approved passes the same gates as approving later (no reports yet).
      const gates = this.deps.store.gates(group.name);
      const check = evaluateGates({ MetricRules: gates.rules, RequiredReports: gates.reports }, evidence?.FinalMetrics ?? [], []);
      if (!check.Passed) throw precondition(`cannot register an Approved version in ${group.name}: it fails the group's gates: ${check.Unmet.join('; ')}`, { Unmet: check.Unmet });
    }
    const at = this.now();
    const row = this.deps.store.insertPackage(group.name, (version) => ({
      arn: packageArnOf(group.name, version),
      groupName: group.name,
      version,
      description: request.ModelPackageDescription ?? null,
      approvalStatus: status,
      approvalDescription: null,
      inferenceSpecification: spec as InferenceSpecification,
      modelMetrics: request.ModelMetrics ?? null,
      // The job's hyperparameters first, so what the caller gives explicitly wins.
      customerMetadata: { ...(job?.HyperParameters ?? {}), ...(request.CustomerMetadataProperties ?? {}) },
      modelDataUrl,
      sourceTrainingJob: job?.TrainingJobName ?? null,
      evidence,
      createdBy: actor,
      createdAt: at,
      modifiedAt: at,
    }));
    const lineageIds = job ? (modelDataUrl ? [modelDataUrl] : []) : artifacts;
    for (const id of new Set(lineageIds)) this.deps.lineage?.addLineage({ kind: 'model-artifact', id }, { kind: 'model-version', id: row.arn }, 'input');
    this.changed({ kind: 'version-created', ModelPackageGroupName: group.name, ModelPackageArn: row.arn, ModelApprovalStatus: row.approvalStatus });
    this.autoApprove(row.arn);
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
    const page = listPage(sortBy(rows, key, request.SortOrder), request);
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
    const refuse = () => {
      this.deps.store.appendAudit({ ...entry, Outcome: 'refused' });
      // The trail changed although the version did not: open views re-read it.
      this.changed({ kind: 'approval-refused', ModelPackageGroupName: row.groupName, ModelPackageArn: row.arn, ModelApprovalStatus: row.approvalStatus });
    };
    if (verdict.kind === 'refused') {
      refuse();
      throw precondition(`${row.arn} stays ${row.approvalStatus}: ${verdict.reason}`);
    }
    let overrideReason: string | undefined;
    if (verdict.kind === 'allowed' && to === 'Approved') {
      const check = this.gateCheck(row);
      overrideReason = check.Passed ? undefined : request.LatheOverrideReason?.trim();
      if (!check.Passed && !overrideReason) {
        refuse();
        throw precondition(
          `${row.arn} stays ${row.approvalStatus}: it fails ${check.Unmet.length} gate condition${check.Unmet.length === 1 ? '' : 's'} of group ${row.groupName}: ` +
            `${check.Unmet.join('; ')}. Meet them, or approve with LatheOverrideReason saying why.`,
          { Unmet: check.Unmet },
        );
      }
    }
    const next: PackageRow = {
      ...row,
      approvalStatus: to,
      approvalDescription: request.ApprovalDescription ?? row.approvalDescription,
      customerMetadata: { ...row.customerMetadata, ...(request.CustomerMetadataProperties ?? {}) },
      modifiedAt: entry.At,
    };
    this.deps.store.updatePackage(next, verdict.kind === 'allowed' ? { ...entry, Outcome: 'applied', ...(overrideReason ? { OverrideReason: overrideReason } : {}) } : null);
    this.changed({ kind: 'version-updated', ModelPackageGroupName: row.groupName, ModelPackageArn: row.arn, ModelApprovalStatus: to });
    return { ModelPackageArn: row.arn };
  }

  audit(arn: string): { entries: ReturnType<RegistryStore['audit']> } {
    return { entries: this.deps.store.audit(this.requirePackage(arn).arn) };
  }

  /** Replaces a group's gates; a rule on a metric none of its versions carries is refused. */
  setGates(request: SetGatesRequest): GroupGates {
    const group = this.requireGroup(request.ModelPackageGroupName);
    // What the group's versions carry, plus what an evaluation can add before it has run.
    const carried = this.deps.store.packages({ groupName: group.name }).flatMap((p) => versionMetrics(p.evidence, this.deps.store.latestReports(p.arn)).map((m) => m.MetricName));
    const known = new Set([...carried, ...EVALUATION_METRICS]);
    const unknown = unknownMetricRules(request.MetricRules, known);
    if (unknown.length > 0) {
      const training = [...new Set(carried)].filter((m) => !m.startsWith('evaluation:')).sort();
      const what = `${training.length > 0 ? `its versions carry ${training.join(', ')}` : 'its versions carry no training metrics yet'}; an evaluation adds evaluation:auc, evaluation:accuracy, evaluation:rmse and the like`;
      throw invalid(`group ${group.name} has no metric ${unknown.map((r) => r.Metric).join(', ')} (in ${unknown.map(ruleText).join('; ')}); ${what}`, { UnknownMetrics: unknown.map((r) => r.Metric) });
    }
    this.deps.store.setGates(group.name, request.MetricRules, request.RequiredReports, request.AutoApprove ?? false);
    this.changed({ kind: 'gates-set', ModelPackageGroupName: group.name });
    return this.getGates(group.name);
  }

  getGates(nameOrArn: string): GroupGates {
    const group = this.requireGroup(nameOrArn);
    const gates = this.deps.store.gates(group.name);
    return { ModelPackageGroupName: group.name, MetricRules: gates.rules, RequiredReports: gates.reports, AutoApprove: gates.autoApprove };
  }

  /**
   * New evidence (a version, its reports, its card): in a group whose gates auto-approve, a pending
   * version that now meets every gate is approved, with `lathe-gates` in the audit trail.
   */
  private autoApprove(arn: string): void {
    const row = this.deps.store.package(arn);
    if (!row || row.approvalStatus !== 'PendingManualApproval') return;
    const gates = this.deps.store.gates(row.groupName);
    if (!gates.autoApprove || gates.rules.length + gates.reports.length === 0 || !this.gateCheck(row).Passed) return;
    const met = [...gates.rules.map(ruleText), ...gates.reports.map((kind) => `${kind} report`)].join('; ');
    try {
      this.updateVersion({ ModelPackageArn: arn, ModelApprovalStatus: 'Approved', ApprovalDescription: `Approved by the gates of ${row.groupName}: ${met}`.slice(0, 1024) }, 'lathe-gates');
    } catch (error) {
      this.deps.logger?.error(`auto-approval of ${arn} failed`, error);
    }
  }

  /** Starts the evaluation job of a version on a test set; its reports are filed when it completes. */
  async evaluate(request: EvaluateRequest, actor: string): Promise<{ ProcessingJobName: string; ProcessingJobArn: string }> {
    if (!this.evaluations) throw unavailable('this Lathe runs no jobs, so it cannot evaluate a model');
    return this.evaluations.start(this.requirePackage(request.ModelPackageArn), request, actor);
  }

  listEvaluations(arn: string): { Evaluations: EvaluationJob[] } {
    return { Evaluations: this.evaluations?.list(this.requirePackage(arn).arn) ?? [] };
  }

  checkGates(arn: string): GateCheck {
    return this.gateCheck(this.requirePackage(arn));
  }

  /** Metrics with deltas against the group's champion, the latest reports, the gates and their check. */
  evidence(arn: string): VersionEvidence {
    const row = this.requirePackage(arn);
    const reports = this.reportsOf(row);
    const approvedAt = this.deps.store.approvalTimes(row.groupName);
    const approved = this.deps.store.packages({ groupName: row.groupName, status: 'Approved' }).map((p) => ({ ...p, approvedAt: approvedAt.get(p.arn) ?? p.createdAt }));
    const champion = championOf(approved, row.arn);
    const own = versionMetrics(row.evidence, reports);
    const theirs = champion ? versionMetrics(champion.evidence, this.deps.store.latestReports(champion.arn)) : null;
    return {
      ModelPackageArn: row.arn,
      ...(champion ? { Champion: { ModelPackageArn: champion.arn, ModelPackageVersion: champion.version } } : {}),
      Metrics: metricDeltas(own, theirs),
      Reports: reports,
      Gates: this.getGates(row.groupName),
      GateCheck: this.gateCheck(row, reports),
      Evaluations: this.evaluations?.list(row.arn) ?? [],
    };
  }

  /** The saved card, or one prefilled from the version's training job, metrics and evaluation. */
  getCard(arn: string): ModelCard {
    const row = this.requirePackage(arn);
    const saved = this.deps.store.card(row.arn);
    const content = saved?.content ?? prefillCard(this.cardFacts(row));
    const missing = missingSections(content);
    return { ModelPackageArn: row.arn, Content: content, Saved: saved !== null, Complete: missing.length === 0, Missing: missing, ...(saved ? { LastModifiedTime: saved.modifiedAt, LastModifiedBy: saved.modifiedBy } : {}) };
  }

  saveCard(request: SaveCardRequest, actor: string): ModelCard {
    const row = this.requirePackage(request.ModelPackageArn);
    this.deps.store.saveCard(row.arn, request.Content, this.now(), actor);
    this.changed({ kind: 'card-saved', ModelPackageGroupName: row.groupName, ModelPackageArn: row.arn, ModelApprovalStatus: row.approvalStatus });
    this.autoApprove(row.arn);
    return this.getCard(row.arn);
  }

  exportCard(arn: string, format: ModelCardExport['Format']): ModelCardExport {
    const card = this.getCard(arn);
    const row = this.requirePackage(arn);
    const title = `${row.groupName} v${row.version}`;
    return { Format: format, FileName: cardFileName(title, format), Text: format === 'markdown' ? cardToMarkdown(title, card.Content) : cardToHtml(title, card.Content) };
  }

  private cardFacts(row: PackageRow): CardFacts {
    const job = row.sourceTrainingJob ? this.trainingJobOrNull(row.sourceTrainingJob) : null;
    const reports = this.deps.store.latestReports(row.arn);
    const evaluation = reports.find((r) => r.Kind === 'evaluation');
    const rows = (evaluation?.Body.dataset as { rows?: unknown } | undefined)?.rows;
    const evaluationJob = evaluation?.ProcessingJobName ? this.deps.store.evaluation(evaluation.ProcessingJobName) : null;
    return {
      title: `${row.groupName} v${row.version}`,
      description: row.description,
      owner: row.createdBy,
      training: job
        ? {
            name: job.TrainingJobName,
            algorithm: String(job.AlgorithmSpecification.TrainingImage ?? job.AlgorithmSpecification.AlgorithmName ?? 'script'),
            channels: (job.InputDataConfig as Array<{ ChannelName: string; DataSource?: { S3DataSource?: { S3Uri?: string } } }>).map((c) => ({ name: c.ChannelName, uri: c.DataSource?.S3DataSource?.S3Uri ?? '' })),
            hyperparameters: job.HyperParameters ?? {},
          }
        : null,
      metrics: versionMetrics(row.evidence, reports),
      evaluation: evaluationJob ? { testDataUrl: evaluationJob.testDataUrl, rows: typeof rows === 'number' ? rows : null } : null,
    };
  }

  private trainingJobOrNull(name: string): TrainingJobDescription | null {
    try {
      return this.deps.training.describe(name);
    } catch {
      return null;
    }
  }

  /** The latest report of each kind, the model card counting as one once it is complete. */
  private reportsOf(row: PackageRow): FiledReport[] {
    const reports = this.deps.store.latestReports(row.arn).filter((r) => r.Kind !== 'model-card');
    const saved = this.deps.store.card(row.arn);
    if (saved && missingSections(saved.content).length === 0) reports.push({ ReportId: 0, Kind: 'model-card', CreationTime: saved.modifiedAt, Body: { format: 'lathe.model-card/1', ...saved.content } });
    return reports;
  }

  private gateCheck(row: PackageRow, reports: FiledReport[] = this.reportsOf(row)): GateCheck {
    const gates = this.deps.store.gates(row.groupName);
    return evaluateGates({ MetricRules: gates.rules, RequiredReports: gates.reports }, versionMetrics(row.evidence, reports), reports.map((r) => r.Kind));
  }

  /**
   * Each container's ModelDataUrl must name an existing file on this machine (s3:// in the local
   * object store, or file://). Answers the artifacts' canonical URIs for lineage.
   */
  private modelFiles(spec: InferenceSpecification): string[] {
    return spec.Containers.flatMap((container, i) => {
      if (container.ModelDataUrl === undefined) return [];
      const what = `InferenceSpecification.Containers[${i}].ModelDataUrl`;
      const local = resolveDataUri(container.ModelDataUrl, this.deps.training.objectStore, what);
      if (!fs.statSync(local, { throwIfNoEntry: false })?.isFile()) {
        throw invalid(`${what} ${JSON.stringify(container.ModelDataUrl)} names ${local}, which is not a file on this machine; give the path of an existing model.tar.gz`, { field: what, path: local });
      }
      return [toS3Uri(local, this.deps.training.objectStore)];
    });
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

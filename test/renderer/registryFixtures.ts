import { fireEvent, screen } from '@testing-library/react';
import type { ApprovalAuditEntry, EvaluationJob, FiledReport, GroupGates, ModelApprovalStatus, ModelCard, ModelPackageDescription, ModelPackageGroupDescription, ModelPackageSummary, VersionEvidence } from '../../main/contract/registry';
import { fail, ok } from '../../main/contract/result';
import { useRegistryStore } from '../../renderer/state/registryStore';
import { useRegistryVersionStore } from '../../renderer/state/registryVersionStore';
import { FakeBridge } from './fakeBridge';
import { renderApp } from './harness';

/** Groups, versions, evidence, reports and a bridge answering for them, shared by the Registry pane tests. */

export const GROUP = 'FraudDetectionModels';
export const T0 = '2026-03-01T10:00:00.000Z';

export const arnOf = (version: number) => `arn:aws:sagemaker:local:000000000000:model-package/frauddetectionmodels/${version}`;

export function group(name = GROUP, description?: string): ModelPackageGroupDescription {
  return {
    ModelPackageGroupName: name,
    ModelPackageGroupArn: `arn:aws:sagemaker:local:000000000000:model-package-group/${name.toLowerCase()}`,
    ...(description ? { ModelPackageGroupDescription: description } : {}),
    CreationTime: T0,
    ModelPackageGroupStatus: 'Completed',
  };
}

export function summary(version: number, status: ModelApprovalStatus = 'PendingManualApproval', description = `XGBoost Fraud v${version}`): ModelPackageSummary {
  return {
    ModelPackageName: GROUP,
    ModelPackageGroupName: GROUP,
    ModelPackageVersion: version,
    ModelPackageArn: arnOf(version),
    ModelPackageDescription: description,
    CreationTime: new Date(Date.parse(T0) + version * 60_000).toISOString(),
    ModelPackageStatus: 'Completed',
    ModelApprovalStatus: status,
  };
}

export function description(version: number, status: ModelApprovalStatus = 'PendingManualApproval', auc = 0.97): ModelPackageDescription {
  const job = `fraud-xgb-${version}`;
  return {
    ...summary(version, status),
    LastModifiedTime: T0,
    ModelPackageStatusDetails: { ValidationStatuses: [], ImageScanStatuses: [] },
    InferenceSpecification: { Containers: [{ Image: 'xgboost', ModelDataUrl: `s3://lathe-demo/fraud/output/${job}/output/model.tar.gz` }], SupportedContentTypes: ['text/csv'], SupportedResponseMIMETypes: ['text/csv'] },
    CustomerMetadataProperties: { eta: '0.2', max_depth: '5' },
    CreatedBy: { UserProfileName: 'me' },
    SourceTrainingJobName: job,
    Evidence: {
      Source: { TrainingJobName: job, TrainingJobArn: `arn:aws:sagemaker:local:000000000000:training-job/${job}` },
      FinalMetrics: [
        { MetricName: 'train:auc', Value: 0.99 },
        { MetricName: 'validation:auc', Value: auc },
        { MetricName: 'validation:logloss', Value: 0.11 },
      ],
    },
  };
}

export const GATES: GroupGates = { ModelPackageGroupName: GROUP, MetricRules: [{ Metric: 'validation:auc', Op: '>=', Threshold: 0.5 }], RequiredReports: ['evaluation'] };

export const EVALUATION_BODY = {
  format: 'lathe.evaluation/1',
  problem_type: 'binary',
  dataset: { rows: 2000, features: ['amount', 'hour', 'merchant_risk', 'velocity_24h'] },
  model: { algorithm: 'xgboost', objective: 'binary:logistic' },
  metrics: { auc: 0.9712, accuracy: 0.95, precision: 0.8, recall: 0.7, f1: 0.746, log_loss: 0.12, threshold: 0.5 },
  confusion_matrix: { labels: [0, 1], matrix: [[1540, 60], [40, 360]] },
  roc: { fpr: [0, 0.05, 0.2, 1], tpr: [0, 0.7, 0.9, 1], thresholds: ['Infinity', 0.8, 0.4, 0] },
};

export const EXPLAINABILITY_BODY = {
  format: 'lathe.explainability/1',
  method: 'tree-shap',
  rows: 2000,
  expected_value: -1.2,
  features: [
    { name: 'velocity_24h', importance: 1.4, mean_shap: 0.2 },
    { name: 'merchant_risk', importance: 0.9, mean_shap: 0.1 },
    { name: 'amount', importance: 0.5, mean_shap: -0.05 },
    { name: 'hour', importance: 0.1, mean_shap: 0 },
  ],
};

export const BIAS_BODY = {
  format: 'lathe.bias/1',
  facet: { name_or_index: 'hour', value_or_threshold: '(20, 23]' },
  counts: { n_a: 1700, n_d: 300 },
  pre_training_bias_metrics: { facets: { hour: [{ value_or_threshold: '(20, 23]', metrics: [{ name: 'CI', description: 'Class Imbalance (CI)', value: 0.7 }, { name: 'DPL', description: 'Difference in Positive Proportions in Labels (DPL)', value: -0.02 }] }] } },
  post_training_bias_metrics: { facets: { hour: [{ value_or_threshold: '(20, 23]', metrics: [{ name: 'DPPL', description: 'DPPL', value: null, error: 'facet d is empty' }, { name: 'DI', description: 'Disparate Impact (DI)', value: 'Infinity' }] }] } },
};

export function report(kind: FiledReport['Kind'], body: Record<string, unknown>, id = 1): FiledReport {
  return { ReportId: id, Kind: kind, CreationTime: T0, ProcessingJobName: 'eval-frauddetectionmodels-v1-abc', Body: body };
}

export function evidence(version: number, overrides: Partial<VersionEvidence> = {}): VersionEvidence {
  return {
    ModelPackageArn: arnOf(version),
    Metrics: [
      { Name: 'validation:auc', Value: 0.97, Source: 'training' },
      { Name: 'validation:logloss', Value: 0.11, Source: 'training' },
    ],
    Reports: [],
    Gates: GATES,
    GateCheck: { Passed: false, Unmet: ['required evaluation report: none filed for the version'] },
    Evaluations: [],
    ...overrides,
  };
}

export function evaluationJob(status: EvaluationJob['Status'], extra: Partial<EvaluationJob> = {}): EvaluationJob {
  return { ProcessingJobName: 'eval-frauddetectionmodels-v1-abc', ModelPackageArn: arnOf(1), Status: status, Reports: ['evaluation', 'explainability'], TestDataUrl: 's3://lathe-demo/fraud/test', CreationTime: T0, ...extra };
}

export function card(overrides: Partial<ModelCard> = {}): ModelCard {
  return {
    ModelPackageArn: arnOf(1),
    Content: { IntendedUse: '', TrainingData: 'Trained by job fraud-xgb-1 (xgboost).', Metrics: '- validation:auc: 0.97', Limitations: '', EthicalConsiderations: '', Owner: 'me' },
    Saved: false,
    Complete: false,
    Missing: ['IntendedUse', 'Limitations', 'EthicalConsiderations'],
    ...overrides,
  };
}

export function auditEntry(id: number, outcome: ApprovalAuditEntry['Outcome'], extra: Partial<ApprovalAuditEntry> = {}): ApprovalAuditEntry {
  return { Id: id, ModelPackageArn: arnOf(1), At: T0, Actor: 'me', FromStatus: 'PendingManualApproval', ToStatus: 'Approved', Outcome: outcome, ...extra };
}

export interface RegistryWorld {
  versions: ModelPackageSummary[];
  descriptions: Record<string, ModelPackageDescription>;
  evidence: VersionEvidence;
  audit: ApprovalAuditEntry[];
  evaluations: EvaluationJob[];
  card: ModelCard;
}

/** A bridge over a mutable world: one group, three versions (Pending, Approved, Rejected). */
export function registryBridge(world: Partial<RegistryWorld> = {}, overrides: ConstructorParameters<typeof FakeBridge>[0] = {}) {
  const state: RegistryWorld = {
    versions: [summary(3, 'Rejected'), summary(2, 'Approved'), summary(1)],
    descriptions: {},
    evidence: evidence(1),
    audit: [],
    evaluations: [],
    card: card(),
    ...world,
  };
  const describe = (arn: string) => state.descriptions[arn] ?? description(Number(arn.split('/').pop()), state.versions.find((v) => v.ModelPackageArn === arn)?.ModelApprovalStatus);
  const bridge = new FakeBridge({
    'registry.listGroups': () => ok({ ModelPackageGroupSummaryList: [group(GROUP, 'Card fraud models')] }),
    'registry.listVersions': () => ok({ ModelPackageSummaryList: state.versions }),
    'registry.describeVersion': ({ ModelPackageName }) => ok(describe(ModelPackageName)),
    'registry.getGates': () => ok(GATES),
    'registry.evidence': () => ok(state.evidence),
    'registry.audit': () => ok({ entries: state.audit }),
    'registry.evaluations': () => ok({ Evaluations: state.evaluations }),
    'registry.getCard': () => ok(state.card),
    'registry.describeGroup': ({ ModelPackageGroupName }) => (ModelPackageGroupName === GROUP ? ok(group()) : fail('not-found', 'no such group')),
    ...overrides,
  });
  return { bridge, state };
}

export async function openRegistry(bridge: FakeBridge) {
  renderApp(bridge);
  fireEvent.click(await screen.findByRole('button', { name: 'Registry' }));
  return bridge;
}

/** Opens version `n` of the (auto-selected) group, on the given tab. */
export async function openVersion(bridge: FakeBridge, n: number, tab?: string) {
  await openRegistry(bridge);
  fireEvent.click(await screen.findByRole('button', { name: `Version ${n}` }, { timeout: 10_000 }));
  await screen.findByRole('heading', { level: 1, name: new RegExp(`^Version ${n}`) });
  if (tab) fireEvent.click(screen.getByRole('tab', { name: tab }));
}

export function resetRegistry(): void {
  useRegistryVersionStore.getState().close();
  useRegistryVersionStore.setState(useRegistryVersionStore.getInitialState(), true);
  useRegistryStore.setState(useRegistryStore.getInitialState(), true);
}

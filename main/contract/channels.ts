/**
 * Every channel and event name Lathe speaks, and what each answers. The renderer, the preload,
 * the loopback server, the CLI and the SDK all take their names from here and nowhere else.
 */
import type { ArtifactListing, ArtifactPreview, Experiment, ExperimentChange, MetricHistory, PurgeResult, Run, RunDetail } from './experiments';
import type { ApprovalAuditEntry, EvaluationJob, GateCheck, GroupGates, ModelCard, ModelCardExport, ModelPackageDescription, ModelPackageGroupDescription, ModelPackageGroupSummary, ModelPackageSummary, RegistryChange, VersionEvidence } from './registry';
import type { CapturedData, ShadowReport, TransformJobDescription, VariantMetricsReport } from './endpoints';
import type { EndpointChange, EndpointConfigDescription, EndpointDescription, EndpointSummary, InvokeResult, ModelDescription } from './endpoints';
import type { NotebookChange, NotebookEnvironment, NotebookRunResult, NotebookServerStatus, OpenedNotebook, WorkspaceEntry, WorkspaceListing } from './notebooks';
import type { AppInfo, EventLogEntry, PythonEnv, Settings, SystemInfo } from './model';
import type {
  AlgorithmInfo,
  DataPreview,
  FileListing,
  JobLogLine,
  JobLogPage,
  JobMetricSeries,
  JobSummary,
  ProcessingJobDescription,
  ProcessingJobSummary,
  TrainingJobDescription,
  TrainingJobSummary,
} from './training';

export const CHANNELS = [
  'app.info',
  'system.info',
  'system.probePython',
  'settings.get',
  'settings.update',
  'events.list',
  'training.create',
  'training.describe',
  'training.list',
  'training.stop',
  'training.interrupt',
  'training.metrics',
  'training.logs',
  'training.algorithms',
  'processing.create',
  'processing.describe',
  'processing.list',
  'processing.stop',
  'processing.logs',
  'files.list',
  'files.preview',
  'experiments.list',
  'experiments.create',
  'experiments.delete',
  'experiments.restore',
  'experiments.purge',
  'runs.search',
  'runs.get',
  'runs.metricHistory',
  'runs.delete',
  'runs.restore',
  'runs.purge',
  'runs.artifacts',
  'runs.artifactPreview',
  'registry.createGroup',
  'registry.describeGroup',
  'registry.listGroups',
  'registry.createVersion',
  'registry.describeVersion',
  'registry.listVersions',
  'registry.updateVersion',
  'registry.audit',
  'registry.setGates',
  'registry.getGates',
  'registry.checkGates',
  'registry.evaluate',
  'registry.evaluations',
  'registry.evidence',
  'registry.getCard',
  'registry.saveCard',
  'registry.exportCard',
  'endpoints.createModel',
  'endpoints.describeModel',
  'endpoints.listModels',
  'endpoints.deleteModel',
  'endpoints.createConfig',
  'endpoints.describeConfig',
  'endpoints.listConfigs',
  'endpoints.deleteConfig',
  'endpoints.create',
  'endpoints.describe',
  'endpoints.list',
  'endpoints.update',
  'endpoints.delete',
  'endpoints.invoke',
  'endpoints.sample',
  'endpoints.metrics',
  'endpoints.logs',
  'endpoints.captured',
  'transform.create',
  'transform.describe',
  'transform.list',
  'transform.stop',
  'autoscaling.registerTarget',
  'autoscaling.describeTargets',
  'autoscaling.deregisterTarget',
  'autoscaling.putPolicy',
  'autoscaling.describePolicies',
  'autoscaling.deletePolicy',
  'autoscaling.describeActivities',
  'notebooks.environment',
  'notebooks.server',
  'notebooks.start',
  'notebooks.stop',
  'notebooks.list',
  'notebooks.open',
  'notebooks.save',
  'notebooks.create',
  'notebooks.rename',
  'notebooks.delete',
  'notebooks.upload',
  'notebooks.run',
] as const;

export type Channel = (typeof CHANNELS)[number];

/** What each channel answers on success. */
export interface ChannelResponses {
  'app.info': AppInfo;
  'system.info': SystemInfo;
  'system.probePython': PythonEnv;
  'settings.get': Settings;
  'settings.update': Settings;
  'events.list': EventLogEntry[];
  'training.create': { TrainingJobArn: string };
  'training.describe': TrainingJobDescription;
  'training.list': { TrainingJobSummaries: TrainingJobSummary[]; NextToken?: string };
  'training.stop': Record<string, never>;
  'training.interrupt': Record<string, never>;
  'training.metrics': { series: JobMetricSeries[] };
  'training.logs': JobLogPage;
  'training.algorithms': { algorithms: AlgorithmInfo[] };
  'processing.create': { ProcessingJobArn: string };
  'processing.describe': ProcessingJobDescription;
  'processing.list': { ProcessingJobSummaries: ProcessingJobSummary[]; NextToken?: string };
  'processing.stop': Record<string, never>;
  'processing.logs': JobLogPage;
  'files.list': FileListing;
  'files.preview': DataPreview;
  'experiments.list': { experiments: Experiment[] };
  'experiments.create': Experiment;
  'experiments.delete': Experiment;
  'experiments.restore': Experiment;
  'experiments.purge': PurgeResult;
  'runs.search': { runs: Run[]; nextPageToken?: string };
  'runs.get': RunDetail;
  'runs.metricHistory': MetricHistory;
  'runs.delete': { runs: number };
  'runs.restore': { runs: number };
  'runs.purge': PurgeResult;
  'runs.artifacts': ArtifactListing;
  'runs.artifactPreview': ArtifactPreview;
  'registry.createGroup': { ModelPackageGroupArn: string };
  'registry.describeGroup': ModelPackageGroupDescription;
  'registry.listGroups': { ModelPackageGroupSummaryList: ModelPackageGroupSummary[]; NextToken?: string };
  'registry.createVersion': { ModelPackageArn: string };
  'registry.describeVersion': ModelPackageDescription;
  'registry.listVersions': { ModelPackageSummaryList: ModelPackageSummary[]; NextToken?: string };
  'registry.updateVersion': { ModelPackageArn: string };
  'registry.audit': { entries: ApprovalAuditEntry[] };
  'registry.setGates': GroupGates;
  'registry.getGates': GroupGates;
  'registry.checkGates': GateCheck;
  'registry.evaluate': { ProcessingJobName: string; ProcessingJobArn: string };
  'registry.evaluations': { Evaluations: EvaluationJob[] };
  'registry.evidence': VersionEvidence;
  'registry.getCard': ModelCard;
  'registry.saveCard': ModelCard;
  'registry.exportCard': ModelCardExport;
  'endpoints.createModel': { ModelArn: string };
  'endpoints.describeModel': ModelDescription;
  'endpoints.listModels': { Models: Array<{ ModelName: string; ModelArn: string; CreationTime: string }>; NextToken?: string };
  'endpoints.deleteModel': Record<string, never>;
  'endpoints.createConfig': { EndpointConfigArn: string };
  'endpoints.describeConfig': EndpointConfigDescription;
  'endpoints.listConfigs': { EndpointConfigs: Array<{ EndpointConfigName: string; EndpointConfigArn: string; CreationTime: string }>; NextToken?: string };
  'endpoints.deleteConfig': Record<string, never>;
  'endpoints.create': { EndpointArn: string };
  'endpoints.describe': EndpointDescription;
  'endpoints.list': { Endpoints: EndpointSummary[]; NextToken?: string };
  'endpoints.update': { EndpointArn: string };
  'endpoints.delete': Record<string, never>;
  'endpoints.invoke': InvokeResult;
  'endpoints.sample': { ContentType: 'text/csv'; Body: string; Source: string };
  'endpoints.metrics': { EndpointName: string; Variants: Array<{ VariantName: string } & VariantMetricsReport>; Shadows?: ShadowReport[] };
  'endpoints.logs': { EndpointName: string; EndpointConfigName: string; Workers: Array<{ Variant: string; Worker: number; File: string; Lines: string[] }> };
  'endpoints.captured': CapturedData;
  'transform.create': { TransformJobArn: string };
  'transform.describe': TransformJobDescription;
  'transform.list': { TransformJobSummaries: Array<Pick<TransformJobDescription, 'TransformJobName' | 'TransformJobArn' | 'TransformJobStatus' | 'CreationTime' | 'TransformEndTime' | 'FailureReason'>>; NextToken?: string };
  'transform.stop': Record<string, never>;
  'autoscaling.registerTarget': { ScalableTargetARN: string };
  'autoscaling.describeTargets': { ScalableTargets: Array<Record<string, unknown>>; NextToken?: string };
  'autoscaling.deregisterTarget': Record<string, never>;
  'autoscaling.putPolicy': { PolicyARN: string; Alarms: Array<{ AlarmName: string; AlarmARN: string }> };
  'autoscaling.describePolicies': { ScalingPolicies: Array<Record<string, unknown>>; NextToken?: string };
  'autoscaling.deletePolicy': Record<string, never>;
  'autoscaling.describeActivities': { ScalingActivities: Array<Record<string, unknown>>; NextToken?: string };
  'notebooks.environment': NotebookEnvironment;
  'notebooks.server': NotebookServerStatus;
  'notebooks.start': NotebookServerStatus;
  'notebooks.stop': NotebookServerStatus;
  'notebooks.list': WorkspaceListing;
  'notebooks.open': OpenedNotebook;
  'notebooks.save': { Path: string; Modified: string };
  'notebooks.create': WorkspaceEntry;
  'notebooks.rename': WorkspaceEntry;
  'notebooks.delete': { Path: string; TrashedTo: string };
  'notebooks.upload': WorkspaceEntry;
  'notebooks.run': NotebookRunResult;
}

export const EVENTS = ['system.changed', 'settings.changed', 'events.changed', 'jobs.changed', 'jobs.log', 'experiments.changed', 'registry.changed', 'endpoints.changed', 'notebooks.changed'] as const;

export type EventName = (typeof EVENTS)[number];

export interface EventPayloads {
  'system.changed': SystemInfo;
  'settings.changed': Settings;
  'events.changed': EventLogEntry;
  'jobs.changed': JobSummary;
  'jobs.log': JobLogLine;
  'experiments.changed': ExperimentChange;
  'registry.changed': RegistryChange;
  'endpoints.changed': EndpointChange;
  'notebooks.changed': NotebookChange;
}

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && (CHANNELS as readonly string[]).includes(value);
}

export function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && (EVENTS as readonly string[]).includes(value);
}

/**
 * Models, endpoint configs and endpoints in SageMaker's shapes (sagemaker-contracts.md §4.5).
 * Times are ISO strings here; the SageMaker wire turns them into epoch seconds.
 */

export const ENDPOINT_STATUSES = ['Creating', 'InService', 'Updating', 'RollingBack', 'Failed', 'Deleting', 'OutOfService'] as const;
export type EndpointStatus = (typeof ENDPOINT_STATUSES)[number];

export interface ContainerDefinition {
  Image?: string;
  ModelDataUrl?: string;
  /** A registry version's ARN: its model and image are used, and it must be Approved. */
  ModelPackageName?: string;
  Environment?: Record<string, string>;
  ContainerHostname?: string;
  [key: string]: unknown;
}

export interface ModelDescription {
  ModelName: string;
  ModelArn: string;
  PrimaryContainer?: ContainerDefinition;
  Containers?: ContainerDefinition[];
  ExecutionRoleArn?: string;
  CreationTime: string;
  /** Lathe: what serves it ("built-in xgboost", …) and the model file it loads. */
  LatheServer?: { Kind: 'builtin'; Algorithm: string; ModelDataPath: string } | { Kind: 'container'; Image: string; ModelDataPath?: string; CodePath?: string };
}

export interface ProductionVariant {
  VariantName: string;
  ModelName: string;
  InitialInstanceCount?: number;
  InstanceType?: string;
  InitialVariantWeight?: number;
  ContainerStartupHealthCheckTimeoutInSeconds?: number;
  [key: string]: unknown;
}

export interface EndpointConfigDescription {
  EndpointConfigName: string;
  EndpointConfigArn: string;
  ProductionVariants: ProductionVariant[];
  ShadowProductionVariants?: ProductionVariant[];
  DataCaptureConfig?: Record<string, unknown>;
  CreationTime: string;
}

export interface VariantSummary {
  VariantName: string;
  CurrentWeight: number;
  DesiredWeight: number;
  CurrentInstanceCount: number;
  DesiredInstanceCount: number;
  VariantStatus?: Array<{ Status: 'Creating' | 'Updating' | 'Deleting' | 'ActivatingTraffic' | 'Baking'; StatusMessage?: string; StartTime: string }>;
  DeployedImages?: Array<{ SpecifiedImage: string; ResolvedImage: string; ResolutionTime: string }>;
}

export interface EndpointDescription {
  EndpointName: string;
  EndpointArn: string;
  EndpointConfigName: string;
  EndpointStatus: EndpointStatus;
  FailureReason?: string;
  ProductionVariants?: VariantSummary[];
  ShadowProductionVariants?: VariantSummary[];
  CreationTime: string;
  LastModifiedTime: string;
  DataCaptureConfig?: { EnableCapture: boolean; CaptureStatus: 'Started' | 'Stopped'; CurrentSamplingPercentage: number; DestinationS3Uri?: string };
  /** Lathe: while an update or roll back is under way, the config being rolled out. */
  PendingEndpointConfigName?: string;
}

export interface EndpointSummary {
  EndpointName: string;
  EndpointArn: string;
  EndpointStatus: EndpointStatus;
  CreationTime: string;
  LastModifiedTime: string;
}

/** endpoints.invoke's answer: what InvokeEndpoint returns, plus Lathe's timings. */
export interface InvokeResult {
  /** The model's answer, as text when it is UTF-8, else base64 (BodyEncoding says which). */
  Body: string;
  BodyEncoding: 'utf8' | 'base64';
  ContentType: string;
  InvokedProductionVariant: string;
  /** Time in the model worker, and Lathe's own time around it, in milliseconds. */
  ModelLatencyMs: number;
  OverheadLatencyMs: number;
}

/** What `endpoints.changed` carries. */
export interface EndpointChange {
  kind: 'model' | 'config' | 'endpoint';
  name: string;
  EndpointStatus?: EndpointStatus;
}

export interface LatencyPercentiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/** endpoints.metrics for one variant: CloudWatch's names, latencies in milliseconds. */
export interface VariantMetricsReport {
  Invocations: number;
  Invocation4XXErrors: number;
  Invocation5XXErrors: number;
  ModelLatency: LatencyPercentiles;
  OverheadLatency: LatencyPercentiles;
  /** Requests that found the variant scaled to zero and waited for a worker: when, and how long. */
  ColdStarts: Array<{ Time: string; Milliseconds: number }>;
  /** One point per StepSeconds, oldest first. */
  Series: Array<{ Time: string; Invocations: number; Errors: number; Workers: number }>;
}

/** DescribeTransformJob, with Lathe's progress and the processing job that runs it. */
export interface TransformJobDescription {
  TransformJobName: string;
  TransformJobArn: string;
  TransformJobStatus: 'InProgress' | 'Completed' | 'Failed' | 'Stopping' | 'Stopped';
  FailureReason?: string;
  ModelName: string;
  BatchStrategy?: string;
  MaxPayloadInMB?: number;
  TransformInput: Record<string, unknown>;
  TransformOutput: Record<string, unknown>;
  TransformResources: Record<string, unknown>;
  CreationTime: string;
  TransformStartTime?: string;
  TransformEndTime?: string;
  LatheProgress?: { FilesDone: number; FilesTotal: number; RecordsDone: number; RecordsTotal: number };
  LatheProcessingJobName: string;
}

/** A shadow variant's record: how its answers compared with production's. */
export interface ShadowReport {
  VariantName: string;
  Invocations: number;
  Errors: number;
  /** Copies not sent because too many were already waiting on the shadow. */
  Dropped: number;
  Matches: number;
  Mismatches: number;
  MeanAbsDifference: number | null;
  RecentMismatches: Array<{ Time: string; Request: string; Production: string; Shadow: string }>;
}

/** One side of a captured call as data capture wrote it; Data is cut at a few KB (OriginalLength then says how long it was). */
export interface CapturedPayload {
  /** observedContentType. */
  ContentType: string;
  /** CSV, JSON or BASE64. */
  Encoding: string;
  Data: string;
  OriginalLength?: number;
}

/** One line of a capture file (eventMetadata and captureData), with where it was read. */
export interface CapturedRecord {
  Variant: string;
  /** The capture file on this machine. */
  File: string;
  EventId: string;
  InferenceTime: string;
  InferenceId?: string;
  /** Absent when the config captures only the other side (CaptureMode Input or Output). */
  Input?: CapturedPayload;
  Output?: CapturedPayload;
}

/** endpoints.captured: the newest captured calls of an endpoint, newest first. */
export interface CapturedData {
  EndpointName: string;
  /** Whether the endpoint's current config captures. */
  Enabled: boolean;
  /** DataCaptureConfig.DestinationS3Uri, as given. */
  Destination?: string;
  /** Where this endpoint's capture files are on this machine (`<destination>/<endpoint>`). */
  Folder?: string;
  SamplingPercentage?: number;
  Records: CapturedRecord[];
  /** Lines of the files read that did not parse as capture records. */
  Skipped: number;
}

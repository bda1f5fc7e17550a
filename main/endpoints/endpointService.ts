/**
 * Local real-time endpoints: models, endpoint configs and endpoints in SageMaker's shapes, each
 * endpoint a Deployment of worker processes per variant. Creating an endpoint starts its workers
 * and makes it InService once every variant answers /ping, or Failed with the reason. UpdateEndpoint
 * is blue/green: the new config's workers must be ready before traffic moves, the old ones then
 * drain; if the new ones fail, the endpoint keeps serving the old config and says why.
 * Invocations arrive from the SageMaker runtime wire (InvokeEndpoint) and from endpoints.invoke.
 */
import path from 'node:path';
import type Docker from 'dockerode';
import { LatheFault, notFound } from '../api/errors';
import { validationConflict } from './catalog';
import type { EventBus } from '../api/eventBus';
import { SageMakerError } from '../compat/errors';
import type { InvocationRequest, InvocationResult } from '../compat/sagemakerRuntime';
import type { ContainerDefinition, EndpointDescription, EndpointStatus, EndpointSummary, InvokeResult } from '../contract/endpoints';
import type { CreateEndpointRequest, InvokeEndpointRequest, ListEndpointsRequest, UpdateEndpointRequest } from '../contract/endpointSchemas';
import type { Logger } from '../log/logger';
import { listPage, sortBy } from '../util/paging';
import { Deployment, type VariantPlan } from './deployment';
import type { EndpointRow, EndpointStore, ModelServer } from './endpointStore';
import type { ResolveDeps } from './modelServer';
import { samplePayload } from './samplePayload';
import { CaptureWriter, captureSettingsOf } from './dataCapture';
import { invokeDeployment } from './invocation';
import { workerLogs } from './workerLogs';
import { variantLaunch } from './variantLaunch';
import { localDockerClient } from '../jobs/dockerBackend';
import { ShadowStats, type ShadowReport } from './shadow';
import { VariantMetrics, type VariantMetricsReport } from './variantMetrics';
import type { VariantPool } from './workerPool';
import type { TrainingJobDescription } from '../contract/training';

const ARN = 'arn:aws:sagemaker:local:000000000000';
const DEFAULT_STARTUP_SECONDS = 240;
const INVOCATION_TIMEOUT_MS = 60_000;
/** How long old workers may finish what they are answering after traffic moves. */
const DRAIN_MS = 30_000;

export interface EndpointServiceDeps {
  store: EndpointStore;
  bus: EventBus;
  logger: Logger;
  home: string;
  objectStore: string;
  registry: Pick<ResolveDeps, 'describeVersion'>;
  training: { describe(name: string): TrainingJobDescription };
  python: () => Promise<string | null>;
  pythonPath: string;
  /** Whether this Lathe runs endpoint workers (a one-off CLI call records endpoints but runs none). */
  serve: boolean;
  clock?: () => Date;
  /** The Docker engine for models served by an image (default: this machine's). */
  docker?: () => Docker;
}

export class EndpointService {
  private readonly live = new Map<string, Deployment>();
  /** Endpoints whose (re)deployment is under way, so describe/update/delete know. */
  private readonly busy = new Map<string, Promise<void>>();
  /** Deployments whose workers are starting, so dispose can stop them too. */
  private readonly starting = new Set<Deployment>();
  private readonly capturer: CaptureWriter;
  private readonly metrics = new Map<string, VariantMetrics>();
  private readonly shadowStats = new Map<string, ShadowStats>();
  private disposed = false;

  constructor(private readonly deps: EndpointServiceDeps) {
    this.capturer = new CaptureWriter(deps.logger.child('capture'));
    if (!deps.serve) return;
    // Endpoints this Lathe served before it stopped come back with their current config.
    for (const row of deps.store.endpoints()) {
      if (row.status === 'Failed' || row.status === 'Deleting') continue;
      this.save({ ...row, status: 'Creating', pendingConfig: null });
      this.deploy(row.name, row.configName, 'create');
    }
  }

  private now(): string {
    return (this.deps.clock?.() ?? new Date()).toISOString();
  }

  private changed(kind: 'model' | 'config' | 'endpoint', name: string, status?: EndpointStatus): void {
    this.deps.bus.emit('endpoints.changed', { kind, name, ...(status ? { EndpointStatus: status } : {}) });
  }

  createEndpoint(request: CreateEndpointRequest): { EndpointArn: string } {
    if (this.deps.store.endpoint(request.EndpointName)) throw validationConflict(`Cannot create already existing endpoint "${ARN}:endpoint/${request.EndpointName.toLowerCase()}".`);
    const config = this.requireConfig(request.EndpointConfigName);
    const at = this.now();
    this.deps.store.insertEndpoint({ name: request.EndpointName, configName: config, pendingConfig: null, status: 'Creating', failureReason: null, createdAt: at, modifiedAt: at });
    this.changed('endpoint', request.EndpointName, 'Creating');
    if (this.deps.serve) this.deploy(request.EndpointName, config, 'create');
    return { EndpointArn: `${ARN}:endpoint/${request.EndpointName.toLowerCase()}` };
  }

  describeEndpoint(name: string): EndpointDescription {
    const row = this.requireEndpoint(name);
    const live = this.live.get(row.name);
    return {
      EndpointName: row.name,
      EndpointArn: `${ARN}:endpoint/${row.name.toLowerCase()}`,
      EndpointConfigName: row.configName,
      EndpointStatus: row.status,
      ...(row.failureReason ? { FailureReason: row.failureReason } : {}),
      ...(live ? { ProductionVariants: live.summaries() } : this.plannedVariants(row)),
      ...(live && live.shadows.length > 0 ? { ShadowProductionVariants: live.summaries(true) } : {}),
      ...(live?.capture
        ? { DataCaptureConfig: { EnableCapture: true, CaptureStatus: 'Started', CurrentSamplingPercentage: live.capture.samplingPercentage, DestinationS3Uri: String((this.deps.store.config(live.configName)?.request.DataCaptureConfig as { DestinationS3Uri?: string } | undefined)?.DestinationS3Uri ?? '') } }
        : {}),
      CreationTime: row.createdAt,
      LastModifiedTime: row.modifiedAt,
      ...(row.pendingConfig ? { PendingEndpointConfigName: row.pendingConfig } : {}),
    };
  }

  /** While nothing runs yet: the config's variants, none of their workers ready. */
  private plannedVariants(row: EndpointRow): { ProductionVariants?: EndpointDescription['ProductionVariants'] } {
    if (row.status !== 'Creating') return {};
    const config = this.deps.store.config(row.configName);
    if (!config) return {};
    return {
      ProductionVariants: config.request.ProductionVariants.map((v) => ({
        VariantName: v.VariantName,
        CurrentWeight: v.InitialVariantWeight ?? 1,
        DesiredWeight: v.InitialVariantWeight ?? 1,
        CurrentInstanceCount: 0,
        DesiredInstanceCount: v.InitialInstanceCount ?? 1,
        VariantStatus: [{ Status: 'Creating' as const, StatusMessage: 'starting its workers', StartTime: row.modifiedAt }],
      })),
    };
  }

  listEndpoints(request: ListEndpointsRequest): { Endpoints: EndpointSummary[]; NextToken?: string } {
    const rows = this.deps.store
      .endpoints()
      .filter((e) => e.name.toLowerCase().includes((request.NameContains ?? '').toLowerCase()) && (!request.StatusEquals || e.status === request.StatusEquals));
    const page = listPage(sortBy(rows, (e) => (request.SortBy === 'Name' ? e.name : e.createdAt), request.SortOrder), request);
    return {
      Endpoints: page.page.map((e) => ({ EndpointName: e.name, EndpointArn: `${ARN}:endpoint/${e.name.toLowerCase()}`, EndpointStatus: e.status, CreationTime: e.createdAt, LastModifiedTime: e.modifiedAt })),
      ...(page.next ? { NextToken: page.next } : {}),
    };
  }

  updateEndpoint(request: UpdateEndpointRequest): { EndpointArn: string } {
    const row = this.requireEndpoint(request.EndpointName);
    if (row.status !== 'InService' && row.status !== 'Failed') throw validationConflict(`Endpoint ${row.name} is ${row.status}; wait until it is InService to update it.`);
    const config = this.requireConfig(request.EndpointConfigName);
    if (row.status === 'Failed' || !this.live.has(row.name)) {
      // Nothing serves: start the new config as a fresh deployment.
      this.save({ ...row, configName: config, status: 'Creating', failureReason: null });
      if (this.deps.serve) this.deploy(row.name, config, 'create');
    } else {
      this.save({ ...row, pendingConfig: config, status: 'Updating', failureReason: null });
      this.deploy(row.name, config, 'update');
    }
    return { EndpointArn: `${ARN}:endpoint/${row.name.toLowerCase()}` };
  }

  deleteEndpoint(name: string): Record<string, never> {
    const row = this.requireEndpoint(name);
    this.save({ ...row, status: 'Deleting' });
    const live = this.live.get(row.name);
    this.live.delete(row.name);
    this.deps.store.deleteEndpoint(row.name);
    for (const key of [...this.metrics.keys()]) if (key.startsWith(`${row.name}\u0000`)) this.metrics.delete(key);
    void live?.stop(DRAIN_MS).catch((error: Error) => this.deps.logger.error(`stopping the workers of ${row.name} failed`, error));
    this.changed('endpoint', row.name);
    return {};
  }

  /** Writes captured records still buffered (they are written within 100 ms anyway). */
  flushCapture(): void {
    this.capturer.flush();
  }

  /** Waits for the endpoint's current (re)deployment, if any; for tests and the CLI. */
  async settled(name: string): Promise<void> {
    await this.busy.get(name);
  }

  /** Starts `configName`'s workers for the endpoint; `update` keeps the old ones serving until then. */
  private deploy(name: string, configName: string, mode: 'create' | 'update'): void {
    // The endpoint this deployment is for: one deleted and created again under the name is another.
    const generation = this.deps.store.endpoint(name)?.createdAt;
    const current = () => {
      const row = this.disposed ? null : this.deps.store.endpoint(name);
      return row && row.createdAt === generation ? row : null;
    };
    const failed = (why: string) => {
      const row = current();
      if (!row) return;
      if (mode === 'update') {
        this.save({ ...row, status: 'RollingBack', failureReason: `Update to endpoint config ${configName} failed: ${why}` });
        this.save({ ...current()!, status: 'InService', pendingConfig: null, failureReason: `Update to endpoint config ${configName} failed and was rolled back; the endpoint still serves ${row.configName}. ${why}` });
      } else {
        this.save({ ...row, status: 'Failed', failureReason: why });
      }
    };
    const run = (async () => {
      let deployment: Deployment;
      try {
        const config = this.deps.store.config(configName);
        const capture = captureSettingsOf(config?.request.DataCaptureConfig, this.deps.objectStore);
        const plans = await this.plan(name, configName);
        if (!current()) return;
        deployment = new Deployment(configName, plans.production, this.deps.logger.child(name), capture, plans.shadows);
      } catch (error) {
        return failed(`Lathe could not plan the endpoint: ${(error as Error).message}`.slice(0, 2000));
      }
      this.starting.add(deployment);
      try {
        await deployment.start();
      } catch (error) {
        return failed((error as Error).message.slice(0, 2000));
      } finally {
        this.starting.delete(deployment);
      }
      const row = current();
      if (!row) {
        await deployment.stop(0);
        return;
      }
      for (const variant of deployment.variants) variant.pool.onColdStart = (ms) => this.metricsOf(row.name, variant.name).coldStart(ms);
      const previous = this.live.get(name);
      this.live.set(name, deployment);
      this.save({ ...row, configName, pendingConfig: null, status: 'InService', failureReason: null });
      await previous?.stop(DRAIN_MS);
    })().catch((error: Error) => {
      if (this.disposed) return;
      this.deps.logger.error(`deploying ${name} failed unexpectedly`, error);
      failed(`Lathe could not start the endpoint: ${error.message}`);
    });
    const tracked = run.finally(() => {
      if (this.busy.get(name) === tracked) this.busy.delete(name);
    });
    this.busy.set(name, tracked);
  }

  private async plan(endpoint: string, configName: string): Promise<{ production: VariantPlan[]; shadows: VariantPlan[] }> {
    const config = this.deps.store.config(configName);
    if (!config) throw new Error(`endpoint config ${configName} no longer exists`);
    const planOf = async (variant: (typeof config.request.ProductionVariants)[number]): Promise<VariantPlan> => {
      const model = this.deps.store.model(variant.ModelName);
      if (!model) throw new Error(`variant ${variant.VariantName}: model ${variant.ModelName} no longer exists`);
      const limits = {
        logFile: (index: number) => path.join(this.deps.home, 'endpoints', endpoint, configName, variant.VariantName, `worker-${index}.log`),
        startupTimeoutMs: (variant.ContainerStartupHealthCheckTimeoutInSeconds ?? DEFAULT_STARTUP_SECONDS) * 1000,
        invocationTimeoutMs: INVOCATION_TIMEOUT_MS,
      };
      const context = { home: this.deps.home, endpoint, config: configName, variant: variant.VariantName, limits, python: this.deps.python, pythonPath: this.deps.pythonPath, docker: this.deps.docker ?? localDockerClient };
      return { name: variant.VariantName, weight: variant.InitialVariantWeight ?? 1, count: variant.InitialInstanceCount ?? 1, image: model.server.Image, launch: await variantLaunch(model.server, context) };
    };
    return { production: await Promise.all(config.request.ProductionVariants.map(planOf)), shadows: await Promise.all((config.request.ShadowProductionVariants ?? []).map(planOf)) };
  }

  /** The last lines of each worker's output for the config the endpoint serves. */
  logs(name: string, lines: number, variant?: string) {
    const row = this.requireEndpoint(name);
    return { EndpointName: row.name, EndpointConfigName: row.configName, Workers: workerLogs(this.deps.home, row.name, row.configName, lines, variant) };
  }

  /** How a model is served (batch transform runs the same model). */
  modelServer(name: string): ModelServer | null {
    return this.deps.store.model(name)?.server ?? null;
  }

  /** The running pool of an endpoint's variant (the autoscaler's handle), or null. */
  pool(endpoint: string, variant: string): VariantPool | null {
    const row = this.deps.store.endpoint(endpoint);
    return (row && this.live.get(row.name)?.variants.find((v) => v.name === variant)?.pool) ?? null;
  }

  /** Whether the endpoint's current config has this variant, running or not. */
  hasVariant(endpoint: string, variant: string): boolean {
    const row = this.deps.store.endpoint(endpoint);
    const config = row ? this.deps.store.config(row.configName) : null;
    return config?.request.ProductionVariants.some((v) => v.VariantName === variant) ?? false;
  }

  /** The console's starting payload: a row of the served model's training data. */
  sample(name: string): { ContentType: 'text/csv'; Body: string; Source: string } {
    const row = this.requireEndpoint(name);
    const config = this.deps.store.config(row.configName);
    const model = config ? this.deps.store.model(config.request.ProductionVariants[0]!.ModelName) : null;
    const container = (model?.request.PrimaryContainer ?? model?.request.Containers?.[0]) as ContainerDefinition | undefined;
    return samplePayload(container?.ModelPackageName, {
      objectStore: this.deps.objectStore,
      describeVersion: (arn) => this.deps.registry.describeVersion(arn),
      describeTrainingJob: (job) => this.deps.training.describe(job),
    });
  }

  /** InvokeEndpoint: route to a variant, forward to a worker, map its answer to SageMaker's. */
  async invoke(request: InvocationRequest): Promise<InvocationResult & { modelMs: number }> {
    const row = this.deps.store.endpoint(request.endpointName);
    // not-found is ValidationError 400 on the runtime wire, as SageMaker answers it.
    if (!row) throw notFound(`Endpoint ${request.endpointName} of account lathe not found.`);
    const live = this.live.get(row.name);
    if (!live) {
      const why = row.status === 'Failed' ? `it failed: ${row.failureReason ?? 'see its FailureReason'}` : `it is ${row.status}`;
      throw new SageMakerError(row.status === 'Creating' ? 'ModelNotReadyException' : 'ValidationError', `Endpoint ${row.name} is not serving: ${why}.`, row.status === 'Creating' ? 429 : 400);
    }
    return invokeDeployment(row.name, live, request, { capturer: this.capturer, metrics: (variant) => this.metricsOf(row.name, variant), shadow: (variant) => this.shadowOf(row.name, variant) });
  }

  private shadowOf(endpoint: string, variant: string): ShadowStats {
    const key = `${endpoint}\u0000${variant}`;
    let stats = this.shadowStats.get(key);
    if (!stats) this.shadowStats.set(key, (stats = new ShadowStats(variant)));
    return stats;
  }

  /** A variant's metrics, kept across updates of its endpoint. */
  private metricsOf(endpoint: string, variant: string): VariantMetrics {
    const key = `${endpoint}\u0000${variant}`;
    let metrics = this.metrics.get(key);
    if (!metrics) this.metrics.set(key, (metrics = new VariantMetrics(() => this.pool(endpoint, variant)?.readyCount ?? 0)));
    return metrics;
  }

  /** endpoints.metrics: each variant of the endpoint's current config over the last window. */
  metricsReport(name: string, windowSeconds = 300, stepSeconds = 10): { EndpointName: string; Variants: Array<{ VariantName: string } & VariantMetricsReport>; Shadows?: ShadowReport[] } {
    const row = this.requireEndpoint(name);
    const config = this.deps.store.config(row.configName);
    const variants = config?.request.ProductionVariants.map((v) => v.VariantName) ?? [];
    const shadows = config?.request.ShadowProductionVariants?.map((v) => this.shadowOf(row.name, v.VariantName).report()) ?? [];
    return {
      EndpointName: row.name,
      Variants: variants.map((variant) => ({ VariantName: variant, ...this.metricsOf(row.name, variant).report(windowSeconds, stepSeconds) })),
      ...(shadows.length > 0 ? { Shadows: shadows } : {}),
    };
  }

  /** endpoints.invoke: the same call for the test console and `lathe call`, with timings. */
  async invokeConsole(request: InvokeEndpointRequest): Promise<InvokeResult> {
    try {
      return await this.invokeTimed(request);
    } catch (error) {
      throw error instanceof SageMakerError ? faultOf(error) : error;
    }
  }

  private async invokeTimed(request: InvokeEndpointRequest): Promise<InvokeResult> {
    const started = performance.now();
    const body = Buffer.from(request.Body, request.BodyEncoding === 'base64' ? 'base64' : 'utf8');
    if (body.length > 6 * 1024 * 1024) throw new SageMakerError('ValidationError', `The request payload is ${body.length} bytes, over the 6 MiB limit of InvokeEndpoint.`, 413);
    const result = await this.invoke({
      kind: 'sync',
      endpointName: request.EndpointName,
      requestId: 'console',
      context: { transport: 'internal', actor: 'console' },
      body,
      headers: {},
      ...(request.ContentType ? { contentType: request.ContentType } : {}),
      ...(request.Accept ? { accept: request.Accept } : {}),
      ...(request.TargetVariant ? { targetVariant: request.TargetVariant } : {}),
      ...(request.CustomAttributes ? { customAttributes: request.CustomAttributes } : {}),
      ...(request.InferenceId ? { inferenceId: request.InferenceId } : {}),
    });
    const bytes = Buffer.isBuffer(result.body) ? result.body : Buffer.from(result.body);
    const text = bytes.toString('utf8');
    const utf8 = Buffer.from(text, 'utf8').equals(bytes);
    return {
      Body: utf8 ? text : bytes.toString('base64'),
      BodyEncoding: utf8 ? 'utf8' : 'base64',
      ContentType: result.contentType ?? 'application/octet-stream',
      InvokedProductionVariant: result.invokedProductionVariant ?? '',
      ModelLatencyMs: result.modelMs,
      OverheadLatencyMs: Math.max(0, performance.now() - started - result.modelMs),
    };
  }

  private requireConfig(name: string): string {
    const row = this.deps.store.config(name);
    if (!row) throw notFound(`Could not find endpoint configuration "${name}".`);
    return row.name;
  }

  private requireEndpoint(name: string): EndpointRow {
    const row = this.deps.store.endpoint(name);
    if (!row) throw notFound(`Could not find endpoint "${ARN}:endpoint/${name.toLowerCase()}".`);
    return row;
  }

  private save(row: EndpointRow): void {
    const next = { ...row, modifiedAt: this.now() };
    this.deps.store.updateEndpoint(next);
    this.changed('endpoint', row.name, row.status);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await Promise.all([...this.starting, ...this.live.values()].map((d) => d.stop(0)));
    await Promise.allSettled([...this.busy.values()]);
    this.live.clear();
    this.capturer.dispose();
  }

  /** endpoints.captured: the current config's DataCaptureConfig and settings, buffered records written first. */
  captureOf(name: string): { endpoint: string; destination?: string; settings: ReturnType<typeof captureSettingsOf> } {
    const row = this.requireEndpoint(name);
    const config = this.deps.store.config(row.configName)?.request.DataCaptureConfig;
    this.capturer.flush();
    return { endpoint: row.name, ...(config ? { destination: config.DestinationS3Uri } : {}), settings: captureSettingsOf(config, this.deps.objectStore) };
  }
}

/** A runtime error as the contract's fault, keeping SageMaker's type and members in the details. */
function faultOf(error: SageMakerError): LatheFault {
  const code = error.type === 'ModelNotReadyException' ? 'unavailable' : error.type === 'ModelError' ? 'failed-precondition' : 'invalid-argument';
  return new LatheFault(code, error.message, { ErrorType: error.type, ...error.members });
}

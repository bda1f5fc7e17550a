/**
 * Application Auto Scaling for endpoint variants: scalable targets (bounds) and target-tracking
 * policies on SageMakerVariantInvocationsPerInstance, kept in SQLite; a controller that, every
 * tick, measures each variant's invocations per minute, asks scalingPolicy.ts how many workers it
 * should run, and resizes its pool. Each change is a scaling activity, as DescribeScalingActivities
 * lists them.
 */
import { randomUUID } from 'node:crypto';
import { LatheFault } from '../api/errors';
import type { DescribeActivitiesRequest, DescribePoliciesRequest, DescribeTargetsRequest, PolicyKey, PutPolicyRequest, RegisterTargetRequest, TargetKey } from '../contract/autoscalingSchemas';
import type { Logger } from '../log/logger';
import type { MetadataStore } from '../store/metadataStore';
import { listPage } from '../util/paging';
import { scalingDecision } from './scalingPolicy';
import type { VariantPool } from './workerPool';

const DIMENSION = 'sagemaker:variant:DesiredInstanceCount';
const METRIC = 'SageMakerVariantInvocationsPerInstance';
/** The seed's cooldowns, as the issue asks: 60 s out, 300 s in. */
const DEFAULT_OUT_COOLDOWN = 60;
const DEFAULT_IN_COOLDOWN = 300;
const MAX_WORKERS = 64;

type TargetTracking = NonNullable<PutPolicyRequest['TargetTrackingScalingPolicyConfiguration']>;

interface TargetRow {
  namespace: string;
  resourceId: string;
  dimension: string;
  min: number;
  max: number;
  createdAt: string;
}

type Activity = {
  ActivityId: string;
  ServiceNamespace: string;
  ResourceId: string;
  ScalableDimension: string;
  Description: string;
  Cause: string;
  StartTime: string;
  EndTime?: string;
  StatusCode: 'InProgress' | 'Successful' | 'Failed';
  StatusMessage?: string;
};

interface TargetState {
  lastScaleOutMs: number | null;
  lastScaleInMs: number | null;
  resizing: boolean;
  activities: Activity[];
}

export interface AutoscalerDeps {
  store: MetadataStore;
  /** The running pool of an endpoint's variant, or null when it does not run (yet). */
  pool(endpoint: string, variant: string): VariantPool | null;
  /** Whether the endpoint has this variant (running or not). */
  hasVariant(endpoint: string, variant: string): boolean;
  logger: Logger;
  /** The metric's window: SageMaker's is a minute; tests shorten it. */
  windowSeconds?: number;
  tickMs?: number;
  clock?: () => Date;
}

const fault = (type: string, message: string) => new LatheFault(type === 'ObjectNotFoundException' ? 'not-found' : 'invalid-argument', message, { ErrorType: type });

function parseResource(key: TargetKey): { endpoint: string; variant: string } {
  if (key.ServiceNamespace !== 'sagemaker') throw fault('ValidationException', `ServiceNamespace ${key.ServiceNamespace} is not supported; Lathe scales sagemaker endpoint variants`);
  if (key.ScalableDimension !== DIMENSION) throw fault('ValidationException', `ScalableDimension ${key.ScalableDimension} is not supported; Lathe scales ${DIMENSION}`);
  const match = /^endpoint\/([^/]+)\/variant\/([^/]+)$/.exec(key.ResourceId);
  if (!match) throw fault('ValidationException', `ResourceId ${key.ResourceId} must look like endpoint/<endpoint name>/variant/<variant name>`);
  return { endpoint: match[1]!, variant: match[2]! };
}

export class Autoscaler {
  private readonly states = new Map<string, TargetState>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly deps: AutoscalerDeps) {
    this.timer = setInterval(() => this.tick(), deps.tickMs ?? 1000);
    this.timer.unref();
  }

  private get db() {
    return this.deps.store.db;
  }

  private now(): Date {
    return this.deps.clock?.() ?? new Date();
  }

  private state(resourceId: string): TargetState {
    let state = this.states.get(resourceId);
    if (!state) this.states.set(resourceId, (state = { lastScaleOutMs: null, lastScaleInMs: null, resizing: false, activities: [] }));
    return state;
  }

  registerTarget(request: RegisterTargetRequest): { ScalableTargetARN: string } {
    const { endpoint, variant } = parseResource(request);
    if (!this.deps.hasVariant(endpoint, variant)) throw fault('ValidationException', `endpoint ${endpoint} has no variant ${variant} (ResourceId ${request.ResourceId}); create the endpoint first`);
    const existing = this.target(request);
    const min = request.MinCapacity ?? existing?.min;
    const max = request.MaxCapacity ?? existing?.max;
    if (min === undefined || max === undefined) throw fault('ValidationException', 'MinCapacity and MaxCapacity are required when registering a new scalable target');
    if (min > max) throw fault('ValidationException', `MinCapacity ${min} is above MaxCapacity ${max}`);
    if (max > MAX_WORKERS) throw fault('ValidationException', `MaxCapacity ${max} is over Lathe's ${MAX_WORKERS} workers per variant`);
    this.db
      .prepare('INSERT INTO scalable_targets (namespace, resource_id, dimension, min_capacity, max_capacity, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET min_capacity = excluded.min_capacity, max_capacity = excluded.max_capacity')
      .run(request.ServiceNamespace, request.ResourceId, request.ScalableDimension, min, max, existing?.createdAt ?? this.now().toISOString());
    return { ScalableTargetARN: `arn:aws:application-autoscaling:local:000000000000:scalable-target/${Buffer.from(request.ResourceId).toString('hex').slice(0, 32)}` };
  }

  private target(key: TargetKey): TargetRow | null {
    const raw = this.db.prepare('SELECT * FROM scalable_targets WHERE namespace = ? AND resource_id = ? AND dimension = ?').get(key.ServiceNamespace, key.ResourceId, key.ScalableDimension) as Record<string, unknown> | undefined;
    return raw ? { namespace: raw.namespace as string, resourceId: raw.resource_id as string, dimension: raw.dimension as string, min: raw.min_capacity as number, max: raw.max_capacity as number, createdAt: raw.created_at as string } : null;
  }

  private targets(): TargetRow[] {
    return (this.db.prepare('SELECT namespace, resource_id, dimension FROM scalable_targets ORDER BY created_at, resource_id').all() as Array<Record<string, string>>).map(
      (r) => this.target({ ServiceNamespace: r.namespace!, ResourceId: r.resource_id!, ScalableDimension: r.dimension! })!,
    );
  }

  describeTargets(request: DescribeTargetsRequest) {
    const rows = this.targets().filter((t) => t.namespace === request.ServiceNamespace && (!request.ResourceIds || request.ResourceIds.includes(t.resourceId)) && (!request.ScalableDimension || t.dimension === request.ScalableDimension));
    const page = listPage(rows, request);
    return {
      ScalableTargets: page.page.map((t) => ({ ServiceNamespace: t.namespace, ResourceId: t.resourceId, ScalableDimension: t.dimension, MinCapacity: t.min, MaxCapacity: t.max, RoleARN: 'arn:aws:iam::000000000000:role/lathe', CreationTime: t.createdAt, SuspendedState: { DynamicScalingInSuspended: false, DynamicScalingOutSuspended: false, ScheduledScalingSuspended: false } })),
      ...(page.next ? { NextToken: page.next } : {}),
    };
  }

  /** Deregistering a target deletes its policies too. */
  deregisterTarget(key: TargetKey): Record<string, never> {
    if (!this.target(key)) throw fault('ObjectNotFoundException', `No scalable target registered for ${key.ResourceId} (${key.ScalableDimension})`);
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM scaling_policies WHERE namespace = ? AND resource_id = ? AND dimension = ?').run(key.ServiceNamespace, key.ResourceId, key.ScalableDimension);
      this.db.prepare('DELETE FROM scalable_targets WHERE namespace = ? AND resource_id = ? AND dimension = ?').run(key.ServiceNamespace, key.ResourceId, key.ScalableDimension);
    })();
    this.states.delete(key.ResourceId);
    return {};
  }

  putPolicy(request: PutPolicyRequest) {
    parseResource(request);
    if (!this.target(request)) throw fault('ObjectNotFoundException', `No scalable target registered for ${request.ResourceId}; call RegisterScalableTarget first`);
    if ((request.PolicyType ?? 'StepScaling') !== 'TargetTrackingScaling') throw fault('ValidationException', `PolicyType ${request.PolicyType ?? 'StepScaling'} is not supported; Lathe runs TargetTrackingScaling policies`);
    const config = request.TargetTrackingScalingPolicyConfiguration;
    if (!config) throw fault('ValidationException', 'TargetTrackingScalingPolicyConfiguration is required for a TargetTrackingScaling policy');
    const metric = config.PredefinedMetricSpecification?.PredefinedMetricType;
    if (metric !== METRIC) throw fault('ValidationException', `only PredefinedMetricType ${METRIC} is supported${metric ? `, not ${metric}` : ''}`);
    this.db
      .prepare('INSERT INTO scaling_policies (namespace, resource_id, dimension, name, policy_type, config, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET policy_type = excluded.policy_type, config = excluded.config')
      .run(request.ServiceNamespace, request.ResourceId, request.ScalableDimension, request.PolicyName, 'TargetTrackingScaling', JSON.stringify(config), this.now().toISOString());
    const id = randomUUID();
    return {
      PolicyARN: this.policyArn(request.ResourceId, request.PolicyName),
      Alarms: ['High', 'Low'].map((kind) => ({ AlarmName: `TargetTracking-${request.ResourceId}-Alarm${kind}-${id}`, AlarmARN: `arn:aws:cloudwatch:local:000000000000:alarm:TargetTracking-${request.ResourceId}-Alarm${kind}-${id}` })),
    };
  }

  private policyArn(resourceId: string, name: string): string {
    return `arn:aws:autoscaling:local:000000000000:scalingPolicy:${Buffer.from(resourceId + name).toString('hex').slice(0, 36)}:resource/sagemaker/${resourceId}:policyName/${name}`;
  }

  private policies(resourceId?: string): Array<{ key: PolicyKey; config: TargetTracking; createdAt: string }> {
    const rows = this.db.prepare('SELECT * FROM scaling_policies WHERE (? IS NULL OR resource_id = ?) ORDER BY created_at, name').all(resourceId ?? null, resourceId ?? null) as Array<Record<string, string>>;
    return rows.map((r) => ({ key: { PolicyName: r.name!, ServiceNamespace: r.namespace!, ResourceId: r.resource_id!, ScalableDimension: r.dimension! }, config: JSON.parse(r.config!) as TargetTracking, createdAt: r.created_at! }));
  }

  describePolicies(request: DescribePoliciesRequest) {
    const rows = this.policies(request.ResourceId).filter((p) => p.key.ServiceNamespace === request.ServiceNamespace && (!request.PolicyNames || request.PolicyNames.includes(p.key.PolicyName)));
    const page = listPage(rows, request);
    return {
      ScalingPolicies: page.page.map((p) => ({ ...p.key, PolicyARN: this.policyArn(p.key.ResourceId, p.key.PolicyName), PolicyType: 'TargetTrackingScaling', TargetTrackingScalingPolicyConfiguration: p.config, Alarms: [], CreationTime: p.createdAt })),
      ...(page.next ? { NextToken: page.next } : {}),
    };
  }

  deletePolicy(key: PolicyKey): Record<string, never> {
    const info = this.db.prepare('DELETE FROM scaling_policies WHERE namespace = ? AND resource_id = ? AND dimension = ? AND name = ?').run(key.ServiceNamespace, key.ResourceId, key.ScalableDimension, key.PolicyName);
    if (info.changes === 0) throw fault('ObjectNotFoundException', `No scaling policy ${key.PolicyName} for ${key.ResourceId}`);
    return {};
  }

  describeActivities(request: DescribeActivitiesRequest) {
    const all = [...this.states.entries()].filter(([id]) => !request.ResourceId || id === request.ResourceId).flatMap(([, s]) => s.activities);
    const page = listPage(all.sort((a, b) => (a.StartTime < b.StartTime ? 1 : -1)), request);
    return { ScalingActivities: page.page, ...(page.next ? { NextToken: page.next } : {}) };
  }

  /** One pass of the controller over every registered target. */
  tick(): void {
    let targets: TargetRow[];
    try {
      targets = this.targets();
    } catch {
      return; // the store is closing
    }
    for (const target of targets) {
      const { endpoint, variant } = parseResource({ ServiceNamespace: target.namespace, ResourceId: target.resourceId, ScalableDimension: target.dimension });
      const pool = this.deps.pool(endpoint, variant);
      const state = this.state(target.resourceId);
      // A cold start under way belongs to the request waiting for it: never scale that worker away.
      if (!pool || state.resizing || pool.isWaking) continue;
      const nowMs = this.now().getTime();
      // A cold start is a scale-out (to one worker): the scale-in cooldown counts from its end.
      const lastScaleOutMs = Math.max(state.lastScaleOutMs ?? -Infinity, pool.lastWokenMs ?? -Infinity);
      const rate = pool.invocationsPerMinute(this.deps.windowSeconds ?? 60, nowMs);
      // Several policies: the one asking for the most workers wins.
      const decisions = (this.policies(target.resourceId).length > 0 ? this.policies(target.resourceId).map((p) => p.config) : [null]).map((config) =>
        scalingDecision({
          current: pool.desiredCount,
          min: target.min,
          max: target.max,
          target: config?.TargetValue ?? null,
          invocationsPerMinute: rate,
          nowMs,
          lastScaleOutMs: Number.isFinite(lastScaleOutMs) ? lastScaleOutMs : null,
          lastScaleInMs: state.lastScaleInMs,
          scaleOutCooldownS: config?.ScaleOutCooldown ?? DEFAULT_OUT_COOLDOWN,
          scaleInCooldownS: config?.ScaleInCooldown ?? DEFAULT_IN_COOLDOWN,
          disableScaleIn: config?.DisableScaleIn ?? false,
        }),
      );
      const decision = decisions.reduce((best, d) => (d.desired > best.desired ? d : best));
      if (decision.action !== 'none') this.apply(target, pool, state, decision.desired, decision.reason, nowMs);
    }
  }

  private apply(target: TargetRow, pool: VariantPool, state: TargetState, desired: number, reason: string, nowMs: number): void {
    const from = pool.desiredCount;
    if (desired > from) state.lastScaleOutMs = nowMs;
    else state.lastScaleInMs = nowMs;
    const activity: Activity = {
      ActivityId: randomUUID(),
      ServiceNamespace: target.namespace,
      ResourceId: target.resourceId,
      ScalableDimension: target.dimension,
      Description: `Setting desired instance count to ${desired}.`,
      Cause: `monitor alarm: ${reason}; changing the desired capacity from ${from} to ${desired}.`,
      StartTime: new Date(nowMs).toISOString(),
      StatusCode: 'InProgress',
    };
    state.activities.unshift(activity);
    state.activities.splice(100);
    state.resizing = true;
    this.deps.logger.info(`${target.resourceId}: ${from} → ${desired} workers (${reason})`);
    pool
      .resize(desired)
      .then(() => Object.assign(activity, { StatusCode: 'Successful', EndTime: this.now().toISOString(), StatusMessage: `${pool.readyCount} workers ready` }))
      .catch((error: Error) => Object.assign(activity, { StatusCode: 'Failed', EndTime: this.now().toISOString(), StatusMessage: error.message }))
      .finally(() => {
        state.resizing = false;
      });
  }

  dispose(): void {
    clearInterval(this.timer);
  }
}

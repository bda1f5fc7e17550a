import { fireEvent, screen } from '@testing-library/react';
import type { CapturedData, CapturedRecord, EndpointDescription, EndpointStatus, EndpointSummary, InvokeResult, VariantMetricsReport, VariantSummary } from '../../main/contract/endpoints';
import { fail, ok } from '../../main/contract/result';
import { useEndpointsConsoleStore } from '../../renderer/state/endpointsConsoleStore';
import { useEndpointsDeployStore } from '../../renderer/state/endpointsDeployStore';
import { useEndpointsLoadStore } from '../../renderer/state/endpointsLoadStore';
import { resetEndpointsMonitor } from '../../renderer/state/endpointsMonitorStore';
import { useEndpointsStore } from '../../renderer/state/endpointsStore';
import { FakeBridge } from './fakeBridge';
import { renderApp } from './harness';
import { arnOf, group, GROUP, summary } from './registryFixtures';

/** Endpoints, configs and a bridge answering for them, shared by the Endpoints pane tests. */

export const T0 = '2026-03-01T10:00:00.000Z';
const ARN = 'arn:aws:sagemaker:local:000000000000';

export function variant(name = 'AllTraffic', workers = 2, weight = 1): VariantSummary {
  return { VariantName: name, CurrentWeight: weight, DesiredWeight: weight, CurrentInstanceCount: workers, DesiredInstanceCount: workers, DeployedImages: [{ SpecifiedImage: 'xgboost', ResolvedImage: 'xgboost', ResolutionTime: T0 }] };
}

export function endpoint(name: string, status: EndpointStatus = 'InService', extra: Partial<EndpointDescription> = {}, minutes = 0): EndpointDescription {
  const at = new Date(Date.parse(T0) + minutes * 60_000).toISOString();
  return {
    EndpointName: name,
    EndpointArn: `${ARN}:endpoint/${name}`,
    EndpointConfigName: `${name}-config`,
    EndpointStatus: status,
    ...(status === 'InService' ? { ProductionVariants: [variant()] } : {}),
    CreationTime: at,
    LastModifiedTime: at,
    ...extra,
  };
}

export function summaryOf(d: EndpointDescription): EndpointSummary {
  return { EndpointName: d.EndpointName, EndpointArn: d.EndpointArn, EndpointStatus: d.EndpointStatus, CreationTime: d.CreationTime, LastModifiedTime: d.LastModifiedTime };
}

export function answer(body = '0.0123', extra: Partial<InvokeResult> = {}): InvokeResult {
  return { Body: body, BodyEncoding: 'utf8', ContentType: 'text/csv', InvokedProductionVariant: 'AllTraffic', ModelLatencyMs: 3.42, OverheadLatencyMs: 1.25, ...extra };
}

export const MODEL_ERROR = {
  code: 'failed-precondition' as const,
  message: 'Received client error (415) from AllTraffic with message "content type text/plain is not supported". See the worker logs of fraud-prod-v1 in Lathe for more information.',
  details: { ErrorType: 'ModelError', OriginalStatusCode: 415, OriginalMessage: 'content type text/plain is not supported; send text/csv, application/json or application/x-npy' },
};

export interface EndpointsWorld {
  endpoints: EndpointDescription[];
  configs: string[];
}

/** A bridge over a mutable world of endpoints, with one registry group whose version 2 is Approved. */
export function endpointsBridge(world: Partial<EndpointsWorld> = {}, overrides: ConstructorParameters<typeof FakeBridge>[0] = {}) {
  const state: EndpointsWorld = { endpoints: [], configs: [], ...world };
  const find = (name: string) => state.endpoints.find((e) => e.EndpointName === name);
  const bridge = new FakeBridge({
    'endpoints.list': () => ok({ Endpoints: state.endpoints.map(summaryOf) }),
    'endpoints.describe': ({ EndpointName }) => {
      const found = find(EndpointName);
      return found ? ok(found) : fail('not-found', `Could not find endpoint "${ARN}:endpoint/${EndpointName.toLowerCase()}".`);
    },
    'endpoints.listConfigs': () => ok({ EndpointConfigs: state.configs.map((name) => ({ EndpointConfigName: name, EndpointConfigArn: `${ARN}:endpoint-config/${name}`, CreationTime: T0 })) }),
    'endpoints.describeConfig': ({ EndpointConfigName }) =>
      ok({ EndpointConfigName, EndpointConfigArn: `${ARN}:endpoint-config/${EndpointConfigName}`, ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: `${EndpointConfigName}-model`, InitialInstanceCount: 3, InitialVariantWeight: 1 }], CreationTime: T0 }),
    'endpoints.sample': () => ok({ ContentType: 'text/csv', Body: '200.0,14,0.85,5', Source: 'train.csv of training job fraud-xgb, first row without its label' }),
    'endpoints.invoke': () => ok(answer()),
    'endpoints.createModel': ({ ModelName }) => ok({ ModelArn: `${ARN}:model/${ModelName}` }),
    'endpoints.createConfig': ({ EndpointConfigName }) => ok({ EndpointConfigArn: `${ARN}:endpoint-config/${EndpointConfigName}` }),
    'endpoints.create': ({ EndpointName, EndpointConfigName }) => {
      state.endpoints.push(endpoint(EndpointName, 'Creating', { EndpointConfigName }));
      return ok({ EndpointArn: `${ARN}:endpoint/${EndpointName}` });
    },
    'endpoints.update': ({ EndpointName }) => ok({ EndpointArn: `${ARN}:endpoint/${EndpointName}` }),
    'endpoints.delete': ({ EndpointName }) => {
      state.endpoints = state.endpoints.filter((e) => e.EndpointName !== EndpointName);
      return ok({});
    },
    'endpoints.deleteModel': () => ok({}),
    'endpoints.deleteConfig': () => ok({}),
    'registry.listGroups': () => ok({ ModelPackageGroupSummaryList: [group(GROUP, 'Card fraud models')] }),
    'registry.listVersions': () => ok({ ModelPackageSummaryList: [summary(2, 'Approved')] }),
    ...overrides,
  });
  return { bridge, state };
}

/** Replaces endpoint `name` in the world (its status, variants, reason) and says so as main would. */
export function changeEndpoint(bridge: FakeBridge, state: EndpointsWorld, next: EndpointDescription): void {
  state.endpoints = [...state.endpoints.filter((e) => e.EndpointName !== next.EndpointName), next];
  bridge.emit('endpoints.changed', { kind: 'endpoint', name: next.EndpointName, EndpointStatus: next.EndpointStatus });
}

export async function openEndpoints(bridge: FakeBridge) {
  renderApp(bridge);
  fireEvent.click(await screen.findByRole('button', { name: 'Endpoints' }));
  return bridge;
}

/** Opens endpoint `name` from the list. */
export async function openEndpoint(bridge: FakeBridge, name: string) {
  await openEndpoints(bridge);
  fireEvent.click(await screen.findByRole('button', { name }, { timeout: 10_000 }));
  await screen.findByRole('heading', { level: 1, name });
}

export const APPROVED_ARN = arnOf(2);

export function resetEndpoints(): void {
  useEndpointsLoadStore.getState().cancel();
  useEndpointsStore.setState(useEndpointsStore.getInitialState(), true);
  useEndpointsDeployStore.setState(useEndpointsDeployStore.getInitialState(), true);
  useEndpointsConsoleStore.setState(useEndpointsConsoleStore.getInitialState(), true);
  useEndpointsLoadStore.setState(useEndpointsLoadStore.getInitialState(), true);
  resetEndpointsMonitor();
}

/** A variant's endpoints.metrics report: `invocations` per 5 s step over `steps` steps, 2 workers. */
export function variantMetrics(name: string, invocations: number[], extra: Partial<VariantMetricsReport> = {}): { VariantName: string } & VariantMetricsReport {
  const total = invocations.reduce((n, v) => n + v, 0);
  return {
    VariantName: name,
    Invocations: total,
    Invocation4XXErrors: 0,
    Invocation5XXErrors: 0,
    ModelLatency: total > 0 ? { p50: 3.2, p95: 8.9, p99: 12.4 } : { p50: null, p95: null, p99: null },
    OverheadLatency: total > 0 ? { p50: 0.41, p95: 1.5, p99: 2.25 } : { p50: null, p95: null, p99: null },
    ColdStarts: [],
    Series: invocations.map((n, i) => ({ Time: new Date(Date.parse(T0) + i * 5000).toISOString(), Invocations: n, Errors: 0, Workers: 2 })),
    ...extra,
  };
}

/** A captured call as endpoints.captured answers it. */
export function capturedRecord(id: string, second: number, input = '200.0,14,0.85,5', output = '0.0123', extra: Partial<CapturedRecord> = {}): CapturedRecord {
  return {
    Variant: 'AllTraffic',
    File: '/home/ana/lathe/s3/lathe-default/capture/fraud-prod-v1/AllTraffic/2026/03/01/10/00-00-abcdef12.jsonl',
    EventId: id,
    InferenceTime: new Date(Date.parse(T0) + second * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    Input: { ContentType: 'text/csv', Encoding: 'CSV', Data: input },
    Output: { ContentType: 'text/csv; charset=utf-8', Encoding: 'CSV', Data: output },
    ...extra,
  };
}

/** endpoints.captured for an endpoint that captures every request to s3://lathe-default/capture. */
export function captured(records: CapturedRecord[], extra: Partial<CapturedData> = {}): CapturedData {
  return { EndpointName: 'fraud-prod-v1', Enabled: true, Destination: 's3://lathe-default/capture', Folder: '/home/ana/lathe/s3/lathe-default/capture/fraud-prod-v1', SamplingPercentage: 100, Records: records, Skipped: 0, ...extra };
}

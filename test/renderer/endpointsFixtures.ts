import { fireEvent, screen } from '@testing-library/react';
import type { EndpointDescription, EndpointStatus, EndpointSummary, InvokeResult, VariantSummary } from '../../main/contract/endpoints';
import { fail, ok } from '../../main/contract/result';
import { useEndpointsConsoleStore } from '../../renderer/state/endpointsConsoleStore';
import { useEndpointsDeployStore } from '../../renderer/state/endpointsDeployStore';
import { useEndpointsLoadStore } from '../../renderer/state/endpointsLoadStore';
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
}

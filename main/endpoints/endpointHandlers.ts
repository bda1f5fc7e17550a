import type { Router } from '../api/router';
import type { SageMakerControlPlane, SageMakerRuntime } from '../compat/index';
import { registerRouterOperations } from '../compat/routerOperations';
import type { Channel } from '../contract/channels';
import type { Disposable } from '../util/disposable';
import type { EndpointService } from './endpointService';

/** The endpoints channels of the contract. */
export function registerEndpointHandlers(router: Router, endpoints: EndpointService): void {
  router.handle('endpoints.createModel', (request) => endpoints.createModel(request));
  router.handle('endpoints.describeModel', (request) => endpoints.describeModel(request.ModelName));
  router.handle('endpoints.listModels', (request) => endpoints.listModels(request));
  router.handle('endpoints.deleteModel', (request) => endpoints.deleteModel(request.ModelName));
  router.handle('endpoints.createConfig', (request) => endpoints.createConfig(request));
  router.handle('endpoints.describeConfig', (request) => endpoints.describeConfig(request.EndpointConfigName));
  router.handle('endpoints.listConfigs', (request) => endpoints.listConfigs(request));
  router.handle('endpoints.deleteConfig', (request) => endpoints.deleteConfig(request.EndpointConfigName));
  router.handle('endpoints.create', (request) => endpoints.createEndpoint(request));
  router.handle('endpoints.describe', (request) => endpoints.describeEndpoint(request.EndpointName));
  router.handle('endpoints.list', (request) => endpoints.listEndpoints(request));
  router.handle('endpoints.update', (request) => endpoints.updateEndpoint(request));
  router.handle('endpoints.delete', (request) => endpoints.deleteEndpoint(request.EndpointName));
  router.handle('endpoints.invoke', (request) => endpoints.invokeConsole(request));
}

const OPERATIONS: ReadonlyArray<readonly [string, Channel]> = [
  ['CreateModel', 'endpoints.createModel'],
  ['DescribeModel', 'endpoints.describeModel'],
  ['ListModels', 'endpoints.listModels'],
  ['DeleteModel', 'endpoints.deleteModel'],
  ['CreateEndpointConfig', 'endpoints.createConfig'],
  ['DescribeEndpointConfig', 'endpoints.describeConfig'],
  ['ListEndpointConfigs', 'endpoints.listConfigs'],
  ['DeleteEndpointConfig', 'endpoints.deleteConfig'],
  ['CreateEndpoint', 'endpoints.create'],
  ['DescribeEndpoint', 'endpoints.describe'],
  ['ListEndpoints', 'endpoints.list'],
  ['UpdateEndpoint', 'endpoints.update'],
  ['DeleteEndpoint', 'endpoints.delete'],
];

/** CreateModel & co. on the control plane, and InvokeEndpoint on the runtime wire. */
export function registerEndpointOperations(controlPlane: SageMakerControlPlane, runtime: SageMakerRuntime, router: Router, objectStore: string, endpoints: EndpointService): Disposable {
  registerRouterOperations(controlPlane, router, objectStore, OPERATIONS);
  return runtime.setInvoker((request) => endpoints.invoke(request));
}

import type { Router } from '../api/router';
import type { SageMakerAdapters } from '../compat/index';
import { registerRouterOperations } from '../compat/routerOperations';
import type { Channel } from '../contract/channels';
import type { Disposable } from '../util/disposable';
import type { Autoscaler } from './autoscaler';
import { capturedData } from './captureReader';
import type { EndpointCatalog } from './catalog';
import type { EndpointService } from './endpointService';
import type { TransformService } from './transformService';

/** The endpoints channels of the contract. */
export function registerEndpointHandlers(router: Router, catalog: EndpointCatalog, endpoints: EndpointService, autoscaler: Autoscaler, transforms: TransformService): void {
  router.handle('transform.create', (request, context) => transforms.create(request, context.actor));
  router.handle('transform.describe', (request) => transforms.describe(request.TransformJobName));
  router.handle('transform.list', (request) => transforms.list(request));
  router.handle('transform.stop', (request, context) => transforms.stop(request.TransformJobName, context.actor));
  router.handle('autoscaling.registerTarget', (request) => autoscaler.registerTarget(request));
  router.handle('autoscaling.describeTargets', (request) => autoscaler.describeTargets(request));
  router.handle('autoscaling.deregisterTarget', (request) => autoscaler.deregisterTarget(request));
  router.handle('autoscaling.putPolicy', (request) => autoscaler.putPolicy(request));
  router.handle('autoscaling.describePolicies', (request) => autoscaler.describePolicies(request));
  router.handle('autoscaling.deletePolicy', (request) => autoscaler.deletePolicy(request));
  router.handle('autoscaling.describeActivities', (request) => autoscaler.describeActivities(request));
  router.handle('endpoints.createModel', (request) => catalog.createModel(request));
  router.handle('endpoints.describeModel', (request) => catalog.describeModel(request.ModelName));
  router.handle('endpoints.listModels', (request) => catalog.listModels(request));
  router.handle('endpoints.deleteModel', (request) => catalog.deleteModel(request.ModelName));
  router.handle('endpoints.createConfig', (request) => catalog.createConfig(request));
  router.handle('endpoints.describeConfig', (request) => catalog.describeConfig(request.EndpointConfigName));
  router.handle('endpoints.listConfigs', (request) => catalog.listConfigs(request));
  router.handle('endpoints.deleteConfig', (request) => catalog.deleteConfig(request.EndpointConfigName));
  router.handle('endpoints.create', (request) => endpoints.createEndpoint(request));
  router.handle('endpoints.describe', (request) => endpoints.describeEndpoint(request.EndpointName));
  router.handle('endpoints.list', (request) => endpoints.listEndpoints(request));
  router.handle('endpoints.update', (request) => endpoints.updateEndpoint(request));
  router.handle('endpoints.delete', (request) => endpoints.deleteEndpoint(request.EndpointName));
  router.handle('endpoints.invoke', (request) => endpoints.invokeConsole(request));
  router.handle('endpoints.sample', (request) => endpoints.sample(request.EndpointName));
  router.handle('endpoints.logs', (request) => endpoints.logs(request.EndpointName, request.Lines ?? 200, request.VariantName));
  router.handle('endpoints.captured', (request) => capturedData(endpoints.captureOf(request.EndpointName), request));
  router.handle('endpoints.metrics', (request) => endpoints.metricsReport(request.EndpointName, request.WindowSeconds, request.StepSeconds));
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
  ['CreateTransformJob', 'transform.create'],
  ['DescribeTransformJob', 'transform.describe'],
  ['ListTransformJobs', 'transform.list'],
  ['StopTransformJob', 'transform.stop'],
];

const AUTOSCALING: ReadonlyArray<readonly [string, Channel]> = [
  ['RegisterScalableTarget', 'autoscaling.registerTarget'],
  ['DescribeScalableTargets', 'autoscaling.describeTargets'],
  ['DeregisterScalableTarget', 'autoscaling.deregisterTarget'],
  ['PutScalingPolicy', 'autoscaling.putPolicy'],
  ['DescribeScalingPolicies', 'autoscaling.describePolicies'],
  ['DeleteScalingPolicy', 'autoscaling.deletePolicy'],
  ['DescribeScalingActivities', 'autoscaling.describeActivities'],
];

/** CreateModel & co. on the control plane, Application Auto Scaling, and InvokeEndpoint on the runtime wire. */
export function registerEndpointOperations(wire: Pick<SageMakerAdapters, 'controlPlane' | 'autoscaling' | 'runtime'>, router: Router, objectStore: string, endpoints: EndpointService): Disposable {
  registerRouterOperations(wire.controlPlane, router, objectStore, OPERATIONS);
  registerRouterOperations(wire.autoscaling, router, objectStore, AUTOSCALING);
  return wire.runtime.setInvoker((request) => endpoints.invoke(request));
}

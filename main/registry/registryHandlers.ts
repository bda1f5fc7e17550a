import type { Router } from '../api/router';
import type { SageMakerControlPlane } from '../compat/index';
import type { Channel } from '../contract/channels';
import { registerRouterOperations } from '../compat/routerOperations';
import type { RegistryService } from './registryService';

/** The model registry channels of the contract. */
export function registerRegistryHandlers(router: Router, registry: RegistryService): void {
  router.handle('registry.createGroup', (request) => registry.createGroup(request));
  router.handle('registry.describeGroup', (request) => registry.describeGroup(request.ModelPackageGroupName));
  router.handle('registry.listGroups', (request) => registry.listGroups(request));
  router.handle('registry.createVersion', (request, context) => registry.createVersion(request, context.actor));
  router.handle('registry.describeVersion', (request) => registry.describeVersion(request.ModelPackageName));
  router.handle('registry.listVersions', (request) => registry.listVersions(request));
  router.handle('registry.updateVersion', (request, context) => registry.updateVersion(request, context.actor));
  router.handle('registry.audit', (request) => registry.audit(request.ModelPackageArn));
  router.handle('registry.setGates', (request) => registry.setGates(request));
  router.handle('registry.getGates', (request) => registry.getGates(request.ModelPackageGroupName));
  router.handle('registry.checkGates', (request) => registry.checkGates(request.ModelPackageArn));
  router.handle('registry.evaluate', (request, context) => registry.evaluate(request, context.actor));
  router.handle('registry.evaluations', (request) => registry.listEvaluations(request.ModelPackageArn));
  router.handle('registry.evidence', (request) => registry.evidence(request.ModelPackageArn));
  router.handle('registry.getCard', (request) => registry.getCard(request.ModelPackageArn));
  router.handle('registry.saveCard', (request, context) => registry.saveCard(request, context.actor));
  router.handle('registry.exportCard', (request) => registry.exportCard(request.ModelPackageArn, request.Format));
}

const OPERATIONS: Array<[string, Channel]> = [
  ['CreateModelPackageGroup', 'registry.createGroup'],
  ['DescribeModelPackageGroup', 'registry.describeGroup'],
  ['ListModelPackageGroups', 'registry.listGroups'],
  ['CreateModelPackage', 'registry.createVersion'],
  ['DescribeModelPackage', 'registry.describeVersion'],
  ['ListModelPackages', 'registry.listVersions'],
  ['UpdateModelPackage', 'registry.updateVersion'],
];

/** CreateModelPackage & co. on the SageMaker control plane, as thin adapters onto the router. */
export function registerRegistryOperations(controlPlane: SageMakerControlPlane, router: Router, objectStore: string): void {
  registerRouterOperations(controlPlane, router, objectStore, OPERATIONS);
}

/**
 * Models and endpoint configs in SageMaker's shapes: CreateModel resolves how a model is served
 * (modelServer.ts) once; CreateEndpointConfig checks every variant's model and the data capture
 * destination. Endpoints (endpointService.ts) run what these describe.
 */
import { conflict, notFound } from '../api/errors';
import type { EventBus } from '../api/eventBus';
import type { ContainerDefinition, EndpointConfigDescription, ModelDescription } from '../contract/endpoints';
import type { CreateEndpointConfigRequest, CreateModelRequest, ListRequest } from '../contract/endpointSchemas';
import { listPage, sortBy } from '../util/paging';
import { captureSettingsOf } from './dataCapture';
import type { EndpointStore } from './endpointStore';
import { resolveModelServer, type ResolveDeps } from './modelServer';

const ARN = 'arn:aws:sagemaker:local:000000000000';

/** SageMaker answers these with ValidationException (not ResourceInUse): say so on the wire. */
export const validationConflict = (message: string) => conflict(message, { ErrorType: 'ValidationException' });

export interface CatalogDeps {
  store: EndpointStore;
  bus: EventBus;
  objectStore: string;
  registry: Pick<ResolveDeps, 'describeVersion'>;
  clock?: () => Date;
}

export class EndpointCatalog {
  constructor(private readonly deps: CatalogDeps) {}

  private now(): string {
    return (this.deps.clock?.() ?? new Date()).toISOString();
  }

  private changed(kind: 'model' | 'config', name: string): void {
    this.deps.bus.emit('endpoints.changed', { kind, name });
  }

  createModel(request: CreateModelRequest): { ModelArn: string } {
    if (this.deps.store.model(request.ModelName)) throw validationConflict(`Cannot create already existing model "${request.ModelName}".`);
    const containers = (request.Containers ?? [request.PrimaryContainer]) as ContainerDefinition[];
    const server = resolveModelServer(containers, { objectStore: this.deps.objectStore, describeVersion: (arn) => this.deps.registry.describeVersion(arn) });
    this.deps.store.insertModel({ name: request.ModelName, request, server, createdAt: this.now() });
    this.changed('model', request.ModelName);
    return { ModelArn: `${ARN}:model/${request.ModelName.toLowerCase()}` };
  }

  describeModel(name: string): ModelDescription {
    const row = this.deps.store.model(name);
    if (!row) throw notFound(`Could not find model "${name}".`);
    const { ModelName, PrimaryContainer, Containers, ExecutionRoleArn } = row.request;
    return {
      ModelName,
      ModelArn: `${ARN}:model/${ModelName.toLowerCase()}`,
      ...(PrimaryContainer ? { PrimaryContainer: PrimaryContainer as ContainerDefinition } : {}),
      ...(Containers ? { Containers: Containers as ContainerDefinition[] } : {}),
      ...(ExecutionRoleArn ? { ExecutionRoleArn } : {}),
      CreationTime: row.createdAt,
      LatheServer:
        row.server.Kind === 'container'
          ? { Kind: 'container', Image: row.server.Image, ...(row.server.ModelDataPath ? { ModelDataPath: row.server.ModelDataPath } : {}), ...(row.server.CodePath ? { CodePath: row.server.CodePath } : {}) }
          : { Kind: 'builtin', Algorithm: row.server.Algorithm, ModelDataPath: row.server.ModelDataPath },
    };
  }

  listModels(request: ListRequest): { Models: Array<{ ModelName: string; ModelArn: string; CreationTime: string }>; NextToken?: string } {
    const rows = this.deps.store.models().filter((m) => m.name.toLowerCase().includes((request.NameContains ?? '').toLowerCase()));
    const page = listPage(sortBy(rows, (m) => (request.SortBy === 'Name' ? m.name : m.createdAt), request.SortOrder), request);
    return { Models: page.page.map((m) => ({ ModelName: m.name, ModelArn: `${ARN}:model/${m.name.toLowerCase()}`, CreationTime: m.createdAt })), ...(page.next ? { NextToken: page.next } : {}) };
  }

  deleteModel(name: string): Record<string, never> {
    const row = this.deps.store.model(name);
    if (!row) throw notFound(`Could not find model "${name}".`);
    this.deps.store.deleteModel(row.name);
    this.changed('model', row.name);
    return {};
  }

  createConfig(request: CreateEndpointConfigRequest): { EndpointConfigArn: string } {
    if (this.deps.store.config(request.EndpointConfigName)) throw validationConflict(`Cannot create already existing endpoint configuration "${request.EndpointConfigName}".`);
    // A destination Lathe cannot write to is refused now, not when the endpoint starts.
    captureSettingsOf(request.DataCaptureConfig, this.deps.objectStore);
    const names = new Set(request.ProductionVariants.map((v) => v.VariantName));
    for (const shadow of request.ShadowProductionVariants ?? []) {
      if (names.has(shadow.VariantName)) throw validationConflict(`Shadow variant ${shadow.VariantName} has the name of a production variant; give it its own name.`);
    }
    for (const variant of [...request.ProductionVariants, ...(request.ShadowProductionVariants ?? [])]) {
      if (!this.deps.store.model(variant.ModelName)) throw notFound(`Variant ${variant.VariantName}: could not find model "${variant.ModelName}"; create it first with CreateModel.`);
    }
    this.deps.store.insertConfig({ name: request.EndpointConfigName, request, createdAt: this.now() });
    this.changed('config', request.EndpointConfigName);
    return { EndpointConfigArn: `${ARN}:endpoint-config/${request.EndpointConfigName.toLowerCase()}` };
  }

  describeConfig(name: string): EndpointConfigDescription {
    const row = this.deps.store.config(name);
    if (!row) throw notFound(`Could not find endpoint configuration "${name}".`);
    return {
      EndpointConfigName: row.name,
      EndpointConfigArn: `${ARN}:endpoint-config/${row.name.toLowerCase()}`,
      ProductionVariants: row.request.ProductionVariants,
      ...(row.request.DataCaptureConfig ? { DataCaptureConfig: row.request.DataCaptureConfig } : {}),
      CreationTime: row.createdAt,
    };
  }

  listConfigs(request: ListRequest): { EndpointConfigs: Array<{ EndpointConfigName: string; EndpointConfigArn: string; CreationTime: string }>; NextToken?: string } {
    const rows = this.deps.store.configs().filter((c) => c.name.toLowerCase().includes((request.NameContains ?? '').toLowerCase()));
    const page = listPage(sortBy(rows, (c) => (request.SortBy === 'Name' ? c.name : c.createdAt), request.SortOrder), request);
    return { EndpointConfigs: page.page.map((c) => ({ EndpointConfigName: c.name, EndpointConfigArn: `${ARN}:endpoint-config/${c.name.toLowerCase()}`, CreationTime: c.createdAt })), ...(page.next ? { NextToken: page.next } : {}) };
  }

  deleteConfig(name: string): Record<string, never> {
    const row = this.deps.store.config(name);
    if (!row) throw notFound(`Could not find endpoint configuration "${name}".`);
    this.deps.store.deleteConfig(row.name);
    this.changed('config', row.name);
    return {};
  }

}

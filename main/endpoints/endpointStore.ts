/**
 * Models, endpoint configs and endpoints in SQLite (migration 12). Requests are kept as given, so
 * Describe answers what the caller sent; an endpoint row carries its status and the config it serves.
 */
import type { EndpointStatus } from '../contract/endpoints';
import type { CreateEndpointConfigRequest, CreateModelRequest } from '../contract/endpointSchemas';
import type { MetadataStore } from '../store/metadataStore';

/**
 * How Lathe serves a model: the built-in server with this algorithm's model file, or a local
 * Docker image run with `serve` (its model, if any, unpacked at /opt/ml/model).
 */
export type ModelServer =
  | {
      Kind: 'builtin';
      Algorithm: string;
      /** The model.tar.gz (or folder) on this machine. */
      ModelDataPath: string;
      Image: string;
      Environment: Record<string, string>;
    }
  | {
      Kind: 'container';
      /** A model.tar.gz (or folder) on this machine; an image may carry its model itself. */
      ModelDataPath?: string;
      /** A script-mode model's code on this machine (its SAGEMAKER_SUBMIT_DIRECTORY), mounted read-only at CODE_MOUNT. */
      CodePath?: string;
      Image: string;
      Environment: Record<string, string>;
    };

export interface ModelRow {
  name: string;
  request: CreateModelRequest;
  server: ModelServer;
  createdAt: string;
}

export interface ConfigRow {
  name: string;
  request: CreateEndpointConfigRequest;
  createdAt: string;
}

export interface EndpointRow {
  name: string;
  configName: string;
  pendingConfig: string | null;
  status: EndpointStatus;
  failureReason: string | null;
  createdAt: string;
  modifiedAt: string;
}

function toEndpoint(raw: Record<string, unknown>): EndpointRow {
  return {
    name: raw.name as string,
    configName: raw.config_name as string,
    pendingConfig: raw.pending_config as string | null,
    status: raw.status as EndpointStatus,
    failureReason: raw.failure_reason as string | null,
    createdAt: raw.created_at as string,
    modifiedAt: raw.modified_at as string,
  };
}

export class EndpointStore {
  constructor(private readonly store: MetadataStore) {}

  private get db() {
    return this.store.db;
  }

  insertModel(row: ModelRow): void {
    this.db.prepare('INSERT INTO sm_models (name, request, server, created_at) VALUES (?, ?, ?, ?)').run(row.name, JSON.stringify(row.request), JSON.stringify(row.server), row.createdAt);
  }

  /** By name, case-insensitively, as SageMaker treats these names. */
  model(name: string): ModelRow | null {
    const raw = this.db.prepare('SELECT * FROM sm_models WHERE lower(name) = lower(?)').get(name) as Record<string, string> | undefined;
    return raw ? { name: raw.name!, request: JSON.parse(raw.request!) as CreateModelRequest, server: JSON.parse(raw.server!) as ModelServer, createdAt: raw.created_at! } : null;
  }

  models(): ModelRow[] {
    return (this.db.prepare('SELECT name FROM sm_models').all() as Array<{ name: string }>).map((r) => this.model(r.name)!);
  }

  deleteModel(name: string): void {
    this.db.prepare('DELETE FROM sm_models WHERE name = ?').run(name);
  }

  insertConfig(row: ConfigRow): void {
    this.db.prepare('INSERT INTO endpoint_configs (name, request, created_at) VALUES (?, ?, ?)').run(row.name, JSON.stringify(row.request), row.createdAt);
  }

  config(name: string): ConfigRow | null {
    const raw = this.db.prepare('SELECT * FROM endpoint_configs WHERE lower(name) = lower(?)').get(name) as Record<string, string> | undefined;
    return raw ? { name: raw.name!, request: JSON.parse(raw.request!) as CreateEndpointConfigRequest, createdAt: raw.created_at! } : null;
  }

  configs(): ConfigRow[] {
    return (this.db.prepare('SELECT name FROM endpoint_configs').all() as Array<{ name: string }>).map((r) => this.config(r.name)!);
  }

  deleteConfig(name: string): void {
    this.db.prepare('DELETE FROM endpoint_configs WHERE name = ?').run(name);
  }

  insertEndpoint(row: EndpointRow): void {
    this.db
      .prepare('INSERT INTO endpoints (name, config_name, pending_config, status, failure_reason, created_at, modified_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(row.name, row.configName, row.pendingConfig, row.status, row.failureReason, row.createdAt, row.modifiedAt);
  }

  updateEndpoint(row: EndpointRow): void {
    this.db
      .prepare('UPDATE endpoints SET config_name = ?, pending_config = ?, status = ?, failure_reason = ?, modified_at = ? WHERE name = ?')
      .run(row.configName, row.pendingConfig, row.status, row.failureReason, row.modifiedAt, row.name);
  }

  endpoint(name: string): EndpointRow | null {
    const raw = this.db.prepare('SELECT * FROM endpoints WHERE lower(name) = lower(?)').get(name) as Record<string, unknown> | undefined;
    return raw ? toEndpoint(raw) : null;
  }

  endpoints(): EndpointRow[] {
    return (this.db.prepare('SELECT * FROM endpoints').all() as Array<Record<string, unknown>>).map(toEndpoint);
  }

  deleteEndpoint(name: string): void {
    this.db.prepare('DELETE FROM endpoints WHERE name = ?').run(name);
  }
}

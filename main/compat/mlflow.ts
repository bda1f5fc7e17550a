/**
 * An MLflow REST API 2.0 subset on the loopback server (`/api/2.0/mlflow/...`), onto the
 * experiments store, so an MLflow client works with MLFLOW_TRACKING_URI = Lathe's URL and
 * MLFLOW_TRACKING_TOKEN = its token (a bearer token, checked by the server before this adapter).
 * Errors use MLflow's shape: {"error_code": "INVALID_PARAMETER_VALUE", "message": "…"}.
 */
import { LatheFault } from '../api/errors';
import type { Experiment, MetricValue, Run, RunInfo, RunStatus } from '../contract/experiments';
import { DEFAULT_EXPERIMENT, type ExperimentsService, type MetricInput } from '../experiments/experimentsService';
import { experimentMatches, parseExperimentFilter } from '../experiments/experimentFilter';
import { matches, parseFilter } from '../experiments/runFilter';
import type { Logger } from '../log/logger';
import type { WireAdapter, WireRequest, WireResponse } from '../server/wire';

const PREFIX = '/api/2.0/mlflow/';
/** MLflow's log-batch limits (mlflow/utils/validation.py). */
export const MLFLOW_LIMITS = { metrics: 1000, params: 100, tags: 100, entities: 1000, keyLength: 250, paramValue: 6000, tagValue: 8000 } as const;
const STATUSES: RunStatus[] = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'];

class MlflowError extends Error {
  constructor(
    readonly code: 'INVALID_PARAMETER_VALUE' | 'INVALID_STATE' | 'RESOURCE_DOES_NOT_EXIST' | 'RESOURCE_ALREADY_EXISTS' | 'ENDPOINT_NOT_FOUND' | 'INTERNAL_ERROR',
    message: string,
  ) {
    super(message);
  }

  get status(): number {
    return this.code === 'RESOURCE_DOES_NOT_EXIST' || this.code === 'ENDPOINT_NOT_FOUND' ? 404 : this.code === 'INTERNAL_ERROR' ? 500 : 400;
  }
}

const bad = (message: string) => new MlflowError('INVALID_PARAMETER_VALUE', message);

type Json = Record<string, unknown>;

function str(body: Json, key: string, required = true): string | undefined {
  const value = body[key];
  if (value === undefined || value === null || value === '') {
    if (required) throw bad(`Missing value for required parameter '${key}'. See the API docs for more information about request parameters.`);
    return undefined;
  }
  if (typeof value !== 'string') throw bad(`Invalid value ${JSON.stringify(value)} for parameter '${key}' supplied: it must be a string.`);
  return value;
}

function num(body: Json, key: string, required = true): number | undefined {
  const value = body[key];
  if (value === undefined || value === null) {
    if (required) throw bad(`Missing value for required parameter '${key}'.`);
    return undefined;
  }
  const parsed = typeof value === 'string' ? Number(value) : value;
  if (typeof parsed !== 'number' || !Number.isFinite(parsed)) throw bad(`Invalid value ${JSON.stringify(value)} for parameter '${key}' supplied: it must be a number.`);
  return parsed;
}

/** A metric value as MLflow's JSON carries it: a number, or "NaN" / "Infinity" / "-Infinity". */
function metricValue(value: unknown, key: string): number {
  if (typeof value === 'number') return value;
  if (value === 'NaN' || value === 'nan') return NaN;
  if (value === 'Infinity' || value === 'inf') return Infinity;
  if (value === '-Infinity' || value === '-inf') return -Infinity;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  throw bad(`Invalid value ${JSON.stringify(value)} for metric '${key}': it must be a number.`);
}

const out = (value: MetricValue): number | string => value;

function keyCheck(key: string, what: string): void {
  if (key.length > MLFLOW_LIMITS.keyLength) throw bad(`${what} key '${key.slice(0, 40)}…' had length ${key.length}, which exceeded length limit of ${MLFLOW_LIMITS.keyLength}`);
}

function experimentJson(experiment: Experiment) {
  return {
    experiment_id: experiment.experimentId,
    name: experiment.name,
    artifact_location: experiment.artifactLocation,
    lifecycle_stage: experiment.lifecycleStage,
    last_update_time: experiment.lastUpdateTime,
    creation_time: experiment.creationTime,
    tags: Object.entries(experiment.tags).map(([key, value]) => ({ key, value })),
  };
}

function infoJson(info: RunInfo) {
  return {
    run_id: info.runId,
    run_uuid: info.runId,
    run_name: info.runName,
    experiment_id: info.experimentId,
    user_id: 'lathe',
    status: info.status,
    start_time: info.startTime,
    ...(info.endTime !== undefined ? { end_time: info.endTime } : {}),
    artifact_uri: info.artifactUri,
    lifecycle_stage: info.lifecycleStage,
  };
}

function runJson(run: Run) {
  return {
    info: infoJson(run.info),
    data: {
      metrics: run.metrics.map((m) => ({ key: m.key, value: out(m.last), timestamp: m.lastTimestamp, step: m.lastStep })),
      params: Object.entries(run.params).map(([key, value]) => ({ key, value })),
      tags: Object.entries(run.tags).map(([key, value]) => ({ key, value })),
    },
  };
}

type Handler = (body: Json, request: WireRequest) => unknown;

export class MlflowAdapter implements WireAdapter {
  readonly name = 'mlflow';
  readonly auth = 'bearer' as const;
  readonly maxBodyBytes = 16 * 1024 * 1024;
  private readonly routes: Record<string, Handler>;

  constructor(
    private readonly experiments: ExperimentsService,
    private readonly logger: Logger,
    private readonly clock: () => number = Date.now,
  ) {
    const e = experiments;
    const run = (body: Json) => str(body, 'run_id', body.run_uuid === undefined) ?? str(body, 'run_uuid')!;
    // MLflow clients use experiment "0" when none is set: Lathe's Default experiment.
    const experimentId = (id: string) => (id === '0' ? e.ensureExperiment(DEFAULT_EXPERIMENT).experimentId : id);
    this.routes = {
      'POST experiments/create': (body) => {
        const name = str(body, 'name')!;
        const tags = Object.fromEntries(((body.tags as Array<{ key: string; value: string }> | undefined) ?? []).map((t) => [t.key, t.value]));
        try {
          return { experiment_id: e.createExperiment(name, tags).experimentId };
        } catch (error) {
          if (error instanceof LatheFault && error.code === 'conflict') throw new MlflowError('RESOURCE_ALREADY_EXISTS', `Experiment '${name}' already exists.`);
          throw error;
        }
      },
      'GET experiments/get': (body) => ({ experiment: experimentJson(e.experiment(experimentId(str(body, 'experiment_id')!))) }),
      'GET experiments/get-by-name': (body) => ({ experiment: experimentJson(e.experimentByName(str(body, 'experiment_name')!)) }),
      'POST experiments/delete': (body) => (e.setExperimentLifecycle(experimentId(str(body, 'experiment_id')!), 'deleted'), {}),
      'POST experiments/restore': (body) => (e.setExperimentLifecycle(experimentId(str(body, 'experiment_id')!), 'active'), {}),
      'POST experiments/search': (body) => {
        const max = num(body, 'max_results', false) ?? 1000;
        const view = body.view_type === 'ALL' ? 'all' : body.view_type === 'DELETED_ONLY' ? 'deleted' : 'active';
        const clauses = parseExperimentFilter(typeof body.filter === 'string' ? body.filter : undefined);
        const chosen = e
          .listExperiments(view !== 'active')
          .filter((x) => view === 'all' || x.lifecycleStage === view)
          .filter((x) => experimentMatches(x, clauses));
        return { experiments: chosen.slice(0, max).map(experimentJson) };
      },
      'POST runs/create': (body) => {
        const experiment = experimentId(str(body, 'experiment_id', false) ?? '0');
        const tags = Object.fromEntries(((body.tags as Array<{ key: string; value: string }> | undefined) ?? []).map((t) => [t.key, t.value]));
        const runName = str(body, 'run_name', false) ?? tags['mlflow.runName'] ?? `run-${this.clock()}`;
        const info = e.createRun({ experimentId: experiment, runName, source: { kind: 'mlflow' }, tags, startTime: num(body, 'start_time', false) ?? this.clock() });
        return { run: runJson({ info, params: {}, tags, metrics: [] }) };
      },
      'GET runs/get': (body) => ({ run: runJson(e.getRun(run(body))) }),
      'POST runs/update': (body) => {
        const status = str(body, 'status', false) as RunStatus | undefined;
        if (status && !STATUSES.includes(status)) throw bad(`Invalid value '${status}' for parameter 'status': it must be one of ${STATUSES.join(', ')}.`);
        const endTime = num(body, 'end_time', false);
        const runName = str(body, 'run_name', false);
        return { run_info: infoJson(e.updateRun(run(body), { ...(status ? { status } : {}), ...(endTime !== undefined ? { endTime } : {}), ...(runName ? { runName } : {}) })) };
      },
      'POST runs/delete': (body) => (e.setRunLifecycle(run(body), 'deleted'), {}),
      'POST runs/restore': (body) => (e.setRunLifecycle(run(body), 'active'), {}),
      'POST runs/log-metric': (body) => {
        const key = str(body, 'key')!;
        keyCheck(key, 'Metric');
        const point = { key, value: metricValue(body.value, key), timestamp: num(body, 'timestamp')!, step: num(body, 'step', false) ?? 0 };
        // MLflow keeps an exact duplicate (a retried call) once.
        if (!e.hasPoint(run(body), point)) e.logMetrics(run(body), [point]);
        return {};
      },
      'POST runs/log-parameter': (body) => {
        const key = str(body, 'key')!;
        const value = String(body.value ?? '');
        keyCheck(key, 'Param');
        if (value.length > MLFLOW_LIMITS.paramValue) throw bad(`Param value '${value.slice(0, 40)}…' had length ${value.length}, which exceeded length limit of ${MLFLOW_LIMITS.paramValue}`);
        try {
          e.logBatch(run(body), { params: { [key]: value } });
        } catch (error) {
          if (error instanceof LatheFault && error.code === 'conflict') throw bad(error.message);
          throw error;
        }
        return {};
      },
      'POST runs/set-tag': (body) => {
        const key = str(body, 'key')!;
        keyCheck(key, 'Tag');
        e.logBatch(run(body), { tags: { [key]: String(body.value ?? '') } });
        return {};
      },
      'POST runs/log-batch': (body, request) => {
        const runId = run(body);
        const metrics = (body.metrics as Json[] | undefined) ?? [];
        const params = (body.params as Json[] | undefined) ?? [];
        const tags = (body.tags as Json[] | undefined) ?? [];
        if (!Array.isArray(metrics) || !Array.isArray(params) || !Array.isArray(tags)) throw bad('metrics, params and tags must be lists.');
        if (metrics.length > MLFLOW_LIMITS.metrics) throw bad(`A batch logging request can contain at most ${MLFLOW_LIMITS.metrics} metrics. Got ${metrics.length} metrics. Please split up metrics across multiple requests and try again.`);
        if (params.length > MLFLOW_LIMITS.params) throw bad(`A batch logging request can contain at most ${MLFLOW_LIMITS.params} params. Got ${params.length} params. Please split up params across multiple requests and try again.`);
        if (tags.length > MLFLOW_LIMITS.tags) throw bad(`A batch logging request can contain at most ${MLFLOW_LIMITS.tags} tags. Got ${tags.length} tags. Please split up tags across multiple requests and try again.`);
        const total = metrics.length + params.length + tags.length;
        if (total > MLFLOW_LIMITS.entities) throw bad(`A batch logging request can contain at most ${MLFLOW_LIMITS.entities} total entities (metrics, params, and tags). Got ${total} total entities. Please split up your batch across multiple requests and try again.`);
        const points: MetricInput[] = metrics.map((m) => {
          const key = str(m, 'key')!;
          keyCheck(key, 'Metric');
          return { key, value: metricValue(m.value, key), timestamp: num(m, 'timestamp')!, step: num(m, 'step', false) ?? 0 };
        });
        const paramMap: Record<string, string> = {};
        for (const p of params) {
          const key = str(p, 'key')!;
          keyCheck(key, 'Param');
          const value = String(p.value ?? '');
          if (value.length > MLFLOW_LIMITS.paramValue) throw bad(`Param value '${value.slice(0, 40)}…' had length ${value.length}, which exceeded length limit of ${MLFLOW_LIMITS.paramValue}`);
          if (key in paramMap && paramMap[key] !== value) throw bad(`Duplicate parameter keys have been submitted: ['${key}']. Please ensure the request contains only one param value per param key.`);
          paramMap[key] = value;
        }
        const tagMap: Record<string, string> = {};
        for (const t of tags) {
          const key = str(t, 'key')!;
          keyCheck(key, 'Tag');
          const value = String(t.value ?? '');
          if (value.length > MLFLOW_LIMITS.tagValue) throw bad(`Tag value '${value.slice(0, 40)}…' had length ${value.length}, which exceeded length limit of ${MLFLOW_LIMITS.tagValue}`);
          tagMap[key] = value;
        }
        // Lathe's SDK names each batch, so a retry after a lost answer is not stored twice.
        const header = request.headers['x-lathe-batch-id'];
        const batchId = typeof header === 'string' && /^[\w-]{8,128}$/.test(header) ? header : undefined;
        try {
          e.logBatch(runId, { params: paramMap, tags: tagMap, metrics: points }, batchId);
        } catch (error) {
          // MLflow answers a changed param with INVALID_PARAMETER_VALUE, and nothing of the batch is kept.
          if (error instanceof LatheFault && error.code === 'conflict') throw bad(error.message);
          throw error;
        }
        return {};
      },
      'GET metrics/get-history': (body) => {
        const runId = run(body);
        const key = str(body, 'metric_key')!;
        const history = e.metricHistory(runId, key);
        return { metrics: (history.points ?? []).map((p) => ({ key, value: out(p.value), timestamp: p.timestamp, step: p.step })) };
      },
      'POST runs/search': (body) => {
        const ids = body.experiment_ids;
        if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => typeof id === 'string' || typeof id === 'number')) throw bad("Invalid value for parameter 'experiment_ids': give a list of experiment ids.");
        const clauses = (() => {
          try {
            return parseFilter(typeof body.filter === 'string' ? body.filter : undefined);
          } catch (error) {
            throw bad((error as Error).message);
          }
        })();
        const view = body.run_view_type === 'DELETED_ONLY' ? 'deleted' : body.run_view_type === 'ALL' ? 'all' : 'active';
        const max = num(body, 'max_results', false) ?? 1000;
        if (!Number.isInteger(max) || max < 1 || max > 50_000) throw bad(`Invalid value ${max} for parameter 'max_results' supplied: it must be a whole number from 1 to 50000.`);
        const offset = body.page_token ? Number(body.page_token) : 0;
        if (!Number.isInteger(offset) || offset < 0) throw bad(`Invalid page token ${JSON.stringify(body.page_token)}.`);
        const found = orderRuns(e.allRuns(ids.map((id) => experimentId(String(id))), view, clauses).filter((r) => matches(r, clauses)), body.order_by);
        const page = found.slice(offset, offset + max).map(runJson);
        return offset + max < found.length ? { runs: page, next_page_token: String(offset + max) } : { runs: page };
      },
    };
  }

  matches(_method: string, path: string): boolean {
    return path.startsWith(PREFIX);
  }

  async handle(request: WireRequest): Promise<WireResponse> {
    const url = new URL(request.url, 'http://127.0.0.1');
    const route = `${request.method} ${url.pathname.slice(PREFIX.length)}`;
    try {
      const handler = this.routes[route];
      if (!handler) throw new MlflowError('ENDPOINT_NOT_FOUND', `Lathe does not serve ${request.method} ${url.pathname}; it serves ${Object.keys(this.routes).join(', ')}.`);
      let body: Json;
      if (request.method === 'GET') body = Object.fromEntries(url.searchParams);
      else {
        try {
          body = request.body.length === 0 ? {} : (JSON.parse(request.body.toString('utf8')) as Json);
        } catch {
          throw bad('The request body is not valid JSON.');
        }
        if (body === null || typeof body !== 'object' || Array.isArray(body)) throw bad('The request body must be a JSON object.');
      }
      return json(200, (await handler(body, request)) ?? {});
    } catch (error) {
      if (error instanceof MlflowError) return json(error.status, { error_code: error.code, message: error.message });
      if (error instanceof LatheFault) {
        const code = error.code === 'not-found' ? 'RESOURCE_DOES_NOT_EXIST' : error.code === 'conflict' ? 'RESOURCE_ALREADY_EXISTS' : error.code === 'failed-precondition' ? 'INVALID_STATE' : 'INVALID_PARAMETER_VALUE';
        return json(code === 'RESOURCE_DOES_NOT_EXIST' ? 404 : 400, { error_code: code, message: error.message });
      }
      this.logger.error(`MLflow ${route} failed`, error);
      return json(500, { error_code: 'INTERNAL_ERROR', message: 'Lathe failed to handle this MLflow request; its log has the details.' });
    }
  }

  tooLarge(): WireResponse {
    return json(413, { error_code: 'INVALID_PARAMETER_VALUE', message: `The request body is over ${this.maxBodyBytes} bytes; split the batch.` });
  }
}

/** MLflow's order_by: ["metrics.auc DESC", "params.eta", "attributes.start_time ASC", …]; default newest first. */
function orderRuns(runs: Run[], orderBy: unknown): Run[] {
  if (orderBy === undefined || orderBy === null || (Array.isArray(orderBy) && orderBy.length === 0)) return runs;
  if (!Array.isArray(orderBy) || !orderBy.every((o) => typeof o === 'string')) throw bad("Invalid value for parameter 'order_by': give a list such as [\"metrics.auc DESC\"].");
  const keys = (orderBy as string[]).map((clause) => {
    const match = /^\s*(metrics|params|tags|attributes)\.(`[^`]+`|"[^"]+"|[\w.:\-/]+)(?:\s+(ASC|DESC))?\s*$/i.exec(clause);
    if (!match) throw bad(`Invalid order_by clause ${JSON.stringify(clause)}: use, for example, "metrics.auc DESC" or "attributes.start_time".`);
    const key = /^[`"]/.test(match[2]!) ? match[2]!.slice(1, -1) : match[2]!;
    return { entity: match[1]!.toLowerCase(), key, sign: (match[3] ?? 'ASC').toUpperCase() === 'DESC' ? -1 : 1 };
  });
  const value = (run: Run, entity: string, key: string): number | string | undefined => {
    if (entity === 'metrics') {
      const last = run.metrics.find((m) => m.key === key)?.last;
      return last === undefined ? undefined : typeof last === 'number' ? last : Number(last);
    }
    if (entity === 'params') return run.params[key];
    if (entity === 'tags') return run.tags[key];
    const info = run.info as unknown as Record<string, unknown>;
    const field = { start_time: 'startTime', end_time: 'endTime', run_name: 'runName', status: 'status' }[key];
    return field ? (info[field] as number | string | undefined) : undefined;
  };
  return [...runs].sort((a, b) => {
    for (const { entity, key, sign } of keys) {
      const x = value(a, entity, key);
      const y = value(b, entity, key);
      if (x === y) continue;
      // Missing values go last, as in MLflow, whatever the direction.
      if (x === undefined || (typeof x === 'number' && Number.isNaN(x))) return 1;
      if (y === undefined || (typeof y === 'number' && Number.isNaN(y))) return -1;
      return (x < y ? -1 : 1) * sign;
    }
    return 0;
  });
}

function json(status: number, body: unknown): WireResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

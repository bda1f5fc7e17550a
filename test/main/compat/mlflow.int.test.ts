/**
 * The MLflow REST subset, driven as an MLflow client drives it (MLFLOW_TRACKING_URI = Lathe,
 * MLFLOW_TRACKING_TOKEN sent as a bearer token), asserted against MLflow's documented shapes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLathe, type Lathe } from '../../../main/app';
import { tmpDir } from '../../helpers/tmp';

let lathe: Lathe;
/** MLflow's JSON, read field by field in the assertions below (the shapes are what is under test). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type MlflowJson = Record<string, any>;

beforeAll(async () => {
  lathe = await createLathe({ home: tmpDir(), serve: true, staticDir: null, background: false, runJobs: false });
});
afterAll(async () => {
  await lathe?.dispose();
});

async function mlflow(method: 'GET' | 'POST', route: string, body?: Record<string, unknown>, token = lathe.token): Promise<{ status: number; json: MlflowJson }> {
  const query = method === 'GET' && body ? `?${new URLSearchParams(body as Record<string, string>).toString()}` : '';
  const response = await fetch(`${lathe.url}/api/2.0/mlflow/${route}${query}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(method === 'POST' ? { 'content-type': 'application/json' } : {}) },
    ...(method === 'POST' ? { body: JSON.stringify(body ?? {}) } : {}),
  });
  return { status: response.status, json: (await response.json()) as MlflowJson };
}

describe('MLflow REST API 2.0 subset', () => {
  it('creates an experiment and runs, logs batches, reads history and searches with a filter string', async () => {
    const created = await mlflow('POST', 'experiments/create', { name: 'fraud-mlflow', tags: [{ key: 'team', value: 'risk' }] });
    expect(created).toEqual({ status: 200, json: { experiment_id: expect.stringMatching(/^\d+$/) } });
    const id = created.json.experiment_id as string;
    const byName = await mlflow('GET', 'experiments/get-by-name', { experiment_name: 'fraud-mlflow' });
    expect(byName.json.experiment).toMatchObject({ experiment_id: id, name: 'fraud-mlflow', lifecycle_stage: 'active', tags: [{ key: 'team', value: 'risk' }] });
    expect((await mlflow('POST', 'experiments/create', { name: 'fraud-mlflow' })).json.error_code).toBe('RESOURCE_ALREADY_EXISTS');

    const runIds: string[] = [];
    for (const [depth, auc] of [['5', 0.95], ['5', 0.85], ['7', 0.97]] as const) {
      const run = await mlflow('POST', 'runs/create', { experiment_id: id, start_time: Date.now(), tags: [{ key: 'mlflow.runName', value: `d${depth}-${auc}` }] });
      expect(run.json.run.info).toMatchObject({ experiment_id: id, status: 'RUNNING', lifecycle_stage: 'active', run_name: `d${depth}-${auc}` });
      const runId = run.json.run.info.run_id as string;
      runIds.push(runId);
      const batch = await mlflow('POST', 'runs/log-batch', {
        run_id: runId,
        params: [{ key: 'max_depth', value: depth }],
        metrics: [0, 1, 2].map((step) => ({ key: 'auc', value: auc - (2 - step) * 0.01, timestamp: 1_700_000_000_000 + step, step })),
        tags: [{ key: 'stage', value: 'tuning' }],
      });
      expect(batch).toEqual({ status: 200, json: {} });
    }
    const history = await mlflow('GET', 'metrics/get-history', { run_id: runIds[0]!, metric_key: 'auc' });
    expect(history.json.metrics).toEqual([0, 1, 2].map((step) => ({ key: 'auc', value: expect.closeTo(0.95 - (2 - step) * 0.01, 10), timestamp: 1_700_000_000_000 + step, step })));

    const found = await mlflow('POST', 'runs/search', { experiment_ids: [id], filter: "metrics.auc > 0.9 and params.max_depth = '5'" });
    expect(found.status).toBe(200);
    expect(found.json.runs.map((r: { info: { run_id: string } }) => r.info.run_id)).toEqual([runIds[0]]);
    expect(found.json.runs[0].data).toEqual({
      metrics: [{ key: 'auc', value: 0.95, timestamp: 1_700_000_000_002, step: 2 }],
      params: [{ key: 'max_depth', value: '5' }],
      tags: expect.arrayContaining([{ key: 'stage', value: 'tuning' }]),
    });
    const bad = await mlflow('POST', 'runs/search', { experiment_ids: [id], filter: 'metrics.auc >> 0.9' });
    expect(bad.status).toBe(400);
    expect(bad.json.error_code).toBe('INVALID_PARAMETER_VALUE');

    const finished = await mlflow('POST', 'runs/update', { run_id: runIds[1]!, status: 'FINISHED', end_time: Date.now() });
    expect(finished.json.run_info).toMatchObject({ run_id: runIds[1], status: 'FINISHED' });
    expect(await mlflow('POST', 'runs/delete', { run_id: runIds[2]! })).toEqual({ status: 200, json: {} });
    expect((await mlflow('POST', 'runs/search', { experiment_ids: [id] })).json.runs).toHaveLength(2);
  });

  it('answers MLflow errors for limits, a changed param, an unknown run and a missing token, keeping nothing of a refused batch', async () => {
    const id = (await mlflow('POST', 'experiments/create', { name: 'limits' })).json.experiment_id as string;
    const runId = (await mlflow('POST', 'runs/create', { experiment_id: id })).json.run.info.run_id as string;
    const tooMany = await mlflow('POST', 'runs/log-batch', { run_id: runId, metrics: Array.from({ length: 1001 }, (_, i) => ({ key: 'm', value: i, timestamp: i, step: i })) });
    expect(tooMany).toEqual({ status: 400, json: { error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining('at most 1000 metrics. Got 1001 metrics') } });
    const params = await mlflow('POST', 'runs/log-batch', { run_id: runId, params: Array.from({ length: 101 }, (_, i) => ({ key: `p${i}`, value: '1' })) });
    expect(params.json.message).toContain('at most 100 params');

    await mlflow('POST', 'runs/log-parameter', { run_id: runId, key: 'eta', value: '0.2' });
    const changed = await mlflow('POST', 'runs/log-batch', { run_id: runId, params: [{ key: 'eta', value: '0.3' }], metrics: [{ key: 'kept', value: 1, timestamp: 1, step: 0 }] });
    expect(changed.status).toBe(400);
    expect(changed.json).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining('eta') });
    const run = (await mlflow('GET', 'runs/get', { run_id: runId })).json.run;
    expect(run.data.params).toEqual([{ key: 'eta', value: '0.2' }]);
    expect(run.data.metrics).toEqual([]); // the refused batch left nothing behind

    const special = await mlflow('POST', 'runs/log-batch', { run_id: runId, metrics: [{ key: 'loss', value: 'NaN', timestamp: 5, step: 0 }, { key: 'loss', value: 'Infinity', timestamp: 6, step: 1 }] });
    expect(special.status).toBe(200);
    expect((await mlflow('GET', 'metrics/get-history', { run_id: runId, metric_key: 'loss' })).json.metrics.map((m: { value: unknown }) => m.value)).toEqual(['NaN', 'Infinity']);

    // A batch sent again with the same X-Lathe-Batch-Id (the SDK retrying) is stored once.
    const again = async () =>
      fetch(`${lathe.url}/api/2.0/mlflow/runs/log-batch`, {
        method: 'POST',
        headers: { authorization: `Bearer ${lathe.token}`, 'content-type': 'application/json', 'x-lathe-batch-id': 'batch-0001-retry' },
        body: JSON.stringify({ run_id: runId, metrics: [{ key: 'once', value: 1, timestamp: 1, step: 0 }] }),
      });
    expect((await again()).status).toBe(200);
    expect((await again()).status).toBe(200);
    expect((await mlflow('GET', 'metrics/get-history', { run_id: runId, metric_key: 'once' })).json.metrics).toHaveLength(1);

    // A retried log-metric (the same point twice) is kept once, as MLflow does.
    for (let i = 0; i < 2; i++) await mlflow('POST', 'runs/log-metric', { run_id: runId, key: 'retried', value: 3, timestamp: 7, step: 1 });
    expect((await mlflow('GET', 'metrics/get-history', { run_id: runId, metric_key: 'retried' })).json.metrics).toHaveLength(1);
    expect((await mlflow('POST', 'runs/search', { experiment_ids: [id], max_results: 0 })).json.error_code).toBe('INVALID_PARAMETER_VALUE');

    expect(await mlflow('GET', 'runs/get', { run_id: 'a'.repeat(32) })).toMatchObject({ status: 404, json: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
    expect((await mlflow('GET', 'runs/get', { run_id: runId }, 'wrong-token')).status).toBe(401);
    expect((await mlflow('POST', 'runs/nothing', {})).json.error_code).toBe('ENDPOINT_NOT_FOUND');
  });

  it("uses Lathe's Default experiment for MLflow's experiment 0, and orders runs by order_by", async () => {
    const run = await mlflow('POST', 'runs/create', { experiment_id: '0', run_name: 'no-experiment-set' });
    expect(run.status).toBe(200);
    const defaultId = run.json.run.info.experiment_id as string;
    expect((await mlflow('GET', 'experiments/get', { experiment_id: '0' })).json.experiment).toMatchObject({ name: 'Default', experiment_id: defaultId });
    const id = (await mlflow('POST', 'experiments/create', { name: 'ordered' })).json.experiment_id as string;
    for (const [name, loss] of [['a', 0.3], ['b', 0.1], ['c', 0.2]] as const) {
      const runId = (await mlflow('POST', 'runs/create', { experiment_id: id, run_name: name })).json.run.info.run_id as string;
      await mlflow('POST', 'runs/log-metric', { run_id: runId, key: 'loss', value: loss, timestamp: 1, step: 0 });
    }
    const names = async (orderBy: string[]) => (await mlflow('POST', 'runs/search', { experiment_ids: [id], order_by: orderBy })).json.runs.map((r: { info: { run_name: string } }) => r.info.run_name);
    expect(await names(['metrics.loss ASC'])).toEqual(['b', 'c', 'a']);
    expect(await names(['metrics.loss DESC'])).toEqual(['a', 'c', 'b']);
    expect((await mlflow('POST', 'runs/search', { experiment_ids: [id], order_by: ['loss'] })).json.error_code).toBe('INVALID_PARAMETER_VALUE');
    // experiments/delete hides it from search until experiments/restore; the Default one cannot go.
    expect((await mlflow('POST', 'experiments/delete', { experiment_id: id })).status).toBe(200);
    const search = async () => (await mlflow('POST', 'experiments/search', { max_results: 100 })).json.experiments.map((e: { name: string }) => e.name);
    expect(await search()).not.toContain('ordered');
    expect((await mlflow('POST', 'experiments/restore', { experiment_id: id })).status).toBe(200);
    expect(await search()).toContain('ordered');
    // Filters on names and tags; a deleted one only in DELETED_ONLY; a filter Lathe cannot read is an error, not ignored.
    await mlflow('POST', 'experiments/create', { name: 'tagged', tags: [{ key: 'team', value: 'ml-platform' }] });
    const found = async (body: Record<string, unknown>) => (await mlflow('POST', 'experiments/search', { max_results: 100, ...body })).json.experiments.map((e: { name: string }) => e.name).sort();
    expect(await found({ filter: "tags.team = 'ml-platform'" })).toEqual(['tagged']);
    expect(await found({ filter: "name LIKE 'order%' and tags.team = 'ml-platform'" })).toEqual([]);
    const tagged = (await mlflow('GET', 'experiments/get-by-name', { experiment_name: 'tagged' })).json.experiment.experiment_id as string;
    await mlflow('POST', 'experiments/delete', { experiment_id: tagged });
    expect(await found({ view_type: 'DELETED_ONLY' })).toEqual(['tagged']);
    expect(await found({ view_type: 'ALL', filter: "name ILIKE 'TAG%'" })).toEqual(['tagged']);
    expect(await found({})).not.toContain('tagged');
    expect((await mlflow('POST', 'experiments/search', { filter: "owner = 'me'" })).json).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining('expected name') });
    expect((await mlflow('POST', 'experiments/delete', { experiment_id: '0' })).json.error_code).toBe('INVALID_STATE');
    // A deleted experiment takes no new runs (as MLflow).
    await mlflow('POST', 'experiments/delete', { experiment_id: id });
    expect((await mlflow('POST', 'runs/create', { experiment_id: id, run_name: 'late' })).json).toMatchObject({ error_code: 'INVALID_STATE', message: expect.stringContaining('restore') });
  });
});

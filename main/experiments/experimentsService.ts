/**
 * Experiments and runs in the metadata store: params, tags, metric series with last/min/max
 * summaries kept at write time, and lineage edges. Training jobs become runs of an experiment
 * (ExperimentConfig.ExperimentName, else "Default") through recordJob / logJobMetrics / finishJob.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { conflict, invalid, notFound, precondition } from '../api/errors';
import type { Experiment, LineageEdge, LineageNode, MetricHistory, MetricSummary, Run, RunDetail, RunInfo, RunStatus } from '../contract/experiments';
import type { Statement } from 'better-sqlite3';
import type { MetadataStore } from '../store/metadataStore';
import { readLineage } from './lineage';
import { encode, toExperiment, toInfo, type ExperimentRow, type MetricInput, type RunRow, type SummaryRow } from './rows';
import { decode, readMetricHistory } from './metricHistory';
import { filterSql, matches, parseFilter, type Clause } from './runFilter';

export const DEFAULT_EXPERIMENT = 'Default';
/** Run ids per hydrate query (SQLite's parameter limit is far above). */
const HYDRATE_CHUNK = 500;

export type { MetricInput } from './rows';

export class ExperimentsService {
  constructor(
    private readonly store: MetadataStore,
    /** LATHE_HOME/artifacts: where runs keep their artifacts. */
    private readonly artifactRoot: string,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Told which experiment's runs were created, changed or got points (the app throttles and publishes it). */
  onChange: ((experimentId: string) => void) | null = null;
  private readonly hydrateCache = new Map<number, [Statement, Statement, Statement]>();
  /** Run id → experiment id, for onChange without a query per metric batch. */
  private readonly experimentOfRun = new Map<string, string>();

  private get db() {
    return this.store.db;
  }

  private touched(runId: string): void {
    if (!this.onChange) return;
    let experimentId = this.experimentOfRun.get(runId);
    if (experimentId === undefined) {
      const row = this.db.prepare('SELECT experiment_id FROM runs WHERE id = ?').get(runId) as { experiment_id: number } | undefined;
      if (!row) return;
      experimentId = String(row.experiment_id);
      if (this.experimentOfRun.size > 10_000) this.experimentOfRun.clear();
      this.experimentOfRun.set(runId, experimentId);
    }
    this.onChange(experimentId);
  }

  listExperiments(includeDeleted = false): Experiment[] {
    const rows = this.db
      .prepare(
        `SELECT e.*, (SELECT count(*) FROM runs r WHERE r.experiment_id = e.id AND r.lifecycle_stage = 'active') AS run_count
         FROM experiments e WHERE ? OR e.lifecycle_stage = 'active' ORDER BY e.updated_at DESC, e.id DESC`,
      )
      .all(includeDeleted ? 1 : 0) as ExperimentRow[];
    return rows.map(toExperiment);
  }

  createExperiment(name: string, tags: Record<string, string> = {}): Experiment {
    if (this.db.prepare('SELECT 1 FROM experiments WHERE name = ?').get(name)) throw conflict(`An experiment named ${JSON.stringify(name)} already exists.`);
    const now = this.clock();
    const info = this.db.prepare('INSERT INTO experiments (name, artifact_location, tags, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(name, '', JSON.stringify(tags), now, now);
    const id = Number(info.lastInsertRowid);
    this.db.prepare('UPDATE experiments SET artifact_location = ? WHERE id = ?').run(path.join(this.artifactRoot, String(id)), id);
    return this.experiment(String(id));
  }

  experiment(id: string): Experiment {
    const row = this.db.prepare("SELECT e.*, (SELECT count(*) FROM runs r WHERE r.experiment_id = e.id AND r.lifecycle_stage = 'active') AS run_count FROM experiments e WHERE e.id = ?").get(Number(id)) as ExperimentRow | undefined;
    if (!row) throw notFound(`No experiment with id ${JSON.stringify(id)}.`);
    return toExperiment(row);
  }

  /** Refuses (failed-precondition) when the experiment of that name exists and is deleted: a job would log into the trash. */
  assertLoggable(name: string): void {
    const row = this.db.prepare('SELECT lifecycle_stage FROM experiments WHERE name = ?').get(name) as { lifecycle_stage: string } | undefined;
    if (row?.lifecycle_stage === 'deleted') throw precondition(`Experiment ${name} is deleted; restore it (experiments.restore) or name another ExperimentConfig.ExperimentName.`);
  }

  /** The experiment of that name, created when it does not exist yet. */
  ensureExperiment(name: string): Experiment {
    const row = this.db.prepare('SELECT id FROM experiments WHERE name = ?').get(name) as { id: number } | undefined;
    return row ? this.experiment(String(row.id)) : this.createExperiment(name);
  }

  createRun(input: { experimentId: string; runName: string; source: RunInfo['source']; params?: Record<string, string>; tags?: Record<string, string>; startTime?: number }): RunInfo {
    const target = this.experiment(input.experimentId);
    // As MLflow: a deleted experiment takes no new runs (they would be invisible, and purged with it).
    if (target.lifecycleStage === 'deleted') throw precondition(`Experiment ${target.name} is deleted; restore it (experiments.restore) or log to another experiment.`);
    const id = randomBytes(16).toString('hex');
    const now = input.startTime ?? this.clock();
    const experiment = Number(input.experimentId);
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO runs (id, experiment_id, name, status, start_time, source_kind, source_name, artifact_uri) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(id, experiment, input.runName, 'RUNNING', now, input.source.kind, input.source.name ?? null, path.join(this.artifactRoot, String(experiment), id, 'artifacts'));
      this.logParamsIn(id, input.params ?? {});
      for (const [key, value] of Object.entries(input.tags ?? {})) this.db.prepare('INSERT OR REPLACE INTO run_tags (run_id, key, value) VALUES (?, ?, ?)').run(id, key, value);
      this.db.prepare('UPDATE experiments SET updated_at = ? WHERE id = ?').run(now, experiment);
    })();
    this.touched(id);
    return this.runRow(id);
  }

  private runRow(id: string): RunInfo {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
    if (!row) throw notFound(`No run with id ${JSON.stringify(id)}.`);
    return toInfo(row);
  }

  runBySource(kind: RunInfo['source']['kind'], name: string): RunInfo | null {
    const row = this.db.prepare('SELECT * FROM runs WHERE source_kind = ? AND source_name = ?').get(kind, name) as RunRow | undefined;
    return row ? toInfo(row) : null;
  }

  /** A param keeps its first value: logging another is a conflict, as in MLflow. */
  private logParamsIn(runId: string, params: Record<string, string>): void {
    for (const [key, value] of Object.entries(params)) {
      const existing = this.db.prepare('SELECT value FROM run_params WHERE run_id = ? AND key = ?').get(runId, key) as { value: string } | undefined;
      if (existing && existing.value !== value) {
        throw conflict(`Param ${JSON.stringify(key)} of run ${runId} is already ${JSON.stringify(existing.value)}; a param cannot change (got ${JSON.stringify(value)}).`);
      }
      if (!existing) this.db.prepare('INSERT INTO run_params (run_id, key, value) VALUES (?, ?, ?)').run(runId, key, value);
    }
  }

  /** Whether exactly this point (key, step, timestamp and value) is stored already. */
  hasPoint(runId: string, point: MetricInput): boolean {
    const { value, special } = encode(point.value);
    return Boolean(
      this.db
        .prepare('SELECT 1 FROM run_metrics WHERE run_id = ? AND key = ? AND step = ? AND timestamp = ? AND value IS ? AND special IS ?')
        .get(runId, point.key, point.step, point.timestamp, value, special),
    );
  }

  /** Appends metric points in one transaction, keeping each key's summary. */
  logMetrics(runId: string, points: readonly MetricInput[]): void {
    this.runRow(runId);
    this.store.timed('run_metrics.log', () => this.db.transaction(() => this.appendIn(runId, points, false))());
    this.touched(runId);
  }

  /**
   * Metric points of a job's run, keyed by step: a point for a step already recorded replaces it
   * (a resumed attempt, a log read again after a restart), so each step is stored once.
   */
  logJobMetrics(runId: string, points: readonly MetricInput[]): void {
    this.db.transaction(() => this.appendIn(runId, points, true))();
    this.touched(runId);
  }

  private appendIn(runId: string, points: readonly MetricInput[], byStep: boolean): void {
    const insert = this.db.prepare('INSERT INTO run_metrics (run_id, key, step, timestamp, value, special) VALUES (?, ?, ?, ?, ?, ?)');
    const remove = this.db.prepare('DELETE FROM run_metrics WHERE run_id = ? AND key = ? AND step = ?');
    const stored = this.db.prepare('SELECT value, special FROM run_metrics WHERE run_id = ? AND key = ? AND step = ? LIMIT 1');
    // The batch's own summary per key, merged into the stored one with one statement per key.
    const batch = new Map<string, { last: MetricInput; min: number | null; max: number | null; count: number; replaced: boolean }>();
    for (const point of points) {
      const { value, special } = encode(point.value);
      if (byStep) {
        // A log read again after a restart repeats every point: the same value at the same step is already in.
        const before = stored.get(runId, point.key, point.step) as { value: number | null; special: string | null } | undefined;
        if (before && before.value === value && before.special === special) continue;
      }
      const replaced = byStep && remove.run(runId, point.key, point.step).changes > 0;
      insert.run(runId, point.key, point.step, point.timestamp, value, special);
      const seen = batch.get(point.key);
      if (!seen) {
        batch.set(point.key, { last: point, min: value, max: value, count: 1, replaced });
        continue;
      }
      if (point.step > seen.last.step || (point.step === seen.last.step && point.timestamp >= seen.last.timestamp)) seen.last = point;
      if (value !== null) {
        seen.min = seen.min === null ? value : Math.min(seen.min, value);
        seen.max = seen.max === null ? value : Math.max(seen.max, value);
      }
      seen.count += 1;
      seen.replaced ||= replaced;
    }
    const summary = this.db.prepare('SELECT * FROM run_metric_summaries WHERE run_id = ? AND key = ?');
    const upsert = this.db.prepare(
      `INSERT OR REPLACE INTO run_metric_summaries (run_id, key, last_value, last_special, last_step, last_timestamp, min_value, max_value, count)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const [key, seen] of batch) {
      // A replaced point may have been the minimum or maximum: count again from the points.
      if (seen.replaced) {
        this.recomputeSummary(runId, key);
        continue;
      }
      const current = summary.get(runId, key) as SummaryRow | undefined;
      const newer = !current || seen.last.step > current.last_step || (seen.last.step === current.last_step && seen.last.timestamp >= current.last_timestamp);
      const last = encode(seen.last.value);
      const pick = (a: number | null | undefined, b: number | null, f: (x: number, y: number) => number) => (a === null || a === undefined ? b : b === null ? a : f(a, b));
      upsert.run(
        runId,
        key,
        newer ? last.value : current!.last_value,
        newer ? last.special : current!.last_special,
        newer ? seen.last.step : current!.last_step,
        newer ? seen.last.timestamp : current!.last_timestamp,
        pick(current?.min_value, seen.min, Math.min),
        pick(current?.max_value, seen.max, Math.max),
        (current?.count ?? 0) + seen.count,
      );
    }
  }

  private recomputeSummary(runId: string, key: string): void {
    const aggregate = this.db.prepare('SELECT min(value) AS min, max(value) AS max, count(*) AS count FROM run_metrics WHERE run_id = ? AND key = ?').get(runId, key) as { min: number | null; max: number | null; count: number };
    const last = this.db.prepare('SELECT step, timestamp, value, special FROM run_metrics WHERE run_id = ? AND key = ? ORDER BY step DESC, timestamp DESC LIMIT 1').get(runId, key) as { step: number; timestamp: number; value: number | null; special: string | null };
    this.db
      .prepare('INSERT OR REPLACE INTO run_metric_summaries (run_id, key, last_value, last_special, last_step, last_timestamp, min_value, max_value, count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(runId, key, last.value, last.special, last.step, last.timestamp, aggregate.min, aggregate.max, aggregate.count);
  }

  setStatus(runId: string, status: RunStatus, endTime?: number): void {
    this.db.prepare('UPDATE runs SET status = ?, end_time = ? WHERE id = ?').run(status, endTime ?? null, runId);
    this.touched(runId);
  }

  experimentByName(name: string): Experiment {
    const row = this.db.prepare('SELECT id FROM experiments WHERE name = ?').get(name) as { id: number } | undefined;
    if (!row) throw notFound(`No experiment named ${JSON.stringify(name)}.`);
    return this.experiment(String(row.id));
  }

  /** Status, end time and name of a run (MLflow's runs/update). */
  updateRun(runId: string, update: { status?: RunStatus; endTime?: number; runName?: string }): RunInfo {
    const info = this.runRow(runId);
    this.db
      .prepare('UPDATE runs SET status = ?, end_time = ?, name = ? WHERE id = ?')
      .run(update.status ?? info.status, update.endTime ?? info.endTime ?? null, update.runName ?? info.runName, runId);
    this.touched(runId);
    return this.runRow(runId);
  }

  /**
   * Forgets the ids of log-batches older than `maxAgeMs` (30 days): the SDK replays a spool with
   * the same ids, so they are kept well past any retry, but not forever.
   */
  pruneIngestedBatches(maxAgeMs = 30 * 24 * 3600 * 1000): number {
    return this.db.prepare('DELETE FROM ingested_batches WHERE at < ?').run(this.clock() - maxAgeMs).changes;
  }

  /** Soft delete (restorable); the files stay until a permanent delete. */
  setRunLifecycle(runId: string, stage: 'active' | 'deleted'): void {
    this.setRunsLifecycle([runId], stage);
  }

  /** Soft delete or restore of many runs, all or none: an unknown id changes nothing. */
  setRunsLifecycle(runIds: readonly string[], stage: 'active' | 'deleted'): number {
    const changed = this.db.transaction(() => {
      for (const id of runIds) this.runRow(id);
      const update = this.db.prepare('UPDATE runs SET lifecycle_stage = ? WHERE id = ? AND lifecycle_stage != ?');
      return runIds.reduce((sum, id) => sum + update.run(stage, id, stage).changes, 0);
    })();
    for (const id of runIds) this.touched(id);
    return changed;
  }

  /** Soft delete or restore of an experiment; Default cannot be deleted (as MLflow's experiment 0). */
  setExperimentLifecycle(experimentId: string, stage: 'active' | 'deleted'): Experiment {
    const experiment = this.experiment(experimentId);
    if (stage === 'deleted' && experiment.name === DEFAULT_EXPERIMENT) throw precondition('The Default experiment cannot be deleted; delete its runs instead.');
    this.db.prepare('UPDATE experiments SET lifecycle_stage = ?, updated_at = ? WHERE id = ?').run(stage, this.clock(), Number(experimentId));
    this.onChange?.(experimentId);
    return this.experiment(experimentId);
  }

  /**
   * Params, tags and metrics of one run in one transaction: all of it is stored, or none. A batch
   * with an id (the SDK's retries send the same id again) is stored once: answers false when it was
   * already in.
   */
  logBatch(runId: string, batch: { params?: Record<string, string>; tags?: Record<string, string>; metrics?: readonly MetricInput[] }, batchId?: string): boolean {
    this.runRow(runId);
    const stored = this.db.transaction(() => {
      if (batchId !== undefined) {
        const fresh = this.db.prepare('INSERT OR IGNORE INTO ingested_batches (id, run_id, at) VALUES (?, ?, ?)').run(batchId, runId, this.clock());
        if (fresh.changes === 0) return false;
      }
      this.logParamsIn(runId, batch.params ?? {});
      for (const [key, value] of Object.entries(batch.tags ?? {})) this.db.prepare('INSERT OR REPLACE INTO run_tags (run_id, key, value) VALUES (?, ?, ?)').run(runId, key, value);
      if (batch.metrics && batch.metrics.length > 0) this.appendIn(runId, batch.metrics, false);
      return true;
    })();
    this.touched(runId);
    return stored;
  }

  /**
   * Every run of the experiments (active ones unless asked), with params, tags and summaries; with
   * clauses, narrowed in SQLite to the runs that may match (check the rest with `matches`).
   */
  allRuns(experimentIds: string[], stage: 'active' | 'deleted' | 'all' = 'active', clauses: readonly Clause[] = []): Run[] {
    const ids = experimentIds.map(Number);
    const placeholders = ids.map(() => '?').join(', ') || 'NULL';
    const sql = filterSql(clauses);
    const rows = this.db
      .prepare(`SELECT * FROM runs WHERE experiment_id IN (${placeholders}) AND (? = 'all' OR lifecycle_stage = ?) AND ${sql.where} ORDER BY start_time DESC, id`)
      .all(...ids, stage, stage, ...sql.params) as RunRow[];
    return this.hydrate(rows);
  }

  addLineage(from: LineageNode, to: LineageNode, relation: LineageEdge['relation']): void {
    this.db.prepare('INSERT OR IGNORE INTO lineage (from_kind, from_id, to_kind, to_id, relation, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(from.kind, from.id, to.kind, to.id, relation, this.clock());
  }

  /** Every edge that touches the node, and the edges of those neighbours in turn (up to `depth`). */
  lineageOf(node: LineageNode, depth = 3): LineageEdge[] {
    return readLineage(this.db, node, depth);
  }

  getRun(runId: string): RunDetail {
    const info = this.runRow(runId);
    const params = Object.fromEntries((this.db.prepare('SELECT key, value FROM run_params WHERE run_id = ? ORDER BY key').all(runId) as Array<{ key: string; value: string }>).map((r) => [r.key, r.value]));
    const tags = Object.fromEntries((this.db.prepare('SELECT key, value FROM run_tags WHERE run_id = ? ORDER BY key').all(runId) as Array<{ key: string; value: string }>).map((r) => [r.key, r.value]));
    const source = info.source.name && (info.source.kind === 'training-job' || info.source.kind === 'processing-job') ? { kind: info.source.kind, id: info.source.name } : null;
    return { info, params, tags, metrics: this.summaries(runId), lineage: source ? this.lineageOf(source) : [] };
  }

  private summaries(runId: string): MetricSummary[] {
    return (this.db.prepare('SELECT * FROM run_metric_summaries WHERE run_id = ? ORDER BY key').all(runId) as SummaryRow[]).map((row) => ({
      key: row.key,
      last: decode(row.last_value, row.last_special),
      lastStep: row.last_step,
      lastTimestamp: row.last_timestamp,
      min: row.min_value,
      max: row.max_value,
      count: row.count,
    }));
  }

  /** Params, tags and metric summaries of many runs in three queries (not three per run). */
  private hydrate(rows: RunRow[]): Run[] {
    if (rows.length === 0) return [];
    const ids = rows.map((row) => row.id);
    const params = new Map<string, Record<string, string>>();
    const tags = new Map<string, Record<string, string>>();
    const metrics = new Map<string, MetricSummary[]>();
    for (let i = 0; i < ids.length; i += HYDRATE_CHUNK) {
      const chunk = ids.slice(i, i + HYDRATE_CHUNK);
      const [paramRows, tagRows, summaryRows] = this.hydrateStatements(chunk.length);
      // Raw rows (arrays, not objects): 10,000 runs are ~100,000 rows here.
      for (const [runId, key, value] of paramRows.all(...chunk) as Array<[string, string, string]>) (params.get(runId) ?? params.set(runId, {}).get(runId)!)[key] = value;
      for (const [runId, key, value] of tagRows.all(...chunk) as Array<[string, string, string]>) (tags.get(runId) ?? tags.set(runId, {}).get(runId)!)[key] = value;
      for (const [runId, key, lastValue, lastSpecial, lastStep, lastTimestamp, min, max, count] of summaryRows.all(...chunk) as Array<[string, string, number | null, string | null, number, number, number | null, number | null, number]>) {
        (metrics.get(runId) ?? metrics.set(runId, []).get(runId)!).push({ key, last: decode(lastValue, lastSpecial), lastStep, lastTimestamp, min, max, count });
      }
    }
    return rows.map((row) => ({ info: toInfo(row), params: params.get(row.id) ?? {}, tags: tags.get(row.id) ?? {}, metrics: metrics.get(row.id) ?? [] }));
  }

  /** The three hydrate queries for `size` ids, prepared once per size (a full chunk is the common one). */
  private hydrateStatements(size: number): [Statement, Statement, Statement] {
    let statements = this.hydrateCache.get(size);
    if (!statements) {
      const marks = Array.from({ length: size }, () => '?').join(', ');
      statements = [
        this.db.prepare(`SELECT run_id, key, value FROM run_params WHERE run_id IN (${marks}) ORDER BY key`).raw(),
        this.db.prepare(`SELECT run_id, key, value FROM run_tags WHERE run_id IN (${marks}) ORDER BY key`).raw(),
        this.db.prepare(`SELECT run_id, key, last_value, last_special, last_step, last_timestamp, min_value, max_value, count FROM run_metric_summaries WHERE run_id IN (${marks}) ORDER BY key`).raw(),
      ];
      if (this.hydrateCache.size > 8) this.hydrateCache.clear();
      this.hydrateCache.set(size, statements);
    }
    return statements;
  }

  /**
   * Runs of the experiments, newest first, with their params, tags and metric summaries; `filter`
   * is MLflow's filter string (a bad one is invalid-argument saying where).
   */
  searchRuns(request: { experimentIds: string[]; maxResults?: number; pageToken?: string; filter?: string; lifecycle?: 'active' | 'deleted' | 'all' }): { runs: Run[]; nextPageToken?: string } {
    const offset = request.pageToken ? Number.parseInt(request.pageToken, 10) : 0;
    if (!Number.isInteger(offset) || offset < 0 || !/^\d*$/.test(request.pageToken ?? '')) throw invalid('pageToken is not one Lathe gave out');
    const clauses = parseFilter(request.filter);
    const size = request.maxResults ?? 1000;
    const stage = request.lifecycle ?? 'active';
    const ids = request.experimentIds.map(Number);
    const placeholders = ids.map(() => '?').join(', ') || 'NULL';
    // What SQLite can answer is filtered there; only the rest is checked on hydrated rows.
    const sql = filterSql(clauses);
    if (sql.rest.length > 0) {
      const found = this.allRuns(request.experimentIds, stage, clauses).filter((run) => matches(run, sql.rest));
      const runs = found.slice(offset, offset + size);
      return found.length > offset + size ? { runs, nextPageToken: String(offset + size) } : { runs };
    }
    const rows = this.db
      .prepare(`SELECT * FROM runs WHERE experiment_id IN (${placeholders}) AND (? = 'all' OR lifecycle_stage = ?) AND ${sql.where} ORDER BY start_time DESC, id LIMIT ? OFFSET ?`)
      .all(...ids, stage, stage, ...sql.params, size + 1, offset) as RunRow[];
    const runs = this.hydrate(rows.slice(0, size));
    return rows.length > size ? { runs, nextPageToken: String(offset + size) } : { runs };
  }

  /**
   * A metric's points; with `width`, at most that many buckets with each one's min and max, so a
   * one-point spike stays visible (see metricHistory.ts).
   */
  metricHistory(runId: string, key: string, width?: number): MetricHistory {
    this.runRow(runId);
    return readMetricHistory(this.store, runId, key, width);
  }
}

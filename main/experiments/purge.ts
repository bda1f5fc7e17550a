/**
 * Permanent deletes: runs (and experiments) already soft-deleted lose their records, metric
 * points and artifact files. Records go in one transaction first, files after: a folder that
 * cannot be removed (permissions, a crash in between) is named in the answer's `notRemoved`,
 * so the person can remove it by hand; nothing else references it any more.
 */
import { readdirSync, rmSync, statSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { precondition } from '../api/errors';
import type { PurgeResult } from '../contract/experiments';
import type { MetadataStore } from '../store/metadataStore';
import type { ExperimentsService } from './experimentsService';

interface PurgeRow {
  id: string;
  name: string;
  status: string;
  lifecycle_stage: string;
  experiment_id: number;
  source_kind: string;
}

/** A job's run is RUNNING while its job runs; a script's run may stay RUNNING after a crash. */
const liveJob = (row: PurgeRow) => row.status === 'RUNNING' && (row.source_kind === 'training-job' || row.source_kind === 'processing-job');

/** Bytes of the files under `folder` (0 when it does not exist); symlinks are not followed. */
export function folderBytes(folder: string): number {
  let total = 0;
  let entries: Dirent[];
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) total += folderBytes(full);
    else if (entry.isFile()) total += statSync(full, { throwIfNoEntry: false })?.size ?? 0;
  }
  return total;
}

/** Whether `child` lies strictly inside `parent`. */
function inside(parent: string, child: string): boolean {
  const relative = path.relative(path.resolve(parent), path.resolve(child));
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

export class Purger {
  constructor(
    private readonly store: MetadataStore,
    private readonly experiments: ExperimentsService,
    /** LATHE_HOME/artifacts: nothing outside it is ever removed. */
    private readonly artifactRoot: string,
  ) {}

  private get db() {
    return this.store.db;
  }

  /** A run's own folder: LATHE_HOME/artifacts/<experiment>/<run>. */
  private runFolder(row: PurgeRow): string {
    return path.join(this.artifactRoot, String(row.experiment_id), row.id);
  }

  /**
   * Removes deleted runs for good. Every run must exist, be deleted and not be running; otherwise
   * nothing is removed and the error names each one that is not.
   */
  purgeRuns(runIds: readonly string[]): PurgeResult {
    const rows = runIds.map((id) => {
      const row = this.db.prepare('SELECT id, name, status, lifecycle_stage, experiment_id, source_kind FROM runs WHERE id = ?').get(id) as PurgeRow | undefined;
      if (!row) this.experiments.getRun(id); // throws not-found naming the id
      return row!;
    });
    const problems = rows.flatMap((row) => {
      if (row.lifecycle_stage !== 'deleted') return [`run ${row.name} (${row.id}) is not deleted; delete it first, then delete it forever`];
      if (liveJob(row)) return [`run ${row.name} (${row.id}) is its job's, which is still running; stop the job or wait for it to end`];
      return [];
    });
    if (problems.length > 0) throw precondition(`Nothing was removed: ${problems.join('; ')}.`, { problems });
    return this.remove(rows);
  }

  /** Removes a deleted experiment, every run of it (active or not) and their files. */
  purgeExperiment(experimentId: string): PurgeResult {
    const experiment = this.experiments.experiment(experimentId);
    if (experiment.lifecycleStage !== 'deleted') throw precondition(`Experiment ${experiment.name} is not deleted; delete it first, then delete it forever.`);
    const rows = this.db.prepare('SELECT id, name, status, lifecycle_stage, experiment_id, source_kind FROM runs WHERE experiment_id = ?').all(Number(experimentId)) as PurgeRow[];
    const running = rows.filter(liveJob);
    if (running.length > 0) throw precondition(`Nothing was removed: ${running.length} run(s) of ${experiment.name} belong to jobs still running (${running.map((r) => r.name).slice(0, 5).join(', ')}); stop them first.`);
    const result = this.remove(rows, () => this.db.prepare('DELETE FROM experiments WHERE id = ?').run(Number(experimentId)));
    const folder = path.join(this.artifactRoot, experimentId);
    const left = this.removeFolder(folder);
    const bytesFreed = result.bytesFreed + left.bytes;
    const notRemoved = [...(result.notRemoved ?? []), ...(left.error ? [left.error] : [])];
    return { runs: result.runs, bytesFreed, ...(notRemoved.length > 0 ? { notRemoved } : {}) };
  }

  /** Removes a folder inside the artifact root; a failure is reported, not thrown (the records are gone already). */
  private removeFolder(folder: string): { bytes: number; error?: string } {
    if (!inside(this.artifactRoot, folder)) return { bytes: 0 };
    const bytes = folderBytes(folder);
    try {
      rmSync(folder, { recursive: true, force: true });
      return { bytes };
    } catch (error) {
      return { bytes: bytes - folderBytes(folder), error: `${folder}: ${(error as Error).message}` };
    }
  }

  private remove(rows: readonly PurgeRow[], alsoInTransaction?: () => void): PurgeResult {
    this.db.transaction(() => {
      for (const table of ['run_metrics', 'run_metric_summaries', 'run_params', 'run_tags', 'ingested_batches']) {
        const statement = this.db.prepare(`DELETE FROM ${table} WHERE run_id = ?`);
        for (const row of rows) statement.run(row.id);
      }
      const lineage = this.db.prepare("DELETE FROM lineage WHERE (from_kind = 'run' AND from_id = ?) OR (to_kind = 'run' AND to_id = ?)");
      const run = this.db.prepare('DELETE FROM runs WHERE id = ?');
      for (const row of rows) {
        lineage.run(row.id, row.id);
        run.run(row.id);
      }
      alsoInTransaction?.();
    })();
    let bytesFreed = 0;
    const notRemoved: string[] = [];
    for (const row of rows) {
      const removed = this.removeFolder(this.runFolder(row));
      bytesFreed += removed.bytes;
      if (removed.error) notRemoved.push(removed.error);
    }
    for (const experimentId of new Set(rows.map((row) => String(row.experiment_id)))) this.experiments.onChange?.(experimentId);
    return { runs: rows.length, bytesFreed, ...(notRemoved.length > 0 ? { notRemoved } : {}) };
  }
}

/**
 * The `lathe` SDK inside a container: with network `none` it cannot reach Lathe, so it spools
 * every record to a folder in the job's mount (LATHE_SPOOL_DIR) and Lathe replays that spool with
 * the host's Python once the container has ended. Nothing is lost if the replay cannot run now:
 * the files stay, and `python3 -m lathe.tracking replay --spool-dir … --only-run …` sends them.
 * The spool is written by code Lathe does not trust, so the replay is confined (--only-run): only the
 * job's own run is logged to, no run is created, and artifacts come only from the spool's own files.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from '../log/logger';

const run = promisify(execFile);

/** Where the SDK in a container spools; the job's /opt/ml is its opt-ml folder on the host. */
export const CONTAINER_SPOOL = '/opt/ml/.lathe-spool';

/** The spool folder on the host for a job whose /opt/ml is `mlRoot`. */
export function hostSpool(mlRoot: string): string {
  return path.join(mlRoot, '.lathe-spool');
}

/** Whether the folder holds spooled records. */
function hasRecords(folder: string): boolean {
  try {
    return fs.readdirSync(folder).some((name) => name.endsWith('.jsonl'));
  } catch {
    return false;
  }
}

/**
 * Sends what the container's SDK spooled. `env` must name the Lathe to send to (LATHE_URL and
 * LATHE_TOKEN); without it, or without a Python, the spool is kept and the log says how to send it.
 */
export async function replaySpool(options: { spool: string; runId: string | null; python: string | null; pythonPath: string; env: Record<string, string>; logger: Logger; job: string }): Promise<void> {
  const { spool, runId, python, env, logger, job } = options;
  if (!hasRecords(spool)) return;
  const by = `python3 -m lathe.tracking replay --spool-dir ${spool} --only-run ${runId ?? '<run id>'}`;
  if (!python || !env.LATHE_URL || !runId) {
    logger.warn(`the tracking records ${job} spooled stay in ${spool}: Lathe is not serving; send them later with ${by}`);
    return;
  }
  try {
    // The container wrote the spool: only its own run's records count, and artifacts only from the spool.
    await run(python, ['-m', 'lathe.tracking', 'replay', '--spool-dir', spool, '--only-run', runId], {
      env: { ...process.env, ...env, LATHE_SPOOL_DIR: spool, PYTHONPATH: [options.pythonPath, process.env.PYTHONPATH].filter(Boolean).join(path.delimiter) },
      timeout: 300_000,
      maxBuffer: 4 * 1024 * 1024,
    });
  } catch (error) {
    const output = (error as { stderr?: string }).stderr?.trim().split('\n').slice(-3).join(' | ');
    logger.warn(`the tracking records ${job} spooled could not all be sent (${output || (error as Error).message}); they stay in ${spool}: ${by}`);
  }
}

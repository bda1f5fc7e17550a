/**
 * What a backend leaves in a job's folder once it has launched the job, and how to find the job
 * again from it when Lathe stopped before it could record the handle; and the order of job lists.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { JobHandle } from './backend';

/** What a backend leaves in the job folder once it has launched the job. */
export const LAUNCH_FILES = ['supervisor.json', 'exit.json', 'docker.json', 'stop-reason.json'];

/** The handle of a job launched before Lathe could record it, from the files its backend left. */
export function launchedHandle(jobDir: string): JobHandle | null {
  const read = (file: string) => {
    try {
      return JSON.parse(fs.readFileSync(path.join(jobDir, file), 'utf8')) as Record<string, unknown>;
    } catch {
      return null;
    }
  };
  const docker = read('docker.json');
  if (typeof docker?.containerId === 'string') return { backend: 'docker', containerId: docker.containerId, jobDir, logFrom: 0 };
  const supervisor = read('supervisor.json');
  if (typeof supervisor?.pid === 'number') return { backend: 'process', pid: supervisor.pid, jobDir, logFrom: 0 };
  // The supervisor could not start the command: it wrote only exit.json.
  if (read('exit.json')) return { backend: 'process', pid: 0, jobDir, logFrom: 0 };
  return null;
}

/** ListTrainingJobs / ListProcessingJobs order: SortBy (default CreationTime), SortOrder (default Descending). */
export function sortRows<T extends { name: string; createdAt: string; status: string }>(rows: T[], by: 'Name' | 'CreationTime' | 'Status' = 'CreationTime', order: 'Ascending' | 'Descending' = 'Descending'): T[] {
  const key = (row: T) => (by === 'Name' ? row.name : by === 'Status' ? row.status : row.createdAt);
  const sign = order === 'Ascending' ? 1 : -1;
  return [...rows].sort((a, b) => sign * (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Pure helpers for the Jobs pane: one view of training and processing summaries, filters, times. */
import type { JobKind, JobMetricSeries, JobSummary, TrainingJobStatus } from '../../main/contract/training';

export const JOB_STATUSES: readonly TrainingJobStatus[] = ['InProgress', 'Completed', 'Failed', 'Stopping', 'Stopped'];

/** A job as the pane shows it, whatever its kind. */
export interface JobRef {
  kind: JobKind;
  name: string;
}

export function jobName(job: JobSummary): string {
  return job.Kind === 'training' ? job.TrainingJobName : job.ProcessingJobName;
}

export function jobStatus(job: JobSummary): TrainingJobStatus {
  return job.Kind === 'training' ? job.TrainingJobStatus : job.ProcessingJobStatus;
}

export function jobKey(ref: JobRef): string {
  return `${ref.kind}:${ref.name}`;
}

export function refOf(job: JobSummary): JobRef {
  return { kind: job.Kind, name: jobName(job) };
}

/** When the job started running (or was created, while it waits) and when it ended. */
export function jobTimes(job: JobSummary): { start: string; end: string | null } {
  const start = job.Kind === 'training' ? job.TrainingStartTime : job.ProcessingStartTime;
  const end = job.Kind === 'training' ? job.TrainingEndTime : job.ProcessingEndTime;
  const ended = jobStatus(job) !== 'InProgress' && jobStatus(job) !== 'Stopping';
  return { start: start ?? job.CreationTime, end: end ?? (ended ? job.LastModifiedTime : null) };
}

/** 4 → "4s", 65 → "1m 05s", 7322 → "2h 02m". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** Seconds the job has run: to its end, or to `now` while it runs. */
export function jobSeconds(job: JobSummary, now: number): number {
  const { start, end } = jobTimes(job);
  return ((end ? Date.parse(end) : now) - Date.parse(start)) / 1000;
}

export type StatusTone = 'accent' | 'ok' | 'danger' | 'warn' | 'muted';

export function statusTone(status: string): StatusTone {
  switch (status) {
    case 'InProgress':
      return 'accent';
    case 'Completed':
      return 'ok';
    case 'Failed':
      return 'danger';
    case 'Stopping':
      return 'warn';
    default:
      return 'muted';
  }
}

/** "In progress" for "InProgress". */
export function statusLabel(status: string): string {
  return status === 'InProgress' ? 'In progress' : status === 'MaxRuntimeExceeded' ? 'Max runtime exceeded' : status;
}

export interface JobFilter {
  status: TrainingJobStatus | '';
  kind: JobKind | '';
  name: string;
}

export const NO_FILTER: JobFilter = { status: '', kind: '', name: '' };

/** Newest first, narrowed by `filter` (the name matched case-insensitively anywhere). */
export function visibleJobs(jobs: Iterable<JobSummary>, filter: JobFilter): JobSummary[] {
  const needle = filter.name.trim().toLowerCase();
  return [...jobs]
    .filter((job) => (filter.status === '' || jobStatus(job) === filter.status) && (filter.kind === '' || job.Kind === filter.kind))
    .filter((job) => needle === '' || jobName(job).toLowerCase().includes(needle))
    .sort((a, b) => Date.parse(b.CreationTime) - Date.parse(a.CreationTime) || jobName(a).localeCompare(jobName(b)));
}

/** `jobs` with `job` added or replaced (by kind and name). */
export function upsertJob(jobs: Readonly<Record<string, JobSummary>>, job: JobSummary): Record<string, JobSummary> {
  return { ...jobs, [jobKey(refOf(job))]: job };
}

/** The SageMaker job-name rule (`^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$`). */
export const JOB_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

export function jobNameProblem(name: string): string | null {
  if (name === '') return 'Give the job a name.';
  if (name.length > 63) return `The name is ${name.length} characters long; a job name has at most 63.`;
  if (!JOB_NAME.test(name)) return 'Use letters, digits and hyphens only, starting and ending with a letter or digit (e.g. fraud-xgb-1).';
  return null;
}

/** `base` made unique against `taken`: base, base-2, base-3, … (kept within 63 characters). */
export function uniqueName(base: string, taken: ReadonlySet<string>): string {
  const stem = base.slice(0, 63).replace(/-+$/, '') || 'job';
  if (!taken.has(stem)) return stem;
  const match = /^(.*?)-(\d+)$/.exec(stem);
  const root = match ? match[1]! : stem;
  for (let n = match ? Number(match[2]) + 1 : 2; ; n++) {
    const suffix = `-${n}`;
    const candidate = root.slice(0, 63 - suffix.length).replace(/-+$/, '') + suffix;
    if (!taken.has(candidate)) return candidate;
  }
}

/** "xgboost-20250102-130405" for an algorithm and a time, unique against `taken`. */
export function suggestJobName(prefix: string, at: Date, taken: ReadonlySet<string>): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${at.getFullYear()}${pad(at.getMonth() + 1)}${pad(at.getDate())}-${pad(at.getHours())}${pad(at.getMinutes())}${pad(at.getSeconds())}`;
  const clean = prefix.replace(/[^a-zA-Z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'job';
  return uniqueName(`${clean}-${stamp}`, taken);
}

/** A path or URI as CreateTrainingJob wants it: absolute paths become file:// URIs, URIs stay. */
export function toDataUri(value: string): string {
  const text = value.trim();
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(text)) return text;
  if (/^[A-Za-z]:[\\/]/.test(text)) return `file:///${text.replace(/\\/g, '/').split('/').map(encodeURIComponent).join('/').replace('%3A', ':')}`;
  if (text.startsWith('/')) return `file://${text.split('/').map(encodeURIComponent).join('/')}`;
  return text;
}

/** The local path a value names, when it names one (a path or a file:// URI); null for s3:// and others. */
export function localPathOf(value: string): string | null {
  const text = value.trim();
  if (text.startsWith('/') || /^[A-Za-z]:[\\/]/.test(text)) return text;
  const match = /^file:\/\/(?:localhost)?(\/.*)$/i.exec(text);
  if (!match) return null;
  try {
    const decoded = decodeURIComponent(match[1]!);
    return /^\/[A-Za-z]:\//.test(decoded) ? decoded.slice(1) : decoded;
  } catch {
    return null;
  }
}

/** For display: file:// URIs as the path they name; everything else unchanged. */
export function displayPath(value: string): string {
  return /^file:\/\//i.test(value) ? (localPathOf(value) ?? value) : value;
}

/**
 * A log page fetched while live lines were already arriving: the page's lines, then the live lines
 * it does not already end with (the longest overlap of the page's tail and the live lines' head).
 */
export function mergeLogTail(page: readonly string[], live: readonly string[]): string[] {
  const max = Math.min(page.length, live.length);
  for (let overlap = max; overlap > 0; overlap--) {
    let same = true;
    for (let i = 0; i < overlap && same; i++) same = page[page.length - overlap + i] === live[i];
    if (same) return [...page, ...live.slice(overlap)];
  }
  return [...page, ...live];
}

/** Whether a log line carries a metric (Lathe's `#lathe {"metric": …}` or XGBoost's round line). */
export function looksLikeMetric(line: string): boolean {
  return line.includes('#lathe') || /^\[\d+\]\s/.test(line);
}

export interface ChartRow {
  step: number;
  [series: string]: number;
}

/** One row per step with every series' value at it, at most `maxRows` rows (evenly thinned, last kept). */
export function chartRows(series: readonly JobMetricSeries[], maxRows = 1000): ChartRow[] {
  const bySteps = new Map<number, ChartRow>();
  for (const s of series) {
    for (const point of s.points) {
      const row = bySteps.get(point.step) ?? { step: point.step };
      row[s.name] = point.value;
      bySteps.set(point.step, row);
    }
  }
  const rows = [...bySteps.values()].sort((a, b) => a.step - b.step);
  if (rows.length <= maxRows) return rows;
  const every = rows.length / maxRows;
  const thinned: ChartRow[] = [];
  for (let i = 0; i < maxRows - 1; i++) thinned.push(rows[Math.floor(i * every)]!);
  thinned.push(rows[rows.length - 1]!);
  return thinned;
}

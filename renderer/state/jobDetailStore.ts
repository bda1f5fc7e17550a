import { create } from 'zustand';
import type { LatheError, Result } from '../../main/contract/result';
import type { JobLogLine, JobLogPage, JobMetricSeries, JobSummary, ProcessingJobDescription, TrainingJobDescription } from '../../main/contract/training';
import { getBridge } from '../api/client';
import { jobName, jobStatus, mergeLogTail, type JobRef } from '../lib/jobs';

/** Lines fetched when a job opens (its tail), and per "Show earlier lines". */
export const LOG_PAGE = 2000;
/** Lines kept in memory; the oldest go first. */
export const LOG_CAP = 50_000;

export type JobDescription = ({ kind: 'training' } & TrainingJobDescription) | ({ kind: 'processing' } & ProcessingJobDescription);

export interface LogState {
  lines: string[];
  /** Line number (0-based, in the job's log file) of lines[0]. */
  first: number;
  /** Line number after the last line held. */
  next: number;
  complete: boolean;
  loading: boolean;
  error: LatheError | null;
}

const EMPTY_LOG: LogState = { lines: [], first: 0, next: 0, complete: false, loading: false, error: null };

interface JobDetailState {
  job: JobRef | null;
  description: JobDescription | null;
  error: LatheError | null;
  log: LogState;
  metrics: JobMetricSeries[];
  metricsError: LatheError | null;
  /** The last stop or interrupt that failed. */
  actionError: LatheError | null;
  open(job: JobRef): void;
  close(): void;
  /** describe again. */
  refresh(): Promise<void>;
  loadMetrics(): Promise<void>;
  loadEarlierLog(): Promise<void>;
  /** Fed by `jobs.changed`. */
  jobChanged(summary: JobSummary): void;
  /** Fed by `jobs.log`. */
  receivedLog(line: JobLogLine): void;
  stop(): Promise<void>;
  interrupt(): Promise<void>;
}

const same = (a: JobRef | null, b: JobRef | null) => a !== null && b !== null && a.kind === b.kind && a.name === b.name;

function describe(job: JobRef): Promise<Result<JobDescription>> {
  const bridge = getBridge();
  if (job.kind === 'training') {
    return bridge.call('training.describe', { TrainingJobName: job.name }).then((r) => (r.ok ? { ok: true, value: { kind: 'training', ...r.value } } : r));
  }
  return bridge.call('processing.describe', { ProcessingJobName: job.name }).then((r) => (r.ok ? { ok: true, value: { kind: 'processing', ...r.value } } : r));
}

function logs(job: JobRef, start: number, limit: number): Promise<Result<JobLogPage>> {
  return job.kind === 'training'
    ? getBridge().call('training.logs', { TrainingJobName: job.name, start, limit })
    : getBridge().call('processing.logs', { ProcessingJobName: job.name, start, limit });
}

function capped(log: LogState): LogState {
  const over = log.lines.length - LOG_CAP;
  return over > 0 ? { ...log, lines: log.lines.slice(over), first: log.first + over } : log;
}

/** How often live lines are added to the log, in a batch (a chatty job would otherwise re-render per line). */
const FLUSH_MS = 50;

/** Live lines that arrived while the first page was on its way (null once it is in). */
let pendingLive: string[] | null = null;
/** Live lines waiting for the next flush. */
let queued: string[] = [];
let flushTimer: ReturnType<typeof setTimeout> | null = null;
let describing: { key: string; done: Promise<void> } | null = null;
let describeAgain = false;

function forgetLive(): void {
  pendingLive = null;
  queued = [];
  if (flushTimer) clearTimeout(flushTimer);
  flushTimer = null;
  describing = null;
  describeAgain = false;
}

/** The job the Jobs pane has open: its description, its log (live) and its metrics. */
export const useJobDetailStore = create<JobDetailState>()((set, get) => ({
  job: null,
  description: null,
  error: null,
  log: EMPTY_LOG,
  metrics: [],
  metricsError: null,
  actionError: null,

  open(job) {
    if (same(get().job, job)) return;
    forgetLive();
    pendingLive = [];
    set({ job, description: null, error: null, log: { ...EMPTY_LOG, loading: true }, metrics: [], metricsError: null, actionError: null });
    void get().refresh();
    if (job.kind === 'training') void get().loadMetrics();
    void logs(job, -LOG_PAGE, LOG_PAGE).then((result) => {
      if (!same(get().job, job)) return;
      const live = pendingLive ?? [];
      pendingLive = null;
      if (!result.ok) {
        set({ log: { ...EMPTY_LOG, lines: live, error: result.error } });
        return;
      }
      const page = result.value;
      const lines = mergeLogTail(page.lines, live);
      set({ log: capped({ lines, first: page.start, next: page.start + lines.length, complete: page.complete, loading: false, error: null }) });
    });
  },

  close() {
    forgetLive();
    set({ job: null, description: null, error: null, log: EMPTY_LOG, metrics: [], metricsError: null, actionError: null });
  },

  async refresh() {
    const job = get().job;
    if (!job) return;
    const key = `${job.kind}:${job.name}`;
    if (describing?.key === key) {
      // One describe at a time; a change during it asks once more after it.
      describeAgain = true;
      return describing.done;
    }
    const done = describe(job).then((result) => {
      if (!same(get().job, job)) return;
      set(result.ok ? { description: result.value, error: null } : { error: result.error });
    });
    describing = { key, done };
    await done;
    if (describing?.done !== done) return;
    describing = null;
    if (describeAgain) {
      describeAgain = false;
      await get().refresh();
    }
  },

  async loadMetrics() {
    const job = get().job;
    if (!job || job.kind !== 'training') return;
    const result = await getBridge().call('training.metrics', { TrainingJobName: job.name });
    if (!same(get().job, job)) return;
    set(result.ok ? { metrics: result.value.series, metricsError: null } : { metricsError: result.error });
  },

  async loadEarlierLog() {
    const { job, log } = get();
    if (!job || log.first === 0 || log.loading) return;
    const start = Math.max(0, log.first - LOG_PAGE);
    const result = await logs(job, start, log.first - start);
    if (!same(get().job, job)) return;
    if (!result.ok) {
      set((state) => ({ log: { ...state.log, error: result.error } }));
      return;
    }
    set((state) => ({ log: { ...state.log, lines: [...result.value.lines, ...state.log.lines], first: result.value.start, error: null } }));
  },

  jobChanged(summary) {
    const job = get().job;
    if (!job || job.kind !== summary.Kind || job.name !== jobName(summary)) return;
    void get().refresh();
    const status = jobStatus(summary);
    if (status !== 'InProgress' && status !== 'Stopping') {
      set((state) => ({ log: { ...state.log, complete: true } }));
      void get().loadMetrics();
    }
  },

  receivedLog(line) {
    const job = get().job;
    if (!job || job.name !== line.job || (line.kind ?? 'training') !== job.kind) return;
    if (pendingLive) {
      pendingLive.push(line.line);
      return;
    }
    queued.push(line.line);
    flushTimer ??= setTimeout(() => {
      const lines = queued;
      queued = [];
      flushTimer = null;
      set((state) => ({ log: capped({ ...state.log, lines: [...state.log.lines, ...lines], next: state.log.next + lines.length }) }));
    }, FLUSH_MS);
  },

  async stop() {
    const job = get().job;
    if (!job) return;
    const result = job.kind === 'training' ? await getBridge().call('training.stop', { TrainingJobName: job.name }) : await getBridge().call('processing.stop', { ProcessingJobName: job.name });
    set({ actionError: result.ok ? null : result.error });
    if (result.ok) void get().refresh();
  },

  async interrupt() {
    const job = get().job;
    if (!job || job.kind !== 'training') return;
    const result = await getBridge().call('training.interrupt', { TrainingJobName: job.name });
    set({ actionError: result.ok ? null : result.error });
    if (result.ok) void get().refresh();
  },
}));

import { create } from 'zustand';
import type { LatheError, Result } from '../../main/contract/result';
import type { RequestOf } from '../../main/contract/schemas';
import type { AlgorithmInfo, JobSummary, TrainingJobDescription } from '../../main/contract/training';
import { getBridge } from '../api/client';
import { NO_FILTER, upsertJob, type JobFilter, type JobRef } from '../lib/jobs';

/** What the Jobs pane shows: the list, one job, or the create form (maybe a clone of a job). */
export type JobsView =
  | { mode: 'list' }
  | { mode: 'detail'; job: JobRef }
  | { mode: 'create'; from: TrainingJobDescription | null; back: JobRef | null };

/** Pages of 100 fetched per kind at most (10,000 jobs). */
const MAX_PAGES = 100;

interface JobsState {
  /** By jobKey(kind, name). */
  jobs: Record<string, JobSummary>;
  loading: boolean;
  loaded: boolean;
  /** The last list call that failed (the other kind may still have loaded). */
  error: LatheError | null;
  filter: JobFilter;
  view: JobsView;
  algorithms: AlgorithmInfo[] | null;
  algorithmsError: LatheError | null;
  load(): Promise<void>;
  /** Loads unless loaded (or loading) already. */
  ensureLoaded(): void;
  /** Fed by `jobs.changed`. */
  received(job: JobSummary): void;
  setFilter(change: Partial<JobFilter>): void;
  show(view: JobsView): void;
  loadAlgorithms(): Promise<void>;
  /** Creates the job and opens it; answers the error for the form to show, or null. */
  createTraining(request: RequestOf<'training.create'>): Promise<LatheError | null>;
}

async function listAll<T>(fetchPage: (token: string | undefined) => Promise<Result<{ items: T[]; next?: string }>>): Promise<Result<T[]>> {
  const items: T[] = [];
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await fetchPage(token);
    if (!result.ok) return result;
    items.push(...result.value.items);
    token = result.value.next;
    if (!token) break;
  }
  return { ok: true, value: items };
}

function listTraining(): Promise<Result<JobSummary[]>> {
  return listAll(async (NextToken) => {
    const result = await getBridge().call('training.list', { MaxResults: 100, ...(NextToken ? { NextToken } : {}) });
    return result.ok ? { ok: true, value: { items: result.value.TrainingJobSummaries, next: result.value.NextToken } } : result;
  });
}

function listProcessing(): Promise<Result<JobSummary[]>> {
  return listAll(async (NextToken) => {
    const result = await getBridge().call('processing.list', { MaxResults: 100, ...(NextToken ? { NextToken } : {}) });
    return result.ok ? { ok: true, value: { items: result.value.ProcessingJobSummaries, next: result.value.NextToken } } : result;
  });
}

/** Every training and processing job, kept live by `jobs.changed`, and where the pane is. */
export const useJobsStore = create<JobsState>()((set, get) => ({
  jobs: {},
  loading: false,
  loaded: false,
  error: null,
  filter: NO_FILTER,
  view: { mode: 'list' },
  algorithms: null,
  algorithmsError: null,

  async load() {
    set({ loading: true });
    const [training, processing] = await Promise.all([listTraining(), listProcessing()]);
    set((state) => {
      // Events that arrived while listing are at least as new as the list: keep them.
      let jobs: Record<string, JobSummary> = {};
      for (const result of [training, processing]) if (result.ok) for (const job of result.value) jobs = upsertJob(jobs, job);
      for (const [key, job] of Object.entries(state.jobs)) {
        const listed = jobs[key];
        if (!listed || Date.parse(job.LastModifiedTime) > Date.parse(listed.LastModifiedTime)) jobs[key] = job;
      }
      const error = !training.ok ? training.error : !processing.ok ? processing.error : null;
      return { jobs, error, loading: false, loaded: training.ok || processing.ok || state.loaded };
    });
  },

  ensureLoaded() {
    const { loaded, loading } = get();
    if (!loaded && !loading) void get().load();
  },

  received(job) {
    set((state) => ({ jobs: upsertJob(state.jobs, job) }));
  },

  setFilter(change) {
    set((state) => ({ filter: { ...state.filter, ...change } }));
  },

  show(view) {
    set({ view });
  },

  async loadAlgorithms() {
    const result = await getBridge().call('training.algorithms', {});
    set(result.ok ? { algorithms: result.value.algorithms, algorithmsError: null } : { algorithmsError: result.error });
  },

  async createTraining(request) {
    const result = await getBridge().call('training.create', request);
    if (!result.ok) return result.error;
    set({ view: { mode: 'detail', job: { kind: 'training', name: request.TrainingJobName } } });
    return null;
  },
}));

import { create } from 'zustand';
import type { Experiment, MetricHistory, Run, RunDetail } from '../../main/contract/experiments';
import type { LatheError } from '../../main/contract/result';
import { getBridge } from '../api/client';
import type { RunSort } from '../panes/experiments/runsTable';

/** Runs fetched per experiment at most. */
export const MAX_RUNS = 50_000;
/** Buckets asked for per metric chart (about its width in pixels). */
export const CHART_WIDTH = 800;

export interface RunDetailState {
  runId: string;
  run: RunDetail | null;
  error: LatheError | null;
  /** By metric key. */
  histories: Record<string, MetricHistory>;
  historyErrors: Record<string, LatheError>;
}

interface ExperimentsState {
  experiments: Experiment[];
  loading: boolean;
  loaded: boolean;
  error: LatheError | null;
  selectedId: string | null;
  runs: Run[];
  runsLoading: boolean;
  runsError: LatheError | null;
  filter: string;
  sort: RunSort;
  detail: RunDetailState | null;
  load(): Promise<void>;
  ensureLoaded(): void;
  select(experimentId: string): Promise<void>;
  setFilter(filter: string): void;
  /** Sorts by the column; the same column again flips the direction. */
  sortBy(column: string): void;
  openRun(runId: string): Promise<void>;
  closeRun(): void;
}

const DEFAULT_SORT: RunSort = { column: 'start', descending: true };

/** Experiments, the selected one's runs, and the open run's detail and metric histories. */
export const useExperimentsStore = create<ExperimentsState>()((set, get) => ({
  experiments: [],
  loading: false,
  loaded: false,
  error: null,
  selectedId: null,
  runs: [],
  runsLoading: false,
  runsError: null,
  filter: '',
  sort: DEFAULT_SORT,
  detail: null,

  async load() {
    set({ loading: true });
    const result = await getBridge().call('experiments.list', {});
    if (!result.ok) {
      set({ loading: false, error: result.error });
      return;
    }
    const experiments = [...result.value.experiments].sort((a, b) => b.lastUpdateTime - a.lastUpdateTime);
    set({ experiments, loading: false, loaded: true, error: null });
    const { selectedId } = get();
    const first = experiments[0];
    if (first && !experiments.some((e) => e.experimentId === selectedId)) void get().select(first.experimentId);
  },

  ensureLoaded() {
    const { loaded, loading } = get();
    if (!loaded && !loading) void get().load();
  },

  async select(experimentId) {
    set({ selectedId: experimentId, runs: [], runsLoading: true, runsError: null, detail: null, filter: '' });
    const result = await getBridge().call('runs.search', { experimentIds: [experimentId], maxResults: MAX_RUNS });
    if (get().selectedId !== experimentId) return;
    set(result.ok ? { runs: result.value.runs, runsLoading: false } : { runsError: result.error, runsLoading: false });
  },

  setFilter(filter) {
    set({ filter });
  },

  sortBy(column) {
    set((state) => ({
      sort: state.sort.column === column ? { column, descending: !state.sort.descending } : { column, descending: column === 'start' },
    }));
  },

  async openRun(runId) {
    set({ detail: { runId, run: null, error: null, histories: {}, historyErrors: {} } });
    const result = await getBridge().call('runs.get', { runId });
    if (get().detail?.runId !== runId) return;
    if (!result.ok) {
      set((state) => ({ detail: state.detail && { ...state.detail, error: result.error } }));
      return;
    }
    set((state) => ({ detail: state.detail && { ...state.detail, run: result.value } }));
    await Promise.all(
      result.value.metrics.map(async ({ key }) => {
        const history = await getBridge().call('runs.metricHistory', { runId, key, width: CHART_WIDTH });
        set((state) => {
          if (state.detail?.runId !== runId) return {};
          return history.ok
            ? { detail: { ...state.detail, histories: { ...state.detail.histories, [key]: history.value } } }
            : { detail: { ...state.detail, historyErrors: { ...state.detail.historyErrors, [key]: history.error } } };
        });
      }),
    );
  },

  closeRun() {
    set({ detail: null });
  },
}));

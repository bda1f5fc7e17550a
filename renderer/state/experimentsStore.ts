import { create } from 'zustand';
import type { ExperimentChange, Experiment, MetricHistory, Run, RunDetail } from '../../main/contract/experiments';
import type { LatheError, Result } from '../../main/contract/result';
import { getBridge } from '../api/client';
import { FIRST_PAGE, keepSelected, MAX_RUNS, runsSearchRequest, searchRuns, sortedExperiments } from './runsQueries';
import { useCompareStore } from './compareStore';
import { readColumnPrefs, writeColumnPrefs } from '../panes/experiments/columnPrefsStorage';
import { DEFAULT_COLUMN_PREFS, isColumnShown, withColumn, type ColumnPrefs } from '../panes/experiments/runColumns';
import type { RunSort } from '../panes/experiments/runsTable';
import { createThrottle } from '../panes/experiments/throttle';

/** Buckets asked for per metric chart (about its width in pixels). */
export const CHART_WIDTH = 800;
/** A live change (experiments.changed) reloads the runs and the list at most this often. */
export const LIVE_RELOAD_MS = 2000;
/**
 * And at most once per this many times the last reload took: 10,000 runs take main a few hundred
 * ms to read, so a job logging every second costs main at most a tenth of its time, not a fifth.
 */
export const LIVE_RELOAD_FACTOR = 10;
/** Run ids one runs.delete / restore / purge takes at most (the schema's limit). */
const RUN_IDS_PER_CALL = 10_000;

export type RunsAction = 'runs.delete' | 'runs.restore' | 'runs.purge';
export type ExperimentAction = 'experiments.delete' | 'experiments.restore' | 'experiments.purge';

const ACTION_TITLES: Record<RunsAction, string> = {
  'runs.delete': 'Could not delete the runs',
  'runs.restore': 'Could not restore the runs',
  'runs.purge': 'Could not delete the runs forever',
};

export interface RunDetailState {
  runId: string;
  run: RunDetail | null;
  error: LatheError | null;
  /** By metric key. */
  histories: Record<string, MetricHistory>;
  historyErrors: Record<string, LatheError>;
}

/** How the selected experiment's runs are fetched and shown; reset when another is selected. */
interface RunsView {
  runs: Run[];
  runsLoading: boolean;
  /** A reload in place (a filter, the trash, an action, a live change): the rows stay until it answers. */
  runsRefreshing: boolean;
  runsError: LatheError | null;
  /** Run name contains (applied here, not by the server). */
  filter: string;
  /** The MLflow filter the rows were fetched with ('' for none). */
  runFilter: string;
  /** Why the last filter did not apply (the server's words); the previous rows stay. */
  runFilterError: LatheError | null;
  /** The trash: deleted runs instead of active ones. */
  showDeleted: boolean;
  groupBy: string | null;
  collapsedGroups: string[];
  selectedRuns: ReadonlySet<string>;
  columnPrefs: ColumnPrefs;
  /** A run action or an in-place reload that failed (`reload`: trying again means reloading). */
  actionError: { title: string; error: LatheError; reload: boolean } | null;
  /** A change arrived while runs were loading: reload once they have. */
  runsStale: boolean;
  /** The first page of runs is shown and the rest is on its way (a large experiment). */
  runsPartial: boolean;
  detail: RunDetailState | null;
}

interface ExperimentsState extends RunsView {
  experiments: Experiment[];
  loading: boolean;
  loaded: boolean;
  error: LatheError | null;
  /** The list includes deleted experiments (shown apart, to restore or purge). */
  showDeletedExperiments: boolean;
  experimentActionError: LatheError | null;
  selectedId: string | null;
  sort: RunSort;
  load(): Promise<void>;
  ensureLoaded(): void;
  setShowDeletedExperiments(show: boolean): Promise<void>;
  /** Resolves true when it went through (the list reloaded). */
  experimentAction(channel: ExperimentAction, experimentId: string): Promise<boolean>;
  select(experimentId: string): Promise<void>;
  setFilter(filter: string): void;
  /** Fetches with this MLflow filter ('' for all runs); an invalid one leaves the rows as they were. */
  applyRunFilter(expression: string): Promise<void>;
  setShowDeleted(show: boolean): Promise<void>;
  /** Reloads the runs in place, keeping the rows (and so the scroll) and the selection. */
  reloadRuns(): Promise<void>;
  /** Sorts by the column; the same column again flips the direction. */
  sortBy(column: string): void;
  setGroupBy(paramKey: string | null): void;
  toggleGroup(key: string): void;
  toggleRunSelected(runId: string): void;
  setRunsSelected(runIds: readonly string[], selected: boolean): void;
  setColumnShown(columnId: string, shown: boolean): void;
  resetColumns(): void;
  /** Resolves true when it went through (the runs reloaded). */
  runsAction(channel: RunsAction, runIds: readonly string[]): Promise<boolean>;
  /** From main's experiments.changed: reloads what shows that experiment, throttled. */
  experimentChanged(change: ExperimentChange): void;
  openRun(runId: string): Promise<void>;
  closeRun(): void;
}

const DEFAULT_SORT: RunSort = { column: 'start', descending: true };

function runsView(): RunsView {
  return {
    runs: [],
    runsLoading: false,
    runsRefreshing: false,
    runsError: null,
    filter: '',
    runFilter: '',
    runFilterError: null,
    showDeleted: false,
    groupBy: null,
    collapsedGroups: [],
    selectedRuns: new Set(),
    columnPrefs: DEFAULT_COLUMN_PREFS,
    actionError: null,
    runsStale: false,
    runsPartial: false,
    detail: null,
  };
}

/** Increases with every runs request; an answer to an older one is dropped (the latest wins). */
let runsRequest = 0;

/** Experiments, the selected one's runs and how they are shown, and the open run's detail. */
export const useExperimentsStore = create<ExperimentsState>()((set, get) => {
  /** Live reloads (experiments.changed), each at most once per LIVE_RELOAD_MS. */
  let lastReloadMs = 0;
  const liveRuns = createThrottle(
    () => {
      const state = get();
      if (!state.selectedId) return;
      // A load on its way may have been asked before the change: reload once it has answered.
      if (state.runsLoading || state.runsRefreshing) set({ runsStale: true });
      else void refreshInPlace('notice');
    },
    () => Math.max(LIVE_RELOAD_MS, LIVE_RELOAD_FACTOR * lastReloadMs),
  );
  /** A filter applied but not answered yet: a reload meanwhile uses it, so it is not lost. */
  let pendingFilter: string | null = null;
  const liveList = createThrottle(() => {
    if (get().loaded) void fetchList();
  }, LIVE_RELOAD_MS);

  /** The selected experiment's runs fetched this way; null when a later request superseded this one. */
  const fetchRuns = async (filter: string, showDeleted: boolean): Promise<Result<Run[]> | null> => {
    const experimentId = get().selectedId;
    if (!experimentId) return null;
    const request = ++runsRequest;
    const result = await searchRuns(runsSearchRequest(experimentId, filter, showDeleted));
    return request === runsRequest && get().selectedId === experimentId ? result : null;
  };

  /** An error's notice; while only the newest runs are shown, it says so (and offers a reload). */
  const partialOr = (title: string, error: LatheError): { title: string; error: LatheError; reload: boolean } =>
    get().runsPartial ? { title: `Only the newest ${FIRST_PAGE} runs are shown: the rest could not be loaded`, error, reload: true } : { title, error, reload: true };

  /** The latest runs request answered: a change that came in meanwhile reloads again. */
  const settled = () => {
    if (!get().runsStale) return;
    set({ runsStale: false });
    liveRuns.trigger();
  };

  /** Same filter and lifecycle again; a failure shows above the rows (or instead of them: `replace`). */
  const refreshInPlace = async (onError: 'notice' | 'replace'): Promise<void> => {
    set({ runsRefreshing: true });
    const started = performance.now();
    const filter = pendingFilter ?? get().runFilter;
    const result = await fetchRuns(filter, get().showDeleted);
    if (!result) return;
    lastReloadMs = performance.now() - started;
    if (result.ok) {
      if (pendingFilter === filter) pendingFilter = null;
      set((state) => ({ runs: result.value, runFilter: filter, runsRefreshing: false, runsPartial: false, runsError: null, selectedRuns: keepSelected(state.selectedRuns, result.value) }));
    }
    else if (onError === 'replace') set({ runsRefreshing: false, runsError: result.error, runsPartial: false });
    else set({ runsRefreshing: false, actionError: partialOr('Could not reload the runs', result.error), runsPartial: false });
    settled();
  };

  /** The list again without the busy state (live changes come every second while a job trains). */
  const fetchList = async (): Promise<void> => {
    const result = await getBridge().call('experiments.list', get().showDeletedExperiments ? { includeDeleted: true } : {});
    if (!result.ok) {
      set({ loading: false, error: result.error });
      return;
    }
    const experiments = sortedExperiments(result.value.experiments);
    set({ experiments, loading: false, loaded: true, error: null });
    const active = experiments.filter((e) => e.lifecycleStage === 'active');
    const { selectedId } = get();
    if (active.some((e) => e.experimentId === selectedId)) return;
    const first = active[0];
    if (first) void get().select(first.experimentId);
    else if (selectedId) set({ selectedId: null, ...runsView() });
  };

  return {
    experiments: [],
    loading: false,
    loaded: false,
    error: null,
    showDeletedExperiments: false,
    experimentActionError: null,
    selectedId: null,
    sort: DEFAULT_SORT,
    ...runsView(),

    async load() {
      set({ loading: true });
      await fetchList();
    },

    ensureLoaded() {
      const { loaded, loading } = get();
      if (!loaded && !loading) void get().load();
    },

    async setShowDeletedExperiments(show) {
      set({ showDeletedExperiments: show, experimentActionError: null });
      await get().load();
    },

    async experimentAction(channel, experimentId) {
      set({ experimentActionError: null });
      const result = await getBridge().call(channel, { experimentId });
      if (!result.ok) {
        set({ experimentActionError: result.error });
        return false;
      }
      await get().load();
      return true;
    },

    async select(experimentId) {
      const current = get();
      const plain = !current.showDeleted && !current.runFilter && current.actionError === null && !current.runsPartial;
      if (current.selectedId === experimentId && !current.runsLoading && current.runsError === null && plain) {
        // The experiment shown already: back to its runs (they stay live through experiments.changed).
        set({ detail: null });
        useCompareStore.getState().close();
        return;
      }
      pendingFilter = null;
      set({ selectedId: experimentId, ...runsView(), runsLoading: true, runsPartial: false, columnPrefs: readColumnPrefs(experimentId) });
      // The newest runs first, so a 10,000-run experiment shows its top rows at once; then the rest.
      const request = ++runsRequest;
      const stillWanted = () => request === runsRequest && get().selectedId === experimentId;
      const base = runsSearchRequest(experimentId, '', false);
      const first = await getBridge().call('runs.search', { ...base, maxResults: FIRST_PAGE });
      if (!stillWanted()) return;
      if (!first.ok) {
        set({ runsError: first.error, runsLoading: false });
        settled();
        return;
      }
      const next = first.value.nextPageToken;
      // Refreshing while the rest loads: a live change meanwhile waits for it (runsStale), then reloads.
      set({ runs: first.value.runs, runsLoading: false, runsPartial: next !== undefined, runsRefreshing: next !== undefined });
      if (next === undefined) {
        settled();
        return;
      }
      const rest = await searchRuns({ ...base, maxResults: MAX_RUNS - FIRST_PAGE }, next, MAX_RUNS - FIRST_PAGE);
      if (!stillWanted()) return;
      if (rest.ok) {
        // A run created between the two pages may show up in both: keep it once.
        const seen = new Set(first.value.runs.map((run) => run.info.runId));
        set({ runs: [...first.value.runs, ...rest.value.filter((run) => !seen.has(run.info.runId))], runsPartial: false, runsRefreshing: false });
      } else {
        set({ runsPartial: false, runsRefreshing: false, actionError: partialOr('', rest.error) });
      }
      settled();
    },

    setFilter(filter) {
      set({ filter });
    },

    async applyRunFilter(expression) {
      const filter = expression.trim();
      set({ runsRefreshing: true });
      pendingFilter = filter;
      const result = await fetchRuns(filter, get().showDeleted);
      if (!result) return;
      if (pendingFilter === filter) pendingFilter = null;
      if (result.ok) {
        set((state) => ({ runs: result.value, runFilter: filter, runFilterError: null, runsRefreshing: false, runsPartial: false, selectedRuns: keepSelected(state.selectedRuns, result.value) }));
      } else {
        // The rest of a large experiment was dropped for this filter: say only the newest are shown.
        set((state) => ({ runFilterError: result.error, runsRefreshing: false, runsPartial: false, ...(state.runsPartial ? { actionError: partialOr('', result.error) } : {}) }));
      }
      settled();
    },

    async setShowDeleted(show) {
      set({ showDeleted: show, selectedRuns: new Set(), actionError: null });
      await refreshInPlace('replace');
    },

    async reloadRuns() {
      if (!get().selectedId) return;
      set({ actionError: null });
      await refreshInPlace('replace');
    },

    sortBy(column) {
      set((state) => ({
        sort: state.sort.column === column ? { column, descending: !state.sort.descending } : { column, descending: column === 'start' },
      }));
    },

    setGroupBy(paramKey) {
      set({ groupBy: paramKey, collapsedGroups: [] });
    },

    toggleGroup(key) {
      set((state) => ({
        collapsedGroups: state.collapsedGroups.includes(key) ? state.collapsedGroups.filter((k) => k !== key) : [...state.collapsedGroups, key],
      }));
    },

    toggleRunSelected(runId) {
      set((state) => {
        const next = new Set(state.selectedRuns);
        if (!next.delete(runId)) next.add(runId);
        return { selectedRuns: next };
      });
    },

    setRunsSelected(runIds, selected) {
      set((state) => {
        const next = new Set(state.selectedRuns);
        for (const id of runIds) {
          if (selected) next.add(id);
          else next.delete(id);
        }
        return { selectedRuns: next };
      });
    },

    setColumnShown(columnId, shown) {
      const { selectedId, columnPrefs, sort } = get();
      const prefs = withColumn(columnPrefs, columnId, shown);
      // Rows sorted by a column nobody sees would look unsorted.
      set({ columnPrefs: prefs, sort: sort.column === columnId && !isColumnShown(columnId, prefs) ? DEFAULT_SORT : sort });
      if (selectedId) writeColumnPrefs(selectedId, prefs);
    },

    resetColumns() {
      const { selectedId } = get();
      set({ columnPrefs: DEFAULT_COLUMN_PREFS });
      if (selectedId) writeColumnPrefs(selectedId, DEFAULT_COLUMN_PREFS);
    },

    async runsAction(channel, runIds) {
      if (runIds.length === 0) return false;
      set({ actionError: null });
      const notRemoved: string[] = [];
      for (let i = 0; i < runIds.length; i += RUN_IDS_PER_CALL) {
        const result = await getBridge().call(channel, { runIds: runIds.slice(i, i + RUN_IDS_PER_CALL) });
        if (result.ok && 'notRemoved' in result.value && result.value.notRemoved) notRemoved.push(...result.value.notRemoved);
        if (!result.ok) {
          // Earlier batches went through: show them gone, then the error.
          if (i > 0) await refreshInPlace('notice');
          set({ actionError: { title: ACTION_TITLES[channel], error: result.error, reload: false } });
          return false;
        }
      }
      get().setRunsSelected(runIds, false);
      await refreshInPlace('notice');
      void fetchList();
      if (notRemoved.length > 0) {
        // The runs are gone; some of their files could not be removed: say which, to remove by hand.
        const message = `The runs are deleted, but ${notRemoved.length} artifact folder(s) could not be removed; remove them by hand: ${notRemoved.join('; ')}`;
        set({ actionError: { title: 'Some artifact files were left on disk', error: { code: 'internal', message }, reload: false } });
      }
      return true;
    },

    experimentChanged({ experimentId }) {
      const state = get();
      if (!state.loaded) return;
      liveList.trigger();
      if (experimentId === state.selectedId) liveRuns.trigger();
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
  };
});

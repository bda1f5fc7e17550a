import { create } from 'zustand';
import type { MetricHistory, RunDetail } from '../../main/contract/experiments';
import type { LatheError } from '../../main/contract/result';
import { getBridge } from '../api/client';

/** Runs one comparison takes at most: each brings its metric histories, and a chart of 50 lines is already dense. */
export const MAX_COMPARED = 50;

/** Buckets asked for per metric history (about a chart's width in pixels). */
export const COMPARE_CHART_WIDTH = 800;

/** One compared run as loaded so far. */
export interface ComparedRun {
  runId: string;
  run: RunDetail | null;
  error: LatheError | null;
  /** By metric key. */
  histories: Record<string, MetricHistory>;
  historyErrors: Record<string, LatheError>;
}

/**
 * The runs being compared side by side (2–N). The Experiments pane shows the comparison instead
 * of the runs table while `runIds` is set. `open` loads each run (runs.get) and then the history of
 * each of its metrics (runs.metricHistory, downsampled to COMPARE_CHART_WIDTH).
 */
interface CompareState {
  runIds: string[] | null;
  /** By run id; filled in as the calls come back. */
  runs: Record<string, ComparedRun>;
  /** Opens the comparison of these runs (in this order; the first is the baseline). */
  open(runIds: string[]): void;
  close(): void;
}

function emptyRun(runId: string): ComparedRun {
  return { runId, run: null, error: null, histories: {}, historyErrors: {} };
}

export const useCompareStore = create<CompareState>()((set, get) => {
  /** Answers for an earlier `open` (or after `close`) are dropped: each open gets its own generation. */
  let generation = 0;

  const update = (current: number, runId: string, change: (run: ComparedRun) => Partial<ComparedRun>) => {
    if (current !== generation) return;
    set((state) => {
      const run = state.runs[runId];
      return run ? { runs: { ...state.runs, [runId]: { ...run, ...change(run) } } } : {};
    });
  };

  const loadRun = async (current: number, runId: string) => {
    const result = await getBridge().call('runs.get', { runId });
    if (!result.ok) {
      update(current, runId, () => ({ error: result.error }));
      return;
    }
    update(current, runId, () => ({ run: result.value }));
    await Promise.all(
      result.value.metrics.map(async ({ key }) => {
        const history = await getBridge().call('runs.metricHistory', { runId, key, width: COMPARE_CHART_WIDTH });
        update(current, runId, (run) =>
          history.ok ? { histories: { ...run.histories, [key]: history.value } } : { historyErrors: { ...run.historyErrors, [key]: history.error } },
        );
      }),
    );
  };

  return {
    runIds: null,
    runs: {},
    open(runIds) {
      generation += 1;
      const current = generation;
      const ids = [...new Set(runIds)];
      set({ runIds: ids, runs: Object.fromEntries(ids.map((id) => [id, emptyRun(id)])) });
      for (const id of ids) void loadRun(current, id);
    },
    close() {
      generation += 1;
      if (get().runIds !== null) set({ runIds: null, runs: {} });
    },
  };
});

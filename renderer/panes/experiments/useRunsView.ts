import { useMemo } from 'react';
import type { Run } from '../../../main/contract/experiments';
import { useNow } from '../../components/useNow';
import { useExperimentsStore } from '../../state/experimentsStore';
import { columnOptions, isMetricColumn, runColumns, type ColumnOptions, type RunColumn } from './runColumns';
import { groupRuns, tableItems, type RunGroup, type TableItem } from './runGroups';
import { visibleRuns } from './runsTable';

/** What the runs table shows, derived from the store (memoised: 10,000 runs sort once per change). */
export interface RunsView {
  now: number;
  options: ColumnOptions;
  columns: RunColumn[];
  /** Filtered by name and sorted. */
  visible: Run[];
  groups: RunGroup[] | null;
  /** The 30px items the table windows over: group headers and runs. */
  items: TableItem[];
  /** Every visible run in table order (grouped order when grouped, collapsed groups included). */
  ordered: Run[];
  /** The selected runs among `ordered`, in its order: what Compare, Delete and the rest act on. */
  selectedIds: string[];
}

export function useRunsView(): RunsView {
  const runs = useExperimentsStore((s) => s.runs);
  const filter = useExperimentsStore((s) => s.filter);
  const sort = useExperimentsStore((s) => s.sort);
  const groupBy = useExperimentsStore((s) => s.groupBy);
  const collapsedGroups = useExperimentsStore((s) => s.collapsedGroups);
  const columnPrefs = useExperimentsStore((s) => s.columnPrefs);
  const selectedRuns = useExperimentsStore((s) => s.selectedRuns);
  const now = useNow();

  const options = useMemo(() => columnOptions(runs), [runs]);
  const columns = useMemo(() => runColumns(runs, columnPrefs, options), [runs, columnPrefs, options]);
  const visible = useMemo(() => visibleRuns(runs, filter, sort, now), [runs, filter, sort, now]);
  const groups = useMemo(() => (groupBy === null ? null : groupRuns(visible, groupBy, columns.filter(isMetricColumn))), [visible, groupBy, columns]);
  const items = useMemo((): TableItem[] => (groups ? tableItems(groups, collapsedGroups) : visible.map((run) => ({ kind: 'run', run }))), [groups, collapsedGroups, visible]);
  const ordered = useMemo(() => (groups ? groups.flatMap((group) => group.runs) : visible), [groups, visible]);
  const selectedIds = useMemo(() => ordered.filter((run) => selectedRuns.has(run.info.runId)).map((run) => run.info.runId), [ordered, selectedRuns]);
  return { now, options, columns, visible, groups, items, ordered, selectedIds };
}

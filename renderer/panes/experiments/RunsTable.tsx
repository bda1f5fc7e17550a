import { useCallback, useLayoutEffect, useState, type KeyboardEvent } from 'react';
import { ErrorState } from '../../components/ErrorState';
import { useExperimentsStore } from '../../state/experimentsStore';
import { GroupRow, RunRow, RunsHead } from './RunRows';
import { RunsActions } from './RunsActions';
import { RunsToolbar } from './RunsToolbar';
import type { RunGroup } from './runGroups';
import { windowRange } from './runsTable';
import { useRunsView } from './useRunsView';

/** Every row (runs and group headers) is this tall (CSS pins it): what lets the list render only the rows in view. */
export const ROW_HEIGHT = 30;
/** Used until the scroll box has been measured (and where layout reports 0, as in tests). */
const FALLBACK_VIEWPORT = 600;

/** The scroll box's height, measured when it mounts and as it resizes; its scroll offset. */
function useScroller() {
  const [element, setElement] = useState<HTMLDivElement | null>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(FALLBACK_VIEWPORT);
  useLayoutEffect(() => {
    if (!element) return;
    const measure = () => setViewport(element.clientHeight || FALLBACK_VIEWPORT);
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [element]);
  const attach = useCallback((node: HTMLDivElement | null) => {
    setElement(node);
    // A new box (another experiment, or back from an empty list) starts where it actually is.
    if (node) setScrollTop(node.scrollTop);
  }, []);
  return { attach, scrollTop, viewport, onScroll: setScrollTop };
}

/** Up and down arrows move between rows and group headers (whatever is rendered; focusing scrolls the window). */
function onArrowKey(event: KeyboardEvent<HTMLTableSectionElement>) {
  const step = event.key === 'ArrowDown' ? 1 : event.key === 'ArrowUp' ? -1 : 0;
  if (step === 0) return;
  const targets = [...event.currentTarget.querySelectorAll<HTMLElement>('[data-row-nav]')];
  const index = targets.indexOf(event.target as HTMLElement);
  const next = index < 0 ? undefined : targets[index + step];
  if (next) {
    event.preventDefault();
    next.focus();
  }
}

function EmptyRuns({ showDeleted, runFilter }: { showDeleted: boolean; runFilter: string }) {
  if (runFilter) return <p className="muted table-note">No {showDeleted ? 'deleted ' : ''}run matches the filter.</p>;
  if (showDeleted) return <p className="muted table-note">No deleted runs: the trash is empty.</p>;
  return <p className="muted">This experiment has no runs yet.</p>;
}

/**
 * The selected experiment's runs: filters, chosen columns, sorting by any column, grouping with
 * mean ± σ, selection for compare and delete, the trash; only the rows in view are in the DOM.
 */
export function RunsTable() {
  const runs = useExperimentsStore((s) => s.runs);
  const runsLoading = useExperimentsStore((s) => s.runsLoading);
  const runsRefreshing = useExperimentsStore((s) => s.runsRefreshing);
  const runsError = useExperimentsStore((s) => s.runsError);
  const selectedId = useExperimentsStore((s) => s.selectedId);
  const experimentName = useExperimentsStore((s) => s.experiments.find((e) => e.experimentId === s.selectedId)?.name ?? 'experiment');
  const filter = useExperimentsStore((s) => s.filter);
  const runFilter = useExperimentsStore((s) => s.runFilter);
  const showDeleted = useExperimentsStore((s) => s.showDeleted);
  const sort = useExperimentsStore((s) => s.sort);
  const groupBy = useExperimentsStore((s) => s.groupBy);
  const selectedRuns = useExperimentsStore((s) => s.selectedRuns);
  const sortBy = useExperimentsStore((s) => s.sortBy);
  const openRun = useExperimentsStore((s) => s.openRun);
  const reloadRuns = useExperimentsStore((s) => s.reloadRuns);
  const toggleGroup = useExperimentsStore((s) => s.toggleGroup);
  const toggleRunSelected = useExperimentsStore((s) => s.toggleRunSelected);
  const setRunsSelected = useExperimentsStore((s) => s.setRunsSelected);
  const view = useRunsView();
  const { columns, items, ordered, selectedIds, now } = view;
  const { attach, scrollTop, viewport, onScroll } = useScroller();
  const open = useCallback((runId: string) => void openRun(runId), [openRun]);
  const selectGroup = useCallback((group: RunGroup, selected: boolean) => setRunsSelected(group.runs.map((run) => run.info.runId), selected), [setRunsSelected]);

  if (runsError && selectedId) return <ErrorState title="Could not list the runs" error={runsError} onRetry={() => void reloadRuns()} />;
  if (runsLoading) {
    return (
      <p className="muted" aria-busy="true">
        Loading runs…
      </p>
    );
  }

  const { start, end } = windowRange(scrollTop, viewport, ROW_HEIGHT, items.length);
  const span = columns.length + 1;
  return (
    <div className="runs-section" aria-busy={runsRefreshing}>
      <RunsToolbar view={view} experimentName={experimentName} />
      <RunsActions selectedIds={selectedIds} />
      {runs.length === 0 ? (
        <EmptyRuns showDeleted={showDeleted} runFilter={runFilter} />
      ) : (
        <div className="runs-scroller" data-testid="runs-scroller" ref={attach} onScroll={(e) => onScroll(e.currentTarget.scrollTop)}>
          <table className={`table runs-table${showDeleted ? ' runs-deleted' : ''}`} data-testid="runs-table" aria-label={showDeleted ? 'Deleted runs' : 'Runs'} aria-rowcount={items.length + 1}>
            <RunsHead
              columns={columns}
              sort={sort}
              onSort={sortBy}
              total={ordered.length}
              selectedCount={selectedIds.length}
              onSelectAll={(selected) => setRunsSelected(ordered.map((run) => run.info.runId), selected)}
            />
            <tbody onKeyDown={onArrowKey}>
              {start > 0 && (
                <tr aria-hidden="true" className="spacer-row">
                  <td colSpan={span} style={{ height: start * ROW_HEIGHT }} />
                </tr>
              )}
              {items.slice(start, end).map((item) =>
                item.kind === 'run' ? (
                  <RunRow key={item.run.info.runId} run={item.run} columns={columns} now={now} selected={selectedRuns.has(item.run.info.runId)} onOpen={open} onToggle={toggleRunSelected} />
                ) : (
                  <GroupRow
                    key={`group:${item.group.key}`}
                    group={item.group}
                    paramKey={groupBy ?? ''}
                    collapsed={item.collapsed}
                    columns={columns}
                    selectedCount={item.group.runs.filter((run) => selectedRuns.has(run.info.runId)).length}
                    onToggleGroup={toggleGroup}
                    onSelectGroup={selectGroup}
                  />
                ),
              )}
              {end < items.length && (
                <tr aria-hidden="true" className="spacer-row">
                  <td colSpan={span} style={{ height: (items.length - end) * ROW_HEIGHT }} />
                </tr>
              )}
            </tbody>
          </table>
        </div>
      )}
      {runs.length > 0 && view.visible.length === 0 && <p className="muted table-note">No run name contains “{filter}”.</p>}
    </div>
  );
}

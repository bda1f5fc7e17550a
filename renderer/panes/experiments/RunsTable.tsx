import { memo, useCallback, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { ArrowDown, ArrowUp } from 'lucide-react';
import type { Run } from '../../../main/contract/experiments';
import { ErrorState } from '../../components/ErrorState';
import { useNow } from '../../components/useNow';
import { useExperimentsStore } from '../../state/experimentsStore';
import { StatusBadge } from '../jobs/StatusBadge';
import { formatMetric, formatSeconds, runColumns, runMillis, visibleRuns, windowRange, type RunColumn } from './runsTable';

/** Every row is this tall (CSS pins it), which is what lets the list render only the visible rows. */
export const ROW_HEIGHT = 30;
/** Used until the scroll box has been measured (and where layout reports 0, as in tests). */
const FALLBACK_VIEWPORT = 600;

/** MLflow's run statuses in the words and tones the Jobs pane uses. */
const STATUS_AS_JOB: Record<Run['info']['status'], string> = {
  RUNNING: 'InProgress',
  SCHEDULED: 'Pending',
  FINISHED: 'Completed',
  FAILED: 'Failed',
  KILLED: 'Stopped',
};

function Cell({ run, column, now }: { run: Run; column: RunColumn; now: number }) {
  if ('kind' in column && column.kind === 'metric') {
    const metric = run.metrics.find((m) => m.key === column.key);
    if (!metric) return <td className="numeric" />;
    return (
      <td className="numeric" title={`last ${formatMetric(metric.last)} at step ${metric.lastStep} · min ${formatMetric(metric.min)} · max ${formatMetric(metric.max)} · ${metric.count} points`}>
        {formatMetric(metric.last)}
      </td>
    );
  }
  if ('kind' in column) {
    const value = run.params[column.key] ?? '';
    return (
      <td title={value}>
        <span className="cell-code">{value}</span>
      </td>
    );
  }
  if (column.id === 'name') return <td className="run-name-cell">{run.info.runName}</td>;
  if (column.id === 'status') {
    return (
      <td>
        <StatusBadge status={STATUS_AS_JOB[run.info.status]} />
      </td>
    );
  }
  if (column.id === 'start') {
    const start = new Date(run.info.startTime);
    return (
      <td className="numeric">
        <time dateTime={start.toISOString()}>{start.toLocaleString()}</time>
      </td>
    );
  }
  return <td className="numeric">{formatSeconds(runMillis(run, now) / 1000)}</td>;
}

const RunRow = memo(function RunRow({ run, columns, now, onOpen }: { run: Run; columns: RunColumn[]; now: number; onOpen(runId: string): void }) {
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      onOpen(run.info.runId);
    }
  };
  return (
    <tr className="run-row" data-testid={`run-row-${run.info.runName}`} tabIndex={0} onClick={() => onOpen(run.info.runId)} onKeyDown={onKeyDown}>
      {columns.map((column) => (
        <Cell key={column.id} run={run} column={column} now={now} />
      ))}
    </tr>
  );
});

/** The selected experiment's runs: filter by name, sort by any column, only the rows in view in the DOM. */
export function RunsTable() {
  const runs = useExperimentsStore((s) => s.runs);
  const runsLoading = useExperimentsStore((s) => s.runsLoading);
  const runsError = useExperimentsStore((s) => s.runsError);
  const selectedId = useExperimentsStore((s) => s.selectedId);
  const filter = useExperimentsStore((s) => s.filter);
  const sort = useExperimentsStore((s) => s.sort);
  const setFilter = useExperimentsStore((s) => s.setFilter);
  const sortBy = useExperimentsStore((s) => s.sortBy);
  const openRun = useExperimentsStore((s) => s.openRun);
  const select = useExperimentsStore((s) => s.select);
  const now = useNow();
  const columns = useMemo(() => runColumns(runs), [runs]);
  const visible = useMemo(() => visibleRuns(runs, filter, sort, now), [runs, filter, sort, now]);

  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(FALLBACK_VIEWPORT);
  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const measure = () => setViewport(element.clientHeight || FALLBACK_VIEWPORT);
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  const { start, end } = windowRange(scrollTop, viewport, ROW_HEIGHT, visible.length);
  const open = useCallback((runId: string) => void openRun(runId), [openRun]);

  if (runsError && selectedId) return <ErrorState title="Could not list the runs" error={runsError} onRetry={() => void select(selectedId)} />;
  if (runsLoading) {
    return (
      <p className="muted" aria-busy="true">
        Loading runs…
      </p>
    );
  }
  if (runs.length === 0) return <p className="muted">This experiment has no runs yet.</p>;

  return (
    <div className="runs-section">
      <div className="jobs-filters" role="search" aria-label="Filter runs">
        <label className="inline-field">
          <span>Run name</span>
          <input type="search" aria-label="Filter runs by name" value={filter} placeholder="contains…" onChange={(e) => setFilter(e.target.value)} spellCheck={false} />
        </label>
        <span className="muted" data-testid="runs-count">
          {visible.length === runs.length ? `${runs.length} runs` : `${visible.length} of ${runs.length} runs`}
        </span>
      </div>
      <div className="runs-scroller" ref={scroller} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}>
        <table className="table runs-table" data-testid="runs-table" aria-label="Runs" aria-rowcount={visible.length + 1}>
          <thead>
            <tr>
              {columns.map((column) => {
                const sorted = sort.column === column.id;
                return (
                  <th key={column.id} scope="col" aria-sort={sorted ? (sort.descending ? 'descending' : 'ascending') : 'none'} className={'kind' in column ? `column-${column.kind}` : undefined}>
                    <button type="button" className="sort-button" onClick={() => sortBy(column.id)} title={'kind' in column ? `${column.kind} ${column.key}` : undefined}>
                      {column.label}
                      {sorted && (sort.descending ? <ArrowDown size={12} aria-hidden="true" /> : <ArrowUp size={12} aria-hidden="true" />)}
                    </button>
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {start > 0 && (
              <tr aria-hidden="true" className="spacer-row">
                <td colSpan={columns.length} style={{ height: start * ROW_HEIGHT }} />
              </tr>
            )}
            {visible.slice(start, end).map((run) => (
              <RunRow key={run.info.runId} run={run} columns={columns} now={now} onOpen={open} />
            ))}
            {end < visible.length && (
              <tr aria-hidden="true" className="spacer-row">
                <td colSpan={columns.length} style={{ height: (visible.length - end) * ROW_HEIGHT }} />
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {visible.length === 0 && <p className="muted table-note">No run name contains “{filter}”.</p>}
    </div>
  );
}

import { memo, type KeyboardEvent } from 'react';
import { ArrowDown, ArrowUp, ChevronDown, ChevronRight } from 'lucide-react';
import type { Run } from '../../../main/contract/experiments';
import { StatusBadge } from '../jobs/StatusBadge';
import { isMetricColumn, type RunColumn } from './runColumns';
import { STD_KIND, type RunGroup } from './runGroups';
import { formatMetric, formatSeconds, runMillis, type RunSort } from './runsTable';

/** MLflow's run statuses in the words and tones the Jobs pane uses. */
const STATUS_AS_JOB: Record<Run['info']['status'], string> = {
  RUNNING: 'InProgress',
  SCHEDULED: 'Pending',
  FINISHED: 'Completed',
  FAILED: 'Failed',
  KILLED: 'Stopped',
};

function Cell({ run, column, now }: { run: Run; column: RunColumn; now: number }) {
  if (isMetricColumn(column)) {
    const metric = run.metrics.find((m) => m.key === column.key);
    if (!metric) return <td className="numeric" />;
    const shown = column.stat === 'last' ? metric.last : metric[column.stat];
    return (
      <td className="numeric" title={`last ${formatMetric(metric.last)} at step ${metric.lastStep} · min ${formatMetric(metric.min)} · max ${formatMetric(metric.max)} · ${metric.count} points`}>
        {formatMetric(shown)}
      </td>
    );
  }
  if ('kind' in column) {
    const value = (column.kind === 'param' ? run.params[column.key] : run.tags[column.key]) ?? '';
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

interface RunRowProps {
  run: Run;
  columns: RunColumn[];
  now: number;
  selected: boolean;
  onOpen(runId: string): void;
  onToggle(runId: string): void;
}

/** One run: click or Enter opens it, Space ticks its checkbox. */
export const RunRow = memo(function RunRow({ run, columns, now, selected, onOpen, onToggle }: RunRowProps) {
  const { runId, runName } = run.info;
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.target !== event.currentTarget) return;
    if (event.key === 'Enter') {
      event.preventDefault();
      onOpen(runId);
    } else if (event.key === ' ') {
      event.preventDefault();
      onToggle(runId);
    }
  };
  return (
    <tr className={`run-row${selected ? ' run-selected' : ''}`} data-testid={`run-row-${runName}`} data-row-nav="" tabIndex={0} onClick={() => onOpen(runId)} onKeyDown={onKeyDown}>
      <td className="select-cell" onClick={(e) => e.stopPropagation()}>
        {/* Out of the tab order: Space on the row ticks it, so Tab walks rows, not twice as many stops. */}
        <input type="checkbox" tabIndex={-1} aria-label={`Select run ${runName}`} checked={selected} onChange={() => onToggle(runId)} />
      </td>
      {columns.map((column) => (
        <Cell key={column.id} run={run} column={column} now={now} />
      ))}
    </tr>
  );
});

interface GroupRowProps {
  group: RunGroup;
  paramKey: string;
  collapsed: boolean;
  columns: RunColumn[];
  /** How many of the group's runs are selected. */
  selectedCount: number;
  onToggleGroup(key: string): void;
  onSelectGroup(group: RunGroup, selected: boolean): void;
}

/** A group's header: its value and run count (a button that folds it), and mean ± σ per metric column. */
export function GroupRow({ group, paramKey, collapsed, columns, selectedCount, onToggleGroup, onSelectGroup }: GroupRowProps) {
  const value = group.value ?? '(not set)';
  const count = `${group.runs.length} run${group.runs.length === 1 ? '' : 's'}`;
  const all = selectedCount === group.runs.length;
  return (
    <tr className="group-row" data-testid={`group-row-${value}`}>
      <td className="select-cell">
        <input
          type="checkbox"
          aria-label={`Select runs with ${paramKey} ${value}`}
          checked={all}
          ref={(box) => {
            if (box) box.indeterminate = selectedCount > 0 && !all;
          }}
          onChange={() => onSelectGroup(group, !all)}
        />
      </td>
      {columns.map((column) => {
        if (column.id === 'name') {
          return (
            <td key={column.id} className="group-label-cell">
              <button type="button" className="group-toggle" data-row-nav="" aria-expanded={!collapsed} aria-label={`${paramKey} = ${value}, ${count}`} onClick={() => onToggleGroup(group.key)}>
                {collapsed ? <ChevronRight size={14} aria-hidden="true" /> : <ChevronDown size={14} aria-hidden="true" />}
                <span className="group-value">{value}</span>
                <span className="muted">{count}</span>
              </button>
            </td>
          );
        }
        if (!isMetricColumn(column)) return <td key={column.id} />;
        const stat = group.stats[column.id];
        return (
          <td key={column.id} className="numeric group-stat" title={stat ? `mean ± ${STD_KIND} of ${stat.n} finite value${stat.n === 1 ? '' : 's'}` : 'no finite values'}>
            {stat ? `${formatMetric(stat.mean)} ± ${formatMetric(stat.std)}` : ''}
          </td>
        );
      })}
    </tr>
  );
}

interface HeadProps {
  columns: RunColumn[];
  sort: RunSort;
  onSort(columnId: string): void;
  /** Visible runs, and how many of them are selected. */
  total: number;
  selectedCount: number;
  onSelectAll(selected: boolean): void;
}

/** Sortable column headers (every kind sorts) and the select-all-visible checkbox. */
export function RunsHead({ columns, sort, onSort, total, selectedCount, onSelectAll }: HeadProps) {
  const all = total > 0 && selectedCount === total;
  return (
    <thead>
      <tr>
        <th scope="col" className="select-cell">
          <input
            type="checkbox"
            aria-label="Select all visible runs"
            checked={all}
            disabled={total === 0}
            ref={(box) => {
              if (box) box.indeterminate = selectedCount > 0 && !all;
            }}
            onChange={() => onSelectAll(!all)}
          />
        </th>
        {columns.map((column) => {
          const sorted = sort.column === column.id;
          return (
            <th key={column.id} scope="col" aria-sort={sorted ? (sort.descending ? 'descending' : 'ascending') : 'none'} className={'kind' in column ? `column-${column.kind}` : undefined}>
              <button type="button" className="sort-button" onClick={() => onSort(column.id)} title={'kind' in column ? `${column.kind} ${column.key}${isMetricColumn(column) ? ` (${column.stat})` : ''}` : undefined}>
                {column.label}
                {sorted && (sort.descending ? <ArrowDown size={12} aria-hidden="true" /> : <ArrowUp size={12} aria-hidden="true" />)}
              </button>
            </th>
          );
        })}
      </tr>
    </thead>
  );
}

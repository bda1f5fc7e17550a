import { lazy, Suspense, useEffect, useId, useMemo, useRef, useState } from 'react';
import { ArrowLeft } from 'lucide-react';
import { ErrorState } from '../../components/ErrorState';
import { useCompareStore, type ComparedRun } from '../../state/compareStore';
import { ChartOptionsToolbar, useChartOptions } from './ChartOptions';
import { formatDelta, metricCompareRows, metricKeys, paramDiff, runColor } from './compare';
import type { OverlaySeries } from './MetricChart';
import { ParallelCoordinates, type NamedRun } from './ParallelCoordinates';
import { formatMetric } from './runsTable';

// recharts is big: it loads with the first chart shown, not with the app.
const CompareChart = lazy(() => import('./MetricChart').then((module) => ({ default: module.CompareChart })));

/** A compared run with its place in the comparison (colour, column). */
interface Column {
  index: number;
  name: string;
  color: string;
  state: ComparedRun;
}

function RunHeading({ column, baseline }: { column: Column; baseline: boolean }) {
  return (
    <th scope="col" className="compare-run-heading">
      <span className="legend-swatch" style={{ background: column.color }} aria-hidden="true" />
      {column.name}
      {baseline && <span className="badge badge-accent">baseline</span>}
    </th>
  );
}

function ParamDiffTable({ runs, columns }: { runs: NamedRun[]; columns: Column[] }) {
  const [hideIdentical, setHideIdentical] = useState(true);
  const rows = useMemo(() => paramDiff(runs.map((r) => r.run)), [runs]);
  const shown = hideIdentical ? rows.filter((row) => row.differs) : rows;
  const differing = rows.filter((row) => row.differs).length;
  return (
    <section aria-label="Params">
      <div className="compare-section-header">
        <h2 className="section-title">Params</h2>
        <span className="muted">
          {differing} of {rows.length} differ
        </span>
        <label className="chart-option">
          <input type="checkbox" checked={hideIdentical} onChange={(event) => setHideIdentical(event.target.checked)} />
          Hide identical
        </label>
      </div>
      <table className="table compact-table compare-table" data-testid="compare-param-diff">
        <thead>
          <tr>
            <th scope="col">Param</th>
            {columns.map((column, i) => (
              <RunHeading key={column.state.runId} column={column} baseline={i === 0} />
            ))}
          </tr>
        </thead>
        <tbody>
          {shown.map((row) => (
            <tr key={row.key} data-param={row.key} data-differs={String(row.differs)} className={row.differs ? 'param-differs' : undefined}>
              <th scope="row">
                <code>{row.key}</code>
              </th>
              {row.values.map((value, i) => (
                <td key={i} className="wrap-anywhere">
                  {value ?? <span className="muted">—</span>}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {shown.length === 0 && <p className="muted">{rows.length === 0 ? 'These runs logged no params.' : `All ${rows.length} params are identical.`}</p>}
    </section>
  );
}

function MetricCompareTable({ runs, columns }: { runs: NamedRun[]; columns: Column[] }) {
  const rows = useMemo(() => metricCompareRows(runs.map((r) => r.run)), [runs]);
  if (rows.length === 0) return <p className="muted">These runs logged no metrics.</p>;
  return (
    <table className="table compact-table compare-table" data-testid="compare-metrics">
      <thead>
        <tr>
          <th scope="col">Metric (last value)</th>
          {columns.map((column, i) => (
            <RunHeading key={column.state.runId} column={column} baseline={i === 0} />
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.key} data-metric={row.key}>
            <th scope="row">
              <code>{row.key}</code>
            </th>
            {row.cells.map(({ summary, delta }, i) => (
              <td
                key={i}
                className="numeric"
                title={summary ? `last ${formatMetric(summary.last)} at step ${summary.lastStep} · min ${formatMetric(summary.min)} · max ${formatMetric(summary.max)} · ${summary.count} points` : undefined}
              >
                {summary ? formatMetric(summary.last) : <span className="muted">—</span>}
                {delta && (
                  <span className={`metric-delta delta-${delta.direction}`} data-direction={delta.direction} data-testid="metric-delta">
                    {formatDelta(delta)}
                  </span>
                )}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function OverlaidCharts({ columns }: { columns: Column[] }) {
  const options = useChartOptions();
  const keys = metricKeys(columns.flatMap((c) => (c.state.run ? [c.state.run] : [])));
  return (
    <div className="metric-charts compare-charts">
      {keys.map((key) => {
        const having = columns.filter((c) => c.state.run?.metrics.some((m) => m.key === key));
        const pending = columns.some((c) => !c.state.run && !c.state.error) || having.some((c) => !c.state.histories[key] && !c.state.historyErrors[key]);
        if (pending) {
          return (
            <p key={key} className="muted">
              Loading {key}…
            </p>
          );
        }
        const failed = having.filter((c) => c.state.historyErrors[key]);
        const series: OverlaySeries[] = having.flatMap((c) => {
          const history = c.state.histories[key];
          return history ? [{ runId: c.state.runId, name: c.name, color: c.color, history }] : [];
        });
        return (
          <div key={key}>
            {failed.map((c) => (
              <ErrorState key={c.state.runId} title={`Could not read the history of ${key} for ${c.name}`} error={c.state.historyErrors[key]!} />
            ))}
            <Suspense fallback={<p className="muted">Loading the chart…</p>}>
              <CompareChart metricKey={key} series={series} options={options} />
            </Suspense>
          </div>
        );
      })}
    </div>
  );
}

/**
 * Runs side by side: which params differ, each metric's last value with its change from the first
 * (baseline) run, the metric curves overlaid, and a parallel-coordinates plot. Back (or Esc in the
 * pane) returns to the runs table.
 */
export function CompareView() {
  const runIds = useCompareStore((s) => s.runIds);
  const states = useCompareStore((s) => s.runs);
  const close = useCompareStore((s) => s.close);
  const heading = useRef<HTMLHeadingElement>(null);
  const titleId = useId();
  useEffect(() => heading.current?.focus(), [runIds]);

  const columns = useMemo<Column[]>(
    () =>
      (runIds ?? []).flatMap((runId, index) => {
        const state = states[runId];
        return state ? [{ index, state, color: runColor(index), name: state.run?.info.runName ?? runId.slice(0, 8) }] : [];
      }),
    [runIds, states],
  );
  const loaded = useMemo<NamedRun[]>(() => columns.flatMap((c) => (c.state.run ? [{ name: c.name, run: c.state.run }] : [])), [columns]);
  const loadedColumns = columns.filter((c) => c.state.run);
  const loading = columns.some((c) => !c.state.run && !c.state.error);

  return (
    <section className="compare-view" data-testid="compare-view" aria-labelledby={titleId}>
      <header className="pane-header">
        <div>
          <button type="button" className="button button-small" onClick={close}>
            <ArrowLeft size={14} aria-hidden="true" /> Runs
          </button>
          <h1 ref={heading} id={titleId} tabIndex={-1}>
            Comparing {columns.length} runs
          </h1>
          <p className="muted">The first run is the baseline of the deltas. Esc goes back to the runs.</p>
        </div>
      </header>
      {columns
        .filter((c) => c.state.error)
        .map((c) => (
          <ErrorState key={c.state.runId} title={`Could not read run ${c.state.runId}`} error={c.state.error!} />
        ))}
      {loading && (
        <p className="muted" aria-busy="true">
          Loading the runs…
        </p>
      )}
      {!loading && loaded.length > 0 && (
        <>
          <ParamDiffTable runs={loaded} columns={loadedColumns} />
          <section aria-label="Metrics">
            <h2 className="section-title">Metrics</h2>
            <MetricCompareTable runs={loaded} columns={loadedColumns} />
            <ChartOptionsToolbar />
            <OverlaidCharts columns={loadedColumns} />
          </section>
          <ParallelCoordinates runs={loaded} />
        </>
      )}
    </section>
  );
}

import { lazy, Suspense, useEffect, useRef } from 'react';
import { ArrowLeft } from 'lucide-react';
import type { RunDetail as RunDetailValue } from '../../../main/contract/experiments';
import { ErrorState } from '../../components/ErrorState';
import { useExperimentsStore, type RunDetailState } from '../../state/experimentsStore';
import { ArtifactsSection } from './ArtifactsSection';
import { ChartOptionsToolbar, useChartOptions } from './ChartOptions';
import { formatMetric, formatSeconds, lineageChains, nodeLabel } from './runsTable';

// recharts is big: it loads with the first run opened, not with the app.
const MetricChart = lazy(() => import('./MetricChart').then((module) => ({ default: module.MetricChart })));

function KeyValues({ title, values, testId }: { title: string; values: Record<string, string>; testId: string }) {
  const entries = Object.entries(values).sort(([a], [b]) => a.localeCompare(b));
  return (
    <section>
      <h2 className="section-title">{title}</h2>
      {entries.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <table className="table compact-table" data-testid={testId}>
          <tbody>
            {entries.map(([key, value]) => (
              <tr key={key}>
                <th scope="row">
                  <code>{key}</code>
                </th>
                <td className="wrap-anywhere">{value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function MetricSummaries({ run }: { run: RunDetailValue }) {
  return (
    <table className="table compact-table" data-testid="run-metrics">
      <thead>
        <tr>
          <th scope="col">Metric</th>
          <th scope="col">Last</th>
          <th scope="col">Step</th>
          <th scope="col">Min</th>
          <th scope="col">Max</th>
          <th scope="col">Points</th>
        </tr>
      </thead>
      <tbody>
        {run.metrics.map((metric) => (
          <tr key={metric.key}>
            <td>
              <code>{metric.key}</code>
            </td>
            <td className="numeric">{formatMetric(metric.last)}</td>
            <td className="numeric">{metric.lastStep}</td>
            <td className="numeric">{formatMetric(metric.min)}</td>
            <td className="numeric">{formatMetric(metric.max)}</td>
            <td className="numeric">{metric.count}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Charts({ detail }: { detail: RunDetailState }) {
  const metrics = detail.run?.metrics ?? [];
  const options = useChartOptions();
  return (
    <div className="metric-charts">
      {metrics.map(({ key }) => {
        const history = detail.histories[key];
        const error = detail.historyErrors[key];
        if (error) return <ErrorState key={key} title={`Could not read the history of ${key}`} error={error} />;
        if (!history) {
          return (
            <p key={key} className="muted">
              Loading {key}…
            </p>
          );
        }
        return (
          <Suspense key={key} fallback={<p className="muted">Loading the chart…</p>}>
            <MetricChart history={history} options={options} />
          </Suspense>
        );
      })}
    </div>
  );
}

function Lineage({ run }: { run: RunDetailValue }) {
  const chains = lineageChains(run.lineage);
  if (chains.length === 0) return <p className="muted">No lineage recorded for this run.</p>;
  return (
    <ul className="lineage-list" data-testid="run-lineage">
      {chains.map((chain, i) => (
        <li key={i}>{chain.map(nodeLabel).join(' → ')}</li>
      ))}
    </ul>
  );
}

/** One run: params, tags, metric summaries and charts (with the shared chart options), lineage, artifacts. Esc (anywhere in the pane) closes it. */
export function RunDetail({ detail }: { detail: RunDetailState }) {
  const closeRun = useExperimentsStore((s) => s.closeRun);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [detail.runId]);
  const run = detail.run;

  return (
    <section className="run-detail" data-testid="run-detail" aria-label="Run detail">
      <header className="pane-header">
        <div>
          <button type="button" className="button button-small" onClick={closeRun}>
            <ArrowLeft size={14} aria-hidden="true" /> Runs
          </button>
          <h1 ref={heading} tabIndex={-1}>
            {run?.info.runName ?? 'Run'}
          </h1>
          {run && (
            <p className="muted">
              {run.info.status} · started {new Date(run.info.startTime).toLocaleString()}
              {run.info.endTime !== undefined ? ` · took ${formatSeconds((run.info.endTime - run.info.startTime) / 1000)}` : ''}
              {' · '}from {run.info.source.kind}
              {run.info.source.name ? ` ${run.info.source.name}` : ''} · <code>{run.info.runId}</code>
            </p>
          )}
        </div>
      </header>
      {detail.error && <ErrorState title="Could not read the run" error={detail.error} />}
      {!run ? (
        !detail.error && (
          <p className="muted" aria-busy="true">
            Loading the run…
          </p>
        )
      ) : (
        <>
          <h2 className="section-title">Metrics</h2>
          {run.metrics.length === 0 ? <p className="muted">This run logged no metrics.</p> : <MetricSummaries run={run} />}
          {run.metrics.length > 0 && <ChartOptionsToolbar />}
          <Charts detail={detail} />
          <div className="run-detail-columns">
            <KeyValues title="Params" values={run.params} testId="run-params" />
            <KeyValues title="Tags" values={run.tags} testId="run-tags" />
          </div>
          <h2 className="section-title">Lineage</h2>
          <Lineage run={run} />
          <ArtifactsSection runId={run.info.runId} />
        </>
      )}
    </section>
  );
}

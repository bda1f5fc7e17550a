import type { ShadowReport, VariantMetricsReport } from '../../../main/contract/endpoints';
import { ErrorState } from '../../components/ErrorState';
import { METRICS_POLL_MS, METRICS_STEP_SECONDS, METRICS_WINDOW_SECONDS, NOT_LOADED, useEndpointsMonitorStore } from '../../state/endpointsMonitorStore';
import { formatMs } from './latency';
import { clockTime, count, hasInvocations, readAt } from './monitorFormat';
import { usePolling } from './usePolling';
import { VariantCharts } from './VariantCharts';
import '../../styles/endpointsMonitor.css';

type VariantReport = { VariantName: string } & VariantMetricsReport;

function ColdStarts({ starts }: { starts: VariantMetricsReport['ColdStarts'] }) {
  if (starts.length === 0) return <>0</>;
  const last = starts.at(-1)!;
  return (
    <span title={starts.map((s) => `${clockTime(s.Time)}: ${formatMs(s.Milliseconds)}`).join('\n')}>
      {count(starts.length)} <span className="muted">(last {formatMs(last.Milliseconds)})</span>
    </span>
  );
}

/** Invocations, errors, latency percentiles and cold starts of each variant over the window. */
function SummaryTable({ variants }: { variants: VariantReport[] }) {
  return (
    <table className="table compact-table endpoint-metrics-summary" data-testid="metrics-summary">
      <thead>
        <tr>
          <th scope="col" rowSpan={2}>
            Variant
          </th>
          <th scope="col" rowSpan={2} className="numeric">
            Invocations
          </th>
          <th scope="col" rowSpan={2} className="numeric">
            4XX
          </th>
          <th scope="col" rowSpan={2} className="numeric">
            5XX
          </th>
          <th scope="colgroup" colSpan={3} className="numeric">
            ModelLatency
          </th>
          <th scope="colgroup" colSpan={3} className="numeric">
            OverheadLatency
          </th>
          <th scope="col" rowSpan={2} className="numeric">
            Cold starts
          </th>
        </tr>
        <tr>
          {['model', 'overhead'].flatMap((kind) =>
            ['p50', 'p95', 'p99'].map((p) => (
              <th key={`${kind}-${p}`} scope="col" className="numeric">
                {p}
              </th>
            )),
          )}
        </tr>
      </thead>
      <tbody>
        {variants.map((v) => (
          <tr key={v.VariantName} data-testid={`metrics-variant-${v.VariantName}`}>
            <th scope="row">{v.VariantName}</th>
            <td className="numeric" data-testid="metrics-invocations">
              {count(v.Invocations)}
            </td>
            <td className={v.Invocation4XXErrors > 0 ? 'numeric metric-bad' : 'numeric'} data-testid="metrics-4xx">
              {count(v.Invocation4XXErrors)}
            </td>
            <td className={v.Invocation5XXErrors > 0 ? 'numeric metric-bad' : 'numeric'} data-testid="metrics-5xx">
              {count(v.Invocation5XXErrors)}
            </td>
            {(['p50', 'p95', 'p99'] as const).map((p) => (
              <td key={`model-${p}`} className="numeric" data-testid={`metrics-model-${p}`}>
                {formatMs(v.ModelLatency[p])}
              </td>
            ))}
            {(['p50', 'p95', 'p99'] as const).map((p) => (
              <td key={`overhead-${p}`} className="numeric" data-testid={`metrics-overhead-${p}`}>
                {formatMs(v.OverheadLatency[p])}
              </td>
            ))}
            <td className="numeric" data-testid="metrics-cold-starts">
              <ColdStarts starts={v.ColdStarts} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** How the shadow variant's answers compared with production's, and the latest differences. */
function Shadows({ shadows }: { shadows: ShadowReport[] }) {
  return (
    <section aria-label="Shadow comparison" data-testid="metrics-shadows">
      <h3 className="console-subtitle">Shadow comparison</h3>
      <table className="table compact-table">
        <thead>
          <tr>
            <th scope="col">Shadow variant</th>
            <th scope="col" className="numeric">
              Copies sent
            </th>
            <th scope="col" className="numeric">
              Same answer
            </th>
            <th scope="col" className="numeric">
              Different
            </th>
            <th scope="col" className="numeric">
              Mean |Δ|
            </th>
            <th scope="col" className="numeric">
              Errors
            </th>
            <th scope="col" className="numeric">
              Dropped
            </th>
          </tr>
        </thead>
        <tbody>
          {shadows.map((s) => (
            <tr key={s.VariantName} data-testid={`metrics-shadow-${s.VariantName}`}>
              <th scope="row">{s.VariantName}</th>
              <td className="numeric">{count(s.Invocations)}</td>
              <td className="numeric" data-testid="shadow-matches">
                {count(s.Matches)}
              </td>
              <td className={s.Mismatches > 0 ? 'numeric metric-bad' : 'numeric'} data-testid="shadow-mismatches">
                {count(s.Mismatches)}
              </td>
              <td className="numeric">{s.MeanAbsDifference === null ? '—' : s.MeanAbsDifference.toPrecision(3)}</td>
              <td className="numeric">{count(s.Errors)}</td>
              <td className="numeric" title="Copies not sent because too many were already waiting on the shadow">
                {count(s.Dropped)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {shadows.some((s) => s.RecentMismatches.length > 0) && (
        <table className="table compact-table shadow-mismatches" data-testid="shadow-recent-mismatches">
          <caption className="muted">Latest differences</caption>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Request</th>
              <th scope="col">Production answered</th>
              <th scope="col">Shadow answered</th>
            </tr>
          </thead>
          <tbody>
            {shadows.flatMap((s) =>
              s.RecentMismatches.map((m, i) => (
                <tr key={`${s.VariantName}-${i}`}>
                  <td>{clockTime(m.Time)}</td>
                  <td>
                    <code className="cell-code">{m.Request}</code>
                  </td>
                  <td>
                    <code className="cell-code">{m.Production}</code>
                  </td>
                  <td>
                    <code className="cell-code">{m.Shadow}</code>
                  </td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** endpoints.metrics for the last five minutes, asked again every 2 s while the tab is shown. */
export function MetricsPanel({ endpoint }: { endpoint: string }) {
  const loaded = useEndpointsMonitorStore((s) => s.metrics[endpoint]) ?? NOT_LOADED;
  const load = useEndpointsMonitorStore((s) => s.loadMetrics);
  usePolling(load, endpoint, METRICS_POLL_MS);
  const report = loaded.value;
  const minutes = METRICS_WINDOW_SECONDS / 60;

  return (
    <div className="monitor-panel" data-testid="endpoint-metrics">
      <p className="muted monitor-status">
        The last {minutes} minutes, a point every {METRICS_STEP_SECONDS} s; refreshed every {METRICS_POLL_MS / 1000} s while this tab is open
        {loaded.at !== null && <> · updated {readAt(loaded.at)}</>}.
      </p>
      {loaded.error && <ErrorState title="Could not read the metrics" error={loaded.error} onRetry={() => void load(endpoint)} />}
      {!report ? (
        !loaded.error && (
          <p className="muted" aria-busy="true">
            Loading the metrics…
          </p>
        )
      ) : !hasInvocations(report.Variants) ? (
        <div className="empty-state monitor-empty" data-testid="metrics-empty">
          <p>
            No invocations in the last {minutes} minutes{report.Variants.length > 0 ? ` (${report.Variants.map((v) => v.VariantName).join(', ')})` : ''}.
          </p>
          <p className="muted">Send a request from the Test console, run a Load test, or call InvokeEndpoint; the charts and latencies fill in as requests arrive.</p>
        </div>
      ) : (
        <>
          <SummaryTable variants={report.Variants} />
          {report.Variants.map((v) => (
            <section key={v.VariantName} aria-label={`Variant ${v.VariantName}`} className="monitor-variant">
              <h3 className="console-subtitle">{v.VariantName}</h3>
              <VariantCharts variant={v.VariantName} series={v.Series} stepSeconds={METRICS_STEP_SECONDS} />
            </section>
          ))}
        </>
      )}
      {report?.Shadows && report.Shadows.length > 0 && <Shadows shadows={report.Shadows} />}
    </div>
  );
}

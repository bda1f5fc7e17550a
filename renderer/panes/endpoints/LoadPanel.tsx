import { useId, useMemo, type FormEvent } from 'react';
import { Gauge, Square } from 'lucide-react';
import { ErrorState } from '../../components/ErrorState';
import { bodyProblem, EMPTY_CONSOLE, invokeRequest, useEndpointsConsoleStore } from '../../state/endpointsConsoleStore';
import { MAX_CONCURRENCY, MAX_REQUESTS, parseCount, useEndpointsLoadStore, type LoadRun } from '../../state/endpointsLoadStore';
import { FieldError } from '../jobs/FieldMessage';
import { preview } from './endpointFormat';
import { formatMs, histogram, summarize } from './latency';
import { LatencyHistogram } from './LatencyHistogram';

function Results({ run }: { run: LoadRun }) {
  const stats = useMemo(() => summarize(run.latencies, run.errors, run.elapsedMs), [run]);
  const buckets = useMemo(() => histogram(run.latencies), [run]);
  const rows: Array<[string, string, string]> = [
    ['p50', formatMs(stats.p50), 'load-p50'],
    ['p95', formatMs(stats.p95), 'load-p95'],
    ['p99', formatMs(stats.p99), 'load-p99'],
    ['Mean', formatMs(stats.mean), 'load-mean'],
    ['Max', formatMs(stats.max), 'load-max'],
    ['Requests/s', stats.requestsPerSecond === null ? '—' : stats.requestsPerSecond.toFixed(1), 'load-rps'],
    ['Errors', `${stats.errors.toLocaleString('en-US')} of ${run.done.toLocaleString('en-US')}`, 'load-errors'],
  ];
  return (
    <div className="load-results" data-testid="load-results">
      <dl className="load-stats">
        {rows.map(([label, value, testId]) => (
          <div key={label} className={label === 'Errors' && stats.errors > 0 ? 'load-stat load-stat-bad' : 'load-stat'}>
            <dt>{label}</dt>
            <dd className="numeric" data-testid={testId}>
              {value}
            </dd>
          </div>
        ))}
      </dl>
      {Object.keys(run.errorKinds).length > 0 && (
        <ul className="load-error-kinds" data-testid="load-error-kinds">
          {Object.entries(run.errorKinds).map(([kind, count]) => (
            <li key={kind}>
              <span className="badge status-badge badge-danger">{kind}</span> × {count}
            </li>
          ))}
        </ul>
      )}
      {run.firstError && <ErrorState title="The first error" error={run.firstError} />}
      {buckets.length > 0 && <LatencyHistogram buckets={buckets} total={stats.count} />}
    </div>
  );
}

/**
 * N requests at concurrency C from this window through endpoints.invoke, with the Test console's
 * request; progress while it runs (Cancel stops starting new ones), then the latency histogram,
 * percentiles, throughput and errors.
 */
export function LoadPanel({ endpoint, inService, onEditPayload }: { endpoint: string; inService: boolean; onEditPayload(): void }) {
  const draft = useEndpointsConsoleStore((s) => s.drafts[endpoint]) ?? EMPTY_CONSOLE;
  const requests = useEndpointsLoadStore((s) => s.requests);
  const concurrency = useEndpointsLoadStore((s) => s.concurrency);
  const run = useEndpointsLoadStore((s) => s.run);
  const setRequests = useEndpointsLoadStore((s) => s.setRequests);
  const setConcurrency = useEndpointsLoadStore((s) => s.setConcurrency);
  const start = useEndpointsLoadStore((s) => s.start);
  const cancel = useEndpointsLoadStore((s) => s.cancel);
  const base = useId();

  const total = parseCount(requests, MAX_REQUESTS, 'Requests');
  const parallel = parseCount(concurrency, MAX_CONCURRENCY, 'Concurrency');
  const payloadProblem = bodyProblem(draft);
  const running = run?.state === 'running';
  const mine = run?.endpoint === endpoint ? run : null;
  const blocked = running ? null : !inService ? 'The endpoint is not in service.' : payloadProblem ? `${payloadProblem} (in the Test console)` : null;

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (running || blocked || 'error' in total || 'error' in parallel) return;
    void start(invokeRequest(endpoint, draft), total.value, parallel.value);
  };

  return (
    <div className="load-panel" data-testid="load-panel">
      <form className="load-form" aria-label="Load test" onSubmit={onSubmit} noValidate>
        <label className="inline-field">
          <span>Requests</span>
          <input
            type="number"
            min={1}
            max={MAX_REQUESTS}
            aria-label="Requests"
            value={requests}
            onChange={(e) => setRequests(e.target.value)}
            disabled={running}
            aria-invalid={'error' in total ? true : undefined}
            aria-describedby={'error' in total ? `${base}-requests-error` : undefined}
          />
        </label>
        <label className="inline-field">
          <span>Concurrency</span>
          <input
            type="number"
            min={1}
            max={MAX_CONCURRENCY}
            aria-label="Concurrency"
            value={concurrency}
            onChange={(e) => setConcurrency(e.target.value)}
            disabled={running}
            aria-invalid={'error' in parallel ? true : undefined}
            aria-describedby={'error' in parallel ? `${base}-concurrency-error` : undefined}
          />
        </label>
        {running ? (
          <button type="button" className="button" onClick={cancel}>
            <Square size={14} aria-hidden="true" /> Cancel
          </button>
        ) : (
          <button type="submit" className="button button-primary" disabled={blocked !== null || 'error' in total || 'error' in parallel}>
            <Gauge size={14} aria-hidden="true" /> Run load test
          </button>
        )}
      </form>
      <FieldError id={`${base}-requests-error`} message={'error' in total ? total.error : undefined} />
      <FieldError id={`${base}-concurrency-error`} message={'error' in parallel ? parallel.error : undefined} />
      <p className="muted load-request">
        Sends the Test console&apos;s request: <code>{draft.contentType}</code>
        {draft.targetVariant ? (
          <>
            {' '}
            to variant <code>{draft.targetVariant}</code>
          </>
        ) : null}
        , payload <code className="cell-code">{preview(draft.body) || '(empty)'}</code>{' '}
        <button type="button" className="link-button" onClick={onEditPayload}>
          Edit in the Test console
        </button>
      </p>
      {blocked && <p className="notice notice-warn">{blocked}</p>}
      {running && run.endpoint !== endpoint && <p className="muted">A load test on {run.endpoint} is running.</p>}
      {mine && (
        <div className="load-progress" aria-live="polite">
          <progress value={mine.done} max={mine.total} aria-label="Load test progress" />
          <span className="numeric" data-testid="load-progress">
            {mine.done.toLocaleString('en-US')} / {mine.total.toLocaleString('en-US')}
            {mine.state === 'running' ? ` at concurrency ${mine.concurrency}` : mine.state === 'canceled' ? ' · canceled' : ' · done'}
            {mine.errors > 0 ? ` · ${mine.errors.toLocaleString('en-US')} errors` : ''}
          </span>
        </div>
      )}
      {/* Charted once it ends: rendering while it runs would take the main thread from the requests. */}
      {mine && mine.state !== 'running' && mine.done > 0 && <Results run={mine} />}
    </div>
  );
}

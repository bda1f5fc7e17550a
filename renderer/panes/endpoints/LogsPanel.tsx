import { useLayoutEffect, useRef } from 'react';
import type { LogsReport } from '../../state/endpointsMonitorStore';
import { CopyButton } from '../../components/CopyButton';
import { ErrorState } from '../../components/ErrorState';
import { LOG_LINES, LOGS_POLL_MS, NOT_LOADED, useEndpointsMonitorStore } from '../../state/endpointsMonitorStore';
import { AnsiText } from '../jobs/AnsiText';
import { readAt } from './monitorFormat';
import { usePolling } from './usePolling';
import '../../styles/endpointsMonitor.css';

type WorkerLog = LogsReport['Workers'][number];

/** One worker's last lines; it follows new lines while scrolled to the bottom. */
function WorkerLogView({ log }: { log: WorkerLog }) {
  const box = useRef<HTMLPreElement>(null);
  const following = useRef(true);
  useLayoutEffect(() => {
    if (following.current && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [log.Lines]);
  const onScroll = () => {
    const el = box.current;
    if (el) following.current = el.scrollTop + el.clientHeight >= el.scrollHeight - 24;
  };
  const id = `${log.Variant}-${log.Worker}`;
  return (
    <section className="worker-log" aria-label={`${log.Variant} worker ${log.Worker}`} data-testid={`logs-worker-${id}`}>
      <header className="worker-log-head">
        <h3 className="console-subtitle">
          {log.Variant} · worker {log.Worker}
        </h3>
        <code className="worker-log-file" data-testid="logs-file">
          {log.File}
        </code>
        <CopyButton text={log.File} label="Copy path" />
      </header>
      {log.Lines.length === 0 ? (
        <p className="muted" data-testid="logs-none">
          The worker has written nothing to its log.
        </p>
      ) : (
        // Focusable so the keyboard can scroll it.
        <pre className="console-body worker-log-lines" ref={box} onScroll={onScroll} tabIndex={0} aria-label={`Last lines of ${log.Variant} worker ${log.Worker}`} data-testid="logs-lines" data-lines={log.Lines.length}>
          {log.Lines.map((line, i) => (
            <div key={i}>
              <AnsiText line={line} />
            </div>
          ))}
        </pre>
      )}
    </section>
  );
}

/** endpoints.logs: each worker's last lines (its model server's output), refreshed while shown. */
export function LogsPanel({ endpoint }: { endpoint: string }) {
  const loaded = useEndpointsMonitorStore((s) => s.logs[endpoint]) ?? NOT_LOADED;
  const load = useEndpointsMonitorStore((s) => s.loadLogs);
  usePolling(load, endpoint, LOGS_POLL_MS);
  const report = loaded.value;

  return (
    <div className="monitor-panel" data-testid="endpoint-logs">
      <p className="muted monitor-status">
        The last {LOG_LINES} lines of each worker
        {report && (
          <>
            {' '}
            of config <code>{report.EndpointConfigName}</code>
          </>
        )}
        , refreshed every {LOGS_POLL_MS / 1000} s while this tab is open
        {loaded.at !== null && <> · updated {readAt(loaded.at)}</>}.
      </p>
      {loaded.error && <ErrorState title="Could not read the worker logs" error={loaded.error} onRetry={() => void load(endpoint)} />}
      {!report ? (
        !loaded.error && (
          <p className="muted" aria-busy="true">
            Loading the worker logs…
          </p>
        )
      ) : report.Workers.length === 0 ? (
        <div className="empty-state monitor-empty" data-testid="logs-empty">
          <p>No worker has written a log for this config yet.</p>
          <p className="muted">Logs appear once the endpoint starts its workers.</p>
        </div>
      ) : (
        report.Workers.map((log) => <WorkerLogView key={`${log.Variant}-${log.Worker}`} log={log} />)
      )}
    </div>
  );
}
